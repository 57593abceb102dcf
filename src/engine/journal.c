/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal.c: the SQLite journal: opening (a new one built whole), the
 * schema and its migrations, the helpers every query goes through, and
 * transactions. Runs, steps, events and actions are in journal-runs.c; the
 * state directory, the operator and the run lock in journal-lock.c. */
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
#include "trust.h"
#include "util.h"

#define JOURNAL_FILE	"journal.db"
#define MASK		"********"
#define BUSY_TIMEOUT_MS	10000

/*
 * The schema, as a list of forward migrations: entry i takes the database
 * from user_version i to i + 1. A new version is one more entry here (and
 * JOURNAL_SCHEMA_VERSION in journal.h); never edit an entry once released.
 */
static const char *const migrations[] = {
	/* 0 -> 1: runs, step states and the append-only event log. */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback')),"
	"  parent INTEGER REFERENCES runs(id),"
	"  runbook TEXT NOT NULL,"
	"  runbook_sha256 TEXT NOT NULL,"
	"  product TEXT NOT NULL,"
	"  from_version TEXT,"
	"  to_version TEXT,"
	"  plan TEXT,"
	"  operator TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  ended INTEGER,"
	"  status TEXT NOT NULL,"
	"  dry_run INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX runs_by_runbook ON runs (runbook, status);"
	"CREATE TABLE step_states ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  step TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  reason TEXT,"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (run, step));"
	"CREATE TABLE events ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  seq INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  step TEXT,"
	"  detail TEXT,"
	"  PRIMARY KEY (run, seq));"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;",

	/* 1 -> 2: action attempts, to find a running command again after the
	 * wizard died (supervisor pid and start time, log and status). */
	"CREATE TABLE actions ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  step TEXT NOT NULL,"
	"  attempt INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  pid_start INTEGER NOT NULL,"
	"  log_path TEXT NOT NULL,"
	"  status_path TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  ended INTEGER,"
	"  finished INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER,"
	"  signal INTEGER,"
	"  timed_out INTEGER NOT NULL DEFAULT 0,"
	"  cancelled INTEGER NOT NULL DEFAULT 0,"
	"  artifact TEXT,"
	"  artifact_size INTEGER,"
	"  artifact_sha256 TEXT,"
	"  PRIMARY KEY (run, step, attempt));",

	/* 2 -> 3: each event chained to the one before it in its run by
	 * hash (see jn_event_hash); older events keep a NULL hash. */
	"ALTER TABLE events ADD COLUMN hash TEXT;",

	/* 3 -> 4: who held each run, in order (journal-holders.c): the one
	 * that began it, each that resumed it or took it over. */
	"CREATE TABLE holders ("
	"  run INTEGER NOT NULL REFERENCES runs(id),"
	"  gen INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  how TEXT NOT NULL,"
	"  from_operator TEXT,"
	"  why TEXT,"
	"  PRIMARY KEY (run, gen));",
};

_Static_assert(nitems(migrations) == JOURNAL_SCHEMA_VERSION,
    "one migration per schema version");

/* ---- helpers ------------------------------------------------------------- */

/* A copy of s with every secret value replaced by the mask; NULL stays
 * NULL. */
char *
jn_mask(const struct journal *j, const char *s)
{
	if (s == NULL)
		return NULL;
	return mask_secrets(s, (const char *const *)j->secrets, j->n_secrets);
}

int
jn_db_error(struct journal *j, char **cause, const char *what)
{
	int	code = sqlite3_errcode(j->db) & 0xff, err;

	/* For I/O trouble, the system's word is the useful one ("No space
	 * left on device", "File too large", "Read-only file system"). */
	err = sqlite3_system_errno(j->db);
	if ((code == SQLITE_IOERR || code == SQLITE_FULL ||
	    code == SQLITE_CANTOPEN || code == SQLITE_READONLY) && err != 0)
		*cause = xasprintf("cannot %s in the journal %s: %s (%s)",
		    what, j->path, sqlite3_errmsg(j->db), strerror(err));
	else
		*cause = xasprintf("cannot %s in the journal %s: %s", what,
		    j->path, sqlite3_errmsg(j->db));
	return -1;
}

