/* runbook.c: load a runbook (YAML) into struct runbook, reporting every
 * problem at the node that has it, and the warnings of `stepup lint`. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runbook.h"
#include "util.h"
#include "yamltree.h"

/* A runbook larger than this is refused before parsing. */
#define RB_MAX_FILE	(4u * 1024 * 1024)

/* ---- names --------------------------------------------------------------- */

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

const char *
rb_phase_name(enum rb_phase p)
{
	return (unsigned)p < RB_PHASE__COUNT ? phase_names[p] : "?";
}

/* ---- diagnostics --------------------------------------------------------- */

void
rb_diags_init(struct rb_diags *d)
{
	memset(d, 0, sizeof *d);
}

void
rb_diags_free(struct rb_diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	rb_diags_init(d);
}

void
rb_diag_add(struct rb_diags *d, enum rb_level level, const char *file,
    struct rb_pos pos, const char *fmt, ...)
{
	struct rb_diag	*g;
	va_list		 ap;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	g = &d->v[d->n++];
	g->level = level;
	g->file = xstrdup(file != NULL ? file : "-");
	g->pos = pos;
	va_start(ap, fmt);
	g->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (level == RB_ERROR)
		d->n_errors++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct rb_diag *const	*x = a, *const *y = b;
	int				 c;
	int				 lx, ly;

	if ((c = strcmp((*x)->file, (*y)->file)) != 0)
		return c;
	/* Whole-file messages after the positioned ones. */
	lx = (*x)->pos.line > 0 ? (*x)->pos.line : INT_MAX;
	ly = (*y)->pos.line > 0 ? (*y)->pos.line : INT_MAX;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if ((*x)->pos.col != (*y)->pos.col)
		return (*x)->pos.col < (*y)->pos.col ? -1 : 1;
	return *x < *y ? -1 : *x > *y;	/* stable: order added */
}

void
rb_diags_print(const struct rb_diags *d, FILE *f)
{
	const struct rb_diag	**v;
	size_t			  i;

	if (d->n == 0)
		return;
	/* In file order, whatever order the checks found them in. */
	v = xreallocarray(NULL, d->n, sizeof *v);
	for (i = 0; i < d->n; i++)
		v[i] = &d->v[i];
	qsort(v, d->n, sizeof *v, diag_cmp);
	for (i = 0; i < d->n; i++) {
		if (v[i]->pos.line > 0)
			fprintf(f, "%s:%d:%d: ", v[i]->file, v[i]->pos.line,
			    v[i]->pos.col);
		else
			fprintf(f, "%s: ", v[i]->file);
		fprintf(f, "%s%s\n", v[i]->level == RB_WARNING ?
		    "warning: " : "", v[i]->msg);
	}
	free(v);
}

/* ---- the loading context and small checks -------------------------------- */

/* A $NAME in a step's text, checked once every step is known. */
struct ref {
	char		*name;
	struct rb_pos	 pos;
	const char	*field;		/* "produces", "run", ... */
	const char	*step;		/* the step's id (owned by the step) */
	bool		 shell;		/* in a command: only STEPUP_ names */
};

/* At most this many diagnostics are kept while loading, and this many
 * $NAME references that are not plainly known are checked. */
#define RB_KEEP_DIAGS	10000
#define RB_MAX_ID	64		/* bytes in a step id */
#define RB_MAX_REFS	10000

struct ctx {
	const char	*file;
	struct rb_diags	*d;
	struct runbook	*rb;
	struct ref	*refs;
	size_t		 n_refs;
	size_t		 added;		/* diagnostics added */
	size_t		 dropped;	/* ... and not added, past the limit */
	size_t		 dropped_errors;
	bool		 capped;	/* some $NAMEs were not checked */
};

static void diag(struct ctx *, enum rb_level, struct rb_pos, const char *,
    ...) __attribute__((format(printf, 4, 5)));

/* Add a diagnostic, unless a hostile file has already given thousands: then
 * only count it (the diagnostics are cut to RB_MAX_DIAGS in the end). */
static void
diag(struct ctx *c, enum rb_level level, struct rb_pos pos, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*s;

	if (c->added >= RB_KEEP_DIAGS) {
		c->dropped++;
		if (level == RB_ERROR)
			c->dropped_errors++;
		return;
	}
	c->added++;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rb_diag_add(c->d, level, c->file, pos, "%s", s);
	free(s);
}

#define err(c, pos, ...)	diag((c), RB_ERROR, (pos), __VA_ARGS__)
#define warn(c, pos, ...)	diag((c), RB_WARNING, (pos), __VA_ARGS__)

/* A runbook's text quoted in a message: at most 60 bytes of it, cut on a
 * character boundary, with "..." when cut. */
struct clipbuf {
	char	s[72];
};

