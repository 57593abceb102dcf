/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* steps.c: the shared step model: lay out a runbook's steps for a plan,
 * their environment, the gating rule, and $NAME expansion. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "steps.h"
#include "util.h"

static const struct {
	const char	*name;
	const char	*words;
} step_states[] = {
#define X(e, name, words) { name, words },
	STEP_STATES(X)
#undef X
};

const char *
step_state_name(enum step_state st)
{
	if ((unsigned)st >= STEP__COUNT)
		return "?";
	return step_states[st].name;
}

const char *
step_state_words(enum step_state st)
{
	if ((unsigned)st >= STEP__COUNT)
		return "?";
	return step_states[st].words;
}

int
step_state_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < STEP__COUNT; i++) {
		if (strcmp(step_states[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

bool
step_state_settled(enum step_state st)
{
	return st == STEP_PASSED || st == STEP_SKIPPED || st == STEP_DONE ||
	    st == STEP_TOLERATED;
}

/* --- environments -------------------------------------------------------- */

void
step_env_set(struct step_env *env, const char *name, const char *value,
    bool secret)
{
	size_t	i;

	for (i = 0; i < env->n; i++) {
		if (strcmp(env->v[i].name, name) == 0) {
			free(env->v[i].value);
			env->v[i].value = xstrdup(value);
			env->v[i].secret = secret;
			return;
		}
	}
	env->v = xreallocarray(env->v, env->n + 1, sizeof *env->v);
	env->v[env->n].name = xstrdup(name);
	env->v[env->n].value = xstrdup(value);
	env->v[env->n].secret = secret;
	env->n++;
}

const char *
step_env_get(const struct step_env *env, const char *name, bool *secret)
{
	size_t	i;

	for (; env != NULL; env = env->base) {
		for (i = 0; i < env->n; i++) {
			if (strcmp(env->v[i].name, name) == 0) {
				if (secret != NULL)
					*secret = env->v[i].secret;
				return env->v[i].value;
			}
		}
	}
	return NULL;
}

void
step_env_merge(struct step_env *dst, const struct step_env *src)
{
	size_t	i;

	/* The base's first: src's own replace them, as in src. */
	if (src->base != NULL)
		step_env_merge(dst, src->base);
	for (i = 0; i < src->n; i++)
		step_env_set(dst, src->v[i].name, src->v[i].value,
		    src->v[i].secret);
}

void
step_env_free(struct step_env *env)
{
	size_t	i;

	for (i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	env->v = NULL;
	env->n = 0;
}

/* Whether an environment's layers above stop (env, its base, ... up to
 * stop, not included) name the first len bytes of name. */
static bool
env_names(const struct step_env *env, const struct step_env *stop,
    const char *name, size_t len)
{
	size_t	j;

	for (; env != stop; env = env->base) {
		for (j = 0; j < env->n; j++) {
			if (strncmp(env->v[j].name, name, len) == 0 &&
			    env->v[j].name[len] == '\0')
				return true;
		}
	}
	return false;
}

/* Built from the layers in place, without a flattened copy: base's
 * entries no layer replaces, then each layer's entries no layer above it
 * replaces, the run's first. */
char **
step_env_envp(const struct step_env *env, char *const *base)
{
	const struct step_env	 *l, **layers;
	char			**out;
	const char		 *eq;
	size_t			  n = 0, nb = 0, ne = 0, nl = 0, i, j;

	if (base != NULL) {
		while (base[nb] != NULL)
			nb++;
	}
	for (l = env; l != NULL; l = l->base) {
		ne += l->n;
		nl++;
	}
	layers = xcalloc(nl, sizeof *layers);
	for (l = env, i = 0; l != NULL; l = l->base)
		layers[i++] = l;
	out = xcalloc(nb + ne + 1, sizeof *out);
	for (i = 0; i < nb; i++) {
		/* Drop the base entries env replaces. */
		eq = strchr(base[i], '=');
		if (eq == NULL || !env_names(env, NULL, base[i],
		    (size_t)(eq - base[i])))
			out[n++] = xstrdup(base[i]);
	}
	while (nl-- > 0) {
		l = layers[nl];
		for (j = 0; j < l->n; j++) {
			if (!env_names(env, l, l->v[j].name,
			    strlen(l->v[j].name)))
				out[n++] = xasprintf("%s=%s", l->v[j].name,
				    l->v[j].value);
		}
	}
	free(layers);
	out[n] = NULL;
	return out;
}

void
step_envp_free(char **envp)
{
	size_t	i;

	if (envp == NULL)
		return;
	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
}

char *
step_env_show(const struct step_env *env_in)
{
	struct step_env	 flat = { NULL, 0, NULL };
	struct buf	 b;
	size_t		 i;

	step_env_merge(&flat, env_in);
	buf_init(&b);
	for (i = 0; i < flat.n; i++) {
		buf_printf(&b, "%s=%s\n", flat.v[i].name,
		    flat.v[i].secret ? "********" : flat.v[i].value);
	}
	step_env_free(&flat);
	return buf_take(&b);
}

/* --- expansion ------------------------------------------------------------ */

static bool
name_start(int c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

int
steps_expand(const char *s, const struct step_env *env, bool fallback,
    char **out, char **cause)
{
	struct buf	 b;
	const char	*p = s, *start, *value;
	char		*name;
	size_t		 len;
	bool		 secret;

	buf_init(&b);
	while (*p != '\0') {
		if (*p != '$') {
			buf_putc(&b, *p++);
			continue;
		}
		if (p[1] == '$') {
			buf_putc(&b, '$');
			p += 2;
			continue;
		}
		if (p[1] == '{') {
			start = p + 2;
			for (len = 0; name_char((unsigned char)start[len]); len++)
				;
			if (start[len] != '}' || len == 0 ||
			    !name_start((unsigned char)*start)) {
				*cause = xasprintf("\"${\" at column %zu is not "
				    "followed by a variable name and \"}\"",
				    (size_t)(p - s) + 1);
				buf_free(&b);
				return -1;
			}
			p = start + len + 1;
		} else if (name_start((unsigned char)p[1])) {
			start = p + 1;
			for (len = 0; name_char((unsigned char)start[len]); len++)
				;
			p = start + len;
		} else {
			buf_putc(&b, *p++);
			continue;
		}
		name = xstrndup(start, len);
		secret = false;
		value = step_env_get(env, name, &secret);
		if (value == NULL && fallback)
			value = getenv(name);
		if (value == NULL) {
			*cause = xasprintf("$%s is not set", name);
			free(name);
			buf_free(&b);
			return -1;
		}
		if (secret) {
			*cause = xasprintf("$%s is a secret variable and "
			    "cannot be shown", name);
			free(name);
			buf_free(&b);
			return -1;
		}
		free(name);
		buf_puts(&b, value);
	}
	*out = buf_take(&b);
	return 0;
}

char *
steps_text(const char *text, const struct step_env *env)
{
	char	*out = NULL, *cause = NULL;

	if (text == NULL)
		return NULL;
	if (steps_expand(text, env, true, &out, &cause) != 0) {
		free(cause);
		return xstrdup(text);
	}
	return out;
}

/* What a step bound to hop h gets. */
static void
step_hop_env(struct step_env *env, const struct plan_hop *h)
{
	step_env_set(env, "STEPUP_HOP_FROM", h->from, false);
	step_env_set(env, "STEPUP_HOP_TO", h->to, false);
	step_env_set(env, "STEPUP_HOP_KIND", h->kind != NULL ? h->kind : "",
	    false);
}

char *
steps_host_title(const char *title, const char *host)
{
	return xasprintf("%s (on %s)", title, host);
}

void
steps_key_env(const struct plan *plan, const char *key, struct step_env *env)
{
	const char	*at, *hash;
	char		*id, *rest;
	size_t		 h;

	if (strncmp(key, "undo:", 5) == 0)
		key += 5;
	/* "ID[@HOP_TO][#HOST]": a host name holds no '#', a version no
	 * '#' either. */
	if ((hash = strchr(key, '#')) != NULL) {
		step_env_set(env, "STEPUP_HOST", hash + 1, false);
		rest = xstrndup(key, (size_t)(hash - key));
	} else
		rest = xstrdup(key);
	at = strchr(rest, '@');
	id = at != NULL ? xstrndup(rest, (size_t)(at - rest)) : xstrdup(rest);
	/* A roll's health check and pause, "ROLL~B[~pause]": the roll's. */
	if (strchr(id, '~') != NULL)
		*strchr(id, '~') = '\0';
	step_env_set(env, "STEPUP_STEP", id, false);
	free(id);
	if (at == NULL) {
		free(rest);
		return;
	}
	for (h = 0; plan != NULL && h < plan->n_hops; h++) {
		if (strcmp(plan->hops[h].to, at + 1) == 0) {
			step_hop_env(env, &plan->hops[h]);
			free(rest);
			return;
		}
	}
	step_env_set(env, "STEPUP_HOP_TO", at + 1, false);
	free(rest);
}

int
steps_var_value(const struct rb_var *v, const char *raw,
    const struct step_env *known, char **out, char **cause)
{
	struct step_env	 env = { NULL, 0, NULL };
	char		*why;
	size_t		 i;
	int		 r;

	step_env_merge(&env, known);
	for (i = 0; i < env.n && v->secret; i++)
		env.v[i].secret = false;
	r = steps_expand(raw, &env, false, out, &why);
	step_env_free(&env);
	if (r != 0) {
		*cause = xasprintf("variable %s: %s", v->name, why);
		free(why);
	}
	return r;
}

void
steps_var_defaults(const struct runbook *rb, const char *const *env_values,
    bool shown, char *(*unknown)(const char *), struct step_env *env)
{
	const struct rb_var	*v;
	const char		*raw;
	char			*val, *cause;
	size_t			 i, k;

	for (k = 0; k < rb->n_vars; k++) {
		i = rb->var_order[k];
		v = &rb->vars[i];
		val = NULL;
		if (v->source == RB_VAR_ENV && env_values != NULL &&
		    env_values[i] != NULL)
			val = xstrdup(env_values[i]);
		else if ((raw = v->source == RB_VAR_VALUE ? v->value :
		    v->def) != NULL) {
			if (steps_var_value(v, raw, env, &val, &cause) != 0) {
				free(cause);
				val = NULL;
			}
		}
		if (val != NULL && shown && v->secret) {
			free(val);
			val = NULL;
		}
		if (val == NULL && unknown != NULL)
			val = unknown(v->name);
		if (val != NULL)
			step_env_set(env, v->name, val, v->secret && !shown);
		free(val);
	}
}

/* --- layout --------------------------------------------------------------- */

static void
step_clear(struct step *st)
{
	free(st->key);
	free(st->title);
	free(st->text);
	free(st->phrase);
	free(st->file);
	free(st->produces);
	free(st->hint);
	free(st->on_failure);
	free(st->reason);
	free(st->needs);
	free(st->needed_by);
	step_env_free(&st->env);
	step_env_free(&st->outputs);
}

void
steps_free(struct steps *ss)
{
	size_t	i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->n; i++)
		step_clear(&ss->v[i]);
	step_env_free(&ss->base);
	free(ss->v);
	free(ss->by_key);
	free(ss->confirms);
	free(ss->wide);
	free(ss->paused);
	free(ss);
}

static struct step *
steps_add(struct steps *ss)
{
	struct step	*st;

	/* Doubled at each power of two: laying out n steps copies O(n). */
	if ((ss->n & (ss->n - 1)) == 0)
		ss->v = xreallocarray(ss->v, ss->n == 0 ? 1 : 2 * ss->n,
		    sizeof *ss->v);
	st = &ss->v[ss->n];
	memset(st, 0, sizeof *st);
	st->index = ss->n++;
	st->forks_first = st->index;
	st->forks_n = 1;
	st->hop = -1;
	st->exit_status = -1;
	st->artifact_size = -1;
	st->state = STEP_PENDING;
	st->group = SIZE_MAX;
	return st;
}

/* Expand one field of a step into *out; on error, say which. */
static int
expand_field(const struct step *st, const char *field, const char *in,
    char **out, char **cause)
{
	char	*why;

	*out = NULL;
	if (in == NULL)
		return 0;
	if (steps_expand(in, &st->env, true, out, &why) != 0) {
		*cause = xasprintf("step %zu (%s), %s: %s", st->index + 1,
		    st->key, field, why);
		free(why);
		return -1;
	}
	return 0;
}

static int
step_expand_fields(struct step *st, const char *dir, char **cause)
{
	const struct rb_step	*rs = st->rb;
	char			*file;

	if (expand_field(st, "title", rs->title, &st->title, cause) != 0 ||
	    expand_field(st, "text", rs->text, &st->text, cause) != 0 ||
	    expand_field(st, "phrase", rs->phrase, &st->phrase, cause) != 0 ||
	    expand_field(st, "file", rs->file, &st->file, cause) != 0)
		return -1;
	if (st->file != NULL && st->file[0] != '/' && dir != NULL) {
		file = xasprintf("%s/%s", dir, st->file);
		free(st->file);
		st->file = file;
	}
	return 0;
}

static const char *
base_answer(void *arg, const char *name)
{
	return arg != NULL ? step_env_get(arg, name, NULL) : NULL;
}

static bool
hop_matches(const struct runbook *rb, const struct rb_step *rs,
    const struct plan_hop *hop, const struct step_env *base)
{
	return runbook_step_runs_on(rb, rs, hop->kind, hop->from, hop->to,
	    base_answer, (void *)base);
}

/* Where relative paths are: STEPUP_RUNBOOK_DIR, else the runbook's. */
static const char *
steps_dir(const struct steps *ss, const struct step_env *base)
{
	const char	*d = step_env_get(base, "STEPUP_RUNBOOK_DIR", NULL);

	if (d != NULL)
		return d;
	return ss->rb != NULL ? ss->rb->dir : NULL;
}

/* Add one instance of a runbook step (hop -1: not bound to a hop; host
 * NULL: on stepup's host). */
static int
steps_lay_one(struct steps *ss, const struct rb_step *rs, const char *id,
    int hop, const char *host, const struct step_env *base,
    struct step_env *artifacts, char **cause)
{
	const struct plan_hop	*h = NULL;
	struct step		*st;
	char			*var, *path;

	st = steps_add(ss);
	st->rb = rs;
	st->kind = rs->kind;
	st->phase = rs->phase;
	st->hop = hop;
	st->run = rs->run;
	/* A confirmation cannot be skipped (the loader refuses one marked
	 * optional). */
	st->optional = rs->optional && rs->kind != RB_CONFIRM;
	st->host = host;
	if (id == NULL)
		id = rs->id;
	if (hop >= 0) {
		h = &ss->plan->hops[hop];
		st->key = xasprintf("%s@%s%s%s", id, h->to,
		    host != NULL ? "#" : "", host != NULL ? host : "");
	} else
		st->key = xasprintf("%s%s%s", id, host != NULL ? "#" : "",
		    host != NULL ? host : "");

	/* The run's environment is shared (ss->base holds base), its own
	 * entries are the step's. */
	st->env.base = &ss->base;
	step_env_set(&st->env, "STEPUP_STEP", rs->id, false);
	if (h != NULL)
		step_hop_env(&st->env, h);
	if (host != NULL)
		step_env_set(&st->env, "STEPUP_HOST", host, false);
	step_env_merge(&st->env, artifacts);
	/* Its own artifact first, so that the command can write to
	 * $STEPUP_ARTIFACT_<id>; produces may not refer to itself. */
	if (rs->produces != NULL) {
		if (expand_field(st, "produces", rs->produces, &path,
		    cause) != 0)
			return -1;
		if (*path == '\0') {
			*cause = xasprintf("step %zu (%s), produces: the path "
			    "is empty once expanded", st->index + 1, st->key);
			free(path);
			return -1;
		}
		if (path[0] != '/' && steps_dir(ss, base) != NULL) {
			char *abs = xasprintf("%s/%s", steps_dir(ss, base), path);
			free(path);
			path = abs;
		}
		var = runbook_artifact_env(rs->id);
		step_env_set(&st->env, var, path, false);
		step_env_set(artifacts, var, path, false);
		free(var);
		st->produces = path;
	}
	if (step_expand_fields(st, steps_dir(ss, base), cause) != 0)
		return -1;
	if (host != NULL && st->title != NULL) {
		char *t = steps_host_title(st->title, host);

		free(st->title);
		st->title = t;
	}
	st->hint = steps_text(rs->hint, &st->env);
	st->on_failure = steps_text(rs->on_failure, &st->env);
	return 0;
}

/* Add a runbook step: once, or once per host of its `on`, one host after
 * another. */
static int
steps_lay(struct steps *ss, const struct rb_step *rs, int hop,
    const struct step_env *base, struct step_env *artifacts, char **cause)
{
	const struct inventory	*inv = ss->rb != NULL ? ss->rb->inventory :
				    NULL;
	struct inv_sel		 sel;
	char			*why;
	size_t			 k;
	int			 r = 0;

	if (rs->on.s == NULL)
		return steps_lay_one(ss, rs, NULL, hop, NULL, base, artifacts,
		    cause);
	if (inv == NULL) {
		*cause = xasprintf("step %s: 'on' %s, and the runbook has no "
		    "hosts", rs->id, rs->on.s);
		return -1;
	}
	if (inventory_select(inv, rs->on.s, &sel, &why) != 0) {
		*cause = xasprintf("step %s, on: %s", rs->id, why);
		free(why);
		inventory_sel_free(&sel);
		return -1;
	}
	for (k = 0; k < sel.n && r == 0; k++) {
		r = steps_lay_one(ss, rs, NULL, hop, inv->hosts[sel.v[k]].name,
		    base, artifacts, cause);
		if (r == 0 && rs->max_fail.pos.line > 0) {
			ss->v[ss->n - 1].group = ss->n - 1 - k;
			ss->v[ss->n - 1].max_fail = rb_count_of(&rs->max_fail,
			    sel.n, false);
		}
	}
	inventory_sel_free(&sel);
	return r;
}

size_t
steps_roll_batches(const struct rb_roll *r, size_t n, size_t *sizes)
{
	size_t	nb = 0, left = n, k, sz;

	while (left > 0) {
		if (r->n_batch == 0)
			sz = left;
		else {
			k = nb < r->n_batch ? nb : r->n_batch - 1;
			sz = rb_count_of(&r->batch[k], n, true);
		}
		if (sz > left)
			sz = left;
		sizes[nb++] = sz;
		left -= sz;
	}
	return nb;
}

/* The hosts of batch b (1-based) of nb, for the pause's text. */
static char *
batch_hosts(const struct inventory *inv, const struct inv_sel *sel,
    size_t off, size_t n)
{
	struct buf	b;
	size_t		k;

	buf_init(&b);
	for (k = 0; k < n; k++)
		buf_printf(&b, "%s%s", k > 0 ? ", " : "",
		    inv->hosts[sel->v[off + k]].name);
	return buf_take(&b);
}

/* A step stepup adds to roll r after batch b of nb, from rs (its health
 * check or its pause) keyed id, needing every step before it: the step,
 * or NULL with *cause. */
static struct step *
lay_roll_between(struct steps *ss, const struct rb_roll *r,
    const struct rb_step *rs, const char *id, size_t b, size_t nb,
    size_t group, int hop, const struct step_env *base,
    struct step_env *artifacts, char **cause)
{
	struct step	*st;

	if (steps_lay_one(ss, rs, id, hop, NULL, base, artifacts, cause) != 0)
		return NULL;
	st = &ss->v[ss->n - 1];
	st->roll = r;
	st->batch = (unsigned)b + 1;
	st->batches = (unsigned)nb;
	st->group = group;
	st->needs_before = st->index;
	return st;
}

/* Add a rolling block: per batch, each host's instances of its steps in
 * order (its first needing every step before the batch, each next its
 * host's one before it), then the health check ROLL~B, then the pause
 * ROLL~B~pause between batches, each needing every step before it. With
 * forks 1 the batch goes host by host (each host's steps, then the next
 * host's); with more, step by step (every host's instance of the first
 * step, then of the second...), each step's instances a fork group
 * (steps_fork_groups) of which r->forks run at once. In the hop phase a
 * step of it whose `when` leaves the hop out is left out. */
static int
steps_lay_roll(struct steps *ss, const struct rb_steps *ph,
    const struct rb_roll *r, int hop, const struct step_env *base,
    struct step_env *artifacts, char **cause)
{
	const struct inventory	*inv = ss->rb->inventory;
	const struct rb_step	*rs;
	struct inv_sel		 sel;
	struct step		*st;
	char			*why, *id, *t, *hosts, *next;
	size_t			*sizes, nb, b, off = 0, h, k, start, group;
	size_t			 max_fail, *prev, outer, inner, no, ni;
	int			 rc = -1;

	if (inv == NULL || inventory_select(inv, r->on.s, &sel, &why) != 0) {
		*cause = inv == NULL ? xasprintf("roll %s: 'on' %s, and the "
		    "runbook has no hosts", r->id, r->on.s) :
		    xasprintf("roll %s, on: %s", r->id, why);
		if (inv != NULL) {
			free(why);
			inventory_sel_free(&sel);
		}
		return -1;
	}
	/* A roll none of whose steps is for this hop is not laid out. */
	for (k = r->first; k < r->first + r->n; k++) {
		rs = &ph->v[k];
		if (hop < 0 || rs->phase != RB_PHASE_HOP ||
		    hop_matches(ss->rb, rs, &ss->plan->hops[hop], base))
			break;
	}
	if (k == r->first + r->n) {
		inventory_sel_free(&sel);
		return 0;
	}
	sizes = xcalloc(sel.n + 1, sizeof *sizes);
	prev = xcalloc(sel.n + 1, sizeof *prev);
	nb = steps_roll_batches(r, sel.n, sizes);
	max_fail = rb_count_of(&r->max_fail, sel.n, false);
	group = ss->n;
	for (b = 0; b < nb; b++) {
		start = ss->n;
		for (h = 0; h < sizes[b]; h++)
			prev[h] = SIZE_MAX;
		/* The outer loop over hosts (forks 1) or steps (more). */
		no = r->forks > 1 ? r->n : sizes[b];
		ni = r->forks > 1 ? sizes[b] : r->n;
		for (outer = 0; outer < no; outer++) {
			for (inner = 0; inner < ni; inner++) {
				h = r->forks > 1 ? inner : outer;
				k = r->first + (r->forks > 1 ? outer : inner);
				rs = &ph->v[k];
				if (hop >= 0 && rs->phase == RB_PHASE_HOP &&
				    !hop_matches(ss->rb, rs,
				    &ss->plan->hops[hop], base))
					continue;
				if (steps_lay_one(ss, rs, NULL, hop,
				    inv->hosts[sel.v[off + h]].name, base,
				    artifacts, cause) != 0)
					goto out;
				st = &ss->v[ss->n - 1];
				st->roll = r;
				st->batch = (unsigned)b + 1;
				st->batches = (unsigned)nb;
				st->group = group;
				st->max_fail = max_fail;
				st->needs_before = start;
				if (prev[h] != SIZE_MAX) {
					st->needs = xcalloc(1,
					    sizeof *st->needs);
					st->needs[st->n_needs++] = prev[h];
				}
				prev[h] = ss->n - 1;
			}
		}
		if (r->health != NULL) {
			id = xasprintf("%s~%zu", r->id, b + 1);
			st = lay_roll_between(ss, r, r->health, id, b, nb,
			    group, hop, base, artifacts, cause);
			free(id);
			if (st == NULL)
				goto out;
			t = xasprintf("%s (after batch %zu of %zu)", st->title,
			    b + 1, nb);
			free(st->title);
			st->title = t;
		}
		if (r->pause != NULL && b + 1 < nb) {
			id = xasprintf("%s~%zu~pause", r->id, b + 1);
			st = lay_roll_between(ss, r, r->pause, id, b, nb,
			    group, hop, base, artifacts, cause);
			free(id);
			if (st == NULL)
				goto out;
			t = xasprintf("Pause after batch %zu of %zu: %s",
			    b + 1, nb, r->title);
			free(st->title);
			st->title = t;
			hosts = batch_hosts(inv, &sel, off, sizes[b]);
			next = batch_hosts(inv, &sel, off + sizes[b],
			    sizes[b + 1]);
			st->text = xasprintf("Batch %zu of %zu (%s) is done%s. "
			    "Look at the cluster, then tick this off to start "
			    "batch %zu (%s).", b + 1, nb, hosts,
			    r->health != NULL ? " and its health check passed" :
			    "", b + 2, next);
			free(hosts);
			free(next);
		}
		off += sizes[b];
	}
	rc = 0;
out:
	free(prev);
	free(sizes);
	inventory_sel_free(&sel);
	return rc;
}

/* How many hosts of a batch the words of a roll name. */
#define ROLL_HOSTS_SHOWN	8

size_t
steps_roll_hosts(const struct runbook *rb, const struct rb_roll *r,
    size_t **hosts, size_t **sizes)
{
	struct inv_sel	 sel;
	char		*why;

	*hosts = *sizes = NULL;
	if (rb->inventory == NULL)
		return 0;
	if (inventory_select(rb->inventory, r->on.s, &sel, &why) != 0) {
		free(why);	/* checked at load */
		inventory_sel_free(&sel);
		return 0;
	}
	if (sel.n == 0) {
		inventory_sel_free(&sel);
		return 0;
	}
	*hosts = sel.v;
	*sizes = xcalloc(sel.n + 1, sizeof **sizes);
	return steps_roll_batches(r, sel.n, *sizes);
}

char *
steps_roll_plan(const struct runbook *rb, const struct rb_roll *r)
{
	struct buf	 b;
	size_t		*hosts, *sizes, nb, k, h, off = 0;

	buf_init(&b);
	if ((nb = steps_roll_hosts(rb, r, &hosts, &sizes)) == 0) {
		buf_printf(&b, "on %s", r->on.s);
		return buf_take(&b);
	}
	for (k = 0; k < nb; k++)
		off += sizes[k];
	buf_printf(&b, "%zu host%s in %zu batch%s:", off, off == 1 ? "" : "s",
	    nb, nb == 1 ? "" : "es");
	off = 0;
	for (k = 0; k < nb; k++) {
		buf_puts(&b, k > 0 ? " |" : "");
		for (h = 0; h < sizes[k] && h < ROLL_HOSTS_SHOWN; h++)
			buf_printf(&b, "%s %s", h > 0 ? "," : "",
			    rb->inventory->hosts[hosts[off + h]].name);
		if (sizes[k] > ROLL_HOSTS_SHOWN)
			buf_printf(&b, ", ... (%zu)", sizes[k]);
		off += sizes[k];
	}
	if (r->health != NULL)
		buf_puts(&b, "; a health check after each");
	if (r->pause != NULL && nb > 1)
		buf_puts(&b, "; a pause between batches");
	buf_printf(&b, "; max-fail %zu", rb_count_of(&r->max_fail, off,
	    false));
	if (r->forks > 1)
		buf_printf(&b, "; %u hosts of a batch at once", r->forks);
	free(hosts);
	free(sizes);
	return buf_take(&b);
}

char *
steps_roll_where(const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i], *o;
	struct buf		 b;
	size_t			 j, n = 0;

	if (st->roll == NULL)
		return NULL;
	buf_init(&b);
	buf_printf(&b, "roll %s (%s), batch %u of %u", st->roll->id,
	    st->roll->title, st->batch, st->batches);
	if (st->host == NULL || st->needs_before != i)
		return buf_take(&b);
	/* The first step of its batch: the batch's hosts, each once (the
	 * hosts of its instances of the roll's first step). */
	buf_puts(&b, ":");
	for (j = i; j < ss->n; j++) {
		o = &ss->v[j];
		if (o->roll != st->roll || o->batch != st->batch ||
		    o->host == NULL || o->hop != st->hop)
			break;
		if (o->rb != st->rb)
			continue;
		if (n++ < ROLL_HOSTS_SHOWN)
			buf_printf(&b, "%s %s", n > 1 ? "," : "", o->host);
	}
	if (n > ROLL_HOSTS_SHOWN)
		buf_printf(&b, ", ... (%zu hosts)", n);
	return buf_take(&b);
}

bool
steps_fail_tolerated(const struct steps *ss, size_t i, char **why)
{
	const struct step	*st = &ss->v[i], *o;
	struct buf		 b;
	size_t			 j, failed = 0;

	if (st->host == NULL || st->group == SIZE_MAX || st->max_fail == 0)
		return false;
	buf_init(&b);
	for (j = st->group; j < ss->n && ss->v[j].group == st->group; j++) {
		o = &ss->v[j];
		if (j != i && o->state == STEP_TOLERATED) {
			failed++;
			buf_printf(&b, "%s, ", o->host);
		}
	}
	if (failed + 1 > st->max_fail) {
		buf_free(&b);
		return false;
	}
	buf_printf(&b, "%s", st->host);
	*why = xasprintf("the hosts of %s '%s' failed so far, within its "
	    "max-fail %zu: %s", st->roll != NULL ? "roll" : "step",
	    st->roll != NULL ? st->roll->id : st->rb->id, st->max_fail,
	    b.data);
	buf_free(&b);
	return true;
}

size_t
steps_host_next(const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i], *o;

	size_t			 j;

	if (st->roll == NULL || st->host == NULL)
		return SIZE_MAX;
	/* The next one of its batch on its host: right after it host by
	 * host, a step's instances further on step by step (forks). */
	for (j = i + 1; j < ss->n; j++) {
		o = &ss->v[j];
		if (o->roll != st->roll || o->batch != st->batch ||
		    o->hop != st->hop || o->host == NULL)
			return SIZE_MAX;
		if (strcmp(o->host, st->host) == 0)
			return j;
	}
	return SIZE_MAX;
}

size_t
steps_batch_end(const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i];
	size_t			 j;

	if (st->group == SIZE_MAX)
		return i + 1;
	for (j = i + 1; j < ss->n; j++) {
		if (ss->v[j].group != st->group || (st->roll != NULL &&
		    ss->v[j].batch != st->batch))
			break;
	}
	return j;
}

unsigned
steps_roll_under_way(const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i], *o;

	if (st->roll == NULL || st->group == SIZE_MAX)
		return 0;
	if (ss->open < st->group)
		return 1;
	if (ss->open >= ss->n)
		return 0;
	/* Its batches go in order: the first step not settled is in the
	 * batch under way, or past the roll. */
	o = &ss->v[ss->open];
	return o->roll == st->roll && o->group == st->group ? o->batch : 0;
}

/* The pause of step i's roll in ss->paused, or SIZE_MAX. */
static size_t
steps_pause_of(const struct steps *ss, size_t i)
{
	size_t	k;

	if (ss->v[i].roll == NULL)
		return SIZE_MAX;
	for (k = 0; k < ss->n_paused; k++)
		if (ss->paused[k].group == ss->v[i].group)
			return k;
	return SIZE_MAX;
}

unsigned
steps_roll_paused(const struct steps *ss, size_t i)
{
	size_t	k = steps_pause_of(ss, i);

	return k != SIZE_MAX ? ss->paused[k].batch : 0;
}

void
steps_roll_pause(struct steps *ss, size_t i, unsigned batch)
{
	size_t	k = steps_pause_of(ss, i);

	if (ss->v[i].roll == NULL)
		return;
	if (k == SIZE_MAX && batch > 0) {
		ss->paused = xreallocarray(ss->paused, ss->n_paused + 1,
		    sizeof *ss->paused);
		k = ss->n_paused++;
		ss->paused[k].group = ss->v[i].group;
	}
	if (batch > 0)
		ss->paused[k].batch = batch;
	else if (k != SIZE_MAX)
		ss->paused[k] = ss->paused[--ss->n_paused];
}

bool
steps_roll_held(const struct steps *ss, size_t i, unsigned *batch)
{
	unsigned	b = steps_roll_paused(ss, i);

	if (b == 0 || ss->v[i].batch <= b)
		return false;
	if (batch != NULL)
		*batch = b;
	return true;
}

/* Whether step o is of step st's group (see steps_group_hosts). */
static bool
steps_same_group(const struct step *st, const struct step *o)
{
	if (o->host == NULL || o->hop != st->hop)
		return false;
	if (st->roll != NULL)
		return o->roll == st->roll;
	return o->roll == NULL && o->rb == st->rb && o->undo == st->undo;
}

void
steps_group_span(const struct steps *ss, size_t i, size_t *lo, size_t *hi)
{
	const struct step	*st = &ss->v[i], *o;
	size_t			 first, last;

	*lo = *hi = i;
	if (st->host == NULL)
		return;
	/* Back while the steps before are of it, and on while the ones
	 * after are (a roll's health checks and pauses between its batches
	 * too). */
	for (first = i; first > 0; first--) {
		o = &ss->v[first - 1];
		if (!steps_same_group(st, o) && (st->roll == NULL ||
		    o->roll != st->roll || o->hop != st->hop))
			break;
	}
	for (last = i; last + 1 < ss->n; last++) {
		o = &ss->v[last + 1];
		if (!steps_same_group(st, o) && (st->roll == NULL ||
		    o->roll != st->roll || o->hop != st->hop))
			break;
	}
	*lo = first;
	*hi = last;
}

size_t
steps_group_hosts(const struct steps *ss, size_t i, struct steps_host **out,
    size_t *counts)
{
	const struct step	*st = &ss->v[i], *o;
	const struct rb_step	*first_rb = NULL;
	struct steps_host	*v = NULL;
	size_t			 n = 0, alloc = 0, j, k, t, lo, hi, from = 0;
	size_t			 cur = 0;
	unsigned		 batch = 0;

	*out = NULL;
	if (counts != NULL)
		memset(counts, 0, STEP__COUNT * sizeof *counts);
	if (st->host == NULL)
		return 0;
	steps_group_span(ss, i, &lo, &hi);
	for (j = lo; j <= hi; j++) {
		o = &ss->v[j];
		if (!steps_same_group(st, o))
			continue;	/* a roll's health check, pause */
		/* A host is in one batch of a roll: look in that one. Every
		 * instance of the batch's first step is a new host; any
		 * other is found from the host touched last on (host by
		 * host, or step by step with forks: one or two looks each,
		 * so that 500 hosts cost 500 looks, not 500 squared). */
		if (o->batch != batch || first_rb == NULL) {
			batch = o->batch;
			from = cur = n;
			first_rb = o->rb;
		}
		k = n;
		if (o->rb != first_rb && n > from) {
			for (t = 0; t < n - from; t++) {
				k = from + (cur - from + t) % (n - from);
				if (v[k].host == o->host ||
				    strcmp(v[k].host, o->host) == 0)
					break;
			}
			if (t == n - from)
				k = n;
		}
		if (k == n) {
			if (n == alloc) {
				alloc = alloc > 0 ? alloc * 2 : 16;
				v = xreallocarray(v, alloc, sizeof *v);
			}
			v[n].host = o->host;
			v[n].at = j;
			n++;
		} else if (step_state_settled(ss->v[v[k].at].state) &&
		    ss->v[v[k].at].state != STEP_TOLERATED)
			/* On to its next step; a host that failed within
			 * max-fail stays at the step that failed. */
			v[k].at = j;
		cur = k;
	}
	if (counts != NULL)
		for (k = 0; k < n; k++)
			counts[ss->v[v[k].at].state]++;
	*out = v;
	return n;
}

char *
steps_hosts_progress(const size_t *counts, size_t n)
{
	/* In this order, each said only when some host is in it. */
	static const struct {
		enum step_state	 a, b;
		const char	*words;
	} parts[] = {
		{ STEP_RUNNING,   STEP_RUNNING,   "running" },
		{ STEP_FAILED,    STEP_TOLERATED, "failed" },
		{ STEP_IN_DOUBT,  STEP_IN_DOUBT,  "in doubt" },
		{ STEP_SKIPPED,   STEP_SKIPPED,   "skipped" },
		{ STEP_PENDING,   STEP_READY,     "waiting" },
	};
	struct buf	b;
	size_t		k, c;

	buf_init(&b);
	buf_printf(&b, "%zu/%zu done", counts[STEP_PASSED] + counts[STEP_DONE],
	    n);
	for (k = 0; k < sizeof parts / sizeof parts[0]; k++) {
		c = counts[parts[k].a] + (parts[k].b != parts[k].a ?
		    counts[parts[k].b] : 0);
		if (c > 0)
			buf_printf(&b, ", %zu %s", c, parts[k].words);
	}
	return buf_take(&b);
}

/* Whether step i is a host's instance after another host's of the same
 * runbook step (and hop). */
static bool
steps_next_host(const struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i], *o;

	if (st->host == NULL || i == 0)
		return false;
	o = &ss->v[i - 1];
	return o->host != NULL && o->rb == st->rb && o->hop == st->hop &&
	    o->batch == st->batch;
}

