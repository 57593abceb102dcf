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
	struct plan	*alternative;	/* the allowed path instead (for
					   --direct), or NULL */
};

void	plan_free(struct plan *);
void	plan_refusal_free(struct plan_refusal *);

#endif
