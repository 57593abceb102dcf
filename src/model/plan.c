/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plan.c: the upgrade-path planner, a pure function of (catalog, policy,
 * from, to). The catalog is sorted once; an allowed hop i -> j (indices in
 * it) is one whose target is at most U[i] (required stops, boundaries,
 * skipped series and minors bound how far a hop may reach, and that bound
 * grows with i) and whose shape the series rules accept. A breadth-first
 * search backwards from the target, over "next unvisited" sets, visits
 * each release once, so a plan over 10 000 releases costs O(n log n). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "util.h"
#include "version.h"

struct plan_catalog {
	enum rb_scheme	 scheme;
	int		 series;	/* leading components naming a series */
	char		*kinds[3];
	struct version	*v;		/* sorted, unique */
	size_t		 n;
	size_t		*ser;		/* series of each release */
	size_t		*sfirst, *slast; /* a series' first and last */
	size_t		 nser;
	size_t		*ml;		/* minor line (two components) */
	size_t		*mllast;
	size_t		 nml;
	struct version	*pre;		/* pre-releases kept aside, sorted */
	size_t		 npre;
};

/* The rules a hop can break, in the order a refusal names them. */
enum rule {
	R_NO_ACROSS,
	R_STOP,
	R_REDEPLOY2,
	R_SKIP,
	R_ONE_MINOR,
	R_LEAVE,
	R_ENTER_AT,
	R_WITHIN,
	R_ENTER,
	R__COUNT
};

static const char *const rule_names[R__COUNT] = {
	"no-upgrade-across", "required-stop", "redeploy-at", "skip-series",
	"one-minor-at-a-time", "leave-series", "enter-at", "within-series",
	"within-series",
};

/* Why a stop is on the path: the rule a hop past it would break. */
static const char *const stop_reasons[R__COUNT] = {
	"no upgrade crosses the boundary after it",
	"a required stop",
	"a redeploy crosses one boundary at a time",
	"no series is skipped",
	"minor versions are upgraded one at a time",
	"a series is left only from its latest release",
	"a series is entered only at a release its enter-at names",
	"within a series every release is installed in turn",
	"a series on the way is entered at its first release",
};

struct boundary {
	struct version	 v;
	const char	*reason;	/* the runbook's, or NULL */
	const char	*line;		/* a stop naming a line ("8.11.x"),
					   as written; v is then its newest
					   release, or its first number when
					   the catalog has none */
	int		 lparts;	/* the line's numbers (2 for 8.11) */
	const struct rb_boundary *src;	/* the runbook's item */
};

/* One planning problem: the catalog, the policy's versions parsed and
 * sorted, and the target. */
/* One level of series and its rules: the levels the policy nests
 * (coarsest first), then versions.series itself. */
struct lvl {
	int		 parts;
	size_t		*ser, *sfirst, *slast;	/* as in the catalog */
	size_t		 nser;
	bool		 own;		/* the arrays are the level's */
	enum rb_leave	 leave;
	int		 skip;
	int		*skipto;	/* per release, the skip of a hop into
					   it (skip-series-to), or NULL */
	int		 skipmax;	/* the largest of them, for bounds */
	const struct rb_skip_to **skipsrc; /* per release, the item of
					   skip-series-to that gave skipto */
	bool		*enter;		/* per release, or NULL: any */
	const struct rb_boundary **entersrc; /* per release, the enter-at
					   item that names it */
	const struct rb_rule_item *const *chosen; /* the policy's or the
					   level's conditional values */
	bool		 base;		/* versions.series */
};

struct ctx {
	const struct plan_catalog *c;
	const struct rb_policy	*p;
	struct boundary		*stops, *across, *redeploy;
	size_t			 nstops, nacross, nredeploy;
	struct lvl		*lv;
	size_t			 nlv;
	size_t			 t;
};

struct entry {
	struct version	v;
	size_t		idx;
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;
	int			 c = version_cmp(&x->v, &y->v);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
cmp_boundary(const void *a, const void *b)
{
	return version_cmp(&((const struct boundary *)a)->v,
	    &((const struct boundary *)b)->v);
}

static int
cmp_size_desc(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Build a catalog. Pre-releases are kept aside (in pre) unless keep_pre,
 * or unless there is nothing else. */
static struct plan_catalog *
catalog_build(enum rb_scheme scheme, int series, char *const kinds[3],
    const char *const *rel, size_t n, bool keep_pre, char **cause)
{
	struct plan_catalog	*c;
	struct version		*v;
	struct entry		*e;
	char			*why;
	size_t			 i, k, nfinal = 0;
	int			 ki;

	if (n == 0) {
		*cause = xstrdup("the catalog of available releases is empty");
		return NULL;
	}
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		if (version_parse(&v[i], scheme, rel[i], &why) != 0) {
			*cause = xasprintf("'%s' is not a valid %s version: %s",
			    rel[i], version_scheme_name(scheme), why);
			free(why);
			while (i-- > 0)
				version_free(&v[i]);
			free(v);
			return NULL;
		}
	}
	/* Equal precedence keeps the first spelling: sort by (version,
	   position in the input). */
	e = xcalloc(n, sizeof *e);
	for (i = 0; i < n; i++) {
		e[i].v = v[i];
		e[i].idx = i;
	}
	qsort(e, n, sizeof *e, cmp_entry);
	for (i = 0; i < n; i++)
		v[i] = e[i].v;
	free(e);
	c = xcalloc(1, sizeof *c);
	c->scheme = scheme;
	c->series = series > 0 ? series : 1;
	for (ki = 0; ki < 3; ki++) {
		static const char *const def[] = { "major", "minor", "patch" };
		c->kinds[ki] = xstrdup(kinds[ki] != NULL ? kinds[ki] : def[ki]);
	}
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && version_cmp(&v[k - 1], &v[i]) == 0) {
			version_free(&v[i]);
			continue;
		}
		v[k++] = v[i];
		if (!version_is_prerelease(&v[i]))
			nfinal++;
	}
	n = k;
	if (!keep_pre && nfinal > 0 && nfinal < n) {
		c->pre = xcalloc(n - nfinal, sizeof *c->pre);
		for (i = 0, k = 0; i < n; i++) {
			if (version_is_prerelease(&v[i]))
				c->pre[c->npre++] = v[i];
			else
				v[k++] = v[i];
		}
		n = k;
	}
	c->v = v;
	c->n = n;
	c->ser = xcalloc(c->n, sizeof *c->ser);
	c->ml = xcalloc(c->n, sizeof *c->ml);
	c->sfirst = xcalloc(c->n, sizeof *c->sfirst);
	c->slast = xcalloc(c->n, sizeof *c->slast);
	c->mllast = xcalloc(c->n, sizeof *c->mllast);
	for (i = 0; i < c->n; i++) {
		if (i == 0 ||
		    !version_same_series(&v[i - 1], &v[i], c->series))
			c->sfirst[c->nser++] = i;
		c->ser[i] = c->nser - 1;
		c->slast[c->nser - 1] = i;
		if (i == 0 || !version_same_series(&v[i - 1], &v[i], 2))
			c->nml++;
		c->ml[i] = c->nml - 1;
		c->mllast[c->nml - 1] = i;
	}
	return c;
}

struct plan_catalog *
plan_catalog_new(const struct rb_versions *vs, const char *const *rel,
    size_t n, char **cause)
{
	return catalog_build(vs->scheme, vs->series, vs->kinds, rel, n, false,
	    cause);
}

/* When from or to is a pre-release kept aside, a catalog of the releases
 * with it (them) added; NULL when none is. */
static struct plan_catalog *
with_prereleases(const struct plan_catalog *c, const char *from,
    const char *to)
{
	const char		*named[2] = { from, to };
	const char		**rel;
	struct plan_catalog	*wc;
	struct version		 v;
	char			*why;
	size_t			 i, n;
	int			 k;
	bool			 any = false;

	if (c->npre == 0)
		return NULL;
	rel = xcalloc(c->n + 2, sizeof *rel);
	for (n = 0; n < c->n; n++)
		rel[n] = c->v[n].text;
	for (k = 0; k < 2; k++) {
		if (version_parse(&v, c->scheme, named[k], &why) != 0) {
			free(why);
			continue;
		}
		for (i = 0; i < c->npre; i++) {
			if (version_cmp(&c->pre[i], &v) == 0) {
				rel[n++] = c->pre[i].text;
				any = true;
				break;
			}
		}
		version_free(&v);
	}
	wc = any ? catalog_build(c->scheme, c->series, c->kinds, rel, n, true,
	    &why) : NULL;
	free(rel);
	return wc;
}

void
plan_catalog_free(struct plan_catalog *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		version_free(&c->v[i]);
	for (i = 0; i < c->npre; i++)
		version_free(&c->pre[i]);
	for (i = 0; i < 3; i++)
		free(c->kinds[i]);
	free(c->pre);
	free(c->v);
	free(c->ser);
	free(c->ml);
	free(c->sfirst);
	free(c->slast);
	free(c->mllast);
	free(c);
}

size_t
plan_catalog_size(const struct plan_catalog *c)
{
	return c->n;
}

const char *
plan_catalog_at(const struct plan_catalog *c, size_t i)
{
	return i < c->n ? c->v[i].text : NULL;
}

const char *
plan_catalog_newest(const struct plan_catalog *c)
{
	return c->v[c->n - 1].text;
}

