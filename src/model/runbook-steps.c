/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook-steps.c: a runbook's steps, loaded phase by phase, then checked
 * across steps: ids, needs and their cycles, when, and $NAME references. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "runbook-int.h"
#include "util.h"
#include "version.h"

/* Bytes in a step id, and how many $NAME references that are not plainly
 * known are checked. */
#define RB_MAX_ID	64
#define RB_MAX_REFS	10000

#define LOWER	"abcdefghijklmnopqrstuvwxyz"
#define DIGITS	"0123456789"
#define KIND_IS_KEY	": a step's kind is its key and the title its value " \
			"(e.g. action: TITLE)"
#define IS_RUN		"; did you mean 'run'?"

/* ---- names --------------------------------------------------------------- */

/* The kinds' and phases' names live here, with the steps, so that the
 * loader (runbook.c) calls into this file and never the other way. */

static const char *const kind_names[] = {
#define X(e, name, what) name,
	RB_STEP_KINDS(X)
#undef X
};

static const char *const phase_names[] = {
#define X(e, name) name,
	RB_PHASES(X)
#undef X
};

const char *
rb_kind_name(enum rb_kind k)
{
	return (unsigned)k < RB_KIND__COUNT ? kind_names[k] : "?";
}

static const char *const kind_words[] = {
#define X(e, name, what) what,
	RB_STEP_KINDS(X)
#undef X
};

const char *
rb_kind_words(enum rb_kind k)
{
	return (unsigned)k < RB_KIND__COUNT ? kind_words[k] : "?";
}

const char *
rb_phase_name(enum rb_phase p)
{
	return (unsigned)p < RB_PHASE__COUNT ? phase_names[p] : "?";
}

/* ---- steps --------------------------------------------------------------- */

/* The keys of `until` and of an item of `outputs`. */
static const char *const until_keys[] = {
	"interval", "within", "timeout-means", "fail-on", NULL
};
static const char *const output_keys[] = { "name", "secret", NULL };

/* What to say of keys that other tools give a step. */
static const struct rbl_key_hint step_hints[] = {
	{ "title", KIND_IS_KEY }, { "name", KIND_IS_KEY },
	{ "kind", KIND_IS_KEY }, { "type", KIND_IS_KEY },
	{ "command", IS_RUN }, { "cmd", IS_RUN }, { "script", IS_RUN },
	{ NULL, NULL }
};

/* Whether s matches [a-z0-9][a-z0-9_-]*. */
static bool
is_step_id(const char *s)
{
	return *s != '\0' && strchr(LOWER DIGITS, *s) != NULL &&
	    strspn(s, LOWER DIGITS "_-") == strlen(s);
}

#define K(k) (1u << RB_##k)
#define COMMANDS (K(READ) | K(CHECK) | K(ACTION))

/* Parse a timeout: seconds, or a number with s, m or h. 0 when invalid. */
static unsigned
parse_timeout(const char *s)
{
	unsigned long	 n, mult = 1;
	char		*end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0)
		return 0;
	if (*end == 's')
		end++;
	else if (*end == 'm') {
		mult = 60;
		end++;
	} else if (*end == 'h') {
		mult = 3600;
		end++;
	}
	if (*end != '\0' || n == 0 || n > 7UL * 24 * 3600 / mult)
		return 0;
	return (unsigned)(n * mult);
}

/* needs and when: a word or a list of words, into rb_str items. */
static bool
load_words(struct ctx *c, const char *key, const struct yt_node *v,
    struct rb_str **out, size_t *n)
{
	char	what[64];
	size_t	i;

	if (v->type == YT_SCALAR && !yt_is_null(v)) {
		*out = xcalloc(1, sizeof **out);
		rbl_set_str(&(*out)[0], v);
		*n = 1;
		return true;
	}
	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list, found %s", key,
		    yt_describe(v, what, sizeof what));
		return false;
	}
	*out = xcalloc(v->n + 1, sizeof **out);
	for (i = 0; i < v->n; i++) {
		if (v->vals[i]->type != YT_SCALAR || yt_is_null(v->vals[i])) {
			err(c, v->vals[i]->pos, "an item of '%s' must be a "
			    "word, found %s", key,
			    yt_describe(v->vals[i], what, sizeof what));
			continue;
		}
		rbl_set_str(&(*out)[(*n)++], v->vals[i]);
	}
	return true;
}

/* A hop step's when as a mapping: {kind: WORDS, from: RANGE, to: RANGE,
 * VAR: ANSWER | [ANSWER...]}; the ranges are checked under the scheme,
 * the variables once they are loaded (rbl_check_steps). */
static void
load_hop_when(struct ctx *c, const struct yt_node *v, struct rb_step *st)
{
	const struct yt_node	*k, *x;
	struct yt_node		 vars;
	struct rb_str		*r;
	char			 what[64], *why;
	size_t			 i;

	memset(&vars, 0, sizeof vars);
	vars.type = YT_MAP;
	vars.pos = v->pos;
	vars.keys = xcalloc(v->n + 1, sizeof *vars.keys);
	vars.vals = xcalloc(v->n + 1, sizeof *vars.vals);
	for (i = 0; i < v->n; i++) {
		k = v->keys[i];
		x = v->vals[i];
		if (strcmp(k->s, "kind") == 0) {
			load_words(c, "when: kind", x, &st->when, &st->n_when);
			continue;
		}
		if (strcmp(k->s, "from") != 0 && strcmp(k->s, "to") != 0) {
			vars.keys[vars.n] = v->keys[i];
			vars.vals[vars.n++] = v->vals[i];
			continue;
		}
		r = k->s[0] == 'f' ? &st->when_from : &st->when_to;
		if (x->type != YT_SCALAR || yt_is_null(x)) {
			err(c, x->pos, "'when: %s' must be a version range "
			    "such as \">=24.03\", found %s", k->s,
			    yt_describe(x, what, sizeof what));
			continue;
		}
		if (version_in_range(c->rb->versions.scheme, NULL, x->s,
		    &why) < 0) {
			err(c, x->pos, "'when: %s': %s", k->s, why);
			free(why);
			continue;
		}
		rbl_set_str(r, x);
	}
	if (vars.n > 0)
		rbl_load_conds(c, &vars, &st->when_vars, &st->n_when_vars);
	free(vars.keys);
	free(vars.vals);
}

/* The names stepup sets for every command, besides STEPUP_ARTIFACT_<id>. */
static const char *const stepup_names[] = {
	"STEPUP_FROM", "STEPUP_TO", "STEPUP_HOP_FROM", "STEPUP_HOP_TO",
	"STEPUP_HOP_KIND", "STEPUP_RUN_ID", "STEPUP_STEP", "STEPUP_RUNBOOK_DIR",
	"STEPUP_OUTPUT",	/* of a step with outputs */
	"STEPUP_HOST",		/* of a step with on */
	NULL
};

/* Whether name (n bytes) is a variable or a name stepup always sets. */
static bool
ref_known(struct ctx *c, const char *name, size_t n)
{
	size_t	i;

	for (i = 0; stepup_names[i] != NULL; i++) {
		if (strlen(stepup_names[i]) == n &&
		    strncmp(stepup_names[i], name, n) == 0)
			return true;
	}
	for (i = 0; i < c->rb->n_vars; i++) {
		if (strlen(c->rb->vars[i].name) == n &&
		    strncmp(c->rb->vars[i].name, name, n) == 0)
			return true;
	}
	return false;
}

