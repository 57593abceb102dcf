/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_journal.c: the journal: state directory, reopen, migration, runs,
 * events in order, secrets never written, actions, read-only and full
 * databases, statements prepared once, the run lock between processes
 * (with takeover). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "util.h"

static char	tmp[] = "/tmp/stepup-journal-XXXXXX";

/* A fresh state directory per test. */
static char *
fresh_dir(const char *name)
{
	char	*dir = xasprintf("%s/%s", tmp, name), *cause = NULL, *got;

	got = journal_state_dir(dir, &cause);
	if (got == NULL)
		fail_msg("%s", cause);
	free(dir);
	return got;
}

static struct journal *
open_ok(const char *dir)
{
	struct journal	*j;
	char		*cause = NULL;

	if ((j = journal_open(dir, false, &cause)) == NULL)
		fail_msg("journal_open: %s", cause);
	return j;
}

static long long
new_run(struct journal *j, const char *runbook)
{
	struct journal_run	r;
	long long		id = 0;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.runbook = (char *)runbook;
	r.runbook_sha256 = "ab12";
	r.product = "Backend.AI";
	r.from = "23.09.9";
	r.to = "24.03.0";
	r.plan = "{\"hops\":[\"23.09.10\",\"24.03.0\"]}";
	if (journal_run_create(j, &r, &id, &cause) != 0)
		fail_msg("journal_run_create: %s", cause);
	return id;
}

