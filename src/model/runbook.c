/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook.c: load a runbook (YAML) into struct runbook, reporting every
 * problem at the node that has it: the file, its root, versions, policy
 * and vars (steps: runbook-steps.c); free it and look things up in it. */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inventory.h"
#include "runbook-int.h"
#include "trust.h"
#include "util.h"
#include "version.h"

/* A runbook larger than this is refused before parsing. */
#define RB_MAX_FILE	(4u * 1024 * 1024)

/* Whether s matches [A-Za-z_][A-Za-z0-9_]*. */
static bool
is_env_name(const char *s)
{
	if (!rbl_is_name_char(*s, true))
		return false;
	for (s++; *s != '\0'; s++) {
		if (!rbl_is_name_char(*s, false))
			return false;
	}
	return true;
}

/* Whether s matches [a-z][a-z0-9-]*. */
static bool
is_word(const char *s)
{
	return *s >= 'a' && *s <= 'z' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

/* A version string: a non-empty scalar (its syntax under the scheme is
 * the planner's, see plan_validate). */
static bool
get_version(struct ctx *c, const char *what, const struct yt_node *v,
    struct rb_str *out)
{
	struct clipbuf	cb;
	char		found[64];

	if (v->type != YT_SCALAR || yt_is_null(v) || v->len == 0) {
		err(c, v->pos, "%s must be a version string, found %s", what,
		    yt_describe(v, found, sizeof found));
		return false;
	}
	if (strpbrk(v->s, " \t\n") != NULL) {
		err(c, v->pos, "%s '%s' has a space in it", what,
		    rbl_clip(v->s, &cb));
		return false;
	}
	rbl_set_str(out, v);
	return true;
}

/* ---- versions ------------------------------------------------------------ */

static void
load_source(struct ctx *c, const char *key, const struct yt_node *v,
    struct rb_source *src, bool installed)
{
	static const char *const inst_keys[] = { "command", "ask", NULL };
	static const char *const avail_keys[] = { "command", NULL };
	const struct yt_node	*cmd, *ask;
	char			 what[64];
	size_t			 i;

	src->pos = v->pos;
	if (!installed && v->type == YT_SEQ) {
		if (v->n == 0) {
			err(c, v->pos, "'available' lists no version");
			return;
		}
		src->list = xcalloc(v->n, sizeof *src->list);
		for (i = 0; i < v->n; i++) {
			if (get_version(c, "an available version", v->vals[i],
			    &src->list[src->n_list]))
				src->n_list++;
		}
		return;
	}
	if (v->type != YT_MAP) {
		err(c, v->pos, installed ?
		    "'installed' must be a mapping, {command: CMD} or "
		    "{ask: QUESTION}, found %s" :
		    "'available' must be a list of versions or {command: CMD}, "
		    "found %s", yt_describe(v, what, sizeof what));
		return;
	}
	rbl_check_keys(c, v, key, installed ? inst_keys : avail_keys, NULL);
	cmd = rbl_map_get(v, "command", NULL);
	ask = installed ? rbl_map_get(v, "ask", NULL) : NULL;
	if (cmd != NULL && ask != NULL) {
		err(c, rbl_map_where(v), "'installed' has both 'command' and "
		    "'ask': give exactly one");
		return;
	}
	if (cmd != NULL) {
		src->command = rbl_get_string(c, "command", cmd, true);
		src->command_at = rbl_text_at(cmd);
	} else if (ask != NULL)
		src->ask = rbl_get_string(c, "ask", ask, true);
	else
		err(c, rbl_map_where(v), installed ? "'installed' needs "
		    "'command' (a probe printing the version) or 'ask' (a "
		    "question)" :
		    "'available' needs 'command' (printing one version a "
		    "line), or give a list of versions");
}

static void
load_versions(struct ctx *c, const struct yt_node *v)
{
	static const char *const keys[] = {
		"scheme", "series", "kinds", "installed", "available", NULL
	};
	static const char *const schemes[] = {
		"semver", "calver", "pep440", "loose", NULL
	};
	static const char *const series[] = {
		"major", "major.minor", "major.minor.patch", NULL
	};
	struct rb_versions	*vs = &c->rb->versions;
	const struct yt_node	*x;
	char			 what[64];
	size_t			 i, j;
	int			 k;

	vs->pos = v->pos;
	if (v->type != YT_MAP) {
		err(c, v->pos, "'versions' must be a mapping (scheme, series, "
		    "installed, available), found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	rbl_check_keys(c, v, "versions", keys, NULL);
	if ((x = rbl_map_get(v, "scheme", NULL)) == NULL)
		err(c, rbl_map_where(v), "'versions' needs 'scheme' (semver, "
		    "calver, pep440 or loose)");
	else if ((k = rbl_get_enum(c, "scheme", x, schemes)) >= 0)
		vs->scheme = (enum rb_scheme)k;
	if ((x = rbl_map_get(v, "series", NULL)) != NULL &&
	    (k = rbl_get_enum(c, "series", x, series)) >= 0)
		vs->series = k + 1;
	if ((x = rbl_map_get(v, "kinds", NULL)) != NULL) {
		if (x->type != YT_SEQ || x->n < 1 || x->n > 3) {
			err(c, x->pos, "'kinds' must be a list of 1 to 3 words "
			    "(e.g. [major, minor, patch]), found %s",
			    x->type == YT_SEQ ? (x->n == 0 ? "an empty list" :
			    "a longer list") :
			    yt_describe(x, what, sizeof what));
		} else {
			for (i = 0; i < x->n; i++) {
				const struct yt_node *w = x->vals[i];

				if (w->type != YT_SCALAR || !is_word(w->s)) {
					err(c, w->pos, "a hop kind must be a "
					    "lowercase word, found %s",
					    yt_describe(w, what, sizeof what));
					continue;
				}
				if (strcmp(w->s, "redeploy") == 0) {
					err(c, w->pos, "'redeploy' is the kind "
					    "of a redeploy hop; it cannot name "
					    "a version component");
					continue;
				}
				free(vs->kinds[i]);
				vs->kinds[i] = xstrdup(w->s);
			}
			/* A shorter list: later components repeat the last. */
			for (j = x->n; j < 3; j++) {
				free(vs->kinds[j]);
				vs->kinds[j] = xstrdup(vs->kinds[x->n - 1]);
			}
		}
	}
	if ((x = rbl_map_get(v, "installed", NULL)) == NULL)
		err(c, rbl_map_where(v), "'versions' needs 'installed' "
		    "({command: CMD} or {ask: QUESTION})");
	else
		load_source(c, "installed", x, &vs->installed, true);
	if ((x = rbl_map_get(v, "available", NULL)) == NULL)
		err(c, rbl_map_where(v), "'versions' needs 'available' (a list of "
		    "versions, or {command: CMD})");
	else
		load_source(c, "available", x, &vs->available, false);
}

/* ---- policy -------------------------------------------------------------- */

/* when: {VAR: VALUE | [VALUE, ...], ...} on a policy item. */
void
rbl_load_conds(struct ctx *c, const struct yt_node *v, struct rb_cond **out,
    size_t *n)
{
	const struct yt_node	*x;
	struct rb_cond		*k;
	char			 what[64];
	size_t			 i, j;

	if (v->type != YT_MAP || v->n == 0) {
		err(c, v->pos, "'when' must be a mapping of a variable to its "
		    "answer (or a list of answers), found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	*out = xcalloc(v->n, sizeof **out);
	for (i = 0; i < v->n; i++) {
		k = &(*out)[*n];
		x = v->vals[i];
		if (x->type == YT_SCALAR && !yt_is_null(x)) {
			k->values = xcalloc(1, sizeof *k->values);
			k->values[k->n_values++] = xstrdup(x->s);
		} else if (x->type == YT_SEQ && x->n > 0) {
			k->values = xcalloc(x->n, sizeof *k->values);
			for (j = 0; j < x->n; j++) {
				if (x->vals[j]->type != YT_SCALAR ||
				    yt_is_null(x->vals[j])) {
					err(c, x->vals[j]->pos, "an answer in "
					    "'when' must be a string, found %s",
					    yt_describe(x->vals[j], what,
					    sizeof what));
					continue;
				}
				k->values[k->n_values++] =
				    xstrdup(x->vals[j]->s);
			}
		} else {
			err(c, x->pos, "'when: %s' must be an answer or a list "
			    "of answers, found %s", v->keys[i]->s,
			    yt_describe(x, what, sizeof what));
			continue;
		}
		rbl_set_str(&k->var, v->keys[i]);
		(*n)++;
	}
}

void
rbl_free_conds(struct rb_cond *v, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		free(v[i].var.s);
		for (j = 0; j < v[i].n_values; j++)
			free(v[i].values[j]);
		free(v[i].values);
	}
	free(v);
}

static void
load_boundaries(struct ctx *c, const char *key, const struct yt_node *v,
    struct rb_boundary **out, size_t *n)
{
	static const char *const keys[] = { "at", "reason", "when", NULL };
	const struct yt_node	*at, *why;
	char			 what[64], *where;
	size_t			 i;

	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list of versions or {at: V, "
		    "reason: TEXT}, found %s", key,
		    yt_describe(v, what, sizeof what));
		return;
	}
	*out = xcalloc(v->n + 1, sizeof **out);
	for (i = 0; i < v->n; i++) {
		const struct yt_node *e = v->vals[i];
		struct rb_boundary *bd = &(*out)[*n];

		if (e->type == YT_SCALAR) {
			if (get_version(c, "a boundary", e, &bd->at))
				(*n)++;
			continue;
		}
		if (e->type != YT_MAP) {
			err(c, e->pos, "an item of '%s' must be a version or "
			    "{at: V, reason: TEXT}, found %s", key,
			    yt_describe(e, what, sizeof what));
			continue;
		}
		where = xasprintf("an item of '%s'", key);
		rbl_check_keys(c, e, where, keys, NULL);
		free(where);
		if ((at = rbl_map_get(e, "at", NULL)) == NULL) {
			err(c, rbl_map_where(e), "an item of '%s' needs 'at' (the "
			    "first version past the boundary)", key);
			continue;
		}
		if (!get_version(c, "'at'", at, &bd->at))
			continue;
		if ((why = rbl_map_get(e, "reason", NULL)) != NULL)
			bd->reason = rbl_get_string(c, "reason", why, true);
		if ((why = rbl_map_get(e, "when", NULL)) != NULL)
			rbl_load_conds(c, why, &bd->when, &bd->n_when);
		(*n)++;
	}
}

/* skip-series: true, false, or how many series one hop may pass over. */
static bool
load_skip(struct ctx *c, const char *key, const struct yt_node *v, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	char	what[64], *end;
	long	n;

	if (v->type == YT_SCALAR && !yt_is_null(v)) {
		if (rbl_in_list(v->s, yes)) {
			*out = RB_SKIP_ANY;
			return true;
		}
		if (rbl_in_list(v->s, no)) {
			*out = 0;
			return true;
		}
		n = strtol(v->s, &end, 10);
		if (v->s[0] >= '0' && v->s[0] <= '9' && *end == '\0' &&
		    n >= 0 && n <= 1000000) {
			*out = (int)n;
			return true;
		}
	}
	err(c, v->pos, "'%s' must be true, false or the number of "
	    "series one hop may pass over, found %s", key,
	    yt_describe(v, what, sizeof what));
	return false;
}

static const char *const within_words[] = { "any", "consecutive", NULL };
static const char *const leave_words[] = { "from-any", "from-latest",
	"from-latest-minor", NULL };

const char *const rb_rule_keys[RB_RULE__COUNT] = {
	"within-series", "leave-series", "skip-series", "one-minor-at-a-time"
};
const char *const rb_level_rule_keys[RB_RULE__COUNT] = {
	NULL, "leave", "skip", NULL
};

/* One value of rule id into *out, or an error and false. */
static bool
load_rule_value(struct ctx *c, enum rb_rule_id id, const char *key,
    const struct yt_node *v, int *out)
{
	bool	b;
	int	k;

	switch (id) {
	case RB_RULE_WITHIN:
	case RB_RULE_LEAVE:
		k = rbl_get_enum(c, key, v, id == RB_RULE_WITHIN ?
		    within_words : leave_words);
		if (k < 0)
			return false;
		*out = k;
		return true;
	case RB_RULE_SKIP:
		return load_skip(c, key, v, out);
	case RB_RULE_ONE_MINOR:
		if (!rbl_get_bool(c, key, v, &b))
			return false;
		*out = b;
		return true;
	case RB_RULE__COUNT:
		break;
	}
	return false;
}

/* A scalar rule: V, {value: V, when: {VAR: ANSWER}}, or a list of them,
 * at most one without `when`. Its unconditional value goes to the
 * policy's field (rb_rule_set). */
static void
load_rule(struct ctx *c, enum rb_rule_id id, const char *key,
    const struct yt_node *v, struct rb_policy *p, struct rb_series_level *l)
{
	static const char *const keys[] = { "value", "when", NULL };
	struct rb_rule		*r = l != NULL ? &l->rules[id] : &p->rules[id];
	struct rb_rule_item	*it;
	const struct yt_node	*e, *x;
	char			 what[64], *where;
	size_t			 i, n, uncond = 0;

	if (v->type == YT_SEQ && v->n == 0) {
		err(c, v->pos, "'%s' must be a value, {value: V, when: {VAR: "
		    "ANSWER}} or a list of them, found an empty list", key);
		return;
	}
	n = v->type == YT_SEQ ? v->n : 1;
	r->items = xcalloc(n, sizeof *r->items);
	for (i = 0; i < n; i++) {
		e = v->type == YT_SEQ ? v->vals[i] : v;
		it = &r->items[r->n_items];
		it->pos = e->pos;
		if (e->type == YT_MAP) {
			where = xasprintf("an item of '%s'", key);
			rbl_check_keys(c, e, where, keys, NULL);
			free(where);
			if ((x = rbl_map_get(e, "value", NULL)) == NULL) {
				err(c, rbl_map_where(e), "an item of '%s' "
				    "needs 'value' (the rule's value when its "
				    "'when' holds)", key);
				continue;
			}
			if (!load_rule_value(c, id, key, x, &it->value))
				continue;
			it->text = xstrdup(x->s);
			if ((x = rbl_map_get(e, "when", NULL)) != NULL)
				rbl_load_conds(c, x, &it->when, &it->n_when);
		} else if (e->type == YT_SEQ) {
			err(c, e->pos, "an item of '%s' must be a value or "
			    "{value: V, when: {VAR: ANSWER}}, found %s", key,
			    yt_describe(e, what, sizeof what));
			continue;
		} else {
			if (!load_rule_value(c, id, key, e, &it->value))
				continue;
			it->text = xstrdup(e->s);
		}
		if (it->n_when == 0 && uncond++ > 0) {
			err(c, e->pos, "'%s' has a second item without 'when': "
			    "only one value applies when no condition holds",
			    key);
			free(it->text);
			continue;
		}
		if (it->n_when == 0)
			rb_rule_set(p, l, id, it->value);
		r->n_items++;
	}
}

void
rb_rule_set(struct rb_policy *p, struct rb_series_level *l,
    enum rb_rule_id id, int value)
{
	switch (id) {
	case RB_RULE_WITHIN:
		p->within_series = (enum rb_within)value;
		break;
	case RB_RULE_LEAVE:
		if (l != NULL)
			l->leave = (enum rb_leave)value;
		else
			p->leave_series = (enum rb_leave)value;
		break;
	case RB_RULE_SKIP:
		if (l != NULL)
			l->skip = value;
		else
			p->skip_series = value;
		break;
	case RB_RULE_ONE_MINOR:
		p->one_minor = value != 0;
		break;
	case RB_RULE__COUNT:
		break;
	}
}

static void
rules_free(struct rb_rule *r)
{
	size_t	id, i;

	for (id = 0; id < RB_RULE__COUNT; id++) {
		for (i = 0; i < r[id].n_items; i++) {
			free(r[id].items[i].text);
			rbl_free_conds(r[id].items[i].when,
			    r[id].items[i].n_when);
		}
		free(r[id].items);
	}
}

/* levels: {major: {leave, skip, enter-at}, ...}, each coarser than
 * versions.series; kept coarsest first. */
static void
load_levels(struct ctx *c, const struct yt_node *v, struct rb_policy *p)
{
	static const char *const keys[] = { "leave", "skip", "enter-at",
		NULL };
	static const char *const names[] = {
		"major", "major.minor", "major.minor.patch", NULL
	};
	const struct yt_node	*e, *x;
	struct rb_series_level		*l;
	char			 what[64], *where;
	size_t			 i, k;
	int			 parts;

	if (v->type != YT_MAP) {
		err(c, v->pos, "'levels' must be a mapping of a level (major, "
		    "major.minor) to its rules, found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	p->levels = xcalloc(v->n + 1, sizeof *p->levels);
	for (i = 0; i < v->n; i++) {
		if ((parts = rbl_get_enum(c, "a level", v->keys[i], names)) < 0)
			continue;
		parts++;
		if (parts >= c->rb->versions.series) {
			err(c, v->keys[i]->pos, "level '%s' must be coarser "
			    "than versions.series, whose rules are the "
			    "policy's own keys", v->keys[i]->s);
			continue;
		}
		for (k = 0; k < p->n_levels; k++)
			if (p->levels[k].parts == parts)
				break;
		if (k < p->n_levels) {
			err(c, v->keys[i]->pos, "level '%s' is given twice",
			    v->keys[i]->s);
			continue;
		}
		e = v->vals[i];
		if (e->type != YT_MAP) {
			err(c, e->pos, "level '%s' must be a mapping (leave, "
			    "skip, enter-at), found %s", v->keys[i]->s,
			    yt_describe(e, what, sizeof what));
			continue;
		}
		where = xasprintf("level '%s'", v->keys[i]->s);
		rbl_check_keys(c, e, where, keys, NULL);
		free(where);
		l = &p->levels[p->n_levels++];
		l->parts = parts;
		l->pos = e->pos;
		l->skip = RB_SKIP_ANY;
		if ((x = rbl_map_get(e, "leave", NULL)) != NULL)
			load_rule(c, RB_RULE_LEAVE, "leave", x, p, l);
		if ((x = rbl_map_get(e, "skip", NULL)) != NULL)
			load_rule(c, RB_RULE_SKIP, "skip", x, p, l);
		if ((x = rbl_map_get(e, "enter-at", NULL)) != NULL)
			load_boundaries(c, "enter-at", x, &l->enter_at,
			    &l->n_enter_at);
	}
	/* coarsest first */
	for (i = 1; i < p->n_levels; i++)
		for (k = i; k > 0 && p->levels[k - 1].parts >
		    p->levels[k].parts; k--) {
			struct rb_series_level t = p->levels[k];
			p->levels[k] = p->levels[k - 1];
			p->levels[k - 1] = t;
		}
}

/* skip-series-to: [{to: RANGE, skip: N | true | false}, ...]. */
static void
load_skip_to(struct ctx *c, const struct yt_node *v, struct rb_policy *p)
{
	static const char *const keys[] = { "to", "skip", "when", NULL };
	const struct yt_node	*e, *to, *n, *w;
	struct rb_skip_to	*k;
	char			 what[64], *why;
	size_t			 i;

	if (v->type != YT_SEQ) {
		err(c, v->pos, "'skip-series-to' must be a list of {to: RANGE, "
		    "skip: N}, found %s", yt_describe(v, what, sizeof what));
		return;
	}
	p->skip_to = xcalloc(v->n + 1, sizeof *p->skip_to);
	for (i = 0; i < v->n; i++) {
		e = v->vals[i];
		if (e->type != YT_MAP) {
			err(c, e->pos, "an item of 'skip-series-to' must be {to: "
			    "RANGE, skip: N}, found %s",
			    yt_describe(e, what, sizeof what));
			continue;
		}
		rbl_check_keys(c, e, "an item of 'skip-series-to'", keys, NULL);
		to = rbl_map_get(e, "to", NULL);
		n = rbl_map_get(e, "skip", NULL);
		if (to == NULL || n == NULL) {
			err(c, rbl_map_where(e), "an item of 'skip-series-to' "
			    "needs 'to' (a version range) and 'skip'");
			continue;
		}
		if (to->type != YT_SCALAR || yt_is_null(to)) {
			err(c, to->pos, "'to' must be a version range such as "
			    "\">=24.11\", found %s",
			    yt_describe(to, what, sizeof what));
			continue;
		}
		if (version_in_range(c->rb->versions.scheme, NULL, to->s,
		    &why) < 0) {
			err(c, to->pos, "'to': %s", why);
			free(why);
			continue;
		}
		k = &p->skip_to[p->n_skip_to];
		k->skip = RB_SKIP_ANY;
		load_skip(c, "skip", n, &k->skip);
		rbl_set_str(&k->to, to);
		if ((w = rbl_map_get(e, "when", NULL)) != NULL)
			rbl_load_conds(c, w, &k->when, &k->n_when);
		p->n_skip_to++;
	}
}

static void
load_policy(struct ctx *c, const struct yt_node *v)
{
	static const char *const keys[] = {
		"within-series", "leave-series", "skip-series",
		"one-minor-at-a-time", "required-stops", "redeploy-at",
		"no-upgrade-across", "levels", "skip-series-to", NULL
	};
	struct rb_policy	*p = &c->rb->policy;
	const struct yt_node	*x;
	char			 what[64];
	int			 k;

	p->pos = v->pos;
	if (v->type != YT_MAP) {
		err(c, v->pos, "'policy' must be a mapping, found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	rbl_check_keys(c, v, "policy", keys, NULL);
	for (k = 0; k < RB_RULE__COUNT; k++)
		if ((x = rbl_map_get(v, rb_rule_keys[k], NULL)) != NULL)
			load_rule(c, (enum rb_rule_id)k, rb_rule_keys[k], x, p,
			    NULL);
	if ((x = rbl_map_get(v, "required-stops", NULL)) != NULL)
		load_boundaries(c, "required-stops", x, &p->required_stops,
		    &p->n_required_stops);
	if ((x = rbl_map_get(v, "redeploy-at", NULL)) != NULL)
		load_boundaries(c, "redeploy-at", x, &p->redeploy_at,
		    &p->n_redeploy_at);
	if ((x = rbl_map_get(v, "no-upgrade-across", NULL)) != NULL)
		load_boundaries(c, "no-upgrade-across", x, &p->no_across,
		    &p->n_no_across);
	if ((x = rbl_map_get(v, "levels", NULL)) != NULL)
		load_levels(c, x, p);
	if ((x = rbl_map_get(v, "skip-series-to", NULL)) != NULL)
		load_skip_to(c, x, p);
}

/* Each condition names a variable of the runbook, and answers it can
 * have. */
void
rbl_check_conds(struct ctx *c, const struct rb_cond *k, size_t n)
{
	const struct runbook	*rb = c->rb;
	const struct rb_var	*v;
	struct clipbuf		 cb;
	size_t			 j, m, l;

	for (j = 0; j < n; j++, k++) {
		for (m = 0; m < rb->n_vars; m++)
			if (strcmp(rb->vars[m].name, k->var.s) == 0)
				break;
		if (m == rb->n_vars) {
			err(c, k->var.pos, "'when: %s': there is no variable "
			    "%s in 'vars'", rbl_clip(k->var.s, &cb),
			    rbl_clip(k->var.s, &cb));
			continue;
		}
		v = &rb->vars[m];
		if (v->n_choices == 0)
			continue;
		for (l = 0; l < k->n_values; l++) {
			for (m = 0; m < v->n_choices; m++)
				if (strcmp(v->choices[m], k->values[l]) == 0)
					break;
			if (m == v->n_choices)
				err(c, k->var.pos, "'when: %s': '%s' is not "
				    "one of the variable's choices", v->name,
				    rbl_clip(k->values[l], &cb));
		}
	}
}

static void
check_conds(struct ctx *c, const struct rb_boundary *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		rbl_check_conds(c, b[i].when, b[i].n_when);
}

static void
check_rule_conds(struct ctx *c, const struct rb_rule *r)
{
	size_t	id, i;

	for (id = 0; id < RB_RULE__COUNT; id++)
		for (i = 0; i < r[id].n_items; i++)
			rbl_check_conds(c, r[id].items[i].when,
			    r[id].items[i].n_when);
}

static void
check_policy_conds(struct ctx *c)
{
	const struct rb_policy	*p = &c->rb->policy;
	size_t			 i;

	check_conds(c, p->required_stops, p->n_required_stops);
	check_conds(c, p->redeploy_at, p->n_redeploy_at);
	check_conds(c, p->no_across, p->n_no_across);
	check_rule_conds(c, p->rules);
	for (i = 0; i < p->n_skip_to; i++)
		rbl_check_conds(c, p->skip_to[i].when, p->skip_to[i].n_when);
	for (i = 0; i < p->n_levels; i++) {
		check_conds(c, p->levels[i].enter_at, p->levels[i].n_enter_at);
		check_rule_conds(c, p->levels[i].rules);
	}
}

/* ---- vars ---------------------------------------------------------------- */

/* Whether s matches the compiled pattern in full. */
static bool
full_match(const regex_t *re, const char *s)
{
	regmatch_t	m;

	return regexec(re, s, 1, &m, 0) == 0 && m.rm_so == 0 &&
	    s[m.rm_eo] == '\0';
}

/* Whether a value or default names a variable: its value is known only
 * once that one's is (it is checked against pattern and choices then). */
static bool
var_derived(const char *s)
{
	for (; (s = strchr(s, '$')) != NULL; s++) {
		if (s[1] == '$')
			s++;
		else if (s[1] == '{' || rbl_is_name_char(s[1], true))
			return true;
	}
	return false;
}

static void
load_var(struct ctx *c, const struct yt_node *k, const struct yt_node *v,
    struct rb_var *var)
{
	static const char *const keys[] = {
		"ask", "value", "env", "file", "command", "default", "secret",
		"pattern", "choices", "check", NULL
	};
	static const char *const sources[] = {
		"ask", "value", "env", "file", "command"
	};
	const struct yt_node	*src[5], *x, *def;
	const struct yt_node	*deflt_key = NULL;
	char			 what[64], *where, *anchored, msg[256];
	struct clipbuf		 cb;
	regex_t			 re;
	size_t			 i, n = 0, first = 0;
	int			 rc;

	var->name = xstrdup(k->s);
	var->pos = k->pos;
	if (!is_env_name(k->s))
		err(c, k->pos, "variable name '%s' must match "
		    "[A-Za-z_][A-Za-z0-9_]* (it is an environment variable)",
		    k->s);
	else if (strncmp(k->s, "STEPUP_", 7) == 0)
		err(c, k->pos, "variable name '%s': names starting with "
		    "STEPUP_ are stepup's own", k->s);
	if (v->type != YT_MAP) {
		err(c, v->pos, "variable '%s' must be a mapping ({ask: Q}, "
		    "{value: V} or {env: NAME}), found %s", k->s,
		    yt_describe(v, what, sizeof what));
		return;
	}
	where = xasprintf("variable '%s'", k->s);
	rbl_check_keys(c, v, where, keys, NULL);
	free(where);
	for (i = 0; i < 5; i++) {
		if ((src[i] = rbl_map_get(v, sources[i], NULL)) != NULL && n++ == 0)
			first = i;
	}
	if (n == 0)
		err(c, rbl_map_where(v), "variable '%s' needs one of 'ask' (a "
		    "question), 'value', 'env' (an environment variable), "
		    "'file' or 'command' (a secret read from it)", k->s);
	for (i = first + 1; n > 1 && i < 5; i++) {
		if (src[i] != NULL) {
			err(c, src[i]->pos, "variable '%s' has both '%s' and "
			    "'%s': give exactly one", k->s, sources[first],
			    sources[i]);
			break;
		}
	}
	if (n >= 1) {
		var->source = (enum rb_var_source)first;
		x = src[first];
		if (var->source == RB_VAR_ASK)
			var->ask = rbl_get_string(c, "ask", x, true);
		else if (var->source == RB_VAR_VALUE)
			var->value = rbl_get_string(c, "value", x, false);
		else if (var->source == RB_VAR_FILE) {
			var->file = rbl_get_string(c, "file", x, true);
			var->def_pos = x->pos;
		} else if (var->source == RB_VAR_COMMAND)
			var->command = rbl_get_string(c, "command", x, true);
		else if ((var->env = rbl_get_string(c, "env", x, true)) != NULL &&
		    !is_env_name(var->env))
			err(c, x->pos, "'env' must name an environment "
			    "variable ([A-Za-z_][A-Za-z0-9_]*), found '%s'",
			    rbl_clip(var->env, &cb));
	}
	if ((def = rbl_map_get(v, "default", &deflt_key)) != NULL) {
		if (n >= 1 && var->source != RB_VAR_ASK &&
		    var->source != RB_VAR_ENV)
			err(c, deflt_key->pos, "variable '%s' has a '%s'; "
			    "'default' is for 'ask' and 'env'", k->s,
			    sources[var->source]);
		else {
			var->def = rbl_get_string(c, "default", def, false);
			var->def_pos = def->pos;
		}
	}
	if (var->value != NULL)
		var->def_pos = src[RB_VAR_VALUE]->pos;
	if ((x = rbl_map_get(v, "secret", NULL)) != NULL)
		rbl_get_bool(c, "secret", x, &var->secret);
	if (n >= 1 && (var->source == RB_VAR_FILE ||
	    var->source == RB_VAR_COMMAND)) {
		if (x != NULL && !var->secret)
			err(c, x->pos, "variable '%s' is read from a %s: it is "
			    "a secret (remove 'secret: false')", k->s,
			    sources[var->source]);
		var->secret = true;
	}
	if ((x = rbl_map_get(v, "check", NULL)) != NULL) {
		if ((var->check.s = rbl_get_string(c, "check", x, true)) != NULL)
			var->check.pos = x->pos;
		if (!var->secret)
			err(c, x->pos, "variable '%s': 'check' validates a "
			    "secret; this variable is not secret", k->s);
	}
	if ((x = rbl_map_get(v, "choices", NULL)) != NULL) {
		if (x->type != YT_SEQ || x->n == 0)
			err(c, x->pos, "'choices' must be a non-empty list of "
			    "answers, found %s", x->type == YT_SEQ ?
			    "an empty list" :
			    yt_describe(x, what, sizeof what));
		else {
			var->choices = xcalloc(x->n, sizeof *var->choices);
			for (i = 0; i < x->n; i++) {
				char *s = rbl_get_string(c, "a choice", x->vals[i],
				    true);

				if (s != NULL)
					var->choices[var->n_choices++] = s;
			}
		}
	}
	if ((x = rbl_map_get(v, "pattern", NULL)) != NULL &&
	    (var->pattern = rbl_get_string(c, "pattern", x, true)) != NULL) {
		anchored = xasprintf("^(%s)$", var->pattern);
		rc = regcomp(&re, anchored, REG_EXTENDED);
		free(anchored);
		if (rc != 0) {
			regerror(rc, &re, msg, sizeof msg);
			err(c, x->pos, "'pattern' is not a valid POSIX "
			    "extended regular expression: %s", msg);
		} else {
			if (var->def != NULL && !var_derived(var->def) &&
			    !full_match(&re, var->def))
				err(c, def->pos, "the default '%s' of variable "
				    "'%s' does not match its pattern",
				    rbl_clip(var->def, &cb),
				    k->s);
			if (var->value != NULL && !var_derived(var->value) &&
			    !full_match(&re, var->value))
				err(c, src[RB_VAR_VALUE]->pos, "the value '%s' "
				    "of variable '%s' does not match its "
				    "pattern", rbl_clip(var->value, &cb), k->s);
			regfree(&re);
		}
	}
	if (var->def != NULL && !var_derived(var->def) && var->n_choices > 0) {
		for (i = 0; i < var->n_choices; i++) {
			if (strcmp(var->choices[i], var->def) == 0)
				break;
		}
		if (i == var->n_choices)
			err(c, def->pos, "the default '%s' of variable '%s' is "
			    "not one of its choices", rbl_clip(var->def, &cb),
			    k->s);
	}
}

static void
load_vars(struct ctx *c, const struct yt_node *v)
{
	struct runbook	*rb = c->rb;
	char		 what[64];
	size_t		 i;

	if (v->type != YT_MAP) {
		err(c, v->pos, "'vars' must be a mapping of NAME: {ask|value|"
		    "env: ...}, found %s", yt_describe(v, what, sizeof what));
		return;
	}
	rb->vars = xcalloc(v->n + 1, sizeof *rb->vars);
	for (i = 0; i < v->n; i++) {
		if (v->keys[i]->dup)
			continue;
		load_var(c, v->keys[i], v->vals[i], &rb->vars[rb->n_vars++]);
	}
}

/* Add to var the variable named name..name+len that its value or default
 * uses, or say why it cannot. */
static void
var_use(struct ctx *c, struct rb_var *var, const char *name, size_t len)
{
	struct runbook	*rb = c->rb;
	struct rb_var	*u;
	size_t		 i;

	for (i = 0; i < rb->n_vars; i++) {
		u = &rb->vars[i];
		if (strlen(u->name) == len && strncmp(u->name, name, len) == 0)
			break;
	}
	if (i == rb->n_vars) {
		if (len == 18 && strncmp(name, "STEPUP_RUNBOOK_DIR", len) == 0)
			return;
		if (len > 7 && strncmp(name, "STEPUP_", 7) == 0)
			err(c, var->def_pos, "variable '%s' names $%.*s, which "
			    "is not known when variables are resolved (before "
			    "the plan): only $STEPUP_RUNBOOK_DIR is", var->name,
			    (int)len, name);
		else
			err(c, var->def_pos, "variable '%s' names $%.*s, which "
			    "is not a variable of this runbook (declare it "
			    "under vars, e.g. {env: %.*s})", var->name,
			    (int)len, name, (int)len, name);
		return;
	}
	if (u == var) {
		err(c, var->def_pos, "variable '%s' names itself", var->name);
		return;
	}
	if (u->secret && !var->secret) {
		err(c, var->def_pos, "variable '%s' names the secret $%s: a "
		    "value made from a secret must be secret too", var->name,
		    u->name);
		return;
	}
	for (i = 0; i < var->n_uses; i++) {
		if (var->uses[i] == (size_t)(u - rb->vars))
			return;
	}
	var->uses = xreallocarray(var->uses, var->n_uses + 1,
	    sizeof *var->uses);
	var->uses[var->n_uses++] = (size_t)(u - rb->vars);
}

/* Find the variables a value or default names, as steps_expand reads it:
 * "$$" is a "$", $NAME and ${NAME} a name, any other "$" itself. */
static void
var_uses(struct ctx *c, struct rb_var *var, const char *s)
{
	const char	*p, *start;
	size_t		 len;

	for (p = s; (p = strchr(p, '$')) != NULL; ) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (p[1] == '{') {
			start = p + 2;
			for (len = 0; rbl_is_name_char(start[len], len == 0); len++)
				;
			if (len == 0 || start[len] != '}') {
				err(c, var->def_pos, "variable '%s': \"${\" at "
				    "column %zu is not followed by a variable "
				    "name and \"}\"", var->name,
				    (size_t)(p - s) + 1);
				return;
			}
			var_use(c, var, start, len);
			p = start + len + 1;
		} else if (rbl_is_name_char(p[1], true)) {
			start = p + 1;
			for (len = 0; rbl_is_name_char(start[len], len == 0); len++)
				;
			var_use(c, var, start, len);
			p = start + len;
		} else
			p++;
	}
}

/* Depth-first: var i after every var it uses; a var met again while its
 * own uses are being placed closes a cycle, reported once. */
static void
order_var(struct ctx *c, size_t i, unsigned char *mark, size_t *path,
    size_t depth, size_t *n)
{
	struct runbook	*rb = c->rb;
	struct rb_var	*v = &rb->vars[i];
	struct buf	 b;
	size_t		 j, k;

	if (mark[i] == 2)
		return;
	if (mark[i] == 1) {
		for (k = 0; path[k] != i; k++)
			;
		buf_init(&b);
		for (j = k; j < depth; j++)
			buf_printf(&b, "%s -> ", rb->vars[path[j]].name);
		buf_puts(&b, v->name);
		err(c, v->def_pos, "variable '%s' is part of a cycle of "
		    "values: %s", v->name, b.data);
		buf_free(&b);
		return;
	}
	mark[i] = 1;
	path[depth] = i;
	for (j = 0; j < v->n_uses; j++)
		order_var(c, v->uses[j], mark, path, depth + 1, n);
	mark[i] = 2;
	rb->var_order[(*n)++] = i;
}

/* Find what each variable's value or default names, and the order they
 * resolve in (rb->var_order): a cycle or an unknown name is an error at
 * the value. */
static void
order_vars(struct ctx *c)
{
	struct runbook	*rb = c->rb;
	struct rb_var	*v;
	unsigned char	*mark;
	size_t		*path, i, n = 0;

	for (i = 0; i < rb->n_vars; i++) {
		v = &rb->vars[i];
		if (v->value != NULL)
			var_uses(c, v, v->value);
		if (v->def != NULL)
			var_uses(c, v, v->def);
		if (v->file != NULL)
			var_uses(c, v, v->file);
	}
	rb->var_order = xcalloc(rb->n_vars + 1, sizeof *rb->var_order);
	mark = xcalloc(rb->n_vars + 1, 1);
	path = xcalloc(rb->n_vars + 1, sizeof *path);
	for (i = 0; i < rb->n_vars; i++)
		order_var(c, i, mark, path, 0, &n);
	/* A cycle leaves its vars unplaced: the load fails, but the
	 * runbook is freed whole, so place them anyway. */
	for (i = 0; i < rb->n_vars; i++) {
		if (mark[i] != 2)
			rb->var_order[n++] = i;
	}
	free(path);
	free(mark);
}

/* ---- the runbook --------------------------------------------------------- */

/* rollback-warning: one text for every target, or one per target. */
static void
load_rollback_warning(struct ctx *c, const struct yt_node *v)
{
	static const char *const keys[] = { "start", "hop", NULL };
	struct runbook		*rb = c->rb;
	const struct yt_node	*x;
	char			 what[64];
	int			 t;

	if (v->type == YT_SCALAR) {
		if ((rb->rollback_warning[0] = rbl_get_string(c,
		    "rollback-warning", v, true)) != NULL)
			rb->rollback_warning[1] = xstrdup(rb->rollback_warning[0]);
		return;
	}
	if (v->type != YT_MAP) {
		err(c, v->pos, "'rollback-warning' must be a text or a mapping "
		    "{start: TEXT, hop: TEXT}, found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	rbl_check_keys(c, v, "rollback-warning", keys, NULL);
	for (t = 0; t < 2; t++) {
		if ((x = rbl_map_get(v, keys[t], NULL)) != NULL)
			rb->rollback_warning[t] = rbl_get_string(c, keys[t], x,
			    true);
	}
}

/* A secret's check is a check step that runs before the first
 * confirmation, once: so that a wrong secret is found before anything
 * changes. */
static void
check_var_checks(struct ctx *c)
{
	const struct rb_steps	*pre = &c->rb->phases[RB_PHASE_PREPARE];
	const struct rb_step	*st;
	const struct rb_var	*v;
	size_t			 i, j;

	for (i = 0; i < c->rb->n_vars; i++) {
		v = &c->rb->vars[i];
		if (v->check.s == NULL)
			continue;
		for (j = 0; j < pre->n; j++) {
			st = &pre->v[j];
			if (strcmp(st->id, v->check.s) == 0 ||
			    st->kind == RB_CONFIRM)
				break;
		}
		st = runbook_step(c->rb, v->check.s);
		if (st == NULL)
			err(c, v->check.pos, "variable '%s': its check '%s' is "
			    "not a step of the runbook", v->name, v->check.s);
		else if (st->kind != RB_CHECK || st->per_hop)
			err(c, v->check.pos, "variable '%s': '%s' is %s%s, not a "
			    "check run once", v->name, v->check.s, st->per_hop ?
			    "repeated per hop" : "a ", st->per_hop ? "" :
			    rb_kind_name(st->kind));
		else if (j == pre->n || strcmp(pre->v[j].id, v->check.s) != 0)
			err(c, v->check.pos, "variable '%s': its check '%s' must "
			    "be a prepare step before the first confirm step, so "
			    "that a wrong secret is found before anything "
			    "changes", v->name, v->check.s);
	}
}

/* inventory: {file: PATH} or {command: CMD[, group: G][, timeout: T]}:
 * where hosts come from besides `hosts:`, read at run time. */
static void
load_inventory(struct ctx *c, const struct yt_node *x)
{
	static const char *const keys[] = {
		"file", "command", "group", "timeout", NULL
	};
	struct rb_inventory	*src = &c->rb->inv_source;
	const struct yt_node	*f, *cmd, *g, *t;
	char			 what[64], *v;

	if (x->type != YT_MAP) {
		err(c, x->pos, "'inventory' must be {file: PATH} (an Ansible "
		    "inventory, INI or YAML) or {command: CMD} (one host a "
		    "line), found %s", yt_describe(x, what, sizeof what));
		return;
	}
	rbl_check_keys(c, x, "'inventory'", keys, NULL);
	f = rbl_map_get(x, "file", NULL);
	cmd = rbl_map_get(x, "command", NULL);
	g = rbl_map_get(x, "group", NULL);
	t = rbl_map_get(x, "timeout", NULL);
	if ((f == NULL) == (cmd == NULL)) {
		err(c, x->pos, "'inventory' takes one of 'file' (an Ansible "
		    "inventory) and 'command' (one host a line)%s",
		    f != NULL ? ", not both" : "");
		return;
	}
	if (f != NULL) {
		if (g != NULL || t != NULL) {
			err(c, (g != NULL ? g : t)->pos, "'%s' is for an "
			    "inventory command, not a file", g != NULL ?
			    "group" : "timeout");
			return;
		}
		if ((v = rbl_get_string(c, "file", f, true)) == NULL)
			return;
		src->file = *v == '/' ? xstrdup(v) : xasprintf("%s/%s",
		    c->rb->dir, v);
		free(v);
		src->kind = RB_INV_FILE;
		src->pos = f->pos;
		return;
	}
	if ((src->command = rbl_get_string(c, "command", cmd, true)) == NULL)
		return;
	src->kind = RB_INV_COMMAND;
	src->pos = cmd->pos;
	src->timeout = RB_INV_TIMEOUT;
	if (g != NULL)
		src->group = rbl_get_string(c, "group", g, true);
	if (t != NULL && (t->type != YT_SCALAR ||
	    (src->timeout = rbl_parse_timeout(t->s)) == 0))
		err(c, t->pos, "'timeout' must be seconds, or a duration like "
		    "90s or 10m, found %s", yt_describe(t, what, sizeof what));
}

const char *
rb_transport_name(const struct runbook *rb)
{
	return rb != NULL && rb->transport != NULL ? rb->transport[0] : "ssh";
}

/* transport: [PROGRAM, ARG..., "{host}", ...]: the argument vector that
 * reaches a host instead of ssh, exec'd as is, the host's name one
 * element of it (never inside another). */
static void
load_transport(struct ctx *c, const struct yt_node *x)
{
	const struct yt_node	*e, *first = NULL;
	char			 what[64], **v;
	size_t			 i, hosts = 0;
	bool			 ok = true;

	if (x->type != YT_SEQ || x->n == 0) {
		err(c, x->pos, "'transport' must be a list of arguments: the "
		    "program, its arguments and \"%s\" as one of them (e.g. "
		    "[kubectl, exec, -i, \"%s\", --, sh]), found %s",
		    RB_TRANSPORT_HOST, RB_TRANSPORT_HOST, x->type == YT_SEQ ?
		    "an empty list" : yt_describe(x, what, sizeof what));
		return;
	}
	for (i = 0; i < x->n; i++) {
		e = x->vals[i];
		if (!rbl_want_string(c, "transport", e, false)) {
			ok = false;
			continue;
		}
		if (strcmp(e->s, RB_TRANSPORT_HOST) == 0) {
			if (hosts++ == 0)
				first = e;
			else {
				err(c, e->pos, "'transport' has a second \"%s\" "
				    "(the first at line %d, column %d): the "
				    "host is one argument", RB_TRANSPORT_HOST,
				    first->pos.line, first->pos.col);
				ok = false;
			}
			if (i == 0) {
				err(c, e->pos, "'transport' starts with the "
				    "program to run, not \"%s\"",
				    RB_TRANSPORT_HOST);
				ok = false;
			}
		} else if (strstr(e->s, RB_TRANSPORT_HOST) != NULL) {
			err(c, e->pos, "'transport' argument '%s': \"%s\" is "
			    "an argument of its own, never part of one", e->s,
			    RB_TRANSPORT_HOST);
			ok = false;
		}
	}
	if (hosts == 0) {
		err(c, x->pos, "'transport' has no \"%s\" argument: it says "
		    "where the host's name goes", RB_TRANSPORT_HOST);
		ok = false;
	}
	if (!ok)
		return;
	v = xcalloc(x->n + 1, sizeof *v);
	for (i = 0; i < x->n; i++)
		v[i] = xstrdup(x->vals[i]->s);
	c->rb->transport = v;
	c->rb->transport_pos = x->pos;
}

static void
load_root(struct ctx *c, const struct yt_node *root)
{
	static const char *const keys[] = {
		"stepup", "product", "description", "versions", "policy",
		"vars", "prepare", "hop", "finish", "rollback",
		"rollback-warning", "hosts", "forks", "inventory",
		"transport", NULL
	};
	struct runbook		*rb = c->rb;
	const struct yt_node	*x, *k;
	char			 what[64];
	int			 p;
	bool			 any = false;

	if (root->type != YT_MAP) {
		err(c, root->pos, "a runbook is a YAML mapping (stepup: 1, "
		    "product: ..., versions: ..., steps), found %s",
		    yt_describe(root, what, sizeof what));
		return;
	}
	rbl_check_keys(c, root, "the runbook", keys, NULL);
	if ((x = rbl_map_get(root, "stepup", NULL)) == NULL)
		err(c, root->pos, "missing 'stepup: 1' (the runbook format "
		    "version)");
	else if (x->type != YT_SCALAR || yt_is_null(x))
		err(c, x->pos, "'stepup' must be the format version, 1; "
		    "found %s", yt_describe(x, what, sizeof what));
	else if (strcmp(x->s, "1") != 0)
		err(c, x->pos, "unsupported runbook format %s: this stepup "
		    "reads format 1", yt_describe(x, what, sizeof what));
	else
		rb->format = 1;
	if ((x = rbl_map_get(root, "product", NULL)) == NULL)
		err(c, root->pos, "missing 'product' (the product's name)");
	else
		rb->product = rbl_get_string(c, "product", x, true);
	if ((x = rbl_map_get(root, "description", NULL)) != NULL)
		rb->description = rbl_get_string(c, "description", x, true);
	if ((x = rbl_map_get(root, "versions", NULL)) == NULL)
		err(c, root->pos, "missing 'versions' (scheme, installed, "
		    "available)");
	else
		load_versions(c, x);
	if ((x = rbl_map_get(root, "policy", NULL)) != NULL)
		load_policy(c, x);
	if ((x = rbl_map_get(root, "vars", NULL)) != NULL)
		load_vars(c, x);
	order_vars(c);
	if ((x = rbl_map_get(root, "rollback-warning", NULL)) != NULL)
		load_rollback_warning(c, x);
	/* Before the steps, whose `on` is checked against it. */
	if ((x = rbl_map_get(root, "inventory", NULL)) != NULL)
		load_inventory(c, x);
	if ((x = rbl_map_get(root, "hosts", &k)) != NULL) {
		rb->inventory = inventory_new();
		if (yt_is_null(x))
			err(c, k->pos, "'hosts' is empty: give it groups of "
			    "host names (GROUP: [HOST...])");
		else if (inventory_add_tree(rb->inventory, c->file, x,
		    c->d) == 0)
			(void)inventory_finish(rb->inventory, c->file, c->d);
	}
	if ((x = rbl_map_get(root, "forks", &k)) != NULL &&
	    rbl_get_forks(c, x, &rb->forks) && rb->inventory == NULL &&
	    rb->inv_source.kind == RB_INV_NONE)
		err(c, k->pos, "'forks' says how many hosts of a step with "
		    "'on' run at once, but the runbook has no 'hosts' or "
		    "'inventory'");
	if ((x = rbl_map_get(root, "transport", &k)) != NULL) {
		if (rb->inventory == NULL && rb->inv_source.kind == RB_INV_NONE)
			err(c, k->pos, "'transport' says how hosts are reached, "
			    "but the runbook has no 'hosts' or 'inventory'");
		else
			load_transport(c, x);
	}
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		if ((x = rbl_map_get(root, rb_phase_name((enum rb_phase)p),
		    &k)) == NULL)
			continue;
		rbl_load_phase(c, (enum rb_phase)p, k, x);
		if (p != RB_PHASE_ROLLBACK && (x->type == YT_SEQ && x->n > 0))
			any = true;
	}
	/* The runbook's forks, for each step on hosts that says none. */
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		size_t	i;

		for (i = 0; i < rb->phases[p].n; i++) {
			if (rb->phases[p].v[i].on.s != NULL &&
			    rb->phases[p].v[i].forks == 0)
				rb->phases[p].v[i].forks = rb->forks;
		}
	}
	if (!any)
		err(c, root->pos, "no steps: a runbook needs a 'prepare', "
		    "'hop' or 'finish' phase");
	check_policy_conds(c);
	rbl_check_steps(c);
	check_var_checks(c);
}

static struct runbook *
runbook_new(const char *path)
{
	struct runbook	*rb;
	const char	*slash;
	int		 i;

	rb = xcalloc(1, sizeof *rb);
	rb->path = xstrdup(path);
	/* Absolute once, here, for every command: probes and actions run in
	 * the runbook's directory, where a relative path means nothing. */
	if ((rb->abspath = realpath(path, NULL)) == NULL)
		rb->abspath = path_absolute(path);
	slash = strrchr(rb->abspath, '/');
	if (slash == NULL || slash == rb->abspath)
		rb->dir = xstrdup("/");
	else
		rb->dir = xstrndup(rb->abspath, (size_t)(slash - rb->abspath));
	rb->versions.series = 2;
	for (i = 0; i < 3; i++)
		rb->versions.kinds[i] = xstrdup((const char *[]){
		    "major", "minor", "patch" }[i]);
	rb->policy.within_series = RB_WITHIN_ANY;
	rb->policy.leave_series = RB_LEAVE_FROM_ANY;
	rb->policy.skip_series = RB_SKIP_ANY;
	return rb;
}

struct runbook *
runbook_load(const char *path, struct rb_diags *diags)
{
	struct runbook	*rb;
	struct yt_node	*root;
	struct ctx	 c;
	struct stat	 st;
	char		*buf, *cause;
	size_t		 len, i, errors = diags->n_errors, start = diags->n;

	/* Say what is wrong with the path itself in plain words; never open
	 * a FIFO or a device (it could block, or never end). */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		rb_diag_add(diags, RB_ERROR, path, (struct rb_pos){0, 0},
		    "not a regular file");
		return NULL;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > (off_t)RB_MAX_FILE) {
		rb_diag_add(diags, RB_ERROR, path, (struct rb_pos){0, 0},
		    "%lld bytes: too large for a runbook (at most %u MiB)",
		    (long long)st.st_size, RB_MAX_FILE / 1024 / 1024);
		return NULL;
	}
	/* What runs as root must be changeable by root alone. */
	if ((cause = trust_path(path)) != NULL) {
		rb_diag_add(diags, RB_ERROR, path, (struct rb_pos){0, 0},
		    "not trusted: %s", cause);
		free(cause);
		return NULL;
	}
	if ((buf = file_read(path, RB_MAX_FILE, &len, &cause)) == NULL) {
		/* cause is "PATH: reason"; the diagnostic names the file. */
		size_t n = strlen(path);
		const char *why = strncmp(cause, path, n) == 0 &&
		    cause[n] == ':' ? cause + n + 2 : cause;

		rb_diag_add(diags, RB_ERROR, path, (struct rb_pos){0, 0},
		    "%s", why);
		free(cause);
		return NULL;
	}
	if ((root = yt_parse(path, buf, len, diags)) == NULL) {
		free(buf);
		return NULL;
	}
	rb_diags_trim(diags, start, path, 0, false);
	rb = runbook_new(path);
	sha256_hex(buf, len, rb->sha256);
	free(buf);
	memset(&c, 0, sizeof c);
	c.file = path;
	c.d = diags;
	c.rb = rb;
	load_root(&c, root);
	trust_runbook(rb, diags);
	yt_free(root);
	for (i = 0; i < c.n_refs; i++)
		free(c.refs[i].name);
	free(c.refs);
	rb_diags_trim(diags, start, path, c.dropped, c.capped);
	if (diags->n_errors > errors || c.dropped_errors > 0) {
		runbook_free(rb);
		return NULL;
	}
	return rb;
}

static void
step_free(struct rb_step *st)
{
	size_t	i;

	free(st->id);
	free(st->title);
	rbl_free_step_keys(st);
	free(st->user);
	free(st->on.s);
	for (i = 0; i < st->n_outputs; i++)
		free(st->outputs[i].name);
	free(st->outputs);
	for (i = 0; i < st->n_needs; i++)
		free(st->needs[i].s);
	free(st->needs);
	for (i = 0; i < st->n_when; i++)
		free(st->when[i].s);
	free(st->when);
	free(st->when_from.s);
	free(st->when_to.s);
	rbl_free_conds(st->when_vars, st->n_when_vars);
}

static void
source_free(struct rb_source *s)
{
	size_t	i;

	free(s->command);
	free(s->ask);
	for (i = 0; i < s->n_list; i++)
		free(s->list[i].s);
	free(s->list);
}

static void
boundaries_free(struct rb_boundary *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].at.s);
		free(v[i].reason);
		rbl_free_conds(v[i].when, v[i].n_when);
	}
	free(v);
}

static void
roll_free(struct rb_roll *r)
{
	free(r->id);
	free(r->title);
	free(r->on.s);
	free(r->batch);
	if (r->health != NULL)
		step_free(r->health);
	free(r->health);
	if (r->pause != NULL)
		step_free(r->pause);
	free(r->pause);
}

void
runbook_free(struct runbook *rb)
{
	size_t	i, j;
	int	p;

	if (rb == NULL)
		return;
	free(rb->path);
	free(rb->abspath);
	free(rb->dir);
	free(rb->product);
	free(rb->description);
	for (i = 0; i < 3; i++)
		free(rb->versions.kinds[i]);
	source_free(&rb->versions.installed);
	source_free(&rb->versions.available);
	boundaries_free(rb->policy.required_stops,
	    rb->policy.n_required_stops);
	boundaries_free(rb->policy.redeploy_at, rb->policy.n_redeploy_at);
	boundaries_free(rb->policy.no_across, rb->policy.n_no_across);
	for (i = 0; i < rb->policy.n_levels; i++) {
		boundaries_free(rb->policy.levels[i].enter_at,
		    rb->policy.levels[i].n_enter_at);
		rules_free(rb->policy.levels[i].rules);
	}
	rules_free(rb->policy.rules);
	for (i = 0; i < rb->policy.n_skip_to; i++) {
		free(rb->policy.skip_to[i].to.s);
		rbl_free_conds(rb->policy.skip_to[i].when,
		    rb->policy.skip_to[i].n_when);
	}
	free(rb->policy.skip_to);
	free(rb->policy.levels);
	for (i = 0; i < rb->n_vars; i++) {
		struct rb_var *v = &rb->vars[i];

		free(v->name);
		free(v->ask);
		free(v->value);
		free(v->env);
		free(v->file);
		free(v->command);
		free(v->check.s);
		free(v->def);
		free(v->pattern);
		for (j = 0; j < v->n_choices; j++)
			free(v->choices[j]);
		free(v->choices);
		free(v->uses);
	}
	free(rb->vars);
	free(rb->var_order);
	free(rb->rollback_warning[0]);
	free(rb->rollback_warning[1]);
	inventory_free(rb->inventory);
	free(rb->inv_source.file);
	free(rb->inv_source.command);
	free(rb->inv_source.group);
	for (i = 0; rb->transport != NULL && rb->transport[i] != NULL; i++)
		free(rb->transport[i]);
	free(rb->transport);
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++)
			step_free(&rb->phases[p].v[i]);
		free(rb->phases[p].v);
		for (i = 0; i < rb->phases[p].n_rolls; i++)
			roll_free(&rb->phases[p].rolls[i]);
		free(rb->phases[p].rolls);
	}
	free(rb);
}