/* Note every $NAME and ${NAME} in a text (shell: only STEPUP_ names). */
static void
scan_refs(struct ctx *c, const struct yt_node *v, const char *field,
    const struct rb_step *st, bool shell)
{
	const char	*s = v->s, *p, *q;
	struct yt_cursor cur;
	struct ref	*r;
	size_t		 n;

	yt_cursor_init(&cur, v);
	for (p = s; (p = strchr(p, '$')) != NULL; p++) {
		q = p + 1;
		if (*q == '{')
			q++;
		if (!rbl_is_name_char(*q, true))
			continue;
		for (n = 1; rbl_is_name_char(q[n], false); n++)
			continue;
		if (shell && (n < 7 || strncmp(q, "STEPUP_", 7) != 0))
			continue;
		if (n > 128 || ref_known(c, q, n))
			continue;
		/* What a rollback goes back to: set in a rollback run, for
		 * its steps and the undo commands it runs. */
		if (n == 18 && strncmp(q, "STEPUP_ROLLBACK_TO", n) == 0 &&
		    (st->phase == RB_PHASE_ROLLBACK || strcmp(field, "'undo'") == 0))
			continue;
		if (c->n_refs >= RB_MAX_REFS) {
			c->capped = true;
			break;
		}
		c->refs = xreallocarray(c->refs, c->n_refs + 1,
		    sizeof *c->refs);
		r = &c->refs[c->n_refs++];
		r->name = xstrndup(q, n);
		r->pos = yt_cursor_pos(&cur, (size_t)(p - s));
		r->field = field;
		r->step = st->id;
		r->shell = shell;
		r->reported = false;
	}
}

/* What a step key's loader gets. */
struct step_load {
	struct ctx		*c;
	enum rb_phase		 phase;
	const char		*name;		/* "step 'ID'" */
	const char		*id;
	struct rb_step		*st;
	const struct yt_node	*map;		/* the step's mapping */
	const struct yt_node	*k, *x;		/* the key and its value */
};

/* How a key's value is kept: a string (NOREFS: never expanded), a text
 * whose $NAME references are checked, a command (its references checked
 * as a shell's, and where its text starts kept), or by a loader. */
enum step_value { SV_LOADER, SV_NOREFS, SV_TEXT, SV_COMMAND };

static void	load_timeout(struct step_load *);
static void	load_severity(struct step_load *);
static void	load_optional(struct step_load *);
static void	load_per_hop(struct step_load *);
static void	load_needs(struct step_load *);
static void	load_when(struct step_load *);
static void	load_until_key(struct step_load *);
static void	load_outputs_key(struct step_load *);
static void	load_user_key(struct step_load *);
static void	load_on(struct step_load *);
static void	load_forks(struct step_load *);
static void	load_max_fail(struct step_load *);

#define F(f)	offsetof(struct rb_step, f)

/* The keys of a step besides its id and its kind, in the order they are
 * loaded: one table, from which the known keys, the kinds each is for
 * (and what is said otherwise), the loading and the freeing of its
 * string follow. Adding a key is one row (and its field in struct
 * rb_step; a key that is no string, its loader, which step_free() in
 * runbook.c frees after). */
static const struct step_key {
	const char	*key;
	unsigned	 kinds;		/* the kinds that may carry it; 0: any */
	enum step_value	 value;
	size_t		 field;		/* of a char *, but for SV_LOADER */
	size_t		 at;		/* SV_COMMAND: of its rb_textpos */
	void		(*load)(struct step_load *);
} step_keys[] = {
	{ "text",	0,		SV_TEXT,	F(text), 0, NULL },
	{ "run",	COMMANDS,	SV_COMMAND,	F(run), F(run_at), NULL },
	{ "undo",	K(ACTION),	SV_COMMAND,	F(undo), F(undo_at), NULL },
	{ "produces",	K(ACTION),	SV_TEXT,	F(produces), 0, NULL },
	{ "file",	K(READ),	SV_TEXT,	F(file), 0, NULL },
	{ "phrase",	K(CONFIRM),	SV_TEXT,	F(phrase), 0, NULL },
	{ "hint",	0,		SV_NOREFS,	F(hint), 0, NULL },
	{ "on-failure",	0,		SV_NOREFS,	F(on_failure), 0, NULL },
	{ "timeout",	COMMANDS,	SV_LOADER,	0, 0, load_timeout },
	{ "severity",	K(CHECK),	SV_LOADER,	0, 0, load_severity },
	{ "optional",	0,		SV_LOADER,	0, 0, load_optional },
	{ "per-hop",	0,		SV_LOADER,	0, 0, load_per_hop },
	{ "needs",	0,		SV_LOADER,	0, 0, load_needs },
	{ "when",	0,		SV_LOADER,	0, 0, load_when },
	{ "until",	K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_until_key },
	{ "outputs",	K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_outputs_key },
	{ "user",	K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_user_key },
	{ "on",		K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_on },
	{ "forks",	K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_forks },
	{ "max-fail",	K(CHECK) | K(ACTION), SV_LOADER, 0, 0, load_max_fail },
};

#undef F

void
rbl_free_step_keys(struct rb_step *st)
{
	size_t	i;

	for (i = 0; i < nitems(step_keys); i++) {
		if (step_keys[i].value != SV_LOADER)
			free(*(char **)(void *)((char *)st + step_keys[i].field));
	}
}

/* The known keys of a step, for rbl_check_keys: id, the kinds, then the
 * table's. */
static const char *const *
step_known(void)
{
	static const char	*known[1 + RB_KIND__COUNT + nitems(step_keys) +
				    1];
	size_t			 i, n = 0;

	if (known[0] != NULL)
		return known;
	known[n++] = "id";
	for (i = 0; i < RB_KIND__COUNT; i++)
		known[n++] = rb_kind_name((enum rb_kind)i);
	for (i = 0; i < nitems(step_keys); i++)
		known[n++] = step_keys[i].key;
	known[n] = NULL;
	return known;
}

/* "read, check and action": the kinds of a key, in words. */
static char *
step_kinds_words(unsigned kinds)
{
	struct buf	 b;
	size_t		 i, n = 0, all = 0;

	for (i = 0; i < RB_KIND__COUNT; i++)
		all += (kinds & (1u << i)) != 0;
	buf_init(&b);
	for (i = 0; i < RB_KIND__COUNT; i++) {
		if ((kinds & (1u << i)) == 0)
			continue;
		if (n > 0)
			buf_puts(&b, ++n == all ? " and " : ", ");
		else
			n++;
		buf_puts(&b, rb_kind_name((enum rb_kind)i));
	}
	return buf_take(&b);
}

static void
load_timeout(struct step_load *l)
{
	char	what[64];

	if (l->x->type != YT_SCALAR ||
	    (l->st->timeout = parse_timeout(l->x->s)) == 0)
		err(l->c, l->x->pos, "'timeout' must be seconds, or a "
		    "duration like 90s, 10m or 2h (at most a week), "
		    "found %s", yt_describe(l->x, what, sizeof what));
}

static void
load_severity(struct step_load *l)
{
	static const char *const sev[] = { "fail", "warn", NULL };
	int			 k = rbl_get_enum(l->c, "severity", l->x, sev);

	if (k >= 0)
		l->st->severity = (enum rb_severity)k;
}

static void
load_optional(struct step_load *l)
{
	if (rbl_get_bool(l->c, "optional", l->x, &l->st->optional) &&
	    l->st->optional && l->st->kind == RB_CONFIRM)
		err(l->c, l->x->pos, "confirm step '%s' cannot be optional: a "
		    "confirmation gates every step after it and is never "
		    "skipped; remove 'optional'", l->id);
}

