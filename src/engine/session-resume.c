/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-resume.c: taking up an unfinished run at its exact step (or
 * giving it up): its steps read back from the journal, and a command that
 * was running reconciled with what it left on disk: followed again, its
 * outcome read from its status file, started again, or put in doubt. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "journal.h"
#include "plan.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

static int
step_index(const struct steps *ss, const char *key)
{
	const struct step	*st;

	if (key == NULL || (st = steps_find(ss, key)) == NULL)
		return -1;
	return (int)st->index;
}

/* Step k's command ended while stepup was not running: said on resume
 * (session_finished_away: the first of them). */
static void
ended_away(struct session *s, size_t k)
{
	s->steps->v[k].away = true;
	if (s->away == NONE)
		s->away = k;
}

/* session_in_doubt() of step k found running: a host's step that its
 * host says ended there ended while stepup was away. */
static int
reconcile_in_doubt(struct session *s, size_t k, const char *why,
    char **cause)
{
	const struct step	*st = &s->steps->v[k];

	if (session_in_doubt(s, k, why, cause) != 0)
		return -1;
	if (st->host != NULL && st->exit_status >= 0 &&
	    (st->state == STEP_PASSED || st->state == STEP_FAILED))
		ended_away(s, k);
	return 0;
}

/* Step k is recorded running, at attempt `attempt` by its last start
 * event; row is that attempt's record, or NULL when a stepup died
 * between the two (journals written before they were one transaction).
 * Reconcile the journal with every state a kill can leave on disk:
 *
 *   attempt finished    the step's state was not recorded: record it
 *   status file         it ended: record its outcome, once
 *   pid file, alive     it runs: follow it (pid journaled if it was not)
 *   pid file, gone      no exit status: an action in doubt, a check again
 *   log, no pid file    its supervisor never told: the same
 *   no log              stepup died before the fork: it never started,
 *                       the step is ready again (journaled as a note)
 */
static int
session_reconcile(struct session *s, size_t k, const struct journal_action *row,
    int attempt, long long started, char **cause)
{
	struct step		*st = &s->steps->v[k];
	struct session_slot	*sl;
	struct action_status	 ast;
	enum action_state	 state;
	char			*log = NULL, *status = NULL, *why = NULL, *note;
	pid_t			 pid = 0;
	unsigned long long	 start = 0;
	bool			 known_pid;
	int			 r;

	if (row != NULL) {
		log = xstrdup(row->log_path);
		status = xstrdup(row->status_path);
		pid = row->pid;
		start = row->pid_start;
	} else if (journal_action_paths(s->j, s->run_id, st->key, attempt,
	    &log, &status, cause) != 0)
		return -1;
	free(s->logs[k]);
	s->logs[k] = log;
	if ((sl = session_slot_of(s, k)) == NULL)
		sl = session_slot_take(s, k);
	free(sl->status_path);
	sl->status_path = status;
	sl->attempt = attempt;
	st->attempts = (unsigned)attempt;

	if (row != NULL && row->finished) {
		/* Outcome recorded, step state not (an older stepup). */
		memset(&ast, 0, sizeof ast);
		ast.exited = row->signal == 0;
		ast.exit_code = row->exit_code;
		ast.signal = row->signal;
		ast.timed_out = row->timed_out;
		ast.cancelled = row->cancelled;
		ast.started = row->started;
		ast.ended = row->ended;
		/* Killed between two attempts of a wait (until): its
		 * outcome is journaled, and the wait goes on (from its
		 * first attempt's journaled start) or has run out. */
		if (ast.exit_code != 0 || !ast.exited) {
			long long	 next;
			char		*ran_out;

			st->exit_status = ast.exited ? ast.exit_code :
			    128 + ast.signal;
			if (session_wait_again(s, k, &ast, &next, &ran_out)) {
				st->wait_next = next;
				return 0;
			}
			free(ran_out);
		}
		ended_away(s, k);
		return session_finished(s, k, &ast, cause);
	}
	known_pid = pid > 0;
	if (!known_pid && action_pid_read(status, &pid, &start, &why) != 0) {
		free(why);
		why = NULL;
		pid = 0;
		start = 0;
	}
	sl->proc.pid = pid;
	sl->proc.start = start;
	if (row == NULL) {
		st->started = started;
		if (session_record_attempt(s, k, st->started, cause) != 0)
			return -1;
	} else if (!known_pid && pid > 0 &&
	    session_record_pid(s, k, cause) != 0)
		return -1;

	if (access(status, F_OK) == 0) {
		if (action_status_read(status, &ast, cause) != 0)
			return -1;
		ended_away(s, k);
		return session_finished(s, k, &ast, cause);
	}
	if (pid <= 0) {
		if (access(log, F_OK) == 0)
			return reconcile_in_doubt(s, k, "stepup stopped as it "
			    "started it, and its supervisor left no pid file "
			    "and no exit status: it may have run", cause);
		note = xasprintf("attempt %d never started: stepup stopped "
		    "before it was forked (no log, no pid file, no exit "
		    "status)", attempt);
		session_slot_release(s, k);
		r = session_set(s, k, STEP_READY, NULL, JOURNAL_EV_NOTE, note,
		    cause);
		free(note);
		return r;
	}
	if (action_poll(pid, start, status, &state, &ast, cause) != 0)
		return -1;
	if (state == ACTION_RUNNING)
		return 0;
	if (state == ACTION_FINISHED) {
		ended_away(s, k);
		return session_finished(s, k, &ast, cause);
	}
	return reconcile_in_doubt(s, k, "its process is gone and it left no "
	    "exit status", cause);
}

