/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-int.h: INTERNAL to the session's own files (src/session*.c):
 * the definition of struct session and the helpers its pieces share. Front
 * ends, rollback and export use session.h only, and must not include this.
 *
 * Which file holds what:
 *   session.c           open (runbook, lock, journal, unfinished run),
 *                       the status table, the views, pause, close
 *   session-vars.c      variables: fixed, asked, answered, secret, masked;
 *                       the base environment; answers journaled, read back
 *   session-plan.c      the deferred journal made, probes and plan
 *                       (through catalog.c), the plan as journaled text,
 *                       session_begin and the step layout
 *   session-resume.c    resume and abandon an unfinished run; a running
 *                       step followed again, or put in doubt
 *   session-acts.c      the act table, the gate (session_can),
 *                       session_set, and the acts that settle a step
 *                       without running a command
 *   session-door.c      THE DOOR: session_start, the journaling before the
 *                       fork, waiting, cancelling, recording ends and
 *                       artifacts; documents made by commands; the shell;
 *                       the version probes' start and end
 *   session-rollback.c  beginning and previewing a rollback run, the run
 *                       to roll back, the installed-version probe
 *   session-wait.c      a step retried until it passes (until), and the
 *                       values a step's command sets (outputs)
 *   session-dispatch.c  session_act, the one dispatcher, above them all
 *
 * Layered so that no file calls one that calls it back: session.c and
 * session-dispatch.c on top; then resume, rollback; plan; the door;
 * the acts; vars at the bottom.
 *
 * The helpers below take a session in any state their callers leave it
 * in; those that can fail return 0, or -1 with *cause set (caller frees),
 * like the public ones. */
#ifndef STEPUP_SESSION_INT_H
#define STEPUP_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "journal.h"
#include "plan.h"
#include "remote.h"
#include "runbook.h"
#include "session.h"
#include "steps.h"

struct catalog_probe;

/* No step: session.running when nothing runs. */
#define NONE	SIZE_MAX
/* The begin event's detail of a run begun with --step: a resumed run goes
 * on asking before every action, whoever resumes it and however. */
#define SESSION_STEP_NOTE	"asking before every action (--step)"

/* A probe that ran while planning, journaled once the run exists. */
struct probe_note {
	char	*what;		/* "installed", "available" */
	char	*detail;	/* command, outcome */
};

/* A command under way: the step it is of, its attempt, its supervisor
 * and where that writes its exit status. */
struct session_slot {
	size_t			 step;		/* index, or NONE: free */
	int			 attempt;
	struct action_proc	 proc;
	char			*status_path;	/* owned; kept until reused */
};
/* The most commands under way at once. */
#define SESSION_SLOTS	RB_FORKS_MAX

struct session {
	struct session_opts	 opts;
	char			*runbook_abs;
	char			*dir;		/* its directory, absolute */
	struct runbook		*rb;
	char			*state_dir;
	struct journal		*j;
	struct journal_lock	*lock;
	char			*takeover;	/* a dead holder, to journal */

	struct journal_run	*unf;		/* unfinished run, or NULL */
	struct session_run_info	 info;
	bool			 has_info;

	char			*from;		/* installed (or --from) */
	char			*to;		/* the target session_set_to()
						   chose, else NULL: --to or
						   the default target */
	struct plan		*plan;
	struct plan_refusal	*refusal;
	struct rb_policy	*policy;	/* under the answers, as the
						   plan was made; or NULL */
	struct probe_note	*probes;
	size_t			 n_probes;

	struct step_env		 answers;	/* every runbook var's value */
	bool			*answered;	/* per runbook var */

	long long		 run_id;
	long long		 parent;	/* rollback: the upgrade run */
	char			*run_id_s;
	enum session_status	 status;
	struct steps		*steps;
	struct steps		*upgrade;	/* kept under a rollback run */
	char			**logs;		/* per step: last attempt's log */