static void
load_per_hop(struct step_load *l)
{
	if (l->phase != RB_PHASE_PREPARE && l->phase != RB_PHASE_FINISH)
		err(l->c, l->k->pos, "'per-hop' is only for prepare and "
		    "finish steps (%s steps %s)", rb_phase_name(l->phase),
		    l->phase == RB_PHASE_HOP ? "run for every hop already" :
		    "run once");
	else
		rbl_get_bool(l->c, "per-hop", l->x, &l->st->per_hop);
}

static void
load_needs(struct step_load *l)
{
	l->st->has_needs = load_words(l->c, "needs", l->x, &l->st->needs,
	    &l->st->n_needs);
}

static void
load_when(struct step_load *l)
{
	if (l->phase != RB_PHASE_HOP)
		err(l->c, l->k->pos, "'when' is only for hop steps; %s is "
		    "a %s step", l->name, rb_phase_name(l->phase));
	else if (l->x->type == YT_MAP)
		load_hop_when(l->c, l->x, l->st);
	else
		load_words(l->c, "when", l->x, &l->st->when, &l->st->n_when);
}

/* The keys a step with `on` cannot have, and why: they name files and
 * users of stepup's own host, where its command does not run. */
static const struct {
	const char	*key;
	const char	*why;
} on_not_with[] = {
	{ "produces", "'produces' names a file on stepup's host, where the "
	  "command does not run" },
	{ "outputs", "'outputs' are read from a file on stepup's host, where "
	  "the command does not run" },
	{ "user", "'user' is for commands on stepup's host; on other hosts "
	  "the user is your ssh_config's (User)" },
};

/* Whether v is a word `on` can hold: a scalar, not empty. */
static bool
on_word(const struct yt_node *v)
{
	return v->type == YT_SCALAR && !yt_is_null(v) && *v->s != '\0';
}

/* A host pattern (inventory_select), or a list of them joined with ',',
 * selecting hosts of the runbook's `hosts:` (at least one), into *out;
 * what says whose it is ("'on' of step 'x'"). False when it is not one.
 * With an `inventory:` the hosts are known only at run time: here the
 * pattern must read, inventory_check_steps() checks it when they are
 * resolved. */
static bool
load_pattern(struct ctx *c, const struct yt_node *x, const char *name,
    struct rb_str *out)
{
	struct inv_sel	 sel;
	struct buf	 b;
	char		 what[64], *cause;
	size_t		 i;
	bool		 ok = true;

	if (!on_word(x) && (x->type != YT_SEQ || x->n == 0)) {
		err(c, x->pos, "'on' must be a host, a group, a pattern "
		    "or a list of them, found %s", yt_describe(x, what,
		    sizeof what));
		return false;
	}
	buf_init(&b);
	if (x->type == YT_SCALAR)
		buf_puts(&b, x->s);
	for (i = 0; x->type == YT_SEQ && i < x->n; i++) {
		if (!on_word(x->vals[i])) {
			err(c, x->vals[i]->pos, "an item of 'on' must be "
			    "a host, a group or a pattern, found %s",
			    yt_describe(x->vals[i], what, sizeof what));
			buf_free(&b);
			return false;
		}
		buf_printf(&b, "%s%s", i > 0 ? "," : "", x->vals[i]->s);
	}
	if (c->rb->inv_source.kind != RB_INV_NONE) {
		/* The hosts are known at run time (inventory_check_steps()
		 * checks it then): here only that the pattern reads. */
		if (inventory_pattern_check(b.data, &cause) != 0) {
			err(c, x->pos, "'on' of %s: %s", name, cause);
			free(cause);
			ok = false;
		}
		out->s = buf_take(&b);
		out->pos = x->pos;
		return ok;
	}
	if (c->rb->inventory == NULL) {
		err(c, x->pos, "%s runs 'on' %s, but the runbook has no "
		    "'hosts' (GROUP: [HOST...]) or 'inventory' ({file: PATH} or "
		    "{command: CMD}) to find it in", name, b.data);
		buf_free(&b);
		return false;
	}
	if (inventory_select(c->rb->inventory, b.data, &sel, &cause) != 0) {
		err(c, x->pos, "'on' of %s: %s", name, cause);
		free(cause);
		ok = false;
	} else if (sel.n == 0) {
		err(c, x->pos, "'on' of %s: '%s' selects no host", name,
		    b.data);
		ok = false;
	}
	inventory_sel_free(&sel);
	out->s = buf_take(&b);
	out->pos = x->pos;
	return ok;
}

/* on: the hosts a step runs on (load_pattern). */
static void
load_on(struct step_load *l)
{
	size_t	i;

	if (!load_pattern(l->c, l->x, l->name, &l->st->on)) {
		if (l->st->on.s == NULL)
			return;
	}
	for (i = 0; i < nitems(on_not_with); i++) {
		if (rbl_map_get(l->map, on_not_with[i].key, NULL) != NULL) {
			err(l->c, l->k->pos, "%s cannot have both 'on' and "
			    "'%s': %s", l->name, on_not_with[i].key,
			    on_not_with[i].why);
			break;
		}
	}
}

size_t
rb_count_of(const struct rb_count *cnt, size_t hosts, bool up)
{
	size_t	n;

	if (!cnt->percent)
		n = cnt->n;
	else if (up) {
		n = (hosts * cnt->n + 99) / 100;
		if (n == 0)
			n = 1;
	} else
		n = hosts * cnt->n / 100;
	return n < hosts ? n : hosts;
}

/* A number of hosts, N or "N%", from min (0 or 1) to any number (to 100
 * for a percentage), into *out; key names it in the message. */
static bool
load_count(struct ctx *c, const char *key, const struct yt_node *x,
    unsigned min, struct rb_count *out)
{
	char		 what[64], *end;
	unsigned long	 n;

	errno = 0;
	if (x->type != YT_SCALAR || yt_is_null(x) || *x->s < '0' ||
	    *x->s > '9')
		goto bad;
	n = strtoul(x->s, &end, 10);
	if (errno != 0 || n > 100000)
		goto bad;
	out->percent = *end == '%';
	if (out->percent)
		end++;
	if (*end != '\0' || n < min || (out->percent && n > 100))
		goto bad;
	out->n = (unsigned)n;
	out->pos = x->pos;
	return true;
bad:
	err(c, x->pos, "'%s' takes a number of hosts (%s to 100000) or a "
	    "percentage of them (%s%% to 100%%), found %s", key,
	    min == 0 ? "0" : "1", min == 0 ? "0" : "1",
	    yt_describe(x, what, sizeof what));
	return false;
}

/* max-fail: how many of the hosts of a step's `on` may fail. */
static void
load_max_fail(struct step_load *l)
{
	if (rbl_map_get(l->map, "on", NULL) == NULL) {
		err(l->c, l->k->pos, "'max-fail' of %s says how many of its "
		    "hosts may fail, and it has no 'on'", l->name);
		return;
	}
	load_count(l->c, "max-fail", l->x, 0, &l->st->max_fail);
}

bool
rbl_get_forks(struct ctx *c, const struct yt_node *x, unsigned *out)
{
	char		 what[64], *end;
	unsigned long	 n = 0;

	if (x->type == YT_SCALAR && !yt_is_null(x) && *x->s >= '0' &&
	    *x->s <= '9') {
		errno = 0;
		n = strtoul(x->s, &end, 10);
		if (errno != 0 || *end != '\0')
			n = 0;
	}
	if (n < 1 || n > RB_FORKS_MAX) {
		err(c, x->pos, "'forks' must be how many hosts run at once, 1 "
		    "to %d, found %s", RB_FORKS_MAX,
		    yt_describe(x, what, sizeof what));
		return false;
	}
	*out = (unsigned)n;
	return true;
}

