/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal.h: the durable record of every run: runs, step states, an
 * append-only event log, action attempts, and the one-run-per-runbook lock.
 * SQLite 3 in WAL mode with synchronous=FULL; no curses, no UI.
 *
 * Conventions for every function below:
 *  - Functions that can fail return 0 on success and -1 on failure, with a
 *    message in *cause that the caller frees ("cannot append to the journal
 *    /s/journal.db: database or disk is full"). cause may not be NULL.
 *  - Durability: outside journal_begin()/journal_commit(), every call that
 *    writes is its own transaction and is on disk (fsync'ed) when it returns
 *    0. Inside a transaction, nothing is durable until journal_commit()
 *    returns 0. A call that returns -1 wrote nothing.
 *  - Strings passed in are copied; strings and arrays returned belong to the
 *    caller, who frees them with the matching _free function.
 *  - Times are seconds since the Epoch (UTC). Run ids start at 1; 0 means
 *    "none".
 *  - Every text written (event detail, step reason, plan, vars) goes through
 *    the secret mask set with journal_set_secrets(): secret values never
 *    reach the database file.
 */
#ifndef STEPUP_JOURNAL_H
#define STEPUP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct journal;		/* an open journal database; opaque */
struct journal_lock;	/* a held run lock; opaque */

/* The state directory: dir if it is not NULL or empty (the caller passes
 * cli.state_dir: --state-dir or STEPUP_STATE_DIR), else
 * $XDG_STATE_HOME/stepup (when absolute), else /var/lib/stepup as root,
 * else ~/.local/state/stepup. Created (mode 0700, parents as needed) when
 * missing. Returns an absolute path the caller frees, or NULL with *cause
 * ("cannot create the state directory /x/stepup: Permission denied"). */
char	*journal_state_dir(const char *dir, char **cause);
/* The state directory used when none is named (neither --state-dir nor
 * STEPUP_STATE_DIR), as journal_state_dir() finds it, neither created
 * nor checked; NULL when there is none (HOME unknown). Caller frees. */
char	*journal_state_dir_default(void);

/* The operator: $SUDO_USER, else the login name of the real uid
 * (getpwuid), followed by " from ADDR" when SSH_CONNECTION names the ssh
 * client's address: "alice" or "alice from 192.0.2.7". Caller frees. */
char	*journal_operator(void);
/* This host's name (gethostname). Caller frees. */
char	*journal_host(void);

/* ---- opening ------------------------------------------------------------ */

/* Open (creating when missing, files mode 0600) STATE_DIR/journal.db,
 * migrating its schema forward to JOURNAL_SCHEMA_VERSION. Refuses a
 * database written by a newer stepup. With readonly, nothing is created or
 * migrated and every write fails with a cause saying the journal is
 * read-only. Returns NULL with *cause on failure. */
struct journal	*journal_open(const char *state_dir, bool readonly,
		    char **cause);
/* For commands that only look (history, show, export --run): resolve the
 * state dir as journal_state_dir() does (option may be NULL) and open its
 * journal read-only. Returns NULL with *cause on failure; when there is
 * no journal yet, NULL with *cause NULL. *dir is the state dir, or NULL
 * when it could not be resolved (caller frees). */
struct journal	*journal_open_view(const char *option, char **dir,
		    char **cause);
/* Whether STATE_DIR holds a journal (true when that cannot be told: only
 * a journal known to be missing is false). */
bool		 journal_exists(const char *state_dir);
/* Whether STATE_DIR/runs holds evidence of runs (see "evidence" below):
 * then a missing journal is not a new one. */
bool		 journal_has_evidence(const char *state_dir);
/* Close the journal (NULL is allowed). Uncommitted work is rolled back. */
void		 journal_close(struct journal *);

#define JOURNAL_SCHEMA_VERSION	5

/* The database file's path and the state directory; owned by the journal. */
const char	*journal_path(const struct journal *);
const char	*journal_dir(const struct journal *);
/* The operator recorded with each event: journal_operator() by default. */
const char	*journal_who(const struct journal *);
/* Replace the operator recorded with later events (copied). */
void		 journal_set_who(struct journal *, const char *);
/* Values never to be written: every occurrence of any of them (non-empty)
 * in a text written later is replaced by "********". The array and
 * strings are copied; a later call replaces the set. */
void		 journal_set_secrets(struct journal *,
		    const char *const *values, size_t n);
/* The schema version of the open database (PRAGMA user_version). */
int		 journal_schema_version(struct journal *);

/* Group several writes into one durable transaction (BEGIN IMMEDIATE ...
 * COMMIT). Not nested. journal_rollback() discards it. */
int		 journal_begin(struct journal *, char **cause);
int		 journal_commit(struct journal *, char **cause);
void		 journal_rollback(struct journal *);

/* ---- runs --------------------------------------------------------------- */

enum journal_run_kind {
	JOURNAL_RUN_UPGRADE,
	JOURNAL_RUN_ROLLBACK,
};

#define JOURNAL_RUN_STATUSES(X)				\
	X(RUNNING,   "running")				\
	X(DONE,      "done")				\
	X(FAILED,    "failed")				\
	X(PAUSED,    "paused")				\
	X(ABANDONED, "abandoned")

enum journal_run_status {
#define X(e, name) JOURNAL_RUN_##e,
	JOURNAL_RUN_STATUSES(X)
#undef X
	JOURNAL_RUN_STATUS__COUNT
};

/* "upgrade" / "rollback"; "running", "done", ... */
const char	*journal_run_kind_name(enum journal_run_kind);
const char	*journal_run_status_name(enum journal_run_status);

struct journal_run {
	long long		 id;
	enum journal_run_kind	 kind;
	long long		 parent;	/* rollback: the run it undoes; 0 */
	char			*runbook;	/* absolute path */
	char			*runbook_sha256; /* of the file when the run began */
	char			*product;
	char			*from;		/* installed version */
	char			*to;		/* target version */
	char			*plan;		/* the plan, as text or JSON */
	char			*operator;	/* who started it */
	char			*host;
	long long		 started;
	long long		 ended;		/* 0 while running or paused */
	enum journal_run_status	 status;
	bool			 dry_run;
	/* The hosts it resolved, or NULL (no hosts, or an older run):
	 * inventory_ini() text, where they came from, and its limit (or
	 * NULL). Written once, with the run. */
	char			*inventory;
	char			*inventory_source;
	char			*inventory_limit;
};

/* Record a new run from *run (its id, started, ended and status are
 * ignored: the run starts now, status running; a NULL operator or host is
 * filled in with journal_who() and journal_host()). Sets *id. */
int	journal_run_create(struct journal *, const struct journal_run *run,
	    long long *id, char **cause);
/* Change a run's status; done, failed and abandoned also set its end
 * time, running and paused clear it. */
int	journal_run_set_status(struct journal *, long long id,
	    enum journal_run_status, char **cause);
/* Change a run's target version: a rollback run records where its
 * confirmation chose to go back to (the start of the failed hop, or where
 * the upgrade started). */
int	journal_run_set_target(struct journal *, long long id,
	    const char *to, char **cause);
/* The run with this id in *out (free with journal_run_free), or *out NULL
 * when there is none. */
int	journal_run_get(struct journal *, long long id,
	    struct journal_run **out, char **cause);
/* The latest run of this runbook (absolute path) whose status is running
 * or paused, in *out, or *out NULL when there is none: the run to resume. */
int	journal_run_unfinished(struct journal *, const char *runbook,
	    struct journal_run **out, char **cause);
/* Every run, oldest first, or those of one runbook when runbook is not
 * NULL. Free with journal_runs_free(*v, *n). */
int	journal_runs(struct journal *, const char *runbook,
	    struct journal_run **v, size_t *n, char **cause);
void	journal_run_free(struct journal_run *);
void	journal_runs_free(struct journal_run *, size_t);

/* ---- step states -------------------------------------------------------- */

/* A step's state, keyed by the expanded step's unique key ("dump",
 * "hop2/manager"). state is the step model's name for it ("running",
 * "passed", "skipped", "done-by-hand", "in-doubt", ...); the journal does
 * not interpret it. */
struct journal_step_state {
	char		*step;
	char		*state;
	char		*reason;	/* or NULL */
	long long	 updated;
};

/* Set (insert or replace) one step's state, with an optional reason. */
int	journal_step_set(struct journal *, long long run, const char *step,
	    const char *state, const char *reason, char **cause);
/* Every step state of a run, in the order the steps were first set. Free
 * with journal_steps_free(*v, *n). */
int	journal_steps(struct journal *, long long run,
	    struct journal_step_state **v, size_t *n, char **cause);
void	journal_steps_free(struct journal_step_state *, size_t);

/* ---- events: the append-only audit log ---------------------------------- */

/* Event kinds: one table. To add one, add a line here (the name is what
 * the database stores and `stepup show` prints). */
#define JOURNAL_EVENT_KINDS(X)						\
	X(BEGIN,	 "begin",	   "the run began")			\
	X(RESUME,	 "resume",	   "the run was resumed")		\
	X(PAUSE,	 "pause",	   "the run was paused")		\
	X(END,		 "end",		   "the run ended")			\
	X(VARS,		 "vars",	   "variables answered (secrets masked)") \
	X(ACK,		 "ack",		   "a document or warning acknowledged") \
	X(PHRASE,	 "phrase",	   "a confirmation phrase typed")	\
	X(TICK,		 "tick",	   "a manual step ticked off")		\
	X(SKIP,		 "skip",	   "an optional step skipped")		\
	X(MARK_DONE,	 "mark-done",	   "a step marked done by hand")	\
	X(START,	 "start",	   "a command about to start")		\
	X(EXIT,		 "exit",	   "a command's exit status")		\
	X(CANCEL,	 "cancel",	   "a command cancelled")		\
	X(TIMEOUT,	 "timeout",	   "a command timed out")		\
	X(IN_DOUBT,	 "in-doubt",	   "a command's outcome is unknown")	\
	X(ARTIFACT,	 "artifact",	   "an artifact recorded")		\
	X(DRY_RUN,	 "dry-run",	   "a command shown, not run")		\
	X(PROBE,	 "probe",	   "a read-only probe ran")		\
	X(SHELL,	 "shell",	   "the operator opened a shell")	\
	X(LOCK_TAKEOVER, "lock-takeover",  "a dead holder's lock taken over") \
	X(TAKEOVER,	 "takeover",	   "a live holder's run taken over") \
	X(RUNBOOK_CHANGED, "runbook-changed", "the runbook changed since the run began") \
	X(ROLLBACK,	 "rollback",	   "a rollback was chosen")		\
	X(RECOVER,	 "recover",	   "lost records rebuilt from the evidence") \
	X(NOTE,		 "note",	   "a note")				\
	X(OUTPUT,	 "output",	   "values a step's command set (secrets masked)") \
	X(ROLL_PAUSE,	 "roll-pause",	   "a roll paused after a batch")	\
	X(ROLL_CONTINUE, "roll-continue",  "a paused roll let go on")

enum journal_event_kind {
#define X(e, name, what) JOURNAL_EV_##e,
	JOURNAL_EVENT_KINDS(X)
#undef X
	JOURNAL_EV__COUNT
};

/* "ack", "phrase", ...; journal_event_kind_parse returns -1 if unknown. */
const char	*journal_event_kind_name(enum journal_event_kind);
int		 journal_event_kind_parse(const char *);

struct journal_event {
	long long		 run;
	long long		 seq;		/* 1, 2, ... within the run */
	long long		 time;
	char			*operator;
	enum journal_event_kind	 kind;
	char			*step;		/* step key, or NULL */
	char			*detail;	/* or NULL */
};

/* Append an event, as journal_who(), now; step and detail may be NULL.
 * Durable when it returns 0 (outside a transaction). On -1 (disk full,
 * read-only journal, ...) nothing was recorded and *cause says why: the
 * caller must not go on with what the event records. Sets *seq if not
 * NULL. */
int	journal_append(struct journal *, long long run,
	    enum journal_event_kind, const char *step, const char *detail,
	    long long *seq, char **cause);
/* Append a JOURNAL_EV_VARS event whose detail is "NAME=value" lines taken
 * from envp (NAME=VALUE strings, NULL-terminated), in order, with the
 * value of every name listed in secret_names (NULL-terminated, may be
 * NULL) written as "********". */
int	journal_append_vars(struct journal *, long long run, const char *step,
	    char *const *envp, const char *const *secret_names,
	    long long *seq, char **cause);
/* The events of a run in append order. Free with journal_events_free. */
int	journal_events(struct journal *, long long run,
	    struct journal_event **v, size_t *n, char **cause);
void	journal_events_free(struct journal_event *, size_t);

/* ---- actions: one row per attempt of a command -------------------------- */

struct journal_action {
	long long	 run;
	char		*step;
	int		 attempt;	/* 1, 2, ... per step */
	pid_t		 pid;		/* the supervisor (see action.h) */
	unsigned long long pid_start;	/* its start time, /proc/PID/stat */
	char		*log_path;
	char		*status_path;
	long long	 started;
	long long	 ended;		/* 0 while running or unknown */
	bool		 finished;	/* the fields below are known */
	int		 exit_code;	/* -1 when killed by a signal */
	int		 signal;	/* 0 when it exited */
	bool		 timed_out;
	bool		 cancelled;
	char		*artifact;	/* path, or NULL */
	long long	 artifact_size;
	char		*artifact_sha256; /* or NULL */
};

/* The next attempt number for a step of a run (1 for the first). */
int	journal_action_next_attempt(struct journal *, long long run,
	    const char *step, int *attempt, char **cause);
/* The log and status paths for an attempt, under
 * STATE_DIR/runs/RUN/ (created, mode 0700): "STEP.ATTEMPT.log" and
 * "STEP.ATTEMPT.status", the step key %XX-escaped so that "hop2/manager"
 * is one file name. Deterministic, so a start event is enough to find
 * them. Both strings belong to the caller. */
int	journal_action_paths(struct journal *, long long run, const char *step,
	    int attempt, char **log_path, char **status_path, char **cause);
/* The output file of an attempt of a step that declares `outputs`: made
 * empty (mode 0600, O_EXCL, never through a link) in runs/RUN/ as
 * "STEP.ATTEMPT.output", its path in *path (the caller frees it), for the
 * command's $STEPUP_OUTPUT. */
int	journal_output_create(struct journal *, long long run, const char *step,
	    int attempt, char **path, char **cause);
/* Its content, appended to out (at most JOURNAL_OUTPUT_MAX bytes; more is
 * an error), opened the same way. */
#define JOURNAL_OUTPUT_MAX	65536
struct buf;
int	journal_output_read(struct journal *, long long run, const char *step,
	    int attempt, struct buf *out, char **cause);
/* Record a started attempt: run, step, attempt, pid, pid_start, log_path,
 * status_path and started are read from *a; the rest is ignored. The door
 * records it with its start event, before the fork, pid 0 (not known yet). */
int	journal_action_add(struct journal *, const struct journal_action *a,
	    char **cause);
/* Record the supervisor of attempt (run, step, attempt): pid, pid_start. */
int	journal_action_set_pid(struct journal *, const struct journal_action *a,
	    char **cause);
/* Record the outcome of attempt (run, step, attempt): ended, exit_code,
 * signal, timed_out, cancelled are read from *a; finished becomes true. */
int	journal_action_finish(struct journal *, const struct journal_action *a,
	    char **cause);
/* Record the artifact an attempt produced. */
int	journal_action_artifact(struct journal *, long long run,
	    const char *step, int attempt, const char *path, long long size,
	    const char *sha256, char **cause);
/* The attempts of a step (or of every step when step is NULL), in order.
 * Free with journal_actions_free. */
int	journal_actions(struct journal *, long long run, const char *step,
	    struct journal_action **v, size_t *n, char **cause);
void	journal_actions_free(struct journal_action *, size_t);

/* ---- evidence: a journal that cannot rewind silently -------------------- */

/*
 * SQLite cannot tell a lost WAL tail from no WAL, so the journal keeps
 * witnesses beside it: each run's events are chained by hash (each event's
 * hash covers the one before it), STATE_DIR/runs/RUN/evidence holds the
 * run's record and its last event's seq and hash (rewritten after each
 * commit that appends to the run), and each attempt's log, pid and status
 * files are there too. journal_open() (read-write) refuses a journal
 * behind that evidence, and a missing or empty one where evidence exists,
 * with a cause saying what was lost; stepup recover journals what the
 * evidence shows (journal_open_recover, journal_recover).
 */

/* An attempt of a command whose files exist but that the journal lost. */
struct journal_lost_attempt {
	char			*step;
	int			 attempt;
	char			*log_path;
	char			*status_path;
	bool			 has_status;	/* it finished: outcome says how */
	bool			 has_pid;	/* its supervisor left its pid */
	pid_t			 pid;
	unsigned long long	 pid_start;
	long long		 started;
	char			*outcome;	/* "exit 0", "no exit status" */
	struct journal_action	 ended;		/* with has_status: ended,
						 * exit_code, signal, timed_out,
						 * cancelled from its status */
};

/* A run whose evidence is newer than the journal. */
struct journal_loss {
	long long		 run;
	bool			 missing;	/* the journal lost the whole run */
	struct journal_run	*was;		/* the run as its evidence has it,
						 * or NULL */
	char			*begin;		/* its begin event's detail */
	char			*vars;		/* its answers (secrets masked) */
	long long		 evidence_seq;	/* its last event, by the evidence */
	char			*evidence_hash;
	long long		 journal_seq;	/* its last event in the journal */
	bool			 differs;	/* the journal's event evidence_seq
						 * is not the one the evidence saw */
	struct journal_lost_attempt *attempts;	/* attempts the journal lacks */
	size_t			 n_attempts;
};

/* Open STATE_DIR's journal read-write for stepup recover: as
 * journal_open(), but a journal behind its evidence is opened, and a
 * missing or empty one created, instead of refused. */
struct journal	*journal_open_recover(const char *state_dir, char **cause);
/* Compare the journal with its evidence: every run whose evidence is newer
 * in *v (free with journal_losses_free(*v, *n)). Returns 1 when there is
 * one, 0 when the journal is not behind. */
int	journal_evidence_check(struct journal *, struct journal_loss **v,
	    size_t *n);
void	journal_losses_free(struct journal_loss *, size_t);
/* What was lost and what the evidence shows, as lines indented by two
 * spaces. Caller frees. */
char	*journal_losses_describe(struct journal *, const struct journal_loss *,
	    size_t n);
/* Journal what the evidence shows, in one transaction: each lost run
 * again (paused when it was under way), a "recover" event saying what was
 * lost and the phrase the operator confirmed it with, its begin and
 * answers when the journal lost them, and each lost attempt's start event,
 * its row with the outcome its status file holds, and (in a run still
 * under way) a running step state, so that resuming settles it from that
 * outcome (or follows it, or puts it in doubt) and never starts it
 * again. */
int	journal_recover(struct journal *, const struct journal_loss *,
	    size_t n, const char *confirmed, char **cause);
/* "events chain intact (15 events)", "events chain broken at event 5:
 * ...", and what the evidence shows when the journal is behind it, for
 * stepup show and the run report. Caller frees. */
char	*journal_run_integrity(struct journal *, long long run);

/* ---- the run lock: one run per runbook at a time ------------------------ */

/* Who holds (or held) a lock. */
struct journal_lock_holder {
	char		*operator;	/* journal_operator() of the holder */
	char		*host;
	pid_t		 pid;
	long long	 since;
	char		*runbook;	/* the absolute path the lock is for */
};

enum {
	JOURNAL_LOCK_TAKEN = 0,		/* the lock is ours */
	JOURNAL_LOCK_HELD = 1,		/* a live process holds it */
};

/* Take the lock of a runbook (keyed by its absolute path, resolved with
 * realpath when the file exists) in STATE_DIR/locks/, held with an fcntl
 * lock for as long as the process lives or until journal_unlock(); the
 * file names the holder. Not inherited by children (fork, action
 * supervisors).
 * Returns JOURNAL_LOCK_TAKEN with *lock set; if the lock was left behind
 * by a process that died without releasing it, *took_over is true and
 * *holder names that dead holder (the caller journals a
 * JOURNAL_EV_LOCK_TAKEOVER event). Returns JOURNAL_LOCK_HELD with *holder
 * naming the live holder (the caller exits EXIT_LOCKED). Returns -1 with
 * *cause on error. *holder is always initialised; free it with
 * journal_lock_holder_free(). */
int	journal_lock(const char *state_dir, const char *runbook,
	    struct journal_lock **lock, bool *took_over,
	    struct journal_lock_holder *holder, char **cause);
/* Release a lock and free it (NULL is allowed). */
void	journal_unlock(struct journal_lock *);
void	journal_lock_holder_free(struct journal_lock_holder *);
/* "alice from 192.0.2.7 on head1 (pid 4242) since 2026-11-22 01:40:00
 * UTC"; caller frees. */
char	*journal_lock_holder_describe(const struct journal_lock_holder *);

/* Look at a runbook's lock without taking it (for a watcher): returns
 * JOURNAL_LOCK_HELD with *holder naming the live holder, JOURNAL_LOCK_TAKEN
 * when nobody holds it now (*holder empty), -1 with *cause. Creates
 * nothing. *lock_path (when not NULL) is the lock file's path (caller
 * frees). */
int	journal_lock_peek(const char *state_dir, const char *runbook,
	    struct journal_lock_holder *holder, char **lock_path,
	    char **cause);
/* Wait up to timeout_ms for the lock a live holder has been asked to let
 * go of (a takeover), then take it as journal_lock() does: the same
 * returns. The wait sleeps on the lock file changing and on the holder's
 * process ending, not in a busy loop. */
int	journal_lock_wait(const char *state_dir, const char *runbook,
	    int timeout_ms, struct journal_lock **lock,
	    struct journal_lock_holder *holder, char **cause);
/* ---- holders: who holds a run, in order --------------------------------- */

/* One holder of a run (journal-holders.c). */
struct journal_holder {
	long long	 gen;		/* 1, 2, ... in the order they held it */
	char		*operator;
	char		*host;
	pid_t		 pid;
	long long	 since;
	char		*how;		/* "began", "resumed", "took over" */
	char		*from;		/* took over: from whom; or NULL */
	char		*why;		/* took over: the reason; or NULL */
};

/* Make this connection the holder of run: a new generation is recorded
 * (how, and for a takeover from whom and why), and from then on every
 * write this connection makes to the run (events, step states, attempts,
 * its status) is refused inside its own transaction once another claims
 * the run: the old holder of a run taken over cannot journal anything.
 * With expect >= 0 the claim is refused unless the current generation is
 * expect (a takeover takes the run from the holder the operator named,
 * never from one who took it meanwhile). Sets *gen when not NULL. Inside
 * or outside a transaction. */
int	journal_claim(struct journal *, long long run, const char *how,
	    const char *from, const char *why, long long expect,
	    long long *gen, char **cause);
/* 1 when this connection holds run (its claim is the newest), 0 when
 * another has claimed it since, -1 when this connection never claimed it. */
int	journal_claimed(struct journal *, long long run);
/* Whether cause is a write refused because the run was taken over. */
bool	journal_taken_over(const char *cause);
/* The holders of run, oldest first. Free with journal_holders_free. */
int	journal_holders(struct journal *, long long run,
	    struct journal_holder **v, size_t *n, char **cause);
void	journal_holders_free(struct journal_holder *, size_t);
/* Every holder of run, a line each, "PREFIX1 alice on head1 (pid 42)
 * began it at DATE", in order; NULL when none is recorded. Caller frees. */
char	*journal_holders_text(struct journal *, long long run,
	    const char *prefix);
/* "bob on head2 (pid 99) took it over from alice at DATE: why", or
 * "alice on head1 (pid 42) began it at DATE". Caller frees. */
char	*journal_holder_describe(const struct journal_holder *);

/* ---- watching: waiting for the journal and a run's files to change ----- */

/* An inotify descriptor (see journal-watch.c) that becomes readable when
 * the journal of STATE_DIR is written (its -wal, or the database), a
 * lock file in it changes, or a file is made or renamed into place in
 * run's directory (runs/RUN: logs, status files, the evidence rewritten
 * after each commit; a log's growth is not a change); -1 with *cause. Nothing is polled: a
 * process waiting on it costs nothing while nothing changes. */
int	journal_watch_open(const char *state_dir, long long run, char **cause);
/* Read what is pending on the descriptor; returns 1 when something that
 * matters changed (not merely opened, read or closed by a reader), else
 * 0. Never blocks. */
int	journal_watch_drain(int fd);
/* Close a descriptor of journal_watch_open() (-1 is fine). */
void	journal_watch_close(int fd);
/* A descriptor that becomes readable when process pid ends (pidfd), or -1
 * when the system cannot tell (then poll with a timeout). */
int	journal_watch_pid(pid_t pid);

/* Seconds since the Epoch, as the journal records them. */
long long	 journal_now(void);

#endif