static void
test_state_dir(void **state)
{
	char		*cause = NULL, *d, *want, *file;
	struct stat	 sb;
	const char	*old_xdg = getenv("XDG_STATE_HOME");
	char		*saved = old_xdg != NULL ? xstrdup(old_xdg) : NULL;
	int		 fd;

	(void)state;
	/* An explicit directory, created 0700 with its parents. */
	want = xasprintf("%s/a/b/state", tmp);
	d = journal_state_dir(want, &cause);
	assert_non_null(d);
	assert_string_equal(d, want);
	assert_int_equal(stat(d, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(d);
	free(want);

	/* XDG_STATE_HOME when no option is given. */
	want = xasprintf("%s/xdg", tmp);
	setenv("XDG_STATE_HOME", want, 1);
	d = journal_state_dir(NULL, &cause);
	free(want);
	want = xasprintf("%s/xdg/stepup", tmp);
	assert_string_equal(d, want);
	assert_int_equal(access(d, F_OK), 0);
	free(d);
	free(want);
	d = journal_state_dir("", &cause);	/* empty: as if not given */
	assert_non_null(strstr(d, "/xdg/stepup"));
	free(d);

	/* A relative XDG_STATE_HOME is ignored (XDG spec); then HOME. */
	if (geteuid() != 0) {
		setenv("XDG_STATE_HOME", "relative", 1);
		want = xasprintf("%s/home", tmp);
		setenv("HOME", want, 1);
		d = journal_state_dir(NULL, &cause);
		free(want);
		want = xasprintf("%s/home/.local/state/stepup", tmp);
		assert_string_equal(d, want);
		free(d);
		free(want);
	}

	/* A path through a regular file cannot be created. */
	file = xasprintf("%s/plainfile", tmp);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	close(fd);
	want = xasprintf("%s/sub", file);
	assert_null(journal_state_dir(want, &cause));
	free(want);
	want = xasprintf("cannot create the state directory %s/sub: "
	    "Not a directory", file);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	assert_null(journal_state_dir(file, &cause));
	want = xasprintf("the state directory %s is not a directory", file);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(file);

	if (saved != NULL) {
		setenv("XDG_STATE_HOME", saved, 1);
		free(saved);
	} else
		unsetenv("XDG_STATE_HOME");
}

static void
test_operator(void **state)
{
	char	*who;

	(void)state;
	setenv("SUDO_USER", "alice", 1);
	unsetenv("SSH_CONNECTION");
	who = journal_operator();
	assert_string_equal(who, "alice");
	free(who);
	setenv("SSH_CONNECTION", "192.0.2.7 51234 198.51.100.1 22", 1);
	who = journal_operator();
	assert_string_equal(who, "alice from 192.0.2.7");
	free(who);
	unsetenv("SUDO_USER");
	unsetenv("SSH_CONNECTION");
	who = journal_operator();
	assert_true(strlen(who) > 0);
	assert_null(strstr(who, " from "));
	free(who);
}

static void
test_open_reopen(void **state)
{
	struct journal		*j;
	struct journal_run	*r;
	struct stat		 sb;
	char			*dir, *cause = NULL, *wal;
	long long		 id;
	sqlite3			*db;
	sqlite3_stmt		*st;

	(void)state;
	dir = fresh_dir("reopen");
	j = open_ok(dir);
	assert_int_equal(journal_schema_version(j), JOURNAL_SCHEMA_VERSION);
	id = new_run(j, "/rb/backend.ai.yaml");
	assert_int_equal(id, 1);
	assert_int_equal(journal_append(j, id, JOURNAL_EV_BEGIN, NULL, "go",
	    NULL, &cause), 0);
	/* Private files, WAL included. */
	assert_int_equal(stat(journal_path(j), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	wal = xasprintf("%s-wal", journal_path(j));
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(wal);
	journal_close(j);

	/* WAL mode is persistent in the file. */
	wal = xasprintf("%s/journal.db", dir);
	assert_int_equal(sqlite3_open(wal, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(wal);

	j = open_ok(dir);
	assert_int_equal(journal_run_get(j, id, &r, &cause), 0);
	assert_non_null(r);
	assert_string_equal(r->runbook, "/rb/backend.ai.yaml");
	assert_string_equal(r->product, "Backend.AI");
	assert_string_equal(r->from, "23.09.9");
	assert_string_equal(r->to, "24.03.0");
	assert_int_equal(r->status, JOURNAL_RUN_RUNNING);
	assert_int_equal(r->kind, JOURNAL_RUN_UPGRADE);
	assert_int_equal(r->ended, 0);
	assert_string_equal(r->operator, journal_who(j));
	assert_true(r->started > 0);
	journal_run_free(r);
	assert_int_equal(journal_run_get(j, 99, &r, &cause), 0);
	assert_null(r);
	journal_close(j);
	free(dir);
}

static void
test_runs(void **state)
{
	struct journal		*j;
	struct journal_run	*r, *v, rb;
	size_t			 n;
	long long		 a, b, c;
	char			*dir, *cause = NULL;

	(void)state;
	dir = fresh_dir("runs");
	j = open_ok(dir);
	a = new_run(j, "/rb/one.yaml");
	b = new_run(j, "/rb/two.yaml");
	assert_int_equal(journal_run_unfinished(j, "/rb/one.yaml", &r,
	    &cause), 0);
	assert_non_null(r);
	assert_int_equal(r->id, a);
	journal_run_free(r);

	assert_int_equal(journal_run_set_status(j, a, JOURNAL_RUN_PAUSED,
	    &cause), 0);
	assert_int_equal(journal_run_unfinished(j, "/rb/one.yaml", &r,
	    &cause), 0);
	assert_int_equal(r->status, JOURNAL_RUN_PAUSED);
	assert_int_equal(r->ended, 0);
	journal_run_free(r);
	assert_int_equal(journal_run_set_status(j, a, JOURNAL_RUN_FAILED,
	    &cause), 0);
	assert_int_equal(journal_run_unfinished(j, "/rb/one.yaml", &r,
	    &cause), 0);
	assert_null(r);

	/* A rollback of the failed run. */
	memset(&rb, 0, sizeof rb);
	rb.kind = JOURNAL_RUN_ROLLBACK;
	rb.parent = a;
	rb.runbook = "/rb/one.yaml";
	rb.runbook_sha256 = "ab12";
	rb.product = "P";
	rb.dry_run = true;
	assert_int_equal(journal_run_create(j, &rb, &c, &cause), 0);
	assert_int_equal(journal_run_get(j, c, &r, &cause), 0);
	assert_int_equal(r->kind, JOURNAL_RUN_ROLLBACK);
	assert_int_equal(r->parent, a);
	assert_true(r->dry_run);
	assert_null(r->from);
	journal_run_free(r);
	/* Its confirmation chose a target: the record names it. */
	assert_int_equal(journal_run_set_target(j, c, "1.1.0", &cause), 0);
	assert_int_equal(journal_run_get(j, c, &r, &cause), 0);
	assert_string_equal(r->to, "1.1.0");
	journal_run_free(r);
	assert_int_equal(journal_run_set_target(j, 42, "1.1.0", &cause), -1);
	assert_non_null(strstr(cause, "no run 42 in the journal "));
	free(cause);
	cause = NULL;

	assert_int_equal(journal_runs(j, NULL, &v, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[1].id, b);
	assert_int_equal(v[2].id, c);
	assert_int_equal(v[0].status, JOURNAL_RUN_FAILED);
	assert_true(v[0].ended >= v[0].started);
	journal_runs_free(v, n);
	assert_int_equal(journal_runs(j, "/rb/one.yaml", &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[1].id, c);
	journal_runs_free(v, n);

	assert_int_equal(journal_run_set_status(j, 42, JOURNAL_RUN_DONE,
	    &cause), -1);
	assert_non_null(strstr(cause, "no run 42 in the journal "));
	free(cause);
	assert_string_equal(journal_run_status_name(JOURNAL_RUN_ABANDONED),
	    "abandoned");
	journal_close(j);
	free(dir);
}

static void
test_events_order(void **state)
{
	struct journal		*j;
	struct journal_event	*v;
	size_t			 n, i;
	long long		 a, b, seq;
	char			*dir, *cause = NULL;
	sqlite3			*db;
	static const enum journal_event_kind kinds[] = {
		JOURNAL_EV_BEGIN, JOURNAL_EV_ACK, JOURNAL_EV_PHRASE,
		JOURNAL_EV_START, JOURNAL_EV_EXIT,
	};

	(void)state;
	dir = fresh_dir("events");
	j = open_ok(dir);
	journal_set_who(j, "bob from 192.0.2.9");
	a = new_run(j, "/rb/a.yaml");
	b = new_run(j, "/rb/b.yaml");
	for (i = 0; i < nitems(kinds); i++) {
		assert_int_equal(journal_append(j, a, kinds[i],
		    i == 0 ? NULL : "hop1/manager", "d", &seq, &cause), 0);
		assert_int_equal(seq, (long long)i + 1);
		/* Interleaved: each run numbers its own events. */
		assert_int_equal(journal_append(j, b, JOURNAL_EV_NOTE, NULL,
		    NULL, &seq, &cause), 0);
		assert_int_equal(seq, (long long)i + 1);
	}
	journal_close(j);

	j = open_ok(dir);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, nitems(kinds));
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].seq, (long long)i + 1);
		assert_int_equal(v[i].kind, kinds[i]);
		assert_string_equal(v[i].operator, "bob from 192.0.2.9");
		assert_int_equal(v[i].run, a);
	}
	assert_null(v[0].step);
	assert_string_equal(v[1].step, "hop1/manager");
	assert_string_equal(v[4].detail, "d");
	journal_events_free(v, n);

	/* An event for no run is refused. */
	assert_int_equal(journal_append(j, 77, JOURNAL_EV_NOTE, NULL, NULL,
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "cannot append an event in the "
	    "journal "));
	assert_non_null(strstr(cause, "FOREIGN KEY constraint failed"));
	free(cause);

	assert_string_equal(journal_event_kind_name(JOURNAL_EV_MARK_DONE),
	    "mark-done");
	assert_int_equal(journal_event_kind_parse("lock-takeover"),
	    JOURNAL_EV_LOCK_TAKEOVER);
	assert_int_equal(journal_event_kind_parse("bogus"), -1);
	journal_close(j);

	/* Append-only, even to someone with SQL. */
	cause = xasprintf("%s/journal.db", dir);
	assert_int_equal(sqlite3_open(cause, &db), SQLITE_OK);
	free(cause);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET detail = 'x'",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(sqlite3_errmsg(db),
	    "journal events are append-only");
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	free(dir);
}

/* Two processes appending to one run at once: every event is kept, the
 * sequence has no gap and no duplicate, and each writer's events keep
 * their order. */
static void
test_concurrent_appends(void **state)
{
	struct journal		*j;
	struct journal_event	*v;
	size_t			 n, i;
	long long		 a, last[2] = { 0, 0 };
	char			*dir, *cause = NULL;
	pid_t			 pid[2];
	int			 k, status, w, count;

	(void)state;
	dir = fresh_dir("concurrent");
	j = open_ok(dir);
	a = new_run(j, "/rb/a.yaml");
	journal_close(j);
	for (k = 0; k < 2; k++) {
		if ((pid[k] = fork()) == 0) {
			char	detail[32];

			j = open_ok(dir);
			for (i = 0; i < 20; i++) {
				snprintf(detail, sizeof detail, "%d %zu", k, i);
				if (journal_append(j, a, JOURNAL_EV_NOTE, NULL,
				    detail, NULL, &cause) != 0)
					_exit(1);
			}
			journal_close(j);
			_exit(0);
		}
	}
	for (k = 0; k < 2; k++) {
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	j = open_ok(dir);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, 40);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].seq, (long long)i + 1);
		assert_int_equal(sscanf(v[i].detail, "%d %d", &w, &count), 2);
		assert_true(w == 0 || w == 1);
		/* Each writer's own events in its order. */
		assert_int_equal(count, last[w]);
		last[w]++;
	}
	journal_events_free(v, n);
	journal_close(j);
	free(dir);
}