/* forks: how many of the hosts of a step with `on` run at once. */
static void
load_forks(struct step_load *l)
{
	unsigned	n;

	if (!rbl_get_forks(l->c, l->x, &n))
		return;
	if (rbl_map_get(l->map, "on", NULL) == NULL) {
		err(l->c, l->k->pos, "%s has 'forks' but no 'on': 'forks' says "
		    "how many of the hosts it runs on run at once", l->name);
		return;
	}
	l->st->forks = n;
}

unsigned
rbl_parse_timeout(const char *s)
{
	return parse_timeout(s);
}

/* Load the table's keys of a step whose kind is known: one a kind may
 * not carry is said (and not loaded), in the table's order first. */
static void
load_step_keys(struct step_load *l, const struct yt_node *v)
{
	static char		 quoted[nitems(step_keys)][24];
	const struct step_key	*sk;
	char			*kinds, **field;
	unsigned		 bit = 1u << l->st->kind;
	size_t			 i;

	l->map = v;
	for (i = 0; i < nitems(step_keys); i++) {
		sk = &step_keys[i];
		if (sk->kinds == 0 || (sk->kinds & bit) != 0 ||
		    rbl_map_get(v, sk->key, &l->k) == NULL)
			continue;
		kinds = step_kinds_words(sk->kinds);
		err(l->c, l->k->pos, "'%s' is only for %s steps, and %s is "
		    "%s %s step", l->k->s, kinds, l->name,
		    l->st->kind == RB_ACTION ? "an" : "a",
		    rb_kind_name(l->st->kind));
		free(kinds);
	}
	for (i = 0; i < nitems(step_keys); i++) {
		sk = &step_keys[i];
		if ((sk->kinds != 0 && (sk->kinds & bit) == 0) ||
		    (l->x = rbl_map_get(v, sk->key, &l->k)) == NULL)
			continue;
		if (sk->value == SV_LOADER) {
			sk->load(l);
			continue;
		}
		field = (char **)((char *)l->st + sk->field);
		if ((*field = rbl_get_string(l->c, sk->key, l->x, true)) ==
		    NULL || sk->value == SV_NOREFS)
			continue;
		if (sk->value == SV_COMMAND)
			*(struct rb_textpos *)((char *)l->st + sk->at) =
			    rbl_text_at(l->x);
		/* Kept by the references found: a string that lasts. */
		if (quoted[i][0] == '\0')
			snprintf(quoted[i], sizeof quoted[i], "'%s'", sk->key);
		scan_refs(l->c, l->x, quoted[i], l->st,
		    sk->value == SV_COMMAND);
	}
}

/* A duration of `until` (interval, within) into *out; an error naming
 * key when it is missing or no duration. */
static bool
load_duration(struct ctx *c, const struct yt_node *map, const char *key,
    unsigned *out)
{
	const struct yt_node	*x;
	char			 what[64];

	if ((x = rbl_map_get(map, key, NULL)) == NULL) {
		err(c, rbl_map_where(map), "'until' needs '%s' (a duration "
		    "like 5s, 10m or 1h)", key);
		return false;
	}
	if (x->type != YT_SCALAR || (*out = parse_timeout(x->s)) == 0) {
		err(c, x->pos, "'until: %s' must be seconds, or a duration "
		    "like 5s, 10m or 1h (at most a week), found %s", key,
		    yt_describe(x, what, sizeof what));
		return false;
	}
	return true;
}

bool
rb_until_fails_on(const struct rb_until *u, int exit_code)
{
	return exit_code > 0 && exit_code < 256 &&
	    (u->fail_on[exit_code / 8] & (1u << (exit_code % 8))) != 0;
}

/* until's fail-on: an exit status (1-255), or a list of them, that says
 * the condition will not come, so the wait ends at once. */
static void
load_fail_on(struct ctx *c, const struct yt_node *v, struct rb_step *st)
{
	const struct yt_node	*x;
	char			 what[64], *end;
	size_t			 i, n;
	long			 code;

	if (v->type != YT_SCALAR && v->type != YT_SEQ) {
		err(c, v->pos, "'until: fail-on' must be an exit status or a "
		    "list of them (1 to 255), found %s", yt_describe(v, what,
		    sizeof what));
		return;
	}
	n = v->type == YT_SEQ ? v->n : 1;
	for (i = 0; i < n; i++) {
		x = v->type == YT_SEQ ? v->vals[i] : v;
		errno = 0;
		code = x->type == YT_SCALAR ? strtol(x->s, &end, 10) : 0;
		if (x->type != YT_SCALAR || *x->s == '\0' || *end != '\0' ||
		    errno != 0 || code < 1 || code > 255) {
			err(c, x->pos, "'until: fail-on' takes exit statuses "
			    "from 1 to 255 (0 is a pass), found %s",
			    yt_describe(x, what, sizeof what));
			continue;
		}
		st->until.fail_on[code / 8] |= (unsigned char)(1u << (code % 8));
	}
}

/* until: {interval, within, timeout-means, fail-on}. */
static void
load_until(struct ctx *c, const struct yt_node *v, struct rb_step *st)
{
	static const char *const means[] = { "fail", "warn", NULL };
	const struct yt_node	*x;
	char			 what[64];
	unsigned		 interval = 0, within = 0;
	int			 k;
	bool			 ok;

	if (v->type != YT_MAP) {
		err(c, v->pos, "'until' must be a mapping {interval: 5s, "
		    "within: 10m}, found %s", yt_describe(v, what,
		    sizeof what));
		return;
	}
	rbl_check_keys(c, v, "'until'", until_keys, NULL);
	ok = load_duration(c, v, "interval", &interval);
	ok = load_duration(c, v, "within", &within) && ok;
	if ((x = rbl_map_get(v, "timeout-means", NULL)) != NULL &&
	    (k = rbl_get_enum(c, "timeout-means", x, means)) >= 0)
		st->until.timeout_means = (enum rb_severity)k;
	if ((x = rbl_map_get(v, "fail-on", NULL)) != NULL)
		load_fail_on(c, x, st);
	if (!ok)
		return;
	if (interval > within) {
		err(c, v->pos, "'until' of step '%s' waits %u s between "
		    "attempts but gives up after %u s: 'interval' must not "
		    "be longer than 'within'", st->id, interval, within);
		return;
	}
	st->until.interval = interval;
	st->until.within = within;
	st->until.pos = v->pos;
}

