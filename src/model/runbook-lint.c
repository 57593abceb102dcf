/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook-lint.c: the warnings of `stepup lint` on a loaded runbook:
 * recovery, confirmation, unused artifacts and variables, missing files,
 * `needs` that leave out a confirmation (which gates the step anyway),
 * an inventory file as it is now and the `on:` it must satisfy. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inventory.h"
#include "plan.h"
#include "runbook-int.h"
#include "util.h"

/* Whether text mentions the environment variable name as a whole word. */
static bool
mentions(const char *text, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);
	char		 after;

	if (text == NULL)
		return false;
	for (p = text; (p = strstr(p, name)) != NULL; p += n) {
		after = p[n];
		if ((p == text || !(p[-1] == '_' || (p[-1] >= 'A' &&
		    p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z') ||
		    (p[-1] >= '0' && p[-1] <= '9'))) &&
		    !(after == '_' || (after >= 'A' && after <= 'Z') ||
		    (after >= 'a' && after <= 'z') ||
		    (after >= '0' && after <= '9')))
			return true;
	}
	return false;
}

/* path with every $NAME / ${NAME} of name replaced by value; NULL when it
 * has another $NAME. The caller frees it. */
static char *
expand_one(const char *path, const char *name, const char *value)
{
	struct buf	 b;
	const char	*p;
	size_t		 n = strlen(name);

	buf_init(&b);
	for (p = path; *p != '\0'; p++) {
		if (*p != '$') {
			buf_putc(&b, *p);
			continue;
		}
		if (strncmp(p + 1, name, n) == 0 && !rbl_is_name_char(p[1 + n],
		    false)) {
			buf_puts(&b, value);
			p += n;
		} else if (p[1] == '{' && strncmp(p + 2, name, n) == 0 &&
		    p[2 + n] == '}') {
			buf_puts(&b, value);
			p += n + 2;
		} else {
			buf_free(&b);
			return NULL;
		}
	}
	return buf_take(&b);
}

/* Whether a read step's file exists, relative to the runbook's directory. */
static bool
doc_exists(const struct runbook *rb, const char *file)
{
	struct stat	 st;
	char		*path;
	bool		 ok;

	path = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", rb->dir,
	    file);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

/* A read step's document must exist: as written, or for every hop target
 * of a literal catalog (every listed release but the first) when it names
 * $STEPUP_HOP_TO and nothing else. */
static size_t
lint_file(const struct runbook *rb, const struct rb_step *st,
    struct rb_diags *d)
{
	const struct rb_source	*av = &rb->versions.available;
	struct buf		 missing;
	char			*path;
	size_t			 i, n = 0;

	if (strchr(st->file, '$') == NULL) {
		if (doc_exists(rb, st->file))
			return 0;
		rb_diag_add(d, RB_WARNING, rb->path, st->pos, "read step '%s': "
		    "%s does not exist", st->id, st->file);
		return 1;
	}
	buf_init(&missing);
	for (i = 1; i < av->n_list; i++) {
		if ((path = expand_one(st->file, "STEPUP_HOP_TO",
		    av->list[i].s)) == NULL)
			break;
		if (!doc_exists(rb, path) && n++ < 5)
			buf_printf(&missing, "%s%s", n > 1 ? ", " : "", path);
		free(path);
	}
	if (n > 5)
		buf_printf(&missing, " and %zu more", n - 5);
	if (n > 0)
		rb_diag_add(d, RB_WARNING, rb->path, st->pos, "read step '%s': "
		    "%s %s not exist", st->id, missing.data, n > 1 ? "do" :
		    "does");
	buf_free(&missing);
	return n > 0;
}

/* Whether a step's commands or texts mention $name. */
static bool
conds_name(const struct rb_cond *k, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(k[i].var.s, name) == 0)
			return true;
	return false;
}

static bool
step_mentions(const struct rb_step *st, const char *name)
{
	return mentions(st->run, name) || mentions(st->undo, name) ||
	    mentions(st->produces, name) || mentions(st->file, name) ||
	    mentions(st->phrase, name) || mentions(st->text, name) ||
	    mentions(st->title, name) ||
	    conds_name(st->when_vars, st->n_when_vars, name);
}

/* A variable nothing mentions is a question asked for nothing (unless
 * its name is all capitals: PGHOST is for the programs to read). */