/* Apply what the journal knows of run's steps to ss: states, exit
 * statuses, artifacts, the order they settled (and, when logs is not
 * NULL, each step's last log). *av: the run's attempts, to free. Reads
 * only. */
static int
steps_apply_journal(struct journal *j, long long run, struct steps *ss,
    char **logs, const struct journal_event *ev, size_t n_ev,
    struct journal_action **av, size_t *n_av, char **cause)
{
	struct journal_step_state	*sv = NULL;
	struct step			*st;
	size_t				 n_sv = 0, k;
	int				 i, state;

	*av = NULL;
	*n_av = 0;
	if (journal_steps(j, run, &sv, &n_sv, cause) != 0)
		return -1;
	for (k = 0; k < n_sv; k++) {
		if ((i = step_index(ss, sv[k].step)) < 0)
			continue;
		if ((state = step_state_parse(sv[k].state)) < 0)
			continue;
		st = &ss->v[i];
		st->state = state;
		free(st->reason);
		st->reason = sv[k].reason != NULL ? xstrdup(sv[k].reason) : NULL;
		/* A running step has not ended: its elapsed time counts from
		 * its start, not from when it was last written. */
		st->ended = state == STEP_RUNNING ? 0 : sv[k].updated;
	}
	journal_steps_free(sv, n_sv);
	/* The rolls paused and continued, in order: the last word holds. */
	ss->n_paused = 0;
	for (k = 0; k < n_ev; k++) {
		if ((i = step_index(ss, ev[k].step)) < 0)
			continue;
		st = &ss->v[i];
		if (ev[k].kind == JOURNAL_EV_ROLL_PAUSE)
			steps_roll_pause(ss, i, st->batch);
		else if (ev[k].kind == JOURNAL_EV_ROLL_CONTINUE)
			steps_roll_pause(ss, i, 0);
		if (step_state_settled(st->state))
			st->settled_seq = ev[k].seq;
		if (ev[k].kind == JOURNAL_EV_ACK && ev[k].detail != NULL &&
		    strncmp(ev[k].detail, "warning", 7) == 0)
			st->warned = true;
	}
	if (journal_actions(j, run, NULL, av, n_av, cause) != 0)
		return -1;
	for (k = 0; k < *n_av; k++) {
		if ((i = step_index(ss, (*av)[k].step)) < 0)
			continue;
		st = &ss->v[i];
		st->attempts = (unsigned)(*av)[k].attempt;
		st->started = (*av)[k].started;
		if (logs != NULL) {
			free(logs[i]);
			logs[i] = xstrdup((*av)[k].log_path);
		}
		if ((*av)[k].finished)
			st->exit_status = (*av)[k].exit_code >= 0 ?
			    (*av)[k].exit_code : 128 + (*av)[k].signal;
		if ((*av)[k].artifact_sha256 != NULL) {
			st->artifact_size = (*av)[k].artifact_size;
			snprintf(st->artifact_sha256, sizeof st->artifact_sha256,
			    "%s", (*av)[k].artifact_sha256);
		}
	}
	steps_update(ss);
	return 0;
}