/* The instances of a step with `forks` above 1 (not an undo: a rollback
 * goes host by host): one group each, its members' forks_first its first
 * and forks_n its size. */
static void
steps_fork_groups(struct steps *ss)
{
	struct step	*st;
	size_t		 i;

	for (i = 0; i < ss->n; i++) {
		st = &ss->v[i];
		if (st->rb != NULL && st->rb->forks > 1 && !st->undo &&
		    steps_next_host(ss, i)) {
			st->forks_first = ss->v[i - 1].forks_first;
			ss->v[st->forks_first].forks_n++;
		}
	}
	for (i = 0; i < ss->n; i++)
		ss->v[i].forks_n = ss->v[ss->v[i].forks_first].forks_n;
}

static int
index_cmp(const void *a, const void *b)
{
	const size_t	*x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Sorting indexes by a string of their step, then by index. */
static const struct steps	*sort_ss;

static const char *
sort_id(size_t i)
{
	const struct step	*st = &sort_ss->v[i];

	return st->rb != NULL ? st->rb->id : "";
}

static int
id_cmp(const void *a, const void *b)
{
	const size_t	*x = a, *y = b;
	int		 c = strcmp(sort_id(*x), sort_id(*y));

	if (c != 0)
		return c;
	return *x < *y ? -1 : *x > *y;
}

static int
before_cmp(const void *a, const void *b)
{
	const size_t	*x = a, *y = b;
	size_t		 p = sort_ss->v[*x].needs_before;
	size_t		 q = sort_ss->v[*y].needs_before;

	if (p != q)
		return p < q ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

static int
key_cmp(const void *a, const void *b)
{
	const size_t	*x = a, *y = b;

	return strcmp(sort_ss->v[*x].key, sort_ss->v[*y].key);
}

/* The first position in order[0..n) (sorted by id_cmp) whose step's id is
 * not less than id. */
static size_t
id_lower(const struct steps *ss, const size_t *order, size_t n,
    const char *id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ss->v[order[mid]].rb == NULL ||
		    strcmp(ss->v[order[mid]].rb->id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Resolve every step's needs to indexes of earlier steps. A step without
 * `needs` needs every step before it: an order (needs_before), no list.
 * A step with `needs` lists the steps they name and, by the gating rule's
 * one exception to `needs`, the latest confirm step before it in run
 * order (steps_needs_met requires every earlier one: `needs` narrow or
 * widen the other dependencies, never step around a confirmation). Its
 * list is kept in run order, without duplicates, so that the first need
 * not settled is the earliest. Steps are found by id in a sorted index:
 * n log n, not a scan of every earlier step per need. */
static void
steps_resolve_needs(struct steps *ss)
{
	struct step	*st, *o;
	size_t		*order, n_order = 0, i, j, k, lo, hi, n, confirm = SIZE_MAX;
	bool		 same_hop;

	order = xcalloc(ss->n + 1, sizeof *order);
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].rb != NULL)
			order[n_order++] = i;
	}
	sort_ss = ss;
	qsort(order, n_order, sizeof *order, id_cmp);
	steps_fork_groups(ss);
	for (i = 0; i < ss->n; i++) {
		st = &ss->v[i];
		/* A roll's steps have theirs from the layout. */
		if (st->roll != NULL)
			goto next;
		if (st->rb == NULL || !st->rb->has_needs) {
			st->needs_before = st->forks_first;
			goto next;
		}
		/* Room for every instance named, the confirm and the
		 * previous host's instance. */
		for (n = 2, k = 0; k < st->rb->n_needs; k++) {
			lo = id_lower(ss, order, n_order, st->rb->needs[k].s);
			for (hi = lo; hi < n_order && order[hi] < i &&
			    strcmp(ss->v[order[hi]].rb->id,
			    st->rb->needs[k].s) == 0; hi++)
				n++;
		}
		st->needs = xcalloc(n, sizeof *st->needs);
		for (k = 0; k < st->rb->n_needs; k++) {
			const char *id = st->rb->needs[k].s;

			/* The earlier instances, in run order: the one in
			 * the same hop when there is one, else every one. */
			lo = id_lower(ss, order, n_order, id);
			for (hi = lo; hi < n_order && order[hi] < i &&
			    strcmp(ss->v[order[hi]].rb->id, id) == 0; hi++)
				;
			same_hop = false;
			for (j = lo; j < hi; j++) {
				o = &ss->v[order[j]];
				if (o->hop >= 0 && o->hop == st->hop)
					same_hop = true;
			}
			for (j = lo; j < hi; j++) {
				o = &ss->v[order[j]];
				if (same_hop && o->hop != st->hop)
					continue;
				st->needs[st->n_needs++] = order[j];
			}
		}
		if (confirm != SIZE_MAX)
			st->needs[st->n_needs++] = confirm;
		/* The hosts go one after another, unless they fork. */
		if (steps_next_host(ss, i) && st->forks_n == 1)
			st->needs[st->n_needs++] = i - 1;
		qsort(st->needs, st->n_needs, sizeof *st->needs, index_cmp);
		for (n = 0, k = 0; k < st->n_needs; k++) {
			if (n == 0 || st->needs[n - 1] != st->needs[k])
				st->needs[n++] = st->needs[k];
		}
		st->n_needs = n;
next:
		if (st->kind == RB_CONFIRM)
			confirm = i;
	}
	free(order);
}

/* What gating needs beside each step's needs: the steps sorted by key
 * (steps_find), the confirm steps in order, and who lists each step (so
 * that a state change looks at the steps it can change, not at all). */
static void
steps_gate_init(struct steps *ss)
{
	struct step	*st;
	size_t		 i, k, *fill;

	ss->by_key = xcalloc(ss->n + 1, sizeof *ss->by_key);
	ss->confirms = xcalloc(ss->n + 1, sizeof *ss->confirms);
	for (i = 0; i < ss->n; i++) {
		ss->by_key[i] = i;
		if (ss->v[i].kind == RB_CONFIRM)
			ss->confirms[ss->n_confirms++] = i;
		for (k = 0; k < ss->v[i].n_needs; k++)
			ss->v[ss->v[i].needs[k]].n_needed_by++;
	}
	sort_ss = ss;
	qsort(ss->by_key, ss->n, sizeof *ss->by_key, key_cmp);
	ss->wide = xcalloc(ss->n + 1, sizeof *ss->wide);
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].needs_before > 0 && ss->v[i].needs_before < i)
			ss->wide[ss->n_wide++] = i;
	}
	qsort(ss->wide, ss->n_wide, sizeof *ss->wide, before_cmp);
	fill = xcalloc(ss->n + 1, sizeof *fill);
	for (i = 0; i < ss->n; i++) {
		st = &ss->v[i];
		if (st->n_needed_by > 0)
			st->needed_by = xcalloc(st->n_needed_by,
			    sizeof *st->needed_by);
	}
	for (i = 0; i < ss->n; i++) {
		st = &ss->v[i];
		for (k = 0; k < st->n_needs; k++)
			ss->v[st->needs[k]].needed_by[fill[st->needs[k]]++] = i;
	}
	free(fill);
	steps_update(ss);
}