static const char *
clip(const char *s, struct clipbuf *b)
{
	size_t	n = strlen(s);

	if (n <= 60)
		return s;
	for (n = 57; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
		continue;
	memcpy(b->s, s, n);
	memcpy(b->s + n, "...", 4);
	return b->s;
}

/* Where to report what a mapping lacks: at its key when it has one. */
static struct rb_pos
map_where(const struct yt_node *map)
{
	return map->key_pos.line > 0 ? map->key_pos : map->pos;
}

/* The value of key in map (NULL when absent), and its key node in *keyp. */
static const struct yt_node *
map_get(const struct yt_node *map, const char *key,
    const struct yt_node **keyp)
{
	size_t	i;

	for (i = 0; i < map->n; i++) {
		if (!map->keys[i]->dup && strcmp(map->keys[i]->s, key) == 0) {
			if (keyp != NULL)
				*keyp = map->keys[i];
			return map->vals[i];
		}
	}
	return NULL;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

/* The closest word in list to s, if it is close enough to be a typo. */
static const char *
closest(const char *s, const char *const *list)
{
	const char	*best = NULL;
	size_t		 d, bestd = SIZE_MAX, cap;

	cap = strlen(s) <= 3 ? 1 : strlen(s) <= 6 ? 2 : 3;
	for (; *list != NULL; list++) {
		/* A shortened key: one-minor for one-minor-at-a-time. */
		if (strlen(s) >= 4 && strncmp(*list, s, strlen(s)) == 0 &&
		    bestd > 0) {
			best = *list;
			bestd = 0;
			continue;
		}
		d = edit_distance(s, *list, cap);
		if (d <= cap && d < bestd) {
			best = *list;
			bestd = d;
		}
	}
	return best;
}

static char *
join(const char *const *list, const char *last)
{
	struct buf	 b;
	size_t		 i, n;

	for (n = 0; list[n] != NULL; n++)
		continue;
	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, i == n - 1 && last != NULL ? last : ", ");
		buf_puts(&b, list[i]);
	}
	return buf_take(&b);
}

/* The keys of a step. */
static const char *const step_keys[] = {
	"id", "read", "check", "action", "confirm", "manual", "text", "run",
	"undo", "produces", "file", "phrase", "hint", "on-failure", "timeout",
	"severity", "optional", "per-hop", "needs", "when", NULL
};

/* Report every key of map that is not in known. */
static void
check_keys(struct ctx *c, const struct yt_node *map, const char *where,
    const char *const *known)
{
	const char	*guess;
	char		*all;
	size_t		 i;

	for (i = 0; i < map->n; i++) {
		const struct yt_node *k = map->keys[i];

		if (k->dup || in_list(k->s, known))
			continue;
		if (known == step_keys && (strcmp(k->s, "title") == 0 ||
		    strcmp(k->s, "name") == 0 || strcmp(k->s, "kind") == 0 ||
		    strcmp(k->s, "type") == 0)) {
			err(c, k->pos, "unknown key '%s' in %s: a step's kind "
			    "is its key and the title its value (e.g. action: "
			    "TITLE)", k->s, where);
			continue;
		}
		if (known == step_keys && (strcmp(k->s, "command") == 0 ||
		    strcmp(k->s, "cmd") == 0 || strcmp(k->s, "script") == 0)) {
			err(c, k->pos, "unknown key '%s' in %s; did you mean "
			    "'run'?", k->s, where);
			continue;
		}
		if ((guess = closest(k->s, known)) != NULL) {
			err(c, k->pos, "unknown key '%s' in %s; did you mean "
			    "'%s'?", k->s, where, guess);
		} else {
			all = join(known, NULL);
			err(c, k->pos, "unknown key '%s' in %s (known keys: "
			    "%s)", k->s, where, all);
			free(all);
		}
	}
}

/* A scalar's text, or an error saying what was found instead. */
static bool
want_string(struct ctx *c, const char *key, const struct yt_node *v,
    bool nonempty)
{
	char	what[64];

	if (v->type != YT_SCALAR || yt_is_null(v)) {
		err(c, v->pos, "'%s' must be a string, found %s", key,
		    yt_describe(v, what, sizeof what));
		return false;
	}
	if (nonempty && strspn(v->s, " \t\n") == v->len) {
		err(c, v->pos, "'%s' must not be empty", key);
		return false;
	}
	return true;
}

static char *
get_string(struct ctx *c, const char *key, const struct yt_node *v,
    bool nonempty)
{
	return want_string(c, key, v, nonempty) ? xstrdup(v->s) : NULL;
}