static void
test_transaction(void **state)
{
	struct journal		*j;
	struct journal_event	*v;
	size_t			 n;
	long long		 a;
	char			*dir, *cause = NULL;

	(void)state;
	dir = fresh_dir("tx");
	j = open_ok(dir);
	a = new_run(j, "/rb/a.yaml");
	assert_int_equal(journal_begin(j, &cause), 0);
	assert_int_equal(journal_begin(j, &cause), -1);
	assert_string_equal(cause, "journal transactions do not nest");
	free(cause);
	assert_int_equal(journal_append(j, a, JOURNAL_EV_START, "x", NULL,
	    NULL, &cause), 0);
	journal_rollback(j);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	journal_events_free(v, n);
	assert_int_equal(journal_begin(j, &cause), 0);
	assert_int_equal(journal_append(j, a, JOURNAL_EV_START, "x", NULL,
	    NULL, &cause), 0);
	assert_int_equal(journal_step_set(j, a, "x", "running", NULL, &cause),
	    0);
	assert_int_equal(journal_commit(j, &cause), 0);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	journal_events_free(v, n);
	journal_close(j);
	free(dir);
}

/* Does any file of the journal contain the bytes? */
static bool
journal_files_contain(const char *dir, const char *needle)
{
	static const char *const names[] = { "journal.db", "journal.db-wal" };
	char		*path, *data, *cause = NULL;
	size_t		 i, len;
	bool		 found = false;

	for (i = 0; i < nitems(names); i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		data = file_read(path, 64 << 20, &len, &cause);
		free(cause);
		cause = NULL;
		if (data != NULL && memmem(data, len, needle,
		    strlen(needle)) != NULL)
			found = true;
		free(data);
		free(path);
	}
	return found;
}

static void
test_secrets_masked(void **state)
{
	struct journal		*j;
	struct journal_event	*v;
	struct journal_step_state *s;
	size_t			 n;
	long long		 a;
	char			*dir, *cause = NULL;
	const char		*secrets[] = { "hunter2", "" };
	char			*envp[] = { "STEPUP_TO=24.03.0",
				    "db_password=hunter2x", "backup_dir=/b",
				    NULL };
	const char		*names[] = { "db_password", NULL };

	(void)state;
	dir = fresh_dir("secrets");
	j = open_ok(dir);
	journal_set_secrets(j, secrets, nitems(secrets));
	a = new_run(j, "/rb/a.yaml");
	assert_int_equal(journal_append_vars(j, a, NULL, envp, names, NULL,
	    &cause), 0);
	assert_int_equal(journal_append(j, a, JOURNAL_EV_NOTE, NULL,
	    "password is hunter2, twice: hunter2", NULL, &cause), 0);
	assert_int_equal(journal_step_set(j, a, "dump", "failed",
	    "pg_dump: auth failed for hunter2", &cause), 0);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].kind, JOURNAL_EV_VARS);
	assert_string_equal(v[0].detail, "STEPUP_TO=24.03.0\n"
	    "db_password=********\nbackup_dir=/b\n");
	assert_string_equal(v[1].detail,
	    "password is ********, twice: ********");
	journal_events_free(v, n);
	assert_int_equal(journal_steps(j, a, &s, &n, &cause), 0);
	assert_string_equal(s[0].reason, "pg_dump: auth failed for ********");
	journal_steps_free(s, n);
	journal_close(j);
	assert_false(journal_files_contain(dir, "hunter2"));
	free(dir);
}

static void
test_step_states(void **state)
{
	struct journal			*j;
	struct journal_step_state	*s;
	size_t				 n;
	long long			 a;
	char				*dir, *cause = NULL;

	(void)state;
	dir = fresh_dir("steps");
	j = open_ok(dir);
	a = new_run(j, "/rb/a.yaml");
	assert_int_equal(journal_step_set(j, a, "notes", "passed", NULL,
	    &cause), 0);
	assert_int_equal(journal_step_set(j, a, "hop1/manager", "running",
	    NULL, &cause), 0);
	assert_int_equal(journal_step_set(j, a, "notes", "skipped",
	    "read it yesterday", &cause), 0);
	assert_int_equal(journal_steps(j, a, &s, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].step, "notes");
	assert_string_equal(s[0].state, "skipped");
	assert_string_equal(s[0].reason, "read it yesterday");
	assert_string_equal(s[1].step, "hop1/manager");
	assert_string_equal(s[1].state, "running");
	assert_null(s[1].reason);
	journal_steps_free(s, n);
	journal_close(j);
	free(dir);
}