struct steps *
steps_new(const struct runbook *rb, const struct plan *plan,
    const struct step_env *base, char **cause)
{
	struct steps		*ss;
	struct step_env		 artifacts = { NULL, 0, NULL };
	const struct rb_steps	*ph;
	size_t			 i, h;
	int			 phase;

	ss = xcalloc(1, sizeof *ss);
	ss->rollback_hop = -1;
	ss->rb = rb;
	ss->plan = plan;
	step_env_merge(&ss->base, base);
	for (phase = RB_PHASE_PREPARE; phase <= RB_PHASE_FINISH; phase++) {
		ph = &rb->phases[phase];
		if (phase == RB_PHASE_HOP) {
			for (h = 0; h < plan->n_hops; h++) {
				for (i = 0; i < ph->n; i++) {
					if (ph->v[i].roll != NULL) {
						if (steps_lay_roll(ss, ph,
						    ph->v[i].roll, (int)h, base,
						    &artifacts, cause) != 0)
							goto fail;
						i += ph->v[i].roll->n - 1;
						continue;
					}
					if (!hop_matches(rb, &ph->v[i],
					    &plan->hops[h], base))
						continue;
					if (steps_lay(ss, &ph->v[i], (int)h,
					    base, &artifacts, cause) != 0)
						goto fail;
				}
			}
			continue;
		}
		for (i = 0; i < ph->n; i++) {
			if (ph->v[i].roll != NULL) {
				if (steps_lay_roll(ss, ph, ph->v[i].roll, -1,
				    base, &artifacts, cause) != 0)
					goto fail;
				i += ph->v[i].roll->n - 1;
				continue;
			}
			if (!ph->v[i].per_hop) {
				if (steps_lay(ss, &ph->v[i], -1, base,
				    &artifacts, cause) != 0)
					goto fail;
				continue;
			}
			/* Per-hop prepare and finish steps (release notes,
			 * say) are for every hop, a redeploy too. */
			for (h = 0; h < plan->n_hops; h++) {
				if (steps_lay(ss, &ph->v[i], (int)h, base,
				    &artifacts, cause) != 0)
					goto fail;
			}
		}
	}
	step_env_free(&artifacts);
	steps_resolve_needs(ss);
	steps_gate_init(ss);
	return ss;

fail:
	step_env_free(&artifacts);
	steps_free(ss);
	return NULL;
}