static size_t
lint_vars(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_var	*v;
	size_t			 i, j, k, n = 0;
	bool			 used;
	int			 p;

	for (i = 0; i < rb->n_vars; i++) {
		v = &rb->vars[i];
		/* a `when` of the policy or of a hop step uses it too */
		used = mentions(rb->versions.installed.command, v->name) ||
		    mentions(rb->versions.available.command, v->name) ||
		    plan_policy_asks(&rb->policy, v->name);
		/* Named by another's value or default (when that one is
		 * used, this one is, through it). */
		for (j = 0; j < rb->n_vars && !used; j++) {
			for (k = 0; k < rb->vars[j].n_uses && !used; k++)
				used = rb->vars[j].uses[k] == i;
		}
		for (p = 0; p < RB_PHASE__COUNT && !used; p++) {
			for (j = 0; j < rb->phases[p].n && !used; j++)
				used = step_mentions(&rb->phases[p].v[j],
				    v->name);
		}
		/* PGHOST and the like are read by programs themselves. */
		if (used || strpbrk(v->name, "abcdefghijklmnopqrstuvwxyz") ==
		    NULL)
			continue;
		rb_diag_add(d, RB_WARNING, rb->path, v->pos, "variable '%s' is "
		    "not used: no command or text mentions $%s", v->name,
		    v->name);
		n++;
	}
	return n;
}

/* The step with that id (not a rollback step), and its place in run
 * order (prepare, hop, finish, as written), or NULL. */
static const struct rb_step *
step_by_id(const struct runbook *rb, const char *id, size_t *order)
{
	size_t	i, o = 0;
	int	p;

	for (p = 0; p < RB_PHASE_ROLLBACK; p++) {
		for (i = 0; i < rb->phases[p].n; i++, o++) {
			if (strcmp(rb->phases[p].v[i].id, id) == 0) {
				*order = o;
				return &rb->phases[p].v[i];
			}
		}
	}
	return NULL;
}

/* Whether what st's `needs` names waits for the confirm step cf (at
 * place c in run order) anyway: it names cf, or a step after cf that
 * needs every step before it, or one whose own needs wait for it. */
static bool
needs_reach(const struct runbook *rb, const struct rb_step *st,
    const struct rb_step *cf, size_t c, int depth)
{
	const struct rb_step	*t;
	size_t			 k, o;

	for (k = 0; k < st->n_needs; k++) {
		if ((t = step_by_id(rb, st->needs[k].s, &o)) == NULL)
			continue;
		if (t == cf || (o > c && !t->has_needs))
			return true;
		if (o > c && depth < 64 && needs_reach(rb, t, cf, c, depth + 1))
			return true;
	}
	return false;
}

/* A step whose `needs` leaves out a confirm step before it: stepup gates
 * it by the confirmation all the same, which the author should know. */
static size_t
lint_gate(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_step	*st, *cf = NULL;
	size_t			 i, o = 0, c = 0, n = 0;
	int			 p;

	for (p = 0; p < RB_PHASE_ROLLBACK; p++) {
		for (i = 0; i < rb->phases[p].n; i++, o++) {
			st = &rb->phases[p].v[i];
			if (cf != NULL && st->has_needs &&
			    !needs_reach(rb, st, cf, c, 0)) {
				rb_diag_add(d, RB_WARNING, rb->path, st->pos,
				    "step '%s' comes after confirm step '%s', "
				    "which its 'needs' leaves out: it waits "
				    "for that confirmation all the same (a "
				    "confirmation gates every step after it)",
				    st->id, cf->id);
				n++;
			}
			if (st->kind == RB_CONFIRM) {
				cf = st;
				c = o;
			}
		}
	}
	return n;
}

/* Add the warnings of a valid runbook to d; returns how many. */
/* Whether command text names $name or ${name}. */
static bool
names_var(const char *text, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	for (p = text; p != NULL && (p = strchr(p, '$')) != NULL; p++) {
		if (strncmp(p + 1, name, n) == 0 &&
		    !rbl_is_name_char(p[1 + n], false))
			return true;
		if (p[1] == '{' && strncmp(p + 2, name, n) == 0 &&
		    (p[2 + n] == '}' || p[2 + n] == ':' || p[2 + n] == '-'))
			return true;
	}
	return false;
}

/* A step that writes $STEPUP_OUTPUT without declaring outputs, and a
 * step's run command that names an output of its own step or of a
 * later one (in run order: prepare, hop, finish; rollback steps run after
 * them all): the value is not set yet when it runs. (An undo runs in the
 * rollback, after them all.) */
