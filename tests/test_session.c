/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_session.c: the one door: a command starts only when its step is
 * ready (beside others only for the hosts of a step with forks), its "started" event is in the journal before it runs, nothing
 * starts when the journal cannot be written; resume at the exact step,
 * and a step found running with its process gone is in doubt; a rollback
 * run whose steps can no longer be laid out is refused on resume, and the
 * session still closes cleanly; rolling back is offered only once the run
 * may have changed something. Runs the real session on
 * tests/data/session/door.yaml. */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "journal.h"
#include "session.h"
#include "steps.h"
#include "util.h"

enum { NOTES, PROBE, GO, SNAP, HOLD, TELL };

struct world {
	char	 dir[64];
	char	*world;
	char	*state;
	char	*runbook;
};

static void
sh(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
	free(cmd);
}

static int
setup(void **state)
{
	struct world	*w = xcalloc(1, sizeof *w);
	const char	*top = getenv("top_srcdir");

	snprintf(w->dir, sizeof w->dir, "/tmp/stepup-session.XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	w->world = xasprintf("%s/world", w->dir);
	w->state = xasprintf("%s/state", w->dir);
	w->runbook = xasprintf("%s/tests/data/session/door.yaml",
	    top != NULL ? top : ".");
	sh("mkdir -p '%s' && echo 1.0.0 > '%s/version'", w->world, w->world);
	setenv("STEPUP_TEST_WORLD", w->world, 1);
	setenv("STEPUP_STATE_DIR", w->state, 1);
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world	*w = *state;

	sh("rm -rf '%s'", w->dir);
	free(w->world);
	free(w->state);
	free(w->runbook);
	free(w);
	return 0;
}

static struct session *
open_session(struct world *w)
{
	struct session_opts	 opts;
	struct session		*s = NULL;
	char			*cause = NULL;
	int			 r;

	memset(&opts, 0, sizeof opts);
	opts.runbook = w->runbook;
	opts.state_dir = w->state;
	r = session_open(&opts, &s, &cause);
	if (r != EXIT_DONE)
		fail_msg("session_open: %d %s", r, cause);
	return s;
}

static void
expect_refused(int r, char *cause, const char *want)
{
	assert_int_equal(r, -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static bool
file_exists(const char *dir, const char *name)
{
	char		*p = xasprintf("%s/%s", dir, name);
	struct stat	 sb;
	bool		 r = stat(p, &sb) == 0;

	free(p);
	return r;
}

static void
wait_file(const char *dir, const char *name)
{
	struct timespec	ts = { 0, 20 * 1000000L };
	int		n;

	for (n = 0; n < 1000 && !file_exists(dir, name); n++)
		nanosleep(&ts, NULL);
	assert_true(file_exists(dir, name));
}

/* The last event of a run in the journal of a state dir. */
static void
last_event(const char *dir, long long run, enum journal_event_kind *kind,
    char **step)
{
	struct journal		*j;
	struct journal_event	*ev = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	j = journal_open(dir, true, &cause);
	if (j == NULL)
		fail_msg("journal_open %s: %s", dir, cause);
	if (journal_events(j, run, &ev, &n, &cause) != 0)
		fail_msg("journal_events: %s", cause);
	assert_true(n > 0);
	*kind = ev[n - 1].kind;
	*step = xstrdup(ev[n - 1].step != NULL ? ev[n - 1].step : "-");
	journal_events_free(ev, n);
	journal_close(j);
}

static int
count_events(const char *dir, long long run, enum journal_event_kind kind,
    const char *step)
{
	struct journal		*j;
	struct journal_event	*ev = NULL;
	size_t			 n = 0, i;
	char			*cause = NULL;
	int			 c = 0;

	j = journal_open(dir, true, &cause);
	if (j == NULL)
		fail_msg("journal_open %s: %s", dir, cause);
	if (journal_events(j, run, &ev, &n, &cause) != 0)
		fail_msg("journal_events: %s", cause);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == kind && ev[i].step != NULL &&
		    strcmp(ev[i].step, step) == 0)
			c++;
	}
	journal_events_free(ev, n);
	journal_close(j);
	return c;
}

static void
test_door(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_session(w), *s2 = NULL;
	const struct steps	*ss;
	struct session_opts	 opts;
	struct rlimit		 rl, saved;
	enum journal_event_kind	 kind;
	char			*cause = NULL, *path = NULL, *step, *snap;
	int			 r;

	assert_null(session_unfinished(s));
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_string_equal(session_get_plan(s)->from, "1.0.0");
	assert_string_equal(session_get_plan(s)->to, "2.0.0");
	assert_null(session_question(s, 0));
	assert_null(session_steps(s));
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_string_equal(session_run_id(s), "1");
	ss = session_steps(s);
	assert_int_equal(ss->n, 6);
	path = session_mask(s, "pw=hunter2, again hunter2hunter2; hunter");
	assert_string_equal(path, "pw=********, again ****************; hunter");
	free(path);
	path = NULL;
	assert_string_equal(ss->v[SNAP].key, "snap@2.0.0");
	assert_int_equal(session_current(s), NOTES);

	/* A second session on the same runbook is refused: the lock. */
	memset(&opts, 0, sizeof opts);
	opts.runbook = w->runbook;
	opts.state_dir = w->state;
	assert_int_equal(session_open(&opts, &s2, &cause), EXIT_LOCKED);
	assert_null(s2);
	assert_non_null(strstr(cause, "holds its lock"));
	free(cause);
	cause = NULL;

	/* Nothing starts out of order, or that is not a command. */
	r = session_start(s, SNAP, &cause);
	expect_refused(r, cause, "step 1 (notes) is not done yet");
	cause = NULL;
	r = session_start(s, NOTES, &cause);
	expect_refused(r, cause, "run is not possible on step 1 (read, ready)");
	cause = NULL;
	assert_false(session_can(s, SNAP, SESSION_ACT_START, NULL));
	assert_false(session_auto(s, SNAP));

	/* A read step passes only after its end was shown. */
	r = session_acknowledge(s, NOTES, &cause);
	expect_refused(r, cause, "its end has not been shown yet");
	cause = NULL;
	assert_int_equal(session_document(s, NOTES, &path, &cause), 0);
	assert_non_null(strstr(path, "notes/2.0.0.md"));
	free(path);
	assert_int_equal(session_end_shown(s, NOTES, &cause), 0);
	assert_int_equal(session_acts(s, NOTES), (1u << SESSION_ACT_ACK) |
	    (1u << SESSION_ACT_SHELL) | (1u << SESSION_ACT_QUIT));
	/* Through the one dispatcher, as the front ends call it. */
	assert_int_equal(session_act(s, NOTES, SESSION_ACT_ACK, NULL, &cause),
	    0);
	assert_int_equal(ss->v[NOTES].state, STEP_PASSED);

	/* A check starts without asking. */
	assert_true(session_auto(s, PROBE));
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[PROBE].state, STEP_PASSED);
	assert_int_equal(ss->v[PROBE].exit_status, 0);

	/* The confirmation: exact phrase only, mismatches journaled. */
	r = session_confirm(s, GO, "yes, upgrade to 1.0.0", &cause);
	expect_refused(r, cause, "that is not the phrase: type exactly "
	    "\"yes, upgrade to 2.0.0\"");
	cause = NULL;
	r = session_confirm(s, GO, "yes, upgrade to 2.0.0 ", &cause);
	expect_refused(r, cause, "that is not the phrase: type exactly "
	    "\"yes, upgrade to 2.0.0\"");
	cause = NULL;
	assert_int_equal(ss->v[GO].state, STEP_READY);
	assert_false(session_auto(s, SNAP));
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_PHRASE, "go"), 2);
	assert_int_equal(session_confirm(s, GO, "yes, upgrade to 2.0.0",
	    &cause), 0);

	/* The door: the action sees its own "started" event already in the
	 * journal (it copies the journal as it runs). */
	assert_true(session_auto(s, SNAP));
	assert_int_equal(session_start(s, SNAP, &cause), 0);
	assert_non_null(session_running(s));
	assert_int_equal(session_running(s)->index, SNAP);
	assert_true(session_wait_fd(s) >= 0);
	r = session_start(s, HOLD, &cause);
	expect_refused(r, cause, "step 4 (snap@2.0.0) is running");
	cause = NULL;
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[SNAP].state, STEP_PASSED);
	assert_true(ss->v[SNAP].artifact_size > 0);
	assert_int_equal(strlen(ss->v[SNAP].artifact_sha256), 64);
	snap = xasprintf("%s/snap", w->world);
	last_event(snap, 1, &kind, &step);
	assert_int_equal(kind, JOURNAL_EV_START);
	assert_string_equal(step, "snap@2.0.0");
	free(step);
	free(snap);

	/* A journal that cannot be written (here: no file may grow): the
	 * action does not start, and the operator is told why. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &saved);
	rl = saved;
	rl.rlim_cur = 1;
	setrlimit(RLIMIT_FSIZE, &rl);
	r = session_start(s, HOLD, &cause);
	setrlimit(RLIMIT_FSIZE, &saved);
	assert_int_equal(r, -1);
	assert_non_null(cause);
	assert_true(strlen(cause) > 0);
	fprintf(stderr, "# refused: %s\n", cause);
	free(cause);
	cause = NULL;
	assert_int_equal(ss->v[HOLD].state, STEP_READY);
	assert_null(session_running(s));
	assert_false(file_exists(w->world, "pid"));
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_START,
	    "hold@2.0.0"), 0);

	/* In doubt: the action's supervisor and command die with the
	 * wizard; the next session resumes at that step, in doubt. */
	sh("touch '%s/hold'", w->world);
	assert_int_equal(session_start(s, HOLD, &cause), 0);
	wait_file(w->world, "held");
	{
		struct journal		*j = journal_open(w->state, true, &cause);
		struct journal_action	*av = NULL;
		size_t			 n = 0;

		assert_non_null(j);
		assert_int_equal(journal_actions(j, 1, "hold@2.0.0", &av, &n,
		    &cause), 0);
		assert_int_equal(n, 1);
		kill(av[0].pid, SIGKILL);
		journal_actions_free(av, n);
		journal_close(j);
	}
	sh("kill -KILL $(cat '%s/pid')", w->world);
	session_close(s);	/* pauses: the step stays "running" */

	s = open_session(w);
	assert_non_null(session_unfinished(s));
	assert_string_equal(session_unfinished(s)->id, "1");
	assert_string_equal(session_unfinished(s)->step, "hold@2.0.0");
	assert_false(session_unfinished(s)->runbook_changed);
	assert_int_equal(session_resume(s, &cause), EXIT_DONE);
	ss = session_steps(s);
	assert_int_equal(session_current(s), HOLD);
	assert_int_equal(ss->v[HOLD].state, STEP_IN_DOUBT);
	assert_int_equal(ss->v[SNAP].state, STEP_PASSED);
	assert_int_equal(ss->v[SNAP].artifact_size > 0, 1);
	assert_int_equal(session_acts(s, HOLD), (1u << SESSION_ACT_RETRY) |
	    (1u << SESSION_ACT_MARK_DONE) | (1u << SESSION_ACT_SHELL) |
	    (1u << SESSION_ACT_ROLLBACK) | (1u << SESSION_ACT_QUIT));
	assert_false(session_auto(s, HOLD));
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_IN_DOUBT,
	    "hold@2.0.0"), 1);
	r = session_mark_done(s, HOLD, "", NULL, &cause);
	expect_refused(r, cause, "marking it done by hand needs a reason: "
	    "done REASON");
	cause = NULL;
	r = session_skip(s, HOLD, "no", &cause);
	expect_refused(r, cause, "only an optional step may be skipped");
	cause = NULL;
	assert_int_equal(session_mark_done(s, HOLD, "it had finished", NULL,
	    &cause), 0);
	assert_int_equal(ss->v[HOLD].state, STEP_DONE);
	assert_string_equal(ss->v[HOLD].reason, "it had finished");
	assert_int_equal(session_tick(s, TELL, "", &cause), 0);
	assert_int_equal(session_status(s), SESSION_DONE);
	assert_int_equal(session_current(s), ss->n);
	session_close(s);

	/* Done: nothing is unfinished any more. */
	s = open_session(w);
	assert_null(session_unfinished(s));
	session_close(s);
}