/* outputs: [NAME | {name: NAME, secret: BOOL}]. */
static void
load_outputs(struct ctx *c, const struct yt_node *v, struct rb_step *st)
{
	const struct yt_node	*it, *x;
	struct rb_output	*o;
	char			 what[64];
	size_t			 i, j;

	if (v->type != YT_SEQ) {
		err(c, v->pos, "'outputs' must be a list of names, found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	st->outputs = xcalloc(v->n + 1, sizeof *st->outputs);
	for (i = 0; i < v->n; i++) {
		it = v->vals[i];
		x = it;
		if (it->type == YT_MAP) {
			rbl_check_keys(c, it, "an item of 'outputs'",
			    output_keys, NULL);
			if ((x = rbl_map_get(it, "name", NULL)) == NULL) {
				err(c, it->pos, "an item of 'outputs' needs "
				    "a 'name'");
				continue;
			}
		}
		if (x->type != YT_SCALAR || yt_is_null(x)) {
			err(c, x->pos, "an output of step '%s' must be a name "
			    "or {name: NAME, secret: true}, found %s", st->id,
			    yt_describe(x, what, sizeof what));
			continue;
		}
		for (j = 0; x->s[j] != '\0' && rbl_is_name_char(x->s[j],
		    j == 0); j++)
			continue;
		if (j == 0 || x->s[j] != '\0' || j > 128 ||
		    strncmp(x->s, "STEPUP_", 7) == 0) {
			err(c, x->pos, "output '%s' of step '%s' must be a "
			    "name [A-Za-z_][A-Za-z0-9_]* (at most 128) that "
			    "does not start with STEPUP_", x->s, st->id);
			continue;
		}
		if (runbook_var(c->rb, x->s) != NULL) {
			err(c, x->pos, "output '%s' of step '%s' is also a "
			    "runbook variable: give it another name", x->s,
			    st->id);
			continue;
		}
		for (j = 0; j < st->n_outputs; j++) {
			if (strcmp(st->outputs[j].name, x->s) == 0)
				break;
		}
		if (j < st->n_outputs) {
			err(c, x->pos, "step '%s' declares output '%s' twice",
			    st->id, x->s);
			continue;
		}
		o = &st->outputs[st->n_outputs++];
		o->name = xstrdup(x->s);
		o->pos = x->pos;
		if (it->type == YT_MAP &&
		    (x = rbl_map_get(it, "secret", NULL)) != NULL)
			rbl_get_bool(c, "secret", x, &o->secret);
	}
}

/* user: a login name, [a-z_][a-z0-9_.-]*, at most 32 bytes. */
static void
load_user(struct ctx *c, const struct yt_node *v, struct rb_step *st)
{
	size_t	n;

	if (!rbl_want_string(c, "user", v, true))
		return;
	n = strspn(v->s, LOWER DIGITS "_.-");
	if (n != v->len || v->len > 32 || strchr(LOWER "_", v->s[0]) == NULL) {
		err(c, v->pos, "'user' of step '%s' must be a login name "
		    "([a-z_][a-z0-9_.-]*, at most 32), found '%s'", st->id,
		    v->s);
		return;
	}
	st->user = xstrdup(v->s);
}


static void
load_until_key(struct step_load *l)
{
	load_until(l->c, l->x, l->st);
}

static void
load_outputs_key(struct step_load *l)
{
	load_outputs(l->c, l->x, l->st);
}

static void
load_user_key(struct step_load *l)
{
	load_user(l->c, l->x, l->st);
}
/* Load step v into st; a roll's health check (health: the roll) has
 * the roll's id and no 'id' of its own. */
static void
load_step(struct ctx *c, enum rb_phase phase, const struct yt_node *v,
    struct rb_step *st, const struct rb_roll *health)
{
	const struct yt_node	*x, *kk, *kind_node = NULL, *kind_key = NULL;
	const char		*id;
	struct step_load	 l;
	char			 what[64], *where, *name;
	size_t			 i, j, nsrc;

	st->phase = phase;
	st->pos = v->pos;
	if (health != NULL) {
		st->id = xstrdup(health->id);
		st->id_pos = v->pos;
		if ((x = rbl_map_get(v, "id", &kk)) != NULL)
			err(c, kk->pos, "the health check of roll '%s' has no "
			    "'id' of its own: it is %s~BATCH", health->id,
			    health->id);
	} else if ((x = rbl_map_get(v, "id", &kk)) == NULL) {
		err(c, v->pos, "a step needs an 'id'");
		st->id = xstrdup("");
	} else if (!rbl_want_string(c, "id", x, true))
		st->id = xstrdup("");
	else if (x->len > RB_MAX_ID) {
		err(c, x->pos, "a step id of %zu characters: at most %d",
		    x->len, RB_MAX_ID);
		st->id = xstrdup("");
	} else {
		st->id = xstrdup(x->s);
		st->id_pos = x->pos;
		if (!is_step_id(x->s))
			err(c, x->pos, "step id '%s' must match "
			    "[a-z0-9][a-z0-9_-]*", x->s);
	}
	id = st->id;
	if (health != NULL)
		name = xasprintf("the health check of roll '%s'", id);
	else
		name = *id != '\0' ? xasprintf("step '%s'", id) :
		    xstrdup("a step");
	rbl_check_keys(c, v, name, step_known(), step_hints);

	/* Exactly one kind key; its value is the title. */
	for (i = 0; i < RB_KIND__COUNT; i++) {
		if ((x = rbl_map_get(v, rb_kind_name((enum rb_kind)i), &kk)) == NULL)
			continue;
		if (kind_node != NULL) {
			err(c, kk->pos, "%s has both '%s' and '%s': a step has "
			    "exactly one kind", name, kind_key->s, kk->s);
			continue;
		}
		kind_node = x;
		kind_key = kk;
		st->kind = (enum rb_kind)i;
	}
	if (kind_node == NULL) {
		err(c, v->pos, "%s has no kind: give one of read, check, "
		    "action, confirm or manual, with its title", name);
		free(name);
		return;
	}
	if (kind_node->type != YT_SCALAR || yt_is_null(kind_node))
		err(c, kind_node->pos, "the title of %s ('%s') must be a "
		    "string, found %s", name, kind_key->s,
		    yt_describe(kind_node, what, sizeof what));
	else if (strspn(kind_node->s, " \t\n") == kind_node->len)
		err(c, kind_node->pos, "the title of %s ('%s') is empty", name,
		    kind_key->s);
	else {
		st->title = xstrdup(kind_node->s);
		scan_refs(c, kind_node, "the title", st, false);
	}

	/* The other keys, from the table. */
	l.c = c;
	l.phase = phase;
	l.name = name;
	l.id = id;
	l.st = st;
	load_step_keys(&l, v);
	if (st->user != NULL && st->n_outputs > 0)
		err(c, v->pos, "step '%s' runs as user '%s' and sets outputs: "
		    "a command run as another user cannot write "
		    "$STEPUP_OUTPUT, which is in stepup's state directory; "
		    "print the value and set it in a step of its own", id,
		    st->user);

	/* What each kind needs. */
	switch (st->kind) {
	case RB_CHECK:
	case RB_ACTION:
		if (rbl_map_get(v, "run", NULL) == NULL && health != NULL)
			err(c, v->pos, "%s needs 'run' (the command)", name);
		else if (rbl_map_get(v, "run", NULL) == NULL)
			err(c, v->pos, "%s step '%s' needs 'run' (the command)",
			    rb_kind_name(st->kind), id);
		break;
	case RB_CONFIRM:
		if ((x = rbl_map_get(v, "phrase", NULL)) == NULL)
			err(c, v->pos, "confirm step '%s' needs a non-empty "
			    "'phrase' (the exact words to type)", id);
		break;
	case RB_READ:
		nsrc = 0;
		where = NULL;
		for (j = 0; j < 3; j++) {
			static const char *const srcs[] = {
				"file", "run", "text"
			};

			if (rbl_map_get(v, srcs[j], &kk) == NULL)
				continue;
			if (nsrc++ == 0)
				where = xstrdup(srcs[j]);
			else if (nsrc == 2)
				err(c, kk->pos, "read step '%s' has both '%s' "
				    "and '%s': give exactly one document",
				    id, where, srcs[j]);
		}
		if (nsrc == 0)
			err(c, v->pos, "read step '%s' needs one of 'file', "
			    "'run' or 'text' (the document to read)", id);
		free(where);
		break;
	default:
		break;
	}
	free(name);
}

/* The keys of a rolling block. */
static const char *const roll_keys[] = {
	"roll", "id", "on", "batch", "max-fail", "forks", "health",
	"pause", "steps", NULL
};

/* The keys a step of a roll cannot have: the roll says them. */
static const struct {
	const char	*key;
	const char	*why;
} roll_not_with[] = {
	{ "on", "it runs on each host of the roll's batch" },
	{ "needs", "it runs after its host's step before it" },
	{ "per-hop", "the roll's steps run once per hop or once" },
	{ "max-fail", "the roll's 'max-fail' counts its hosts" },
	{ "forks", "the roll's 'forks' says how many hosts of a batch run "
	    "at once" },
};

/* The keys a roll's health check cannot have: where and when it runs is
 * the roll's. */
static const char *const health_not_with[] = {
	"on", "needs", "when", "per-hop", "max-fail", "forks"
};

/* batch: a count or a non-empty list of them. */
static void
load_batch(struct ctx *c, const struct yt_node *x, const char *name,
    struct rb_roll *r)
{
	char	what[64];
	size_t	i, n;

	if (x->type == YT_SEQ && x->n == 0) {
		err(c, x->pos, "'batch' of %s is an empty list: give sizes, "
		    "like [1, 10%%, 50%%]", name);
		return;
	}
	if (x->type != YT_SCALAR && x->type != YT_SEQ) {
		err(c, x->pos, "'batch' of %s must be a number of hosts, a "
		    "percentage or a list of them, found %s", name,
		    yt_describe(x, what, sizeof what));
		return;
	}
	n = x->type == YT_SEQ ? x->n : 1;
	r->batch = xcalloc(n, sizeof *r->batch);
	for (i = 0; i < n; i++) {
		if (load_count(c, "batch", x->type == YT_SEQ ? x->vals[i] : x,
		    1, &r->batch[r->n_batch]))
			r->n_batch++;
	}
}

/* One rolling block at item v of a phase: its steps go into ph->v from
 * ph->n on. */
static void
load_roll(struct ctx *c, enum rb_phase phase, const struct yt_node *v,
    struct rb_steps *ph, struct rb_roll *r)
{
	const struct yt_node	*x, *kk, *steps;
	struct rb_step		*st;
	char			 what[64], *name;
	size_t			 i, j;
	bool			 pause = false;

	r->pos = v->pos;
	r->first = ph->n;
	x = rbl_map_get(v, "id", NULL);
	if (x == NULL) {
		err(c, v->pos, "a roll needs an 'id'");
		r->id = xstrdup("");
	} else if (!rbl_want_string(c, "id", x, true))
		r->id = xstrdup("");
	else if (x->len > RB_MAX_ID - 8 || !is_step_id(x->s)) {
		err(c, x->pos, "roll id '%s' must match [a-z0-9][a-z0-9_-]* "
		    "(at most %d characters)", x->s, RB_MAX_ID - 8);
		r->id = xstrdup("");
	} else
		r->id = xstrdup(x->s);
	name = *r->id != '\0' ? xasprintf("roll '%s'", r->id) :
	    xstrdup("a roll");
	rbl_check_keys(c, v, name, roll_keys, NULL);
	x = rbl_map_get(v, "roll", NULL);
	if (x->type != YT_SCALAR || yt_is_null(x) ||
	    strspn(x->s, " \t\n") == x->len)
		err(c, x->pos, "the title of %s ('roll') must be a non-empty "
		    "string, found %s", name, yt_describe(x, what,
		    sizeof what));
	else
		r->title = xstrdup(x->s);
	if (phase == RB_PHASE_ROLLBACK)
		err(c, v->pos, "%s is in 'rollback': a roll's steps are "
		    "undone per host by the rollback itself", name);
	if ((x = rbl_map_get(v, "on", NULL)) == NULL)
		err(c, v->pos, "%s needs 'on' (the hosts it rolls through)",
		    name);
	else
		load_pattern(c, x, name, &r->on);
	if ((x = rbl_map_get(v, "batch", NULL)) != NULL)
		load_batch(c, x, name, r);
	if ((x = rbl_map_get(v, "max-fail", NULL)) != NULL)
		load_count(c, "max-fail", x, 0, &r->max_fail);
	r->forks = 1;
	if ((x = rbl_map_get(v, "forks", NULL)) != NULL)
		(void)rbl_get_forks(c, x, &r->forks);
	if ((x = rbl_map_get(v, "pause", NULL)) != NULL)
		rbl_get_bool(c, "pause", x, &pause);
	if ((x = rbl_map_get(v, "health", NULL)) != NULL) {
		if (x->type != YT_MAP)
			err(c, x->pos, "'health' of %s must be a check step "
			    "{check: TITLE, run: COMMAND}, found %s", name,
			    yt_describe(x, what, sizeof what));
		else {
			r->health = xcalloc(1, sizeof *r->health);
			load_step(c, phase, x, r->health, r);
			if (r->health->kind != RB_CHECK &&
			    r->health->title != NULL)
				err(c, x->pos, "the health check of %s must "
				    "be a check (check: TITLE), not %s %s",
				    name, r->health->kind == RB_ACTION ?
				    "an" : "a", rb_kind_name(r->health->kind));
			for (j = 0; j < nitems(health_not_with); j++) {
				if (rbl_map_get(x, health_not_with[j],
				    &kk) != NULL)
					err(c, kk->pos, "the health check of "
					    "%s runs on stepup's host after "
					    "each batch: it takes no '%s'",
					    name, health_not_with[j]);
			}
		}
	}
	if (pause) {
		r->pause = xcalloc(1, sizeof *r->pause);
		r->pause->id = xstrdup(r->id);
		r->pause->kind = RB_MANUAL;
		r->pause->phase = phase;
		r->pause->title = xasprintf("Pause: %s", r->title != NULL ?
		    r->title : r->id);
		r->pause->pos = v->pos;
		r->pause->id_pos = v->pos;
	}
	steps = rbl_map_get(v, "steps", &kk);
	if (steps == NULL || (steps->type == YT_SEQ && steps->n == 0) ||
	    yt_is_null(steps)) {
		err(c, steps != NULL ? kk->pos : v->pos, "%s needs 'steps': "
		    "the checks, actions and manual steps each host goes "
		    "through", name);
		goto out;
	}
	if (steps->type != YT_SEQ) {
		err(c, steps->pos, "'steps' of %s must be a list of steps, "
		    "found %s", name, yt_describe(steps, what, sizeof what));
		goto out;
	}
	for (i = 0; i < steps->n; i++) {
		x = steps->vals[i];
		if (x->type != YT_MAP) {
			err(c, x->pos, "a step must be a mapping (id: ..., "
			    "action: ...), found %s",
			    yt_describe(x, what, sizeof what));
			continue;
		}
		if (rbl_map_get(x, "roll", &kk) != NULL) {
			err(c, kk->pos, "a roll within %s: rolls do not "
			    "nest; put one after the other", name);
			continue;
		}
		for (j = 0; j < nitems(roll_not_with); j++) {
			if (rbl_map_get(x, roll_not_with[j].key, &kk) != NULL)
				err(c, kk->pos, "a step of %s takes no '%s': "
				    "%s", name, roll_not_with[j].key,
				    roll_not_with[j].why);
		}
		st = &ph->v[ph->n++];
		load_step(c, phase, x, st, NULL);
		st->roll = r;
		/* Its instances in a batch run side by side, r->forks of
		 * them at once (the layout makes them a fork group). */
		st->forks = r->forks;
		if (st->kind == RB_READ || st->kind == RB_CONFIRM)
			err(c, x->pos, "step '%s' of %s is %s %s step: a "
			    "roll's steps are checks, actions and manual "
			    "steps (put a confirmation before the roll)",
			    st->id, name, "a", rb_kind_name(st->kind));
	}
out:
	r->n = ph->n - r->first;
	free(name);
}

/* Whether item v of a phase is a rolling block. */
static bool
is_roll(const struct yt_node *v)
{
	return v->type == YT_MAP && rbl_map_get(v, "roll", NULL) != NULL;
}

/* Load one phase's steps into c->rb. */
void
rbl_load_phase(struct ctx *c, enum rb_phase phase, const struct yt_node *k,
    const struct yt_node *v)
{
	struct rb_steps		*ph = &c->rb->phases[phase];
	const struct yt_node	*x;
	char			 what[64];
	size_t			 i, n = 0, nr = 0;

	ph->pos = k->pos;
	if (yt_is_null(v) || (v->type == YT_SEQ && v->n == 0)) {
		err(c, k->pos, "empty phase '%s': add steps or remove the key",
		    rb_phase_name(phase));
		return;
	}
	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list of steps, found %s",
		    rb_phase_name(phase), yt_describe(v, what, sizeof what));
		return;
	}
	/* Room for every step, a roll's too: the array is not moved once
	 * its steps point to their roll. */
	for (i = 0; i < v->n; i++) {
		if (!is_roll(v->vals[i])) {
			n++;
			continue;
		}
		nr++;
		x = rbl_map_get(v->vals[i], "steps", NULL);
		if (x != NULL && x->type == YT_SEQ)
			n += x->n;
	}
	ph->v = xcalloc(n + 1, sizeof *ph->v);
	ph->rolls = xcalloc(nr + 1, sizeof *ph->rolls);
	for (i = 0; i < v->n; i++) {
		if (v->vals[i]->type != YT_MAP) {
			err(c, v->vals[i]->pos, "a step must be a mapping "
			    "(id: ..., action: ...), found %s",
			    yt_describe(v->vals[i], what, sizeof what));
			continue;
		}
		if (is_roll(v->vals[i]))
			load_roll(c, phase, v->vals[i], ph,
			    &ph->rolls[ph->n_rolls++]);
		else
			load_step(c, phase, v->vals[i], &ph->v[ph->n++], NULL);
	}
}