static int
settled_desc(const void *a, const void *b)
{
	const struct step *const *x = a, *const *y = b;

	if ((*x)->settled_seq != (*y)->settled_seq)
		return (*x)->settled_seq < (*y)->settled_seq ? 1 : -1;
	return (*x)->index < (*y)->index ? 1 : -1;
}

const char *
steps_artifact_ref(const char *p, size_t *len)
{
	static const char	prefix[] = "STEPUP_ARTIFACT_";

	if (p == NULL || (p = strstr(p, prefix)) == NULL)
		return NULL;
	for (*len = sizeof prefix - 1; name_char((unsigned char)p[*len]);
	    (*len)++)
		;
	return p;
}

/* Whether upgrade step u made the artifact var names at path and recorded
 * it (size and sha256: it passed with the file there). */
static bool
artifact_made_by(const struct step *u, const char *var, const char *path)
{
	char	*v;
	bool	 same;

	if (u->rb == NULL || u->produces == NULL ||
	    strcmp(u->produces, path) != 0)
		return false;
	v = runbook_artifact_env(u->rb->id);
	same = strcmp(v, var) == 0;
	free(v);
	return same;
}

/* A rollback step whose command uses an artifact the upgrade did not
 * make ($STEPUP_ARTIFACT_<id> points to nothing: its step failed, did not
 * run, or was marked done by hand without it) cannot run: it becomes a
 * manual step saying which artifact and why, so that the rest of the
 * rollback still runs. */