const struct rb_step *
runbook_key_step(const struct runbook *rb, const char *id)
{
	const struct rb_roll	*r;
	const char		*t = strchr(id, '~');
	size_t			 i, n;
	int			 p;

	if (t == NULL)
		return runbook_step(rb, id);
	n = (size_t)(t - id);
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n_rolls; i++) {
			r = &rb->phases[p].rolls[i];
			if (strlen(r->id) != n || strncmp(r->id, id, n) != 0)
				continue;
			t = strchr(t + 1, '~');
			return t != NULL && strcmp(t, "~pause") == 0 ?
			    r->pause : r->health;
		}
	}
	return NULL;
}

const struct rb_step *
runbook_step(const struct runbook *rb, const char *id)
{
	size_t	i;
	int	p;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			if (strcmp(rb->phases[p].v[i].id, id) == 0)
				return &rb->phases[p].v[i];
		}
	}
	return NULL;
}

/* Whether a release is in a step's range (none: every release). */
static bool
in_range(const struct runbook *rb, const struct rb_str *range,
    const char *v)
{
	char	*why;
	int	 r;

	if (range->s == NULL)
		return true;
	if (v == NULL)
		return false;
	if ((r = version_in_range(rb->versions.scheme, v, range->s,
	    &why)) < 0)
		free(why);
	return r == 1;
}