/* ---- checks across steps ------------------------------------------------- */

/* Steps in a flat array, sorted by id for lookups. */
struct stepref {
	struct rb_step	*st;
	int		 mark;		/* cycle search: 0 new, 1 open,
					   2 done */
};

static int
stepref_cmp(const void *a, const void *b)
{
	const struct stepref	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->st->id, y->st->id)) != 0)
		return c;
	/* The same id: the earlier in the file first. */
	if (x->st->id_pos.line != y->st->id_pos.line)
		return x->st->id_pos.line < y->st->id_pos.line ? -1 : 1;
	return x->st->id_pos.col - y->st->id_pos.col;
}

static struct stepref *
stepref_find(struct stepref *v, size_t n, const char *id)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(id, v[mid].st->id)) == 0) {
			while (mid > 0 && strcmp(v[mid - 1].st->id, id) == 0)
				mid--;
			return &v[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Follow needs depth-first; report a cycle once, where it closes. */
static bool
find_cycle(struct ctx *c, struct stepref *v, size_t n, struct stepref *r,
    struct stepref **path, size_t depth)
{
	struct stepref	*t;
	struct buf	 b;
	size_t		 i, j;

	r->mark = 1;
	path[depth] = r;
	for (i = 0; i < r->st->n_needs; i++) {
		if ((t = stepref_find(v, n, r->st->needs[i].s)) == NULL)
			continue;
		if (t->mark == 1) {
			buf_init(&b);
			for (j = 0; j <= depth && path[j] != t; j++)
				continue;
			for (; j <= depth; j++)
				buf_printf(&b, "%s -> ", path[j]->st->id);
			buf_puts(&b, t->st->id);
			err(c, r->st->needs[i].pos, "'needs' forms a cycle: %s",
			    b.data);
			buf_free(&b);
			r->mark = 2;
			return true;
		}
		if (t->mark == 0 && find_cycle(c, v, n, t, path, depth + 1)) {
			r->mark = 2;
			return true;
		}
	}
	r->mark = 2;
	return false;
}

/* A need names a step of the same or an earlier phase; rollback steps
 * need only rollback steps. */
static void
check_need(struct ctx *c, struct stepref *v, size_t n, const char **ids,
    const struct rb_step *st, const struct rb_str *need)
{
	const struct stepref	*t;
	const char		*guess;
	struct clipbuf		 cb;

	if ((t = stepref_find(v, n, need->s)) == NULL) {
		if ((guess = rbl_closest(need->s, ids)) != NULL)
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step; did you mean '%s'?", st->id,
			    rbl_clip(need->s, &cb), guess);
		else
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step", st->id, rbl_clip(need->s, &cb));
		return;
	}
	if ((st->phase == RB_PHASE_ROLLBACK) !=
	    (t->st->phase == RB_PHASE_ROLLBACK))
		err(c, need->pos, "step '%s' needs '%s', a %s step: rollback "
		    "steps need only rollback steps, and others no rollback "
		    "step", st->id, need->s, rb_phase_name(t->st->phase));
	else if (t->st->phase > st->phase)
		err(c, need->pos, "%s step '%s' needs '%s', a later %s step: a "
		    "step needs steps of its own phase or an earlier one",
		    rb_phase_name(st->phase), st->id, need->s,
		    rb_phase_name(t->st->phase));
}

/* Step ids distinct; needs known, in order and without a cycle; when
 * naming a hop kind. */
static void
check_needs(struct ctx *c)
{
	struct runbook		 *rb = c->rb;
	struct stepref		 *v, **path;
	struct rb_versions	 *vs = &rb->versions;
	const char		 *ids_known[9];
	const char		**ids;
	struct clipbuf		  cb;
	size_t			  n = 0, i, j, k, nk;
	int			  p;

	for (p = 0; p < RB_PHASE__COUNT; p++)
		n += rb->phases[p].n;
	v = xcalloc(n + 1, sizeof *v);
	ids = xcalloc(n + 1, sizeof *ids);
	n = 0;
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			if (*rb->phases[p].v[i].id == '\0')
				continue;
			v[n++].st = &rb->phases[p].v[i];
		}
	}
	qsort(v, n, sizeof *v, stepref_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i].st->id, v[i - 1].st->id) == 0) {
			for (j = i; j > 0 && strcmp(v[j - 1].st->id,
			    v[i].st->id) == 0; j--)
				continue;
			err(c, v[i].st->id_pos, "duplicate step id '%s' (first "
			    "at line %d, column %d)", v[i].st->id,
			    v[j].st->id_pos.line, v[j].st->id_pos.col);
		}
		ids[i] = v[i].st->id;
	}
	ids[n] = NULL;
	/* A roll's id is its health check's and its pause's: unique among
	 * the steps' and the other rolls'. */
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n_rolls; i++) {
			const struct rb_roll	*r = &rb->phases[p].rolls[i];
			const struct rb_step	*o;

			if (*r->id == '\0')
				continue;
			if ((o = runbook_step(rb, r->id)) != NULL)
				err(c, r->pos, "roll id '%s' is also the id "
				    "of a step (line %d, column %d)", r->id,
				    o->id_pos.line, o->id_pos.col);
			for (j = 0; j < i; j++) {
				if (strcmp(rb->phases[p].rolls[j].id,
				    r->id) == 0)
					err(c, r->pos, "duplicate roll id "
					    "'%s' (first at line %d)", r->id,
					    rb->phases[p].rolls[j].pos.line);
			}
		}
	}

	/* needs: known, in the same or an earlier phase. */
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			struct rb_step *st = &rb->phases[p].v[i];

			for (j = 0; j < st->n_needs; j++)
				check_need(c, v, n, ids, st, &st->needs[j]);
		}
	}
	path = xcalloc(n + 1, sizeof *path);
	for (i = 0; i < n; i++) {
		if (v[i].mark == 0)
			find_cycle(c, v, n, &v[i], path, 0);
	}
	free(path);

	/* when: the variables it names. */
	for (i = 0; i < rb->phases[RB_PHASE_HOP].n; i++)
		rbl_check_conds(c, rb->phases[RB_PHASE_HOP].v[i].when_vars,
		    rb->phases[RB_PHASE_HOP].v[i].n_when_vars);
	/* when: the runbook's hop kinds, or redeploy. */
	nk = 0;
	for (k = 0; k < 3; k++) {
		for (j = 0; j < nk; j++) {
			if (strcmp(ids_known[j], vs->kinds[k]) == 0)
				break;
		}
		if (j == nk)
			ids_known[nk++] = vs->kinds[k];
	}
	ids_known[nk++] = "redeploy";
	ids_known[nk] = NULL;
	for (i = 0; i < rb->phases[RB_PHASE_HOP].n; i++) {
		struct rb_step *st = &rb->phases[RB_PHASE_HOP].v[i];

		for (j = 0; j < st->n_when; j++) {
			if (rbl_in_list(st->when[j].s, ids_known))
				continue;
			char *all = rbl_join(ids_known, " or ");
			err(c, st->when[j].pos, "'when: %s' is not a hop kind "
			    "of this runbook; expected %s",
			    rbl_clip(st->when[j].s, &cb), all);
			free(all);
		}
	}
	free(ids);
	free(v);
}