static void
rollback_gate_artifacts(const struct steps *up, struct step *st)
{
	const struct step	*u, *maker;
	const char		*p, *path, *how;
	char			*var, *title, *text;
	size_t			 len, k;

	for (p = st->run; (p = steps_artifact_ref(p, &len)) != NULL;
	    p += len) {
		var = xstrndup(p, len);
		path = step_env_get(&st->env, var, NULL);
		maker = NULL;
		for (k = 0; path != NULL && k < up->n; k++) {
			u = &up->v[k];
			if (artifact_made_by(u, var, path))
				maker = u;
		}
		/* A step that passed made it (a checklist lays the rollback
		 * out as if every action had passed, recording nothing). */
		if (maker == NULL || maker->state == STEP_PASSED ||
		    maker->artifact_sha256[0] != '\0') {
			free(var);
			continue;
		}
		switch (maker->state) {
		case STEP_PENDING:
		case STEP_READY:
			how = "it did not run";
			break;
		case STEP_DONE:
			how = "it was marked done by hand without it";
			break;
		default:
			how = step_state_words(maker->state);
			break;
		}
		title = xasprintf("%s cannot run: $%s points to nothing",
		    st->title, var);
		text = xasprintf("$%s points to nothing: step %s (%s) did not "
		    "make %s; %s%s%s%s. Do by hand what this step would do, "
		    "or tick it off saying why not.", var, maker->key,
		    maker->title, path, how, maker->reason != NULL ? " (" : "",
		    maker->reason != NULL ? maker->reason : "",
		    maker->reason != NULL ? ")" : "");
		free(st->title);
		st->title = title;
		free(st->text);
		st->text = text;
		st->kind = RB_MANUAL;
		st->run = NULL;
		free(var);
		return;
	}
}

