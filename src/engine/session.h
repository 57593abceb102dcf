/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session.h: one upgrade (or rollback) run in progress. It binds the
 * runbook, the plan, the step model, the journal and the action runner,
 * and it is the ONLY door to running a command: session_start() refuses
 * unless the step is ready by the gating rule, and commits a durable
 * "started" event to the journal before it forks. Every operator act goes
 * through a session_*() call that checks it is allowed (session_can), then
 * journals it durably, then changes the step model. If the journal cannot
 * be written (disk full, read-only), the act is refused with the reason:
 * nothing starts unrecorded.
 *
 * Front ends (plain.c, the TUI's screens, rollback) hold a struct session,
 * read it through the const accessors below, and never fork, write SQL or
 * change a step themselves.
 *
 * A run's life, as a front end drives it:
 *
 *   session_open()            runbook, journal, lock          (2, 1, 4)
 *   session_unfinished()?     offer session_resume() or session_abandon()
 *   session_plan()            probe installed/available, plan (3 refused)
 *   session_question()...     ask each var, session_answer() validates
 *   session_begin()           the run is journaled, steps laid out
 *   loop: i = session_current(); look at steps->v[i] and
 *         session_acts(i) for what the operator may do; do it with
 *         session_act(i, act, text) (the acts' table, SESSION_ACTS,
 *         says what each takes), which calls session_acknowledge /
 *         _confirm / _tick / _start / _cancel / _ack_warning / _skip /
 *         _mark_done / _shell; session_wait follows a command
 *         (session_auto(i) says an action or check starts without asking)
 *   session_pause()           when the operator leaves unfinished
 *   session_close()           releases the lock, frees everything
 *
 * What the session journals, for readers of the journal (history, show,
 * export): step states under the step's key with the names of
 * step_state_name(); runs.plan as a first line "FROM -> TO" and then one
 * line per hop "FROM<TAB>TO<TAB>KIND<TAB>redeploy|-<TAB>REASON"; one
 * "vars" event (NAME=value lines, secrets as ********); a "start" event
 * "attempt N (why it started): COMMAND" before every command; a version
 * probe in a run, a "start" event "probe WHAT: COMMAND" (no step) before
 * it runs and a "probe" event "WHAT: COMMAND\nOUTCOME" after (the probes
 * made while planning, before the run exists: "probe" events just after
 * its "begin"); "phrase"
 * events "typed: TEXT" or "did not match: TEXT"; a "mark-done" event
 * "REASON", or "REASON; typed: no artifact: PATH" for an action whose
 * artifact is missing (see session_mark_done); "roll-pause" and
 * "roll-continue" events (see session_pause_roll); a rollback run has kind
 * rollback, parent the upgrade run, from and to swapped.
 *
 * A step with `until` is one step with several attempts: each attempt's
 * "start" event ("attempt N (waiting until it passes, since attempt F):
 * COMMAND" after the first) and its "exit" event; the step stays running
 * between them and fails (or, with timeout-means: warn, fails with a
 * warning the operator may accept) once `within` has passed since attempt
 * F started. A step run as another user says so in its start event
 * ("... as user USER through runuser|sudo -n: COMMAND"; the event's
 * operator is who ran stepup). A step with `outputs` that passed has an
 * "output" event: NAME=value lines, secret values as ********.
 *
 * Functions that can fail return 0, or -1 with *cause set (caller frees),
 * unless the header says they return an EXIT_* status. */
#ifndef STEPUP_SESSION_H
#define STEPUP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan.h"
#include "runbook.h"
#include "steps.h"

struct session;

struct session_opts {
	const char	*runbook;	/* path of the runbook */
	const char	*state_dir;	/* NULL: the default (see stepup(1)) */
	const char	*from;		/* --from, or NULL: probe the installed one */
	const char	*to;		/* --to, or NULL: the newest available */
	bool		 dry_run;	/* show every command, execute none */
	bool		 step;		/* --step: ask before every action */
	bool		 rollback;	/* open the latest run for rollback */
	/* A journal that does not exist yet is created later, by
	 * session_journal() (the wizard calls it once its first frame is
	 * on the screen: creating one takes syncs an operator would wait
	 * for). It is created before the first thing is journaled. */
	bool		 defer_journal;
	/* Read-only: follow a run another operator holds (stepup watch,
	 * session-watch.c): no lock is taken, the journal is opened
	 * read-only, and session_can() refuses every act, saying who holds
	 * the run. watch_run: that run (0: the runbook's unfinished run,
	 * else its latest). */
	bool		 watch;
	long long	 watch_run;
	/* --inventory FILE: an Ansible inventory replacing the runbook's
	 * `inventory:` (its `hosts:` stay); --limit PATTERN: only those
	 * hosts. A resumed run keeps the hosts it journaled. NULL: none. */
	const char	*inventory;
	const char	*limit;
};

/* Operator acts: one table, from which the enum, the names used in the
 * journal and in refusals, plain mode's answers, the wizard's keys and
 * questions, the gate's rule and the dispatcher's call follow; adding an
 * act is one row (and the two functions it names). Each row: the act;
 * its name; what it takes (NONE, a REASON that may not be empty, an
 * optional NOTE, a PHRASE typed exactly); its word in plain mode (NULL:
 * never typed as a word, a confirmation's phrase is typed as it is and a
 * cancel is asked on SIGINT); what plain mode says it passed by ("= 3
 * passed: ticked"), or NULL when the step it settles says its own state
 * and reason; its key in the wizard, a KEYS_* action of keys.h named
 * without the prefix (the model does not include keys.h: the wizard's
 * tui-act.c maps it); how much of the gate it goes through (SESSION_GATE_*
 * below); FN, naming its rule acts_can_FN() in session-acts.c (what
 * the step must be) and its call dispatch_FN() in session-dispatch.c
 * (what journals it); the title and the question the wizard asks for
 * its argument (for an act that takes none, a yes/no question asked
 * first; NULL: done at once, or asked by a screen of its own).
 * session_can() is the one gate and session_act() the one dispatcher. */
#define SESSION_ACTS(X)							\
	X(ACK,       "ack",      NONE,   "ack",      "acknowledged",	\
	    ACK,          READY,   ack,       NULL, NULL)		\
	X(CONFIRM,   "confirm",  PHRASE, NULL,       "confirmed",	\
	    PHRASE,       READY,   confirm,   NULL, NULL)		\
	X(TICK,      "tick",     NOTE,   "tick",     "ticked",		\
	    TICK,         READY,   tick,      "Tick it off",		\
	    "Done. A note for the journal? (optional; Enter alone for none)") \
	X(START,     "run",      NONE,   "run",      NULL,		\
	    START,        READY,   start,     NULL, NULL)		\
	X(RETRY,     "retry",    NONE,   "retry",    NULL,		\
	    RETRY,        READY,   retry,     NULL, NULL)		\
	X(CANCEL,    "cancel",   NONE,   NULL,       NULL,		\
	    CANCEL,       BEGUN,   cancel,    "Cancel the running action", \
	    "Cancel it? Its process group gets SIGTERM, then SIGKILL after " \
	    "a grace period.")						\
	X(STOP_WAIT, "stop",     NONE,   "stop",     NULL,		\
	    STOP_WAIT,    BEGUN,   stop_wait, NULL, NULL)		\
	X(WARN_OK,   "accept",   NONE,   "accept",   "warning accepted", \
	    ACCEPT,       READY,   warn_ok,   NULL, NULL)		\
	X(SKIP,      "skip",     REASON, "skip",     NULL,		\
	    SKIP,         READY,   skip,      "Skip this optional step",	\
	    "Why is it skipped? (journaled with your name)")		\
	X(MARK_DONE, "done",     REASON, "done",     NULL,		\
	    DONE_BY_HAND, READY,   mark_done, "Mark done by hand",	\
	    "Why is it done? (journaled with your name)")		\
	X(PAUSE_ROLL, "pause",   NONE,   "pause",			\
	    "roll paused after the batch under way",			\
	    PAUSE_ROLL,   BEGUN,   pause_roll, NULL, NULL)		\
	X(CONTINUE_ROLL, "continue", NONE, "continue", "roll continued",	\
	    CONTINUE_ROLL, BEGUN,  continue_roll, NULL, NULL)		\
	X(SHELL,     "shell",    NONE,   "shell",    NULL,		\
	    SHELL,        BEGUN,   shell,     NULL, NULL)		\
	X(ROLLBACK,  "rollback", NONE,   "rollback", NULL,		\
	    ROLLBACK,     IDLE,    rollback,  NULL, NULL)		\
	X(QUIT,      "quit",     NONE,   "quit",     NULL,		\
	    QUIT,         ANY,     quit,      NULL, NULL)

/* How much of the gate an act goes through before its own rule, each
 * level all of the one before it: ANY, only that the session is not a
 * watcher's (read-only); BEGUN, the run has begun and the step exists;
 * IDLE, no command is running; READY, every step the step needs is
 * settled (the gating rule of steps_needs_met). */
enum session_gate {
	SESSION_GATE_ANY,
	SESSION_GATE_BEGUN,
	SESSION_GATE_IDLE,
	SESSION_GATE_READY
};

enum session_act {
#define X(e, name, arg, word, done, key, gate, fn, title, prompt)	\
	SESSION_ACT_##e,
	SESSION_ACTS(X)
#undef X
	SESSION_ACT__COUNT
};

/* What an act takes besides the step. */
enum session_arg {
	SESSION_ARG_NONE,
	SESSION_ARG_REASON,	/* required */
	SESSION_ARG_NOTE,	/* optional: NULL or "" for none */
	SESSION_ARG_PHRASE	/* typed exactly */
};

/* An act's row of the table; static strings. */
struct session_act_info {
	const char		*name;
	enum session_arg	 arg;
	const char		*word;	/* plain mode's, or NULL */
	const char		*done;	/* "ticked", or NULL */
	const char		*title;	/* the wizard's question, or NULL */
	const char		*prompt;
};
const struct session_act_info *session_act_info(enum session_act);
const char	*session_act_name(enum session_act);
/* The act whose plain-mode word is word, or -1. */
int		 session_act_parse(const char *word);

/* The run's status, as journaled. */
#define SESSION_STATUSES(X)				\
	X(NEW,      "new")		/* not begun */	\
	X(RUNNING,  "running")				\
	X(PAUSED,   "paused")	/* left unfinished */	\
	X(FAILED,   "failed")	/* left with a step failed */	\
	X(DONE,     "done")				\
	X(ABANDONED, "abandoned")			\
	X(DRY_RUN,  "dry-run")

enum session_status {
#define X(e, name) SESSION_##e,
	SESSION_STATUSES(X)
#undef X
	SESSION__COUNT
};
const char	*session_status_name(enum session_status);

/* What is known of an unfinished run of the same runbook. */
struct session_run_info {
	char		*id;		/* run id */
	char		*operator;	/* who started it: user[@ssh client] */
	char		*host;
	long long	 started;	/* unix time */
	char		*from, *to;
	char		*step;		/* key of the step it resumes at, or NULL
				   when every step is settled */
	bool		 runbook_changed; /* the file's sha256 differs */
	/* The run resumes on the hosts it journaled, and a fresh list
	 * differs (or could not be made, or --inventory or --limit were
	 * given again): what to tell the operator; else NULL. */
	char		*inventory_note;
};

struct journal_run;
/* The hosts a journaled run resolved, in one line for a report or
 * stepup show: "3, from inventory.ini, --limit web: w1 w2 w3"; NULL
 * when it journaled none (caller frees). */
char		*session_run_hosts(const struct journal_run *);
/* The same for the session's run (resolved, or the journaled ones of
 * the run it resumes); NULL when the runbook has no hosts. */
char		*session_hosts(const struct session *);

/* Open a session on a runbook: load it, open the journal in the state
 * directory, take the runbook's lock, and look for an unfinished run.
 * Returns EXIT_DONE with *out set; EXIT_USAGE (invalid runbook: the
 * diagnostics are in *cause), EXIT_LOCKED (*cause names the holder: user,
 * host, pid, since) or EXIT_FAILED (journal unusable) with *cause. A lock
 * whose holder is dead is taken over, and that is journaled. */
int		 session_open(const struct session_opts *, struct session **out,
		    char **cause);
/* Create the journal session_open() deferred (see defer_journal); 0 when
 * it is open, else -1 with *cause. */
int		 session_journal(struct session *, char **cause);
/* ---- watching and handing over (session-watch.c) ----
 *
 * A watching session follows a run as its journal changes: call
 * session_watch_update() whenever session_watch_fd() is readable (an
 * inotify descriptor: nothing is polled). The holder's own session uses
 * the same descriptor to notice, within a poll, that its run was taken
 * over (session_hold_check); it then turns read-only too.
 *
 * The lock protocol: the fcntl lock of journal-lock.c keeps a second
 * stepup from starting or resuming the run; the journal's holders table
 * (journal_claim) says who holds it, and SQLite refuses, inside the very
 * write transaction, any write of a holder whose claim is no longer the
 * newest. A takeover journals the new holder and its takeover event in
 * one transaction, so the old holder cannot write one event after it;
 * the old holder then lets go of the fcntl lock, which the new holder
 * waits for. */
enum session_watch {
	SESSION_WATCH_HELD,	/* a live holder has it */
	SESSION_WATCH_FREE,	/* nobody holds it: its holder is gone */
	SESSION_WATCH_ENDED,	/* the run ended (done, failed, paused,
				   abandoned) */
};
/* Whether the session only watches (opened with opts.watch, or its run
 * was taken over). */
bool		 session_watching(const struct session *);
/* What every act is refused with while watching: "read-only: held by
 * alice@head1, pid 4711, since 03:12 UTC"; NULL when not watching. */
const char	*session_read_only_why(const struct session *);
enum session_watch session_watch_state(const struct session *);
/* The pid of the live holder of the watched run, or 0 (for its pidfd:
 * its end is a change no file shows). */
pid_t		 session_holder_pid(const struct session *);
/* The descriptor to poll for changes of the run (its journal, lock,
 * logs), opened on first use; -1 when it cannot be. */
int		 session_watch_fd(struct session *);
/* Read the journal again after a change: step states, the running step,
 * the run's status, its holder. Returns 1 when something changed, 0 when
 * not, -1 with *cause. */
int		 session_watch_update(struct session *, char **cause);
/* For the holder, after session_watch_fd() was readable: returns true
 * when its run was just taken over (it is read-only from now on, its
 * lock let go, a running command left to its new holder). */
bool		 session_hold_check(struct session *);
/* Who took the run over from this session ("bob on head2 (pid 99) took
 * it over from alice at ...: why"), or NULL. */
const char	*session_taken_by(const struct session *);
/* The phrase a takeover of the watched run needs typed, "take over from
 * alice", or NULL when no live holder has it (then it is free to
 * resume). The caller frees it. */
char		*session_takeover_phrase(const struct session *);
/* Take the watched run over: from its live holder when typed is the
 * phrase exactly and why is given (journaled with the new holder, in
 * one transaction; then the holder's lock is waited for), or, once
 * nobody holds it, by taking its lock. The session then holds the
 * run's lock and offers it for resuming (session_unfinished), which the
 * front end does as for any unfinished run: a command in flight is
 * followed, never started again. */
int		 session_takeover(struct session *, const char *typed,
		    const char *why, char **cause);

/* Pause if running, release the lock, free everything. NULL is fine. */
void		 session_close(struct session *);

/* The unfinished run of this runbook, or NULL. */
const struct session_run_info *session_unfinished(const struct session *);
/* Resume the unfinished run at its exact step: its plan and answers are
 * reused (secret answers were never journaled: session_question() lists
 * them, to be given again with session_answer() before resuming); a step
 * found running is reconciled with what its attempt left on disk
 * (session-resume.c): followed again, its outcome read from its status
 * file, made ready again when it never started, or, when its process is
 * gone without an exit status, put in doubt (an action) or made ready to
 * run again (a check). EXIT_* status. */
int		 session_resume(struct session *, char **cause);
/* Give up the unfinished run (journaled, with the reason) so that a new
 * one can begin. */
int		 session_abandon(struct session *, const char *reason,
		    char **cause);

/* The runbook asks for the installed version (versions.installed.ask)
 * and no --from was given: the front end asks rb->versions.installed.ask
 * and gives the answer here, before session_plan(). */
int		 session_set_from(struct session *, const char *version,
		    char **cause);
/* True when session_plan() still needs session_set_from(). */
bool		 session_needs_from(const struct session *);

/* Plan again for another target (the plan screen), before the run
 * begins: version must be a release of the catalog, newer than or equal
 * to the installed one; else -1 with *cause and the plan as it was. A
 * version of the catalog gives 0 and a new plan, or a refusal by the
 * runbook's policy (session_refusal: the rule and the nearest allowed
 * target). A later session_plan() plans for opts.to again. */
int		 session_set_to(struct session *, const char *version,
		    char **cause);

/* True when the policy's conditions (`when`) name an asked variable that
 * has no answer yet: the front end asks the questions (session_question,
 * session_answer) before session_plan(). */
bool		 session_plan_asks(const struct session *);

/* Probe the installed version (unless --from) and the available ones
 * (the probes are journaled), then plan. EXIT_DONE, EXIT_REFUSED (see
 * session_refusal), or EXIT_FAILED / EXIT_USAGE with *cause. */
int		 session_plan(struct session *, char **cause);

/* The asked vars that still need an answer, in the order values resolve
 * in (rb->var_order: each after the vars its default names): index
 * 0..n-1, NULL past the end. A resumed run has none. */
const struct rb_var *session_question(const struct session *, size_t i);
/* The default of var v with the variables it names expanded, or NULL
 * when it has none (or they have no value yet). The caller frees it. */
char		*session_var_default(const struct session *,
		    const struct rb_var *v);
/* Validate an answer (empty: the default) against the var's pattern and
 * choices; on success keep it for the run (journaled at session_begin,
 * masked when secret). */
int		 session_answer(struct session *, const char *name,
		    const char *answer, char **cause);

/* Begin the run: journal it (runbook path and sha256, product, from, to,
 * plan, operator, host, answers with secrets masked) and lay out its
 * steps. A dry run is journaled as such, and no command ever starts.
 * EXIT_* status. */
int		 session_begin(struct session *, char **cause);

/* Begin a rollback run linked to this session's run (or, opened with
 * opts.rollback, the latest run of the runbook): its steps come from
 * steps_new_rollback() and go through the same door, journal, lock,
 * resume, in-doubt and cancel handling. EXIT_* status. */
int		 session_rollback(struct session *, char **cause);
/* The rollback session_rollback() would lay out now, for showing and
 * checking before it begins (rollback.h): nothing is journaled or run.
 * The caller frees *out with steps_free(). */
int		 session_rollback_preview(struct session *, struct steps **out,
		    char **cause);
/* The other target, when the run stopped in a hop after the first with
 * some of its actions done (steps_rollback_hop): the rollback back to the
 * start of that hop only, laid out like the preview; *out is NULL when
 * there is none. Its confirmation phrase (steps_rollback_phrase), typed
 * at the rollback run's confirm step instead of the default one, chooses
 * it. 0, or -1 with *cause. */
int		 session_rollback_alternative(struct session *,
		    struct steps **out, char **cause);
/* At a rollback run's confirm step, typed with the other target's phrase:
 * lay its steps out for that target (session_confirm does it). 1 when it
 * did, 0 when typed is not that phrase, -1 with *cause. */
int		 session_rollback_retarget(struct session *, const char *typed,
		    char **cause);
/* Under a rollback run, the steps of the upgrade run it undoes (with
 * their recorded states and artifacts); NULL otherwise. */
const struct steps *session_upgrade_steps(const struct session *);
struct journal_run;
/* The plan a journaled run followed (for a rollback run, the plan of the
 * upgrade it undoes), from its record; NULL when the record has none.
 * Free with plan_free(). For reports (export.h). */
struct plan	*session_run_plan(const struct journal_run *);
/* Probe the installed version now with the runbook's installed-version
 * command (journaled in the run under way): how a rollback checks that
 * the old version is back. Sets *version (caller frees). */
int		 session_probe_installed(struct session *, char **version,
		    char **cause);

/* Read-only views. Pointers live as long as the session. */
const struct runbook	*session_runbook(const struct session *);
const struct plan	*session_get_plan(const struct session *);	/* or NULL */
const struct plan_refusal *session_refusal(const struct session *); /* or NULL */
/* The policy the plan was made with, under the run's answers
 * (plan_policy_when: the conditional values that apply), or NULL before
 * session_plan. */
const struct rb_policy	*session_policy(const struct session *);
const struct steps	*session_steps(const struct session *);	/* or NULL before begin */
const char		*session_run_id(const struct session *);	/* or NULL */
const char		*session_state_dir(const struct session *);
/* The command that resumes this run where it is, for a front end to
 * print when it leaves or pauses: "stepup run RUNBOOK" ("rollback"
 * under a rollback run, or in a session opened to roll back), with
 * --plain when plain, and --state-dir DIR
 * when the state directory is not the default one; every argument
 * quoted for a shell. Caller frees. */
char			*session_resume_command(const struct session *,
			    bool plain);
enum session_status	 session_status(const struct session *);
bool			 session_dry_run(const struct session *);

/* Where the run is: the first step not settled, or steps->n when done. */
size_t		 session_current(const struct session *);
/* The step whose command is running, or NULL; with several (the hosts
 * of a step with `forks`), the first in run order: the one a front end
 * focuses. */
const struct step *session_running(const struct session *);
/* How many commands are running: more than one only for the hosts of a
 * step with `forks`, and at most its forks. */
size_t		 session_n_running(const struct session *);
/* May the operator do act on step i now? When not, *why (when not NULL)
 * says why, e.g. "step 4 (backup) has not passed yet". Never NULL.
 * ROLLBACK: on a failed or in-doubt step of an upgrade run, and only
 * once the run may have changed the cluster: an action of it has run
 * (passed, failed, in doubt, done by hand) or a manual task after its
 * confirmation was done. A check failing before that (pre-flight)
 * changed nothing: the way out is to stop, not to roll back. */
bool		 session_can(const struct session *, size_t i,
		    enum session_act, const char **why);
/* The acts allowed on step i now, as a bit mask of 1 << SESSION_ACT_*. */
unsigned	 session_acts(const struct session *, size_t i);
/* True when step i starts without asking: a check, or an action that
 * follows a passed confirm with only actions and checks in between (and
 * not --step). */
bool		 session_auto(const struct session *, size_t i);
/* What confirming step i sets going: how many actions and checks then
 * run one after another without asking (none under --step but checks),
 * and in *until the step after them that needs the operator again (or
 * steps->n at the end). For the confirm screen and plain mode. */
size_t		 session_chain(const struct session *, size_t i, size_t *until);
/* The command of step i with its environment, secrets masked: what dry
 * runs and the run screen show. The caller frees it. */
char		*session_describe(const struct session *, size_t i);
/* A copy of text with every secret value replaced by "********": for
 * showing a command's output or a document. The caller frees it. */
char		*session_mask(const struct session *, const char *text);
/* The secret answers' values, NULL-terminated, *n of them, for masking
 * a stream (mask_stream_init); the caller frees the array, not the
 * values. */
const char	**session_secret_values(const struct session *, size_t *n);
/* The step whose command ended while stepup was not running, its outcome
 * read from its status file by session_resume(), or SIZE_MAX: what a
 * front end reports before going on. */
size_t		 session_finished_away(const struct session *);
/* The log of step i's last attempt, or NULL (for tailing its output). */
const char	*session_log(const struct session *, size_t i);
/* The document of read step i: its file, or the log of its `run` command
 * (run now through the door, as a probe, and waited for). Sets *path
 * (caller frees). */
int		 session_document(struct session *, size_t i, char **path,
		    char **cause);

/* The door: start the command of step i (check, action; or an undo in a
 * rollback run). Refused unless session_can(START or RETRY): the step is
 * ready (or failed/in doubt, for a retry) and nothing else runs, or it is
 * a host's instance of a step with `forks` whose fellows run and a fork
 * is free. Commits the "started" event, then forks the supervisor. Then,
 * up to the step's forks, the fellows that are ready and run without
 * asking (session_auto, or read-only) start too, and as each ends,
 * session_wait starts the next one. */
int		 session_start(struct session *, size_t i, char **cause);
/* Wait up to timeout_ms (-1: until they end) for the running commands.
 * Returns 1 when none runs any more (each one's step passed or failed,
 * the exit status and any artifact recorded), 0 when one still runs
 * (with a timeout of 0 or more, as soon as one of several ended, for the
 * front end to say so), -1 with *cause. A step
 * past its timeout is cancelled here. A step with `until` runs until its
 * wait is over: a failed attempt is recorded, and the next one started
 * here when it is due (see session_wait_info). */
int		 session_wait(struct session *, int timeout_ms, char **cause);
/* A descriptor that becomes readable (EOF) when the running command's
 * supervisor exits (the first one's, session_running; the others' ends
 * are seen at the next session_wait), for a front end's poll(2); -1 when nothing runs or
 * the command was found running by a later stepup (then poll with a
 * timeout and call session_wait(s, 0, ...)). Owned by the session. */
int		 session_wait_fd(const struct session *);
/* Cancel the running commands (the front end asked first): SIGTERM to
 * each one's process group, SIGKILL after a grace period, and no more of
 * the hosts of its step start by themselves. Journaled. A step waiting
 * between two attempts (until) fails at once, cancelled. */
int		 session_cancel(struct session *, char **cause);
/* Stop waiting on step i (until): the attempt under way is its last, and
 * between two attempts the wait is over now, as if `within` had passed.
 * Journaled. */
int		 session_stop_waiting(struct session *, size_t i, char **cause);

/* Where the wait of a step with `until` is. */
struct session_wait_info {
	unsigned	 attempts;	/* made in this wait, the running one
					   included */
	bool		 running;	/* an attempt runs now */
	long long	 next_in;	/* seconds to the next attempt, when
					   none runs */
	long long	 left;		/* seconds until no attempt starts
					   any more (0: none will) */
	int		 last_exit;	/* of the last attempt ended, or -1 */
	bool		 stopping;	/* the operator stopped waiting */
};
/* The exit status of attempt `attempt` of step i as journaled (128 + N
 * when signal N killed it), or -1 when it is not known (not ended, or no
 * such attempt): what an attempt overtaken by a later one ended with. */
int		 session_attempt_exit(const struct session *, size_t i,
		    unsigned attempt);
/* True, with *out filled in, when step i is waiting (running, with
 * `until`). */
bool		 session_wait_info(const struct session *, size_t i,
		    struct session_wait_info *out);

/* read: the end of the document was shown (journaled). */
int		 session_end_shown(struct session *, size_t i, char **cause);
/* read: acknowledged; only after session_end_shown. */
int		 session_acknowledge(struct session *, size_t i, char **cause);
/* confirm: typed is journaled; passes only when it equals the expanded
 * phrase exactly, else -1 with *cause saying it did not match. */
int		 session_confirm(struct session *, size_t i, const char *typed,
		    char **cause);
/* manual: ticked, with an optional note (NULL or ""). */
int		 session_tick(struct session *, size_t i, const char *note,
		    char **cause);
/* check: a failed warn check is accepted and passes. */
int		 session_ack_warning(struct session *, size_t i, char **cause);
/* Skip an optional step, with a reason (required). */
int		 session_skip(struct session *, size_t i, const char *reason,
		    char **cause);
/* Mark a failed or in-doubt action done by hand, with a reason
 * (required). An action whose artifact (`produces`) was not recorded
 * (not made, empty, unreadable) needs ack too: the operator typed
 * session_missing_phrase() exactly, as a confirmation is; otherwise it is
 * refused, *cause saying what is missing and the phrase, and a wrong
 * phrase is journaled ("did not match: TEXT"). The acknowledgement is
 * journaled with the mark-done event and kept in the step's reason. */
int		 session_mark_done(struct session *, size_t i,
		    const char *reason, const char *ack, char **cause);
/* Pause step i's roll after the batch under way (steps_roll_under_way):
 * a "roll-pause" event at a step of that batch, "roll ID (TITLE) paused
 * after batch B of N"; the batch goes on, and the gate refuses every
 * step of a later batch until session_continue_roll, journaled as a
 * "roll-continue" event at step i, or the roll's own pause step settles
 * (its "roll-continue" in the same transaction). A resumed run reads
 * both back: it is still paused. */
int		 session_pause_roll(struct session *, size_t i, char **cause);
int		 session_continue_roll(struct session *, size_t i,
		    char **cause);
/* The phrase that marking step i done needs typed, "no artifact: PATH",
 * or NULL when it needs none. The caller frees it. */
char		*session_missing_phrase(const struct session *, size_t i);
/* Run $SHELL (or /bin/sh) interactively in the state directory with step
 * i's environment, and wait for it; journaled. The TUI leaves curses
 * before and comes back after. */
int		 session_shell(struct session *, size_t i, char **cause);
/* The one dispatcher of the operator's acts: do act on step i, with text
 * as its argument (the act table says which: a reason, a note, the
 * phrase; NULL when it takes none), through session_can() and the call
 * that journals it: START and RETRY start the command through the door
 * (RETRY on a read step runs its document's command again), CANCEL does
 * nothing once the command has ended (it was asked while it ran),
 * ROLLBACK begins the rollback run, QUIT pauses. An act that needs an
 * acknowledgement typed too (session_act_phrase) is refused, *cause
 * saying what to type, unless given by session_act_typed(). */
int		 session_act(struct session *, size_t i, enum session_act,
		    const char *text, char **cause);
/* session_act() with typed, the acknowledgement session_act_phrase()
 * asked for (NULL: none typed). */
int		 session_act_typed(struct session *, size_t i,
		    enum session_act, const char *text, const char *typed,
		    char **cause);
/* The phrase that act on step i needs typed besides its argument (mark
 * done of an action whose artifact is missing: session_missing_phrase),
 * or NULL. The caller frees it. */
char		*session_act_phrase(const struct session *, size_t i,
		    enum session_act);

/* Leave the run unfinished and resumable (journaled as paused). A
 * running command goes on; the next stepup reattaches. */
int		 session_pause(struct session *, char **cause);

#endif
