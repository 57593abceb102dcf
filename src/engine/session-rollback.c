/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-rollback.c: a session's part in the guided rollback: beginning
 * a rollback run of an upgrade, previewing it, finding the run to roll
 * back, and probing whether the old version is back. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "journal.h"
#include "plan.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

int
session_rollback(struct session *s, char **cause)
{
	struct journal_run	 run;
	struct steps		*rs;
	char			*why;
	long long		 id;

	if (s->steps == NULL || s->steps->rollback) {
		*cause = xstrdup("there is no upgrade run to roll back");
		return EXIT_USAGE;
	}
	if (s->n_running > 0) {
		*cause = xstrdup("a command is running: cancel it first");
		return EXIT_FAILED;
	}
	session_run_record(s, JOURNAL_RUN_ROLLBACK, &run);
	why = xasprintf("rollback of run %lld", s->run_id);
	if (journal_begin(s->j, cause) != 0) {
		free(why);
		free(run.plan);
		return EXIT_FAILED;
	}
	if (journal_append(s->j, s->run_id, JOURNAL_EV_ROLLBACK, NULL,
	    "rollback chosen", NULL, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_END, NULL,
	    "failed; rolled back", NULL, cause) != 0 ||
	    journal_run_set_status(s->j, s->run_id, JOURNAL_RUN_FAILED,
	    cause) != 0 ||
	    journal_run_create(s->j, &run, &id, cause) != 0 ||
	    journal_claim(s->j, id, "began", NULL, NULL, -1, NULL, cause) != 0 ||
	    journal_append(s->j, id, JOURNAL_EV_BEGIN, NULL, why, NULL,
	    cause) != 0) {
		journal_rollback(s->j);
		free(why);
		free(run.plan);
		return EXIT_FAILED;
	}
	free(why);
	free(run.plan);
	if ((rs = session_new_steps(s, s->steps, -1, id, cause)) == NULL) {
		journal_rollback(s->j);
		return EXIT_USAGE;
	}
	if (journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		steps_free(rs);
		return EXIT_FAILED;
	}
	session_take_rollback(s, rs);
	s->parent = s->run_id;
	session_set_run(s, id);
	s->status = SESSION_RUNNING;
	return EXIT_DONE;
}

void
session_take_rollback(struct session *s, struct steps *rs)
{
	session_free_logs(s);
	steps_free(s->upgrade);
	s->upgrade = s->steps;
	s->steps = rs;
	session_alloc_logs(s);
}

/* --- for the guided rollback (rollback.h, plain mode, the TUI) ------------ */

/* Under a rollback run, the upgrade run's steps. */
const struct steps *
session_upgrade_steps(const struct session *s)
{
	return s->steps != NULL && s->steps->rollback ? s->upgrade : NULL;
}

/* The rollback steps session_rollback() would lay out, unjournaled. */
int
session_rollback_preview(struct session *s, struct steps **out, char **cause)
{
	*out = NULL;
	if (s->steps == NULL || s->steps->rollback) {
		*cause = xstrdup("there is no upgrade run to roll back");
		return -1;
	}
	*out = session_new_steps(s, s->steps, -1, 0, cause);
	return *out != NULL ? 0 : -1;
}

int
session_rollback_alternative(struct session *s, struct steps **out,
    char **cause)
{
	int	hop;

	*out = NULL;
	if (s->steps == NULL || s->steps->rollback ||
	    (hop = steps_rollback_hop(s->steps)) < 0)
		return 0;
	*out = session_new_steps(s, s->steps, hop, 0, cause);
	return *out != NULL ? 0 : -1;
}

int
session_rollback_hop_of(const struct steps *up, const struct journal_event *ev,
    size_t n)
{
	char	*typed;
	size_t	 i;
	int	 hop;

	if ((hop = steps_rollback_hop(up)) < 0)
		return -1;
	typed = steps_rollback_phrase(up, hop);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == JOURNAL_EV_PHRASE && ev[i].step != NULL &&
		    strcmp(ev[i].step, "rollback-confirm") == 0 &&
		    ev[i].detail != NULL &&
		    strncmp(ev[i].detail, "typed: ", 7) == 0 &&
		    strcmp(ev[i].detail + 7, typed) == 0)
			break;
	}
	free(typed);
	return i < n ? hop : -1;
}

/* The confirmation of a rollback run typed with the other target's
 * phrase: nothing has run yet (the confirmation gates every step), so
 * the run's steps are laid out again for that target. 1 when they were,
 * 0 when typed is not that phrase, -1 with *cause. */
int
session_rollback_retarget(struct session *s, const char *typed, char **cause)
{
	struct steps	*rs;
	char		*phrase;
	int		 hop;

	if (s->steps == NULL || !s->steps->rollback || s->upgrade == NULL)
		return 0;
	hop = s->steps->rollback_hop >= 0 ? -1 : steps_rollback_hop(s->upgrade);
	if (hop < 0 && s->steps->rollback_hop < 0)
		return 0;
	phrase = steps_rollback_phrase(s->upgrade, hop);
	if (strcmp(phrase, typed) != 0) {
		free(phrase);
		return 0;
	}
	free(phrase);
	if ((rs = session_new_steps(s, s->upgrade, hop, 0, cause)) == NULL)
		return -1;
	session_free_logs(s);
	steps_free(s->steps);
	s->steps = rs;
	session_alloc_logs(s);
	return 1;
}

/* Probe the installed version now, journaled in the current run (its
 * start before it runs: session_probe_door). */
int
session_probe_installed(struct session *s, char **version, char **cause)
{
	struct catalog_probe	 probe;
	char			**envp;
	int			 status;

	if (s->watching) {
		*cause = xstrdup(s->ro_why);
		return -1;
	}
	envp = session_probe_init(s, &probe);
	*version = catalog_installed(s->rb, &probe, &status, cause);
	step_envp_free(envp);
	return *version != NULL ? 0 : -1;
}

/* Opened with opts.rollback and no unfinished run: the latest upgrade run
 * of the runbook, finished or not, is the one to roll back (a problem
 * found the next morning), unless a rollback of it is already done. It
 * becomes the run session_resume() loads. EXIT_* status. */
int
session_latest_run(struct session *s, char **cause)
{
	struct journal_run	*v = NULL;
	size_t			 n = 0, k, pick = 0, j;
	bool			 found = false;

	if (journal_runs(s->j, s->runbook_abs, &v, &n, cause) != 0)
		return EXIT_FAILED;
	for (k = n; k-- > 0;) {
		if (v[k].kind == JOURNAL_RUN_UPGRADE && !v[k].dry_run) {
			pick = k;
			found = true;
			break;
		}
	}
	if (!found) {
		*cause = xasprintf("there is no run of %s to roll back",
		    s->runbook_abs);
		journal_runs_free(v, n);
		return EXIT_USAGE;
	}
	for (j = pick + 1; j < n; j++) {
		if (v[j].kind == JOURNAL_RUN_ROLLBACK &&
		    v[j].parent == v[pick].id &&
		    v[j].status == JOURNAL_RUN_DONE) {
			*cause = xasprintf("run %lld (%s -> %s) was rolled "
			    "back already, by run %lld", v[pick].id,
			    v[pick].from, v[pick].to, v[j].id);
			journal_runs_free(v, n);
			return EXIT_USAGE;
		}
	}
	s->unf = xmalloc(sizeof *s->unf);
	*s->unf = v[pick];
	memset(&v[pick], 0, sizeof v[pick]);
	journal_runs_free(v, n);
	return EXIT_DONE;
}