bool
runbook_step_runs_on(const struct runbook *rb, const struct rb_step *st,
    const char *kind, const char *from, const char *to, rb_answer_fn answer,
    void *arg)
{
	const struct rb_cond	*k;
	const char		*a;
	size_t			 i, j;
	bool			 ok = false;

	if (kind == NULL)
		return false;
	if (st->n_when == 0)
		ok = strcmp(kind, "redeploy") != 0;
	for (i = 0; i < st->n_when && !ok; i++)
		ok = strcmp(st->when[i].s, kind) == 0;
	if (!ok || !in_range(rb, &st->when_from, from) ||
	    !in_range(rb, &st->when_to, to))
		return false;
	for (i = 0; i < st->n_when_vars; i++) {
		k = &st->when_vars[i];
		a = answer != NULL ? answer(arg, k->var.s) : NULL;
		for (j = 0; a != NULL && j < k->n_values; j++)
			if (strcmp(a, k->values[j]) == 0)
				break;
		if (a == NULL || j == k->n_values)
			return false;
	}
	return true;
}

const struct rb_var *
runbook_var(const struct runbook *rb, const char *name)
{
	size_t	i;

	for (i = 0; i < rb->n_vars; i++) {
		if (strcmp(rb->vars[i].name, name) == 0)
			return &rb->vars[i];
	}
	return NULL;
}
