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
	R_WITHIN,
	R_ENTER,
	R__COUNT
};

static const char *const rule_names[R__COUNT] = {
	"no-upgrade-across", "required-stop", "redeploy-at", "skip-series",
	"one-minor-at-a-time", "leave-series", "within-series", "within-series",
};

/* Why a stop is on the path: the rule a hop past it would break. */
static const char *const stop_reasons[R__COUNT] = {
	"no upgrade crosses the boundary after it",
	"a required stop",
	"a redeploy crosses one boundary at a time",
	"no series is skipped",
	"minor versions are upgraded one at a time",
	"a series is left only from its latest release",
	"within a series every release is installed in turn",
	"a series on the way is entered at its first release",
};

struct boundary {
	struct version	 v;
	const char	*reason;	/* the runbook's, or NULL */
};

/* One planning problem: the catalog, the policy's versions parsed and
 * sorted, and the target. */
struct ctx {
	const struct plan_catalog *c;
	const struct rb_policy	*p;
	struct boundary		*stops, *across, *redeploy;
	size_t			 nstops, nacross, nredeploy;
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
}

static int
parse_boundaries(enum rb_scheme scheme, const char *what,
    const struct rb_boundary *b, const struct rb_str *s, size_t n,
    struct boundary **out, size_t *nout, char **cause)
{
	size_t	 i;
	char	*why;

	*out = xcalloc(n, sizeof **out);
	*nout = 0;
	for (i = 0; i < n; i++) {
		const char *text = b != NULL ? b[i].at.s : s[i].s;
		if (version_parse(&(*out)[i].v, scheme, text, &why) != 0) {
			*cause = xasprintf("%s '%s' is not a valid %s version: "
			    "%s", what, text, version_scheme_name(scheme), why);
			free(why);
			return -1;
		}
		(*out)[i].reason = b != NULL ? b[i].reason : NULL;
		(*nout)++;
	}
	qsort(*out, n, sizeof **out, cmp_boundary);
	return 0;
}