/* Artifact names must be distinct, and every $NAME must be one stepup
 * sets: a STEPUP_ name it does not know is an error; another name that
 * is no runbook variable is a warning (it comes from the environment). */
static void
check_refs(struct ctx *c)
{
	struct runbook	 *rb = c->rb;
	const char	**names, *guess;
	const struct rb_step **owner;
	size_t		  n = 0, i, j, k;
	int		  p;

	for (p = 0; p < RB_PHASE__COUNT; p++)
		n += rb->phases[p].n;
	names = xcalloc(n + nitems(stepup_names) + 2 * rb->n_vars + 1,
	    sizeof *names);
	owner = xcalloc(n + 1, sizeof *owner);
	k = 0;
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			const struct rb_step *st = &rb->phases[p].v[i];
			char *env;

			if (st->produces == NULL)
				continue;
			env = runbook_artifact_env(st->id);
			for (j = 0; j < k; j++) {
				if (strcmp(names[j], env) == 0) {
					err(c, st->id_pos, "steps '%s' and "
					    "'%s' would both pass their "
					    "artifact as $%s: rename one",
					    owner[j]->id, st->id, env);
					break;
				}
			}
			owner[k] = st;
			names[k++] = env;
		}
	}
	/* Artifacts first, then the fixed names, then the variables. */
	n = k;
	for (i = 0; stepup_names[i] != NULL; i++)
		names[n++] = stepup_names[i];
	for (i = 0; i < rb->n_vars; i++)
		names[n++] = rb->vars[i].name;
	/* What a variable is read from is in the environment too. */
	for (i = 0; i < rb->n_vars; i++) {
		if (rb->vars[i].env != NULL)
			names[n++] = rb->vars[i].env;
	}
	names[n] = NULL;
	for (i = 0; i < c->n_refs; i++) {
		const struct ref *r = &c->refs[i];

		if (r->reported || rbl_in_list(r->name, names))
			continue;
		guess = rbl_closest(r->name, names);
		if (strncmp(r->name, "STEPUP_ARTIFACT_", 16) == 0 &&
		    (guess == NULL || strncmp(guess, "STEPUP_ARTIFACT_", 16)
		    != 0))
			err(c, r->pos, "$%s in %s of step '%s': no step with "
			    "'produces' has the id '%s'", r->name, r->field,
			    r->step, r->name + 16);
		else if (strncmp(r->name, "STEPUP_", 7) == 0 && guess != NULL)
			err(c, r->pos, "$%s in %s of step '%s' is not a name "
			    "stepup sets; did you mean $%s?", r->name, r->field,
			    r->step, guess);
		else if (strncmp(r->name, "STEPUP_", 7) == 0)
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a name stepup sets: it "
			    "will come from stepup's environment", r->name,
			    r->field, r->step);
		else if (guess != NULL)
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a runbook variable; did "
			    "you mean $%s?", r->name, r->field, r->step, guess);
		else
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a runbook variable: it "
			    "will come from stepup's environment", r->name,
			    r->field, r->step);
	}
	for (i = 0; i < k; i++)
		free((char *)names[i]);
	free(names);
	free(owner);
}

