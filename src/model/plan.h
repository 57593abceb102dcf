/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plan.h: the upgrade-path planner, a pure function of (catalog, policy,
 * from, to). No I/O here: the catalog and the installed version are
 * resolved by the caller (runbook list, probe command, --from).
 *
 * Ownership: plan_compute() returns a struct plan, or a struct
 * plan_refusal, that owns all its strings; free with plan_free() and
 * plan_refusal_free(). */
#ifndef STEPUP_PLAN_H
#define STEPUP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"

/* A conditional item that applies, in words. */
struct plan_cond {
	char	*rule;		/* its key: "skip-series", "required-stops",
				   "levels: major: leave" */
	char	*value;		/* what applies: "2", "16.3.x" */
	char	*since;		/* why: "big_db is yes" */
};
struct plan_conds {
	struct plan_cond *v;
	size_t		  n;
};
/* One hop of a plan: from -> to, in one upgrade. */
struct plan_hop {
	char	*from;
	char	*to;
	char	*kind;		/* runbook's words: major, minor, patch, or
				   "redeploy" for a redeploy boundary */
	bool	 redeploy;
	char	*reason;	/* why the stop at `to` is there, e.g.
				   "23.09.10: a series is left only from its
				   latest release"; NULL for the target */
};

struct plan {
	char		*from;
	char		*to;
	struct plan_hop	*hops;	/* n_hops == 0: nothing to do */
	size_t		 n_hops;
	struct plan_conds conds; /* the conditional policy it was made under
				   (plan_policy_conds) */
};

/* Why no plan: the rule that forbids it, a paragraph for the operator, and
 * the nearest allowed path (possibly empty). */
struct plan_refusal {
	char		*rule;		/* short stable name: "downgrade",
					   "not-in-catalog", "no-upgrade-across",
					   "leave-series", "skip-series",
					   "within-series", "required-stop", ... */
	char		*message;	/* a paragraph for the operator */
	char		*nearest;	/* the nearest version that can be
					   reached, or NULL */
	char		**nearests;	/* every nearest version the message
					   names, nearest first (the release
					   below a missing one and the one
					   above it) */
	size_t		 n_nearests;
	struct plan	*alternative;	/* the allowed path instead (for
					   --direct), or NULL */
};

/* A catalog of available releases, parsed under the runbook's scheme and
 * sorted; duplicates (equal precedence) keep the first spelling. It copies
 * what it needs from rb_versions (scheme, series, kinds). Pre-releases
 * (1.0.0-rc.1, 24.03.0rc1) are kept aside: plans include one only when it
 * is the from or the to version, so no path stops at one on the way. */
struct plan_catalog;

/* Parse and sort the releases. Returns NULL with *cause set (caller
 * frees) when one does not parse, naming it, or when there are none. */
struct plan_catalog	*plan_catalog_new(const struct rb_versions *,
			    const char *const *releases, size_t n,
			    char **cause);
void			 plan_catalog_free(struct plan_catalog *);
/* Releases in the catalog (pre-releases aside), and the i-th in ascending
 * order, as written. */
size_t			 plan_catalog_size(const struct plan_catalog *);
const char		*plan_catalog_at(const struct plan_catalog *, size_t);
/* The newest release. */
const char		*plan_catalog_newest(const struct plan_catalog *);
/* The default target: the newest release, or `from` itself (nothing to
 * do) when the installed version is newer than every release. */
const char		*plan_default_target(const struct plan_catalog *,
			    const char *from);

/* The shortest allowed path from `from` to `to` under the policy; among
 * paths of the same length, the one whose stops are the latest. Returns 0
 * with *out (n_hops 0 when from equals to), or 3 (EXIT_REFUSED) with
 * *refusal, whose alternative is the path to the nearest reachable
 * version when there is one. */
int	plan_compute(const struct plan_catalog *, const struct rb_policy *,
	    const char *from, const char *to, struct plan **out,
	    struct plan_refusal **refusal);
/* Whether from -> to is allowed as one hop. Returns 0 with a one-hop
 * *out (or none when from equals to), or 3 with *refusal naming the first
 * rule that forbids it (its message names every one) and, as its
 * alternative, the path plan_compute() finds. */
int	plan_direct(const struct plan_catalog *, const struct rb_policy *,
	    const char *from, const char *to, struct plan **out,
	    struct plan_refusal **refusal);

/* The answer of a runbook variable, or NULL when it has none. */
typedef rb_answer_fn plan_answer_fn;

/* The policy under these answers: a copy holding only the items (required
 * stops, boundaries, enter-at releases, skip-series-to ranges) whose
 * `when` holds, and each scalar rule's value (within-series,
 * leave-series, skip-series, one-minor-at-a-time, a level's leave and
 * skip) from its first conditional item that holds (in chosen), else its
 * unconditional one, else the default. An item without `when` always
 * holds, one whose variable has no answer does not. It shares the
 * runbook's strings (the items keep their `when`, which the plan's
 * reasons and refusals name); free it with plan_policy_free(). */
struct rb_policy	*plan_policy_when(const struct rb_policy *,
			    plan_answer_fn, void *arg);
void			 plan_policy_free(struct rb_policy *);
/* Whether a `when` of the policy names the variable. */
bool			 plan_policy_asks(const struct rb_policy *,
			    const char *name);

/* The conditional items of a policy made by plan_policy_when() that
 * apply (the scalar rules' chosen items, the listed items with `when`
 * that held), in the policy's order; free with plan_conds_free(). */
void			 plan_policy_conds(const struct rb_policy *,
			    struct plan_conds *);
void			 plan_conds_free(struct plan_conds *);

/* Check every version the runbook writes (the available list, required
 * stops, boundaries) under its scheme: an error at the position of each
 * one that does not parse, a warning for a stop or boundary missing from
 * a literal catalog and for a release listed twice. Returns the number of
 * errors added. */
int	plan_validate(const struct runbook *, struct rb_diags *);

void	plan_free(struct plan *);
void	plan_refusal_free(struct plan_refusal *);

#endif
