/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* export-plan.c: the checklist of a planned upgrade, built from the step
 * model (steps_new) as an export_doc: every step with what it runs, with
 * the variables it uses shown as shell assignments, its undo and what a
 * failure leaves behind; the rollback; sign-off lines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "plan.h"
#include "steps.h"
#include "util.h"

/* The placeholder given to a variable that has no value before a run:
 * shown in expanded fields as <NAME>, and as a comment in commands. */
static char *
placeholder(const char *name)
{
	return xasprintf("<%s>", name);
}

/* The run-wide environment a checklist's steps are laid out with. */
void
export_checklist_env(const struct runbook *rb, const struct plan *plan,
    const char *const *env_values, struct step_env *env)
{
	char	*p;

	step_env_set(env, "STEPUP_FROM", plan->from, false);
	step_env_set(env, "STEPUP_TO", plan->to, false);
	step_env_set(env, "STEPUP_RUNBOOK_DIR", rb->dir != NULL ? rb->dir : ".",
	    false);
	p = placeholder("STEPUP_RUN_ID");
	step_env_set(env, "STEPUP_RUN_ID", p, false);
	free(p);
	steps_var_defaults(rb, env_values, true, placeholder, env);
}

/* Does a value hold a placeholder ("<NAME>"), being made from a value
 * not known before the run (an artifact path with $STEPUP_RUN_ID)? */
static bool
has_placeholder(const char *value)
{
	const char	*p, *q;

	for (p = value; (p = strchr(p, '<')) != NULL; p++) {
		q = p + 1;
		if (!(*q == '_' || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= 'a' && *q <= 'z')))
			continue;
		while (*q == '_' || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'))
			q++;
		if (*q == '>')
			return true;
	}
	return false;
}

/* Is this environment value a placeholder for a value not known yet? */
static bool
is_placeholder(const char *name, const char *value)
{
	size_t	n = strlen(name);

	return value[0] == '<' && strncmp(value + 1, name, n) == 0 &&
	    value[n + 1] == '>' && value[n + 2] == '\0';
}

static const struct rb_var *
find_var(const struct runbook *rb, const char *name)
{
	size_t	i;

	for (i = 0; i < rb->n_vars; i++) {
		if (strcmp(rb->vars[i].name, name) == 0)
			return &rb->vars[i];
	}
	return NULL;
}

static bool
name_char(int c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (!first && c >= '0' && c <= '9');
}

/* The names a command refers to as $NAME or ${NAME...}, in order of first
 * use, that are in env. For showing; the shell does the expanding. */
static size_t
referenced(const char *cmd, const struct step_env *env, char ***names)
{
	const char	*p, *s;
	char		*name;
	size_t		 n = 0, i, len;
	bool		 dup;

	*names = NULL;
	for (p = cmd; (p = strchr(p, '$')) != NULL; p++) {
		s = p + 1;
		if (*s == '{')
			s++;
		for (len = 0; name_char((unsigned char)s[len], len == 0); len++)
			;
		if (len == 0)
			continue;
		name = xstrndup(s, len);
		dup = step_env_get(env, name, NULL) == NULL;
		for (i = 0; !dup && i < n; i++)
			dup = strcmp((*names)[i], name) == 0;
		if (dup) {
			free(name);
			continue;
		}
		*names = xreallocarray(*names, n + 1, sizeof **names);
		(*names)[n++] = name;
	}
	return n;
}

/* The command as an operator would paste it: the variables it uses, set
 * as they will be (quoted), then the command itself. */
static char *
command_text(const struct runbook *rb, const struct step *st,
    const char *cmd)
{
	struct buf		 b;
	char			**names, *q;
	const char		*val;
	const struct rb_var	*v;
	size_t			 i, n;
	bool			 secret;

	buf_init(&b);
	n = referenced(cmd, &st->env, &names);
	for (i = 0; i < n; i++) {
		val = step_env_get(&st->env, names[i], &secret);
		v = find_var(rb, names[i]);
		if (secret || (v != NULL && v->secret))
			buf_printf(&b, "# %s: secret, asked at run time "
			    "(never printed)\n", names[i]);
		else if (is_placeholder(names[i], val) && v != NULL &&
		    v->source == RB_VAR_ASK)
			buf_printf(&b, "# %s: asked at run time: %s\n",
			    names[i], v->ask);
		else if (is_placeholder(names[i], val) && v != NULL &&
		    v->source == RB_VAR_ENV)
			buf_printf(&b, "# %s: from $%s at run time\n",
			    names[i], v->env);
		else if (is_placeholder(names[i], val))
			buf_printf(&b, "# %s: set when the run begins\n",
			    names[i]);
		else if (has_placeholder(val))
			buf_printf(&b, "# %s: set when the run begins: %s\n",
			    names[i], val);
		else {
			q = export_shell_quote(val);
			if (v != NULL && v->source == RB_VAR_ASK)
				buf_printf(&b, "# %s: asked at run time; the "
				    "default:\n", names[i]);
			buf_printf(&b, "export %s=%s\n", names[i], q);
			free(q);
		}
		free(names[i]);
	}
	free(names);
	buf_puts(&b, cmd);
	return buf_take(&b);
}