/* Apply what the journal knows of the steps, and reconcile what was
 * running. */
static int
session_reload_steps(struct session *s, const struct journal_event *ev,
    size_t n_ev, char **cause)
{
	struct journal_action		*av = NULL;
	struct journal_action		*last;
	struct step			*st;
	size_t				 n_av = 0, k;
	long long			 at;
	int				 i, started;

	if (steps_apply_journal(s->j, s->run_id, s->steps, s->logs, ev, n_ev,
	    &av, &n_av, cause) != 0)
		return -1;
	/* Values set by steps, and the wait a running step is in. */
	session_wait_reload(s, ev, n_ev);

	/* A step the journal says is running: reconcile it with what its
	 * attempt left on disk. */
	for (k = 0; k < s->steps->n; k++) {
		st = &s->steps->v[k];
		if (st->state != STEP_RUNNING)
			continue;
		last = NULL;
		for (i = 0; i < (int)n_av; i++) {
			if (strcmp(av[i].step, st->key) == 0)
				last = &av[i];
		}
		/* The attempt its last start event names. */
		started = 0;
		at = journal_now();
		for (i = 0; i < (int)n_ev; i++) {
			if (ev[i].kind == JOURNAL_EV_START && ev[i].step != NULL &&
			    strcmp(ev[i].step, st->key) == 0 &&
			    ev[i].detail != NULL) {
				sscanf(ev[i].detail, "attempt %d", &started);
				at = ev[i].time;
			}
		}
		if (started == 0)
			started = last != NULL ? last->attempt : 1;
		if (session_reconcile(s, k, last != NULL &&
		    last->attempt >= started ? last : NULL, started, at,
		    cause) != 0) {
			journal_actions_free(av, n_av);
			return -1;
		}
	}
	journal_actions_free(av, n_av);
	/* A host's step left in doubt (its link cut, say): its host may
	 * know by now how it ended. */
	for (k = 0; k < s->steps->n; k++) {
		if (s->steps->v[k].state == STEP_IN_DOUBT &&
		    session_remote_recheck(s, k, cause) != 0)
			return -1;
	}
	return 0;
}

int
session_steps_reload(struct session *s, long long run, struct steps *ss,
    char **logs, char **cause)
{
	struct journal_event	*ev = NULL;
	struct journal_action	*av = NULL;
	size_t			 n_ev = 0, n_av = 0;
	int			 r;

	if (journal_events(s->j, run, &ev, &n_ev, cause) != 0)
		return -1;
	r = steps_apply_journal(s->j, run, ss, logs, ev, n_ev, &av, &n_av,
	    cause);
	journal_events_free(ev, n_ev);
	journal_actions_free(av, n_av);
	return r;
}

/* One run's steps, laid out (from the upgrade's when it is a rollback)
 * with what its journal says; NULL when they cannot be. */
