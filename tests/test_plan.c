/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_plan.c: the planner on the source documents' cases (Backend.AI's
 * allowed and forbidden paths, Kubernetes' one minor at a time, GitLab's
 * required stops, Pachyderm's and QHub's redeploy and no-way-across
 * boundaries), its refusals word for word, and a property test against a
 * brute-force search over many small random catalogs and policies. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"
#include "util.h"

static const char *const default_kinds[3] = { NULL, NULL, NULL };

static struct plan_catalog *
catalog(enum rb_scheme scheme, int series, const char *const kinds[3],
    const char *const *rel, size_t n)
{
	struct rb_versions	 vs;
	struct plan_catalog	*c;
	char			*cause = NULL;

	memset(&vs, 0, sizeof vs);
	vs.scheme = scheme;
	vs.series = series;
	for (int i = 0; i < 3; i++)
		vs.kinds[i] = (char *)kinds[i];
	c = plan_catalog_new(&vs, rel, n, &cause);
	if (c == NULL)
		fail_msg("catalog: %s", cause);
	return c;
}

/* Backend.AI: 23.03.0..11, 23.09.0..10, 24.03.0..5, listed newest first
 * as `pip index versions` would. */
static struct plan_catalog *
backendai(void)
{
	static const char *const kinds[3] = { "major", "major", "minor" };
	char		*rel[40];
	const char	*crel[40];
	size_t		 n = 0, i;
	int		 k;
	struct plan_catalog *c;

	for (k = 5; k >= 0; k--)
		rel[n++] = xasprintf("24.03.%d", k);
	for (k = 10; k >= 0; k--)
		rel[n++] = xasprintf("23.09.%d", k);
	for (k = 11; k >= 0; k--)
		rel[n++] = xasprintf("23.03.%d", k);
	for (i = 0; i < n; i++)
		crel[i] = rel[i];
	c = catalog(RB_SCHEME_CALVER, 2, kinds, crel, n);
	for (i = 0; i < n; i++)
		free(rel[i]);
	return c;
}

static struct rb_policy
backendai_policy(void)
{
	struct rb_policy	p;

	memset(&p, 0, sizeof p);
	p.within_series = RB_WITHIN_CONSECUTIVE;
	p.leave_series = RB_LEAVE_FROM_LATEST;
	p.skip_series = 0;
	return p;
}

/* The path as "a -> b -> c". */
static char *
path_of(const struct plan *p)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_puts(&b, p->from);
	for (i = 0; i < p->n_hops; i++)
		buf_printf(&b, " -> %s", p->hops[i].to);
	return buf_take(&b);
}

static struct plan *
expect_plan(const struct plan_catalog *c, const struct rb_policy *p,
    const char *from, const char *to, const char *path)
{
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;
	char			*got;

	if (plan_compute(c, p, from, to, &pl, &r) != 0)
		fail_msg("%s -> %s refused: %s: %s", from, to, r->rule,
		    r->message);
	got = path_of(pl);
	assert_string_equal(got, path);
	free(got);
	return pl;
}

static struct plan_refusal *
expect_refusal(int direct, const struct plan_catalog *c,
    const struct rb_policy *p, const char *from, const char *to,
    const char *rule, const char *message)
{
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;
	int			 rc;

	rc = (direct ? plan_direct : plan_compute)(c, p, from, to, &pl, &r);
	if (rc == 0)
		fail_msg("%s -> %s was planned", from, to);
	assert_int_equal(rc, EXIT_REFUSED);
	assert_null(pl);
	assert_string_equal(r->rule, rule);
	assert_string_equal(r->message, message);
	return r;
}

static void
test_backendai_allowed(void **state)
{
	struct plan_catalog	*c = backendai();
	struct rb_policy	 p = backendai_policy();
	struct plan		*pl;
	size_t			 i;

	(void)state;
	assert_int_equal(plan_catalog_size(c), 29);
	assert_string_equal(plan_catalog_newest(c), "24.03.5");

	pl = expect_plan(c, &p, "23.09.10", "24.03.0", "23.09.10 -> 24.03.0");
	assert_string_equal(pl->hops[0].kind, "major");
	assert_false(pl->hops[0].redeploy);
	assert_null(pl->hops[0].reason);
	plan_free(pl);

	pl = expect_plan(c, &p, "23.09.10", "24.03.5", "23.09.10 -> 24.03.5");
	plan_free(pl);

	pl = expect_plan(c, &p, "23.09.9", "24.03.0",
	    "23.09.9 -> 23.09.10 -> 24.03.0");
	assert_string_equal(pl->hops[0].kind, "minor");
	assert_string_equal(pl->hops[0].reason,
	    "23.09.10: a series is left only from its latest release");
	assert_string_equal(pl->hops[1].kind, "major");
	plan_free(pl);

	pl = expect_plan(c, &p, "23.03.11", "24.03.0",
	    "23.03.11 -> 23.09.0 -> 23.09.1 -> 23.09.2 -> 23.09.3 -> 23.09.4"
	    " -> 23.09.5 -> 23.09.6 -> 23.09.7 -> 23.09.8 -> 23.09.9"
	    " -> 23.09.10 -> 24.03.0");
	assert_string_equal(pl->hops[0].kind, "major");
	assert_string_equal(pl->hops[0].reason,
	    "23.09.0: a series on the way is entered at its first release");
	for (i = 1; i < 10; i++) {
		char *want = xasprintf("%s: within a series every release is "
		    "installed in turn", pl->hops[i].to);
		assert_string_equal(pl->hops[i].kind, "minor");
		assert_string_equal(pl->hops[i].reason, want);
		free(want);
	}
	assert_string_equal(pl->hops[10].reason,
	    "23.09.10: a series is left only from its latest release");
	plan_free(pl);

	/* Within the target's series, every release in turn too. */
	pl = expect_plan(c, &p, "24.03.2", "24.03.5",
	    "24.03.2 -> 24.03.3 -> 24.03.4 -> 24.03.5");
	plan_free(pl);
	/* A leading v and a different spelling name the same release. */
	pl = expect_plan(c, &p, "v23.09.10", "24.3.5", "23.09.10 -> 24.03.5");
	plan_free(pl);
	plan_catalog_free(c);
}

static void
test_backendai_forbidden(void **state)
{
	struct plan_catalog	*c = backendai();
	struct rb_policy	 p = backendai_policy();
	struct plan_refusal	*r;
	struct plan		*pl = NULL;
	char			*path;

	(void)state;
	r = expect_refusal(1, c, &p, "23.09.9", "24.03.0", "leave-series",
	    "23.09.9 -> 24.03.0 is not allowed as one hop: 23.09.9 -> 24.03.0 "
	    "leaves the 23.09 series from 23.09.9, but a series is left only "
	    "from its latest release, 23.09.10 (leave-series: from-latest). "
	    "The allowed path takes 2 hops: 23.09.9 -> 23.09.10 -> 24.03.0.");
	path = path_of(r->alternative);
	assert_string_equal(path, "23.09.9 -> 23.09.10 -> 24.03.0");
	free(path);
	plan_refusal_free(r);

	r = expect_refusal(1, c, &p, "23.03.0", "24.03.0", "skip-series",
	    "23.03.0 -> 24.03.0 is not allowed as one hop: 23.03.0 -> 24.03.0 "
	    "skips the 23.09 series, and no series may be skipped "
	    "(skip-series: false); and 23.03.0 -> 24.03.0 leaves the 23.03 "
	    "series from 23.03.0, but a series is left only from its latest "
	    "release, 23.03.11 (leave-series: from-latest). The allowed path "
	    "takes 23 hops: 23.03.0 -> 23.03.1 -> 23.03.2 -> 23.03.3 -> "
	    "23.03.4 -> 23.03.5 -> 23.03.6 -> 23.03.7 -> 23.03.8 -> 23.03.9 "
	    "-> 23.03.10 -> 23.03.11 -> 23.09.0 -> 23.09.1 -> 23.09.2 -> "
	    "23.09.3 -> 23.09.4 -> 23.09.5 -> 23.09.6 -> 23.09.7 -> 23.09.8 "
	    "-> 23.09.9 -> 23.09.10 -> 24.03.0.");
	assert_int_equal(r->alternative->n_hops, 23);
	plan_refusal_free(r);

	/* The target's own series is entered at the target: a series is
	   entered at its first release only when the path goes on past it. */
	pl = expect_plan(c, &p, "23.03.11", "23.09.10", "23.03.11 -> 23.09.10");
	plan_free(pl);
	pl = expect_plan(c, &p, "23.03.10", "23.09.4",
	    "23.03.10 -> 23.03.11 -> 23.09.4");
	plan_free(pl);
	plan_catalog_free(c);
}