static void
test_resume_reattach(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_session(w);
	const struct steps	*ss;
	char			*cause = NULL, *path = NULL;
	size_t			 i;

	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_int_equal(session_document(s, NOTES, &path, &cause), 0);
	free(path);
	assert_int_equal(session_end_shown(s, NOTES, &cause), 0);
	assert_int_equal(session_acknowledge(s, NOTES, &cause), 0);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	/* Paused at the confirmation: resumed exactly there. */
	session_close(s);
	s = open_session(w);
	assert_non_null(session_unfinished(s));
	assert_int_equal(session_resume(s, &cause), EXIT_DONE);
	assert_int_equal(session_current(s), GO);
	assert_int_equal(session_confirm(s, GO, "yes, upgrade to 2.0.0",
	    &cause), 0);
	assert_int_equal(session_start(s, SNAP, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);

	/* Held running; the wizard goes; the action goes on; the next one
	 * follows it and reads its exit status. */
	sh("touch '%s/hold'", w->world);
	assert_int_equal(session_start(s, HOLD, &cause), 0);
	wait_file(w->world, "held");
	session_close(s);
	/* As if the wizard had died between the start event and recording
	 * the attempt: the supervisor's pid file finds it. */
	sh("sqlite3 '%s/journal.db' \"delete from actions where step = "
	    "'hold@2.0.0'\"", w->state);
	s = open_session(w);
	assert_int_equal(session_resume(s, &cause), EXIT_DONE);
	ss = session_steps(s);
	assert_int_equal(ss->v[HOLD].state, STEP_RUNNING);
	assert_non_null(session_running(s));
	assert_int_equal(session_wait(s, 0, &cause), 0);
	assert_int_equal(session_wait_fd(s), -1);	/* reattached */
	sh("touch '%s/release'", w->world);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[HOLD].state, STEP_PASSED);
	assert_int_equal(ss->v[HOLD].exit_status, 0);
	assert_int_equal(ss->v[HOLD].attempts, 1);
	for (i = 0; i < HOLD; i++)
		assert_int_equal(ss->v[i].state, STEP_PASSED);
	assert_int_equal(session_current(s), TELL);
	session_close(s);
}

