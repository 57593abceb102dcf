/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-runs.c: what the journal records: runs, step states, the
 * append-only events and action attempts (their log and status files). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "util.h"

/* ---- runs ---------------------------------------------------------------- */

static const char *const run_status_names[] = {
#define X(e, name) name,
	JOURNAL_RUN_STATUSES(X)
#undef X
};

const char *
journal_run_kind_name(enum journal_run_kind k)
{
	return k == JOURNAL_RUN_ROLLBACK ? "rollback" : "upgrade";
}

const char *
journal_run_status_name(enum journal_run_status s)
{
	if ((unsigned)s >= nitems(run_status_names))
		return "unknown";
	return run_status_names[s];
}

static enum journal_run_status
run_status_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(run_status_names); i++) {
		if (strcmp(s, run_status_names[i]) == 0)
			return (enum journal_run_status)i;
	}
	return JOURNAL_RUN_ABANDONED;
}

int
journal_run_create(struct journal *j, const struct journal_run *r,
    long long *id, char **cause)
{
	static const char *what = "record the run";
	sqlite3_stmt	*st;
	char		*host = NULL;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "INSERT INTO runs (kind, parent, runbook, "
	    "runbook_sha256, product, from_version, to_version, plan, "
	    "operator, host, started, status, dry_run) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)", cause,
	    what)) == NULL)
		return -1;
	jn_bind_text(st, 1, journal_run_kind_name(r->kind));
	if (r->parent > 0)
		sqlite3_bind_int64(st, 2, r->parent);
	else
		sqlite3_bind_null(st, 2);
	jn_bind_text(st, 3, r->runbook != NULL ? r->runbook : "");
	jn_bind_text(st, 4, r->runbook_sha256 != NULL ? r->runbook_sha256 : "");
	jn_bind_masked(j, st, 5, r->product != NULL ? r->product : "");
	jn_bind_masked(j, st, 6, r->from);
	jn_bind_masked(j, st, 7, r->to);
	jn_bind_masked(j, st, 8, r->plan);
	jn_bind_masked(j, st, 9, r->operator != NULL ? r->operator : j->who);
	if (r->host == NULL)
		host = journal_host();
	jn_bind_text(st, 10, r->host != NULL ? r->host : host);
	free(host);
	sqlite3_bind_int64(st, 11, journal_now());
	sqlite3_bind_int(st, 12, r->dry_run);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(j->db);
	return 0;
}

int
journal_run_set_status(struct journal *j, long long id,
    enum journal_run_status s, char **cause)
{
	static const char *what = "change the run's status";
	sqlite3_stmt	*st;
	bool		 ends;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "UPDATE runs SET status = ?, ended = ? "
	    "WHERE id = ?", cause, what)) == NULL)
		return -1;
	ends = s == JOURNAL_RUN_DONE || s == JOURNAL_RUN_FAILED ||
	    s == JOURNAL_RUN_ABANDONED;
	jn_bind_text(st, 1, journal_run_status_name(s));
	if (ends)
		sqlite3_bind_int64(st, 2, journal_now());
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, id);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		*cause = xasprintf("no run %lld in the journal %s", id, j->path);
		return -1;
	}
	return 0;
}

int
journal_run_set_target(struct journal *j, long long id, const char *to,
    char **cause)
{
	static const char *what = "change the run's target";
	sqlite3_stmt	*st;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "UPDATE runs SET to_version = ? WHERE id = ?",
	    cause, what)) == NULL)
		return -1;
	jn_bind_masked(j, st, 1, to);
	sqlite3_bind_int64(st, 2, id);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		*cause = xasprintf("no run %lld in the journal %s", id,
		    j->path);
		return -1;
	}
	jn_evidence_pending(j, id);
	return 0;
}

#define RUN_COLUMNS "id, kind, parent, runbook, runbook_sha256, product, " \
	"from_version, to_version, plan, operator, host, started, ended, " \
	"status, dry_run"