/* Whether upgrade step u is undone by a rollback to hop's start (-1:
 * where the upgrade started): an action that passed or was done, of
 * that hop when there is one. */
static bool
rollback_undoes(const struct step *u, int hop)
{
	if (u->kind != RB_ACTION || u->undo || (u->state != STEP_PASSED &&
	    u->state != STEP_DONE))
		return false;
	return hop < 0 || (u->phase == RB_PHASE_HOP && u->hop == hop);
}

/* The version a rollback to hop's start goes back to. */
static const char *
rollback_version(const struct steps *up, int hop)
{
	if (up->plan == NULL)
		return NULL;
	if (hop >= 0 && (size_t)hop < up->plan->n_hops)
		return up->plan->hops[hop].from;
	return up->plan->from;
}

int
steps_rollback_hop(const struct steps *up)
{
	const struct step	*st;
	size_t			 i, k;

	if (up->rollback || up->plan == NULL ||
	    (i = steps_current(up)) >= up->n)
		return -1;
	st = &up->v[i];
	if (st->phase != RB_PHASE_HOP || st->hop <= 0 ||
	    (size_t)st->hop >= up->plan->n_hops)
		return -1;
	for (k = 0; k < up->n; k++) {
		if (rollback_undoes(&up->v[k], st->hop))
			return st->hop;
	}
	return -1;
}