/* Up to the confirmation, then step i started and held running; the
 * session closed (paused) with it running. */
static struct session *
run_to_hold(struct world *w)
{
	struct session	*s = open_session(w);
	char		*cause = NULL, *path = NULL;

	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_int_equal(session_document(s, NOTES, &path, &cause), 0);
	free(path);
	assert_int_equal(session_end_shown(s, NOTES, &cause), 0);
	assert_int_equal(session_acknowledge(s, NOTES, &cause), 0);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(session_confirm(s, GO, "yes, upgrade to 2.0.0",
	    &cause), 0);
	assert_int_equal(session_start(s, SNAP, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	sh("touch '%s/hold'", w->world);
	assert_int_equal(session_start(s, HOLD, &cause), 0);
	wait_file(w->world, "held");
	return s;
}

/* A start event without its attempt row (a journal an older stepup left,
 * killed between the two), and the command finished since: resume
 * records the attempt and its outcome once (it used to fail for ever
 * with "no such action attempt"). */
static void
test_resume_unrecorded_finished(void **state)
{
	struct world		*w = *state;
	struct session		*s = run_to_hold(w);
	const struct steps	*ss;
	char			*cause = NULL;

	session_close(s);
	sh("sqlite3 '%s/journal.db' \"delete from actions where step = "
	    "'hold@2.0.0'\"", w->state);
	sh("touch '%s/release'", w->world);
	wait_file(w->state, "runs/1/hold@2.0.0.1.status");
	s = open_session(w);
	if (session_resume(s, &cause) != EXIT_DONE)
		fail_msg("session_resume: %s", cause);
	ss = session_steps(s);
	assert_int_equal(ss->v[HOLD].state, STEP_PASSED);
	assert_int_equal(ss->v[HOLD].exit_status, 0);
	assert_int_equal(ss->v[HOLD].attempts, 1);
	assert_null(session_running(s));
	assert_int_equal(session_current(s), TELL);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_EXIT,
	    "hold@2.0.0"), 1);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_START,
	    "hold@2.0.0"), 1);
	session_close(s);
	sh("test \"$(sqlite3 '%s/journal.db' \"select count(*) || ' ' || "
	    "sum(finished) || ' ' || exit_code from actions where step = "
	    "'hold@2.0.0'\")\" = '1 1 0'", w->state);
	sh("test \"$(grep -c ran '%s/ran')\" = 1", w->world);
}

/* A read-only check found in doubt (its supervisor gone, no exit status)
 * simply runs again: no question for the operator. */
static void
test_resume_check_in_doubt(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_session(w);
	const struct steps	*ss;
	char			*cause = NULL, *path = NULL;

	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_int_equal(session_document(s, NOTES, &path, &cause), 0);
	free(path);
	assert_int_equal(session_end_shown(s, NOTES, &cause), 0);
	assert_int_equal(session_acknowledge(s, NOTES, &cause), 0);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	session_close(s);
	/* As if the wizard died while it ran, and its supervisor with it
	 * before writing the status file. */
	sh("sqlite3 '%s/journal.db' \"update step_states set state = "
	    "'running' where step = 'probe'; update actions set finished = 0 "
	    "where step = 'probe'\" && rm '%s/runs/1/probe.1.status'",
	    w->state, w->state);
	s = open_session(w);
	if (session_resume(s, &cause) != EXIT_DONE)
		fail_msg("session_resume: %s", cause);
	ss = session_steps(s);
	assert_int_equal(ss->v[PROBE].state, STEP_READY);
	assert_int_equal(session_current(s), PROBE);
	assert_true(session_auto(s, PROBE));
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_IN_DOUBT,
	    "probe"), 1);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[PROBE].state, STEP_PASSED);
	assert_int_equal(ss->v[PROBE].attempts, 2);
	assert_int_equal(session_current(s), GO);
	session_close(s);
}