	/* Read-only (session-watch.c): a run someone else holds, or
	 * that was taken over from us. */
	bool			 watching;
	char			*ro_why;	/* "read-only: held by ..." */
	enum session_watch	 watch;
	struct journal_lock_holder holder;	/* the live holder, when held */
	long long		 holder_gen;	/* the journal's holder then */
	char			*taken_by;	/* who took it over from us */
	int			 watch_fd;	/* journal_watch_open, or -1 */
	/* What a front end polls (session_watch_fd): an epoll set of
	 * watch_fd and, while a holder of a watched run is alive, its pidfd
	 * (holder_fd, for holder_fd_pid): a holder's end wakes the watcher
	 * whatever its files do. -1 when none. */
	int			 watch_ep;
	int			 holder_fd;
	pid_t			 holder_fd_pid;

	struct step_env		 outputs;	/* every value a step's command
						   set so far (rb->outputs) */

	/* What runs: one slot per command under way. A step waiting
	 * between two attempts (steps->v[i].wait_next) is still running.
	 * More than one is busy only for the host instances of one fork
	 * group (session_joins), at most its step's forks. */
	struct session_slot	 slots[SESSION_SLOTS];
	size_t			 n_running;	/* slots busy */
	bool			 fill_stop;	/* cancelled: start no more of
						   the group by itself */
	size_t			 away;		/* the step whose command ended
						   while stepup was not running
						   (read on resume), or NONE */
	/* The hosts (session-hosts.c): what this session's runs journal
	 * (inventory_ini() text, where it came from, the limit; NULL when
	 * the runbook has no hosts), and the hosts resolved afresh, once,
	 * for a new run and to tell a resumed run's from (fresh_done; its
	 * problems in fresh_err, or NULL). */
	char			*inv_text, *inv_source, *inv_limit;
	bool			 hosts_kept;	/* hosts_orig: the runbook's
						   `hosts:` as loaded */
	struct inventory	*hosts_orig;
	bool			 fresh_done;
	char			*fresh_text, *fresh_source, *fresh_err;
	struct inventory	*fresh;
};

/* The slot running step i, or NULL. */
static inline struct session_slot *
session_slot_of(const struct session *s, size_t i)
{
	size_t	k;

	for (k = 0; s->n_running > 0 && k < SESSION_SLOTS; k++) {
		if (s->slots[k].step == i)
			return (struct session_slot *)&s->slots[k];
	}
	return NULL;
}

/* The first step running (in run order), or NONE. */
static inline size_t
session_first_running(const struct session *s)
{
	size_t	k, first = NONE;

	for (k = 0; s->n_running > 0 && k < SESSION_SLOTS; k++) {
		if (s->slots[k].step < first)
			first = s->slots[k].step;
	}
	return first;
}

/* Whether step i may start beside what runs now: nothing runs, or it is
 * a host's instance of the fork group all that runs is of, and its
 * step's forks are not all busy. */
static inline bool
session_joins(const struct session *s, size_t i)
{
	const struct step	*st = &s->steps->v[i];
	size_t			 k;

	if (s->n_running == 0)
		return true;
	if (st->forks_n < 2 || st->rb == NULL || s->n_running >= st->rb->forks ||
	    s->n_running >= SESSION_SLOTS)
		return false;
	for (k = 0; k < SESSION_SLOTS; k++) {
		if (s->slots[k].step != NONE &&
		    s->steps->v[s->slots[k].step].forks_first != st->forks_first)
			return false;
	}
	return true;
}

/* A free slot for step i (the caller checked there is one, by
 * session_joins): its attempt 0, no process. */
static inline struct session_slot *
session_slot_take(struct session *s, size_t i)
{
	size_t	k;

	for (k = 0; k < SESSION_SLOTS; k++) {
		if (s->slots[k].step == NONE)
			break;
	}
	s->slots[k].step = i;
	s->slots[k].attempt = 0;
	s->slots[k].proc.fd = -1;
	s->slots[k].proc.pid = 0;
	s->slots[k].proc.start = 0;
	s->n_running++;
	return &s->slots[k];
}

/* Step i runs no more: its slot (if any) is free. */
static inline void
session_slot_release(struct session *s, size_t i)
{
	struct session_slot	*sl = session_slot_of(s, i);

	if (sl == NULL)
		return;
	action_proc_close(&sl->proc);
	sl->step = NONE;
	s->n_running--;
}