static void
run_from_row(sqlite3_stmt *st, struct journal_run *r)
{
	const char	*kind, *status;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	kind = (const char *)sqlite3_column_text(st, 1);
	r->kind = kind != NULL && strcmp(kind, "rollback") == 0 ?
	    JOURNAL_RUN_ROLLBACK : JOURNAL_RUN_UPGRADE;
	r->parent = sqlite3_column_int64(st, 2);
	r->runbook = jn_col_text(st, 3);
	r->runbook_sha256 = jn_col_text(st, 4);
	r->product = jn_col_text(st, 5);
	r->from = jn_col_text(st, 6);
	r->to = jn_col_text(st, 7);
	r->plan = jn_col_text(st, 8);
	r->operator = jn_col_text(st, 9);
	r->host = jn_col_text(st, 10);
	r->started = sqlite3_column_int64(st, 11);
	r->ended = sqlite3_column_int64(st, 12);
	status = (const char *)sqlite3_column_text(st, 13);
	r->status = run_status_parse(status);
	r->dry_run = sqlite3_column_int(st, 14) != 0;
}

static void
run_clear(struct journal_run *r)
{
	free(r->runbook);
	free(r->runbook_sha256);
	free(r->product);
	free(r->from);
	free(r->to);
	free(r->plan);
	free(r->operator);
	free(r->host);
}

void
journal_run_free(struct journal_run *r)
{
	if (r == NULL)
		return;
	run_clear(r);
	free(r);
}

void
journal_runs_free(struct journal_run *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		run_clear(&v[i]);
	free(v);
}

/* Run a query on runs; collect every row. */
static int
runs_query(struct journal *j, sqlite3_stmt *st, struct journal_run **v,
    size_t *n, char **cause)
{
	int	rc;

	*v = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		run_from_row(st, &(*v)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, "read runs");
		journal_runs_free(*v, *n);
		*v = NULL;
		*n = 0;
		jn_finish(j, st);
		return -1;
	}
	jn_finish(j, st);
	return 0;
}

static int
run_one(struct journal *j, sqlite3_stmt *st, struct journal_run **out,
    char **cause)
{
	struct journal_run	*v;
	size_t			 n;

	*out = NULL;
	if (runs_query(j, st, &v, &n, cause) == -1)
		return -1;
	if (n > 0) {
		*out = xmalloc(sizeof **out);
		**out = v[0];
		for (size_t i = 1; i < n; i++)
			run_clear(&v[i]);
		free(v);
	}
	return 0;
}