/* A rollback run resumed after its runbook changed so that its steps can
 * no longer be laid out: refused with the reason, and the session closes
 * cleanly (it used to free the upgrade's logs twice). */
static void
test_resume_rollback_unlaid(void **state)
{
	struct world	*w = *state;
	struct session	*s;
	char		*cause = NULL, *want;
	const char	*top = getenv("top_srcdir");

	sh("mkdir -p '%s/rb/notes' && cp '%s/tests/data/session/door.yaml' "
	    "'%s/rb/' && cp '%s/tests/data/session/notes/2.0.0.md' "
	    "'%s/rb/notes/'", w->dir, top != NULL ? top : ".", w->dir,
	    top != NULL ? top : ".", w->dir);
	free(w->runbook);
	w->runbook = xasprintf("%s/rb/door.yaml", w->dir);
	s = open_session(w);
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_int_equal(session_rollback(s, &cause), EXIT_DONE);
	session_close(s);
	sh("printf 'rollback:\\n  - id: back\\n    manual: Tell $nosuch\\n' "
	    ">> '%s'", w->runbook);
	s = open_session(w);
	assert_non_null(session_unfinished(s));
	assert_int_equal(session_resume(s, &cause), EXIT_USAGE);
	want = xasprintf("%s: step 2 (back), title: $nosuch is not set",
	    w->runbook);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	session_close(s);
}

/* Another target chosen before the run begins: kept whenever the plan is
 * made again; a version that is no release to aim at changes nothing. */
static void
test_set_to(void **state)
{
	struct world	*w = *state;
	struct session	*s = open_session(w);
	char		*cause = NULL;
	int		 r;

	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_string_equal(session_get_plan(s)->to, "2.0.0");
	assert_int_equal(session_set_to(s, "1.0.0", &cause), 0);
	assert_string_equal(session_get_plan(s)->to, "1.0.0");
	assert_int_equal(session_get_plan(s)->n_hops, 0);
	/* Planned again (the plan screen entered anew): the same target. */
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_string_equal(session_get_plan(s)->to, "1.0.0");
	/* Not a release: refused, the plan stays. */
	assert_int_equal(session_set_to(s, "3.0.0", &cause), -1);
	assert_non_null(strstr(cause, "3.0.0"));
	free(cause);
	cause = NULL;
	assert_string_equal(session_get_plan(s)->to, "1.0.0");
	r = session_set_to(s, "", &cause);
	expect_refused(r, cause, "the target is one version, e.g. 2.0.0");
	cause = NULL;
	assert_int_equal(session_set_to(s, "2.0.0", &cause), 0);
	assert_string_equal(session_get_plan(s)->to, "2.0.0");
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	r = session_set_to(s, "1.0.0", &cause);
	expect_refused(r, cause, "the run has begun: its target cannot change");
	session_close(s);
}

/* Rolling back is offered only once the run may have changed something:
 * not on a pre-flight check failing before any action ran (the way out
 * is to stop), but on the first action failing (it may have done half of
 * its work) and on anything failing after an action passed. */