/* session-hosts.c */
/* Put the hosts of the run in rb->inventory: the journaled ones of
 * s->unf when it has them (then info.inventory_note says how they
 * differ from a fresh list, if they do), else resolved afresh (the
 * runbook, --inventory, --limit). EXIT_DONE, or EXIT_USAGE with *cause
 * (an inventory that cannot be read, a command that failed, an `on:`
 * that names no host of it: nothing has started). */
int		 session_inventory(struct session *, char **cause);
void		 session_inventory_free(struct session *);

/* session-resume.c */
/* Free what a session_run_info holds and zero it. */
void		 session_info_clear(struct session_run_info *);

/* session-vars.c */
/* Add the runbook's vars known so far and the run's STEPUP_* to env: the
 * environment every probe and step starts from. */
void		 session_base_env(struct session *, struct step_env *env);
/* Resolve the vars that are not asked: fixed values and the environment. */
int		 session_fixed_vars(struct session *, char **cause);
/* Tell the journal every secret value, so that none is ever written. */
void		 session_secrets(struct session *);
/* Journal the run's "vars" event, secrets masked. */
int		 session_journal_vars(struct session *, char **cause);
/* Take back the answers of a run's "vars" event; secrets stay unasked. */
void		 session_reload_vars(struct session *,
		    const struct journal_event *, size_t n);

/* session-plan.c */
/* A plan as runs.plan holds it (see session.h). The caller frees it. */
char		*session_plan_text(const struct plan *);
/* Fill *run, for journal_run_create(), with the record of an upgrade run
 * of s->plan, or of a rollback run of the run under way (its parent, from
 * and to the other way round). The caller frees run->plan. */
void		 session_run_record(struct session *, enum journal_run_kind,
		    struct journal_run *run);
/* The plan a run's record followed, read back from text (its plan, as
 * session_run_record wrote it). Free with plan_free(). */
struct plan	*session_plan_of_run(const struct journal_run *,
		    const char *text);
/* The policy under the run's answers into s->policy, and what of it is
 * conditional into s->plan's conds: for a run resumed, whose plan is read
 * back from the journal. */
void		 session_policy_resume(struct session *);
/* Set up a version probe in the run's environment, every probe going
 * through session_probe_door(); returns probe->envp, for step_envp_free()
 * after it. */
char		**session_probe_init(struct session *, struct catalog_probe *);
/* The run the session journals to from now on. */
void		 session_set_run(struct session *, long long id);
/* One empty log slot per step of s->steps; free them (and the logs
 * named) before s->steps changes. */
void		 session_alloc_logs(struct session *);
void		 session_free_logs(struct session *);
/* Steps laid out in the run's environment: the plan's (upgrade NULL) or
 * the rollback of upgrade's back to hop's start (-1: where it started);
 * run, when not 0, is their STEPUP_RUN_ID instead of the session's. NULL
 * with *cause when they cannot be. */
struct steps	*session_new_steps(struct session *,
		    const struct steps *upgrade, int hop, long long run,
		    char **cause);
/* Run the check of every secret that names one (runbook `check`), with
 * its step's environment, journaled as probes: on resume, where the
 * secrets were read or asked again. -1 with *cause naming the secret and
 * how its check failed. */
int		 session_secret_checks(struct session *, char **cause);
/* The target a rollback run of upgrade has, from its events: the hop
 * whose phrase its confirmation was typed with, or -1. */
int		 session_rollback_hop_of(const struct steps *upgrade,
		    const struct journal_event *, size_t);
/* Lay out s->steps for the plan and answers (and their log slots). */
int		 session_layout(struct session *, char **cause);

/* session-acts.c */
/* session_can(), with *cause set (a copy of why) when refused. */
int		 session_gate(const struct session *, size_t i,
		    enum session_act, char **cause);
/* Journal an event and step i's new state in one durable transaction
 * (and the end of the run when it was the last step), then change the
 * model. Nothing changes when the journal cannot be written. */
int		 session_set(struct session *, size_t i, enum step_state,
		    const char *reason, enum journal_event_kind,
		    const char *detail, char **cause);
