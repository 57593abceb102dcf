/* journal.c: the SQLite journal (runs, step states, append-only events,
 * action attempts), its schema migrations, the state directory, the
 * operator's identity and the one-run-per-runbook lock. */
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
#include "util.h"

#define JOURNAL_FILE	"journal.db"
#define MASK		"********"
#define BUSY_TIMEOUT_MS	10000

struct journal {
	sqlite3		*db;
	char		*path;
	char		*dir;
	char		*who;
	char		**secrets;
	size_t		 n_secrets;
	bool		 readonly;
	const char	*ro_why;	/* why it is read-only */
	bool		 in_tx;
};

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
};

_Static_assert(nitems(migrations) == JOURNAL_SCHEMA_VERSION,
    "one migration per schema version");

long long
journal_now(void)
{
	return (long long)time(NULL);
}

/* ---- state directory and identity ---------------------------------------- */

/* mkdir -p with mode 0700 for what it creates; *cause on failure. */
static int
mkdir_p(const char *path, char **cause)
{
	char		*p, *s;
	struct stat	 sb;

	p = xstrdup(path);
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			*cause = xasprintf("cannot create the state directory "
			    "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	if (stat(path, &sb) == -1) {
		*cause = xasprintf("cannot use the state directory %s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("the state directory %s is not a directory",
		    path);
		return -1;
	}
	return 0;
}