static void
test_backendai_direct_allowed(void **state)
{
	struct plan_catalog	*c = backendai();
	struct rb_policy	 p = backendai_policy();
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;

	(void)state;
	assert_int_equal(plan_direct(c, &p, "23.09.10", "24.03.5", &pl, &r), 0);
	assert_int_equal(pl->n_hops, 1);
	assert_string_equal(pl->hops[0].kind, "major");
	plan_free(pl);
	assert_int_equal(plan_direct(c, &p, "23.09.9", "23.09.10", &pl, &r), 0);
	assert_string_equal(pl->hops[0].kind, "minor");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "23.09.1", "23.09.4", "within-series",
	    "23.09.1 -> 23.09.4 is not allowed as one hop: 23.09.1 -> 23.09.4 "
	    "skips 23.09.2 to 23.09.3, but within a series every release is "
	    "installed in turn (within-series: consecutive). The allowed path "
	    "takes 3 hops: 23.09.1 -> 23.09.2 -> 23.09.3 -> 23.09.4.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

static void
test_refusals(void **state)
{
	struct plan_catalog	*c = backendai();
	struct rb_policy	 p = backendai_policy();
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;

	(void)state;
	r = expect_refusal(0, c, &p, "24.03.0", "23.09.10", "downgrade",
	    "24.03.0 -> 23.09.10 is a downgrade: 23.09.10 is older than "
	    "24.03.0. stepup plans upgrades only; going back to an older "
	    "release is a rollback to what was backed up before the upgrade.");
	assert_null(r->nearest);
	plan_refusal_free(r);

	r = expect_refusal(0, c, &p, "23.09.10", "23.09.11", "not-in-catalog",
	    "The target version 23.09.11 is not in the catalog of available "
	    "releases (29, from 23.03.0 to 24.03.5); the nearest are 23.09.10 "
	    "and 24.03.0.");
	assert_string_equal(r->nearest, "23.09.10");
	plan_refusal_free(r);

	r = expect_refusal(0, c, &p, "22.09.1", "24.03.5", "not-in-catalog",
	    "The installed version 22.09.1 is not in the catalog of available "
	    "releases (29, from 23.03.0 to 24.03.5); the nearest is 23.03.0.");
	assert_string_equal(r->nearest, "23.03.0");
	plan_refusal_free(r);

	r = expect_refusal(0, c, &p, "23.09", "latest", "invalid-version",
	    "The target version 'latest' is not a valid calver version: it "
	    "does not start with a number.");
	plan_refusal_free(r);

	/* from == to: nothing to do, even spelled differently */
	assert_int_equal(plan_compute(c, &p, "24.03.5", "v24.03.5", &pl, &r), 0);
	assert_int_equal(pl->n_hops, 0);
	plan_free(pl);
	assert_int_equal(plan_direct(c, &p, "24.03.5", "24.03.5", &pl, &r), 0);
	assert_int_equal(pl->n_hops, 0);
	plan_free(pl);
	plan_catalog_free(c);
}

static void
test_kubernetes(void **state)
{
	static const char *const rel[] = {
		"1.27.0", "1.27.1", "1.27.2", "1.28.0", "1.28.1", "1.28.3",
		"1.29.0", "1.29.2", "1.30.0",
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.one_minor = true;
	pl = expect_plan(c, &p, "1.27.1", "1.29.2",
	    "1.27.1 -> 1.28.3 -> 1.29.2");
	assert_string_equal(pl->hops[0].kind, "minor");
	assert_string_equal(pl->hops[0].reason,
	    "1.28.3: minor versions are upgraded one at a time");
	plan_free(pl);
	/* patches may be skipped */
	pl = expect_plan(c, &p, "1.27.0", "1.27.2", "1.27.0 -> 1.27.2");
	assert_string_equal(pl->hops[0].kind, "patch");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "1.27.0", "1.30.0", "one-minor-at-a-time",
	    "1.27.0 -> 1.30.0 is not allowed as one hop: 1.27.0 -> 1.30.0 "
	    "skips 1.28 and 1.29, and minor versions are upgraded one at a "
	    "time (one-minor-at-a-time). The allowed path takes 3 hops: "
	    "1.27.0 -> 1.28.3 -> 1.29.2 -> 1.30.0.");
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.27.2", "1.29.0", "one-minor-at-a-time",
	    "1.27.2 -> 1.29.0 is not allowed as one hop: 1.27.2 -> 1.29.0 "
	    "skips 1.28, and minor versions are upgraded one at a time "
	    "(one-minor-at-a-time). The allowed path takes 2 hops: 1.27.2 -> "
	    "1.28.3 -> 1.29.0.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

/* One minor at a time counts version numbers: a catalog with 1.18.x and
 * 1.26.x and nothing between has no path, and says what is missing. */
static void
test_one_minor_gap(void **state)
{
	static const char *const rel[] = {
		"1.18.0", "1.18.5", "1.26.0", "1.26.5", "1.28.0", "1.29.2",
		"2.0.0", "2.1.0", "3.0.0",
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;
	char			*path;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.one_minor = true;
	r = expect_refusal(0, c, &p, "1.18.0", "1.26.5", "one-minor-at-a-time",
	    "No upgrade path leads from 1.18.0 to 1.26.5: 1.18.5 -> 1.26.0 "
	    "skips 1.19, 1.20, 1.21, 1.22, 1.23, 1.24 and 1.25, and minor "
	    "versions are upgraded one at a time (one-minor-at-a-time); none "
	    "of them is in the catalog of available releases, so no path can "
	    "stop there. The nearest version that can be reached is 1.18.5.");
	assert_string_equal(r->nearest, "1.18.5");
	path = path_of(r->alternative);
	assert_string_equal(path, "1.18.0 -> 1.18.5");
	free(path);
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.18.5", "1.26.0", "one-minor-at-a-time",
	    "1.18.5 -> 1.26.0 is not allowed as one hop: 1.18.5 -> 1.26.0 "
	    "skips 1.19, 1.20, 1.21, 1.22, 1.23, 1.24 and 1.25, and minor "
	    "versions are upgraded one at a time (one-minor-at-a-time); none "
	    "of them is in the catalog of available releases, so no path can "
	    "stop there. No other path leads there either "
	    "(one-minor-at-a-time); nothing above 1.18.5 can be reached.");
	plan_refusal_free(r);
	/* a gap of one, beside a line the catalog has */
	r = expect_refusal(1, c, &p, "1.26.0", "1.29.2", "one-minor-at-a-time",
	    "1.26.0 -> 1.29.2 is not allowed as one hop: 1.26.0 -> 1.29.2 "
	    "skips 1.27 and 1.28, and minor versions are upgraded one at a "
	    "time (one-minor-at-a-time); 1.27 is not in the catalog of "
	    "available releases, so no path can stop there. No other path "
	    "leads there either (one-minor-at-a-time); the nearest version "
	    "that can be reached is 1.26.5.");
	plan_refusal_free(r);
	/* a major is entered at its .0 from the latest line of the last */
	pl = expect_plan(c, &p, "1.28.0", "2.1.0",
	    "1.28.0 -> 1.29.2 -> 2.0.0 -> 2.1.0");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "1.29.2", "2.1.0", "one-minor-at-a-time",
	    "1.29.2 -> 2.1.0 is not allowed as one hop: 1.29.2 -> 2.1.0 skips "
	    "2.0, and minor versions are upgraded one at a time "
	    "(one-minor-at-a-time). The allowed path takes 2 hops: 1.29.2 -> "
	    "2.0.0 -> 2.1.0.");
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.29.2", "3.0.0", "one-minor-at-a-time",
	    "1.29.2 -> 3.0.0 is not allowed as one hop: 1.29.2 -> 3.0.0 skips "
	    "2.0 and 2.1, and minor versions are upgraded one at a time "
	    "(one-minor-at-a-time). The allowed path takes 3 hops: 1.29.2 -> "
	    "2.0.0 -> 2.1.0 -> 3.0.0.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

/* skip-series: N, Slurm's window: a hop passes over at most one release
 * series (from up to two releases before). */
static void
test_bounded_skip(void **state)
{
	static const char *const rel[] = {
		"22.05.0", "22.05.11", "23.02.0", "23.02.7", "23.11.0",
		"23.11.10", "24.05.0", "24.05.4", "24.11.0",
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_CALVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = 1;
	pl = expect_plan(c, &p, "22.05.0", "23.11.10", "22.05.0 -> 23.11.10");
	plan_free(pl);
	pl = expect_plan(c, &p, "22.05.11", "24.11.0",
	    "22.05.11 -> 23.11.10 -> 24.11.0");
	assert_string_equal(pl->hops[0].reason, "23.11.10: a hop passes over "
	    "no more series than skip-series allows");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "22.05.11", "24.05.0", "skip-series",
	    "22.05.11 -> 24.05.0 is not allowed as one hop: 22.05.11 -> "
	    "24.05.0 skips the 23.02 and 23.11 series, and a hop may pass over "
	    "at most 1 (skip-series: 1). The allowed path takes 2 hops: "
	    "22.05.11 -> 23.11.10 -> 24.05.0.");
	plan_refusal_free(r);
	/* skip-series-to: hops to 24.11 and later pass over two */
	{
		struct rb_skip_to to = { { ">=24.11", { 9, 9 } }, 2, NULL, 0 };

		p.skip_to = &to;
		p.n_skip_to = 1;
		pl = expect_plan(c, &p, "23.02.7", "24.11.0",
		    "23.02.7 -> 24.11.0");
		plan_free(pl);
		pl = expect_plan(c, &p, "22.05.11", "24.11.0",
		    "22.05.11 -> 23.11.10 -> 24.11.0");
		plan_free(pl);
		r = expect_refusal(1, c, &p, "22.05.11", "24.11.0",
		    "skip-series", "22.05.11 -> 24.11.0 is not allowed as one "
		    "hop: 22.05.11 -> 24.11.0 skips the 23.02, 23.11 and 24.05 "
		    "series, and a hop to 24.11.0 may pass over at most 2 "
		    "(skip-series-to). The allowed path takes 2 hops: 22.05.11 "
		    "-> 23.11.10 -> 24.11.0.");
		plan_refusal_free(r);
		p.skip_to = NULL;
		p.n_skip_to = 0;
	}
	p.skip_series = 0;
	r = expect_refusal(1, c, &p, "22.05.11", "24.05.0", "skip-series",
	    "22.05.11 -> 24.05.0 is not allowed as one hop: 22.05.11 -> "
	    "24.05.0 skips the 23.02 and 23.11 series, and no series may be "
	    "skipped (skip-series: false). The allowed path takes 3 hops: "
	    "22.05.11 -> 23.02.7 -> 23.11.10 -> 24.05.0.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

static void
test_gitlab_required_stops(void **state)
{
	static const char *const rel[] = {
		"15.0.0", "15.4.6", "15.5.0", "15.11.13", "16.0.0", "16.3.0",
		"16.7.0",
	};
	struct rb_boundary	 stops[] = {
		{ { "15.4.6", { 3, 5 } }, NULL, NULL, 0 },
		{ { "15.11.13", { 3, 15 } }, NULL, NULL, 0 },
		{ { "16.3.0", { 3, 27 } }, NULL, NULL, 0 },
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 1, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.required_stops = stops;
	p.n_required_stops = nitems(stops);
	pl = expect_plan(c, &p, "15.0.0", "16.7.0",
	    "15.0.0 -> 15.4.6 -> 15.11.13 -> 16.3.0 -> 16.7.0");
	assert_string_equal(pl->hops[0].reason, "15.4.6: a required stop");
	assert_string_equal(pl->hops[1].kind, "minor");
	assert_string_equal(pl->hops[2].kind, "major");
	plan_free(pl);
	pl = expect_plan(c, &p, "15.4.6", "15.11.13", "15.4.6 -> 15.11.13");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "15.5.0", "16.0.0", "required-stop",
	    "15.5.0 -> 16.0.0 is not allowed as one hop: 15.5.0 -> 16.0.0 "
	    "passes over 15.11.13, a required stop that every upgrade across "
	    "it must stop at (required-stops). The allowed path takes 2 hops: "
	    "15.5.0 -> 15.11.13 -> 16.0.0.");
	plan_refusal_free(r);
	plan_catalog_free(c);

	/* A required stop missing from the catalog cannot be crossed. */
	stops[1].at.s = "15.11.12";
	c = catalog(RB_SCHEME_SEMVER, 1, default_kinds, rel, nitems(rel));
	r = expect_refusal(0, c, &p, "15.0.0", "16.7.0", "required-stop",
	    "No upgrade path leads from 15.0.0 to 16.7.0: 15.5.0 -> 15.11.13 "
	    "passes over 15.11.12, a required stop that every upgrade across "
	    "it must stop at (required-stops); 15.11.12 is not in the catalog, "
	    "so nothing can stop there. The nearest version that can be "
	    "reached is 15.5.0.");
	assert_string_equal(r->nearest, "15.5.0");
	assert_non_null(r->alternative);
	assert_int_equal(r->alternative->n_hops, 2);
	plan_refusal_free(r);
	plan_catalog_free(c);
}

/* Nested series: within a major any minor may be skipped, a major is left
 * only from its latest minor (any patch) and entered only at the releases
 * enter-at names. */
static void
test_nested_levels(void **state)
{
	static const char *const rel[] = {
		"1.0.0", "1.1.0", "1.2.0", "1.2.3", "2.0.0", "2.1.0", "2.3.0",
		"3.0.0", "3.0.1", "3.1.0",
	};
	struct rb_boundary	 enter[] = {
		{ { "2.0.0", { 9, 5 } }, NULL, NULL, 0 }, { { "3.0.x", { 9, 12 } }, NULL, NULL, 0 },
	};
	struct rb_series_level	 major;
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	memset(&major, 0, sizeof major);
	p.skip_series = RB_SKIP_ANY;
	major.parts = 1;
	major.leave = RB_LEAVE_FROM_LATEST_MINOR;
	major.skip = 0;
	major.enter_at = enter;
	major.n_enter_at = nitems(enter);
	p.levels = &major;
	p.n_levels = 1;
	pl = expect_plan(c, &p, "1.0.0", "1.2.0", "1.0.0 -> 1.2.0");
	plan_free(pl);
	pl = expect_plan(c, &p, "1.0.0", "2.1.0",
	    "1.0.0 -> 1.2.3 -> 2.0.0 -> 2.1.0");
	assert_string_equal(pl->hops[0].reason,
	    "1.2.3: a series is left only from its latest minor version");
	assert_string_equal(pl->hops[1].reason,
	    "2.0.0: a series is entered only at a release its enter-at names");
	plan_free(pl);
	/* any patch of the latest minor */
	pl = expect_plan(c, &p, "1.2.0", "2.0.0", "1.2.0 -> 2.0.0");
	plan_free(pl);
	/* 3.0.x is 3.0.1, the newest 3.0 */
	pl = expect_plan(c, &p, "2.3.0", "3.1.0", "2.3.0 -> 3.0.1 -> 3.1.0");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "1.1.0", "2.0.0", "leave-series",
	    "1.1.0 -> 2.0.0 is not allowed as one hop: 1.1.0 -> 2.0.0 leaves "
	    "the 1 series from 1.1.0, but a series is left only from a release "
	    "of its latest minor version, 1.2 (levels: major: leave: "
	    "from-latest-minor). The allowed path takes 2 hops: 1.1.0 -> "
	    "1.2.3 -> 2.0.0.");
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "2.3.0", "3.1.0", "enter-at",
	    "2.3.0 -> 3.1.0 is not allowed as one hop: 2.3.0 -> 3.1.0 enters "
	    "the 3 series at 3.1.0, but a hop enters it only at 3.0.1 (levels: "
	    "major: enter-at). The allowed path takes 2 hops: 2.3.0 -> 3.0.1 "
	    "-> 3.1.0.");
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.2.3", "3.0.1", "skip-series",
	    "1.2.3 -> 3.0.1 is not allowed as one hop: 1.2.3 -> 3.0.1 skips "
	    "the 2 series, and no series may be skipped (levels: major: skip: "
	    "0). The allowed path takes 3 hops: 1.2.3 -> 2.0.0 -> 2.3.0 -> "
	    "3.0.1.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

/* GitLab's "8.11.Z": a stop naming a line is its newest release in the
 * catalog; a line the catalog lacks cannot be crossed. */
static void
test_line_stops(void **state)
{
	static const char *const rel[] = {
		"8.10.0", "8.11.0", "8.11.3", "8.11.11", "8.12.0", "8.17.7",
		"9.0.0", "9.5.10", "10.0.0",
	};
	struct rb_boundary	 stops[] = {
		{ { "8.11.Z", { 3, 5 } }, NULL, NULL, 0 }, { { "9.x", { 3, 15 } }, NULL, NULL, 0 },
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 1, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.required_stops = stops;
	p.n_required_stops = nitems(stops);
	pl = expect_plan(c, &p, "8.10.0", "10.0.0",
	    "8.10.0 -> 8.11.11 -> 9.5.10 -> 10.0.0");
	assert_string_equal(pl->hops[0].reason,
	    "8.11.11: a required stop (8.11.Z: the newest 8.11 release)");
	assert_string_equal(pl->hops[1].reason,
	    "9.5.10: a required stop (9.x: the newest 9 release)");
	plan_free(pl);
	/* from inside the line, too */
	pl = expect_plan(c, &p, "8.11.3", "8.12.0",
	    "8.11.3 -> 8.11.11 -> 8.12.0");
	plan_free(pl);
	pl = expect_plan(c, &p, "8.11.11", "9.0.0", "8.11.11 -> 9.0.0");
	plan_free(pl);
	r = expect_refusal(1, c, &p, "8.11.3", "8.12.0", "required-stop",
	    "8.11.3 -> 8.12.0 is not allowed as one hop: 8.11.3 -> 8.12.0 "
	    "passes over 8.11.11 (8.11.Z: the newest 8.11 release in the "
	    "catalog), a required stop that every upgrade across it must stop "
	    "at (required-stops). The allowed path takes 2 hops: 8.11.3 -> "
	    "8.11.11 -> 8.12.0.");
	plan_refusal_free(r);
	/* a line with no release in the catalog cannot be crossed */
	stops[1].at.s = "8.13.x";
	r = expect_refusal(0, c, &p, "8.12.0", "9.0.0", "required-stop",
	    "No upgrade path leads from 8.12.0 to 9.0.0: 8.12.0 -> 8.17.7 "
	    "passes over 8.13.x, a required stop that every upgrade across it "
	    "must stop at (required-stops); the catalog has no release of that "
	    "line, so nothing can stop there. The nearest version that can be "
	    "reached is 8.12.0, the installed one.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

static const char *
answer_of(void *arg, const char *name)
{
	return strcmp(name, "big_db") == 0 ? arg : NULL;
}

/* Conditional stops: taken only when the variable's answer is one of the
 * values `when` names; the plan's reason says so. */
static void
test_conditional_stops(void **state)
{
	static const char *const rel[] = {
		"16.0.0", "16.3.4", "16.3.9", "16.7.8", "16.11.2", "17.0.0",
	};
	char			*values[] = { "yes", "maybe" };
	struct rb_cond		 big = { { "big_db", { 4, 12 } }, values, 2 };
	struct rb_boundary	 stops[] = {
		{ { "16.3.x", { 3, 5 } }, NULL, &big, 1 },
		{ { "16.11.x", { 3, 15 } }, NULL, NULL, 0 },
	};
	struct plan_catalog	*c;
	struct rb_policy	 p, *q;
	struct plan		*pl;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 1, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.required_stops = stops;
	p.n_required_stops = nitems(stops);
	q = plan_policy_when(&p, answer_of, "yes");
	assert_int_equal(q->n_required_stops, 2);
	pl = expect_plan(c, q, "16.0.0", "17.0.0",
	    "16.0.0 -> 16.3.9 -> 16.11.2 -> 17.0.0");
	assert_string_equal(pl->hops[0].reason, "16.3.9: a required stop "
	    "(16.3.x: the newest 16.3 release), taken since big_db is one of "
	    "yes or maybe");
	plan_free(pl);
	plan_policy_free(q);
	q = plan_policy_when(&p, answer_of, "no");
	assert_int_equal(q->n_required_stops, 1);
	pl = expect_plan(c, q, "16.0.0", "17.0.0",
	    "16.0.0 -> 16.11.2 -> 17.0.0");
	plan_free(pl);
	plan_policy_free(q);
	/* no answer: the condition does not hold */
	q = plan_policy_when(&p, answer_of, NULL);
	assert_int_equal(q->n_required_stops, 1);
	plan_policy_free(q);
	assert_true(plan_policy_asks(&p, "big_db"));
	assert_false(plan_policy_asks(&p, "other"));
	plan_catalog_free(c);
}

/* Conditional scalar rules: the first item whose `when` holds gives the
 * value, else the unconditional one; the refusals and the stops' reasons
 * say since what, and plan_policy_conds names what applied. */
static void
test_conditional_rules(void **state)
{
	static const char *const rel[] = {
		"22.05.1", "22.05.8", "23.02.1", "23.02.7", "23.11.1",
		"23.11.5", "23.11.10", "24.05.1", "24.05.8", "24.11.1",
	};
	char			*yes[] = { "yes" };
	struct rb_cond		 big = { { "big_db", { 4, 12 } }, yes, 1 };
	struct rb_rule_item	 skip[] = {
		{ 1, "1", NULL, 0, { 5, 1 } },
		{ 2, "2", &big, 1, { 6, 1 } },
	};
	struct rb_rule_item	 within[] = {
		{ RB_WITHIN_CONSECUTIVE, "consecutive", &big, 1, { 7, 1 } },
	};
	struct rb_boundary	 redeploy[] = {
		{ { "23.02.0", { 8, 1 } }, NULL, &big, 1 },
		{ { "24.05.0", { 8, 9 } }, NULL, NULL, 0 },
	};
	struct rb_boundary	 enter[] = {
		{ { "24.05.x", { 9, 1 } }, NULL, &big, 1 },
	};
	struct rb_boundary	 across[] = {
		{ { "23.11.5", { 10, 1 } }, NULL, &big, 1 },
	};
	struct rb_skip_to	 to24 = { { ">=24.11", { 11, 1 } }, 0, NULL, 0 };
	struct rb_series_level	 level;
	struct plan_catalog	*c;
	struct rb_policy	 p, *q;
	struct plan_refusal	*r;
	struct plan_conds	 pc;
	struct plan		*pl;

	(void)state;
	c = catalog(RB_SCHEME_CALVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = 1;
	p.rules[RB_RULE_SKIP].items = skip;
	p.rules[RB_RULE_SKIP].n_items = nitems(skip);
	/* big_db is yes: two series may be skipped, the conditional item
	   winning over the unconditional one listed before it */
	q = plan_policy_when(&p, answer_of, "yes");
	assert_int_equal(q->skip_series, 2);
	assert_ptr_equal(q->chosen[RB_RULE_SKIP], &skip[1]);
	pl = expect_plan(c, q, "22.05.8", "24.05.1", "22.05.8 -> 24.05.1");
	plan_free(pl);
	r = expect_refusal(1, c, q, "22.05.8", "24.11.1", "skip-series",
	    "22.05.8 -> 24.11.1 is not allowed as one hop: 22.05.8 -> 24.11.1 "
	    "skips the 23.02, 23.11 and 24.05 series, and a hop may pass over "
	    "at most 2 (skip-series: 2), since big_db is yes. The allowed path "
	    "takes 2 hops: 22.05.8 -> 24.05.8 -> 24.11.1.");
	plan_refusal_free(r);
	plan_policy_conds(q, &pc);
	assert_int_equal(pc.n, 1);
	assert_string_equal(pc.v[0].rule, "skip-series");
	assert_string_equal(pc.v[0].value, "2");
	assert_string_equal(pc.v[0].since, "big_db is yes");
	plan_conds_free(&pc);
	plan_policy_free(q);
	/* a skip-series-to item bounds the hop into 24.11: its stop is not
	   the conditional rule's doing */
	p.skip_to = &to24;
	p.n_skip_to = 1;
	q = plan_policy_when(&p, answer_of, "yes");
	pl = expect_plan(c, q, "22.05.8", "24.11.1",
	    "22.05.8 -> 24.05.8 -> 24.11.1");
	assert_string_equal(pl->hops[0].reason, "24.05.8: no series is "
	    "skipped");
	plan_free(pl);
	plan_policy_free(q);
	p.skip_to = NULL;
	p.n_skip_to = 0;
	/* no: the unconditional value, and nothing said about a when */
	q = plan_policy_when(&p, answer_of, "no");
	assert_int_equal(q->skip_series, 1);
	assert_null(q->chosen[RB_RULE_SKIP]);
	r = expect_refusal(1, c, q, "22.05.8", "24.05.1", "skip-series",
	    "22.05.8 -> 24.05.1 is not allowed as one hop: 22.05.8 -> 24.05.1 "
	    "skips the 23.02 and 23.11 series, and a hop may pass over at most "
	    "1 (skip-series: 1). The allowed path takes 2 hops: 22.05.8 -> "
	    "23.11.10 -> 24.05.1.");
	plan_refusal_free(r);
	plan_policy_conds(q, &pc);
	assert_int_equal(pc.n, 0);
	plan_conds_free(&pc);
	plan_policy_free(q);

	/* within-series with only a conditional item: the default without
	   it; with it, each stop says since what */
	memset(&p, 0, sizeof p);
	p.rules[RB_RULE_WITHIN].items = within;
	p.rules[RB_RULE_WITHIN].n_items = 1;
	q = plan_policy_when(&p, answer_of, "no");
	assert_int_equal(q->within_series, RB_WITHIN_ANY);
	pl = expect_plan(c, q, "22.05.1", "23.02.7", "22.05.1 -> 23.02.7");
	plan_free(pl);
	plan_policy_free(q);
	q = plan_policy_when(&p, answer_of, "yes");
	pl = expect_plan(c, q, "22.05.1", "23.11.1",
	    "22.05.1 -> 23.02.1 -> 23.11.1");
	assert_string_equal(pl->hops[0].reason, "23.02.1: no series is "
	    "skipped");
	plan_free(pl);
	pl = expect_plan(c, q, "23.11.1", "23.11.10",
	    "23.11.1 -> 23.11.5 -> 23.11.10");
	assert_string_equal(pl->hops[0].reason, "23.11.5: within a series "
	    "every release is installed in turn, since big_db is yes");
	plan_free(pl);
	plan_policy_free(q);

	/* a conditional redeploy boundary, and enter-at */
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.redeploy_at = redeploy;
	p.n_redeploy_at = nitems(redeploy);
	q = plan_policy_when(&p, answer_of, "yes");
	r = expect_refusal(1, c, q, "22.05.8", "24.11.1", "redeploy-at",
	    "22.05.8 -> 24.11.1 is not allowed as one hop: 22.05.8 -> 24.11.1 "
	    "crosses the redeploy boundaries 23.02.0 and 24.05.0, and a "
	    "redeploy crosses one at a time (redeploy-at); 23.02.0 is one since "
	    "big_db is yes. The allowed path takes 2 hops: 22.05.8 -> 23.11.10 "
	    "-> 24.11.1.");
	plan_refusal_free(r);
	plan_policy_free(q);
	memset(&p, 0, sizeof p);
	memset(&level, 0, sizeof level);
	p.skip_series = RB_SKIP_ANY;
	level.parts = 1;
	level.skip = RB_SKIP_ANY;
	level.enter_at = enter;
	level.n_enter_at = nitems(enter);
	p.levels = &level;
	p.n_levels = 1;
	q = plan_policy_when(&p, answer_of, "no");
	pl = expect_plan(c, q, "22.05.8", "23.02.1", "22.05.8 -> 23.02.1");
	plan_free(pl);
	plan_policy_free(q);
	q = plan_policy_when(&p, answer_of, "yes");
	r = expect_refusal(1, c, q, "22.05.8", "23.02.1", "enter-at",
	    "22.05.8 -> 23.02.1 is not allowed as one hop: 22.05.8 -> 23.02.1 "
	    "enters the 23 series at 23.02.1, but no release of it is one a "
	    "hop may enter at, so none does (levels: major: enter-at), since "
	    "big_db is yes. No other path leads there either (enter-at); "
	    "nothing above 22.05.8 can be reached.");
	plan_refusal_free(r);
	r = expect_refusal(1, c, q, "22.05.8", "24.11.1", "enter-at",
	    "22.05.8 -> 24.11.1 is not allowed as one hop: 22.05.8 -> 24.11.1 "
	    "enters the 24 series at 24.11.1, but a hop enters it only at "
	    "24.05.8 (since big_db is yes) (levels: major: enter-at). The "
	    "allowed path takes 2 hops: 22.05.8 -> 24.05.8 -> 24.11.1.");
	plan_refusal_free(r);
	plan_policy_conds(q, &pc);
	assert_int_equal(pc.n, 1);
	assert_string_equal(pc.v[0].rule, "levels: major: enter-at");
	assert_string_equal(pc.v[0].value, "24.05.x");
	plan_conds_free(&pc);
	assert_true(plan_policy_asks(&p, "big_db"));
	plan_policy_free(q);

	/* a conditional boundary with no way across, within a major: the
	   refusal names the release it is reached from */
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.no_across = across;
	p.n_no_across = nitems(across);
	q = plan_policy_when(&p, answer_of, "yes");
	r = expect_refusal(1, c, q, "23.02.7", "24.05.1", "no-upgrade-across",
	    "23.02.7 -> 24.05.1 is not allowed as one hop: 24.05.1 cannot be "
	    "reached in place or by a redeploy from 23.02.7: no documented "
	    "path leads from below 23.11.5 to 23.11.5 or later "
	    "(no-upgrade-across), since big_db is yes. No other path leads "
	    "there either (no-upgrade-across); the nearest version that can "
	    "be reached is 23.11.1.");
	plan_refusal_free(r);
	plan_policy_free(q);
	q = plan_policy_when(&p, answer_of, "no");
	pl = expect_plan(c, q, "23.02.7", "24.05.1", "23.02.7 -> 24.05.1");
	plan_free(pl);
	plan_policy_free(q);
	plan_catalog_free(c);
}

/* Lint of line stops: numbers that do not parse are an error, a line the
 * literal catalog lacks a warning. */
static void
test_validate_lines(void **state)
{
	struct rb_str		 list[] = {
		{ "8.11.0", { 6, 15 } }, { "8.12.0", { 6, 22 } },
	};
	struct rb_boundary	 stops[] = {
		{ { "8.11.x", { 8, 20 } }, NULL, NULL, 0 },
		{ { "8.13.Z", { 8, 28 } }, NULL, NULL, 0 },
		{ { "8.a.x", { 8, 36 } }, NULL, NULL, 0 },
	};
	struct runbook		 rb;
	struct rb_diags		 d;

	(void)state;
	memset(&rb, 0, sizeof rb);
	rb.path = "r.yaml";
	rb.versions.scheme = RB_SCHEME_SEMVER;
	rb.versions.available.list = list;
	rb.versions.available.n_list = nitems(list);
	rb.policy.required_stops = stops;
	rb.policy.n_required_stops = nitems(stops);
	rb_diags_init(&d);
	assert_int_equal(plan_validate(&rb, &d), 1);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.v[0].level, RB_WARNING);
	assert_int_equal(d.v[0].pos.col, 28);
	assert_string_equal(d.v[0].msg, "required stop '8.13.Z' names a line "
	    "with no release in the available list: no upgrade can cross it, "
	    "since none can stop there");
	assert_int_equal(d.v[1].level, RB_ERROR);
	assert_int_equal(d.v[1].pos.col, 36);
	rb_diags_free(&d);
}

static void
test_pachyderm_boundaries(void **state)
{
	static const char *const rel[] = {
		"1.7.0", "1.7.14", "1.8.0", "1.8.5", "1.9.0", "1.13.0",
		"2.0.0", "2.1.0",
	};
	struct rb_boundary	 redeploy[] = {
		{ { "1.8.0", { 12, 18 } }, "1.8 rearchitected the storage", NULL, 0 },
	};
	struct rb_boundary	 across[] = {
		{ { "2.0.0", { 13, 24 } }, "1.x data cannot be migrated to 2.x", NULL, 0 },
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;
	char			*path;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.redeploy_at = redeploy;
	p.n_redeploy_at = 1;
	p.no_across = across;
	p.n_no_across = 1;
	pl = expect_plan(c, &p, "1.7.0", "1.13.0", "1.7.0 -> 1.13.0");
	assert_string_equal(pl->hops[0].kind, "redeploy");
	assert_true(pl->hops[0].redeploy);
	plan_free(pl);
	pl = expect_plan(c, &p, "1.8.0", "1.9.0", "1.8.0 -> 1.9.0");
	assert_string_equal(pl->hops[0].kind, "minor");
	assert_false(pl->hops[0].redeploy);
	plan_free(pl);
	r = expect_refusal(0, c, &p, "1.7.14", "2.1.0", "no-upgrade-across",
	    "No upgrade path leads from 1.7.14 to 2.1.0: 2.0.0 cannot be reached "
	    "in place or by a redeploy from 1.x: no documented path leads from "
	    "below 2.0.0 to 2.0.0 or later (no-upgrade-across): 1.x data cannot be migrated to 2.x. The "
	    "nearest version that can be reached is 1.13.0.");
	assert_string_equal(r->nearest, "1.13.0");
	path = path_of(r->alternative);
	assert_string_equal(path, "1.7.14 -> 1.13.0");
	free(path);
	plan_refusal_free(r);
	r = expect_refusal(0, c, &p, "1.13.0", "2.0.0", "no-upgrade-across",
	    "No upgrade path leads from 1.13.0 to 2.0.0: 2.0.0 cannot be reached "
	    "in place or by a redeploy from 1.x: no documented path leads from "
	    "below 2.0.0 to 2.0.0 or later (no-upgrade-across): 1.x data cannot be migrated to 2.x. The "
	    "nearest version that can be reached is 1.13.0, the installed "
	    "one.");
	assert_null(r->alternative);
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.7.14", "2.1.0", "no-upgrade-across",
	    "1.7.14 -> 2.1.0 is not allowed as one hop: 2.1.0 cannot be reached "
	    "in place or by a redeploy from 1.x: no documented path leads from "
	    "below 2.0.0 to 2.0.0 or later (no-upgrade-across): 1.x data cannot be migrated to 2.x. No "
	    "other path leads there either (no-upgrade-across); the nearest "
	    "version that can be reached is 1.13.0.");
	assert_string_equal(r->nearest, "1.13.0");
	path = path_of(r->alternative);
	assert_string_equal(path, "1.7.14 -> 1.13.0");
	free(path);
	plan_refusal_free(r);
	r = expect_refusal(1, c, &p, "1.13.0", "2.1.0", "no-upgrade-across",
	    "1.13.0 -> 2.1.0 is not allowed as one hop: 2.1.0 cannot be reached "
	    "in place or by a redeploy from 1.x: no documented path leads from "
	    "below 2.0.0 to 2.0.0 or later (no-upgrade-across): 1.x data cannot be migrated to 2.x. No "
	    "other path leads there either (no-upgrade-across); nothing "
	    "above 1.13.0 can be reached.");
	assert_null(r->alternative);
	plan_refusal_free(r);
	/* on the far side, upgrades go on */
	pl = expect_plan(c, &p, "2.0.0", "2.1.0", "2.0.0 -> 2.1.0");
	plan_free(pl);
	plan_catalog_free(c);
}

static void
test_qhub_redeploy(void **state)
{
	static const char *const rel[] = {
		"v0.3.12", "v0.3.13", "v0.3.14", "v0.4.0", "v0.4.1",
	};
	struct rb_boundary	 redeploy[] = {
		{ { "0.4.0", { 9, 16 } }, NULL, NULL, 0 },
		{ { "0.4.1", { 9, 16 } }, NULL, NULL, 0 },
	};
	struct plan_catalog	*c;
	struct rb_policy	 p;
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_SEMVER, 2, default_kinds, rel, nitems(rel));
	memset(&p, 0, sizeof p);
	p.redeploy_at = redeploy;
	p.n_redeploy_at = 1;
	pl = expect_plan(c, &p, "0.3.14", "0.4.1", "v0.3.14 -> v0.4.1");
	assert_string_equal(pl->hops[0].kind, "redeploy");
	plan_free(pl);
	/* Two boundaries: one redeploy each. */
	p.n_redeploy_at = 2;
	pl = expect_plan(c, &p, "0.3.12", "0.4.1",
	    "v0.3.12 -> v0.4.0 -> v0.4.1");
	assert_string_equal(pl->hops[0].reason,
	    "v0.4.0: a redeploy crosses one boundary at a time");
	assert_true(pl->hops[1].redeploy);
	plan_free(pl);
	r = expect_refusal(1, c, &p, "0.3.14", "0.4.1", "redeploy-at",
	    "v0.3.14 -> v0.4.1 is not allowed as one hop: v0.3.14 -> v0.4.1 "
	    "crosses the redeploy boundaries 0.4.0 and 0.4.1, and a redeploy "
	    "crosses one at a time (redeploy-at). The allowed path takes 2 "
	    "hops: v0.3.14 -> v0.4.0 -> v0.4.1.");
	plan_refusal_free(r);
	plan_catalog_free(c);
}

static void
test_catalog_errors(void **state)
{
	static const char *const bad[] = { "1.0.0", "1.0", "2.0.0" };
	static const char *const dup[] = { "1.0", "1.0.0", "v1.0", "0.9" };
	struct rb_versions	 vs;
	struct plan_catalog	*c;
	char			*cause = NULL;

	(void)state;
	memset(&vs, 0, sizeof vs);
	vs.scheme = RB_SCHEME_SEMVER;
	assert_null(plan_catalog_new(&vs, bad, nitems(bad), &cause));
	assert_string_equal(cause, "'1.0' is not a valid semver version: it "
	    "has 2 numbers, not MAJOR.MINOR.PATCH");
	free(cause);
	assert_null(plan_catalog_new(&vs, bad, 0, &cause));
	assert_string_equal(cause, "the catalog of available releases is "
	    "empty");
	free(cause);
	vs.scheme = RB_SCHEME_LOOSE;
	c = plan_catalog_new(&vs, dup, nitems(dup), &cause);
	assert_int_equal(plan_catalog_size(c), 2);
	assert_string_equal(plan_catalog_at(c, 0), "0.9");
	assert_string_equal(plan_catalog_at(c, 1), "1.0");
	assert_null(plan_catalog_at(c, 2));
	plan_catalog_free(c);
}

static void
test_prereleases(void **state)
{
	static const char *const rel[] = {
		"24.03.0rc1", "23.09.10", "24.03.0", "24.03.1.dev1", "24.03.1",
		"23.09.11b1",
	};
	struct plan_catalog	*c;
	struct rb_policy	 p = backendai_policy();
	struct plan		*pl;
	struct plan_refusal	*r;

	(void)state;
	c = catalog(RB_SCHEME_PEP440, 2, default_kinds, rel, nitems(rel));
	/* aside: not counted, not the newest, never a stop on the way */
	assert_int_equal(plan_catalog_size(c), 3);
	assert_string_equal(plan_catalog_newest(c), "24.03.1");
	pl = expect_plan(c, &p, "23.09.10", "24.03.1", "23.09.10 -> 24.03.1");
	plan_free(pl);
	/* named as from or to, they join */
	pl = expect_plan(c, &p, "23.09.10", "24.03.0rc1",
	    "23.09.10 -> 24.03.0rc1");
	assert_string_equal(pl->hops[0].kind, "major");
	plan_free(pl);
	pl = expect_plan(c, &p, "24.03.0rc1", "24.03.1",
	    "24.03.0rc1 -> 24.03.0 -> 24.03.1");
	assert_string_equal(pl->hops[0].kind, "patch");
	plan_free(pl);
	pl = expect_plan(c, &p, "23.09.11b1", "24.03.0rc1",
	    "23.09.11b1 -> 24.03.0rc1");
	plan_free(pl);
	/* one not in the catalog at all */
	r = expect_refusal(0, c, &p, "23.09.10", "24.03.0rc2", "not-in-catalog",
	    "The target version 24.03.0rc2 is not in the catalog of available "
	    "releases (3, from 23.09.10 to 24.03.1); the nearest are 23.09.10 "
	    "and 24.03.0.");
	plan_refusal_free(r);
	/* the default target */
	assert_string_equal(plan_default_target(c, "23.09.10"), "24.03.1");
	assert_string_equal(plan_default_target(c, "24.09"), "24.09");
	assert_string_equal(plan_default_target(c, "garbage"), "24.03.1");
	plan_catalog_free(c);

	/* A catalog of nothing but pre-releases keeps them. */
	c = catalog(RB_SCHEME_PEP440, 2, default_kinds, rel, 1);
	assert_int_equal(plan_catalog_size(c), 1);
	plan_catalog_free(c);
}

/* 10 000 releases, one listed twice under another spelling and one three
 * times: each later place is said, naming the first, and nothing else
 * (the list is sorted once, not compared pair by pair). */
static void
test_validate_twice(void **state)
{
	struct runbook	 rb;
	struct rb_diags	 d;
	struct rb_str	*list;
	size_t		 n = 10000, i;

	(void)state;
	list = xcalloc(n + 3, sizeof *list);
	for (i = 0; i < n; i++) {
		list[i].s = xasprintf("%zu.%zu.%zu", i / 100, i % 100, i % 7);
		list[i].pos.line = (int)i + 1;
		list[i].pos.col = 5;
	}
	list[n].s = xstrdup("v42.17.3");	/* as item 4218 */
	list[n + 1].s = xstrdup("0.7.0");	/* item 8 */
	list[n + 2].s = xstrdup("0.7.0");
	for (i = n; i < n + 3; i++) {
		list[i].pos.line = (int)i + 1;
		list[i].pos.col = 5;
	}
	memset(&rb, 0, sizeof rb);
	rb.path = "r.yaml";
	rb.versions.scheme = RB_SCHEME_SEMVER;
	rb.versions.available.list = list;
	rb.versions.available.n_list = n + 3;
	rb_diags_init(&d);
	assert_int_equal(plan_validate(&rb, &d), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[0].pos.line, 10001);
	assert_string_equal(d.v[0].msg, "'v42.17.3' is listed twice: it is the "
	    "same version as '42.17.3' on line 4218");
	assert_int_equal(d.v[1].pos.line, 10002);
	assert_string_equal(d.v[1].msg, "'0.7.0' is listed twice: it is the "
	    "same version as '0.7.0' on line 8");
	assert_int_equal(d.v[2].pos.line, 10003);
	assert_string_equal(d.v[2].msg, "'0.7.0' is listed twice: it is the "
	    "same version as '0.7.0' on line 8");
	rb_diags_free(&d);
	for (i = 0; i < n + 3; i++)
		free(list[i].s);
	free(list);
}

static void
test_validate(void **state)
{
	struct rb_str		 list[] = {
		{ "1.0.0", { 6, 15 } }, { "1.1", { 6, 22 } },
		{ "v1.0.0", { 6, 27 } }, { "1.2.0", { 6, 35 } },
	};
	struct rb_boundary	 stops[] = {
		{ { "1.2.0", { 8, 20 } }, NULL, NULL, 0 }, { { "1.5.0", { 8, 27 } }, NULL, NULL, 0 },
	};
	struct rb_boundary	 across[] = { { { "2.0.x", { 9, 23 } }, NULL, NULL, 0 } };
	struct rb_boundary	 redeploy[] = { { { "1.9.0", { 10, 17 } }, NULL, NULL, 0 } };
	struct runbook		 rb;
	struct rb_diags		 d;

	(void)state;
	memset(&rb, 0, sizeof rb);
	rb.path = "r.yaml";
	rb.versions.scheme = RB_SCHEME_SEMVER;
	rb.versions.available.list = list;
	rb.versions.available.n_list = nitems(list);
	rb.policy.required_stops = stops;
	rb.policy.n_required_stops = nitems(stops);
	rb.policy.no_across = across;
	rb.policy.n_no_across = 1;
	rb.policy.redeploy_at = redeploy;
	rb.policy.n_redeploy_at = 1;
	rb_diags_init(&d);
	assert_int_equal(plan_validate(&rb, &d), 2);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.v[0].level, RB_ERROR);
	assert_int_equal(d.v[0].pos.line, 6);
	assert_int_equal(d.v[0].pos.col, 22);
	assert_string_equal(d.v[0].msg, "'1.1' is not a valid semver version: "
	    "it has 2 numbers, not MAJOR.MINOR.PATCH");
	assert_int_equal(d.v[1].level, RB_WARNING);
	assert_int_equal(d.v[1].pos.col, 27);
	assert_string_equal(d.v[1].msg, "'v1.0.0' is listed twice: it is the "
	    "same version as '1.0.0' on line 6");
	assert_int_equal(d.v[2].level, RB_WARNING);
	assert_int_equal(d.v[2].pos.col, 27);
	assert_string_equal(d.v[2].msg, "required stop '1.5.0' is not in the "
	    "available list: no upgrade can cross it, since none can stop "
	    "there");
	assert_int_equal(d.v[3].level, RB_WARNING);
	assert_string_equal(d.v[3].msg, "redeploy-at '1.9.0' is not in the "
	    "available list: the boundary is before the first listed release "
	    "above it");
	assert_int_equal(d.v[4].level, RB_ERROR);
	assert_int_equal(d.v[4].pos.line, 9);
	assert_string_equal(d.v[4].msg, "'2.0.x' is not a valid semver "
	    "version: a dot is not followed by a number");
	rb_diags_free(&d);

	/* A catalog from a command: nothing to compare stops with. */
	rb.versions.available.list = NULL;
	rb.versions.available.n_list = 0;
	rb.versions.available.command = "true";
	rb.policy.n_no_across = 0;
	rb_diags_init(&d);
	assert_int_equal(plan_validate(&rb, &d), 0);
	assert_int_equal(d.n, 0);
	rb_diags_free(&d);
}

/* ---- the property test ------------------------------------------------
 * Versions are triples a.b.c with each part in 0..3, written as loose
 * versions; the brute force below decides each hop from the definitions
 * in stepup-runbook(5), on the triples, without the planner's indices. */

#define PT_MAX 10

struct pt {
	int			 v[PT_MAX][3];	/* the catalog, ascending */
	int			 n;
	int			 series;
	struct rb_policy	 p;	/* as a runbook writes it */
	struct rb_policy	 e;	/* the scalar rules' values that
					   apply under the answer */
	int			 stop[3][3], across[2][3], redeploy[2][3];
	int			 nstop, nacross, nredeploy;
	/* a nested level, major, when series is major.minor */
	bool			 nested;
	enum rb_leave		 mleave;
	int			 mskip;
	bool			 menter_rule, menter[PT_MAX];
	/* skip-series-to: [{to: ">=to_at", skip: to_skip}] */
	bool			 has_to;
	int			 to_at[3], to_skip;
};

static int	tcmp(const int *, const int *, int);

/* Whether a hop leaving its series of `parts` numbers may start at i:
 * from-latest, its series' last release; from-latest-minor, a release of
 * the minor line of that last release. */
static bool
pt_leave_ok(const struct pt *t, enum rb_leave how, int parts, int i)
{
	int	k = i;

	while (k + 1 < t->n && tcmp(t->v[k + 1], t->v[i], parts) == 0)
		k++;
	if (how == RB_LEAVE_FROM_LATEST)
		return k == i;
	if (how == RB_LEAVE_FROM_LATEST_MINOR)
		return tcmp(t->v[k], t->v[i], 2) == 0;
	return true;
}

/* The series of `parts` numbers strictly between releases i and j. */
static int
pt_between(const struct pt *t, int i, int j, int parts)
{
	int	k, n = 0;

	for (k = 0; k < t->n; k++)
		if (tcmp(t->v[k], t->v[i], parts) > 0 &&
		    tcmp(t->v[k], t->v[j], parts) < 0 &&
		    (k == 0 || tcmp(t->v[k - 1], t->v[k], parts) != 0))
			n++;
	return n;
}

static int
tcmp(const int *a, const int *b, int parts)
{
	for (int i = 0; i < parts; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* The number of boundaries x with a < x <= b (top_open: a < x < b). */
static int
tcount(const int (*x)[3], int nx, const int *a, const int *b, bool top_open)
{
	int	k, n = 0;

	for (k = 0; k < nx; k++)
		if (tcmp(x[k], a, 3) > 0 && (top_open ? tcmp(x[k], b, 3) < 0 :
		    tcmp(x[k], b, 3) <= 0))
			n++;
	return n;
}

static bool
pt_allowed(const struct pt *t, int i, int j, int target)
{
	const int	*a = t->v[i], *b = t->v[j];
	int		 k, s = t->series, nskip;
	bool		 same = tcmp(a, b, s) == 0;

	if (j <= i)
		return false;
	if (tcount((const int (*)[3])t->across, t->nacross, a, b, false) > 0)
		return false;
	if (tcount((const int (*)[3])t->stop, t->nstop, a, b, true) > 0)
		return false;
	if (tcount((const int (*)[3])t->redeploy, t->nredeploy, a, b, false) > 1)
		return false;
	/* the series strictly between, each counted once */
	nskip = 0;
	for (k = 0; k < t->n; k++)
		if (tcmp(t->v[k], a, s) > 0 && tcmp(t->v[k], b, s) < 0 &&
		    (k == 0 || tcmp(t->v[k - 1], t->v[k], s) != 0))
			nskip++;
	k = t->has_to && tcmp(b, t->to_at, 3) >= 0 ? t->to_skip :
	    t->e.skip_series;
	if (k != RB_SKIP_ANY && nskip > k)
		return false;
	for (k = 0; k < t->n; k++) {
		/* a minor version strictly between is skipped */
		if (t->e.one_minor && tcmp(t->v[k], a, 2) > 0 &&
		    tcmp(t->v[k], b, 2) < 0)
			return false;
	}
	/* the nested major level: its skip, leave and enter-at */
	if (t->nested) {
		if (t->mskip != RB_SKIP_ANY && pt_between(t, i, j, 1) > t->mskip)
			return false;
		if (a[0] != b[0] && !pt_leave_ok(t, t->mleave, 1, i))
			return false;
		if (a[0] != b[0] && t->menter_rule && !t->menter[j])
			return false;
	}
	/* one minor at a time counts numbers: M.m -> M.(m+1) at most, and
	   M.m -> (M+1).0 only when no release of M is above M.m */
	if (t->e.one_minor && a[0] == b[0] && b[1] > a[1] + 1)
		return false;
	if (t->e.one_minor && a[0] != b[0] && (b[0] != a[0] + 1 || b[1] != 0))
		return false;
	if (same) {
		if (t->e.within_series == RB_WITHIN_CONSECUTIVE && j != i + 1)
			return false;
		return true;
	}
	if (!pt_leave_ok(t, t->e.leave_series, s, i))
		return false;
	if (t->e.within_series == RB_WITHIN_CONSECUTIVE && j != target &&
	    tcmp(t->v[j - 1], b, s) == 0)
		return false;
	return true;
}

/* Fewest hops from f to t, or -1. */
static int
pt_brute(const struct pt *t, int f, int to)
{
	int	dist[PT_MAX], i, j, changed;

	for (i = 0; i < t->n; i++)
		dist[i] = -1;
	dist[f] = 0;
	do {
		changed = 0;
		for (i = 0; i < t->n; i++) {
			if (dist[i] < 0)
				continue;
			for (j = i + 1; j < t->n; j++) {
				if (pt_allowed(t, i, j, to) &&
				    (dist[j] < 0 || dist[j] > dist[i] + 1)) {
					dist[j] = dist[i] + 1;
					changed = 1;
				}
			}
		}
	} while (changed);
	return dist[to];
}

static int
pt_index(const struct pt *t, const char *text)
{
	int	a, b, c, i;

	if (sscanf(text, "%d.%d.%d", &a, &b, &c) != 3)
		return -1;
	for (i = 0; i < t->n; i++)
		if (t->v[i][0] == a && t->v[i][1] == b && t->v[i][2] == c)
			return i;
	return -1;
}

/* Make stop x name its line of `parts` numbers, written "a.x" or
 * "a.b.Z", and resolve it as stepup-runbook(5) says. */
static void
pt_line_stop(const struct pt *t, int *x, int parts, char *buf, size_t len)
{
	int	i, k = -1;

	if (parts == 1)
		snprintf(buf, len, "%d.x", x[0]);
	else
		snprintf(buf, len, "%d.%d.Z", x[0], x[1]);
	for (i = 0; i < t->n; i++)
		if (tcmp(t->v[i], x, parts) == 0)
			k = i;
	if (k >= 0)
		memcpy(x, t->v[k], 3 * sizeof *x);
	else
		for (i = parts; i < 3; i++)
			x[i] = 0;
}

/* The one variable of the property test's conditions. */
static const char *
pt_answer(void *arg, const char *name)
{
	return strcmp(name, "big") == 0 ? arg : NULL;
}

/* A value of scalar rule id, drawn. */
static int
pt_draw(enum rb_rule_id id)
{
	switch (id) {
	case RB_RULE_WITHIN:
		return rand() % 2 ? RB_WITHIN_ANY : RB_WITHIN_CONSECUTIVE;
	case RB_RULE_LEAVE:
		return rand() % 3;
	case RB_RULE_SKIP:
		return rand() % 2 ? RB_SKIP_ANY : rand() % 3;
	case RB_RULE_ONE_MINOR:
		return rand() % 3 == 0;
	case RB_RULE__COUNT:
		break;
	}
	return 0;
}

/* Each scalar rule's default, as the loader leaves it. */
static const int pt_default[RB_RULE__COUNT] = {
	RB_WITHIN_ANY, RB_LEAVE_FROM_ANY, RB_SKIP_ANY, false
};

/* Scalar rule id of p (of level l when not NULL), drawn; a third of the
 * time conditional, as stepup-runbook(5) writes it: an item {value: A,
 * when: {big: yes}}, and half the time an unconditional value before or
 * after it (else the default applies when big is not yes). The value
 * that applies under the answer is returned, for the brute force; the
 * field of p holds the unconditional one, as the loader leaves it. */
static int
pt_rule(struct rb_policy *p, struct rb_series_level *l, enum rb_rule_id id,
    struct rb_rule_item items[2], struct rb_cond *big, const char *answer,
    int *nconds)
{
	static char		 text[] = "v";
	struct rb_rule		*r = l != NULL ? &l->rules[id] : &p->rules[id];
	int			 v = pt_draw(id), a, k;

	memset(items, 0, 2 * sizeof *items);
	r->items = items;
	r->n_items = 1;
	items[0].value = v;
	items[0].text = text;
	if (rand() % 3 != 0) {
		rb_rule_set(p, l, id, v);
		return v;
	}
	a = pt_draw(id);
	k = 0;
	if (rand() % 2) {
		r->n_items = 2;
		k = rand() % 2;
		items[1 - k].value = v;
		items[1 - k].text = text;
	} else
		v = pt_default[id];
	items[k].value = a;
	items[k].text = text;
	items[k].when = big;
	items[k].n_when = 1;
	rb_rule_set(p, l, id, v);
	if (strcmp(answer, "yes") == 0) {
		(*nconds)++;
		return a;
	}
	return v;
}

static void
pt_random_triple(int *x)
{
	x[0] = rand() % 3;
	x[1] = rand() % 4;
	x[2] = rand() % 4;
}

static void
test_property(void **state)
{
	static const char *const kinds[3] = { "K0", "K1", "K2" };
	struct pt		 t;
	char			*text[PT_MAX];
	const char		*ctext[PT_MAX];
	struct rb_boundary	 stops[3];
	struct rb_boundary	 across[2], redeploy[2];
	char			 sbuf[3][16], abuf[2][16], rbuf[2][16];
	char			 ebuf[PT_MAX][16];
	char			*yes = "yes";
	struct rb_cond		 big = { { "big", { 0, 0 } }, &yes, 1 };
	struct rb_policy	*when;
	const char		*answer;
	struct rb_boundary	 enter[PT_MAX];
	struct rb_series_level	 level;
	struct rb_skip_to	 skip_to;
	struct rb_rule_item	 ritems[RB_RULE__COUNT][2], litems[2][2];
	struct plan_conds	 pc;
	int			 nconds;
	char			 tobuf[24];
	int			 round, i, j, k, f, to, want, used[3][4][4];
	long			 plans = 0, refusals = 0, said = 0;

	(void)state;
	srand(20261122);
	for (round = 0; round < 1500; round++) {
		memset(&t, 0, sizeof t);
		memset(used, 0, sizeof used);
		t.n = 2 + rand() % (PT_MAX - 1);
		for (i = 0; i < t.n; ) {
			int x[3];
			pt_random_triple(x);
			if (used[x[0]][x[1]][x[2]]++)
				continue;
			memcpy(t.v[i++], x, sizeof x);
		}
		/* sort ascending */
		for (i = 1; i < t.n; i++)
			for (j = i; j > 0 && tcmp(t.v[j - 1], t.v[j], 3) > 0; j--) {
				int x[3];
				memcpy(x, t.v[j], sizeof x);
				memcpy(t.v[j], t.v[j - 1], sizeof x);
				memcpy(t.v[j - 1], x, sizeof x);
			}
		t.series = 1 + rand() % 2;
		/* every scalar rule, conditional a third of the time */
		answer = rand() % 2 ? "yes" : "no";
		nconds = 0;
		for (k = 0; k < RB_RULE__COUNT; k++)
			rb_rule_set(&t.e, NULL, (enum rb_rule_id)k, pt_rule(&t.p,
			    NULL, (enum rb_rule_id)k, ritems[k], &big, answer,
			    &nconds));
		t.nstop = rand() % 3 == 0 ? rand() % 3 : 0;
		t.nacross = rand() % 4 == 0 ? 1 : 0;
		t.nredeploy = rand() % 3 == 0 ? 1 + rand() % 2 : 0;
		for (k = 0; k < t.nstop; k++) {
			/* mostly releases from the catalog */
			if (rand() % 4)
				memcpy(t.stop[k], t.v[rand() % t.n], sizeof t.stop[k]);
			else
				pt_random_triple(t.stop[k]);
			snprintf(sbuf[k], sizeof sbuf[k], "%d.%d.%d", t.stop[k][0],
			    t.stop[k][1], t.stop[k][2]);
			/* a quarter name a line: its newest release in the
			   catalog, else its first number */
			if (rand() % 4 == 0)
				pt_line_stop(&t, t.stop[k], 1 + rand() % 2,
				    sbuf[k], sizeof sbuf[k]);
			stops[k].at.s = sbuf[k];
			stops[k].reason = NULL;
		}
		for (k = 0; k < t.nacross; k++) {
			pt_random_triple(t.across[k]);
			snprintf(abuf[k], sizeof abuf[k], "%d.%d.%d",
			    t.across[k][0], t.across[k][1], t.across[k][2]);
			across[k].at.s = abuf[k];
			t.p.n_no_across = (size_t)k + 1;
			across[k].reason = NULL;
			across[k].when = NULL;
			across[k].n_when = 0;
		}
		for (k = 0; k < t.nredeploy; k++) {
			pt_random_triple(t.redeploy[k]);
			snprintf(rbuf[k], sizeof rbuf[k], "%d.%d.%d",
			    t.redeploy[k][0], t.redeploy[k][1], t.redeploy[k][2]);
			redeploy[k].at.s = rbuf[k];
			t.p.n_redeploy_at = (size_t)k + 1;
			redeploy[k].reason = NULL;
			redeploy[k].when = NULL;
			redeploy[k].n_when = 0;
		}
		t.p.required_stops = stops;
		t.p.n_required_stops = (size_t)t.nstop;
		/* a third of the stops and boundaries are conditional
		   (when: {big: yes}); the brute force knows only those that
		   hold */
		for (k = 0, i = 0; k < t.nstop; k++) {
			stops[k].when = NULL;
			stops[k].n_when = 0;
			if (rand() % 3 == 0) {
				stops[k].when = &big;
				stops[k].n_when = 1;
				if (strcmp(answer, "yes") != 0)
					continue;
				nconds++;
			}
			memmove(t.stop[i++], t.stop[k], sizeof t.stop[k]);
		}
		t.nstop = i;
		for (k = 0, i = 0; k < t.nacross; k++) {
			if (rand() % 3 == 0) {
				across[k].when = &big;
				across[k].n_when = 1;
				if (strcmp(answer, "yes") != 0)
					continue;
				nconds++;
			}
			memmove(t.across[i++], t.across[k], sizeof t.across[k]);
		}
		t.nacross = i;
		for (k = 0, i = 0; k < t.nredeploy; k++) {
			if (rand() % 3 == 0) {
				redeploy[k].when = &big;
				redeploy[k].n_when = 1;
				if (strcmp(answer, "yes") != 0)
					continue;
				nconds++;
			}
			memmove(t.redeploy[i++], t.redeploy[k],
			    sizeof t.redeploy[k]);
		}
		t.nredeploy = i;
		t.p.no_across = across;
		t.p.redeploy_at = redeploy;
		/* a quarter of the time, another skip for hops to a range */
		t.p.skip_to = NULL;
		t.p.n_skip_to = 0;
		if (rand() % 4 == 0) {
			t.has_to = true;
			pt_random_triple(t.to_at);
			t.to_skip = rand() % 4 == 0 ? RB_SKIP_ANY : rand() % 3;
			snprintf(tobuf, sizeof tobuf, ">=%d.%d.%d", t.to_at[0],
			    t.to_at[1], t.to_at[2]);
			skip_to.to.s = tobuf;
			skip_to.skip = t.to_skip;
			skip_to.when = NULL;
			skip_to.n_when = 0;
			t.p.skip_to = &skip_to;
			t.p.n_skip_to = 1;
			/* a third of the time only when big is yes */
			if (rand() % 3 == 0) {
				skip_to.when = &big;
				skip_to.n_when = 1;
				t.has_to = strcmp(answer, "yes") == 0;
				nconds += t.has_to;
			}
		}
		/* half the time with series major.minor, a nested level
		   (major) with its own leave, skip and enter-at rules */
		t.p.levels = NULL;
		t.p.n_levels = 0;
		if (t.series == 2 && rand() % 2) {
			t.nested = true;
			memset(&level, 0, sizeof level);
			level.parts = 1;
			t.mleave = (enum rb_leave)pt_rule(&t.p, &level,
			    RB_RULE_LEAVE, litems[0], &big, answer, &nconds);
			t.mskip = pt_rule(&t.p, &level, RB_RULE_SKIP, litems[1],
			    &big, answer, &nconds);
			t.menter_rule = rand() % 3 == 0;
			level.enter_at = enter;
			for (k = 0, i = 0, j = 0; t.menter_rule && k < t.n; k++) {
				if (!(t.menter[k] = rand() % 2))
					continue;
				/* the newest of its line, sometimes as a line */
				if (rand() % 4 == 0 && (k + 1 == t.n ||
				    tcmp(t.v[k + 1], t.v[k], 2) != 0))
					snprintf(ebuf[i], sizeof ebuf[i],
					    "%d.%d.x", t.v[k][0], t.v[k][1]);
				else
					snprintf(ebuf[i], sizeof ebuf[i],
					    "%d.%d.%d", t.v[k][0], t.v[k][1],
					    t.v[k][2]);
				enter[i].at.s = ebuf[i];
				enter[i].reason = NULL;
				enter[i].when = NULL;
				enter[i].n_when = 0;
				/* a fifth only when big is yes: a series is
				   entered there only then */
				if (rand() % 5 == 0) {
					enter[i].when = &big;
					enter[i].n_when = 1;
					if (strcmp(answer, "yes") != 0)
						t.menter[k] = false;
					else
						nconds++;
				}
				if (t.menter[k])
					j++;
				i++;
			}
			level.n_enter_at = (size_t)i;
			/* the rule holds when an item of it applies */
			if (j == 0)
				t.menter_rule = false;
			t.p.levels = &level;
			t.p.n_levels = 1;
		}

		/* listed in reverse, to exercise the sort */
		for (i = 0; i < t.n; i++) {
			text[i] = xasprintf("%d.%d.%d", t.v[t.n - 1 - i][0],
			    t.v[t.n - 1 - i][1], t.v[t.n - 1 - i][2]);
			ctext[i] = text[i];
		}
		struct plan_catalog *c = catalog(RB_SCHEME_LOOSE, t.series,
		    kinds, ctext, (size_t)t.n);

		/* the conditional items that apply, each said once */
		when = plan_policy_when(&t.p, pt_answer, (void *)answer);
		plan_policy_conds(when, &pc);
		assert_int_equal((int)pc.n, nconds);
		for (size_t q = 0; q < pc.n; q++)
			assert_string_equal(pc.v[q].since, "big is yes");
		plan_conds_free(&pc);
		plan_policy_free(when);

		for (f = 0; f < t.n; f++) {
			for (to = f + 1; to < t.n; to++) {
				struct plan *pl = NULL, *dp = NULL;
				struct plan_refusal *r = NULL, *dr = NULL;
				const char *from = text[t.n - 1 - f];
				const char *tot = text[t.n - 1 - to];
				int rc, drc;

				want = pt_brute(&t, f, to);
				when = plan_policy_when(&t.p, pt_answer,
				    (void *)answer);
				rc = plan_compute(c, when, from, tot, &pl, &r);
				if (want < 0) {
					if (rc == 0)
						fail_msg("round %d: %s -> %s planned "
						    "in %zu hops, brute force finds "
						    "no path", round, from, tot,
						    pl->n_hops);
					assert_int_equal(rc, EXIT_REFUSED);
					assert_non_null(r->nearest);
					/* the nearest is reachable */
					k = pt_index(&t, r->nearest);
					assert_true(k == f || pt_brute(&t, f, k) > 0);
					/* no condition held: none is named */
					assert_true(nconds > 0 ||
					    strstr(r->message, "since") == NULL);
					refusals++;
					plan_refusal_free(r);
				} else {
					if (rc != 0)
						fail_msg("round %d: %s -> %s refused "
						    "(%s), brute force finds %d hops",
						    round, from, tot, r->message, want);
					assert_int_equal((int)pl->n_hops, want);
					for (size_t h = 0; h < pl->n_hops; h++) {
						int a = pt_index(&t, pl->hops[h].from);
						int b = pt_index(&t, pl->hops[h].to);
						if (!pt_allowed(&t, a, b, to))
							fail_msg("round %d: hop %s -> %s "
							    "is not allowed", round,
							    pl->hops[h].from,
							    pl->hops[h].to);
						assert_true(h == 0 || strcmp(
						    pl->hops[h - 1].to,
						    pl->hops[h].from) == 0);
						assert_true((h + 1 == pl->n_hops) ==
						    (pl->hops[h].reason == NULL));
						assert_true(nconds > 0 ||
						    pl->hops[h].reason == NULL ||
						    strstr(pl->hops[h].reason,
						    "since") == NULL);
						int nb = tcount((const int (*)[3])
						    t.redeploy, t.nredeploy,
						    t.v[a], t.v[b], false);
						assert_int_equal(pl->hops[h].redeploy,
						    nb == 1);
						if (nb == 0) {
							int d = t.v[a][0] != t.v[b][0] ? 0 :
							    t.v[a][1] != t.v[b][1] ? 1 : 2;
							assert_string_equal(
							    pl->hops[h].kind, kinds[d]);
						}
					}
					assert_int_equal(pt_index(&t,
					    pl->hops[0].from), f);
					assert_int_equal(pt_index(&t,
					    pl->hops[pl->n_hops - 1].to), to);
					plans++;
					plan_free(pl);
				}
				/* --direct agrees with the hop predicate */
				drc = plan_direct(c, when, from, tot, &dp, &dr);
				assert_int_equal(drc == 0,
				    pt_allowed(&t, f, to, to));
				assert_true(drc == 0 || nconds > 0 ||
				    strstr(dr->message, "since") == NULL);
				/* a rule a when gave says so */
				if (drc != 0 && strcmp(dr->rule,
				    "one-minor-at-a-time") == 0 &&
				    when->chosen[RB_RULE_ONE_MINOR] != NULL) {
					assert_non_null(strstr(dr->message,
					    "(one-minor-at-a-time), since big "
					    "is yes"));
					said++;
				}
				if (drc != 0 && strcmp(dr->rule,
				    "within-series") == 0 &&
				    when->chosen[RB_RULE_WITHIN] != NULL) {
					assert_non_null(strstr(dr->message,
					    "(within-series: consecutive), "
					    "since big is yes"));
					said++;
				}
				plan_policy_free(when);
				plan_free(dp);
				plan_refusal_free(dr);
			}
		}
		plan_catalog_free(c);
		for (i = 0; i < t.n; i++)
			free(text[i]);
	}
	/* Both outcomes were exercised, many times. */
	assert_true(plans > 5000);
	assert_true(refusals > 500);
	assert_true(said > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backendai_allowed),
		cmocka_unit_test(test_backendai_forbidden),
		cmocka_unit_test(test_backendai_direct_allowed),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_kubernetes),
		cmocka_unit_test(test_one_minor_gap),
		cmocka_unit_test(test_bounded_skip),
		cmocka_unit_test(test_gitlab_required_stops),
		cmocka_unit_test(test_nested_levels),
		cmocka_unit_test(test_line_stops),
		cmocka_unit_test(test_validate_lines),
		cmocka_unit_test(test_conditional_stops),
		cmocka_unit_test(test_conditional_rules),
		cmocka_unit_test(test_pachyderm_boundaries),
		cmocka_unit_test(test_qhub_redeploy),
		cmocka_unit_test(test_catalog_errors),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_twice),
		cmocka_unit_test(test_prereleases),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