int
journal_run_get(struct journal *j, long long id, struct journal_run **out,
    char **cause)
{
	sqlite3_stmt	*st;

	*out = NULL;
	if ((st = jn_prepare(j, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?",
	    cause, "read a run")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return run_one(j, st, out, cause);
}

int
journal_run_unfinished(struct journal *j, const char *runbook,
    struct journal_run **out, char **cause)
{
	sqlite3_stmt	*st;

	*out = NULL;
	if ((st = jn_prepare(j, "SELECT " RUN_COLUMNS " FROM runs WHERE "
	    "runbook = ? AND status IN ('running', 'paused') "
	    "ORDER BY id DESC LIMIT 1", cause, "read runs")) == NULL)
		return -1;
	jn_bind_text(st, 1, runbook);
	return run_one(j, st, out, cause);
}

int
journal_runs(struct journal *j, const char *runbook, struct journal_run **v,
    size_t *n, char **cause)
{
	sqlite3_stmt	*st;

	*v = NULL;
	*n = 0;
	if ((st = jn_prepare(j, runbook == NULL ?
	    "SELECT " RUN_COLUMNS " FROM runs ORDER BY id" :
	    "SELECT " RUN_COLUMNS " FROM runs WHERE runbook = ? ORDER BY id",
	    cause, "read runs")) == NULL)
		return -1;
	if (runbook != NULL)
		jn_bind_text(st, 1, runbook);
	return runs_query(j, st, v, n, cause);
}

/* ---- step states --------------------------------------------------------- */

int
journal_step_set(struct journal *j, long long run, const char *step,
    const char *state, const char *reason, char **cause)
{
	static const char *what = "record a step's state";
	sqlite3_stmt	*st;
	long long	 now = journal_now();

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	/* UPDATE, then INSERT if there was nothing: keeps the rowid, and so
	 * the order in which steps were first set. */
	if ((st = jn_prepare(j, "UPDATE step_states SET state = ?, reason = ?, "
	    "updated = ? WHERE run = ? AND step = ?", cause, what)) == NULL)
		return -1;
	jn_bind_text(st, 1, state);
	jn_bind_masked(j, st, 2, reason);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, run);
	jn_bind_text(st, 5, step);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	if (sqlite3_changes(j->db) > 0)
		return 0;
	if ((st = jn_prepare(j, "INSERT INTO step_states (run, step, state, "
	    "reason, updated) VALUES (?, ?, ?, ?, ?)", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	jn_bind_text(st, 2, step);
	jn_bind_text(st, 3, state);
	jn_bind_masked(j, st, 4, reason);
	sqlite3_bind_int64(st, 5, now);
	return jn_run_write(j, st, cause, what);
}

void
journal_steps_free(struct journal_step_state *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].step);
		free(v[i].state);
		free(v[i].reason);
	}
	free(v);
}

int
journal_steps(struct journal *j, long long run,
    struct journal_step_state **v, size_t *n, char **cause)
{
	sqlite3_stmt			*st;
	struct journal_step_state	*s;
	int				 rc;

	*v = NULL;
	*n = 0;
	if ((st = jn_prepare(j, "SELECT step, state, reason, updated FROM "
	    "step_states WHERE run = ? ORDER BY rowid", cause,
	    "read step states")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		s = &(*v)[(*n)++];
		s->step = jn_col_text(st, 0);
		s->state = jn_col_text(st, 1);
		s->reason = jn_col_text(st, 2);
		s->updated = sqlite3_column_int64(st, 3);
	}
	jn_finish(j, st);
	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, "read step states");
		journal_steps_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static const char *const event_kind_names[] = {
#define X(e, name, what) name,
	JOURNAL_EVENT_KINDS(X)
#undef X
};

const char *
journal_event_kind_name(enum journal_event_kind k)
{
	if ((unsigned)k >= nitems(event_kind_names))
		return "unknown";
	return event_kind_names[k];
}

int
journal_event_kind_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(event_kind_names); i++) {
		if (strcmp(s, event_kind_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

int
journal_append(struct journal *j, long long run, enum journal_event_kind k,
    const char *step, const char *detail, long long *seq, char **cause)
{
	static const char *what = "append an event";
	sqlite3_stmt	*st;
	char		*prev, *who, *text, hash[65];
	long long	 n, now;
	bool		 own;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((unsigned)k >= JOURNAL_EV__COUNT) {
		*cause = xasprintf("cannot append an event of unknown kind %d",
		    (int)k);
		return -1;
	}
	/* The previous event of the run, and this one chained to it by
	 * hash, in one transaction: no sync more than the one INSERT's own
	 * (a BEGIN IMMEDIATE ... COMMIT is one commit, like a lone INSERT). */
	own = !j->in_tx;
	if (own && journal_begin(j, cause) != 0)
		return -1;
	if ((st = jn_prepare(j, "SELECT seq, hash FROM events WHERE run = ? "
	    "ORDER BY seq DESC LIMIT 1", cause, what)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	n = 1;
	prev = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0) + 1;
		prev = jn_col_text(st, 1);
	}
	jn_finish(j, st);
	now = journal_now();
	who = jn_mask(j, j->who);
	text = jn_mask(j, detail);
	jn_event_hash(prev, run, n, now, who, event_kind_names[k], step, text,
	    hash);
	free(prev);
	if ((st = jn_prepare(j, "INSERT INTO events (run, seq, time, operator, "
	    "kind, step, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cause,
	    what)) == NULL) {
		free(who);
		free(text);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, n);
	sqlite3_bind_int64(st, 3, now);
	jn_bind_text(st, 4, who);
	jn_bind_text(st, 5, event_kind_names[k]);
	jn_bind_text(st, 6, step);
	jn_bind_text(st, 7, text);
	jn_bind_text(st, 8, hash);
	free(who);
	if (jn_run_write(j, st, cause, what) == -1) {
		free(text);
		goto fail;
	}
	if (k == JOURNAL_EV_VARS) {
		/* The evidence names the run's last answers; kept here, it
		 * is not looked for among all the run's events each time. */
		free(j->vars);
		j->vars = text;
		j->vars_run = run;
		j->vars_known = true;
	} else
		free(text);
	jn_evidence_pending(j, run);
	if (own) {
		j->in_tx = false;
		if (jn_exec_sql(j, "COMMIT", cause, what) == -1) {
			sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
			jn_evidence_drop(j);
			return -1;
		}
		(void)jn_evidence_flush(j);
	}
	if (seq != NULL)
		*seq = n;
	return 0;
fail:
	if (own)
		journal_rollback(j);
	return -1;
}

static bool
listed(const char *name, size_t len, const char *const *names)
{
	for (; names != NULL && *names != NULL; names++) {
		if (strlen(*names) == len && strncmp(*names, name, len) == 0)
			return true;
	}
	return false;
}

int
journal_append_vars(struct journal *j, long long run, const char *step,
    char *const *envp, const char *const *secret_names, long long *seq,
    char **cause)
{
	struct buf	 b;
	const char	*eq;
	size_t		 len;
	int		 rc;

	buf_init(&b);
	for (; envp != NULL && *envp != NULL; envp++) {
		if ((eq = strchr(*envp, '=')) == NULL)
			continue;
		len = (size_t)(eq - *envp);
		if (listed(*envp, len, secret_names))
			buf_printf(&b, "%.*s=%s\n", (int)len, *envp, MASK);
		else
			buf_printf(&b, "%s\n", *envp);
	}
	rc = journal_append(j, run, JOURNAL_EV_VARS, step, b.data, seq, cause);
	buf_free(&b);
	return rc;
}

void
journal_events_free(struct journal_event *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].operator);
		free(v[i].step);
		free(v[i].detail);
	}
	free(v);
}

int
journal_events(struct journal *j, long long run, struct journal_event **v,
    size_t *n, char **cause)
{
	sqlite3_stmt		*st;
	struct journal_event	*e;
	int			 rc, k;

	*v = NULL;
	*n = 0;
	if ((st = jn_prepare(j, "SELECT run, seq, time, operator, kind, step, "
	    "detail FROM events WHERE run = ? ORDER BY seq", cause,
	    "read events")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		e = &(*v)[(*n)++];
		e->run = sqlite3_column_int64(st, 0);
		e->seq = sqlite3_column_int64(st, 1);
		e->time = sqlite3_column_int64(st, 2);
		e->operator = jn_col_text(st, 3);
		k = journal_event_kind_parse(
		    (const char *)sqlite3_column_text(st, 4));
		e->kind = k == -1 ? JOURNAL_EV_NOTE : (enum journal_event_kind)k;
		e->step = jn_col_text(st, 5);
		e->detail = jn_col_text(st, 6);
	}
	jn_finish(j, st);
	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, "read events");
		journal_events_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- actions ------------------------------------------------------------- */

/* The bytes a step's file name keeps as they are. */
static bool
step_file_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_.@:+-", c) != NULL;
}

char *
jn_step_file(const char *step)
{
	struct buf		 b;
	const unsigned char	*p;

	buf_init(&b);
	for (p = (const unsigned char *)step; *p != '\0'; p++) {
		/* A leading '.' would hide the file. */
		if (step_file_char(*p) && !(p == (const unsigned char *)step &&
		    *p == '.'))
			buf_putc(&b, *p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

char *
jn_step_unfile(const char *s, size_t len)
{
	struct buf	b;
	unsigned int	c;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    sscanf(s + i + 1, "%2x", &c) == 1) {
			buf_putc(&b, (int)c);
			i += 2;
		} else
			buf_putc(&b, s[i]);
	}
	return b.data != NULL ? buf_take(&b) : xstrdup("");
}

static void
attempt_paths(struct journal *j, long long run, const char *step,
    int attempt, char **log_path, char **status_path)
{
	char	*e = jn_step_file(step);

	*log_path = xasprintf("%s/runs/%lld/%s.%d.log", j->dir, run, e,
	    attempt);
	*status_path = xasprintf("%s/runs/%lld/%s.%d.status", j->dir, run, e,
	    attempt);
	free(e);
}

int
journal_action_next_attempt(struct journal *j, long long run,
    const char *step, int *attempt, char **cause)
{
	sqlite3_stmt	*st;
	char		*log, *status;
	bool		 used;

	if ((st = jn_prepare(j, "SELECT COALESCE(MAX(attempt), 0) + 1 FROM "
	    "actions WHERE run = ? AND step = ?", cause,
	    "read action attempts")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	jn_bind_text(st, 2, step);
	if (sqlite3_step(st) != SQLITE_ROW) {
		jn_db_error(j, cause, "read action attempts");
		jn_finish(j, st);
		return -1;
	}
	*attempt = sqlite3_column_int(st, 0);
	jn_finish(j, st);
	/* An attempt whose start was journaled but whose row never was (the
	 * wizard died in between) still owns its files: skip past it. */
	for (;;) {
		attempt_paths(j, run, step, *attempt, &log, &status);
		used = access(log, F_OK) == 0 || access(status, F_OK) == 0;
		free(log);
		free(status);
		if (!used)
			return 0;
		(*attempt)++;
	}
}

int
jn_run_dir(struct journal *j, long long run, char **cause)
{
	char	*runs, *n;
	int	 sfd, rfd, nfd;

	/* runs/ and runs/N: real directories, made and checked relative to
	 * the state directory, never through a link planted there. */
	if ((sfd = jn_dir_open(j->dir, cause)) == -1)
		return -1;
	rfd = jn_subdir(sfd, j->dir, "runs", cause);
	close(sfd);
	if (rfd == -1)
		return -1;
	runs = xasprintf("%s/runs", j->dir);
	n = xasprintf("%lld", run);
	nfd = jn_subdir(rfd, runs, n, cause);
	close(rfd);
	free(runs);
	free(n);
	return nfd;
}

int
journal_action_paths(struct journal *j, long long run, const char *step,
    int attempt, char **log_path, char **status_path, char **cause)
{
	int	 nfd;

	*log_path = *status_path = NULL;
	if ((nfd = jn_run_dir(j, run, cause)) == -1)
		return -1;
	close(nfd);
	attempt_paths(j, run, step, attempt, log_path, status_path);
	return 0;
}

/* The name of an attempt's output file in runs/N: "STEP.ATTEMPT.output". */
static char *
output_name(const char *step, int attempt)
{
	char	*e = jn_step_file(step), *name;

	name = xasprintf("%s.%d.output", e, attempt);
	free(e);
	return name;
}

int
journal_output_create(struct journal *j, long long run, const char *step,
    int attempt, char **path, char **cause)
{
	char	*name;
	int	 nfd, fd;

	*path = NULL;
	if ((nfd = jn_run_dir(j, run, cause)) == -1)
		return -1;
	name = output_name(step, attempt);
	fd = openat(nfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot make the output file "
		    "%s/runs/%lld/%s: %s", j->dir, run, name, strerror(errno));
		free(name);
		close(nfd);
		return -1;
	}
	close(fd);
	close(nfd);
	*path = xasprintf("%s/runs/%lld/%s", j->dir, run, name);
	free(name);
	return 0;
}

int
journal_output_read(struct journal *j, long long run, const char *step,
    int attempt, struct buf *out, char **cause)
{
	struct stat	 sb;
	char		*name, chunk[8192];
	ssize_t		 n;
	int		 nfd, fd;

	if ((nfd = jn_run_dir(j, run, cause)) == -1)
		return -1;
	name = output_name(step, attempt);
	fd = openat(nfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(nfd);
	if (fd == -1 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("cannot read the output file "
		    "%s/runs/%lld/%s: %s", j->dir, run, name, fd == -1 ?
		    strerror(errno) :
		    "not a regular file");
		if (fd != -1)
			close(fd);
		free(name);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || out->len + (size_t)n > JOURNAL_OUTPUT_MAX) {
			*cause = xasprintf("cannot read the output file "
			    "%s/runs/%lld/%s: %s", j->dir, run, name, n == -1 ?
			    strerror(errno) : "more than 64 KiB");
			close(fd);
			free(name);
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	free(name);
	return 0;
}

int
journal_action_add(struct journal *j, const struct journal_action *a,
    char **cause)
{
	static const char *what = "record an action";
	sqlite3_stmt	*st;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "INSERT INTO actions (run, step, attempt, pid, "
	    "pid_start, log_path, status_path, started) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->run);
	jn_bind_text(st, 2, a->step);
	sqlite3_bind_int(st, 3, a->attempt);
	sqlite3_bind_int64(st, 4, (long long)a->pid);
	sqlite3_bind_int64(st, 5, (long long)a->pid_start);
	jn_bind_text(st, 6, a->log_path);
	jn_bind_text(st, 7, a->status_path);
	sqlite3_bind_int64(st, 8, a->started);
	return jn_run_write(j, st, cause, what);
}

static int
action_update_done(struct journal *j, const char *what, char **cause)
{
	if (sqlite3_changes(j->db) == 0) {
		*cause = xasprintf("cannot %s: no such action attempt in the "
		    "journal %s", what, j->path);
		return -1;
	}
	return 0;
}

int
journal_action_set_pid(struct journal *j, const struct journal_action *a,
    char **cause)
{
	static const char *what = "record an action's supervisor";
	sqlite3_stmt	*st;
	int		 r;
	bool		 lazy;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "UPDATE actions SET pid = ?, pid_start = ? "
	    "WHERE run = ? AND step = ? AND attempt = ?", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (long long)a->pid);
	sqlite3_bind_int64(st, 2, (long long)a->pid_start);
	sqlite3_bind_int64(st, 3, a->run);
	jn_bind_text(st, 4, a->step);
	sqlite3_bind_int(st, 5, a->attempt);
	/*
	 * Not synced (the one commit of an action that is not): the start
	 * was made durable before the fork, and a later stepup finds the
	 * supervisor by the pid file it writes before the command starts
	 * (session-resume.c), so losing this row to a power cut loses
	 * nothing; the command's end, a durable commit, syncs it with it.
	 * In WAL mode synchronous=NORMAL commits without fdatasync.
	 */
	lazy = !j->in_tx && sqlite3_exec(j->db, "PRAGMA synchronous = NORMAL",
	    NULL, NULL, NULL) == SQLITE_OK;
	r = jn_run_write(j, st, cause, what);
	if (lazy)
		(void)sqlite3_exec(j->db, "PRAGMA synchronous = FULL", NULL, NULL,
		    NULL);
	if (r == -1)
		return -1;
	return action_update_done(j, what, cause);
}

int
journal_action_finish(struct journal *j, const struct journal_action *a,
    char **cause)
{
	static const char *what = "record an action's outcome";
	sqlite3_stmt	*st;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "UPDATE actions SET ended = ?, finished = 1, "
	    "exit_code = ?, signal = ?, timed_out = ?, cancelled = ? "
	    "WHERE run = ? AND step = ? AND attempt = ?", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->ended);
	sqlite3_bind_int(st, 2, a->exit_code);
	sqlite3_bind_int(st, 3, a->signal);
	sqlite3_bind_int(st, 4, a->timed_out);
	sqlite3_bind_int(st, 5, a->cancelled);
	sqlite3_bind_int64(st, 6, a->run);
	jn_bind_text(st, 7, a->step);
	sqlite3_bind_int(st, 8, a->attempt);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	return action_update_done(j, what, cause);
}

int
journal_action_artifact(struct journal *j, long long run, const char *step,
    int attempt, const char *path, long long size, const char *sha256,
    char **cause)
{
	static const char *what = "record an artifact";
	sqlite3_stmt	*st;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	if ((st = jn_prepare(j, "UPDATE actions SET artifact = ?, "
	    "artifact_size = ?, artifact_sha256 = ? WHERE run = ? AND "
	    "step = ? AND attempt = ?", cause, what)) == NULL)
		return -1;
	jn_bind_masked(j, st, 1, path);
	sqlite3_bind_int64(st, 2, size);
	jn_bind_text(st, 3, sha256);
	sqlite3_bind_int64(st, 4, run);
	jn_bind_text(st, 5, step);
	sqlite3_bind_int(st, 6, attempt);
	if (jn_run_write(j, st, cause, what) == -1)
		return -1;
	return action_update_done(j, what, cause);
}

void
journal_actions_free(struct journal_action *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].step);
		free(v[i].log_path);
		free(v[i].status_path);
		free(v[i].artifact);
		free(v[i].artifact_sha256);
	}
	free(v);
}