static char *
absolute(const char *path)
{
	char	cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static const char *
home_dir(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && home[0] == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

char *
journal_state_dir(const char *dir, char **cause)
{
	const char	*xdg, *home;
	char		*path;

	if (dir != NULL && dir[0] != '\0')
		path = absolute(dir);
	else if ((xdg = getenv("XDG_STATE_HOME")) != NULL && xdg[0] == '/')
		path = xasprintf("%s/stepup", xdg);
	else if (geteuid() == 0)
		path = xstrdup("/var/lib/stepup");
	else if ((home = home_dir()) != NULL)
		path = xasprintf("%s/.local/state/stepup", home);
	else {
		*cause = xstrdup("no state directory: HOME is not set; use "
		    "--state-dir or STEPUP_STATE_DIR");
		return NULL;
	}
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	if (mkdir_p(path, cause) == -1) {
		free(path);
		return NULL;
	}
	return path;
}

char *
journal_operator(void)
{
	const char	*user = getenv("SUDO_USER"), *ssh;
	struct passwd	*pw;
	char		*name, *out;
	size_t		 n;

	if (user != NULL && user[0] != '\0')
		name = xstrdup(user);
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		name = xstrdup(pw->pw_name);
	else
		name = xasprintf("uid %u", (unsigned)getuid());
	ssh = getenv("SSH_CONNECTION");
	if (ssh == NULL || (n = strcspn(ssh, " ")) == 0)
		return name;
	out = xasprintf("%s from %.*s", name, (int)n, ssh);
	free(name);
	return out;
}

char *
journal_host(void)
{
	char	host[256];

	if (gethostname(host, sizeof host) == -1)
		return xstrdup("unknown-host");
	host[sizeof host - 1] = '\0';
	return xstrdup(host);
}

/* ---- helpers ------------------------------------------------------------- */

/* A copy of s with every secret value replaced by the mask; NULL stays
 * NULL. */
static char *
mask(const struct journal *j, const char *s)
{
	if (s == NULL)
		return NULL;
	return mask_secrets(s, (const char *const *)j->secrets, j->n_secrets);
}

static int
db_error(struct journal *j, char **cause, const char *what)
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

static int
check_writable(struct journal *j, char **cause, const char *what)
{
	if (!j->readonly)
		return 0;
	*cause = xasprintf("cannot %s: the journal %s is read-only (%s)",
	    what, j->path, j->ro_why);
	return -1;
}

static sqlite3_stmt *
prepare(struct journal *j, const char *sql, char **cause, const char *what)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(j, cause, what);
		return NULL;
	}
	return st;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Bind a masked copy of s. */
static void
bind_masked(struct journal *j, sqlite3_stmt *st, int i, const char *s)
{
	char	*m = mask(j, s);

	bind_text(st, i, m);
	free(m);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s == NULL ? NULL : xstrdup((const char *)s);
}

/* Step a write statement to its end and finalize it. */
static int
run_write(struct journal *j, sqlite3_stmt *st, char **cause,
    const char *what)
{
	int	rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		db_error(j, cause, what);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
exec_sql(struct journal *j, const char *sql, char **cause, const char *what)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(j, cause, what);
	return 0;
}

static int
user_version(struct journal *j, int *v, char **cause)
{
	sqlite3_stmt	*st;

	if ((st = prepare(j, "PRAGMA user_version", cause,
	    "read the schema version")) == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_error(j, cause, "read the schema version");
		sqlite3_finalize(st);
		return -1;
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
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
	if (exec_sql(j, "BEGIN IMMEDIATE", cause, "migrate the schema") == -1)
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
		if (exec_sql(j, sql, cause, "set the schema version") == -1) {
			free(sql);
			goto fail;
		}
		free(sql);
	}
	if (exec_sql(j, "COMMIT", cause, "migrate the schema") == -1)
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
	if (exec_sql(&t, "PRAGMA synchronous = OFF", &cause,
	    "create the journal") == -1)
		goto out;
	if ((st = prepare(&t, "PRAGMA journal_mode = WAL", &cause,
	    "set WAL mode")) == NULL)
		goto out;
	wal = sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (!wal || migrate(&t, &cause) == -1)
		goto out;
	/* Closing the last connection moves the WAL into the file. */
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

struct journal *
journal_open(const char *state_dir, bool readonly, char **cause)
{
	struct journal	*j;
	int		 fd, flags;
	sqlite3_stmt	*st;

	j = xcalloc(1, sizeof *j);
	j->dir = absolute(state_dir);
	j->path = xasprintf("%s/%s", j->dir, JOURNAL_FILE);
	j->who = journal_operator();
	j->readonly = readonly;
	j->ro_why = "opened read-only";

	if (readonly) {
		if (access(j->path, F_OK) == -1) {
			*cause = xasprintf("cannot open the journal %s: %s",
			    j->path, strerror(errno));
			goto fail;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		if (access(j->path, F_OK) == -1 && errno == ENOENT)
			create_fresh(j);
		/* Create it 0600 ourselves: SQLite would follow the umask,
		 * and gives its -wal and -shm files the database's mode. */
		fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1 && errno != EACCES && errno != EROFS) {
			*cause = xasprintf("cannot create the journal %s: %s",
			    j->path, strerror(errno));
			goto fail;
		}
		if (fd != -1)
			close(fd);
		flags = SQLITE_OPEN_READWRITE;
	}
	if (sqlite3_open_v2(j->path, &j->db, flags, NULL) != SQLITE_OK) {
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
		if ((st = prepare(j, "PRAGMA journal_mode = WAL", cause,
		    "set WAL mode")) == NULL)
			goto fail;
		if (sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal")
		    != 0) {
			db_error(j, cause, "set WAL mode");
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	if (exec_sql(j, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
	    cause, "set durable commits") == -1)
		goto fail;
	if (migrate(j, cause) == -1)
		goto fail;
	return j;
fail:
	journal_close(j);
	return NULL;
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
		sqlite3_close(j->db);
	}
	for (i = 0; i < j->n_secrets; i++)
		free(j->secrets[i]);
	free(j->secrets);
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
	if (check_writable(j, cause, "begin a transaction") == -1)
		return -1;
	if (j->in_tx) {
		*cause = xstrdup("journal transactions do not nest");
		return -1;
	}
	if (exec_sql(j, "BEGIN IMMEDIATE", cause, "begin a transaction") == -1)
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
	if (exec_sql(j, "COMMIT", cause, "commit") == -1) {
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
journal_rollback(struct journal *j)
{
	if (!j->in_tx)
		return;
	j->in_tx = false;
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

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

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((st = prepare(j, "INSERT INTO runs (kind, parent, runbook, "
	    "runbook_sha256, product, from_version, to_version, plan, "
	    "operator, host, started, status, dry_run) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)", cause,
	    what)) == NULL)
		return -1;
	bind_text(st, 1, journal_run_kind_name(r->kind));
	if (r->parent > 0)
		sqlite3_bind_int64(st, 2, r->parent);
	else
		sqlite3_bind_null(st, 2);
	bind_text(st, 3, r->runbook != NULL ? r->runbook : "");
	bind_text(st, 4, r->runbook_sha256 != NULL ? r->runbook_sha256 : "");
	bind_masked(j, st, 5, r->product != NULL ? r->product : "");
	bind_masked(j, st, 6, r->from);
	bind_masked(j, st, 7, r->to);
	bind_masked(j, st, 8, r->plan);
	bind_masked(j, st, 9, r->operator != NULL ? r->operator : j->who);
	if (r->host == NULL)
		host = journal_host();
	bind_text(st, 10, r->host != NULL ? r->host : host);
	free(host);
	sqlite3_bind_int64(st, 11, journal_now());
	sqlite3_bind_int(st, 12, r->dry_run);
	if (run_write(j, st, cause, what) == -1)
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

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((st = prepare(j, "UPDATE runs SET status = ?, ended = ? "
	    "WHERE id = ?", cause, what)) == NULL)
		return -1;
	ends = s == JOURNAL_RUN_DONE || s == JOURNAL_RUN_FAILED ||
	    s == JOURNAL_RUN_ABANDONED;
	bind_text(st, 1, journal_run_status_name(s));
	if (ends)
		sqlite3_bind_int64(st, 2, journal_now());
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, id);
	if (run_write(j, st, cause, what) == -1)
		return -1;
	if (sqlite3_changes(j->db) == 0) {
		*cause = xasprintf("no run %lld in the journal %s", id, j->path);
		return -1;
	}
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
	r->runbook = col_text(st, 3);
	r->runbook_sha256 = col_text(st, 4);
	r->product = col_text(st, 5);
	r->from = col_text(st, 6);
	r->to = col_text(st, 7);
	r->plan = col_text(st, 8);
	r->operator = col_text(st, 9);
	r->host = col_text(st, 10);
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
		db_error(j, cause, "read runs");
		journal_runs_free(*v, *n);
		*v = NULL;
		*n = 0;
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
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
	if ((st = prepare(j, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?",
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
	if ((st = prepare(j, "SELECT " RUN_COLUMNS " FROM runs WHERE "
	    "runbook = ? AND status IN ('running', 'paused') "
	    "ORDER BY id DESC LIMIT 1", cause, "read runs")) == NULL)
		return -1;
	bind_text(st, 1, runbook);
	return run_one(j, st, out, cause);
}

int
journal_runs(struct journal *j, const char *runbook, struct journal_run **v,
    size_t *n, char **cause)
{
	sqlite3_stmt	*st;

	*v = NULL;
	*n = 0;
	if ((st = prepare(j, runbook == NULL ?
	    "SELECT " RUN_COLUMNS " FROM runs ORDER BY id" :
	    "SELECT " RUN_COLUMNS " FROM runs WHERE runbook = ? ORDER BY id",
	    cause, "read runs")) == NULL)
		return -1;
	if (runbook != NULL)
		bind_text(st, 1, runbook);
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

	if (check_writable(j, cause, what) == -1)
		return -1;
	/* UPDATE, then INSERT if there was nothing: keeps the rowid, and so
	 * the order in which steps were first set. */
	if ((st = prepare(j, "UPDATE step_states SET state = ?, reason = ?, "
	    "updated = ? WHERE run = ? AND step = ?", cause, what)) == NULL)
		return -1;
	bind_text(st, 1, state);
	bind_masked(j, st, 2, reason);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, run);
	bind_text(st, 5, step);
	if (run_write(j, st, cause, what) == -1)
		return -1;
	if (sqlite3_changes(j->db) > 0)
		return 0;
	if ((st = prepare(j, "INSERT INTO step_states (run, step, state, "
	    "reason, updated) VALUES (?, ?, ?, ?, ?)", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, step);
	bind_text(st, 3, state);
	bind_masked(j, st, 4, reason);
	sqlite3_bind_int64(st, 5, now);
	return run_write(j, st, cause, what);
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
	if ((st = prepare(j, "SELECT step, state, reason, updated FROM "
	    "step_states WHERE run = ? ORDER BY rowid", cause,
	    "read step states")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		s = &(*v)[(*n)++];
		s->step = col_text(st, 0);
		s->state = col_text(st, 1);
		s->reason = col_text(st, 2);
		s->updated = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, cause, "read step states");
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

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((unsigned)k >= JOURNAL_EV__COUNT) {
		*cause = xasprintf("cannot append an event of unknown kind %d",
		    (int)k);
		return -1;
	}
	/* One statement: the sequence number and the row together. */
	if ((st = prepare(j, "INSERT INTO events (run, seq, time, operator, "
	    "kind, step, detail) SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, "
	    "?4, ?5, ?6 FROM events WHERE run = ?1", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, journal_now());
	bind_masked(j, st, 3, j->who);
	bind_text(st, 4, event_kind_names[k]);
	bind_text(st, 5, step);
	bind_masked(j, st, 6, detail);
	if (run_write(j, st, cause, what) == -1)
		return -1;
	if (seq != NULL) {
		if ((st = prepare(j, "SELECT seq FROM events WHERE rowid = "
		    "last_insert_rowid()", cause, what)) == NULL)
			return -1;
		*seq = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
	}
	return 0;
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
	if ((st = prepare(j, "SELECT run, seq, time, operator, kind, step, "
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
		e->operator = col_text(st, 3);
		k = journal_event_kind_parse(
		    (const char *)sqlite3_column_text(st, 4));
		e->kind = k == -1 ? JOURNAL_EV_NOTE : (enum journal_event_kind)k;
		e->step = col_text(st, 5);
		e->detail = col_text(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, cause, "read events");
		journal_events_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- actions ------------------------------------------------------------- */

/* The step key as one file name: anything but [A-Za-z0-9_-] as %XX. */
static char *
escape_step(const char *step)
{
	struct buf		 b;
	const unsigned char	*p;

	buf_init(&b);
	for (p = (const unsigned char *)step; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
			buf_putc(&b, *p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_take(&b);
}

static void
attempt_paths(struct journal *j, long long run, const char *step,
    int attempt, char **log_path, char **status_path)
{
	char	*e = escape_step(step);

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

	if ((st = prepare(j, "SELECT COALESCE(MAX(attempt), 0) + 1 FROM "
	    "actions WHERE run = ? AND step = ?", cause,
	    "read action attempts")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, step);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_error(j, cause, "read action attempts");
		sqlite3_finalize(st);
		return -1;
	}
	*attempt = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
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
journal_action_paths(struct journal *j, long long run, const char *step,
    int attempt, char **log_path, char **status_path, char **cause)
{
	char	*dir;

	*log_path = *status_path = NULL;
	dir = xasprintf("%s/runs/%lld", j->dir, run);
	if (mkdir_p(dir, cause) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	attempt_paths(j, run, step, attempt, log_path, status_path);
	return 0;
}

int
journal_action_add(struct journal *j, const struct journal_action *a,
    char **cause)
{
	static const char *what = "record an action";
	sqlite3_stmt	*st;

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((st = prepare(j, "INSERT INTO actions (run, step, attempt, pid, "
	    "pid_start, log_path, status_path, started) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->run);
	bind_text(st, 2, a->step);
	sqlite3_bind_int(st, 3, a->attempt);
	sqlite3_bind_int64(st, 4, (long long)a->pid);
	sqlite3_bind_int64(st, 5, (long long)a->pid_start);
	bind_text(st, 6, a->log_path);
	bind_text(st, 7, a->status_path);
	sqlite3_bind_int64(st, 8, a->started);
	return run_write(j, st, cause, what);
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
journal_action_finish(struct journal *j, const struct journal_action *a,
    char **cause)
{
	static const char *what = "record an action's outcome";
	sqlite3_stmt	*st;

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((st = prepare(j, "UPDATE actions SET ended = ?, finished = 1, "
	    "exit_code = ?, signal = ?, timed_out = ?, cancelled = ? "
	    "WHERE run = ? AND step = ? AND attempt = ?", cause, what)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->ended);
	sqlite3_bind_int(st, 2, a->exit_code);
	sqlite3_bind_int(st, 3, a->signal);
	sqlite3_bind_int(st, 4, a->timed_out);
	sqlite3_bind_int(st, 5, a->cancelled);
	sqlite3_bind_int64(st, 6, a->run);
	bind_text(st, 7, a->step);
	sqlite3_bind_int(st, 8, a->attempt);
	if (run_write(j, st, cause, what) == -1)
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

	if (check_writable(j, cause, what) == -1)
		return -1;
	if ((st = prepare(j, "UPDATE actions SET artifact = ?, "
	    "artifact_size = ?, artifact_sha256 = ? WHERE run = ? AND "
	    "step = ? AND attempt = ?", cause, what)) == NULL)
		return -1;
	bind_masked(j, st, 1, path);
	sqlite3_bind_int64(st, 2, size);
	bind_text(st, 3, sha256);
	sqlite3_bind_int64(st, 4, run);
	bind_text(st, 5, step);
	sqlite3_bind_int(st, 6, attempt);
	if (run_write(j, st, cause, what) == -1)
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
	if ((st = prepare(j, "SELECT run, step, attempt, pid, pid_start, "
	    "log_path, status_path, started, ended, finished, exit_code, "
	    "signal, timed_out, cancelled, artifact, artifact_size, "
	    "artifact_sha256 FROM actions WHERE run = ?1 AND "
	    "(?2 IS NULL OR step = ?2) ORDER BY rowid", cause,
	    "read actions")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, step);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		a = &(*v)[(*n)++];
		memset(a, 0, sizeof *a);
		a->run = sqlite3_column_int64(st, 0);
		a->step = col_text(st, 1);
		a->attempt = sqlite3_column_int(st, 2);
		a->pid = (pid_t)sqlite3_column_int64(st, 3);
		a->pid_start =
		    (unsigned long long)sqlite3_column_int64(st, 4);
		a->log_path = col_text(st, 5);
		a->status_path = col_text(st, 6);
		a->started = sqlite3_column_int64(st, 7);
		a->ended = sqlite3_column_int64(st, 8);
		a->finished = sqlite3_column_int(st, 9) != 0;
		a->exit_code = sqlite3_column_int(st, 10);
		a->signal = sqlite3_column_int(st, 11);
		a->timed_out = sqlite3_column_int(st, 12) != 0;
		a->cancelled = sqlite3_column_int(st, 13) != 0;
		a->artifact = col_text(st, 14);
		a->artifact_size = sqlite3_column_int64(st, 15);
		a->artifact_sha256 = col_text(st, 16);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_error(j, cause, "read actions");
		journal_actions_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- the run lock -------------------------------------------------------- */

struct journal_lock {
	int			 fd;
	pid_t			 owner;	/* a forked child inherits the list,
					   not the lock */
	char			*key;
	struct journal_lock	*next;
};

/* Locks this process holds: fcntl locks are per process, so a second
 * journal_lock() on the same runbook here must be told it is held (and
 * must never open and close the file again, which would drop the lock). */
static struct journal_lock	*held_locks;

void
journal_lock_holder_free(struct journal_lock_holder *h)
{
	if (h == NULL)
		return;
	free(h->operator);
	free(h->host);
	free(h->runbook);
	memset(h, 0, sizeof *h);
}

static void
holder_self(struct journal_lock_holder *h, const char *runbook)
{
	h->operator = journal_operator();
	h->host = journal_host();
	h->pid = getpid();
	h->since = journal_now();
	h->runbook = xstrdup(runbook);
}

/* Parse a lock file's "key=value" lines; false if it names nobody. */
static bool
holder_parse(const char *text, struct journal_lock_holder *h)
{
	const char	*line, *eol, *eq;
	char		*value;
	size_t		 klen;

	for (line = text; *line != '\0'; line = *eol == '\0' ? eol : eol + 1) {
		eol = line + strcspn(line, "\n");
		if ((eq = memchr(line, '=', (size_t)(eol - line))) == NULL)
			continue;
		klen = (size_t)(eq - line);
		value = xstrndup(eq + 1, (size_t)(eol - eq - 1));
		if (klen == 8 && strncmp(line, "operator", 8) == 0) {
			free(h->operator);
			h->operator = value;
		} else if (klen == 4 && strncmp(line, "host", 4) == 0) {
			free(h->host);
			h->host = value;
		} else if (klen == 7 && strncmp(line, "runbook", 7) == 0) {
			free(h->runbook);
			h->runbook = value;
		} else {
			if (klen == 3 && strncmp(line, "pid", 3) == 0)
				h->pid = (pid_t)strtol(value, NULL, 10);
			else if (klen == 5 && strncmp(line, "since", 5) == 0)
				h->since = strtoll(value, NULL, 10);
			free(value);
		}
	}
	return h->operator != NULL && h->pid > 0;
}

static char *
fd_read_all(int fd)
{
	struct buf	b;
	char		tmp[512];
	ssize_t		n;
	off_t		off = 0;

	buf_init(&b);
	while ((n = pread(fd, tmp, sizeof tmp, off)) > 0) {
		buf_add(&b, tmp, (size_t)n);
		off += n;
	}
	return buf_take(&b);
}

int
journal_lock(const char *state_dir, const char *runbook,
    struct journal_lock **lock, bool *took_over,
    struct journal_lock_holder *holder, char **cause)
{
	struct journal_lock	*l;
	struct flock		 fl;
	char			*key, *dir, *path, *text, hash[65];
	struct journal_lock_holder self;
	int			 fd = -1;

	*lock = NULL;
	*took_over = false;
	memset(holder, 0, sizeof *holder);
	if ((key = realpath(runbook, NULL)) == NULL)
		key = absolute(runbook);
	for (l = held_locks; l != NULL; l = l->next) {
		if (l->owner == getpid() && strcmp(l->key, key) == 0) {
			holder_self(holder, key);
			free(key);
			return JOURNAL_LOCK_HELD;
		}
	}
	dir = xasprintf("%s/locks", state_dir);
	if (mkdir_p(dir, cause) == -1) {
		free(dir);
		free(key);
		return -1;
	}
	sha256_hex(key, strlen(key), hash);
	path = xasprintf("%s/%.32s.lock", dir, hash);
	free(dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot open the lock file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		if (errno != EACCES && errno != EAGAIN) {
			*cause = xasprintf("cannot lock %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		/* Held. The holder writes its name just after locking: if
		 * we look in between, name it by the pid fcntl reports. */
		text = fd_read_all(fd);
		if (!holder_parse(text, holder)) {
			journal_lock_holder_free(holder);
			memset(&fl, 0, sizeof fl);
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
				holder->pid = fl.l_pid;
			holder->operator = xstrdup("another stepup");
			holder->host = journal_host();
			holder->runbook = xstrdup(key);
		}
		free(text);
		close(fd);
		free(path);
		free(key);
		return JOURNAL_LOCK_HELD;
	}
	/* Ours. A name left in the file is a holder that died holding it. */
	text = fd_read_all(fd);
	if (holder_parse(text, holder))
		*took_over = true;
	else
		journal_lock_holder_free(holder);
	free(text);

	memset(&self, 0, sizeof self);
	holder_self(&self, key);
	text = xasprintf("operator=%s\nhost=%s\npid=%ld\nsince=%lld\n"
	    "runbook=%s\n", self.operator, self.host, (long)self.pid,
	    self.since, key);
	journal_lock_holder_free(&self);
	/*
	 * Not fsync'd: the name is read back only to say whose lock was
	 * taken over. A holder that dies leaves it in the page cache, which
	 * outlives the process; after the machine itself went down every
	 * holder is gone anyway, and a name lost or stale then costs nothing
	 * but that message. The journal's own commits are durable; this was
	 * the only sync of an everyday start.
	 */
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text)) {
		*cause = xasprintf("cannot write the lock file %s: %s", path,
		    strerror(errno));
		free(text);
		journal_lock_holder_free(holder);
		*took_over = false;
		goto fail;
	}
	free(text);
	free(path);
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	l->owner = getpid();
	l->key = key;
	l->next = held_locks;
	held_locks = l;
	*lock = l;
	return JOURNAL_LOCK_TAKEN;
fail:
	if (fd != -1)
		close(fd);
	free(path);
	free(key);
	return -1;
}

void
journal_unlock(struct journal_lock *l)
{
	struct journal_lock	**pp;

	if (l == NULL)
		return;
	for (pp = &held_locks; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	/* Empty the file first: a name left behind means "died holding".
	 * Only the owner may: in a forked child the lock is not ours. */
	if (l->owner == getpid() && ftruncate(l->fd, 0) == -1) {
		/* Left named, the next stepup says it took the lock over
		 * from us: a wrong word, nothing lost. */
	}
	close(l->fd);
	free(l->key);
	free(l);
}

char *
journal_lock_holder_describe(const struct journal_lock_holder *h)
{
	char		since[64];
	time_t		t = (time_t)h->since;
	struct tm	tm;

	if (h->since > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(since, sizeof since, " since %Y-%m-%d %H:%M:%S UTC",
		    &tm);
	else
		since[0] = '\0';
	return xasprintf("%s on %s (pid %ld)%s",
	    h->operator != NULL ? h->operator : "someone",
	    h->host != NULL ? h->host : "an unknown host", (long)h->pid, since);
}