static bool
get_bool(struct ctx *c, const char *key, const struct yt_node *v, bool *out)
{
	char	what[64];

	if (v->type == YT_SCALAR) {
		if (strcmp(v->s, "true") == 0 || strcmp(v->s, "True") == 0 ||
		    strcmp(v->s, "TRUE") == 0) {
			*out = true;
			return true;
		}
		if (strcmp(v->s, "false") == 0 || strcmp(v->s, "False") == 0 ||
		    strcmp(v->s, "FALSE") == 0) {
			*out = false;
			return true;
		}
	}
	err(c, v->pos, "'%s' must be true or false, found %s", key,
	    yt_describe(v, what, sizeof what));
	return false;
}

/* One of names (NULL-terminated); returns its index or -1. */
static int
get_enum(struct ctx *c, const char *key, const struct yt_node *v,
    const char *const *names)
{
	char		 what[64], *all;
	const char	*guess;
	int		 i;

	if (v->type == YT_SCALAR && !yt_is_null(v)) {
		for (i = 0; names[i] != NULL; i++) {
			if (strcmp(v->s, names[i]) == 0)
				return i;
		}
	}
	all = join(names, " or ");
	if (v->type == YT_SCALAR && !yt_is_null(v) &&
	    (guess = closest(v->s, names)) != NULL)
		err(c, v->pos, "'%s' must be %s, found %s; did you mean "
		    "'%s'?", key, all, yt_describe(v, what, sizeof what),
		    guess);
	else
		err(c, v->pos, "'%s' must be %s, found %s", key, all,
		    yt_describe(v, what, sizeof what));
	free(all);
	return -1;
}

static void
set_str(struct rb_str *dst, const struct yt_node *v)
{
	dst->s = xstrdup(v->s);
	dst->pos = v->pos;
}

static struct rb_textpos
text_at(const struct yt_node *v)
{
	struct rb_textpos	t;

	t.pos = v->text_pos;
	t.exact = v->lines_exact;
	return t;
}

static bool
is_name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' &&
	    ch <= 'z') || (!first && ch >= '0' && ch <= '9');
}

/* Whether s matches [A-Za-z_][A-Za-z0-9_]*. */
static bool
is_env_name(const char *s)
{
	if (!is_name_char(*s, true))
		return false;
	for (s++; *s != '\0'; s++) {
		if (!is_name_char(*s, false))
			return false;
	}
	return true;
}

/* Whether s matches [a-z0-9][a-z0-9_-]*. */
static bool
is_step_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (s++; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

/* Whether s matches [a-z][a-z0-9-]*. */
static bool
is_word(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return false;
	}
	return true;
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
		    clip(v->s, &cb));
		return false;
	}
	set_str(out, v);
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
	check_keys(c, v, key, installed ? inst_keys : avail_keys);
	cmd = map_get(v, "command", NULL);
	ask = installed ? map_get(v, "ask", NULL) : NULL;
	if (cmd != NULL && ask != NULL) {
		err(c, map_where(v), "'installed' has both 'command' and "
		    "'ask': give exactly one");
		return;
	}
	if (cmd != NULL) {
		src->command = get_string(c, "command", cmd, true);
		src->command_at = text_at(cmd);
	} else if (ask != NULL)
		src->ask = get_string(c, "ask", ask, true);
	else
		err(c, map_where(v), installed ? "'installed' needs "
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
	check_keys(c, v, "versions", keys);
	if ((x = map_get(v, "scheme", NULL)) == NULL)
		err(c, map_where(v), "'versions' needs 'scheme' (semver, "
		    "calver, pep440 or loose)");
	else if ((k = get_enum(c, "scheme", x, schemes)) >= 0)
		vs->scheme = (enum rb_scheme)k;
	if ((x = map_get(v, "series", NULL)) != NULL &&
	    (k = get_enum(c, "series", x, series)) >= 0)
		vs->series = k + 1;
	if ((x = map_get(v, "kinds", NULL)) != NULL) {
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
	if ((x = map_get(v, "installed", NULL)) == NULL)
		err(c, map_where(v), "'versions' needs 'installed' "
		    "({command: CMD} or {ask: QUESTION})");
	else
		load_source(c, "installed", x, &vs->installed, true);
	if ((x = map_get(v, "available", NULL)) == NULL)
		err(c, map_where(v), "'versions' needs 'available' (a list of "
		    "versions, or {command: CMD})");
	else
		load_source(c, "available", x, &vs->available, false);
}

/* ---- policy -------------------------------------------------------------- */

static void
load_boundaries(struct ctx *c, const char *key, const struct yt_node *v,
    struct rb_boundary **out, size_t *n)
{
	static const char *const keys[] = { "at", "reason", NULL };
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
		check_keys(c, e, where, keys);
		free(where);
		if ((at = map_get(e, "at", NULL)) == NULL) {
			err(c, map_where(e), "an item of '%s' needs 'at' (the "
			    "first version past the boundary)", key);
			continue;
		}
		if (!get_version(c, "'at'", at, &bd->at))
			continue;
		if ((why = map_get(e, "reason", NULL)) != NULL)
			bd->reason = get_string(c, "reason", why, true);
		(*n)++;
	}
}