/* The step declaring output name, or NULL. */
static const struct rb_step *
output_owner(const struct runbook *rb, const char *name, size_t n,
    const struct rb_output **out)
{
	const struct rb_step	*st;
	size_t			 i, j;
	int			 p;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			st = &rb->phases[p].v[i];
			for (j = 0; j < st->n_outputs; j++) {
				if (strlen(st->outputs[j].name) == n &&
				    strncmp(st->outputs[j].name, name, n) == 0) {
					if (out != NULL)
						*out = &st->outputs[j];
					return st;
				}
			}
		}
	}
	return NULL;
}

/* Each output is declared by one step, and named only in commands: a
 * title or text is expanded when the run is laid out, before any command
 * has set it. */
static void
check_outputs(struct ctx *c)
{
	const struct rb_step	*st, *owner;
	const struct rb_output	*first;
	size_t			 i, j, k;
	int			 p;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < c->rb->phases[p].n; i++) {
			st = &c->rb->phases[p].v[i];
			for (j = 0; j < st->n_outputs; j++) {
				owner = output_owner(c->rb, st->outputs[j].name,
				    strlen(st->outputs[j].name), &first);
				if (owner != st)
					err(c, st->outputs[j].pos, "output "
					    "'%s' of step '%s' is declared by "
					    "step '%s' already (line %d): one "
					    "step sets each value",
					    st->outputs[j].name, st->id,
					    owner->id, first->pos.line);
			}
		}
	}
	for (k = 0; k < c->n_refs; k++) {
		struct ref *r = &c->refs[k];

		if (r->shell || (owner = output_owner(c->rb, r->name,
		    strlen(r->name), NULL)) == NULL)
			continue;
		err(c, r->pos, "$%s in %s of step '%s' is an output of step "
		    "'%s': outputs reach commands (as environment variables), "
		    "not texts, which are laid out before any command runs",
		    r->name, r->field, r->step, owner->id);
		r->reported = true;
	}
}

/* Once every step is loaded, check what is across steps. */
void
rbl_check_steps(struct ctx *c)
{
	check_needs(c);
	check_outputs(c);
	check_refs(c);
}

/* ---- artifacts ----------------------------------------------------------- */

/* The environment variable that passes step id's artifact. */
char *
runbook_artifact_env(const char *id)
{
	char	*s, *p;

	s = xasprintf("STEPUP_ARTIFACT_%s", id);
	for (p = s; *p != '\0'; p++) {
		if (*p == '-')
			*p = '_';
	}
	return s;
}