static struct steps *
steps_of_run(struct session *s, long long run, const struct steps *upgrade)
{
	struct journal_event	*ev = NULL;
	struct journal_action	*av = NULL;
	struct steps		*ss;
	size_t			 n_ev = 0, n_av = 0;
	char			*cause = NULL;
	int			 r;

	if (journal_events(s->j, run, &ev, &n_ev, &cause) != 0) {
		free(cause);
		return NULL;
	}
	if ((ss = session_new_steps(s, upgrade, upgrade != NULL ?
	    session_rollback_hop_of(upgrade, ev, n_ev) : -1, run,
	    &cause)) == NULL) {
		free(cause);
		journal_events_free(ev, n_ev);
		return NULL;
	}
	r = steps_apply_journal(s->j, run, ss, NULL, ev, n_ev, &av, &n_av,
	    &cause);
	journal_events_free(ev, n_ev);
	journal_actions_free(av, n_av);
	if (r != 0) {
		free(cause);
		steps_free(ss);
		return NULL;
	}
	return ss;
}

char *
session_resume_step(struct session *s)
{
	struct plan	*saved = s->plan;
	struct steps	*up, *ss;
	char		*cause = NULL, *key = NULL;
	bool		 rollback;
	size_t		 i;

	if (s->unf == NULL || s->j == NULL)
		return NULL;
	rollback = s->unf->kind == JOURNAL_RUN_ROLLBACK;
	if (session_fixed_vars(s, &cause) != 0) {
		free(cause);
		return NULL;
	}
	s->plan = session_plan_of_run(s->unf,
	    s->unf->plan != NULL ? s->unf->plan : "");
	up = steps_of_run(s, rollback ? s->unf->parent : s->unf->id, NULL);
	ss = up;
	if (up != NULL && rollback) {
		ss = steps_of_run(s, s->unf->id, up);
		steps_free(up);
	}
	if (ss != NULL && (i = steps_current(ss)) < ss->n)
		key = xstrdup(ss->v[i].key);
	else if (ss != NULL && ss->n > 0 &&
	    (s->unf->status == JOURNAL_RUN_RUNNING ||
	    s->unf->status == JOURNAL_RUN_PAUSED)) {
		/* Stopped after its last step settled, before its end was
		 * journaled: it is at its last step, not at the start (a
		 * finished run, the one a rollback undoes, is at none). */
		key = xasprintf("%s, every step settled",
		    ss->v[ss->n - 1].key);
	}
	steps_free(ss);
	plan_free(s->plan);
	s->plan = saved;
	return key;
}