static void
test_actions(void **state)
{
	struct journal		*j;
	struct journal_action	 a, *v;
	size_t			 n;
	long long		 run;
	int			 attempt;
	char			*dir, *cause = NULL, *lp, *sp, *want;
	struct stat		 sb;

	(void)state;
	dir = fresh_dir("actions");
	j = open_ok(dir);
	run = new_run(j, "/rb/a.yaml");
	assert_int_equal(journal_action_next_attempt(j, run, "hop2/manager",
	    &attempt, &cause), 0);
	assert_int_equal(attempt, 1);
	assert_int_equal(journal_action_paths(j, run, "hop2/manager", attempt,
	    &lp, &sp, &cause), 0);
	want = xasprintf("%s/runs/%lld/hop2%%2Fmanager.1.log", dir, run);
	assert_string_equal(lp, want);
	free(want);
	want = xasprintf("%s/runs/%lld/hop2%%2Fmanager.1.status", dir, run);
	assert_string_equal(sp, want);
	free(want);
	want = xasprintf("%s/runs/%lld", dir, run);
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(want);

	memset(&a, 0, sizeof a);
	a.run = run;
	a.step = "hop2/manager";
	a.attempt = attempt;
	a.pid = 4242;
	a.pid_start = 123456789ULL;
	a.log_path = lp;
	a.status_path = sp;
	a.started = 1000;
	assert_int_equal(journal_action_add(j, &a, &cause), 0);
	assert_int_equal(journal_actions(j, run, "hop2/manager", &v, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_false(v[0].finished);
	assert_int_equal(v[0].pid, 4242);
	assert_true(v[0].pid_start == 123456789ULL);
	assert_string_equal(v[0].log_path, lp);
	journal_actions_free(v, n);

	a.ended = 1010;
	a.exit_code = -1;
	a.signal = 9;
	a.timed_out = true;
	assert_int_equal(journal_action_finish(j, &a, &cause), 0);
	assert_int_equal(journal_action_artifact(j, run, "hop2/manager", 1,
	    "/b/dump.sql", 77, "cafe", &cause), 0);
	assert_int_equal(journal_action_artifact(j, run, "nope", 1,
	    "/b/dump.sql", 77, "cafe", &cause), -1);
	assert_non_null(strstr(cause, "cannot record an artifact: no such "
	    "action attempt"));
	free(cause);

	/* The wizard died after journaling a start, before the row: the
	 * attempt's files are there, so the next attempt is past them. */
	assert_int_equal(journal_action_next_attempt(j, run, "hop2/manager",
	    &attempt, &cause), 0);
	assert_int_equal(attempt, 2);
	free(lp);
	free(sp);
	assert_int_equal(journal_action_paths(j, run, "hop2/manager", 2, &lp,
	    &sp, &cause), 0);
	close(open(lp, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(journal_action_next_attempt(j, run, "hop2/manager",
	    &attempt, &cause), 0);
	assert_int_equal(attempt, 3);
	free(lp);
	free(sp);

	assert_int_equal(journal_actions(j, run, NULL, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].finished);
	assert_int_equal(v[0].exit_code, -1);
	assert_int_equal(v[0].signal, 9);
	assert_true(v[0].timed_out);
	assert_false(v[0].cancelled);
	assert_int_equal(v[0].ended, 1010);
	assert_string_equal(v[0].artifact, "/b/dump.sql");
	assert_int_equal(v[0].artifact_size, 77);
	assert_string_equal(v[0].artifact_sha256, "cafe");
	journal_actions_free(v, n);
	journal_close(j);
	free(dir);
}

/* Schema version 1 as released, created here as an older stepup did. */
static const char schema_v1[] =
	"CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback')),"
	" parent INTEGER REFERENCES runs(id), runbook TEXT NOT NULL,"
	" runbook_sha256 TEXT NOT NULL, product TEXT NOT NULL,"
	" from_version TEXT, to_version TEXT, plan TEXT,"
	" operator TEXT NOT NULL, host TEXT NOT NULL, started INTEGER NOT NULL,"
	" ended INTEGER, status TEXT NOT NULL,"
	" dry_run INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX runs_by_runbook ON runs (runbook, status);"
	"CREATE TABLE step_states (run INTEGER NOT NULL REFERENCES runs(id),"
	" step TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,"
	" updated INTEGER NOT NULL, PRIMARY KEY (run, step));"
	"CREATE TABLE events (run INTEGER NOT NULL REFERENCES runs(id),"
	" seq INTEGER NOT NULL, time INTEGER NOT NULL, operator TEXT NOT NULL,"
	" kind TEXT NOT NULL, step TEXT, detail TEXT, PRIMARY KEY (run, seq));"
	"INSERT INTO runs VALUES (1, 'upgrade', NULL, '/rb/old.yaml', 'ff',"
	" 'Pachyderm', '1.7.0', '1.8.0', 'plan', 'carol', 'head0', 100, NULL,"
	" 'paused', 0);"
	"INSERT INTO events VALUES (1, 1, 100, 'carol', 'begin', NULL, 'old');"
	"PRAGMA user_version = 1;";

static void
make_db(const char *dir, const char *sql)
{
	char	*path = xasprintf("%s/journal.db", dir);
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
}

static void
test_migration(void **state)
{
	struct journal		*j;
	struct journal_run	*r;
	struct journal_event	*v;
	struct journal_action	 a, *av;
	size_t			 n;
	long long		 seq;
	char			*dir, *cause = NULL, *want;

	(void)state;
	dir = fresh_dir("migrate");
	make_db(dir, schema_v1);
	j = open_ok(dir);
	assert_int_equal(journal_schema_version(j), JOURNAL_SCHEMA_VERSION);
	/* Old records survive, and the run is still resumable. */
	assert_int_equal(journal_run_unfinished(j, "/rb/old.yaml", &r,
	    &cause), 0);
	assert_non_null(r);
	assert_int_equal(r->id, 1);
	assert_string_equal(r->operator, "carol");
	assert_int_equal(r->status, JOURNAL_RUN_PAUSED);
	journal_run_free(r);
	assert_int_equal(journal_append(j, 1, JOURNAL_EV_RESUME, NULL, NULL,
	    &seq, &cause), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(journal_events(j, 1, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].detail, "old");
	assert_int_equal(v[1].kind, JOURNAL_EV_RESUME);
	journal_events_free(v, n);
	/* Version 3's chain begins with the first event it writes. */
	want = journal_run_integrity(j, 1);
	assert_string_equal(want, "events chain intact from event 2 to 2 "
	    "(events 1 to 1 predate it)");
	free(want);
	/* What version 2 added works. */
	memset(&a, 0, sizeof a);
	a.run = 1;
	a.step = "migrate";
	a.attempt = 1;
	a.pid = 1;
	a.log_path = "l";
	a.status_path = "s";
	assert_int_equal(journal_action_add(j, &a, &cause), 0);
	assert_int_equal(journal_actions(j, 1, NULL, &av, &n, &cause), 0);
	assert_int_equal(n, 1);
	journal_actions_free(av, n);
	journal_close(j);
	/* Reopening a current database migrates nothing. */
	j = open_ok(dir);
	assert_int_equal(journal_schema_version(j), JOURNAL_SCHEMA_VERSION);
	journal_close(j);
	free(dir);

	/* A database from a newer stepup is refused, not damaged. */
	dir = fresh_dir("newer");
	make_db(dir, "CREATE TABLE future (x); PRAGMA user_version = 99;");
	assert_null(journal_open(dir, false, &cause));
	want = xasprintf("the journal %s/journal.db was written by a newer "
	    "stepup (schema version 99; this one knows up to %d)", dir,
	    JOURNAL_SCHEMA_VERSION);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(dir);

	/* Read-only and old: cannot migrate, says so. */
	dir = fresh_dir("oldro");
	make_db(dir, schema_v1);
	assert_null(journal_open(dir, true, &cause));
	want = xasprintf("the journal %s/journal.db has schema version 1 and "
	    "needs migrating to %d, but it is read-only (opened read-only)",
	    dir, JOURNAL_SCHEMA_VERSION);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(dir);
}

static void
test_readonly(void **state)
{
	struct journal		*j;
	struct journal_run	*v;
	size_t			 n;
	long long		 a, id;
	char			*dir, *cause = NULL, *want, *path;
	struct journal_run	 r;

	(void)state;
	dir = fresh_dir("ro");
	j = open_ok(dir);
	a = new_run(j, "/rb/a.yaml");
	journal_close(j);

	/* Opened read-only (a second operator's view): reads work, every
	 * write is refused with the reason. */
	if ((j = journal_open(dir, true, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_int_equal(journal_runs(j, NULL, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	journal_runs_free(v, n);
	assert_int_equal(journal_append(j, a, JOURNAL_EV_START, "dump", NULL,
	    NULL, &cause), -1);
	want = xasprintf("cannot append an event: the journal %s/journal.db "
	    "is read-only (opened read-only)", dir);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	memset(&r, 0, sizeof r);
	assert_int_equal(journal_run_create(j, &r, &id, &cause), -1);
	assert_non_null(strstr(cause, "cannot record the run: the journal "));
	free(cause);
	journal_close(j);

	/* A file the operator may not write (not testable as root, whom
	 * file modes do not stop). */
	if (geteuid() != 0) {
		path = xasprintf("%s/journal.db", dir);
		assert_int_equal(chmod(path, 0400), 0);
		j = journal_open(dir, false, &cause);
		if (j != NULL) {
			assert_int_equal(journal_append(j, a, JOURNAL_EV_START,
			    "dump", NULL, NULL, &cause), -1);
			assert_non_null(strstr(cause, "read-only"));
			free(cause);
			journal_close(j);
		} else {
			assert_non_null(strstr(cause, "journal.db"));
			free(cause);
		}
		chmod(path, 0600);
		free(path);
	}
	free(dir);
}

/* A full disk, simulated with a file size limit in a child process:
 * the append fails with a cause, and nothing half-written remains. */
static void
test_disk_full(void **state)
{
	struct journal		*j;
	struct journal_event	*v;
	size_t			 n;
	long long		 a;
	char			*dir, *cause = NULL, big[8192];
	int			 p[2], status, ok = 0;
	pid_t			 pid;
	FILE			*f;
	char			 line[1024];

	(void)state;
	dir = fresh_dir("full");
	j = open_ok(dir);
	a = new_run(j, "/rb/a.yaml");
	journal_close(j);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct rlimit	rl;
		int		i;

		close(p[0]);
		signal(SIGXFSZ, SIG_IGN);
		j = open_ok(dir);
		rl.rlim_cur = rl.rlim_max = 256 * 1024;
		setrlimit(RLIMIT_FSIZE, &rl);
		for (i = 0; i < 1000; i++) {
			if (journal_append(j, a, JOURNAL_EV_NOTE, NULL, big,
			    NULL, &cause) != 0)
				break;
		}
		dprintf(p[1], "%d %s\n", i, cause != NULL ? cause : "none");
		_exit(0);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	waitpid(pid, &status, 0);
	assert_int_equal(sscanf(line, "%d", &ok), 1);
	assert_true(ok > 0 && ok < 1000);
	assert_non_null(strstr(line, "cannot append an event in the "
	    "journal "));
	/* EFBIG is an I/O error to SQLite; ENOSPC on a real full disk is
	 * "database or disk is full". */
	assert_non_null(strstr(line, "/full/journal.db: disk I/O error"));

	/* Exactly the appends that succeeded are there. */
	j = open_ok(dir);
	assert_int_equal(journal_events(j, a, &v, &n, &cause), 0);
	assert_int_equal(n, (size_t)ok);
	assert_int_equal(v[n - 1].seq, ok);
	journal_events_free(v, n);
	journal_close(j);
	free(dir);
}

/* ---- evidence ------------------------------------------------------------ */

static void
sql_ok(const char *dir, const char *sql)
{
	char	*path = xasprintf("%s/journal.db", dir), *err = NULL;
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
	free(path);
}

static void
copy_file(const char *from, const char *to)
{
	size_t	 len;
	char	*cause = NULL, *text = file_read(from, 1 << 24, &len, &cause);
	int	 fd;

	if (text == NULL)
		fail_msg("%s", cause);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write_full(fd, text, len), 0);
	close(fd);
	free(text);
}

/* Each event chains to the one before it: an edit or a deletion shows
 * where, in the integrity line. */
static void
test_chain(void **state)
{
	struct journal	*j;
	long long	 run;
	char		*dir, *cause = NULL, *s;
	int		 i;

	(void)state;
	dir = fresh_dir("chain");
	j = open_ok(dir);
	run = new_run(j, "/rb/chain.yaml");
	for (i = 0; i < 4; i++)
		assert_int_equal(journal_append(j, run, JOURNAL_EV_NOTE, "s",
		    i == 2 ? NULL : "a note", NULL, &cause), 0);
	s = journal_run_integrity(j, run);
	assert_string_equal(s, "events chain intact (4 events)");
	free(s);
	journal_close(j);

	sql_ok(dir, "DROP TRIGGER events_no_update; UPDATE events SET "
	    "detail = 'another note' WHERE seq = 2");
	j = open_ok(dir);
	s = journal_run_integrity(j, run);
	assert_string_equal(s, "events chain broken at event 2: its hash does "
	    "not match its content and the event before it: edited, or out "
	    "of place");
	free(s);
	journal_close(j);

	sql_ok(dir, "UPDATE events SET detail = 'a note' WHERE seq = 2; "
	    "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 3");
	j = open_ok(dir);
	s = journal_run_integrity(j, run);
	assert_string_equal(s, "events chain broken at event 3: event 3 is "
	    "missing (the next one is 4)");
	free(s);
	journal_close(j);
	free(dir);
}

/* A journal put back to an older copy of itself: refused, saying what
 * the evidence shows; recovered once, then opened as before. */
static void
test_evidence(void **state)
{
	struct journal			*j;
	struct journal_loss		*v;
	struct journal_step_state	*sv;
	struct journal_action		*av;
	size_t				 n, i;
	long long			 run;
	char				*dir, *cause = NULL, *db, *old, *log;
	char				*status, *s;
	int				 fd;

	(void)state;
	dir = fresh_dir("evidence");
	db = xasprintf("%s/journal.db", dir);
	old = xasprintf("%s/old.db", dir);
	j = open_ok(dir);
	run = new_run(j, "/rb/ev.yaml");
	assert_int_equal(journal_append(j, run, JOURNAL_EV_BEGIN, NULL, NULL,
	    NULL, &cause), 0);
	journal_close(j);
	copy_file(db, old);

	/* What the old copy does not know: two events and an attempt that
	 * finished (its status file as the supervisor writes it). */
	j = open_ok(dir);
	assert_int_equal(journal_append(j, run, JOURNAL_EV_START, "dump",
	    "attempt 1 (after the confirmation): pg_dump", NULL, &cause), 0);
	assert_int_equal(journal_action_paths(j, run, "dump", 1, &log, &status,
	    &cause), 0);
	fd = open(log, O_WRONLY | O_CREAT, 0600);
	close(fd);
	fd = open(status, O_WRONLY | O_CREAT, 0600);
	s = xstrdup("stepup-action-status 1\nexit=0\ntimed_out=0\n"
	    "cancelled=0\nstarted=100\nended=101\nsupervisor_rss_kb=1\n");
	assert_int_equal(write_full(fd, s, strlen(s)), 0);
	free(s);
	close(fd);
	assert_int_equal(journal_append(j, run, JOURNAL_EV_EXIT, "dump",
	    "exit 0", NULL, &cause), 0);
	journal_close(j);
	copy_file(old, db);

	assert_null(journal_open(dir, false, &cause));
	assert_non_null(strstr(cause, "is behind its evidence"));
	assert_non_null(strstr(cause, "the journal's events end at 1, its "
	    "evidence"));
	assert_non_null(strstr(cause, "saw event 3"));
	assert_non_null(strstr(cause, "dump, attempt 1, which the journal "
	    "never recorded"));
	free(cause);
	cause = NULL;
	/* Looking is still allowed, and says so. */
	j = journal_open(dir, true, &cause);
	assert_non_null(j);
	s = journal_run_integrity(j, run);
	assert_non_null(strstr(s, "events chain intact (1 events); the "
	    "journal is behind its evidence"));
	free(s);
	journal_close(j);

	j = journal_open_recover(dir, &cause);
	assert_non_null(j);
	assert_int_equal(journal_evidence_check(j, &v, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].run, run);
	assert_false(v[0].missing);
	assert_int_equal(v[0].journal_seq, 1);
	assert_int_equal(v[0].evidence_seq, 3);
	assert_int_equal(v[0].n_attempts, 1);
	assert_string_equal(v[0].attempts[0].step, "dump");
	assert_true(v[0].attempts[0].has_status);
	assert_int_equal(journal_recover(j, v, n, "rebuild the journal",
	    &cause), 0);
	journal_losses_free(v, n);
	journal_close(j);

	/* Now it agrees with its evidence: the attempt is journaled as
	 * started with the outcome its status file holds, its step running,
	 * for resuming to settle. */
	j = open_ok(dir);
	assert_int_equal(journal_steps(j, run, &sv, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sv[0].step, "dump");
	assert_string_equal(sv[0].state, "running");
	journal_steps_free(sv, n);
	assert_int_equal(journal_actions(j, run, "dump", &av, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(av[0].status_path, status);
	assert_true(av[0].finished);
	assert_int_equal(av[0].exit_code, 0);
	assert_int_equal(av[0].ended, 101);
	journal_actions_free(av, n);
	s = journal_run_integrity(j, run);
	assert_string_equal(s, "events chain intact (3 events)");
	free(s);
	journal_close(j);

	/* An emptied journal.db (no -wal) is refused, never re-created;
	 * so is a missing one. */
	for (i = 0; i < 2; i++) {
		fd = open(db, O_WRONLY | O_TRUNC);
		close(fd);
		if (i == 1)
			unlink(db);
		assert_null(journal_open(dir, false, &cause));
		assert_non_null(strstr(cause, "is missing or empty, but runs "
		    "are recorded beside it"));
		assert_non_null(strstr(cause, "the journal has lost the whole "
		    "run"));
		free(cause);
		cause = NULL;
		if (i == 0)
			assert_int_equal(access(db, F_OK), 0);
		else
			assert_int_equal(access(db, F_OK), -1);
	}
	free(log);
	free(status);
	free(db);
	free(old);
	free(dir);
}

/* The statements the connection holds, in its order; their count. */
static size_t
held_statements(sqlite3 *db, sqlite3_stmt **v, size_t max)
{
	sqlite3_stmt	*st = NULL;
	size_t		 n = 0;

	while ((st = sqlite3_next_stmt(db, st)) != NULL) {
		if (n < max)
			v[n] = st;
		n++;
	}
	return n;
}

static int
count_vars_queries(unsigned type, void *arg, void *p, void *x)
{
	const char	*sql = sqlite3_sql(p);

	(void)type;
	(void)x;
	if (sql != NULL && strstr(sql, "kind = 'vars'") != NULL)
		(*(int *)arg)++;
	return 0;
}

/* A journal handle prepares each query once and keeps it: fifty more
 * events leave the connection holding the very statements one event
 * did. A query asked again while it is in use gets one of its own, and a
 * statement given back is reset with its bindings cleared. The evidence
 * names the run's last answers without looking for them at each commit,
 * and a rolled-back answer is not taken for one. */
static void
test_statements_kept(void **state)
{
	static const char	*count_sql = "SELECT count(*) FROM events "
				    "WHERE run = ?";
	struct journal		*j;
	sqlite3_stmt		*a[64], *b[64], *s1, *s2;
	size_t			 n1, n2, i;
	long long		 run;
	char			*dir, *cause = NULL, *path, *text;
	int			 k, vars_queries = 0;

	(void)state;
	dir = fresh_dir("statements");
	j = open_ok(dir);
	run = new_run(j, "/rb/statements.yaml");
	assert_int_equal(journal_append(j, run, JOURNAL_EV_NOTE, "s", "one",
	    NULL, &cause), 0);
	n1 = held_statements(j->db, a, nitems(a));
	assert_true(n1 > 0 && n1 <= nitems(a));
	for (k = 0; k < 50; k++)
		assert_int_equal(journal_append(j, run, JOURNAL_EV_NOTE, "s",
		    "more", NULL, &cause), 0);
	n2 = held_statements(j->db, b, nitems(b));
	assert_int_equal(n2, n1);
	for (i = 0; i < n1; i++)
		assert_ptr_equal(a[i], b[i]);

	/* Nested: the same text while the first is in use. */
	s1 = jn_prepare(j, count_sql, &cause, "count");
	assert_non_null(s1);
	sqlite3_bind_int64(s1, 1, run);
	assert_int_equal(sqlite3_step(s1), SQLITE_ROW);
	s2 = jn_prepare(j, count_sql, &cause, "count");
	assert_non_null(s2);
	assert_ptr_not_equal(s1, s2);
	sqlite3_bind_int64(s2, 1, run);
	assert_int_equal(sqlite3_step(s2), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s2, 0), 51);
	jn_finish(j, s2);
	assert_int_equal(held_statements(j->db, b, nitems(b)), n1 + 1);
	jn_finish(j, s1);
	/* Given back mid-row: the next use starts afresh, unbound. */
	s2 = jn_prepare(j, count_sql, &cause, "count");
	assert_ptr_equal(s2, s1);
	assert_int_equal(sqlite3_step(s2), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s2, 0), 0);
	jn_finish(j, s2);

	/* The last answers: looked up at most once for the handle. */
	sqlite3_trace_v2(j->db, SQLITE_TRACE_STMT, count_vars_queries,
	    &vars_queries);
	assert_int_equal(journal_append(j, run, JOURNAL_EV_VARS, NULL, "a=1",
	    NULL, &cause), 0);
	assert_int_equal(journal_begin(j, &cause), 0);
	assert_int_equal(journal_append(j, run, JOURNAL_EV_VARS, NULL, "a=2",
	    NULL, &cause), 0);
	journal_rollback(j);
	for (k = 0; k < 20; k++)
		assert_int_equal(journal_append(j, run, JOURNAL_EV_NOTE, "s",
		    "after", NULL, &cause), 0);
	assert_true(vars_queries <= 1);
	path = xasprintf("%s/runs/%lld/evidence", dir, run);
	text = file_read(path, 1 << 20, &i, &cause);
	assert_non_null(text);
	assert_non_null(strstr(text, "\nvars a=1\n"));
	free(text);
	free(path);
	journal_close(j);
	free(dir);
}

/* ---- the lock -------------------------------------------------------------- */

/* In a child: try the lock; exit 0 taken, 4 held (writing the holder's
 * pid to fd), 1 error. */
static pid_t
try_lock_in_child(const char *dir, const char *runbook, int fd, bool hold)
{
	pid_t	pid;

	if ((pid = fork()) != 0)
		return pid;
	struct journal_lock		*l;
	struct journal_lock_holder	 h;
	bool				 took;
	char				*cause = NULL;
	int				 rc;

	rc = journal_lock(dir, runbook, &l, &took, &h, &cause);
	if (rc == JOURNAL_LOCK_HELD) {
		dprintf(fd, "held %ld %s|%s\n", (long)h.pid, h.operator, h.host);
		_exit(EXIT_LOCKED);
	}
	if (rc != JOURNAL_LOCK_TAKEN)
		_exit(1);
	dprintf(fd, "taken %d\n", took);
	if (hold) {
		/* Never outlive a failed test. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	journal_unlock(l);
	_exit(0);
}

static char *
read_line(int fd)
{
	char	buf[512];
	size_t	n = 0;

	while (n < sizeof buf - 1 && read(fd, buf + n, 1) == 1 &&
	    buf[n] != '\n')
		n++;
	buf[n] = '\0';
	return xstrdup(buf);
}

static void
test_lock(void **state)
{
	struct journal_lock		*l, *l2;
	struct journal_lock_holder	 h;
	bool				 took;
	char				*dir, *cause = NULL, *line, *want, *rb;
	char				*who, *host, *desc;
	int				 p[2], status;
	pid_t				 child;
	struct stat			 sb;

	(void)state;
	dir = fresh_dir("lock");
	rb = xasprintf("%s/runbook.yaml", tmp);
	close(open(rb, O_WRONLY | O_CREAT, 0600));
	who = journal_operator();
	host = journal_host();
	assert_int_equal(pipe(p), 0);

	assert_int_equal(journal_lock(dir, rb, &l, &took, &h, &cause),
	    JOURNAL_LOCK_TAKEN);
	assert_false(took);
	journal_lock_holder_free(&h);
	want = xasprintf("%s/locks", dir);
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(want);

	/* Same process, same runbook (by another spelling): held. */
	want = xasprintf("%s/./runbook.yaml", tmp);
	assert_int_equal(journal_lock(dir, want, &l2, &took, &h, &cause),
	    JOURNAL_LOCK_HELD);
	assert_int_equal(h.pid, getpid());
	journal_lock_holder_free(&h);
	free(want);

	/* Another process: held, and told by whom. */
	child = try_lock_in_child(dir, rb, p[1], false);
	waitpid(child, &status, 0);
	assert_int_equal(WEXITSTATUS(status), EXIT_LOCKED);
	line = read_line(p[0]);
	want = xasprintf("held %ld %s|%s", (long)getpid(), who, host);
	assert_string_equal(line, want);
	free(want);
	free(line);

	/* Another runbook is not locked. */
	child = try_lock_in_child(dir, "/rb/other.yaml", p[1], false);
	waitpid(child, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	line = read_line(p[0]);
	assert_string_equal(line, "taken 0");
	free(line);

	/* Released: the next one takes it cleanly. */
	journal_unlock(l);
	child = try_lock_in_child(dir, rb, p[1], false);
	waitpid(child, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	line = read_line(p[0]);
	assert_string_equal(line, "taken 0");
	free(line);

	/* A holder killed with SIGKILL: held while it lives, then taken
	 * over, and the dead holder is named. */
	child = try_lock_in_child(dir, rb, p[1], true);
	line = read_line(p[0]);
	assert_string_equal(line, "taken 0");
	free(line);
	assert_int_equal(journal_lock(dir, rb, &l, &took, &h, &cause),
	    JOURNAL_LOCK_HELD);
	assert_int_equal(h.pid, child);
	assert_string_equal(h.operator, who);
	assert_string_equal(h.host, host);
	assert_non_null(strstr(h.runbook, "/runbook.yaml"));
	desc = journal_lock_holder_describe(&h);
	want = xasprintf("%s on %s (pid %ld) since ", who, host, (long)child);
	assert_memory_equal(desc, want, strlen(want));
	assert_non_null(strstr(desc, " UTC"));
	free(want);
	free(desc);
	journal_lock_holder_free(&h);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	assert_int_equal(journal_lock(dir, rb, &l, &took, &h, &cause),
	    JOURNAL_LOCK_TAKEN);
	assert_true(took);
	assert_int_equal(h.pid, child);
	assert_string_equal(h.operator, who);
	journal_lock_holder_free(&h);
	journal_unlock(l);

	close(p[0]);
	close(p[1]);
	free(who);
	free(host);
	free(rb);
	free(dir);
}

/* Two stepups race to take over a dead holder's lock: the loser looks
 * after the winner has locked and before it has written its name, when
 * the file still names the dead one; the loser names the live winner. */
static void
test_lock_stale_race(void **state)
{
	struct journal_lock		*l;
	struct journal_lock_holder	 h;
	struct flock			 fl;
	bool				 took;
	char				*dir, *cause = NULL, *line, *rb, *path;
	int				 p[2], status, fd;
	pid_t				 dead, winner;

	(void)state;
	dir = fresh_dir("lock-race");
	rb = xasprintf("%s/race.yaml", tmp);
	close(open(rb, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(pipe(p), 0);

	/* A holder that dies holding it: its name stays in the file. */
	dead = try_lock_in_child(dir, rb, p[1], true);
	line = read_line(p[0]);
	assert_string_equal(line, "taken 0");
	free(line);
	kill(dead, SIGKILL);
	waitpid(dead, &status, 0);
	line = xasprintf("%s/locks", dir);
	path = NULL;
	{
		char	*cmd = xasprintf("ls '%s'/*.lock", line);
		FILE	*f = popen(cmd, "r");
		char	 buf[1024];

		assert_non_null(f);
		assert_non_null(fgets(buf, sizeof buf, f));
		buf[strcspn(buf, "\n")] = '\0';
		path = xstrdup(buf);
		pclose(f);
		free(cmd);
	}
	free(line);

	/* The winner: locked, its name not written yet. */
	if ((winner = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open(path, O_RDWR)) == -1)
			_exit(1);
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == -1)
			_exit(1);
		dprintf(p[1], "locked\n");
		for (;;)
			pause();
	}
	line = read_line(p[0]);
	assert_string_equal(line, "locked");
	free(line);

	/* The loser. */
	assert_int_equal(journal_lock(dir, rb, &l, &took, &h, &cause),
	    JOURNAL_LOCK_HELD);
	assert_int_equal(h.pid, winner);
	assert_true(h.pid != dead);
	journal_lock_holder_free(&h);

	kill(winner, SIGKILL);
	waitpid(winner, &status, 0);
	close(p[0]);
	close(p[1]);
	free(path);
	free(rb);
	free(dir);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmp) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd;
	int	 rc;

	(void)state;
	cmd = xasprintf("rm -rf '%s'", tmp);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Who holds a run: a takeover journaled by a second connection refuses
 * every later write of the first to that run (events, step states,
 * attempts, status), inside its own transaction; a takeover that names a
 * holder who is no longer the newest is refused; the holders are listed
 * in order; a connection that never claimed the run is not refused. */
static void
test_holders(void **state)
{
	char			*dir = fresh_dir("holders"), *cause = NULL;
	struct journal		*a = open_ok(dir), *b = open_ok(dir);
	struct journal		*c = open_ok(dir);
	struct journal_holder	*hv = NULL;
	struct journal_step_state *sv = NULL;
	struct journal_event	*ev = NULL;
	size_t			 hn = 0, sn = 0, en = 0;
	long long		 run, gen = 0;

	(void)state;
	run = new_run(a, "/rb/holders.yaml");
	assert_int_equal(journal_claimed(a, run), -1);
	assert_int_equal(journal_claim(a, run, "began", NULL, NULL, -1, &gen,
	    &cause), 0);
	assert_int_equal(gen, 1);
	assert_int_equal(journal_claimed(a, run), 1);
	assert_int_equal(journal_append(a, run, JOURNAL_EV_BEGIN, NULL, NULL,
	    NULL, &cause), 0);

	/* b takes it over from generation 1, in one transaction. */
	journal_set_who(b, "bob");
	assert_int_equal(journal_begin(b, &cause), 0);
	assert_int_equal(journal_claim(b, run, "took over", "alice", "shift",
	    1, &gen, &cause), 0);
	assert_int_equal(journal_append(b, run, JOURNAL_EV_TAKEOVER, NULL,
	    "bob took run 1 over from alice: shift", NULL, &cause), 0);
	assert_int_equal(journal_commit(b, &cause), 0);
	assert_int_equal(gen, 2);
	assert_int_equal(journal_claimed(a, run), 0);
	assert_int_equal(journal_claimed(b, run), 1);

	/* a can write nothing more to the run. */
	assert_int_equal(journal_append(a, run, JOURNAL_EV_NOTE, NULL, "late",
	    NULL, &cause), -1);
	assert_true(journal_taken_over(cause));
	free(cause);
	cause = NULL;
	assert_int_equal(journal_step_set(a, run, "dump", "passed", NULL,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(journal_run_set_status(a, run, JOURNAL_RUN_PAUSED,
	    &cause), -1);
	free(cause);
	cause = NULL;
	/* Nor can it take the run back from the holder it knew. */
	assert_int_equal(journal_claim(a, run, "took over", "bob", "no", 1,
	    NULL, &cause), -1);
	free(cause);
	cause = NULL;

	/* b writes; c, which never claimed it, is not refused either. */
	assert_int_equal(journal_step_set(b, run, "dump", "passed", NULL,
	    &cause), 0);
	assert_int_equal(journal_append(c, run, JOURNAL_EV_NOTE, NULL, "c",
	    NULL, &cause), 0);

	assert_int_equal(journal_holders(c, run, &hv, &hn, &cause), 0);
	assert_int_equal(hn, 2);
	assert_string_equal(hv[0].how, "began");
	assert_null(hv[0].from);
	assert_string_equal(hv[1].how, "took over");
	assert_string_equal(hv[1].operator, "bob");
	assert_string_equal(hv[1].from, "alice");
	assert_string_equal(hv[1].why, "shift");
	assert_int_equal(hv[1].pid, getpid());
	journal_holders_free(hv, hn);

	assert_int_equal(journal_steps(c, run, &sv, &sn, &cause), 0);
	assert_int_equal(sn, 1);
	journal_steps_free(sv, sn);
	assert_int_equal(journal_events(c, run, &ev, &en, &cause), 0);
	assert_int_equal(en, 3);	/* begin, takeover, c's note */
	assert_int_equal(ev[1].kind, JOURNAL_EV_TAKEOVER);
	journal_events_free(ev, en);

	journal_close(a);
	journal_close(b);
	journal_close(c);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_dir),
		cmocka_unit_test(test_operator),
		cmocka_unit_test(test_open_reopen),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_events_order),
		cmocka_unit_test(test_concurrent_appends),
		cmocka_unit_test(test_transaction),
		cmocka_unit_test(test_secrets_masked),
		cmocka_unit_test(test_step_states),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_statements_kept),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_lock_stale_race),
		cmocka_unit_test(test_holders),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