static char *
hop_words(const struct plan_hop *h)
{
	return xasprintf("%s → %s (%s)", h->from, h->to,
	    h->kind != NULL ? h->kind : "upgrade");
}

static void
add_step(struct export_section *sec, const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i];
	const struct rb_step	*rs = st->rb;
	struct export_item	*it;
	struct buf		 tags;
	char			*s;
	size_t			 k;
	/* A rollback's undo (or "cannot be undone") of an upgrade step: the
	 * upgrade step's own undo, hint and on-failure are not its. */
	bool			 derived = ss->rollback &&
				    strncmp(st->key, "undo:", 5) == 0;

	buf_init(&tags);
	buf_puts(&tags, rb_kind_name(st->kind));
	if (rs != NULL && st->kind == RB_CHECK && rs->severity == RB_SEV_WARN)
		buf_puts(&tags, " (warning only)");
	buf_printf(&tags, " · %s", st->key);
	if (st->hop >= 0 && st->phase != RB_PHASE_HOP && ss->plan != NULL) {
		s = hop_words(&ss->plan->hops[st->hop]);
		buf_printf(&tags, " · hop %s", s);
		free(s);
	}
	if (st->optional)
		buf_puts(&tags, " · optional");
	it = export_section_item(sec, st->title != NULL ? st->title : st->key,
	    tags.data, EXPORT_BOX_EMPTY, NULL);
	buf_free(&tags);

	if (st->kind == RB_READ && st->file != NULL)
		export_item_field(it, "Read", EXPORT_PROSE, st->file);
	export_item_field(it, "Instructions", EXPORT_PROSE, st->text);
	if (st->host != NULL && st->run != NULL) {
		s = xasprintf("%s: its commands run there, through %s",
		    st->host, rb_transport_name(ss->rb));
		export_item_field(it, "On host", EXPORT_PROSE, s);
		free(s);
	}
	if (!ss->rollback && (s = steps_roll_where(ss, i)) != NULL) {
		export_item_field(it, "Batch", EXPORT_PROSE, s);
		free(s);
	}
	if (st->run != NULL) {
		s = command_text(ss->rb, st, st->run);
		export_item_field(it, st->kind == RB_READ ?
		    "Read the output of" : "Run", EXPORT_CODE, s);
		free(s);
	}
	export_item_field(it, "Produces", EXPORT_PROSE, st->produces);
	if (rs != NULL && rs->undo != NULL && !derived) {
		s = command_text(ss->rb, st, rs->undo);
		export_item_field(it, "Undo", EXPORT_CODE, s);
		free(s);
	}
	if (rs != NULL && rs->timeout > 0 && (!derived || st->undo)) {
		s = xasprintf("%u s", rs->timeout);
		export_item_field(it, "Timeout", EXPORT_PROSE, s);
		free(s);
	}
	if (st->kind == RB_CONFIRM)
		export_item_field(it, "Type exactly", EXPORT_PHRASE,
		    st->phrase);
	if (rs != NULL && rs->has_needs && !ss->rollback) {
		struct buf nb;

		buf_init(&nb);
		for (k = 0; k < st->n_needs; k++)
			buf_printf(&nb, "%s%zu (%s)", k > 0 ? ", " : "",
			    st->needs[k] + 1, ss->v[st->needs[k]].key);
		export_item_field(it, "Needs", EXPORT_PROSE,
		    st->n_needs > 0 ? nb.data : "nothing before it");
		buf_free(&nb);
	}
	if (rs != NULL && !derived) {
		export_item_field(it, "Hint", EXPORT_PROSE, st->hint);
		export_item_field(it, "If it fails", EXPORT_PROSE,
		    st->on_failure);
	}
}