static int
ctx_init(struct ctx *x, const struct plan_catalog *c,
    const struct rb_policy *p, char **cause)
{
	memset(x, 0, sizeof *x);
	x->c = c;
	x->p = p;
	if (parse_boundaries(c->scheme, "required stop", NULL,
	    p->required_stops, p->n_required_stops, &x->stops, &x->nstops,
	    cause) != 0 ||
	    parse_boundaries(c->scheme, "no-upgrade-across", p->no_across,
	    NULL, p->n_no_across, &x->across, &x->nacross, cause) != 0 ||
	    parse_boundaries(c->scheme, "redeploy-at", p->redeploy_at, NULL,
	    p->n_redeploy_at, &x->redeploy, &x->nredeploy, cause) != 0) {
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
	if (!p->skip_series && sj > si + 1)
		bad |= 1u << R_SKIP;
	if (p->one_minor && c->ml[j] > c->ml[i] + 1)
		bad |= 1u << R_ONE_MINOR;
	if (si == sj) {
		if (p->within_series == RB_WITHIN_CONSECUTIVE && j != i + 1)
			bad |= 1u << R_WITHIN;
	} else {
		if (p->leave_series == RB_LEAVE_FROM_LATEST &&
		    i != c->slast[si])
			bad |= 1u << R_LEAVE;
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
	size_t				 k = 0, s;
	char				*name;

	switch (r) {
	case R_NO_ACROSS:
		crossed(x->across, x->nacross, &c->v[i], &c->v[j], false, &k);
		buf_printf(b, "%s -> %s crosses %s, and no upgrade crosses it "
		    "in any way (no-upgrade-across)", a, z,
		    x->across[k].v.text);
		if (x->across[k].reason != NULL)
			buf_printf(b, ": %s", x->across[k].reason);
		break;
	case R_STOP:
		crossed(x->stops, x->nstops, &c->v[i], &c->v[j], true, &k);
		buf_printf(b, "%s -> %s passes over %s, a required stop that "
		    "every upgrade across it must stop at (required-stops)",
		    a, z, x->stops[k].v.text);
		if (find(c, &x->stops[k].v) < 0)
			buf_printf(b, "; %s is not in the catalog, so nothing "
			    "can stop there", x->stops[k].v.text);
		break;
	case R_REDEPLOY2:
		crossed(x->redeploy, x->nredeploy, &c->v[i], &c->v[j], false,
		    &k);
		buf_printf(b, "%s -> %s crosses the redeploy boundaries %s and "
		    "%s, and a redeploy crosses one at a time (redeploy-at)",
		    a, z, x->redeploy[k].v.text, x->redeploy[k + 1].v.text);
		break;
	case R_SKIP:
		name = series_name(&c->v[c->sfirst[c->ser[i] + 1]], c->series);
		buf_printf(b, "%s -> %s skips the %s series, and no series may "
		    "be skipped (skip-series: false)", a, z, name);
		free(name);
		break;
	case R_ONE_MINOR:
		s = c->mllast[c->ml[i] + 1];
		name = series_name(&c->v[s], 2);
		buf_printf(b, "%s -> %s skips %s, and minor versions are "
		    "upgraded one at a time (one-minor-at-a-time)", a, z, name);
		free(name);
		break;
	case R_LEAVE:
		name = series_name(&c->v[i], c->series);
		buf_printf(b, "%s -> %s leaves the %s series from %s, but a "
		    "series is left only from its latest release, %s "
		    "(leave-series: from-latest)", a, z, name, a,
		    c->v[c->slast[c->ser[i]]].text);
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
		break;
	case R_ENTER:
		name = series_name(&c->v[j], c->series);
		buf_printf(b, "%s -> %s enters the %s series at %s, but a "
		    "series on the way to the target is entered at its first "
		    "release, %s (within-series: consecutive)", a, z, name, z,
		    c->v[c->sfirst[c->ser[j]]].text);
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

static struct plan_refusal *
refusal_new(const char *rule, char *message, const char *nearest)
{
	struct plan_refusal	*r = xcalloc(1, sizeof *r);

	r->rule = xstrdup(rule);
	r->message = message;
	r->nearest = nearest != NULL ? xstrdup(nearest) : NULL;
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
	size_t	*U, *L, *next, *all, *lasts, *level, *nlevel;
	long	*dist;
	size_t	 nl, nnl;
};

static void
search_free(struct search *s)
{
	free(s->U);
	free(s->L);
	free(s->next);
	free(s->all);
	free(s->lasts);
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
	size_t				 i, j, u, ks = 0, ka = 0, kr = 0;
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
		if (!x->p->skip_series && c->ser[i] + 1 < c->nser &&
		    c->slast[c->ser[i] + 1] < u)
			u = c->slast[c->ser[i] + 1];
		if (x->p->one_minor && c->ml[i] + 1 < c->nml &&
		    c->mllast[c->ml[i] + 1] < u)
			u = c->mllast[c->ml[i] + 1];
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

static void
visit(const struct plan_catalog *c, struct search *s, size_t i, size_t j,
    long d)
{
	s->dist[i] = d;
	s->next[i] = j;
	s->all[i] = i + 1;
	if (c->slast[c->ser[i]] == i)
		s->lasts[c->ser[i]] = c->ser[i] + 1;
	s->nlevel[s->nnl++] = i;
}

/* Breadth-first, backwards from the target: dist[i] is the fewest hops
 * from i to t, next[i] the latest release one hop on along such a path. */
static void
search_run(const struct ctx *x, struct search *s)
{
	const struct plan_catalog	*c = x->c;
	const struct rb_policy		*p = x->p;
	size_t				 n = c->n, li, i, j, lo, sf, se;
	size_t				*tmp;
	long				 d;
	bool				 any;

	any = p->within_series == RB_WITHIN_ANY;
	s->U = xcalloc(n, sizeof *s->U);
	s->L = xcalloc(n, sizeof *s->L);
	s->next = xcalloc(n, sizeof *s->next);
	s->all = xcalloc(n + 1, sizeof *s->all);
	s->lasts = xcalloc(c->nser + 1, sizeof *s->lasts);
	s->level = xcalloc(n, sizeof *s->level);
	s->nlevel = xcalloc(n, sizeof *s->nlevel);
	s->dist = xcalloc(n, sizeof *s->dist);
	search_bounds(x, s);
	for (i = 0; i <= n; i++)
		s->all[i] = i;
	for (i = 0; i <= c->nser; i++)
		s->lasts[i] = i;
	for (i = 0; i < n; i++)
		s->dist[i] = -1;
	s->nnl = 0;
	visit(c, s, x->t, x->t, 0);
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
			if (lo >= j)
				continue;
			sf = c->sfirst[c->ser[j]];
			/* within the series */
			if (any) {
				for (i = dsu_find(s->all, lo > sf ? lo : sf);
				    i < j; i = dsu_find(s->all, i + 1))
					visit(c, s, i, j, d);
			} else if (j > sf && j - 1 >= lo && s->dist[j - 1] < 0)
				visit(c, s, j - 1, j, d);
			/* from an earlier series */
			if (sf <= lo || (!any && j != sf && j != x->t))
				continue;
			if (p->leave_series == RB_LEAVE_FROM_LATEST) {
				se = c->ser[j];
				for (i = dsu_find(s->lasts, c->ser[lo]); i < se;
				    i = dsu_find(s->lasts, i + 1))
					visit(c, s, c->slast[i], j, d);
			} else {
				for (i = dsu_find(s->all, lo); i < sf;
				    i = dsu_find(s->all, i + 1))
					visit(c, s, i, j, d);
			}
		}
	}
}

/* The reason for the stop at k, between p and q on a shortest path. */
static char *
stop_reason(const struct ctx *x, size_t p, size_t k, size_t q)
{
	enum rule	 r = first_rule(violations(x, p, q));
	const char	*v = x->c->v[k].text, *why;
	size_t		 lv, lw;
	char		*s;

	/* No printf: a plan may have thousands of stops. */
	why = r == R__COUNT ? "a stop on the way" : stop_reasons[r];
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
		if (r2->nearest != NULL)
			(*refusal)->nearest = xstrdup(r2->nearest);
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
	size_t			 i, before = d->n_errors;

	list = xcalloc(av->n_list + 1, sizeof *list);
	for (i = 0; i < av->n_list; i++)
		(void)validate_one(rb, &av->list[i], &list[i], d);
	validate_twice(rb, list, av->n_list, d);
	for (i = 0; i < p->n_required_stops; i++) {
		if (!validate_one(rb, &p->required_stops[i], &v, d))
			continue;
		version_free(&v);
		if (av->list != NULL)
			validate_listed(rb, &p->required_stops[i], list,
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
	for (i = 0; i < av->n_list; i++)
		version_free(&list[i]);
	free(list);
	return (int)(d->n_errors - before);
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
	plan_free(r->alternative);
	free(r);
}