static void
load_policy(struct ctx *c, const struct yt_node *v)
{
	static const char *const keys[] = {
		"within-series", "leave-series", "skip-series",
		"one-minor-at-a-time", "required-stops", "redeploy-at",
		"no-upgrade-across", NULL
	};
	static const char *const within[] = { "any", "consecutive", NULL };
	static const char *const leave[] = { "from-any", "from-latest", NULL };
	struct rb_policy	*p = &c->rb->policy;
	const struct yt_node	*x;
	char			 what[64];
	size_t			 i;
	int			 k;

	p->pos = v->pos;
	if (v->type != YT_MAP) {
		err(c, v->pos, "'policy' must be a mapping, found %s",
		    yt_describe(v, what, sizeof what));
		return;
	}
	check_keys(c, v, "policy", keys);
	if ((x = map_get(v, "within-series", NULL)) != NULL &&
	    (k = get_enum(c, "within-series", x, within)) >= 0)
		p->within_series = (enum rb_within)k;
	if ((x = map_get(v, "leave-series", NULL)) != NULL &&
	    (k = get_enum(c, "leave-series", x, leave)) >= 0)
		p->leave_series = (enum rb_leave)k;
	if ((x = map_get(v, "skip-series", NULL)) != NULL)
		get_bool(c, "skip-series", x, &p->skip_series);
	if ((x = map_get(v, "one-minor-at-a-time", NULL)) != NULL)
		get_bool(c, "one-minor-at-a-time", x, &p->one_minor);
	if ((x = map_get(v, "required-stops", NULL)) != NULL) {
		if (x->type != YT_SEQ)
			err(c, x->pos, "'required-stops' must be a list of "
			    "versions, found %s",
			    yt_describe(x, what, sizeof what));
		else {
			p->required_stops = xcalloc(x->n + 1,
			    sizeof *p->required_stops);
			for (i = 0; i < x->n; i++) {
				if (get_version(c, "a required stop",
				    x->vals[i],
				    &p->required_stops[p->n_required_stops]))
					p->n_required_stops++;
			}
		}
	}
	if ((x = map_get(v, "redeploy-at", NULL)) != NULL)
		load_boundaries(c, "redeploy-at", x, &p->redeploy_at,
		    &p->n_redeploy_at);
	if ((x = map_get(v, "no-upgrade-across", NULL)) != NULL)
		load_boundaries(c, "no-upgrade-across", x, &p->no_across,
		    &p->n_no_across);
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

static void
load_var(struct ctx *c, const struct yt_node *k, const struct yt_node *v,
    struct rb_var *var)
{
	static const char *const keys[] = {
		"ask", "value", "env", "default", "secret", "pattern",
		"choices", NULL
	};
	static const char *const sources[] = { "ask", "value", "env" };
	const struct yt_node	*src[3], *x, *def;
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
	check_keys(c, v, where, keys);
	free(where);
	for (i = 0; i < 3; i++) {
		if ((src[i] = map_get(v, sources[i], NULL)) != NULL && n++ == 0)
			first = i;
	}
	if (n == 0)
		err(c, map_where(v), "variable '%s' needs one of 'ask' (a "
		    "question), 'value' or 'env' (an environment variable)",
		    k->s);
	for (i = first + 1; n > 1 && i < 3; i++) {
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
			var->ask = get_string(c, "ask", x, true);
		else if (var->source == RB_VAR_VALUE)
			var->value = get_string(c, "value", x, false);
		else if ((var->env = get_string(c, "env", x, true)) != NULL &&
		    !is_env_name(var->env))
			err(c, x->pos, "'env' must name an environment "
			    "variable ([A-Za-z_][A-Za-z0-9_]*), found '%s'",
			    clip(var->env, &cb));
	}
	if ((def = map_get(v, "default", &deflt_key)) != NULL) {
		if (n >= 1 && var->source == RB_VAR_VALUE)
			err(c, deflt_key->pos, "variable '%s' has a 'value'; "
			    "'default' is for 'ask' and 'env'", k->s);
		else
			var->def = get_string(c, "default", def, false);
	}
	if ((x = map_get(v, "secret", NULL)) != NULL)
		get_bool(c, "secret", x, &var->secret);
	if ((x = map_get(v, "choices", NULL)) != NULL) {
		if (x->type != YT_SEQ || x->n == 0)
			err(c, x->pos, "'choices' must be a non-empty list of "
			    "answers, found %s", x->type == YT_SEQ ?
			    "an empty list" :
			    yt_describe(x, what, sizeof what));
		else {
			var->choices = xcalloc(x->n, sizeof *var->choices);
			for (i = 0; i < x->n; i++) {
				char *s = get_string(c, "a choice", x->vals[i],
				    true);

				if (s != NULL)
					var->choices[var->n_choices++] = s;
			}
		}
	}
	if ((x = map_get(v, "pattern", NULL)) != NULL &&
	    (var->pattern = get_string(c, "pattern", x, true)) != NULL) {
		anchored = xasprintf("^(%s)$", var->pattern);
		rc = regcomp(&re, anchored, REG_EXTENDED);
		free(anchored);
		if (rc != 0) {
			regerror(rc, &re, msg, sizeof msg);
			err(c, x->pos, "'pattern' is not a valid POSIX "
			    "extended regular expression: %s", msg);
		} else {
			if (var->def != NULL && !full_match(&re, var->def))
				err(c, def->pos, "the default '%s' of variable "
				    "'%s' does not match its pattern",
				    clip(var->def, &cb),
				    k->s);
			if (var->value != NULL && !full_match(&re, var->value))
				err(c, src[RB_VAR_VALUE]->pos, "the value '%s' "
				    "of variable '%s' does not match its "
				    "pattern", clip(var->value, &cb), k->s);
			regfree(&re);
		}
	}
	if (var->def != NULL && var->n_choices > 0) {
		for (i = 0; i < var->n_choices; i++) {
			if (strcmp(var->choices[i], var->def) == 0)
				break;
		}
		if (i == var->n_choices)
			err(c, def->pos, "the default '%s' of variable '%s' is "
			    "not one of its choices", clip(var->def, &cb),
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

/* ---- steps --------------------------------------------------------------- */


#define K(k) (1u << RB_##k)
#define ALL_KINDS (K(READ) | K(CHECK) | K(ACTION) | K(CONFIRM) | K(MANUAL))

/* Which kinds of step may carry each key, and what to say otherwise. */
static const struct {
	const char	*key;
	unsigned	 kinds;
	const char	*only;
} key_kinds[] = {
	{ "run", K(READ) | K(CHECK) | K(ACTION), "read, check and action" },
	{ "undo", K(ACTION), "action" },
	{ "produces", K(ACTION), "action" },
	{ "file", K(READ), "read" },
	{ "phrase", K(CONFIRM), "confirm" },
	{ "timeout", K(READ) | K(CHECK) | K(ACTION), "read, check and action" },
	{ "severity", K(CHECK), "check" },
};

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
		set_str(&(*out)[0], v);
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
		set_str(&(*out)[(*n)++], v->vals[i]);
	}
	return true;
}

/* Positions in a scalar's text, computed forward from the last one asked
 * (a text may hold thousands of $NAMEs). Exact when its lines are. */
struct textcur {
	const struct yt_node	*v;
	size_t			 off;
	struct rb_pos		 pos;
};

static struct rb_pos
text_offset_pos(struct textcur *t, size_t off)
{
	const struct yt_node	*v = t->v;

	if (!v->lines_exact)
		return v->pos;
	for (; t->off < off && t->off < v->len; t->off++) {
		if (v->s[t->off] == '\n') {
			t->pos.line++;
			t->pos.col = v->text_pos.col;
		} else if (((unsigned char)v->s[t->off] & 0xc0) != 0x80)
			t->pos.col++;
	}
	return t->pos;
}


/* The names stepup sets for every command, besides STEPUP_ARTIFACT_<id>. */
static const char *const stepup_names[] = {
	"STEPUP_FROM", "STEPUP_TO", "STEPUP_HOP_FROM", "STEPUP_HOP_TO",
	"STEPUP_HOP_KIND", "STEPUP_RUN_ID", "STEPUP_STEP", "STEPUP_RUNBOOK_DIR",
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
	struct textcur	 cur = { v, 0, v->text_pos };
	struct ref	*r;
	size_t		 n;

	for (p = s; (p = strchr(p, '$')) != NULL; p++) {
		q = p + 1;
		if (*q == '{')
			q++;
		if (!is_name_char(*q, true))
			continue;
		for (n = 1; is_name_char(q[n], false); n++)
			continue;
		if (shell && (n < 7 || strncmp(q, "STEPUP_", 7) != 0))
			continue;
		if (n > 128 || ref_known(c, q, n))
			continue;
		if (c->n_refs >= RB_MAX_REFS) {
			c->capped = true;
			break;
		}
		c->refs = xreallocarray(c->refs, c->n_refs + 1,
		    sizeof *c->refs);
		r = &c->refs[c->n_refs++];
		r->name = xstrndup(q, n);
		r->pos = text_offset_pos(&cur, (size_t)(p - s));
		r->field = field;
		r->step = st->id;
		r->shell = shell;
	}
}

static void
load_step(struct ctx *c, enum rb_phase phase, const struct yt_node *v,
    struct rb_step *st)
{
	const struct yt_node	*x, *kk, *kind_node = NULL, *kind_key = NULL;
	const char		*id;
	char			 what[64], *where, *name;
	size_t			 i, j, nsrc;
	unsigned		 bit;

	st->phase = phase;
	st->pos = v->pos;
	if ((x = map_get(v, "id", &kk)) == NULL) {
		err(c, v->pos, "a step needs an 'id'");
		st->id = xstrdup("");
	} else if (!want_string(c, "id", x, true))
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
	name = *id != '\0' ? xasprintf("step '%s'", id) : xstrdup("a step");
	check_keys(c, v, name, step_keys);

	/* Exactly one kind key; its value is the title. */
	for (i = 0; i < RB_KIND__COUNT; i++) {
		if ((x = map_get(v, kind_names[i], &kk)) == NULL)
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

	/* Keys that belong to other kinds. */
	bit = 1u << st->kind;
	for (i = 0; i < nitems(key_kinds); i++) {
		if (map_get(v, key_kinds[i].key, &kk) != NULL &&
		    (key_kinds[i].kinds & bit) == 0)
			err(c, kk->pos, "'%s' is only for %s steps, and %s is "
			    "%s %s step", kk->s, key_kinds[i].only, name,
			    st->kind == RB_ACTION ? "an" : "a",
			    kind_names[st->kind]);
	}

	if ((x = map_get(v, "text", NULL)) != NULL &&
	    (st->text = get_string(c, "text", x, true)) != NULL)
		scan_refs(c, x, "'text'", st, false);
	if ((x = map_get(v, "run", NULL)) != NULL &&
	    (bit & (K(READ) | K(CHECK) | K(ACTION))) != 0 &&
	    (st->run = get_string(c, "run", x, true)) != NULL) {
		st->run_at = text_at(x);
		scan_refs(c, x, "'run'", st, true);
	}
	if ((x = map_get(v, "undo", NULL)) != NULL && st->kind == RB_ACTION &&
	    (st->undo = get_string(c, "undo", x, true)) != NULL) {
		st->undo_at = text_at(x);
		scan_refs(c, x, "'undo'", st, true);
	}
	if ((x = map_get(v, "produces", NULL)) != NULL &&
	    st->kind == RB_ACTION &&
	    (st->produces = get_string(c, "produces", x, true)) != NULL)
		scan_refs(c, x, "'produces'", st, false);
	if ((x = map_get(v, "file", NULL)) != NULL && st->kind == RB_READ &&
	    (st->file = get_string(c, "file", x, true)) != NULL)
		scan_refs(c, x, "'file'", st, false);
	if ((x = map_get(v, "phrase", NULL)) != NULL &&
	    st->kind == RB_CONFIRM &&
	    (st->phrase = get_string(c, "phrase", x, true)) != NULL)
		scan_refs(c, x, "'phrase'", st, false);
	if ((x = map_get(v, "hint", NULL)) != NULL)
		st->hint = get_string(c, "hint", x, true);
	if ((x = map_get(v, "on-failure", NULL)) != NULL)
		st->on_failure = get_string(c, "on-failure", x, true);
	if ((x = map_get(v, "timeout", NULL)) != NULL &&
	    (bit & (K(READ) | K(CHECK) | K(ACTION))) != 0) {
		if (x->type != YT_SCALAR || (st->timeout = parse_timeout(x->s))
		    == 0)
			err(c, x->pos, "'timeout' must be seconds, or a "
			    "duration like 90s, 10m or 2h (at most a week), "
			    "found %s", yt_describe(x, what, sizeof what));
	}
	if ((x = map_get(v, "severity", NULL)) != NULL &&
	    st->kind == RB_CHECK) {
		static const char *const sev[] = { "fail", "warn", NULL };
		int k = get_enum(c, "severity", x, sev);

		if (k >= 0)
			st->severity = (enum rb_severity)k;
	}
	if ((x = map_get(v, "optional", NULL)) != NULL)
		get_bool(c, "optional", x, &st->optional);
	if ((x = map_get(v, "per-hop", &kk)) != NULL) {
		if (phase != RB_PHASE_PREPARE && phase != RB_PHASE_FINISH)
			err(c, kk->pos, "'per-hop' is only for prepare and "
			    "finish steps (%s steps %s)", phase_names[phase],
			    phase == RB_PHASE_HOP ? "run for every hop already"
			    : "run once");
		else
			get_bool(c, "per-hop", x, &st->per_hop);
	}
	if ((x = map_get(v, "needs", NULL)) != NULL)
		st->has_needs = load_words(c, "needs", x, &st->needs,
		    &st->n_needs);
	if ((x = map_get(v, "when", &kk)) != NULL) {
		if (phase != RB_PHASE_HOP)
			err(c, kk->pos, "'when' is only for hop steps; %s is "
			    "a %s step", name, phase_names[phase]);
		else
			load_words(c, "when", x, &st->when, &st->n_when);
	}

	/* What each kind needs. */
	switch (st->kind) {
	case RB_CHECK:
	case RB_ACTION:
		if (map_get(v, "run", NULL) == NULL)
			err(c, v->pos, "%s step '%s' needs 'run' (the command)",
			    kind_names[st->kind], id);
		break;
	case RB_CONFIRM:
		if ((x = map_get(v, "phrase", NULL)) == NULL)
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

			if (map_get(v, srcs[j], &kk) == NULL)
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

static void
load_phase(struct ctx *c, enum rb_phase phase, const struct yt_node *k,
    const struct yt_node *v)
{
	struct rb_steps	*ph = &c->rb->phases[phase];
	char		 what[64];
	size_t		 i;

	ph->pos = k->pos;
	if (yt_is_null(v) || (v->type == YT_SEQ && v->n == 0)) {
		err(c, k->pos, "empty phase '%s': add steps or remove the key",
		    phase_names[phase]);
		return;
	}
	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list of steps, found %s",
		    phase_names[phase], yt_describe(v, what, sizeof what));
		return;
	}
	ph->v = xcalloc(v->n, sizeof *ph->v);
	for (i = 0; i < v->n; i++) {
		if (v->vals[i]->type != YT_MAP) {
			err(c, v->vals[i]->pos, "a step must be a mapping "
			    "(id: ..., action: ...), found %s",
			    yt_describe(v->vals[i], what, sizeof what));
			continue;
		}
		load_step(c, phase, v->vals[i], &ph->v[ph->n++]);
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
		if ((guess = closest(need->s, ids)) != NULL)
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step; did you mean '%s'?", st->id,
			    clip(need->s, &cb), guess);
		else
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step", st->id, clip(need->s, &cb));
		return;
	}
	if ((st->phase == RB_PHASE_ROLLBACK) !=
	    (t->st->phase == RB_PHASE_ROLLBACK))
		err(c, need->pos, "step '%s' needs '%s', a %s step: rollback "
		    "steps need only rollback steps, and others no rollback "
		    "step", st->id, need->s, phase_names[t->st->phase]);
	else if (t->st->phase > st->phase)
		err(c, need->pos, "%s step '%s' needs '%s', a later %s step: a "
		    "step needs steps of its own phase or an earlier one",
		    phase_names[st->phase], st->id, need->s,
		    phase_names[t->st->phase]);
}

static void
check_steps(struct ctx *c)
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
			if (in_list(st->when[j].s, ids_known))
				continue;
			char *all = join(ids_known, " or ");
			err(c, st->when[j].pos, "'when: %s' is not a hop kind "
			    "of this runbook; expected %s",
			    clip(st->when[j].s, &cb), all);
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

		if (in_list(r->name, names))
			continue;
		guess = closest(r->name, names);
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

/* ---- the runbook --------------------------------------------------------- */

static void
load_root(struct ctx *c, const struct yt_node *root)
{
	static const char *const keys[] = {
		"stepup", "product", "description", "versions", "policy",
		"vars", "prepare", "hop", "finish", "rollback", NULL
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
	check_keys(c, root, "the runbook", keys);
	if ((x = map_get(root, "stepup", NULL)) == NULL)
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
	if ((x = map_get(root, "product", NULL)) == NULL)
		err(c, root->pos, "missing 'product' (the product's name)");
	else
		rb->product = get_string(c, "product", x, true);
	if ((x = map_get(root, "description", NULL)) != NULL)
		rb->description = get_string(c, "description", x, true);
	if ((x = map_get(root, "versions", NULL)) == NULL)
		err(c, root->pos, "missing 'versions' (scheme, installed, "
		    "available)");
	else
		load_versions(c, x);
	if ((x = map_get(root, "policy", NULL)) != NULL)
		load_policy(c, x);
	if ((x = map_get(root, "vars", NULL)) != NULL)
		load_vars(c, x);
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		if ((x = map_get(root, phase_names[p], &k)) == NULL)
			continue;
		load_phase(c, (enum rb_phase)p, k, x);
		if (p != RB_PHASE_ROLLBACK && (x->type == YT_SEQ && x->n > 0))
			any = true;
	}
	if (!any)
		err(c, root->pos, "no steps: a runbook needs a 'prepare', "
		    "'hop' or 'finish' phase");
	check_steps(c);
	check_refs(c);
}

/* A hostile file can hold thousands of problems: keep the first ones (in
 * file order) and say how many more there are. */
#define RB_MAX_DIAGS	100

static int
diag_struct_cmp(const void *a, const void *b)
{
	const struct rb_diag	*x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

static void
diags_trim(struct rb_diags *d, size_t start, const char *file,
    size_t dropped, bool capped)
{
	size_t	i, more;

	if (d->n - start <= RB_MAX_DIAGS)
		return;
	qsort(d->v + start, d->n - start, sizeof *d->v, diag_struct_cmp);
	more = d->n - start - RB_MAX_DIAGS + dropped;
	for (i = start + RB_MAX_DIAGS; i < d->n; i++) {
		if (d->v[i].level == RB_ERROR)
			d->n_errors--;
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	d->n = start + RB_MAX_DIAGS;
	rb_diag_add(d, RB_ERROR, file, (struct rb_pos){0, 0},
	    capped ? "more than %zu further problems not shown" :
	    "%zu more problems not shown", more);
}

static struct runbook *
runbook_new(const char *path)
{
	struct runbook	*rb;
	const char	*slash;
	int		 i;

	rb = xcalloc(1, sizeof *rb);
	rb->path = xstrdup(path);
	if ((slash = strrchr(path, '/')) == NULL)
		rb->dir = xstrdup(".");
	else if (slash == path)
		rb->dir = xstrdup("/");
	else
		rb->dir = xstrndup(path, (size_t)(slash - path));
	rb->versions.series = 2;
	for (i = 0; i < 3; i++)
		rb->versions.kinds[i] = xstrdup((const char *[]){
		    "major", "minor", "patch" }[i]);
	rb->policy.within_series = RB_WITHIN_ANY;
	rb->policy.leave_series = RB_LEAVE_FROM_ANY;
	rb->policy.skip_series = true;
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
	diags_trim(diags, start, path, 0, false);
	rb = runbook_new(path);
	sha256_hex(buf, len, rb->sha256);
	free(buf);
	memset(&c, 0, sizeof c);
	c.file = path;
	c.d = diags;
	c.rb = rb;
	load_root(&c, root);
	yt_free(root);
	for (i = 0; i < c.n_refs; i++)
		free(c.refs[i].name);
	free(c.refs);
	diags_trim(diags, start, path, c.dropped, c.capped);
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
	free(st->text);
	free(st->run);
	free(st->undo);
	free(st->produces);
	free(st->file);
	free(st->phrase);
	free(st->hint);
	free(st->on_failure);
	for (i = 0; i < st->n_needs; i++)
		free(st->needs[i].s);
	free(st->needs);
	for (i = 0; i < st->n_when; i++)
		free(st->when[i].s);
	free(st->when);
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
	}
	free(v);
}

void
runbook_free(struct runbook *rb)
{
	size_t	i, j;
	int	p;

	if (rb == NULL)
		return;
	free(rb->path);
	free(rb->dir);
	free(rb->product);
	free(rb->description);
	for (i = 0; i < 3; i++)
		free(rb->versions.kinds[i]);
	source_free(&rb->versions.installed);
	source_free(&rb->versions.available);
	for (i = 0; i < rb->policy.n_required_stops; i++)
		free(rb->policy.required_stops[i].s);
	free(rb->policy.required_stops);
	boundaries_free(rb->policy.redeploy_at, rb->policy.n_redeploy_at);
	boundaries_free(rb->policy.no_across, rb->policy.n_no_across);
	for (i = 0; i < rb->n_vars; i++) {
		struct rb_var *v = &rb->vars[i];

		free(v->name);
		free(v->ask);
		free(v->value);
		free(v->env);
		free(v->def);
		free(v->pattern);
		for (j = 0; j < v->n_choices; j++)
			free(v->choices[j]);
		free(v->choices);
	}
	free(rb->vars);
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++)
			step_free(&rb->phases[p].v[i]);
		free(rb->phases[p].v);
	}
	free(rb);
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

bool
runbook_step_runs_on(const struct rb_step *st, const char *kind)
{
	size_t	i;

	if (kind == NULL)
		return false;
	if (st->n_when == 0)
		return strcmp(kind, "redeploy") != 0;
	for (i = 0; i < st->n_when; i++) {
		if (strcmp(st->when[i].s, kind) == 0)
			return true;
	}
	return false;
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

/* ---- lint warnings ------------------------------------------------------- */

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
		if (strncmp(p + 1, name, n) == 0 && !is_name_char(p[1 + n],
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
step_mentions(const struct rb_step *st, const char *name)
{
	return mentions(st->run, name) || mentions(st->undo, name) ||
	    mentions(st->produces, name) || mentions(st->file, name) ||
	    mentions(st->phrase, name) || mentions(st->text, name) ||
	    mentions(st->title, name);
}

/* A variable nothing mentions is a question asked for nothing (unless
 * its name is all capitals: PGHOST is for the programs to read). */
static size_t
lint_vars(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_var	*v;
	size_t			 i, j, n = 0;
	bool			 used;
	int			 p;

	for (i = 0; i < rb->n_vars; i++) {
		v = &rb->vars[i];
		used = mentions(rb->versions.installed.command, v->name) ||
		    mentions(rb->versions.available.command, v->name);
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