int
journal_actions(struct journal *j, long long run, const char *step,
    struct journal_action **v, size_t *n, char **cause)
{
	sqlite3_stmt		*st;
	struct journal_action	*a;
	int			 rc;

	*v = NULL;
	*n = 0;
	if ((st = jn_prepare(j, "SELECT run, step, attempt, pid, pid_start, "
	    "log_path, status_path, started, ended, finished, exit_code, "
	    "signal, timed_out, cancelled, artifact, artifact_size, "
	    "artifact_sha256 FROM actions WHERE run = ?1 AND "
	    "(?2 IS NULL OR step = ?2) ORDER BY rowid", cause,
	    "read actions")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	jn_bind_text(st, 2, step);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		a = &(*v)[(*n)++];
		memset(a, 0, sizeof *a);
		a->run = sqlite3_column_int64(st, 0);
		a->step = jn_col_text(st, 1);
		a->attempt = sqlite3_column_int(st, 2);
		a->pid = (pid_t)sqlite3_column_int64(st, 3);
		a->pid_start =
		    (unsigned long long)sqlite3_column_int64(st, 4);
		a->log_path = jn_col_text(st, 5);
		a->status_path = jn_col_text(st, 6);
		a->started = sqlite3_column_int64(st, 7);
		a->ended = sqlite3_column_int64(st, 8);
		a->finished = sqlite3_column_int(st, 9) != 0;
		a->exit_code = sqlite3_column_int(st, 10);
		a->signal = sqlite3_column_int(st, 11);
		a->timed_out = sqlite3_column_int(st, 12) != 0;
		a->cancelled = sqlite3_column_int(st, 13) != 0;
		a->artifact = jn_col_text(st, 14);
		a->artifact_size = sqlite3_column_int64(st, 15);
		a->artifact_sha256 = jn_col_text(st, 16);
	}
	jn_finish(j, st);
	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, "read actions");
		journal_actions_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