int
jn_check_writable(struct journal *j, char **cause, const char *what)
{
	if (!j->readonly)
		return 0;
	*cause = xasprintf("cannot %s: the journal %s is read-only (%s)",
	    what, j->path, j->ro_why);
	return -1;
}

/*
 * Preparing is most of the cost of a small query (parsing, planning: an
 * event's append is four of them), and a run makes the same few dozen
 * queries thousands of times; so each handle keeps what it prepared.
 */
sqlite3_stmt *
jn_prepare(struct journal *j, const char *sql, char **cause, const char *what)
{
	struct jn_stmt	*c;
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < j->n_stmts; i++) {
		c = &j->stmts[i];
		if (c->sql != sql && strcmp(c->sql, sql) != 0)
			continue;
		if (c->busy)
			break;	/* nested: one of its own, below */
		c->busy = true;
		return c->st;
	}
	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
		jn_db_error(j, cause, what);
		return NULL;
	}
	if (i == j->n_stmts && j->n_stmts < nitems(j->stmts)) {
		c = &j->stmts[j->n_stmts++];
		c->sql = sql;
		c->st = st;
		c->busy = true;
	}
	return st;
}

void
jn_finish(struct journal *j, sqlite3_stmt *st)
{
	size_t	i;

	for (i = 0; i < j->n_stmts; i++) {
		if (j->stmts[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			j->stmts[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(st);
}

void
jn_stmts_free(struct journal *j)
{
	size_t	i;

	for (i = 0; i < j->n_stmts; i++)
		sqlite3_finalize(j->stmts[i].st);
	j->n_stmts = 0;
}

void
jn_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Bind a masked copy of s. */
void
jn_bind_masked(struct journal *j, sqlite3_stmt *st, int i, const char *s)
{
	char	*m = jn_mask(j, s);

	jn_bind_text(st, i, m);
	free(m);
}

char *
jn_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s == NULL ? NULL : xstrdup((const char *)s);
}

/* Step a write statement to its end and finalize it. */
int
jn_run_write(struct journal *j, sqlite3_stmt *st, char **cause,
    const char *what)
{
	int	rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, what);
		jn_finish(j, st);
		return -1;
	}
	jn_finish(j, st);
	return 0;
}

int
jn_exec_sql(struct journal *j, const char *sql, char **cause, const char *what)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return jn_db_error(j, cause, what);
	return 0;
}

static int
user_version(struct journal *j, int *v, char **cause)
{
	sqlite3_stmt	*st;

	if ((st = jn_prepare(j, "PRAGMA user_version", cause,
	    "read the schema version")) == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		jn_db_error(j, cause, "read the schema version");
		jn_finish(j, st);
		return -1;
	}
	*v = sqlite3_column_int(st, 0);
	jn_finish(j, st);
	return 0;
}

/* ---- opening and migrating ---------------------------------------------- */