static size_t
lint_outputs(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_step	*st, *o;
	size_t			 i, j, k, n = 0;
	int			 p, q;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			st = &rb->phases[p].v[i];
			if (st->n_outputs == 0 && names_var(st->run,
			    "STEPUP_OUTPUT")) {
				rb_diag_add(d, RB_WARNING, rb->path, st->pos,
				    "step '%s' writes $STEPUP_OUTPUT but "
				    "declares no 'outputs': it is not set for "
				    "it, and its values would be ignored",
				    st->id);
				n++;
			}
			for (q = p; q < RB_PHASE__COUNT; q++) {
				if (q == RB_PHASE_ROLLBACK && p != q)
					break;
				for (j = q == p ? i : 0; j < rb->phases[q].n;
				    j++) {
					o = &rb->phases[q].v[j];
					for (k = 0; k < o->n_outputs; k++) {
						if (!names_var(st->run,
						    o->outputs[k].name))
							continue;
						rb_diag_add(d, RB_WARNING,
						    rb->path, st->pos, "step "
						    "'%s' uses $%s before "
						    "step '%s' sets it%s",
						    st->id, o->outputs[k].name,
						    o->id, o == st ? " (it is "
						    "its own output)" : "");
						n++;
					}
				}
			}
		}
	}
	return n;
}

/* An `inventory: {file}` read as a run will read it (with `hosts:`), and
 * every `on:` checked against it: warnings, since the file a run reads
 * may be another by then (a command's hosts are known only when it runs). */
static size_t
lint_inventory(const struct runbook *rb, struct rb_diags *d)
{
	struct inventory	*inv;
	struct rb_diags		 tmp;
	char			*text;
	size_t			 i, n;

	if (rb->inv_source.kind != RB_INV_FILE)
		return 0;
	inv = inventory_new();
	rb_diags_init(&tmp);
	if (rb->inventory != NULL) {
		text = inventory_ini(rb->inventory);
		(void)inventory_load_text(inv, rb->path, text, strlen(text),
		    INV_INI, &tmp);
		free(text);
	}
	if (inventory_load_named(inv, rb->inv_source.file, rb->path,
	    rb->inv_source.pos, "the inventory file", &tmp) == 0 &&
	    inventory_finish(inv, rb->path, &tmp) == 0)
		(void)inventory_check_steps(inv, rb, rb->inv_source.file, &tmp);
	for (i = 0; i < tmp.n; i++)
		rb_diag_add(d, RB_WARNING, tmp.v[i].file, tmp.v[i].pos, "%s",
		    tmp.v[i].msg);
	n = tmp.n;
	rb_diags_free(&tmp);
	inventory_free(inv);
	return n;
}

size_t
runbook_lint(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_steps	*ph, *rbk = &rb->phases[RB_PHASE_ROLLBACK];
	const struct rb_step	*st;
	bool			 confirmed = false, used;
	size_t			 i, j, n = 0;
	char			*env;
	int			 p;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		ph = &rb->phases[p];
		for (i = 0; i < ph->n; i++) {
			st = &ph->v[i];
			if (st->kind == RB_CONFIRM && p != RB_PHASE_ROLLBACK)
				confirmed = true;
			if (st->kind == RB_READ && st->file != NULL)
				n += lint_file(rb, st, d);
			if (st->kind != RB_ACTION)
				continue;
			if (st->undo == NULL && st->on_failure == NULL) {
				rb_diag_add(d, RB_WARNING, rb->path, st->pos,
				    "action '%s' has neither 'undo' nor "
				    "'on-failure': say how to recover when it "
				    "fails", st->id);
				n++;
			}
			if (!confirmed && p != RB_PHASE_ROLLBACK) {
				rb_diag_add(d, RB_WARNING, rb->path, st->pos,
				    "action '%s' comes before the first "
				    "confirm step: the operator has not agreed "
				    "to change anything yet", st->id);
				n++;
			}
			if (st->produces == NULL)
				continue;
			env = runbook_artifact_env(st->id);
			used = false;
			for (j = 0; j < rbk->n && !used; j++)
				used = mentions(rbk->v[j].run, env) ||
				    mentions(rbk->v[j].undo, env);
			if (!used) {
				rb_diag_add(d, RB_WARNING, rb->path, st->pos,
				    "action '%s' produces '%s', but no "
				    "rollback step uses $%s", st->id,
				    st->produces, env);
				n++;
			}
			free(env);
		}
	}
	n += lint_vars(rb, d);
	n += lint_inventory(rb, d);
	n += lint_gate(rb, d);
	n += lint_outputs(rb, d);
	for (i = 0; i < rb->phases[RB_PHASE_HOP].n; i++) {
		st = &rb->phases[RB_PHASE_HOP].v[i];
		for (j = 0; j < st->n_when; j++) {
			if (strcmp(st->when[j].s, "redeploy") != 0 ||
			    rb->policy.n_redeploy_at > 0)
				continue;
			rb_diag_add(d, RB_WARNING, rb->path, st->when[j].pos,
			    "step '%s' is for redeploy hops, but the policy "
			    "has no 'redeploy-at': there are none", st->id);
			n++;
		}
	}
	return n;
}