int
session_resume(struct session *s, char **cause)
{
	struct journal_event	*ev = NULL;
	size_t			 n_ev = 0;
	char			*why;
	bool			 rollback, finished;

	if (!s->has_info || s->unf == NULL) {
		*cause = xstrdup("there is no unfinished run to resume");
		return EXIT_USAGE;
	}
	rollback = s->unf->kind == JOURNAL_RUN_ROLLBACK;
	s->parent = s->unf->parent;
	/* A rollback run's steps come from the upgrade's plan. */
	s->plan = session_plan_of_run(s->unf,
	    s->unf->plan != NULL ? s->unf->plan : "");
	free(s->from);
	s->from = xstrdup(s->plan->from);
	session_set_run(s, rollback ? s->parent : s->unf->id);
	if (journal_events(s->j, s->run_id, &ev, &n_ev, cause) != 0)
		return EXIT_FAILED;
	session_reload_vars(s, ev, n_ev);
	if (session_fixed_vars(s, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	/* the plan was made under these answers: what of the policy they
	   chose */
	session_policy_resume(s);
	if (session_question(s, 0) != NULL) {
		*cause = xasprintf("%s has no answer yet (secret answers are "
		    "asked again on resume)", session_question(s, 0)->name);
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	session_secrets(s);
	if (session_layout(s, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	/* The secrets were read again: so are their checks run, before
	 * anything else runs. */
	if (session_secret_checks(s, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	if (rollback) {
		struct steps	*rs;

		/* What the upgrade did, then the rollback laid out from it. */
		if (session_reload_steps(s, ev, n_ev, cause) != 0) {
			journal_events_free(ev, n_ev);
			return EXIT_FAILED;
		}
		journal_events_free(ev, n_ev);
		ev = NULL;
		n_ev = 0;
		session_set_run(s, s->unf->id);
		if (journal_events(s->j, s->run_id, &ev, &n_ev, cause) != 0)
			return EXIT_FAILED;
		/* Its target is the one its confirmation was typed for. */
		if ((rs = session_new_steps(s, s->steps,
		    session_rollback_hop_of(s->steps, ev, n_ev), 0,
		    cause)) == NULL) {
			journal_events_free(ev, n_ev);
			return EXIT_USAGE;
		}
		session_take_rollback(s, rs);
	}
	/* From here on the run is ours again; a finished run opened for
	 * rollback (opts.rollback) is only read: session_rollback() records
	 * what becomes of it. */
	finished = s->unf->status != JOURNAL_RUN_RUNNING &&
	    s->unf->status != JOURNAL_RUN_PAUSED;
	why = NULL;
	if (s->info.runbook_changed)
		why = xasprintf("the runbook's sha256 was %s, now %s",
		    s->unf->runbook_sha256 != NULL ? s->unf->runbook_sha256 :
		    "unknown", s->rb->sha256);
	/* Whoever resumes holds the run (journal-holders.c); a takeover
	 * has claimed it already. */
	if ((!finished && journal_claimed(s->j, s->run_id) != 1 &&
	    journal_claim(s->j, s->run_id, "resumed", NULL, NULL, -1, NULL,
	    cause) != 0) ||
	    (!finished && journal_append(s->j, s->run_id, JOURNAL_EV_RESUME,
	    NULL, s->info.step, NULL, cause) != 0) ||
	    (s->takeover != NULL && journal_append(s->j, s->run_id,
	    JOURNAL_EV_LOCK_TAKEOVER, NULL, s->takeover, NULL, cause) != 0) ||
	    (why != NULL && journal_append(s->j, s->run_id,
	    JOURNAL_EV_RUNBOOK_CHANGED, NULL, why, NULL, cause) != 0) ||
	    (!finished && journal_run_set_status(s->j, s->run_id,
	    JOURNAL_RUN_RUNNING, cause) != 0)) {
		free(why);
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	free(why);
	free(s->takeover);
	s->takeover = NULL;
	if (!finished && s->info.inventory_note != NULL &&
	    journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, NULL,
	    s->info.inventory_note, NULL, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	s->status = !finished ? SESSION_RUNNING :
	    s->unf->status == JOURNAL_RUN_DONE ? SESSION_DONE :
	    s->unf->status == JOURNAL_RUN_FAILED ? SESSION_FAILED :
	    SESSION_ABANDONED;
	if (session_reload_steps(s, ev, n_ev, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	journal_events_free(ev, n_ev);
	s->has_info = false;
	return EXIT_DONE;
}

size_t
session_finished_away(const struct session *s)
{
	return s->away;
}

int
session_abandon(struct session *s, const char *reason, char **cause)
{
	char	*detail;
	int	 r;

	if (!s->has_info || s->unf == NULL) {
		*cause = xstrdup("there is no unfinished run to abandon");
		return -1;
	}
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("abandoning a run needs a reason");
		return -1;
	}
	detail = xasprintf("abandoned: %s", reason);
	r = journal_append(s->j, s->unf->id, JOURNAL_EV_END, NULL, detail,
	    NULL, cause);
	free(detail);
	if (r != 0)
		return -1;
	if (journal_run_set_status(s->j, s->unf->id, JOURNAL_RUN_ABANDONED,
	    cause) != 0)
		return -1;
	journal_run_free(s->unf);
	s->unf = NULL;
	session_info_clear(&s->info);
	s->has_info = false;
	/* A new run gets the hosts as they are now. */
	if (session_inventory(s, cause) != 0)
		return -1;
	/* Its answers were for it: ask again. */
	step_env_free(&s->answers);
	step_env_free(&s->outputs);
	memset(s->answered, 0, (s->rb->n_vars + 1) * sizeof *s->answered);
	return 0;
}

void
session_info_clear(struct session_run_info *in)
{
	free(in->id);
	free(in->operator);
	free(in->host);
	free(in->from);
	free(in->to);
	free(in->step);
	free(in->inventory_note);
	memset(in, 0, sizeof *in);
}