/* Index of the first release >= v (strict: > v). */
static size_t
lower_bound(const struct plan_catalog *c, const struct version *v, bool strict)
{
	size_t	lo = 0, hi = c->n, mid;
	int	r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = version_cmp(&c->v[mid], v);
		if (r < 0 || (strict && r == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of v in the catalog, or -1. */
static long
find(const struct plan_catalog *c, const struct version *v)
{
	size_t	i = lower_bound(c, v, false);

	if (i < c->n && version_cmp(&c->v[i], v) == 0)
		return (long)i;
	return -1;
}

static char	*series_name(const struct version *, int);
static void	 conds_words(const struct rb_cond *, size_t, struct buf *);

/* ", since VAR is ANSWER" for an item that applies by its `when`. */
static void
since_print(const struct rb_cond *w, size_t n, struct buf *b)
{
	if (n == 0)
		return;
	buf_puts(b, ", since ");
	conds_words(w, n, b);
}

/* The same for a scalar rule's value, when a conditional item gave it. */
static void
since_rule(const struct rb_rule_item *const *chosen, enum rb_rule_id id,
    struct buf *b)
{
	if (chosen[id] != NULL)
		since_print(chosen[id]->when, chosen[id]->n_when, b);
}

/* A release's minor line as numbers: epoch, major, minor (a missing
 * component counts as 0). */
struct line {
	unsigned long long	e, M, m;
};

static struct line
line_of(const struct version *v)
{
	struct line	l;

	l.e = v->epoch;
	l.M = v->part[0];
	l.m = v->n > 1 ? v->part[1] : 0;
	return l;
}

static int
line_cmp(struct line a, struct line b)
{
	if (a.e != b.e)
		return a.e < b.e ? -1 : 1;
	if (a.M != b.M)
		return a.M < b.M ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return 0;
}

/* Index of the first release whose minor line is at least l. */
static size_t
line_lower_bound(const struct plan_catalog *c, struct line l)
{
	size_t	lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (line_cmp(line_of(&c->v[mid]), l) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the catalog has a release on minor line l. */
static bool
line_listed(const struct plan_catalog *c, struct line l)
{
	size_t	i = line_lower_bound(c, l);

	return i < c->n && line_cmp(line_of(&c->v[i]), l) == 0;
}

/* One minor at a time counts version numbers, not catalog entries: from
 * M.m a hop reaches M.(m+1) at most, and M+1.0 only from the latest line
 * of M in the catalog; and it passes over no line the catalog has. */
static bool
one_minor_ok(const struct plan_catalog *c, size_t i, size_t j)
{
	struct line	a = line_of(&c->v[i]), b = line_of(&c->v[j]);

	if (c->ml[j] > c->ml[i] + 1)
		return false;
	if (a.e != b.e)
		return true;
	if (b.M == a.M)
		return b.m <= a.m + 1;
	return b.M == a.M + 1 && b.m == 0;
}

/* The last index a hop from i may reach under one-minor-at-a-time. */
static size_t
one_minor_bound(const struct plan_catalog *c, size_t i)
{
	struct line	a = line_of(&c->v[i]), b = a;
	size_t		nl = c->ml[i] + 1, k;

	if (nl < c->nml && line_of(&c->v[c->mllast[nl]]).M == a.M &&
	    line_of(&c->v[c->mllast[nl]]).e == a.e) {
		b.m = a.m + 2;
	} else {
		b.M = a.M + 1;
		b.m = 1;
	}
	k = line_lower_bound(c, b);
	return k > i ? k - 1 : i;
}

/* Names of minor lines, for a sentence: all of them up to eight, else
 * the first three and the last two. */
struct names {
	char	*head[8];
	char	*tail[2];
	size_t	 n;
};

static void
names_add(struct names *l, char *name)
{
	if (l->n < nitems(l->head))
		l->head[l->n] = name;
	else {
		free(l->tail[0]);
		l->tail[0] = l->tail[1];
		l->tail[1] = name;
	}
	l->n++;
}

static void
names_print(const struct names *l, struct buf *b)
{
	size_t	k, n = l->n;

	if (n <= nitems(l->head)) {
		for (k = 0; k < n; k++)
			buf_printf(b, "%s%s", k == 0 ? "" : k + 1 == n ?
			    " and " : ", ", l->head[k]);
		return;
	}
	buf_printf(b, "%s, %s, %s, ...", l->head[0], l->head[1], l->head[2]);
	if (l->tail[0] != NULL)
		buf_printf(b, ", %s", l->tail[0]);
	buf_printf(b, " and %s (%zu in all)", l->tail[1], n);
}

static void
names_free(struct names *l)
{
	size_t	k;

	for (k = 0; k < nitems(l->head) && k < l->n; k++)
		free(l->head[k]);
	free(l->tail[0]);
	free(l->tail[1]);
}

/* Add the lines M.lo .. M.hi (by number) to all, and those the catalog
 * lacks to missing. */
static void
lines_by_number(const struct plan_catalog *c, unsigned long long e,
    unsigned long long M, unsigned long long lo, unsigned long long hi,
    struct names *all, struct names *missing)
{
	struct line		l = { e, M, 0 };
	unsigned long long	m;
	size_t			k;

	for (m = lo, k = 0; m <= hi && m >= lo && k < 100000; m++, k++) {
		l.m = m;
		names_add(all, xasprintf("%llu.%llu", M, m));
		if (!line_listed(c, l))
			names_add(missing, xasprintf("%llu.%llu", M, m));
	}
}

/* The minor lines hop i -> j passes over, in order: those of the catalog
 * and those its version numbers skip. */
static void
skipped_lines(const struct plan_catalog *c, size_t i, size_t j,
    struct names *all, struct names *missing)
{
	struct line		a = line_of(&c->v[i]), b = line_of(&c->v[j]);
	struct line		top;
	unsigned long long	M;
	size_t			k, l;

	if (a.e != b.e || b.M == a.M) {
		if (a.e == b.e && b.m > a.m + 1) {
			lines_by_number(c, a.e, a.M, a.m + 1, b.m - 1, all,
			    missing);
			return;
		}
		for (l = c->ml[i] + 1; l < c->ml[j]; l++)
			names_add(all, series_name(&c->v[c->mllast[l]], 2));
		return;
	}
	/* the lines of a.M above a.m, every later major, then b.M below b.m */
	for (M = a.M; M <= b.M && M >= a.M; M++) {
		top.e = a.e;
		top.M = M;
		top.m = 0;
		k = line_lower_bound(c, top);
		top.M = M + 1;
		l = line_lower_bound(c, top);
		if (M == b.M) {
			if (b.m > 0)
				lines_by_number(c, a.e, M, 0, b.m - 1, all,
				    missing);
		} else if (M == a.M) {
			top = line_of(&c->v[l - 1]);
			if (top.m > a.m)
				lines_by_number(c, a.e, M, a.m + 1, top.m,
				    all, missing);
		} else if (k == l) {
			names_add(all, xasprintf("%llu.x", M));
			names_add(missing, xasprintf("%llu.x", M));
		} else {
			top = line_of(&c->v[l - 1]);
			lines_by_number(c, a.e, M, 0, top.m, all, missing);
		}
		if (M - a.M > 1000)
			break;
	}
}

/* The series a release belongs to, as written: its first `parts`
 * components, e.g. "23.09" for 23.09.10. */
static char *
series_name(const struct version *v, int parts)
{
	const char	*p = v->text;
	int		 dots = 0;
	size_t		 len = 0;

	if (*p == 'v' || *p == 'V')
		p++;
	if (v->n <= parts)
		parts = v->n;
	while (p[len] != '\0') {
		if (p[len] == '.' && ++dots == parts)
			break;
		if (p[len] != '.' && (p[len] < '0' || p[len] > '9') &&
		    p[len] != '!')
			break;
		len++;
	}
	return xstrndup(p, len);
}

static void
ctx_free(struct ctx *x)
{
	size_t	i;

	for (i = 0; i < x->nstops; i++)
		version_free(&x->stops[i].v);
	for (i = 0; i < x->nacross; i++)
		version_free(&x->across[i].v);
	for (i = 0; i < x->nredeploy; i++)
		version_free(&x->redeploy[i].v);
	free(x->stops);
	free(x->across);
	free(x->redeploy);
	for (i = 0; i < x->nlv; i++) {
		if (x->lv[i].own) {
			free(x->lv[i].ser);
			free(x->lv[i].sfirst);
			free(x->lv[i].slast);
		}
		free(x->lv[i].enter);
		free(x->lv[i].entersrc);
		free(x->lv[i].skipto);
		free(x->lv[i].skipsrc);
	}
	free(x->lv);
}

/* Whether text names a line of releases ("8.11.x", "8.11.Z", "16.x"):
 * the length of the line's numbers, else 0. */
static size_t
line_prefix(const char *text)
{
	size_t	n = strlen(text);

	if (n < 3 || text[n - 2] != '.' || strchr("xXzZ", text[n - 1]) == NULL)
		return 0;
	return n - 2;
}

/* Parse the first release of the line text names, and how many numbers
 * name the line. */
static int
line_parse(enum rb_scheme scheme, const char *text, struct version *v,
    int *parts, char **cause)
{
	size_t	 len = line_prefix(text), i;
	char	*s, *why;
	int	 rc;

	*cause = NULL;
	*parts = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '.')
			(*parts)++;
	/* 8.11 under semver is 8.11.0: add zeros until it parses */
	s = xasprintf("%.*s.0.0", (int)len, text);
	s[len] = '\0';
	if ((rc = version_parse(v, scheme, s, cause)) != 0) {
		for (i = 0; i < 2 && rc != 0; i++) {
			s[len + 2 * i] = '.';
			s[len + 2 * i + 2] = '\0';
			if ((rc = version_parse(v, scheme, s, &why)) != 0)
				free(why);
		}
		if (rc == 0) {
			free(*cause);
			*cause = NULL;
		}
	}
	free(s);
	return rc;
}

/* Resolve a line stop against the catalog: its newest release there. */
static void
line_resolve(const struct plan_catalog *c, struct boundary *b)
{
	size_t	 k = lower_bound(c, &b->v, false);
	long	 last = -1;
	char	*why;

	while (k < c->n && version_same_series(&c->v[k], &b->v, b->lparts))
		last = (long)k++;
	if (last < 0)
		return;
	version_free(&b->v);
	if (version_parse(&b->v, c->scheme, c->v[last].text, &why) != 0)
		abort();
}

static int
parse_boundaries(const struct plan_catalog *c, const char *what,
    const struct rb_boundary *b, size_t n, bool lines,
    struct boundary **out, size_t *nout, char **cause)
{
	enum rb_scheme	 scheme = c->scheme;
	size_t		 i;
	char		*why;
	int		 rc;

	*out = xcalloc(n, sizeof **out);
	*nout = 0;
	for (i = 0; i < n; i++) {
		const char *text = b[i].at.s;
		if (lines && line_prefix(text) > 0) {
			rc = line_parse(scheme, text, &(*out)[i].v,
			    &(*out)[i].lparts, &why);
			(*out)[i].line = text;
		} else
			rc = version_parse(&(*out)[i].v, scheme, text, &why);
		if (rc != 0) {
			*cause = xasprintf("%s '%s' is not a valid %s version: "
			    "%s", what, text, version_scheme_name(scheme), why);
			free(why);
			return -1;
		}
		(*out)[i].reason = b[i].reason;
		(*out)[i].src = &b[i];
		if ((*out)[i].line != NULL)
			line_resolve(c, &(*out)[i]);
		(*nout)++;
	}
	qsort(*out, n, sizeof **out, cmp_boundary);
	return 0;
}

/* The levels of series: the policy's nested ones, each with its series
 * computed, then versions.series (the catalog's). */
static int
levels_init(struct ctx *x, char **cause)
{
	const struct plan_catalog	*c = x->c;
	const struct rb_policy		*p = x->p;
	struct lvl			*l;
	struct boundary			*e;
	size_t				 k, i, ne;
	long				 f;

	x->nlv = p->n_levels + 1;
	x->lv = xcalloc(x->nlv, sizeof *x->lv);
	for (k = 0; k < p->n_levels; k++) {
		l = &x->lv[k];
		l->parts = p->levels[k].parts;
		l->leave = p->levels[k].leave;
		l->skip = l->skipmax = p->levels[k].skip;
		l->own = true;
		l->chosen = p->levels[k].chosen;
		l->ser = xcalloc(c->n, sizeof *l->ser);
		l->sfirst = xcalloc(c->n, sizeof *l->sfirst);
		l->slast = xcalloc(c->n, sizeof *l->slast);
		for (i = 0; i < c->n; i++) {
			if (i == 0 || !version_same_series(&c->v[i - 1],
			    &c->v[i], l->parts))
				l->sfirst[l->nser++] = i;
			l->ser[i] = l->nser - 1;
			l->slast[l->nser - 1] = i;
		}
		if (p->levels[k].n_enter_at == 0)
			continue;
		if (parse_boundaries(c, "enter-at", p->levels[k].enter_at,
		    p->levels[k].n_enter_at, true, &e, &ne, cause) != 0)
			return -1;
		l->enter = xcalloc(c->n, sizeof *l->enter);
		l->entersrc = xcalloc(c->n, sizeof *l->entersrc);
		for (i = 0; i < ne; i++) {
			if ((f = find(c, &e[i].v)) >= 0) {
				/* named unconditionally: not because of a
				   `when` */
				if (!l->enter[f] || e[i].src->n_when == 0)
					l->entersrc[f] = e[i].src;
				l->enter[f] = true;
			}
			version_free(&e[i].v);
		}
		free(e);
	}
	l = &x->lv[p->n_levels];
	l->parts = c->series;
	l->ser = c->ser;
	l->sfirst = c->sfirst;
	l->slast = c->slast;
	l->nser = c->nser;
	l->leave = p->leave_series;
	l->skip = l->skipmax = p->skip_series;
	l->base = true;
	l->chosen = p->chosen;
	if (p->n_skip_to > 0) {
		l->skipto = xcalloc(c->n, sizeof *l->skipto);
		l->skipsrc = xcalloc(c->n, sizeof *l->skipsrc);
		for (i = 0; i < c->n; i++) {
			l->skipto[i] = p->skip_series;
			for (k = 0; k < p->n_skip_to; k++) {
				if (version_in_range(c->scheme, c->v[i].text,
				    p->skip_to[k].to.s, cause) < 0)
					return -1;
				if (version_in_range(c->scheme, c->v[i].text,
				    p->skip_to[k].to.s, cause) == 1) {
					l->skipto[i] = p->skip_to[k].skip;
					l->skipsrc[i] = &p->skip_to[k];
					break;
				}
			}
			if (l->skipmax != RB_SKIP_ANY &&
			    (l->skipto[i] == RB_SKIP_ANY ||
			    l->skipto[i] > l->skipmax))
				l->skipmax = l->skipto[i];
		}
	}
	return 0;
}

/* How many series of level l a hop into j may pass over. */
static int
lvl_skip(const struct lvl *l, size_t j)
{
	return l->skipto != NULL ? l->skipto[j] : l->skip;
}

/* Whether a hop out of its series at level l may start at i. */
static bool
leave_ok(const struct ctx *x, const struct lvl *l, size_t i)
{
	switch (l->leave) {
	case RB_LEAVE_FROM_ANY:
		return true;
	case RB_LEAVE_FROM_LATEST:
		return i == l->slast[l->ser[i]];
	case RB_LEAVE_FROM_LATEST_MINOR:
		return x->c->ml[i] == x->c->ml[l->slast[l->ser[i]]];
	}
	return true;
}

/* The first level whose rule r (skip, leave, enter-at) hop i -> j
 * breaks, or nlv. */
static size_t
level_breaking(const struct ctx *x, size_t i, size_t j, enum rule r)
{
	const struct lvl	*l;
	size_t			 k, a, b;

	for (k = 0; k < x->nlv; k++) {
		l = &x->lv[k];
		a = l->ser[i];
		b = l->ser[j];
		if (r == R_SKIP && lvl_skip(l, j) != RB_SKIP_ANY &&
		    b > a + 1 + (size_t)lvl_skip(l, j))
			return k;
		if (r == R_LEAVE && a != b && !leave_ok(x, l, i))
			return k;
		if (r == R_ENTER_AT && a != b && l->enter != NULL &&
		    !l->enter[j])
			return k;
	}
	return x->nlv;
}

static const char *
level_word(int parts)
{
	return parts == 1 ? "major" : parts == 2 ? "major.minor" :
	    "major.minor.patch";
}

/* The policy key of a level's rule, as a runbook writes it. */
static void
level_key(const struct lvl *l, const char *base, const char *nested,
    struct buf *b)
{
	if (l->base)
		buf_puts(b, base);
	else
		buf_printf(b, "levels: %s: %s", level_word(l->parts), nested);
}

static int
ctx_init(struct ctx *x, const struct plan_catalog *c,
    const struct rb_policy *p, char **cause)
{
	memset(x, 0, sizeof *x);
	x->c = c;
	x->p = p;
	if (parse_boundaries(c, "required stop", p->required_stops,
	    p->n_required_stops, true, &x->stops, &x->nstops, cause) != 0 ||
	    parse_boundaries(c, "no-upgrade-across", p->no_across,
	    p->n_no_across, false, &x->across, &x->nacross, cause) != 0 ||
	    parse_boundaries(c, "redeploy-at", p->redeploy_at,
	    p->n_redeploy_at, false, &x->redeploy, &x->nredeploy,
	    cause) != 0) {
		ctx_free(x);
		return -1;
	}
	if (levels_init(x, cause) != 0) {
		ctx_free(x);
		return -1;
	}
	return 0;
}

/* The boundaries b with a < b <= z (strict_top: a < b < z): how many, and
 * the first one in *first. */
static size_t
crossed(const struct boundary *b, size_t n, const struct version *a,
    const struct version *z, bool strict_top, size_t *first)
{
	size_t	i, count = 0;
	int	top;

	for (i = 0; i < n; i++) {
		if (version_cmp(&b[i].v, a) <= 0)
			continue;
		top = version_cmp(&b[i].v, z);
		if (top > 0 || (strict_top && top == 0))
			break;
		if (count++ == 0 && first != NULL)
			*first = i;
	}
	return count;
}

/* The rules hop i -> j (i < j) breaks, as a bit set over enum rule. */
static unsigned
violations(const struct ctx *x, size_t i, size_t j)
{
	const struct plan_catalog	*c = x->c;
	const struct rb_policy		*p = x->p;
	unsigned			 bad = 0;
	size_t				 si = c->ser[i], sj = c->ser[j];

	if (crossed(x->across, x->nacross, &c->v[i], &c->v[j], false, NULL))
		bad |= 1u << R_NO_ACROSS;
	if (crossed(x->stops, x->nstops, &c->v[i], &c->v[j], true, NULL))
		bad |= 1u << R_STOP;
	if (crossed(x->redeploy, x->nredeploy, &c->v[i], &c->v[j], false,
	    NULL) > 1)
		bad |= 1u << R_REDEPLOY2;
	if (level_breaking(x, i, j, R_SKIP) < x->nlv)
		bad |= 1u << R_SKIP;
	if (p->one_minor && !one_minor_ok(c, i, j))
		bad |= 1u << R_ONE_MINOR;
	if (level_breaking(x, i, j, R_LEAVE) < x->nlv)
		bad |= 1u << R_LEAVE;
	if (level_breaking(x, i, j, R_ENTER_AT) < x->nlv)
		bad |= 1u << R_ENTER_AT;
	if (si == sj) {
		if (p->within_series == RB_WITHIN_CONSECUTIVE && j != i + 1)
			bad |= 1u << R_WITHIN;
	} else {
		if (p->within_series == RB_WITHIN_CONSECUTIVE &&
		    j != c->sfirst[sj] && j != x->t)
			bad |= 1u << R_ENTER;
	}
	return bad;
}

static enum rule
first_rule(unsigned bad)
{
	int	r;

	for (r = 0; r < R__COUNT; r++)
		if (bad & (1u << r))
			return (enum rule)r;
	return R__COUNT;
}

/* One sentence on how hop i -> j breaks rule r. */
static void
explain(const struct ctx *x, size_t i, size_t j, enum rule r, struct buf *b)
{
	const struct plan_catalog	*c = x->c;
	const char			*a = c->v[i].text, *z = c->v[j].text;
	struct names			 all, missing;
	const struct boundary		*st;
	const struct lvl		*l;
	const struct rb_series_level	*en;
	size_t				 k = 0, s;
	char				*name, *line;

	switch (r) {
	case R_NO_ACROSS:
		crossed(x->across, x->nacross, &c->v[i], &c->v[j], false, &k);
		st = &x->across[k];
		/* from another major: say from which line ("1.x") */
		if (st->v.epoch != c->v[i].epoch ||
		    st->v.part[0] != c->v[i].part[0]) {
			name = series_name(&c->v[i], 1);
			line = xasprintf("%s.x", name);
			free(name);
		} else
			line = xstrdup(a);
		buf_printf(b, "%s cannot be reached in place or by a redeploy "
		    "from %s: no documented path leads from below %s to %s or "
		    "later (no-upgrade-across)", z, line, st->v.text,
		    st->v.text);
		free(line);
		since_print(x->across[k].src->when, x->across[k].src->n_when,
		    b);
		if (x->across[k].reason != NULL)
			buf_printf(b, ": %s", x->across[k].reason);
		break;
	case R_STOP:
		crossed(x->stops, x->nstops, &c->v[i], &c->v[j], true, &k);
		st = &x->stops[k];
		if (st->line != NULL && find(c, &st->v) >= 0) {
			name = series_name(&st->v, st->lparts);
			buf_printf(b, "%s -> %s passes over %s (%s: the newest "
			    "%s release in the catalog), a required stop that "
			    "every upgrade across it must stop at "
			    "(required-stops)", a, z, st->v.text, st->line,
			    name);
			free(name);
		} else if (st->line != NULL) {
			buf_printf(b, "%s -> %s passes over %s, a required stop "
			    "that every upgrade across it must stop at "
			    "(required-stops); the catalog has no release of "
			    "that line, so nothing can stop there", a, z,
			    st->line);
		} else {
			buf_printf(b, "%s -> %s passes over %s, a required stop "
			    "that every upgrade across it must stop at "
			    "(required-stops)", a, z, st->v.text);
			if (find(c, &st->v) < 0)
				buf_printf(b, "; %s is not in the catalog, so "
				    "nothing can stop there", st->v.text);
		}
		since_print(st->src->when, st->src->n_when, b);
		break;
	case R_REDEPLOY2:
		crossed(x->redeploy, x->nredeploy, &c->v[i], &c->v[j], false,
		    &k);
		buf_printf(b, "%s -> %s crosses the redeploy boundaries %s and "
		    "%s, and a redeploy crosses one at a time (redeploy-at)",
		    a, z, x->redeploy[k].v.text, x->redeploy[k + 1].v.text);
		for (s = k; s < k + 2; s++) {
			st = &x->redeploy[s];
			if (st->src->n_when == 0)
				continue;
			buf_printf(b, "; %s is one since ", st->v.text);
			conds_words(st->src->when, st->src->n_when, b);
		}
		break;
	case R_SKIP:
		l = &x->lv[level_breaking(x, i, j, r)];
		memset(&all, 0, sizeof all);
		for (s = l->ser[i] + 1; s < l->ser[j]; s++)
			names_add(&all, series_name(&c->v[l->sfirst[s]],
			    l->parts));
		buf_printf(b, "%s -> %s skips the ", a, z);
		names_print(&all, b);
		k = (size_t)lvl_skip(l, j);
		if (l->skipto != NULL && l->skipsrc[j] != NULL) {
			buf_printf(b, " series, and a hop to %s may pass over "
			    "at most %zu (skip-series-to)", z, k);
			since_print(l->skipsrc[j]->when,
			    l->skipsrc[j]->n_when, b);
		} else if (k == 0) {
			buf_puts(b, " series, and no series may be skipped (");
			level_key(l, "skip-series", "skip", b);
			buf_printf(b, ": %s)", l->chosen[RB_RULE_SKIP] != NULL ?
			    l->chosen[RB_RULE_SKIP]->text : l->base ? "false" :
			    "0");
			since_rule(l->chosen, RB_RULE_SKIP, b);
		} else {
			buf_printf(b, " series, and a hop may pass over at most "
			    "%zu (", k);
			level_key(l, "skip-series", "skip", b);
			buf_printf(b, ": %zu)", k);
			since_rule(l->chosen, RB_RULE_SKIP, b);
		}
		names_free(&all);
		break;
	case R_ONE_MINOR:
		memset(&all, 0, sizeof all);
		memset(&missing, 0, sizeof missing);
		skipped_lines(c, i, j, &all, &missing);
		buf_printf(b, "%s -> %s skips ", a, z);
		names_print(&all, b);
		buf_puts(b, ", and minor versions are upgraded one at a time "
		    "(one-minor-at-a-time)");
		since_rule(x->p->chosen, RB_RULE_ONE_MINOR, b);
		if (missing.n > 0 && missing.n == all.n)
			buf_printf(b, "; %s in the catalog of available "
			    "releases, so no path can stop there",
			    missing.n == 1 ? "it is not" : "none of them is");
		else if (missing.n > 0) {
			buf_puts(b, "; ");
			names_print(&missing, b);
			buf_printf(b, " %s not in the catalog of available "
			    "releases, so no path can stop there",
			    missing.n == 1 ? "is" : "are");
		}
		names_free(&all);
		names_free(&missing);
		break;
	case R_LEAVE:
		l = &x->lv[level_breaking(x, i, j, r)];
		name = series_name(&c->v[i], l->parts);
		s = l->slast[l->ser[i]];
		if (l->leave == RB_LEAVE_FROM_LATEST) {
			buf_printf(b, "%s -> %s leaves the %s series from %s, "
			    "but a series is left only from its latest "
			    "release, %s (", a, z, name, a, c->v[s].text);
			level_key(l, "leave-series", "leave", b);
			buf_puts(b, ": from-latest)");
			since_rule(l->chosen, RB_RULE_LEAVE, b);
		} else {
			line = series_name(&c->v[s], 2);
			buf_printf(b, "%s -> %s leaves the %s series from %s, "
			    "but a series is left only from a release of its "
			    "latest minor version, %s (", a, z, name, a, line);
			level_key(l, "leave-series", "leave", b);
			buf_puts(b, ": from-latest-minor)");
			since_rule(l->chosen, RB_RULE_LEAVE, b);
			free(line);
		}
		free(name);
		break;
	case R_ENTER_AT:
		l = &x->lv[level_breaking(x, i, j, r)];
		name = series_name(&c->v[j], l->parts);
		memset(&all, 0, sizeof all);
		for (s = l->sfirst[l->ser[j]]; s <= l->slast[l->ser[j]]; s++) {
			struct buf	nb;

			if (!l->enter[s])
				continue;
			buf_init(&nb);
			buf_puts(&nb, c->v[s].text);
			if (l->entersrc[s]->n_when > 0) {
				buf_puts(&nb, " (since ");
				conds_words(l->entersrc[s]->when,
				    l->entersrc[s]->n_when, &nb);
				buf_puts(&nb, ")");
			}
			names_add(&all, buf_take(&nb));
		}
		buf_printf(b, "%s -> %s enters the %s series at %s, but ", a, z,
		    name, z);
		if (all.n == 0)
			buf_puts(b, "no release of it is one a hop may enter "
			    "at, so none does");
		else {
			buf_puts(b, "a hop enters it only at ");
			names_print(&all, b);
		}
		buf_printf(b, " (levels: %s: enter-at)", level_word(l->parts));
		/* the rule applies at all because of a `when` */
		en = &x->p->levels[level_breaking(x, i, j, r)];
		for (s = 0; s < en->n_enter_at; s++)
			if (en->enter_at[s].n_when == 0)
				break;
		if (s == en->n_enter_at && all.n == 0)
			since_print(en->enter_at[0].when,
			    en->enter_at[0].n_when, b);
		names_free(&all);
		free(name);
		break;
	case R_WITHIN:
		if (j == i + 2)
			buf_printf(b, "%s -> %s skips %s", a, z,
			    c->v[i + 1].text);
		else
			buf_printf(b, "%s -> %s skips %s to %s", a, z,
			    c->v[i + 1].text, c->v[j - 1].text);
		buf_printf(b, ", but within a series every release is "
		    "installed in turn (within-series: consecutive)");
		since_rule(x->p->chosen, RB_RULE_WITHIN, b);
		break;
	case R_ENTER:
		name = series_name(&c->v[j], c->series);
		buf_printf(b, "%s -> %s enters the %s series at %s, but a "
		    "series on the way to the target is entered at its first "
		    "release, %s (within-series: consecutive)", a, z, name, z,
		    c->v[c->sfirst[c->ser[j]]].text);
		since_rule(x->p->chosen, RB_RULE_WITHIN, b);
		free(name);
		break;
	case R__COUNT:
		break;
	}
}

static struct plan *
plan_new(const char *from, const char *to)
{
	struct plan	*p = xcalloc(1, sizeof *p);

	p->from = xstrdup(from);
	p->to = xstrdup(to);
	return p;
}

/* Append hop i -> j; `reason` is NULL for the last hop. */
static void
plan_add(struct plan *pl, const struct ctx *x, size_t i, size_t j,
    char *reason)
{
	const struct plan_catalog	*c = x->c;
	struct plan_hop			*h;
	int				 d;

	pl->hops = xreallocarray(pl->hops, pl->n_hops + 1, sizeof *pl->hops);
	h = &pl->hops[pl->n_hops++];
	h->from = xstrdup(c->v[i].text);
	h->to = xstrdup(c->v[j].text);
	h->redeploy = crossed(x->redeploy, x->nredeploy, &c->v[i], &c->v[j],
	    false, NULL) > 0;
	if (h->redeploy) {
		h->kind = xstrdup("redeploy");
	} else {
		d = version_diff_index(&c->v[i], &c->v[j]);
		h->kind = xstrdup(c->kinds[d < 2 ? d : 2]);
	}
	h->reason = reason;
}

/* Add a nearest version the refusal's message names; the first is
 * nearest. */
static void
refusal_add_nearest(struct plan_refusal *r, const char *v)
{
	r->nearests = xreallocarray(r->nearests, r->n_nearests + 1,
	    sizeof *r->nearests);
	r->nearests[r->n_nearests++] = xstrdup(v);
	if (r->nearest == NULL)
		r->nearest = xstrdup(v);
}

static struct plan_refusal *
refusal_new(const char *rule, char *message, const char *nearest)
{
	struct plan_refusal	*r = xcalloc(1, sizeof *r);

	r->rule = xstrdup(rule);
	r->message = message;
	if (nearest != NULL)
		refusal_add_nearest(r, nearest);
	return r;
}

/* Disjoint "next unvisited" sets: find(i) is the least unvisited >= i. */
static size_t
dsu_find(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

struct search {
	size_t	*U, *L, *next, *all, *level, *nlevel;
	size_t	**from;		/* per level r: the unvisited releases a hop
				   leaving its series at levels r.. may
				   start from */
	size_t	 nfrom;
	long	*dist;
	size_t	 nl, nnl;
};

static void
search_free(struct search *s)
{
	size_t	r;

	free(s->U);
	free(s->L);
	free(s->next);
	free(s->all);
	for (r = 0; r < s->nfrom; r++)
		free(s->from[r]);
	free(s->from);
	free(s->level);
	free(s->nlevel);
	free(s->dist);
}

/* U[i]: the furthest release a hop from i may reach as far as stops,
 * boundaries, skipped series and minors go; it never decreases with i. */
static void
search_bounds(const struct ctx *x, struct search *s)
{
	const struct plan_catalog	*c = x->c;
	const struct lvl		*l;
	size_t				 i, j, u, k, ks = 0, ka = 0, kr = 0;
	size_t				 n = c->n;
	size_t				*stop_ub, *across_lb, *redeploy_lb;

	stop_ub = xcalloc(x->nstops + 1, sizeof *stop_ub);
	across_lb = xcalloc(x->nacross + 1, sizeof *across_lb);
	redeploy_lb = xcalloc(x->nredeploy + 1, sizeof *redeploy_lb);
	for (i = 0; i < x->nstops; i++)
		stop_ub[i] = lower_bound(c, &x->stops[i].v, true);
	for (i = 0; i < x->nacross; i++)
		across_lb[i] = lower_bound(c, &x->across[i].v, false);
	for (i = 0; i < x->nredeploy; i++)
		redeploy_lb[i] = lower_bound(c, &x->redeploy[i].v, false);
	for (i = 0; i < n; i++) {
		u = n - 1;
		while (ks < x->nstops && version_cmp(&x->stops[ks].v,
		    &c->v[i]) <= 0)
			ks++;
		if (ks < x->nstops && stop_ub[ks] - 1 < u)
			u = stop_ub[ks] - 1;
		while (ka < x->nacross && version_cmp(&x->across[ka].v,
		    &c->v[i]) <= 0)
			ka++;
		if (ka < x->nacross && across_lb[ka] - 1 < u)
			u = across_lb[ka] - 1;
		while (kr < x->nredeploy && version_cmp(&x->redeploy[kr].v,
		    &c->v[i]) <= 0)
			kr++;
		if (kr + 1 < x->nredeploy && redeploy_lb[kr + 1] - 1 < u)
			u = redeploy_lb[kr + 1] - 1;
		for (k = 0; k < x->nlv; k++) {
			l = &x->lv[k];
			if (l->skipmax != RB_SKIP_ANY &&
			    l->ser[i] + 1 + (size_t)l->skipmax < l->nser &&
			    l->slast[l->ser[i] + 1 + l->skipmax] < u)
				u = l->slast[l->ser[i] + 1 + l->skipmax];
		}
		if (x->p->one_minor && one_minor_bound(c, i) < u)
			u = one_minor_bound(c, i);
		s->U[i] = u;
	}
	/* L[j]: the least i with U[i] >= j (j when there is none below). */
	for (i = 0, j = 0; j < n; j++) {
		while (i < j && s->U[i] < j)
			i++;
		s->L[j] = i;
	}
	free(stop_ub);
	free(across_lb);
	free(redeploy_lb);
}

/* Whether a hop leaving its series at levels r and finer may start at i. */
static bool
may_leave(const struct ctx *x, size_t r, size_t i)
{
	for (; r < x->nlv; r++)
		if (!leave_ok(x, &x->lv[r], i))
			return false;
	return true;
}

static void
visit(const struct ctx *x, struct search *s, size_t i, size_t j, long d)
{
	size_t	r;

	s->dist[i] = d;
	s->next[i] = j;
	s->all[i] = i + 1;
	for (r = 0; r < s->nfrom; r++)
		s->from[r][i] = i + 1;
	(void)x;
	s->nlevel[s->nnl++] = i;
}

/* Breadth-first, backwards from the target: dist[i] is the fewest hops
 * from i to t, next[i] the latest release one hop on along such a path.
 * A hop into j from an earlier series is looked for level by level: the
 * releases that differ from j first at level r (same coarser series)
 * start it only if they may leave at r and every finer level, and j must
 * be one that may be entered at all of them. */
static void
search_run(const struct ctx *x, struct search *s)
{
	const struct plan_catalog	*c = x->c;
	const struct rb_policy		*p = x->p;
	const struct lvl		*lr;
	size_t				 n = c->n, li, i, j, lo, sf, r, b, e;
	size_t				*tmp;
	long				 d;
	int				 sk;
	bool				 any, enter;

	any = p->within_series == RB_WITHIN_ANY;
	s->U = xcalloc(n, sizeof *s->U);
	s->L = xcalloc(n, sizeof *s->L);
	s->next = xcalloc(n, sizeof *s->next);
	s->all = xcalloc(n + 1, sizeof *s->all);
	s->nfrom = x->nlv;
	s->from = xcalloc(s->nfrom, sizeof *s->from);
	s->level = xcalloc(n, sizeof *s->level);
	s->nlevel = xcalloc(n, sizeof *s->nlevel);
	s->dist = xcalloc(n, sizeof *s->dist);
	search_bounds(x, s);
	for (i = 0; i <= n; i++)
		s->all[i] = i;
	for (r = 0; r < s->nfrom; r++) {
		s->from[r] = xcalloc(n + 1, sizeof *s->from[r]);
		for (i = 0; i < n; i++)
			s->from[r][i] = may_leave(x, r, i) ? i : i + 1;
		s->from[r][n] = n;
	}
	for (i = 0; i < n; i++)
		s->dist[i] = -1;
	s->nnl = 0;
	visit(x, s, x->t, x->t, 0);
	for (d = 1; s->nnl > 0; d++) {
		tmp = s->level;
		s->level = s->nlevel;
		s->nlevel = tmp;
		s->nl = s->nnl;
		s->nnl = 0;
		if (s->nl > 1)
			qsort(s->level, s->nl, sizeof *s->level,
			    cmp_size_desc);
		for (li = 0; li < s->nl; li++) {
			j = s->level[li];
			lo = s->L[j];
			/* skip-series-to: a hop into j passes over at most
			   its own number of series */
			lr = &x->lv[x->nlv - 1];
			sk = lvl_skip(lr, j);
			if (lr->skipto != NULL && sk != RB_SKIP_ANY &&
			    lr->ser[j] > 1 + (size_t)sk &&
			    lr->sfirst[lr->ser[j] - 1 - sk] > lo)
				lo = lr->sfirst[lr->ser[j] - 1 - sk];
			if (lo >= j)
				continue;
			sf = c->sfirst[c->ser[j]];
			/* within the series */
			if (any) {
				for (i = dsu_find(s->all, lo > sf ? lo : sf);
				    i < j; i = dsu_find(s->all, i + 1))
					visit(x, s, i, j, d);
			} else if (j > sf && j - 1 >= lo && s->dist[j - 1] < 0)
				visit(x, s, j - 1, j, d);
			/* from an earlier series */
			if (sf <= lo || (!any && j != sf && j != x->t))
				continue;
			enter = true;
			for (r = x->nlv; r-- > 0; ) {
				lr = &x->lv[r];
				if (lr->enter != NULL && !lr->enter[j])
					enter = false;
				if (!enter)
					break;
				e = lr->sfirst[lr->ser[j]];
				b = r == 0 ? 0 : x->lv[r - 1].sfirst[
				    x->lv[r - 1].ser[j]];
				if (b < lo)
					b = lo;
				for (i = dsu_find(s->from[r], b); i < e;
				    i = dsu_find(s->from[r], i + 1))
					visit(x, s, i, j, d);
			}
		}
	}
}

/* The conditional item that gave the value of the scalar rule r that
 * hop p -> q breaks, or NULL. */
static const struct rb_rule_item *
rule_item(const struct ctx *x, size_t p, size_t q, enum rule r)
{
	const struct lvl	*l;

	switch (r) {
	case R_SKIP:
		l = &x->lv[level_breaking(x, p, q, r)];
		/* a skip-series-to item gave the bound, not the rule */
		if (l->skipsrc != NULL && l->skipsrc[q] != NULL)
			return NULL;
		return l->chosen[RB_RULE_SKIP];
	case R_LEAVE:
		return x->lv[level_breaking(x, p, q, r)].chosen[RB_RULE_LEAVE];
	case R_WITHIN:
	case R_ENTER:
		return x->p->chosen[RB_RULE_WITHIN];
	case R_ONE_MINOR:
		return x->p->chosen[RB_RULE_ONE_MINOR];
	default:
		return NULL;
	}
}

/* The reason for the stop at k, between p and q on a shortest path. */
static char *
stop_reason(const struct ctx *x, size_t p, size_t k, size_t q)
{
	enum rule	 r = first_rule(violations(x, p, q));
	const char	*v = x->c->v[k].text, *why;
	const struct rb_rule_item *item;
	const struct lvl *l;
	size_t		 lv, lw, i;
	char		*s, *ln;

	/* No printf: a plan may have thousands of stops. */
	why = r == R__COUNT ? "a stop on the way" : stop_reasons[r];
	if (r == R_SKIP && lvl_skip(&x->lv[level_breaking(x, p, q, r)], q) > 0)
		why = "a hop passes over no more series than skip-series "
		    "allows";
	if (r == R_LEAVE && x->lv[level_breaking(x, p, q, r)].leave ==
	    RB_LEAVE_FROM_LATEST_MINOR)
		why = "a series is left only from its latest minor version";
	if (r == R_STOP) {
		for (i = 0; i < x->nstops; i++) {
			const struct boundary *st = &x->stops[i];
			struct buf b;

			if ((st->line == NULL && st->src->n_when == 0 &&
			    st->reason == NULL) ||
			    version_cmp(&st->v, &x->c->v[k]) != 0)
				continue;
			buf_init(&b);
			buf_printf(&b, "%s: a required stop", v);
			if (st->line != NULL) {
				ln = series_name(&st->v, st->lparts);
				buf_printf(&b, " (%s: the newest %s release)",
				    st->line, ln);
				free(ln);
			}
			if (st->src->n_when > 0) {
				buf_puts(&b, ", taken since ");
				conds_words(st->src->when, st->src->n_when,
				    &b);
			}
			if (st->reason != NULL)
				buf_printf(&b, ": %s", st->reason);
			return buf_take(&b);
		}
	}
	/* a rule whose value a `when` gave: say why */
	if ((item = rule_item(x, p, q, r)) != NULL) {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%s: %s", v, why);
		since_print(item->when, item->n_when, &b);
		return buf_take(&b);
	}
	if (r == R_SKIP && (l = &x->lv[level_breaking(x, p, q, r)])->skipsrc !=
	    NULL && l->skipsrc[q] != NULL && l->skipsrc[q]->n_when > 0) {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%s: %s", v, why);
		since_print(l->skipsrc[q]->when, l->skipsrc[q]->n_when, &b);
		return buf_take(&b);
	}
	lv = strlen(v);
	lw = strlen(why);
	s = xmalloc(lv + 2 + lw + 1);
	memcpy(s, v, lv);
	memcpy(s + lv, ": ", 2);
	memcpy(s + lv + 2, why, lw + 1);
	return s;
}

static int	plan_indices(const struct ctx *, size_t, size_t,
		    struct plan **, struct plan_refusal **);

/* No path: the walk through every release in turn is blocked somewhere,
 * by a boundary or a stop that no hop may cross; name it. */
static int
refuse_no_path(const struct ctx *x, size_t f, size_t t,
    struct plan_refusal **refusal)
{
	const struct plan_catalog	*c = x->c;
	struct plan_refusal		*r;
	struct plan_refusal		*r2 = NULL;
	struct plan			*alt = NULL;
	struct ctx			 y;
	struct buf			 b;
	size_t				 k;
	enum rule			 rule = R__COUNT;

	for (k = f; k < t; k++)
		if ((rule = first_rule(violations(x, k, k + 1))) != R__COUNT)
			break;
	buf_init(&b);
	buf_printf(&b, "No upgrade path leads from %s to %s: ",
	    c->v[f].text, c->v[t].text);
	if (rule == R__COUNT) {
		buf_printf(&b, "the policy allows no hop on the way.");
		*refusal = refusal_new("no-path", buf_take(&b), NULL);
		return EXIT_REFUSED;
	}
	explain(x, k, k + 1, rule, &b);
	buf_printf(&b, ". The nearest version that can be reached is %s",
	    c->v[k].text);
	if (k == f)
		buf_printf(&b, ", the installed one.");
	else
		buf_printf(&b, ".");
	r = refusal_new(rule_names[rule], buf_take(&b), c->v[k].text);
	if (k != f) {
		y = *x;
		y.t = k;
		if (plan_indices(&y, f, k, &alt, &r2) == 0)
			r->alternative = alt;
		else
			plan_refusal_free(r2);
	}
	*refusal = r;
	return EXIT_REFUSED;
}

/* Plan between catalog indices f < t (x->t == t). */
static int
plan_indices(const struct ctx *x, size_t f, size_t t, struct plan **out,
    struct plan_refusal **refusal)
{
	const struct plan_catalog	*c = x->c;
	struct search			 s;
	struct plan			*pl;
	size_t				 i, j;

	memset(&s, 0, sizeof s);
	search_run(x, &s);
	if (s.dist[f] < 0) {
		search_free(&s);
		return refuse_no_path(x, f, t, refusal);
	}
	pl = plan_new(c->v[f].text, c->v[t].text);
	for (i = f; i != t; i = j) {
		j = s.next[i];
		plan_add(pl, x, i, j, j == t ? NULL :
		    stop_reason(x, i, j, s.next[j]));
	}
	search_free(&s);
	*out = pl;
	return 0;
}

/* Resolve from and to against the catalog, or refuse: nothing to do,
 * a version that does not parse, a downgrade, one not in the catalog. */
static int
resolve(const struct plan_catalog *c, const char *from, const char *to,
    long *fi, long *ti, struct plan **out, struct plan_refusal **refusal)
{
	struct version	 vf, vt;
	struct version	*miss;
	char		*why;
	size_t		 lb;
	int		 rc = 1;

	if (version_parse(&vf, c->scheme, from, &why) != 0) {
		*refusal = refusal_new("invalid-version", xasprintf("The "
		    "installed version '%s' is not a valid %s version: %s.",
		    from, version_scheme_name(c->scheme), why), NULL);
		free(why);
		return EXIT_REFUSED;
	}
	if (version_parse(&vt, c->scheme, to, &why) != 0) {
		*refusal = refusal_new("invalid-version", xasprintf("The "
		    "target version '%s' is not a valid %s version: %s.",
		    to, version_scheme_name(c->scheme), why), NULL);
		free(why);
		version_free(&vf);
		return EXIT_REFUSED;
	}
	if (version_cmp(&vf, &vt) == 0) {
		*out = plan_new(from, to);
		rc = 0;
	} else if (version_cmp(&vt, &vf) < 0) {
		*refusal = refusal_new("downgrade", xasprintf("%s -> %s is a "
		    "downgrade: %s is older than %s. stepup plans upgrades "
		    "only; going back to an older release is a rollback to "
		    "what was backed up before the upgrade.", from, to, to,
		    from), NULL);
		rc = EXIT_REFUSED;
	} else if ((*fi = find(c, &vf)) < 0 || (*ti = find(c, &vt)) < 0) {
		struct buf	 b;
		const char	*below, *above;

		miss = *fi < 0 ? &vf : &vt;
		lb = lower_bound(c, miss, false);
		below = lb > 0 ? c->v[lb - 1].text : NULL;
		above = lb < c->n ? c->v[lb].text : NULL;
		buf_init(&b);
		buf_printf(&b, "The %s version %s is not in the catalog of "
		    "available releases (%zu, from %s to %s)",
		    miss == &vf ? "installed" : "target", miss->text, c->n,
		    c->v[0].text, c->v[c->n - 1].text);
		if (below != NULL && above != NULL)
			buf_printf(&b, "; the nearest are %s and %s.", below,
			    above);
		else
			buf_printf(&b, "; the nearest is %s.",
			    c->v[below != NULL ? lb - 1 : lb].text);
		*refusal = refusal_new("not-in-catalog", buf_take(&b),
		    c->v[below != NULL ? lb - 1 : lb].text);
		if (below != NULL && above != NULL)
			refusal_add_nearest(*refusal, above);
		rc = EXIT_REFUSED;
	}
	version_free(&vf);
	version_free(&vt);
	return rc;
}

static int	compute(const struct plan_catalog *, const struct rb_policy *,
		    const char *, const char *, struct plan **,
		    struct plan_refusal **);
static int	direct(const struct plan_catalog *, const struct rb_policy *,
		    const char *, const char *, struct plan **,
		    struct plan_refusal **);

int
plan_compute(const struct plan_catalog *c, const struct rb_policy *p,
    const char *from, const char *to, struct plan **out,
    struct plan_refusal **refusal)
{
	struct plan_catalog	*wc = with_prereleases(c, from, to);
	int			 rc;

	rc = compute(wc != NULL ? wc : c, p, from, to, out, refusal);
	plan_catalog_free(wc);
	return rc;
}

int
plan_direct(const struct plan_catalog *c, const struct rb_policy *p,
    const char *from, const char *to, struct plan **out,
    struct plan_refusal **refusal)
{
	struct plan_catalog	*wc = with_prereleases(c, from, to);
	int			 rc;

	rc = direct(wc != NULL ? wc : c, p, from, to, out, refusal);
	plan_catalog_free(wc);
	return rc;
}

const char *
plan_default_target(const struct plan_catalog *c, const char *from)
{
	struct version	 v;
	char		*why;
	const char	*t = plan_catalog_newest(c);

	if (version_parse(&v, c->scheme, from, &why) != 0) {
		free(why);
		return t;
	}
	if (version_cmp(&v, &c->v[c->n - 1]) > 0)
		t = from;
	version_free(&v);
	return t;
}

static int
compute(const struct plan_catalog *c, const struct rb_policy *p,
    const char *from, const char *to, struct plan **out,
    struct plan_refusal **refusal)
{
	struct ctx	 x;
	char		*cause;
	long		 fi = -1, ti = -1;
	int		 rc;

	*out = NULL;
	*refusal = NULL;
	if ((rc = resolve(c, from, to, &fi, &ti, out, refusal)) != 1)
		return rc;
	if (ctx_init(&x, c, p, &cause) != 0) {
		*refusal = refusal_new("invalid-version", cause, NULL);
		return EXIT_REFUSED;
	}
	x.t = (size_t)ti;
	rc = plan_indices(&x, (size_t)fi, (size_t)ti, out, refusal);
	if (rc == 0)
		plan_policy_conds(p, &(*out)->conds);
	ctx_free(&x);
	return rc;
}

static int
direct(const struct plan_catalog *c, const struct rb_policy *p,
    const char *from, const char *to, struct plan **out,
    struct plan_refusal **refusal)
{
	struct ctx		 x;
	struct plan		*alt = NULL;
	struct plan_refusal	*r2 = NULL;
	struct buf		 b;
	char			*cause;
	long			 fi = -1, ti = -1;
	unsigned		 bad;
	int			 rc, r;
	bool			 first = true;

	*out = NULL;
	*refusal = NULL;
	if ((rc = resolve(c, from, to, &fi, &ti, out, refusal)) != 1)
		return rc;
	if (ctx_init(&x, c, p, &cause) != 0) {
		*refusal = refusal_new("invalid-version", cause, NULL);
		return EXIT_REFUSED;
	}
	x.t = (size_t)ti;
	bad = violations(&x, (size_t)fi, (size_t)ti);
	if (bad == 0) {
		*out = plan_new(c->v[fi].text, c->v[ti].text);
		plan_add(*out, &x, (size_t)fi, (size_t)ti, NULL);
		plan_policy_conds(p, &(*out)->conds);
		ctx_free(&x);
		return 0;
	}
	buf_init(&b);
	buf_printf(&b, "%s -> %s is not allowed as one hop: ", c->v[fi].text,
	    c->v[ti].text);
	for (r = 0; r < R__COUNT; r++) {
		if (!(bad & (1u << r)))
			continue;
		if (!first)
			buf_puts(&b, "; and ");
		explain(&x, (size_t)fi, (size_t)ti, (enum rule)r, &b);
		first = false;
	}
	buf_puts(&b, ".");
	*refusal = refusal_new(rule_names[first_rule(bad)], NULL, NULL);
	if (plan_indices(&x, (size_t)fi, (size_t)ti, &alt, &r2) == 0) {
		buf_printf(&b, " The allowed path takes %zu hops: %s",
		    alt->n_hops, alt->hops[0].from);
		for (size_t h = 0; h < alt->n_hops; h++)
			buf_printf(&b, " -> %s", alt->hops[h].to);
		buf_puts(&b, ".");
		(*refusal)->alternative = alt;
	} else {
		buf_printf(&b, " No other path leads there either (%s)",
		    r2->rule);
		if (r2->nearest != NULL && strcmp(r2->nearest,
		    c->v[fi].text) == 0)
			buf_printf(&b, "; nothing above %s can be reached.",
			    r2->nearest);
		else if (r2->nearest != NULL)
			buf_printf(&b, "; the nearest version that can be "
			    "reached is %s.", r2->nearest);
		else
			buf_puts(&b, ".");
		for (size_t k = 0; k < r2->n_nearests; k++)
			refusal_add_nearest(*refusal, r2->nearests[k]);
		(*refusal)->alternative = r2->alternative;
		r2->alternative = NULL;
		plan_refusal_free(r2);
	}
	(*refusal)->message = buf_take(&b);
	ctx_free(&x);
	return EXIT_REFUSED;
}

/* Parse one version of the runbook; an error at its position if it is not
 * valid. */
static bool
validate_one(const struct runbook *rb, const struct rb_str *s,
    struct version *v, struct rb_diags *d)
{
	enum rb_scheme	 scheme = rb->versions.scheme;
	char		*why;

	if (version_parse(v, scheme, s->s, &why) == 0)
		return true;
	rb_diag_add(d, RB_ERROR, rb->path, s->pos,
	    "'%s' is not a valid %s version: %s", s->s,
	    version_scheme_name(scheme), why);
	free(why);
	return false;
}

/* Warn when a literal catalog lacks a version the policy names. */
static void
validate_listed(const struct runbook *rb, const struct rb_str *s,
    const struct version *list, size_t n, const char *what,
    const char *consequence, struct rb_diags *d)
{
	enum rb_scheme	 scheme = rb->versions.scheme;
	struct version	 v;
	char		*why;
	size_t		 i;

	if (version_parse(&v, scheme, s->s, &why) != 0) {
		free(why);
		return;
	}
	for (i = 0; i < n; i++)
		if (list[i].text != NULL && version_cmp(&list[i], &v) == 0)
			break;
	if (i == n)
		rb_diag_add(d, RB_WARNING, rb->path, s->pos, "%s '%s' is not "
		    "in the available list: %s", what, s->s, consequence);
	version_free(&v);
}

/* A stop naming a line: an error when its numbers do not parse, a warning
 * when a literal catalog (n > 0) has no release of it. */
static void
validate_line(const struct runbook *rb, const struct rb_str *s,
    const char *what, const char *consequence, const struct version *list,
    size_t n, struct rb_diags *d)
{
	enum rb_scheme	 scheme = rb->versions.scheme;
	struct version	 v;
	char		*why;
	size_t		 i;
	int		 parts;

	if (line_parse(scheme, s->s, &v, &parts, &why) != 0) {
		rb_diag_add(d, RB_ERROR, rb->path, s->pos, "'%s' is not a "
		    "valid line of %s versions: %s", s->s,
		    version_scheme_name(scheme), why);
		free(why);
		return;
	}
	for (i = 0; i < n; i++)
		if (list[i].text != NULL &&
		    version_same_series(&list[i], &v, parts))
			break;
	if (n > 0 && i == n)
		rb_diag_add(d, RB_WARNING, rb->path, s->pos, "%s '%s' names a "
		    "line with no release in the available list: %s", what,
		    s->s, consequence);
	version_free(&v);
}

/* Sorting the available list's indexes by version, then by place. */
static const struct version	*twice_list;

static int
twice_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;
	int	c = version_cmp(&twice_list[x], &twice_list[y]);

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* A version listed twice (the same version, whatever its spelling) is
 * said at each later place, naming the first: found by sorting once (n
 * log n), not by comparing every pair. */
static void
validate_twice(const struct runbook *rb, const struct version *list,
    size_t n, struct rb_diags *d)
{
	const struct rb_source	*av = &rb->versions.available;
	size_t			*order, *first, i, m = 0, f = 0;

	order = xcalloc(n + 1, sizeof *order);
	first = xcalloc(n + 1, sizeof *first);
	for (i = 0; i < n; i++) {
		first[i] = i;
		if (list[i].text != NULL)
			order[m++] = i;
	}
	twice_list = list;
	qsort(order, m, sizeof *order, twice_cmp);
	for (i = 0; i < m; i++) {
		if (i == 0 || version_cmp(&list[order[i - 1]],
		    &list[order[i]]) != 0)
			f = order[i];
		first[order[i]] = f;
	}
	/* Said in the list's order. */
	for (i = 0; i < n; i++) {
		if (first[i] == i)
			continue;
		rb_diag_add(d, RB_WARNING, rb->path, av->list[i].pos,
		    "'%s' is listed twice: it is the same version as '%s' on "
		    "line %d", av->list[i].s, av->list[first[i]].s,
		    av->list[first[i]].pos.line);
	}
	free(first);
	free(order);
}

int
plan_validate(const struct runbook *rb, struct rb_diags *d)
{
	const struct rb_source	*av = &rb->versions.available;
	const struct rb_policy	*p = &rb->policy;
	struct version		*list, v;
	size_t			 i, k, before = d->n_errors;

	list = xcalloc(av->n_list + 1, sizeof *list);
	for (i = 0; i < av->n_list; i++)
		(void)validate_one(rb, &av->list[i], &list[i], d);
	validate_twice(rb, list, av->n_list, d);
	for (i = 0; i < p->n_required_stops; i++) {
		if (line_prefix(p->required_stops[i].at.s) > 0) {
			validate_line(rb, &p->required_stops[i].at,
			    "required stop", "no upgrade can cross it, since "
			    "none can stop there", list, av->list != NULL ?
			    av->n_list : 0, d);
			continue;
		}
		if (!validate_one(rb, &p->required_stops[i].at, &v, d))
			continue;
		version_free(&v);
		if (av->list != NULL)
			validate_listed(rb, &p->required_stops[i].at, list,
			    av->n_list, "required stop", "no upgrade can "
			    "cross it, since none can stop there", d);
	}
	for (i = 0; i < p->n_redeploy_at; i++) {
		if (!validate_one(rb, &p->redeploy_at[i].at, &v, d))
			continue;
		version_free(&v);
		if (av->list != NULL)
			validate_listed(rb, &p->redeploy_at[i].at, list,
			    av->n_list, "redeploy-at", "the boundary is "
			    "before the first listed release above it", d);
	}
	for (i = 0; i < p->n_no_across; i++) {
		if (!validate_one(rb, &p->no_across[i].at, &v, d))
			continue;
		version_free(&v);
		if (av->list != NULL)
			validate_listed(rb, &p->no_across[i].at, list,
			    av->n_list, "no-upgrade-across", "the boundary "
			    "is before the first listed release above it", d);
	}
	for (i = 0; i < p->n_levels; i++) {
		for (k = 0; k < p->levels[i].n_enter_at; k++) {
			const struct rb_str *e = &p->levels[i].enter_at[k].at;

			if (line_prefix(e->s) > 0)
				validate_line(rb, e, "enter-at", "no hop "
				    "enters its series there", list,
				    av->list != NULL ? av->n_list : 0, d);
			else if (validate_one(rb, e, &v, d))
				version_free(&v);
		}
	}
	for (i = 0; i < av->n_list; i++)
		version_free(&list[i]);
	free(list);
	return (int)(d->n_errors - before);
}

/* Whether every condition holds under the answers. */
static bool
conds_hold(const struct rb_cond *w, size_t n, plan_answer_fn answer,
    void *arg)
{
	const char	*a;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		a = answer != NULL ? answer(arg, w[i].var.s) : NULL;
		for (j = 0; a != NULL && j < w[i].n_values; j++)
			if (strcmp(a, w[i].values[j]) == 0)
				break;
		if (a == NULL || j == w[i].n_values)
			return false;
	}
	return true;
}

static struct rb_boundary *
select_items(const struct rb_boundary *b, size_t n, size_t *nout,
    plan_answer_fn answer, void *arg)
{
	struct rb_boundary	*v = xcalloc(n + 1, sizeof *v);
	size_t			 i;

	*nout = 0;
	for (i = 0; i < n; i++)
		if (conds_hold(b[i].when, b[i].n_when, answer, arg))
			v[(*nout)++] = b[i];
	return v;
}

/* The first conditional item of a rule that holds, or NULL. */
static const struct rb_rule_item *
rule_pick(const struct rb_rule *r, plan_answer_fn answer, void *arg)
{
	size_t	i;

	for (i = 0; i < r->n_items; i++)
		if (r->items[i].n_when > 0 && conds_hold(r->items[i].when,
		    r->items[i].n_when, answer, arg))
			return &r->items[i];
	return NULL;
}

/* Set every scalar rule of q (of level l, or q's own) whose conditional
 * item holds, and say which in chosen. */
static void
rules_when(struct rb_policy *q, struct rb_series_level *l,
    plan_answer_fn answer, void *arg)
{
	const struct rb_rule		*rules = l != NULL ? l->rules : q->rules;
	const struct rb_rule_item	**chosen = l != NULL ? l->chosen :
					    q->chosen;
	size_t				 id;

	for (id = 0; id < RB_RULE__COUNT; id++) {
		chosen[id] = rule_pick(&rules[id], answer, arg);
		if (chosen[id] != NULL)
			rb_rule_set(q, l, (enum rb_rule_id)id,
			    chosen[id]->value);
	}
}

struct rb_policy *
plan_policy_when(const struct rb_policy *p, plan_answer_fn answer, void *arg)
{
	struct rb_policy	*q = xmalloc(sizeof *q);
	size_t			 i;

	*q = *p;
	q->required_stops = select_items(p->required_stops,
	    p->n_required_stops, &q->n_required_stops, answer, arg);
	q->redeploy_at = select_items(p->redeploy_at, p->n_redeploy_at,
	    &q->n_redeploy_at, answer, arg);
	q->no_across = select_items(p->no_across, p->n_no_across,
	    &q->n_no_across, answer, arg);
	q->skip_to = xcalloc(p->n_skip_to + 1, sizeof *q->skip_to);
	q->n_skip_to = 0;
	for (i = 0; i < p->n_skip_to; i++)
		if (conds_hold(p->skip_to[i].when, p->skip_to[i].n_when,
		    answer, arg))
			q->skip_to[q->n_skip_to++] = p->skip_to[i];
	rules_when(q, NULL, answer, arg);
	q->levels = xcalloc(p->n_levels + 1, sizeof *q->levels);
	for (i = 0; i < p->n_levels; i++) {
		q->levels[i] = p->levels[i];
		q->levels[i].enter_at = select_items(p->levels[i].enter_at,
		    p->levels[i].n_enter_at, &q->levels[i].n_enter_at, answer,
		    arg);
		rules_when(q, &q->levels[i], answer, arg);
	}
	return q;
}

void
plan_policy_free(struct rb_policy *q)
{
	size_t	i;

	if (q == NULL)
		return;
	free(q->required_stops);
	free(q->redeploy_at);
	free(q->no_across);
	free(q->skip_to);
	for (i = 0; i < q->n_levels; i++)
		free(q->levels[i].enter_at);
	free(q->levels);
	free(q);
}

static bool
conds_ask(const struct rb_cond *w, size_t n, const char *name)
{
	size_t	j;

	for (j = 0; j < n; j++)
		if (strcmp(w[j].var.s, name) == 0)
			return true;
	return false;
}

static bool
items_ask(const struct rb_boundary *b, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (conds_ask(b[i].when, b[i].n_when, name))
			return true;
	return false;
}

static bool
rules_ask(const struct rb_rule *r, const char *name)
{
	size_t	id, i;

	for (id = 0; id < RB_RULE__COUNT; id++)
		for (i = 0; i < r[id].n_items; i++)
			if (conds_ask(r[id].items[i].when,
			    r[id].items[i].n_when, name))
				return true;
	return false;
}

bool
plan_policy_asks(const struct rb_policy *p, const char *name)
{
	size_t	i;

	if (items_ask(p->required_stops, p->n_required_stops, name) ||
	    items_ask(p->redeploy_at, p->n_redeploy_at, name) ||
	    items_ask(p->no_across, p->n_no_across, name) ||
	    rules_ask(p->rules, name))
		return true;
	for (i = 0; i < p->n_skip_to; i++)
		if (conds_ask(p->skip_to[i].when, p->skip_to[i].n_when, name))
			return true;
	for (i = 0; i < p->n_levels; i++)
		if (items_ask(p->levels[i].enter_at, p->levels[i].n_enter_at,
		    name) || rules_ask(p->levels[i].rules, name))
			return true;
	return false;
}

/* "VAR is A and W is one of B or C". */
static void
conds_words(const struct rb_cond *w, size_t n, struct buf *out)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		buf_printf(out, "%s%s is ", i == 0 ? "" : " and ", w[i].var.s);
		if (w[i].n_values > 1)
			buf_puts(out, "one of ");
		for (j = 0; j < w[i].n_values; j++)
			buf_printf(out, "%s%s", j == 0 ? "" : j + 1 ==
			    w[i].n_values ? " or " : ", ", w[i].values[j]);
	}
}

static void
cond_add(struct plan_conds *pc, char *rule, char *value,
    const struct rb_cond *w, size_t n)
{
	struct plan_cond	*k;
	struct buf		 b;

	pc->v = xreallocarray(pc->v, pc->n + 1, sizeof *pc->v);
	k = &pc->v[pc->n++];
	k->rule = rule;
	k->value = value;
	buf_init(&b);
	conds_words(w, n, &b);
	k->since = buf_take(&b);
}

static void
conds_items(struct plan_conds *pc, const char *key,
    const struct rb_boundary *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (b[i].n_when > 0)
			cond_add(pc, xstrdup(key), xstrdup(b[i].at.s),
			    b[i].when, b[i].n_when);
}

static void
conds_rules(struct plan_conds *pc, const struct rb_series_level *l,
    const struct rb_rule_item *const *chosen)
{
	size_t	id;

	for (id = 0; id < RB_RULE__COUNT; id++) {
		if (chosen[id] == NULL)
			continue;
		cond_add(pc, l != NULL ? xasprintf("levels: %s: %s",
		    l->parts == 1 ? "major" : "major.minor",
		    rb_level_rule_keys[id]) : xstrdup(rb_rule_keys[id]),
		    xstrdup(chosen[id]->text), chosen[id]->when,
		    chosen[id]->n_when);
	}
}

void
plan_policy_conds(const struct rb_policy *q, struct plan_conds *pc)
{
	char	*value;
	size_t	 i;

	memset(pc, 0, sizeof *pc);
	conds_rules(pc, NULL, q->chosen);
	for (i = 0; i < q->n_skip_to; i++) {
		const struct rb_skip_to *k = &q->skip_to[i];

		if (k->n_when == 0)
			continue;
		if (k->skip == RB_SKIP_ANY || k->skip == 0)
			value = xasprintf("{to: %s, skip: %s}", k->to.s,
			    k->skip == 0 ? "false" : "true");
		else
			value = xasprintf("{to: %s, skip: %d}", k->to.s,
			    k->skip);
		cond_add(pc, xstrdup("skip-series-to"), value, k->when,
		    k->n_when);
	}
	conds_items(pc, "required-stops", q->required_stops,
	    q->n_required_stops);
	conds_items(pc, "redeploy-at", q->redeploy_at, q->n_redeploy_at);
	conds_items(pc, "no-upgrade-across", q->no_across, q->n_no_across);
	for (i = 0; i < q->n_levels; i++) {
		char *key = xasprintf("levels: %s: enter-at",
		    q->levels[i].parts == 1 ? "major" : "major.minor");

		conds_rules(pc, &q->levels[i], q->levels[i].chosen);
		conds_items(pc, key, q->levels[i].enter_at,
		    q->levels[i].n_enter_at);
		free(key);
	}
}

void
plan_conds_free(struct plan_conds *pc)
{
	size_t	i;

	for (i = 0; i < pc->n; i++) {
		free(pc->v[i].rule);
		free(pc->v[i].value);
		free(pc->v[i].since);
	}
	free(pc->v);
	memset(pc, 0, sizeof *pc);
}

void
plan_free(struct plan *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_hops; i++) {
		free(p->hops[i].from);
		free(p->hops[i].to);
		free(p->hops[i].kind);
		free(p->hops[i].reason);
	}
	free(p->hops);
	free(p->from);
	free(p->to);
	plan_conds_free(&p->conds);
	free(p);
}

void
plan_refusal_free(struct plan_refusal *r)
{
	if (r == NULL)
		return;
	free(r->rule);
	free(r->message);
	free(r->nearest);
	for (size_t k = 0; k < r->n_nearests; k++)
		free(r->nearests[k]);
	free(r->nearests);
	plan_free(r->alternative);
	free(r);
}