/* session_set() in two halves, for a caller that journals more in the same
 * transaction: the journal's part inside it (*seq, *last for the second
 * half), and the model's once it is committed. */
int		 session_set_journal(struct session *, size_t i,
		    enum step_state, const char *reason,
		    enum journal_event_kind, const char *detail,
		    long long *seq, bool *last, char **cause);
void		 session_set_apply(struct session *, size_t i, enum step_state,
		    const char *reason, long long seq, bool last);

/* session-door.c */
/* Journal the attempt of step i the session now follows: its slot's
 * attempt, supervisor and status path, s->logs[i]; started at started.
 * (The door journals its own with its start event, in one transaction.) */
int		 session_record_attempt(struct session *, size_t i,
		    long long started, char **cause);
/* Journal the supervisor (its slot's proc) of the attempt step i runs. */
int		 session_record_pid(struct session *, size_t i, char **cause);
/* Record how step i's command ended: exit status, artifact and step
 * state, in one transaction. */
int		 session_finished(struct session *, size_t i,
		    const struct action_status *, char **cause);
/* Step i's command has an outcome that cannot be known: an action is in
 * doubt; a read-only command (a check, a document's) runs again. */
/* session-remote.c: step i's attempt on its host (steps->v[i].host):
 * the argument vector (ssh, or the runbook's transport) and the script
 * it reads on stdin (env, then the detached command, waiting for its
 * status). */
int		 session_remote_launch(struct session *, size_t i,
		    int attempt, const struct step_env *env, char ***argv,
		    char **input, char **cause);
/* Where the output of step i's attempt is on its host, "HOST:PATH" (the
 * path relative to the remote home unless absolute); NULL when the run
 * cannot be read. The caller frees it. */
char		*session_remote_log(struct session *, size_t i, int attempt);
/* Close the run's ssh master connections (unless a command runs or the
 * run is only watched), and their directory. */
void		 session_remote_close(struct session *);
/* What step i's host says of that attempt (remote_status_parse), after
 * stopping it there when stop is true (remote_stop_script); -1 with
 * *cause naming the host when it cannot be reached. */
int		 session_remote_state(struct session *, size_t i,
		    int attempt, bool stop, enum remote_state *, int *status,
		    long *pid, char **cause);
/* A host's step found in doubt (on resume): when its host now says how
 * its last attempt exited, record that (the step ended while stepup was
 * away); otherwise leave it in doubt. */
int		 session_remote_recheck(struct session *, size_t i,
		    char **cause);
int		 session_in_doubt(struct session *, size_t i, const char *why,
		    char **cause);
/* A catalog_note_fn (arg: the session) for every version probe: in a
 * run, "start" is journaled durably before the probe runs and "probe"
 * (its outcome) after; before the run begins, the outcome is kept for
 * session_begin to journal. */
int		 session_probe_door(void *arg, const char *what,
		    const char *command, const char *outcome, char **cause);
/* A command's step is read-only: it runs without asking, again when in
 * doubt. */
bool		 session_read_only(const struct step *);
/* The durable boundaries of starting and ending a command, at each of
 * which the test suite has stepup killed (STEPUP_TEST_KILL, stepup(1)). */
#define SESSION_BOUNDARIES(X)						\
	X(START,    "start",    "before the start is journaled")	\
	X(STARTED,  "started",  "start and attempt journaled, no log yet") \
	X(LOGGED,   "logged",   "its log made, not forked")		\
	X(FORKED,   "forked",   "the supervisor runs, its pid not journaled") \
	X(PID,      "pid",      "its supervisor's pid journaled")	\
	X(ENDED,    "ended",    "it ended, its outcome not journaled")	\
	X(RECORDED, "recorded", "its outcome journaled")
enum session_boundary {
#define X(e, name, what) SESSION_AT_##e,
	SESSION_BOUNDARIES(X)
#undef X
};
/* Reached boundary b for step st: killed there if STEPUP_TEST_KILL says
 * "NAME:STEP-KEY" (for the fault tests only; stepup(1), ENVIRONMENT). */
void		 session_boundary(enum session_boundary b, const struct step *);