char *
steps_rollback_phrase(const struct steps *up, int hop)
{
	const char	*to = rollback_version(up, hop);
	const char	*warn;

	warn = up->rb != NULL ? up->rb->rollback_warning[hop < 0 ?
	    RB_ROLLBACK_START : RB_ROLLBACK_HOP] : NULL;
	if (to == NULL)
		return xstrdup("yes, roll back");
	if (warn != NULL)
		return xasprintf("yes, roll back to %s, %s", to, warn);
	return xasprintf("yes, roll back to %s", to);
}

/* The confirmation's text: where this rollback goes and, when the other
 * target is possible too, the phrase that chooses it instead. */
static char *
rollback_confirm_text(const struct steps *up, int hop)
{
	const struct plan	*pl = up->plan;
	int			 other;
	char			*phrase, *text;

	other = hop >= 0 ? -1 : steps_rollback_hop(up);
	if (pl == NULL || (hop < 0 && other < 0))
		return NULL;
	phrase = steps_rollback_phrase(up, hop >= 0 ? -1 : other);
	if (hop >= 0)
		text = xasprintf("Back to %s, the start of hop %d of %zu (%s -> "
		    "%s): only that hop's done steps are undone. To undo "
		    "everything, back to %s where the upgrade started, type "
		    "\"%s\" instead.", pl->hops[hop].from, hop + 1, pl->n_hops,
		    pl->hops[hop].from, pl->hops[hop].to, pl->from, phrase);
	else
		text = xasprintf("Back to %s, where the upgrade started: every "
		    "done step is undone. To undo only hop %d of %zu (%s -> "
		    "%s), back to %s, type \"%s\" instead.", pl->from,
		    other + 1, pl->n_hops, pl->hops[other].from,
		    pl->hops[other].to, pl->hops[other].from, phrase);
	free(phrase);
	return text;
}

struct steps *
steps_new_rollback(const struct steps *up, int hop,
    const struct step_env *base_in, char **cause)
{
	struct steps		 *ss;
	struct step		 *st;
	const struct step	**done;
	const struct rb_steps	 *ph;
	struct step_env		  artifacts = { NULL, 0, NULL };
	struct step_env		 *base;
	size_t			  i, n = 0, j, k;

	ss = xcalloc(1, sizeof *ss);
	base = &ss->base;
	ss->rb = up->rb;
	ss->plan = up->plan;
	ss->rollback = true;
	if (up->plan == NULL || hop >= (int)up->plan->n_hops)
		hop = -1;
	ss->rollback_hop = hop;
	ss->rollback_to = rollback_version(up, hop);
	step_env_merge(base, base_in);
	if (ss->rollback_to != NULL)
		step_env_set(base, "STEPUP_ROLLBACK_TO", ss->rollback_to,
		    false);

	st = steps_add(ss);
	st->key = xstrdup("rollback-confirm");
	st->kind = RB_CONFIRM;
	st->phase = RB_PHASE_ROLLBACK;
	st->title = xstrdup("Confirm the rollback");
	st->phrase = steps_rollback_phrase(up, hop);
	st->text = rollback_confirm_text(up, hop);
	st->env.base = base;

	done = xcalloc(up->n + 1, sizeof *done);
	for (i = 0; i < up->n; i++) {
		if (rollback_undoes(&up->v[i], hop))
			done[n++] = &up->v[i];
		/* Every artifact the upgrade made, for the rollback steps. */
		for (j = 0; j < up->v[i].env.n; j++) {
			if (strncmp(up->v[i].env.v[j].name, "STEPUP_ARTIFACT_",
			    16) == 0)
				step_env_set(&artifacts, up->v[i].env.v[j].name,
				    up->v[i].env.v[j].value, false);
		}
	}
	qsort(done, n, sizeof *done, settled_desc);
	for (i = 0; i < n; i++) {
		const struct step *o = done[i];

		st = steps_add(ss);
		st->rb = o->rb;
		st->phase = RB_PHASE_ROLLBACK;
		st->hop = o->hop;
		st->host = o->host;
		st->key = xasprintf("undo:%s", o->key);
		/* The upgrade step's environment, the rollback run's
		 * replacing it: its own entries, those of the old run's
		 * that this run's base does not have. */
		{
			struct step_env	flat = { NULL, 0, NULL };

			step_env_merge(&flat, &o->env);
			for (k = 0; k < flat.n; k++) {
				if (step_env_get(base, flat.v[k].name,
				    NULL) == NULL)
					step_env_set(&st->env, flat.v[k].name,
					    flat.v[k].value, flat.v[k].secret);
			}
			step_env_free(&flat);
		}
		st->env.base = base;
		if (o->rb != NULL && o->rb->undo != NULL) {
			st->kind = RB_ACTION;
			st->run = o->rb->undo;
			st->undo = true;
			st->title = xasprintf("Undo: %s", o->title);
		} else {
			st->kind = RB_MANUAL;
			st->title = xasprintf("%s cannot be undone "
			    "automatically: %s", o->key, o->title);
			if (o->on_failure != NULL)
				st->text = xstrdup(o->on_failure);
		}
		/* What the upgrade's step leaves behind is what its undo
		 * does not reverse. */
		if (o->on_failure != NULL)
			st->on_failure = xstrdup(o->on_failure);
		rollback_gate_artifacts(up, st);
	}
	free(done);

	ph = up->rb != NULL ? &up->rb->phases[RB_PHASE_ROLLBACK] : NULL;
	for (i = 0; ph != NULL && i < ph->n; i++) {
		if (steps_lay(ss, &ph->v[i], -1, base, &artifacts, cause) != 0) {
			step_env_free(&artifacts);
			steps_free(ss);
			return NULL;
		}
		rollback_gate_artifacts(up, &ss->v[ss->n - 1]);
	}
	step_env_free(&artifacts);
	/* A rollback step needs every step before it; runbook `needs` do
	 * not apply across the synthetic steps. */
	for (i = 0; i < ss->n; i++)
		ss->v[i].needs_before = i;
	steps_gate_init(ss);
	return ss;
}