/* The checklist document of laid-out steps and their rollback. */
struct export_doc *
export_checklist(const struct steps *ss, const struct steps *rollback,
    const struct export_meta *meta)
{
	const struct runbook	*rb = ss->rb;
	const struct plan	*plan = ss->plan;
	struct export_doc	*d;
	struct export_section	*sec = NULL;
	struct buf		 b;
	char			*s;
	size_t			 i, h;
	int			 cur_phase = -1, cur_hop = -2, hop;

	s = xasprintf("Upgrade checklist: %s %s → %s", rb->product, plan->from,
	    plan->to);
	d = export_doc_new(s);
	free(s);
	export_doc_head(d, "Product", rb->product);
	export_doc_head(d, "From", plan->from);
	export_doc_head(d, "To", plan->to);
	buf_init(&b);
	buf_puts(&b, plan->from);
	for (h = 0; h < plan->n_hops; h++) {
		buf_printf(&b, " → %s (%s)", plan->hops[h].to,
		    plan->hops[h].kind != NULL ? plan->hops[h].kind :
		    "upgrade");
	}
	for (h = 0; h < plan->n_hops; h++) {
		if (plan->hops[h].reason != NULL)
			buf_printf(&b, "\n%s", plan->hops[h].reason);
	}
	export_doc_head(d, "Path", b.data);
	/* the conditional policy the plan was made under, and why */
	if (plan->conds.n > 0) {
		b.len = 0;
		for (h = 0; h < plan->conds.n; h++)
			buf_printf(&b, "%s%s: %s, since %s", h > 0 ? "\n" : "",
			    plan->conds.v[h].rule, plan->conds.v[h].value,
			    plan->conds.v[h].since);
		export_doc_head(d, "Conditional policy", b.data);
	}
	buf_free(&b);
	export_doc_head(d, "Runbook", rb->path);
	export_doc_head(d, "SHA-256", rb->sha256);
	if (meta != NULL) {
		export_doc_head(d, "Date", meta->date);
		export_doc_head(d, "Host", meta->host);
	}

	for (i = 0; i < ss->n; i++) {
		hop = ss->v[i].phase == RB_PHASE_HOP ? ss->v[i].hop : -1;
		if ((int)ss->v[i].phase != cur_phase || hop != cur_hop) {
			cur_phase = ss->v[i].phase;
			cur_hop = hop;
			if (hop >= 0) {
				char *w = hop_words(&plan->hops[hop]);

				s = xasprintf("Hop %d of %zu: %s", hop + 1,
				    plan->n_hops, w);
				free(w);
				sec = export_doc_section(d, s,
				    plan->hops[hop].redeploy ? "This hop is a "
				    "new deployment, not an upgrade in place." :
				    NULL);
				free(s);
			} else if (cur_phase == RB_PHASE_PREPARE)
				sec = export_doc_section(d, "Prepare", NULL);
			else
				sec = export_doc_section(d, "Finish", NULL);
		}
		add_step(sec, ss, i);
	}

	if (rollback != NULL && rollback->n > 0) {
		sec = export_doc_section(d, "Rollback, only if the upgrade "
		    "fails", "stepup rollback undoes what passed, latest "
		    "first, then runs the runbook's rollback steps. Listed "
		    "here as if every action had passed; an action that did "
		    "not run is not undone.");
		for (i = 0; i < rollback->n; i++)
			add_step(sec, rollback, i);
	}
	export_doc_signoff(d, "Operator");
	export_doc_signoff(d, "Reviewer");
	export_doc_footer(d, "Commands get their values only from the "
	    "environment shown above them; nothing is pasted into them. "
	    "Lines ending in \\ continue on the next line.");
	return d;
}

/* The rollback as if every step of the plan had passed. */
struct steps *
export_checklist_rollback(const struct runbook *rb, const struct plan *plan,
    const struct step_env *base, char **cause)
{
	struct steps	*all, *rollback;
	size_t		 i;

	if ((all = steps_new(rb, plan, base, cause)) == NULL)
		return NULL;
	/* A private copy in which every step passed, so that the rollback
	 * is laid out in full; no journal, no session: nothing runs. */
	for (i = 0; i < all->n; i++)
		step_set(all, i, STEP_PASSED, NULL);
	rollback = steps_new_rollback(all, -1, base, cause);
	steps_free(all);
	return rollback;
}

/* Environment, steps, rollback and checklist in one call. */
struct export_doc *
export_checklist_plan(const struct runbook *rb, const struct plan *plan,
    const char *const *env_values, const struct export_meta *meta,
    char **cause)
{
	struct step_env		 env = { NULL, 0, NULL };
	struct steps		*ss, *rollback = NULL;
	struct export_doc	*d = NULL;

	export_checklist_env(rb, plan, env_values, &env);
	if ((ss = steps_new(rb, plan, &env, cause)) != NULL &&
	    (rollback = export_checklist_rollback(rb, plan, &env,
	    cause)) != NULL)
		d = export_checklist(ss, rollback, meta);
	steps_free(rollback);
	steps_free(ss);
	step_env_free(&env);
	return d;
}