static void
test_rollback_gate(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_session(w);
	const struct steps	*ss;
	const char		*why = NULL;
	char			*cause = NULL, *path = NULL;

	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	ss = session_steps(s);
	assert_int_equal(session_document(s, NOTES, &path, &cause), 0);
	free(path);
	assert_int_equal(session_end_shown(s, NOTES, &cause), 0);
	assert_int_equal(session_acknowledge(s, NOTES, &cause), 0);

	/* The pre-flight check fails: nothing has changed. */
	sh("mv '%s' '%s.away'", w->world, w->world);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[PROBE].state, STEP_FAILED);
	assert_false(session_can(s, PROBE, SESSION_ACT_ROLLBACK, &why));
	assert_string_equal(why, "nothing has changed yet (no action has run, "
	    "no task after the confirmation was done): there is nothing to "
	    "roll back; stop here instead, the run stays paused");
	assert_int_equal(session_acts(s, PROBE) &
	    (1u << SESSION_ACT_ROLLBACK), 0);
	sh("mv '%s.away' '%s'", w->world, w->world);
	assert_int_equal(session_start(s, PROBE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[PROBE].state, STEP_PASSED);
	assert_int_equal(session_confirm(s, GO, "yes, upgrade to 2.0.0",
	    &cause), 0);

	/* The first action fails: it may have done half of its work. */
	sh("touch '%s/snap'", w->world);
	assert_int_equal(session_start(s, SNAP, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[SNAP].state, STEP_FAILED);
	assert_true(session_can(s, SNAP, SESSION_ACT_ROLLBACK, NULL));
	sh("rm '%s/snap'", w->world);
	assert_int_equal(session_start(s, SNAP, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[SNAP].state, STEP_PASSED);

	/* A later step fails after an action passed. */
	sh("mkdir '%s/ran'", w->world);
	assert_int_equal(session_start(s, HOLD, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[HOLD].state, STEP_FAILED);
	assert_true(session_can(s, HOLD, SESSION_ACT_ROLLBACK, NULL));
	session_close(s);
}

/* --- the gate: every route around a confirmation, and a missing
 * artifact marked done ---------------------------------------------------- */

enum { G_PRE, G_GO, G_EARLY, G_BACKUP, G_LONE1, G_INSTALL1, G_LONE2,
    G_INSTALL2, G_TELL, G_REPORT };

static struct session *
open_gate(struct world *w, bool step, bool resume)
{
	struct session_opts	 opts;
	struct session		*s = NULL;
	char			*cause = NULL, *rb;
	const char		*top = getenv("top_srcdir");
	int			 r;

	rb = xasprintf("%s/tests/data/session/gate.yaml", top != NULL ? top :
	    ".");
	memset(&opts, 0, sizeof opts);
	opts.runbook = rb;
	opts.state_dir = w->state;
	opts.step = step;
	r = session_open(&opts, &s, &cause);
	free(rb);
	if (r != EXIT_DONE)
		fail_msg("session_open: %d %s", r, cause);
	if (resume) {
		assert_non_null(session_unfinished(s));
		if ((r = session_resume(s, &cause)) != EXIT_DONE)
			fail_msg("session_resume: %d %s", r, cause);
	} else {
		assert_int_equal(session_plan(s, &cause), EXIT_DONE);
		assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	}
	return s;
}

/* Nothing after the confirmation can start, be skipped, run by itself or
 * be marked done before the phrase is typed, whatever its `needs` says:
 * here, on resume, under --step. */
static void
expect_gated(struct world *w, struct session *s)
{
	static const char	 want[] = "step 2 (go) is a confirmation not "
				     "typed yet, and it gates every step after it";
	const struct steps	*ss = session_steps(s);
	const char		*why;
	char			*cause = NULL, *path = NULL;
	size_t			 i;
	int			 r;

	assert_int_equal(ss->v[G_GO].state, STEP_READY);
	for (i = G_GO + 1; i < ss->n; i++) {
		assert_int_equal(ss->v[i].state, STEP_PENDING);
		assert_false(session_auto(s, i));
		assert_false(session_can(s, i, SESSION_ACT_START, &why));
		assert_string_equal(why, want);
		assert_false(session_can(s, i, SESSION_ACT_SKIP, NULL));
		assert_false(session_can(s, i, SESSION_ACT_MARK_DONE, NULL));
		assert_int_equal(session_acts(s, i), (1u << SESSION_ACT_SHELL) |
		    (1u << SESSION_ACT_QUIT));
	}
	r = session_start(s, G_EARLY, &cause);
	expect_refused(r, cause, want);
	cause = NULL;
	r = session_start(s, G_LONE2, &cause);
	expect_refused(r, cause, want);
	cause = NULL;
	r = session_skip(s, G_EARLY, "not now", &cause);
	expect_refused(r, cause, want);
	cause = NULL;
	/* A read step's command is a command too. */
	r = session_document(s, G_REPORT, &path, &cause);
	expect_refused(r, cause, want);
	assert_null(path);
	assert_false(file_exists(w->world, "report"));
	assert_false(file_exists(w->world, "early"));
	assert_false(file_exists(w->world, "lone-1.1.0"));
	assert_false(file_exists(w->world, "lone-2.0.0"));
}

static void
test_gate_confirm(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_gate(w, false, false);
	const struct steps	*ss = session_steps(s);
	char			*cause = NULL;

	assert_int_equal(ss->n, 10);
	assert_string_equal(ss->v[G_LONE2].key, "lone@2.0.0");
	assert_true(session_auto(s, G_PRE));
	assert_int_equal(session_start(s, G_PRE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[G_PRE].state, STEP_PASSED);
	expect_gated(w, s);
	session_close(s);

	/* Resumed from the journal, and resumed under --step. */
	s = open_gate(w, false, true);
	expect_gated(w, s);
	session_close(s);
	s = open_gate(w, true, true);
	expect_gated(w, s);

	/* Typed: the narrowed needs apply. */
	assert_int_equal(session_confirm(s, G_GO, "go", &cause), 0);
	ss = session_steps(s);
	assert_true(session_can(s, G_EARLY, SESSION_ACT_START, NULL));
	assert_true(session_can(s, G_LONE2, SESSION_ACT_START, NULL));
	session_close(s);
}

/* A backup that came out empty can be marked done only with its absence
 * typed ("no artifact: PATH"), a wrong phrase journaled; the rollback then
 * offers every undo and says the restore cannot run, and why. */
static void
test_gate_missing_artifact(void **state)
{
	struct world		*w = *state;
	struct session		*s = open_gate(w, false, false);
	const struct steps	*ss = session_steps(s);
	struct steps		*pre = NULL;
	char			*cause = NULL, *phrase, *want;
	int			 r;

	assert_int_equal(session_start(s, G_PRE, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(session_confirm(s, G_GO, "go", &cause), 0);
	assert_null(session_missing_phrase(s, G_EARLY));
	assert_int_equal(session_skip(s, G_EARLY, "not now", &cause), 0);
	assert_int_equal(session_start(s, G_BACKUP, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[G_BACKUP].state, STEP_FAILED);

	phrase = session_missing_phrase(s, G_BACKUP);
	want = xasprintf("no artifact: %s/backup", w->world);
	assert_string_equal(phrase, want);
	/* The dispatcher says the act wants it typed. */
	free(phrase);
	phrase = session_act_phrase(s, G_BACKUP, SESSION_ACT_MARK_DONE);
	assert_string_equal(phrase, want);
	assert_null(session_act_phrase(s, G_BACKUP, SESSION_ACT_SKIP));
	free(want);
	/* No phrase, a wrong one: refused, saying what is missing. */
	assert_true(session_can(s, G_BACKUP, SESSION_ACT_MARK_DONE, NULL));
	r = session_act(s, G_BACKUP, SESSION_ACT_MARK_DONE, "disk full",
	    &cause);
	want = xasprintf("its artifact %s/backup was not recorded (exit 0, "
	    "but %s/backup is empty), so a rollback cannot use it: to mark "
	    "step 4 done without it, type exactly \"%s\"", w->world,
	    w->world, phrase);
	expect_refused(r, cause, want);
	free(want);
	cause = NULL;
	r = session_mark_done(s, G_BACKUP, "disk full", "no artifact", &cause);
	want = xasprintf("that is not the phrase: its artifact %s/backup was "
	    "not recorded (exit 0, but %s/backup is empty), so a rollback "
	    "cannot use it: to mark step 4 done without it, type exactly "
	    "\"%s\"", w->world, w->world, phrase);
	expect_refused(r, cause, want);
	free(want);
	cause = NULL;
	assert_int_equal(ss->v[G_BACKUP].state, STEP_FAILED);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_PHRASE,
	    "backup"), 1);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_MARK_DONE,
	    "backup"), 0);
	assert_false(session_can(s, G_INSTALL1, SESSION_ACT_START, NULL));
	/* Typed: done, the acknowledgement journaled and in its reason. */
	assert_int_equal(session_act_typed(s, G_BACKUP, SESSION_ACT_MARK_DONE,
	    "disk full", phrase, &cause), 0);
	assert_int_equal(ss->v[G_BACKUP].state, STEP_DONE);
	want = xasprintf("disk full (%s)", phrase);
	assert_string_equal(ss->v[G_BACKUP].reason, want);
	free(want);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_MARK_DONE,
	    "backup"), 1);
	/* Hop 1 runs. */
	assert_int_equal(session_start(s, G_LONE1, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(session_start(s, G_INSTALL1, &cause), 0);
	assert_int_equal(session_wait(s, -1, &cause), 1);
	assert_int_equal(ss->v[G_INSTALL1].state, STEP_PASSED);

	/* The rollback: the undo of every done step; the restore, which
	 * needs the missing backup, left to a human, saying why. */
	assert_int_equal(session_rollback_preview(s, &pre, &cause), 0);
	assert_int_equal(pre->n, 5);
	assert_string_equal(pre->v[1].key, "undo:install@1.1.0");
	assert_int_equal(pre->v[1].kind, RB_ACTION);
	assert_string_equal(pre->v[2].key, "undo:backup");
	assert_string_equal(pre->v[3].key, "restore");
	assert_int_equal(pre->v[3].kind, RB_MANUAL);
	assert_string_equal(pre->v[3].title, "Restore the backup cannot run: "
	    "$STEPUP_ARTIFACT_backup points to nothing");
	want = xasprintf("$STEPUP_ARTIFACT_backup points to nothing: step "
	    "backup (Back up the version) did not make %s/backup; it was "
	    "marked done by hand without it (disk full (%s)).", w->world,
	    phrase);
	assert_non_null(strstr(pre->v[3].text, want));
	free(want);
	assert_string_equal(pre->v[4].key, "again");
	assert_int_equal(pre->v[4].kind, RB_ACTION);
	steps_free(pre);
	free(phrase);
	session_close(s);
}

/* The act table: every word plain mode offers parses back to its act,
 * the acts never typed as a word have none, and what each takes is what
 * the session's calls need. */
/* A step retried until it passes: each attempt's own exit status is
 * what the journal recorded for it, also once later attempts overtook
 * it (plain mode says it so, not the later one's, nor a zero). */
static void
test_attempt_exit(void **state)
{
	struct world		*w = *state;
	struct session		*s;
	const struct steps	*ss;
	const struct step	*back;
	const char		*top = getenv("top_srcdir");
	char			*cause = NULL;
	size_t			 i;
	int			 guard;

	free(w->runbook);
	w->runbook = xasprintf("%s/tests/data/wait/wait.yaml",
	    top != NULL ? top : ".");
	sh("echo 7 > '%s/leader' && echo 2 > '%s/answers-at' && "
	    "echo tok > '%s/token'", w->world, w->world, w->world);
	s = open_session(w);
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	ss = session_steps(s);
	back = steps_find(ss, "back@2.0.0");
	assert_non_null(back);
	for (guard = 0; guard < 20 && back->state != STEP_PASSED; guard++) {
		i = session_current(s);
		assert_true(i < ss->n);
		if (ss->v[i].kind == RB_CONFIRM)
			assert_int_equal(session_confirm(s, i, "yes, upgrade",
			    &cause), 0);
		else {
			assert_int_equal(session_start(s, i, &cause), 0);
			assert_int_equal(session_wait(s, -1, &cause), 1);
		}
	}
	assert_int_equal(back->state, STEP_PASSED);
	assert_int_equal(back->attempts, 2);
	assert_int_equal(session_attempt_exit(s, back->index, 1), 1);
	assert_int_equal(session_attempt_exit(s, back->index, 2), 0);
	assert_int_equal(session_attempt_exit(s, back->index, 3), -1);
	session_close(s);
}

static void
test_act_table(void **state)
{
	const struct session_act_info	*info;
	int				 a;

	for (a = 0; a < SESSION_ACT__COUNT; a++) {
		info = session_act_info((enum session_act)a);
		assert_non_null(info);
		assert_non_null(info->name);
		if (info->word != NULL)
			assert_int_equal(session_act_parse(info->word), a);
		/* A question has a title over it. */
		assert_true((info->prompt == NULL) == (info->title == NULL));
	}
	assert_null(session_act_info(SESSION_ACT__COUNT));
	assert_int_equal(session_act_parse("cancel"), -1);
	assert_int_equal(session_act_parse("confirm"), -1);
	assert_int_equal(session_act_parse("done"), SESSION_ACT_MARK_DONE);
	assert_int_equal(session_act_info(SESSION_ACT_SKIP)->arg,
	    SESSION_ARG_REASON);
	assert_int_equal(session_act_info(SESSION_ACT_MARK_DONE)->arg,
	    SESSION_ARG_REASON);
	assert_int_equal(session_act_info(SESSION_ACT_TICK)->arg,
	    SESSION_ARG_NOTE);
	assert_int_equal(session_act_info(SESSION_ACT_CONFIRM)->arg,
	    SESSION_ARG_PHRASE);
	assert_int_equal(session_act_info(SESSION_ACT_START)->arg,
	    SESSION_ARG_NONE);
}

/* A stand-in for ssh on PATH that runs each host's command here, and
 * remote status files under the test's directory; returns the PATH to
 * put back (ssh_stand_in_end). */
static char *
ssh_stand_in(struct world *w)
{
	char	*saved = xstrdup(getenv("PATH")), *path;

	sh("mkdir -p '%s/bin' && printf '%%s\\n' '#!/bin/sh' "
	    "'while [ $# -gt 0 ]; do case $1 in -O) exit 0 ;; "
	    "-F|-o|-S) shift 2 ;; -*) shift ;; *) break ;; esac; done' "
	    "'shift' 'exec sh -c \"$1\"' >'%s/bin/ssh' && "
	    "chmod +x '%s/bin/ssh'", w->dir, w->dir, w->dir);
	path = xasprintf("%s/bin:%s", w->dir, getenv("PATH"));
	setenv("PATH", path, 1);
	free(path);
	path = xasprintf("%s/remote", w->dir);
	setenv("STEPUP_REMOTE_DIR", path, 1);
	free(path);
	return saved;
}

static void
ssh_stand_in_end(char *saved)
{
	unsetenv("STEPUP_REMOTE_DIR");
	setenv("PATH", saved, 1);
	free(saved);
}

/* Start step i and wait until nothing runs. */
static void
run_through(struct session *s, size_t i)
{
	char	*cause = NULL;
	int	 r;

	if (session_start(s, i, &cause) != 0)
		fail_msg("start %zu: %s", i + 1, cause);
	do {
		r = session_wait(s, 200, &cause);
		if (r < 0)
			fail_msg("wait: %s", cause);
	} while (session_n_running(s) > 0);
}

/* tests/data/session/roll.yaml, its run begun and confirmed: go, then
 * per host (a batch each) up and ok, then head. */
enum { R_GO, R_UP1, R_OK1, R_UP2, R_OK2, R_UP3, R_OK3, R_HEAD };

static struct session *
open_roll(struct world *w, bool resume)
{
	const char	*top = getenv("top_srcdir");
	struct session	*s;
	char		*cause = NULL;

	free(w->runbook);
	w->runbook = xasprintf("%s/tests/data/session/roll.yaml",
	    top != NULL ? top : ".");
	s = open_session(w);
	if (resume) {
		assert_non_null(session_unfinished(s));
		assert_int_equal(session_resume(s, &cause), EXIT_DONE);
		return s;
	}
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	assert_int_equal(session_steps(s)->n, R_HEAD + 1);
	assert_string_equal(session_steps(s)->v[R_UP2].key, "up@2.0.0#h2");
	assert_int_equal(session_confirm(s, R_GO, "yes", &cause), 0);
	return s;
}

/* The roll paused during batch 1: batch 1 goes on, batch 2 is refused
 * saying why, also once resumed; continued, it goes on. Pausing again
 * at the last batch is refused. */
static void
test_roll_pause(void **state)
{
	struct world		*w = *state;
	struct session		*s;
	const struct steps	*ss;
	const char		*why;
	char			*cause = NULL, *saved = ssh_stand_in(w);

	s = open_roll(w, false);
	assert_false(session_can(s, R_UP1, SESSION_ACT_CONTINUE_ROLL, &why));
	assert_string_equal(why, "roll agents is not paused");
	assert_false(session_can(s, R_HEAD, SESSION_ACT_PAUSE_ROLL, &why));
	assert_string_equal(why, "step 8 (head@2.0.0) is of no roll");
	assert_int_equal(session_act(s, R_UP1, SESSION_ACT_PAUSE_ROLL, NULL,
	    &cause), 0);
	assert_false(session_can(s, R_OK1, SESSION_ACT_PAUSE_ROLL, &why));
	assert_string_equal(why, "roll agents is paused after batch 1 "
	    "already");
	/* Its batch finishes. */
	run_through(s, R_UP1);
	run_through(s, R_OK1);
	ss = session_steps(s);
	assert_int_equal(ss->v[R_OK1].state, STEP_PASSED);
	assert_int_equal(ss->v[R_UP2].state, STEP_READY);
	assert_false(session_can(s, R_UP2, SESSION_ACT_START, &why));
	assert_string_equal(why, "roll agents is paused after batch 1 of 3: "
	    "continue it first");
	assert_int_equal(session_start(s, R_UP2, &cause), -1);
	free(cause);
	cause = NULL;
	assert_true(session_can(s, R_UP2, SESSION_ACT_CONTINUE_ROLL, NULL));
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_ROLL_PAUSE,
	    "up@2.0.0#h1"), 1);

	/* Resumed: still paused. */
	session_close(s);
	s = open_roll(w, true);
	assert_false(session_can(s, R_UP2, SESSION_ACT_START, &why));
	assert_string_equal(why, "roll agents is paused after batch 1 of 3: "
	    "continue it first");
	assert_int_equal(session_act(s, R_UP2, SESSION_ACT_CONTINUE_ROLL,
	    NULL, &cause), 0);
	assert_true(session_can(s, R_UP2, SESSION_ACT_START, NULL));
	run_through(s, R_UP2);
	run_through(s, R_OK2);
	assert_false(session_can(s, R_UP3, SESSION_ACT_PAUSE_ROLL, &why));
	assert_string_equal(why, "batch 3 is the last of roll agents: no "
	    "batch comes after it");
	session_close(s);
	/* Continued: so it stays once resumed. */
	s = open_roll(w, true);
	assert_true(session_can(s, R_UP3, SESSION_ACT_START, NULL));
	session_close(s);
	ssh_stand_in_end(saved);
}

/* A host failed within max-fail is retried: its check waits again, then
 * runs, and max-fail counts one failure less (the next host's failure is
 * within it again); once the run went past its batch it is refused. A
 * host failed beyond max-fail is skipped with a reason, and its check
 * with it, naming the host. Resumed, every state is as it was. */
static void
test_roll_retry_skip(void **state)
{
	struct world		*w = *state;
	struct session		*s;
	const struct steps	*ss;
	const char		*why;
	char			*cause = NULL, *saved = ssh_stand_in(w);

	s = open_roll(w, false);
	ss = session_steps(s);
	sh("touch '%s/fail-h1'", w->world);
	run_through(s, R_UP1);
	assert_int_equal(ss->v[R_UP1].state, STEP_TOLERATED);
	assert_int_equal(ss->v[R_OK1].state, STEP_SKIPPED);
	assert_int_equal(ss->v[R_UP2].state, STEP_READY);
	/* Retried: its check waits for it, then runs. */
	sh("rm '%s/fail-h1'", w->world);
	assert_true(session_can(s, R_UP1, SESSION_ACT_RETRY, NULL));
	assert_false(session_can(s, R_UP1, SESSION_ACT_START, &why));
	assert_int_equal(session_act(s, R_UP1, SESSION_ACT_RETRY, NULL,
	    &cause), 0);
	assert_int_equal(ss->v[R_OK1].state, STEP_PENDING);
	assert_int_equal(ss->v[R_UP2].state, STEP_PENDING);
	assert_int_equal(count_events(w->state, 1, JOURNAL_EV_NOTE,
	    "ok@2.0.0#h1"), 1);
	while (session_n_running(s) > 0)
		assert_true(session_wait(s, 200, &cause) >= 0);
	assert_int_equal(ss->v[R_UP1].state, STEP_PASSED);
	assert_int_equal(ss->v[R_OK1].state, STEP_READY);
	run_through(s, R_OK1);
	assert_int_equal(ss->v[R_OK1].state, STEP_PASSED);
	/* max-fail 1 is free again: h2's failure is within it. */
	sh("touch '%s/fail-h2' '%s/fail-h3'", w->world, w->world);
	run_through(s, R_UP2);
	assert_int_equal(ss->v[R_UP2].state, STEP_TOLERATED);
	/* h3 fails beyond it: skipped, with its check. */
	run_through(s, R_UP3);
	assert_int_equal(ss->v[R_UP3].state, STEP_FAILED);
	assert_false(session_can(s, R_UP2, SESSION_ACT_RETRY, &why));
	assert_string_equal(why, "step 6 (up@2.0.0#h3) after its batch has "
	    "begun: host h2 is left out for good");
	assert_false(session_can(s, R_OK2, SESSION_ACT_SKIP, &why));
	assert_int_equal(session_act(s, R_UP3, SESSION_ACT_SKIP, "h3 is "
	    "broken", &cause), 0);
	assert_int_equal(ss->v[R_UP3].state, STEP_SKIPPED);
	assert_string_equal(ss->v[R_UP3].reason, "h3 is broken");
	assert_int_equal(ss->v[R_OK3].state, STEP_SKIPPED);
	assert_string_equal(ss->v[R_OK3].reason, "host h3 was skipped at step "
	    "up@2.0.0#h3 (h3 is broken): it is left out of Upgrade the "
	    "agents");
	assert_int_equal(ss->v[R_HEAD].state, STEP_READY);
	session_close(s);

	s = open_roll(w, true);
	ss = session_steps(s);
	assert_int_equal(ss->v[R_UP1].state, STEP_PASSED);
	assert_int_equal(ss->v[R_OK1].state, STEP_PASSED);
	assert_int_equal(ss->v[R_UP2].state, STEP_TOLERATED);
	assert_int_equal(ss->v[R_OK2].state, STEP_SKIPPED);
	assert_int_equal(ss->v[R_UP3].state, STEP_SKIPPED);
	assert_int_equal(ss->v[R_OK3].state, STEP_SKIPPED);
	assert_int_equal(session_current(s), R_HEAD);
	session_close(s);
	ssh_stand_in_end(saved);
}

/* A step on hosts with forks: 2 (tests/data/session/forks.yaml; a
 * stand-in for ssh on PATH runs each host's command here). Starting its
 * first host starts the second beside it, not the third; nothing else
 * starts while they run; as one ends, the third takes its fork. */
static void
test_forks_slots(void **state)
{
	struct world		*w = *state;
	struct session		*s;
	const struct steps	*ss;
	const char		*why, *top = getenv("top_srcdir");
	char			*cause = NULL, *saved = ssh_stand_in(w);
	int			 r;

	free(w->runbook);
	w->runbook = xasprintf("%s/tests/data/session/forks.yaml",
	    top != NULL ? top : ".");

	s = open_session(w);
	assert_int_equal(session_plan(s, &cause), EXIT_DONE);
	assert_int_equal(session_begin(s, &cause), EXIT_DONE);
	ss = session_steps(s);
	assert_int_equal(ss->n, 5);
	assert_string_equal(ss->v[1].key, "agent@2.0.0#h1");
	assert_int_equal(session_confirm(s, 0, "yes", &cause), 0);

	/* The first host, and with it the second: two at once. */
	assert_int_equal(session_start(s, 1, &cause), 0);
	assert_int_equal(session_n_running(s), 2);
	assert_int_equal(ss->v[1].state, STEP_RUNNING);
	assert_int_equal(ss->v[2].state, STEP_RUNNING);
	assert_int_equal(ss->v[3].state, STEP_READY);
	assert_ptr_equal(session_running(s), &ss->v[1]);
	wait_file(w->world, "up-h1");
	wait_file(w->world, "up-h2");
	/* No third host while both forks are busy, nor anything else. */
	assert_false(session_can(s, 3, SESSION_ACT_START, &why));
	assert_string_equal(why, "2 hosts are running, the first step 2 "
	    "(agent@2.0.0#h1)");
	assert_false(session_can(s, 4, SESSION_ACT_START, NULL));
	assert_false(session_can(s, 3, SESSION_ACT_SKIP, NULL));
	assert_int_equal(session_wait(s, 0, &cause), 0);
	assert_false(file_exists(w->world, "up-h3"));

	/* Released, both ended before the session looks again: the third
	 * takes a fork all the same; the wait returns once none runs. */
	sh("touch '%s/release' && sleep 1.5", w->world);
	do {
		r = session_wait(s, 200, &cause);
		assert_true(r >= 0);
		assert_true(session_n_running(s) <= 2);
	} while (r == 0);
	assert_int_equal(session_n_running(s), 0);
	assert_true(file_exists(w->world, "up-h3"));
	assert_int_equal(ss->v[1].state, STEP_PASSED);
	assert_int_equal(ss->v[2].state, STEP_PASSED);
	assert_int_equal(ss->v[3].state, STEP_PASSED);
	assert_int_equal(ss->v[4].state, STEP_READY);
	assert_true(session_auto(s, 4));
	session_close(s);
	ssh_stand_in_end(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_act_table),
		cmocka_unit_test_setup_teardown(test_door, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forks_slots, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roll_pause, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roll_retry_skip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_to, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_reattach, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume_unrecorded_finished,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_check_in_doubt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_rollback_unlaid,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_confirm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gate_missing_artifact,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_attempt_exit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_gate, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