/* --- gating --------------------------------------------------------------- */

const struct step *
steps_find(const struct steps *ss, const char *key)
{
	size_t	lo = 0, hi = ss->n, mid;
	int	c;

	if (ss->by_key == NULL) {
		/* Being laid out. */
		for (mid = 0; mid < ss->n; mid++) {
			if (strcmp(ss->v[mid].key, key) == 0)
				return &ss->v[mid];
		}
		return NULL;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(ss->v[ss->by_key[mid]].key, key);
		if (c == 0)
			return &ss->v[ss->by_key[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
steps_needs_met(const struct steps *ss, size_t i, size_t *blocker)
{
	const struct step	*st = &ss->v[i];
	size_t			 b = SIZE_MAX, k;

	/* The cursors say where the first step and the first confirm step
	 * not settled are; the list is in run order. */
	if (ss->open < st->needs_before)
		b = ss->open;
	if (ss->open_confirm < ss->n_confirms &&
	    ss->confirms[ss->open_confirm] < i &&
	    ss->confirms[ss->open_confirm] < b)
		b = ss->confirms[ss->open_confirm];
	for (k = 0; k < st->n_needs && st->needs[k] < b; k++) {
		if (!step_state_settled(ss->v[st->needs[k]].state)) {
			b = st->needs[k];
			break;
		}
	}
	if (b == SIZE_MAX)
		return true;
	if (blocker != NULL)
		*blocker = b;
	return false;
}

size_t
steps_current(const struct steps *ss)
{
	size_t	i;

	for (i = 0; i < ss->n; i++) {
		if (!step_state_settled(ss->v[i].state))
			return i;
	}
	return ss->n;
}

bool
steps_done(const struct steps *ss)
{
	return steps_current(ss) == ss->n;
}

/* Recompute whether step i is pending or ready. */
static void
steps_gate(struct steps *ss, size_t i)
{
	struct step	*st = &ss->v[i];

	ss->gate_checks++;
	if (st->state != STEP_PENDING && st->state != STEP_READY)
		return;
	st->state = steps_needs_met(ss, i, NULL) ? STEP_READY : STEP_PENDING;
}

/* Recheck step i, and with it every instance of its fork group: they
 * share what they need, so the first-not-settled cursor entering or
 * leaving the group changes them all. */
static void
steps_gate_group(struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i];
	size_t			 k;

	if (st->forks_n == 1) {
		steps_gate(ss, i);
		return;
	}
	for (k = st->forks_first; k < st->forks_first + st->forks_n; k++)
		steps_gate(ss, k);
}

/* Move the first-not-settled cursors past what is settled. */
static void
steps_advance(struct steps *ss)
{
	while (ss->open < ss->n && step_state_settled(ss->v[ss->open].state))
		ss->open++;
	while (ss->open_confirm < ss->n_confirms &&
	    step_state_settled(ss->v[ss->confirms[ss->open_confirm]].state))
		ss->open_confirm++;
}

void
steps_update(struct steps *ss)
{
	size_t	i;

	ss->open = 0;
	ss->open_confirm = 0;
	steps_advance(ss);
	for (i = 0; i < ss->n; i++)
		steps_gate(ss, i);
}

/* Recheck the steps that list step i. */
static void
steps_gate_listing(struct steps *ss, size_t i)
{
	const struct step	*st = &ss->v[i];
	size_t			 k;

	for (k = 0; k < st->n_needed_by; k++)
		steps_gate(ss, st->needed_by[k]);
}

/* Recheck the steps whose needs_before is in (lo, hi]. */
static void
steps_gate_wide(struct steps *ss, size_t lo, size_t hi)
{
	size_t	a = 0, b = ss->n_wide, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (ss->v[ss->wide[m]].needs_before <= lo)
			a = m + 1;
		else
			b = m;
	}
	for (; a < ss->n_wide && ss->v[ss->wide[a]].needs_before <= hi; a++)
		steps_gate(ss, ss->wide[a]);
}

void
step_set(struct steps *ss, size_t i, enum step_state state,
    const char *reason)
{
	struct step	*st = &ss->v[i];
	size_t		 open = ss->open, oc = ss->open_confirm, k, lo, hi;

	st->state = state;
	free(st->reason);
	st->reason = reason != NULL ? xstrdup(reason) : NULL;

	/* The cursors: back to i when it reopens, on when it settles. */
	if (!step_state_settled(state)) {
		if (i < ss->open)
			ss->open = i;
		if (st->kind == RB_CONFIRM) {
			lo = 0;
			hi = ss->n_confirms;
			while (lo < hi) {
				k = lo + (hi - lo) / 2;
				if (ss->confirms[k] < i)
					lo = k + 1;
				else
					hi = k;
			}
			if (lo < ss->open_confirm)
				ss->open_confirm = lo;
		}
	}
	steps_advance(ss);

	/* A step without `needs` is ready only as the first step not
	 * settled: only the old and the new one can change. */
	steps_gate(ss, i);
	if (open < ss->n && ss->open < ss->n &&
	    ss->v[open].forks_first == ss->v[ss->open].forks_first) {
		/* Within one fork group: what its instances need is the
		 * same before and after. */
		if (open != i)
			steps_gate(ss, open);
		if (ss->open != open && ss->open != i)
			steps_gate(ss, ss->open);
	} else {
		if (open < ss->n)
			steps_gate_group(ss, open);
		if (ss->open < ss->n && ss->open != open)
			steps_gate_group(ss, ss->open);
	}
	/* A step with `needs` lists its own, and the latest confirm before
	 * it: recheck who lists i and, when the first confirm not settled
	 * moved, who lists a confirm passed over (every confirm before a
	 * step is required). */
	steps_gate_listing(ss, i);
	/* A roll's batch needs every step before its start: recheck those
	 * whose start the first step not settled passed, either way. */
	lo = open < ss->open ? open : ss->open;
	hi = open < ss->open ? ss->open : open;
	if (lo != hi)
		steps_gate_wide(ss, lo, hi);
	lo = oc < ss->open_confirm ? oc : ss->open_confirm;
	hi = oc < ss->open_confirm ? ss->open_confirm : oc;
	for (k = lo; k < hi && k < ss->n_confirms; k++) {
		if (ss->confirms[k] != i)
			steps_gate_listing(ss, ss->confirms[k]);
	}
}