/* session-wait.c */
/* The start event's words for an attempt made by the wait itself, and the
 * start of the reason of a step whose wait ran out (what lets a
 * `timeout-means: warn` be accepted). */
#define SESSION_WAIT_AGAIN	"waiting until it passes, since attempt"
#define SESSION_WAIT_RAN_OUT	"the wait ran out"
/* Step i has `until` and its command started: begin its wait (attempt,
 * started) unless this attempt is one of the wait under way. */
void		 session_wait_begin(struct session *, size_t i, int attempt,
		    long long started);
/* Whether step i's failed attempt (ended at `ended`, *as) is followed by
 * another one: its wait goes on; *next is when. Otherwise, when it had a
 * wait, *ran_out is the reason its wait ended with (caller frees), or
 * NULL. */
bool		 session_wait_again(struct session *, size_t i,
		    const struct action_status *as, long long *next,
		    char **ran_out);
/* The wait of step i is over: forget it. */
void		 session_wait_end(struct session *, size_t i);
/* Read the values attempt `attempt` of step i wrote to its output file:
 * 0 with *vals filled; -1 with *reason (why the step fails: a declared
 * value missing, a NUL, a line that is not NAME=value). Either way *notes
 * says what was ignored (undeclared names), or is NULL. The caller frees
 * all. */
int		 session_outputs_read(struct session *, size_t i, int attempt,
		    struct step_env *vals, char **notes, char **reason);
/* "NAME=value" lines of vals, secrets as ********: the output event's
 * detail. The caller frees it. */
char		*session_outputs_detail(const struct step_env *vals);
/* Step i set vals: kept with it, given to every later step (and, through
 * s->outputs, to a rollback), secret ones masked from now on. */
void		 session_outputs_apply(struct session *, size_t i,
		    const struct step_env *vals);
/* On resume: the values of every step that passed, from the journal's
 * output events (secret ones read again from their output files), and
 * the wait a running step was in, from its start events. */
void		 session_wait_reload(struct session *,
		    const struct journal_event *, size_t n);

/* session-resume.c */
/* The key of the step the unfinished run (s->unf) resumes at: its steps
 * laid out and the journal's states applied, read only; NULL when they
 * cannot be laid out or every step is settled. */
char		*session_resume_step(struct session *);

/* Apply what the journal knows of run's steps to ss (and each step's last
 * log to logs, when not NULL), as resuming does; reads only. */
int		 session_steps_reload(struct session *, long long run,
		    struct steps *ss, char **logs, char **cause);

/* session.c */
/* Read the unfinished run of the runbook (s->unf, s->info) as opening a
 * session does, for resuming it. EXIT_* status. */
int		 session_load_unfinished(struct session *, char **cause);

/* session-watch.c */
/* Open s (runbook and state directory set) read-only on the run to
 * watch. EXIT_* status. */
int		 session_watch_open(struct session *, char **cause);
/* session_wait() of a watcher: the journal read again. */
int		 session_watch_wait(struct session *, int timeout_ms,
		    char **cause);
/* Free what watching holds. */
void		 session_watch_free(struct session *);

/* session-rollback.c */
/* Opened for rollback with no unfinished run: make the latest upgrade run
 * the one session_resume() loads. EXIT_* status. */
int		 session_latest_run(struct session *, char **cause);
/* s->steps becomes the upgrade kept under the rollback steps rs, which
 * the session owns from now on. */
void		 session_take_rollback(struct session *, struct steps *rs);

/* Whether settling step i as state is the operator skipping a host's
 * step that failed or is in doubt, in a roll or a step on hosts: its
 * host leaves the group (its later steps of the batch skipped with it,
 * by session_set). */
bool		 session_host_skip(const struct session *, size_t i,
		    enum step_state);
/* Step i, a host's failure within max-fail (tolerated), is retried:
 * inside the caller's transaction its host's later steps of the batch,
 * skipped with it, are journaled pending again (a note each); once
 * committed, session_retake_apply makes them so in the model (gated as
 * ever). Nothing when step i is not tolerated. */
int		 session_retake_journal(struct session *, size_t i,
		    char **cause);
void		 session_retake_apply(struct session *, size_t i);

#endif
