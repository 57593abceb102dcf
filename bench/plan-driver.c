/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plan-driver.c: the benchmark driver for bench/plan: builds a catalog of
 * N calendar releases (shuffled), writes it to a file for the reference
 * tool, and times plan_catalog_new() and plan_compute() under three
 * policies. Prints "name milliseconds-per-call hops" lines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"
#include "util.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
bench(const char *name, const struct plan_catalog *c,
    const struct rb_policy *p, const char *from, const char *to, int reps)
{
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;
	double			 t0;
	size_t			 hops = 0;
	int			 i;

	t0 = now();
	for (i = 0; i < reps; i++) {
		if (plan_compute(c, p, from, to, &pl, &r) != 0)
			fatal(1, "%s: refused: %s", name, r->message);
		hops = pl->n_hops;
		plan_free(pl);
	}
	printf("%s %.3f %zu\n", name, (now() - t0) / reps, hops);
}

int
main(int argc, char **argv)
{
	struct rb_versions	 vs;
	struct rb_policy	 p;
	struct plan_catalog	*c = NULL;
	struct rb_boundary	*stops;
	struct plan_catalog	*kc;
	char			**rel, *cause;
	size_t			 n, per, i, k;
	int			 reps, r;
	double			 t0;
	FILE			*f;

	if (argc != 4)
		fatal(2, "usage: plan-driver N REPS CATALOG-FILE");
	n = strtoul(argv[1], NULL, 10);
	reps = atoi(argv[2]);
	per = 100;
	rel = xcalloc(n, sizeof *rel);
	for (i = 0; i < n; i++)
		rel[i] = xasprintf("%zu.%02zu.%zu", 10 + i / per / 2,
		    (i / per) % 2 ? (size_t)9 : (size_t)3, i % per);
	srand(1);
	for (i = n - 1; i > 0; i--) {
		char *t;
		k = (size_t)rand() % (i + 1);
		t = rel[i];
		rel[i] = rel[k];
		rel[k] = t;
	}
	if ((f = fopen(argv[3], "w")) == NULL)
		fatal(1, "%s: cannot write", argv[3]);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", rel[i]);
	fclose(f);

	memset(&vs, 0, sizeof vs);
	vs.scheme = RB_SCHEME_CALVER;
	vs.series = 2;
	t0 = now();
	for (r = 0; r < reps; r++) {
		plan_catalog_free(c);
		c = plan_catalog_new(&vs, (const char *const *)rel, n, &cause);
		if (c == NULL)
			fatal(1, "%s", cause);
	}
	printf("catalog %.3f %zu\n", (now() - t0) / reps, plan_catalog_size(c));

	/* Backend.AI: every release in turn, oldest to newest. */
	memset(&p, 0, sizeof p);
	p.within_series = RB_WITHIN_CONSECUTIVE;
	p.leave_series = RB_LEAVE_FROM_LATEST;
	bench("backendai", c, &p, plan_catalog_at(c, 0),
	    plan_catalog_newest(c), reps);
	/* Kubernetes: one minor at a time (counted by number: its own
	   catalog of 1.0.0 to 1.99.99, every minor there), patches
	   skipped. */
	for (i = 0; i < n; i++) {
		free(rel[i]);
		rel[i] = xasprintf("1.%zu.%zu", i / per, i % per);
	}
	vs.scheme = RB_SCHEME_SEMVER;
	if ((kc = plan_catalog_new(&vs, (const char *const *)rel, n,
	    &cause)) == NULL)
		fatal(1, "%s", cause);
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	p.one_minor = true;
	bench("kubernetes", kc, &p, plan_catalog_at(kc, 0),
	    plan_catalog_newest(kc), reps);
	plan_catalog_free(kc);
	/* GitLab: any jump, but a required stop in every tenth series. */
	memset(&p, 0, sizeof p);
	p.skip_series = RB_SKIP_ANY;
	stops = xcalloc(n / per / 10 + 1, sizeof *stops);
	for (i = 0; i < n / per / 10; i++)
		stops[p.n_required_stops++].at.s = (char *)plan_catalog_at(c,
		    i * per * 10 + per / 2);
	p.required_stops = stops;
	bench("gitlab", c, &p, plan_catalog_at(c, 0), plan_catalog_newest(c),
	    reps);
	free(stops);
	plan_catalog_free(c);
	for (i = 0; i < n; i++)
		free(rel[i]);
	free(rel);
	return 0;
}