static int
migrate(struct journal *j, char **cause)
{
	int	 v, i;
	char	*sql;

	if (user_version(j, &v, cause) == -1)
		return -1;
	if (v == JOURNAL_SCHEMA_VERSION)
		return 0;
	if (v > JOURNAL_SCHEMA_VERSION) {
		*cause = xasprintf("the journal %s was written by a newer stepup "
		    "(schema version %d; this one knows up to %d)", j->path, v,
		    JOURNAL_SCHEMA_VERSION);
		return -1;
	}
	if (j->readonly) {
		*cause = xasprintf("the journal %s has schema version %d and "
		    "needs migrating to %d, but it is read-only (%s)", j->path,
		    v, JOURNAL_SCHEMA_VERSION, j->ro_why);
		return -1;
	}
	if (jn_exec_sql(j, "BEGIN IMMEDIATE", cause, "migrate the schema") == -1)
		return -1;
	/* Another stepup may have migrated it while we waited. */
	if (user_version(j, &v, cause) == -1)
		goto fail;
	for (i = v; i < JOURNAL_SCHEMA_VERSION; i++) {
		if (sqlite3_exec(j->db, migrations[i], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			*cause = xasprintf("cannot migrate the journal %s from "
			    "schema version %d to %d: %s", j->path, i, i + 1,
			    sqlite3_errmsg(j->db));
			goto fail;
		}
		sql = xasprintf("PRAGMA user_version = %d", i + 1);
		if (jn_exec_sql(j, sql, cause, "set the schema version") == -1) {
			free(sql);
			goto fail;
		}
		free(sql);
	}
	if (jn_exec_sql(j, "COMMIT", cause, "migrate the schema") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * A journal that does not exist yet is built whole under a temporary name
 * with SQLite's syncs off, made durable with one fsync of the file, and
 * linked into place (link, unlike rename, never replaces a journal another
 * stepup made meanwhile), then one fsync of the directory: two syncs where
 * converting to WAL and migrating in place take seven. Nothing depends on
 * the empty journal before that, and a crash leaves no journal or a whole
 * one. It is only quicker: when any of it fails (no hard links on this
 * file system, a directory we cannot write), nothing is left behind and
 * journal_open creates the journal in place as before, with its messages.
 */
static void
create_fresh(struct journal *j)
{
	static const char *const sides[] = { "-wal", "-shm", "-journal" };
	struct journal	 t;
	sqlite3_stmt	*st;
	char		*tmp, *side, *cause = NULL;
	int		 fd, dfd;
	bool		 wal;
	size_t		 i;

	tmp = xasprintf("%s/.%s.XXXXXX", j->dir, JOURNAL_FILE);
	if ((fd = mkstemp(tmp)) == -1) {
		free(tmp);
		return;
	}
	memset(&t, 0, sizeof t);
	t.path = j->path;
	t.ro_why = "";
	if (sqlite3_open_v2(tmp, &t.db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		goto out;
	if (jn_exec_sql(&t, "PRAGMA synchronous = OFF", &cause,
	    "create the journal") == -1)
		goto out;
	if ((st = jn_prepare(&t, "PRAGMA journal_mode = WAL", &cause,
	    "set WAL mode")) == NULL)
		goto out;
	wal = sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	jn_finish(&t, st);
	if (!wal || migrate(&t, &cause) == -1)
		goto out;
	/* Closing the last connection moves the WAL into the file. */
	jn_stmts_free(&t);
	if (sqlite3_close(t.db) != SQLITE_OK)
		goto out;
	t.db = NULL;
	if (fsync(fd) == -1 ||
	    (link(tmp, j->path) == -1 && errno != EEXIST))
		goto out;
	unlink(tmp);
	/* As SQLite does for the files it creates; an error here (some
	 * file systems cannot sync a directory) is not one to stop on. */
	if ((dfd = open(j->dir, O_RDONLY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
out:
	jn_stmts_free(&t);
	if (t.db != NULL)
		sqlite3_close(t.db);
	close(fd);
	unlink(tmp);
	for (i = 0; i < nitems(sides); i++) {
		side = xasprintf("%s%s", tmp, sides[i]);
		unlink(side);
		free(side);
	}
	free(tmp);
	free(cause);
}

/* Whether the journal holds nothing: no journal.db, or an empty one with
 * no -wal beside it that could hold its pages. */
static bool
journal_empty(const struct journal *j)
{
	struct stat	 sb;
	char		*wal;
	bool		 empty;

	if (lstat(j->path, &sb) == -1)
		return errno == ENOENT;
	if (sb.st_size > 0)
		return false;
	wal = xasprintf("%s-wal", j->path);
	empty = lstat(wal, &sb) == -1 || sb.st_size == 0;
	free(wal);
	return empty;
}

/* Refuse a journal behind its evidence (see journal.h): -1 with *cause. */
static int
journal_check_evidence(struct journal *j, char **cause)
{
	struct journal_loss	*v;
	size_t			 n;

	if (journal_evidence_check(j, &v, &n) == 0)
		return 0;
	*cause = jn_evidence_refusal(j, v, n, false);
	journal_losses_free(v, n);
	return -1;
}

/*
 * The journal and the files SQLite keeps beside it are opened by SQLite by
 * path: each must be, when it exists, a regular file we trust, never a
 * link (which SQLite, or our O_CREAT, would follow to create or write a
 * file wherever it points). Their directory is trusted already (see
 * journal_state_dir), so what is checked here cannot be swapped after.
 */
static int
check_files(int dfd, const char *path, char **cause)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	struct stat	 sb;
	char		*name, *file, *why;
	size_t		 i;

	for (i = 0; i < nitems(sides); i++) {
		name = xasprintf("%s%s", JOURNAL_FILE, sides[i]);
		file = xasprintf("%s%s", path, sides[i]);
		why = NULL;
		if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT)
				why = xasprintf("cannot check %s: %s", file,
				    strerror(errno));
		} else if (!S_ISREG(sb.st_mode))
			why = trust_link_why(dfd, name, file, false);
		else
			why = trust_why(&sb, file);
		free(name);
		free(file);
		if (why != NULL) {
			*cause = xasprintf("cannot open the journal %s: %s",
			    path, why);
			free(why);
			return -1;
		}
	}
	return 0;
}

/* Open the journal file (creating it 0600, O_EXCL, when it is absent)
 * without following a link; -1 with errno. */
static int
open_file(int dfd)
{
	int	fd;

	for (;;) {
		fd = openat(dfd, JOURNAL_FILE, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd != -1 || errno != ENOENT)
			return fd;
		fd = openat(dfd, JOURNAL_FILE, O_RDWR | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
}

static struct journal *
journal_open_as(const char *state_dir, bool readonly, bool recover,
    char **cause)
{
	struct journal	*j;
	int		 fd, flags, dfd, r;
	sqlite3_stmt	*st;
	struct stat	 sb;
	char		*real, *db;

	*cause = NULL;
	j = xcalloc(1, sizeof *j);
	j->dir = jn_absolute(state_dir);
	j->path = xasprintf("%s/%s", j->dir, JOURNAL_FILE);
	j->who = journal_operator();
	j->readonly = readonly;
	j->ro_why = "opened read-only";

	if ((dfd = jn_dir_open(j->dir, cause)) == -1)
		goto fail;
	if (check_files(dfd, j->path, cause) == -1) {
		close(dfd);
		goto fail;
	}
	if (readonly) {
		close(dfd);
		if (access(j->path, F_OK) == -1) {
			*cause = xasprintf("cannot open the journal %s: %s",
			    j->path, strerror(errno));
			goto fail;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		/* Never a new journal where the old one's evidence is: it
		 * would forget every run it had. */
		if (!recover && journal_empty(j) &&
		    journal_has_evidence(j->dir)) {
			struct journal_loss	*v;
			size_t			 n;

			journal_evidence_check(j, &v, &n);
			*cause = jn_evidence_refusal(j, v, n, true);
			journal_losses_free(v, n);
			close(dfd);
			goto fail;
		}
		if (fstatat(dfd, JOURNAL_FILE, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1 && errno == ENOENT)
			create_fresh(j);
		/* Create it 0600 ourselves: SQLite would follow the umask,
		 * and gives its -wal and -shm files the database's mode. */
		fd = open_file(dfd);
		if (fd == -1 && errno == ELOOP)
			*cause = trust_link_why(dfd, JOURNAL_FILE, j->path,
			    false);
		else if (fd == -1 && errno != EACCES && errno != EROFS)
			*cause = xasprintf("cannot create the journal %s: %s",
			    j->path, strerror(errno));
		close(dfd);
		if (fd == -1 && *cause != NULL)
			goto fail;
		if (fd != -1)
			close(fd);
		flags = SQLITE_OPEN_READWRITE;
	}
	/* SQLite refuses a link anywhere in the name it is given with
	 * SQLITE_OPEN_NOFOLLOW: give it the state directory's real name
	 * (trusted with its links resolved; see journal_state_dir). */
	if ((real = realpath(j->dir, NULL)) != NULL) {
		db = xasprintf("%s/%s", real, JOURNAL_FILE);
		free(real);
	} else
		db = xstrdup(j->path);
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	r = sqlite3_open_v2(db, &j->db, flags, NULL);
	free(db);
	if (r != SQLITE_OK) {
		*cause = xasprintf("cannot open the journal %s: %s", j->path,
		    j->db != NULL ? sqlite3_errmsg(j->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(j->db, 1);
	sqlite3_busy_timeout(j->db, BUSY_TIMEOUT_MS);
	if (!readonly && sqlite3_db_readonly(j->db, "main") == 1) {
		j->readonly = true;
		j->ro_why = "the file or its directory is not writable";
	}
	if (!j->readonly) {
		if ((st = jn_prepare(j, "PRAGMA journal_mode = WAL", cause,
		    "set WAL mode")) == NULL)
			goto fail;
		if (sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal")
		    != 0) {
			jn_db_error(j, cause, "set WAL mode");
			jn_finish(j, st);
			goto fail;
		}
		jn_finish(j, st);
	}
	if (jn_exec_sql(j, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
	    cause, "set durable commits") == -1)
		goto fail;
	if (migrate(j, cause) == -1)
		goto fail;
	if (!recover && !j->readonly && journal_check_evidence(j, cause) == -1)
		goto fail;
	return j;
fail:
	journal_close(j);
	return NULL;
}

struct journal *
journal_open(const char *state_dir, bool readonly, char **cause)
{
	return journal_open_as(state_dir, readonly, false, cause);
}

struct journal *
journal_open_recover(const char *state_dir, char **cause)
{
	return journal_open_as(state_dir, false, true, cause);
}

struct journal *
journal_open_view(const char *option, char **dir, char **cause)
{
	*cause = NULL;
	if ((*dir = journal_state_dir(option, cause)) == NULL)
		return NULL;
	if (!journal_exists(*dir))
		return NULL;
	return journal_open(*dir, true, cause);
}

bool
journal_exists(const char *state_dir)
{
	char	*db;
	bool	 absent;

	/* A dangling link is no journal: none is created through it (see
	 * journal_open, which refuses any link). */
	db = xasprintf("%s/%s", state_dir, JOURNAL_FILE);
	absent = access(db, F_OK) != 0 && errno == ENOENT;
	free(db);
	return !absent;
}

void
journal_close(struct journal *j)
{
	size_t	i;

	if (j == NULL)
		return;
	if (j->db != NULL) {
		if (j->in_tx)
			sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		jn_stmts_free(j);
		sqlite3_close(j->db);
	}
	free(j->vars);
	for (i = 0; i < j->n_secrets; i++)
		free(j->secrets[i]);
	free(j->secrets);
	free(j->pending);
	free(j->path);
	free(j->dir);
	free(j->who);
	free(j);
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

const char *
journal_dir(const struct journal *j)
{
	return j->dir;
}

const char *
journal_who(const struct journal *j)
{
	return j->who;
}

void
journal_set_who(struct journal *j, const char *who)
{
	free(j->who);
	j->who = xstrdup(who);
}

void
journal_set_secrets(struct journal *j, const char *const *values, size_t n)
{
	size_t	i;

	for (i = 0; i < j->n_secrets; i++)
		free(j->secrets[i]);
	free(j->secrets);
	j->secrets = NULL;
	j->n_secrets = 0;
	if (n == 0)
		return;
	j->secrets = xreallocarray(NULL, n, sizeof *j->secrets);
	for (i = 0; i < n; i++) {
		if (values[i] != NULL && values[i][0] != '\0')
			j->secrets[j->n_secrets++] = xstrdup(values[i]);
	}
}

int
journal_schema_version(struct journal *j)
{
	char	*cause = NULL;
	int	 v;

	if (user_version(j, &v, &cause) == -1) {
		free(cause);
		return -1;
	}
	return v;
}

int
journal_begin(struct journal *j, char **cause)
{
	if (jn_check_writable(j, cause, "begin a transaction") == -1)
		return -1;
	if (j->in_tx) {
		*cause = xstrdup("journal transactions do not nest");
		return -1;
	}
	if (jn_exec_sql(j, "BEGIN IMMEDIATE", cause, "begin a transaction") == -1)
		return -1;
	j->in_tx = true;
	return 0;
}

int
journal_commit(struct journal *j, char **cause)
{
	if (!j->in_tx) {
		*cause = xstrdup("no journal transaction to commit");
		return -1;
	}
	j->in_tx = false;
	if (jn_exec_sql(j, "COMMIT", cause, "commit") == -1) {
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		jn_evidence_drop(j);
		return -1;
	}
	(void)jn_evidence_flush(j);
	return 0;
}

void
journal_rollback(struct journal *j)
{
	if (!j->in_tx)
		return;
	j->in_tx = false;
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	jn_evidence_drop(j);
}

