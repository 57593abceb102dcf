/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-door.c: the door: the only code that starts a step's command (or
 * a read step's document, or the operator's shell), and that journals a
 * version probe (run by catalog.c); in a run, each start is journaled
 * durably before the fork, each end recorded. Every child is spawned by
 * spawn.c. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "journal.h"
#include "session-int.h"
#include "session.h"
#include "spawn.h"
#include "steps.h"
#include "trust.h"
#include "util.h"

extern char **environ;

/* --- the door -------------------------------------------------------------- */

static const char *const boundary_names[] = {
#define X(e, name, what) name,
	SESSION_BOUNDARIES(X)
#undef X
};

void
session_boundary(enum session_boundary b, const struct step *st)
{
	const char	*want = getenv("STEPUP_TEST_KILL");
	size_t		 n;

	if (want == NULL || *want == '\0')
		return;
	n = strlen(boundary_names[b]);
	if (strncmp(want, boundary_names[b], n) == 0 && want[n] == ':' &&
	    strcmp(want + n + 1, st->key) == 0)
		raise(SIGKILL);
}

bool
session_read_only(const struct step *st)
{
	return st->kind != RB_ACTION;
}

/* Start step i's command: journal its start and its attempt (log and
 * status paths) in one durable transaction, make its log, fork, then
 * journal its supervisor's pid. Whatever of that a kill leaves behind,
 * session-resume.c reconciles: no log means it was never forked. */
static int
session_launch(struct session *s, size_t i, char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct session_slot	*sl;
	struct action_spec	 spec;
	struct journal_action	 ja;
	struct step_env		 env = { NULL, 0, NULL };
	struct step_env		 names = { NULL, 0, NULL };
	char			**envp, *log = NULL, *status = NULL, *detail;
	char			*why, *out = NULL, **argv = NULL, *input = NULL;
	const char		**secrets, **keep = NULL, *user;
	size_t			 n_secrets, k;
	int			 attempt = 0, r, fd;
	bool			 retry, retake;

	if (journal_action_next_attempt(s->j, s->run_id, st->key, &attempt,
	    cause) != 0)
		return -1;
	if (journal_action_paths(s->j, s->run_id, st->key, attempt, &log,
	    &status, cause) != 0)
		return -1;
	retry = st->state == STEP_RUNNING && st->wait_first != 0;
	if (retry)
		why = xasprintf(SESSION_WAIT_AGAIN " %d", st->wait_first);
	else
		why = xstrdup(session_read_only(st) ?
		    "read-only, runs without asking" : session_auto(s, i) ?
		    "after the confirmation" : "the operator said run");
	user = st->rb != NULL ? st->rb->user : NULL;
	if (st->host != NULL)
		detail = xasprintf("attempt %d (%s) on %s through %s: %s",
		    attempt, why, st->host, rb_transport_name(s->rb), st->run);
	else if (user != NULL)
		detail = xasprintf("attempt %d (%s) as user %s through %s: %s",
		    attempt, why, user, geteuid() == 0 ? "runuser" : "sudo -n",
		    st->run);
	else
		detail = xasprintf("attempt %d (%s): %s", attempt, why, st->run);
	free(why);
	session_boundary(SESSION_AT_START, st);
	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = st->key;
	ja.attempt = attempt;
	ja.log_path = log;
	ja.status_path = status;
	ja.started = journal_now();
	if (journal_begin(s->j, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_START, st->key, detail,
	    NULL, cause) != 0 ||
	    journal_step_set(s->j, s->run_id, st->key, "running", NULL,
	    cause) != 0 ||
	    journal_action_add(s->j, &ja, cause) != 0 ||
	    session_retake_journal(s, i, cause) != 0 ||
	    journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		free(detail);
		free(log);
		free(status);
		return -1;
	}
	free(detail);
	session_boundary(SESSION_AT_STARTED, st);
	free(s->logs[i]);
	s->logs[i] = log;
	/* Its slot: the one it holds between two attempts of a wait, or a
	 * free one. */
	if ((sl = session_slot_of(s, i)) == NULL)
		sl = session_slot_take(s, i);
	free(sl->status_path);
	sl->status_path = status;
	sl->attempt = attempt;
	st->started = ja.started;
	session_wait_begin(s, i, attempt, ja.started);
	st->wait_next = 0;
	retake = st->state == STEP_TOLERATED;
	step_set(s->steps, i, STEP_RUNNING, NULL);
	if (retake)
		session_retake_apply(s, i);
	st->cancelled = false;
	st->attempts = (unsigned)attempt;
	if (!retry)
		st->exit_status = -1;

	/* Made here, before the fork: a resume that finds no log knows the
	 * command never started. */
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) != -1)
		close(fd);
	session_boundary(SESSION_AT_LOGGED, st);

	/* A step that sets values writes them to a file of its attempt's,
	 * made after its log (so that its attempt number is taken). The
	 * command's environment stands on the step's (and so the run's):
	 * copied once, into envp, not first into a merged env. */
	env.base = &st->env;
	if (st->rb != NULL && !st->undo && st->rb->n_outputs > 0) {
		if (journal_output_create(s->j, s->run_id, st->key, attempt,
		    &out, &why) != 0) {
			/* The command cannot give its values: it fails
			 * without running. */
			step_env_free(&env);
			session_slot_release(s, i);
			detail = xasprintf("could not start: %s", why);
			*cause = why;
			{
				char *c2 = NULL;

				if (session_set(s, i, STEP_FAILED, detail,
				    JOURNAL_EV_EXIT, detail, &c2) != 0)
					free(c2);
			}
			free(detail);
			return -1;
		}
		step_env_set(&env, "STEPUP_OUTPUT", out, false);
		free(out);
	}
	/* On a host: ssh, with the step's environment and the command in
	 * the script it reads on stdin (every entry, its base's too: names
	 * holds them flat); ssh itself gets stepup's. */
	if (st->host != NULL) {
		step_env_merge(&names, &env);
		if (session_remote_launch(s, i, attempt, &names, &argv,
		    &input, &why) != 0) {
			char *c2 = NULL;

			step_env_free(&names);
			step_env_free(&env);
			session_slot_release(s, i);
			detail = xasprintf("could not start on %s: %s",
			    st->host, why);
			*cause = why;
			if (session_set(s, i, STEP_FAILED, detail,
			    JOURNAL_EV_EXIT, detail, &c2) != 0)
				free(c2);
			free(detail);
			return -1;
		}
	}
	/* Run as another user: the names sudo keeps, those stepup sets
	 * (never with on:, which the loader refuses with user). */
	if (user != NULL) {
		if (st->host == NULL)
			step_env_merge(&names, &env);
		keep = xcalloc(names.n + 1, sizeof *keep);
		for (k = 0; k < names.n; k++)
			keep[k] = names.v[k].name;
	}
	envp = step_env_envp(st->host != NULL ?
	    &(struct step_env){ NULL, 0, NULL } : &env, environ);
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.input = input;
	spec.user = user;
	spec.keep = keep;
	spec.command = st->run;
	spec.envp = envp;
	spec.cwd = s->dir;
	spec.log_path = log;
	spec.status_path = status;
	spec.timeout = st->rb != NULL ? st->rb->timeout : 0;
	spec.grace = ACTION_GRACE_DEFAULT;
	secrets = session_secret_values(s, &n_secrets);
	spec.secrets = secrets;
	r = action_start(&spec, &sl->proc, cause);
	remote_argv_free(argv);
	free(input);
	free(secrets);
	free(keep);
	step_env_free(&names);
	step_env_free(&env);
	if (r != 0) {
		step_envp_free(envp);
		session_slot_release(s, i);
		detail = xasprintf("could not start: %s", *cause);
		/* Best effort: the start is journaled; so is this. */
		{
			char *c2 = NULL;

			if (session_set(s, i, STEP_FAILED, detail,
			    JOURNAL_EV_EXIT, detail, &c2) != 0)
				free(c2);
		}
		free(detail);
		return -1;
	}
	step_envp_free(envp);
	session_boundary(SESSION_AT_FORKED, st);

	if (session_record_pid(s, i, cause) != 0) {
		/* It runs; its attempt is journaled and its supervisor's pid
		 * file is where a later stepup looks. Go on. */
		free(*cause);
		*cause = NULL;
	}
	session_boundary(SESSION_AT_PID, st);
	return 0;
}

int
session_record_attempt(struct session *s, size_t i, long long started,
    char **cause)
{
	struct session_slot	*sl = session_slot_of(s, i);
	struct journal_action	 ja;

	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = s->steps->v[i].key;
	ja.attempt = sl->attempt;
	ja.pid = sl->proc.pid;
	ja.pid_start = sl->proc.start;
	ja.log_path = s->logs[i];
	ja.status_path = sl->status_path;
	ja.started = started;
	return journal_action_add(s->j, &ja, cause);
}

int
session_record_pid(struct session *s, size_t i, char **cause)
{
	struct session_slot	*sl = session_slot_of(s, i);
	struct journal_action	 ja;

	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = s->steps->v[i].key;
	ja.attempt = sl->attempt;
	ja.pid = sl->proc.pid;
	ja.pid_start = sl->proc.start;
	return journal_action_set_pid(s->j, &ja, cause);
}

/* The fork group of what runs (its first step), or NONE. */
static size_t
session_fork_group(const struct session *s)
{
	size_t	i = session_first_running(s);

	if (i == NONE || s->steps->v[i].forks_n < 2)
		return NONE;
	return s->steps->v[i].forks_first;
}

/* Start the fellows of the fork group whose first step is first, while
 * its forks are not all busy: the instances ready that run without asking
 * (the operator asked for none of the others), in run order. A fellow
 * that cannot start is failed, journaled, and the next one tried. */
static void
session_fill(struct session *s, size_t first)
{
	const struct step	*st;
	size_t			 j;
	char			*cause = NULL;

	if (s->fill_stop || s->watching || first == NONE)
		return;
	st = &s->steps->v[first];
	for (j = first; j < first + st->forks_n &&
	    s->n_running < st->rb->forks; j++) {
		if (s->steps->v[j].state != STEP_READY ||
		    !session_joins(s, j) ||
		    !(session_read_only(&s->steps->v[j]) ||
		    session_auto(s, j)))
			continue;
		if (session_launch(s, j, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
	}
}

int
session_start(struct session *s, size_t i, char **cause)
{
	enum session_act	act = SESSION_ACT_START;

	if (s->steps != NULL && i < s->steps->n &&
	    (s->steps->v[i].state == STEP_FAILED ||
	    s->steps->v[i].state == STEP_IN_DOUBT ||
	    s->steps->v[i].state == STEP_TOLERATED))
		act = SESSION_ACT_RETRY;
	if (session_gate(s, i, act, cause) != 0)
		return -1;
	s->fill_stop = false;
	if (session_launch(s, i, cause) != 0)
		return -1;
	session_fill(s, session_fork_group(s));
	return 0;
}

/* "9m50s": how long a wait has left, for the journal. */
static void
wait_left(char *out, size_t size, long long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 60)
		snprintf(out, size, "%lldm%02llds", secs / 60, secs % 60);
	else
		snprintf(out, size, "%llds", secs);
}

/* Record how step i's command ended: its attempt's outcome, its artifact
 * and the step's state in one transaction, so that a kill leaves either
 * all of it or none (and resume reads the status file again). */
static int
finished_record(struct session *s, size_t i, const struct action_status *as,
    char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct session_slot	*sl = session_slot_of(s, i);
	struct journal_action	 ja;
	struct step_env		 vals = { NULL, 0, NULL };
	struct stat		 sb;
	int			 attempt = sl->attempt;
	char			*desc, *reason = NULL, *art = NULL, sha[65];
	char			*notes = NULL, *ran_out = NULL, *outs = NULL;
	char			*again = NULL, left[32];
	enum step_state		 state;
	long long		 seq = 0, size = 0, next = 0;
	bool			 last, waiting;
	int			 code;

	session_boundary(SESSION_AT_ENDED, st);
	desc = action_status_describe(as);
	code = as->exited ? as->exit_code : 128 + as->signal;
	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = st->key;
	ja.attempt = attempt;
	ja.ended = as->ended;
	ja.exit_code = as->exited ? as->exit_code : -1;
	ja.signal = as->signal;
	ja.timed_out = as->timed_out;
	ja.cancelled = as->cancelled;
	state = code == 0 ? STEP_PASSED : STEP_FAILED;
	if (code != 0 && st->host != NULL)
		reason = xasprintf("%s on %s", desc, st->host);
	else if (code != 0)
		reason = xstrdup(desc);
	if (code == 0 && st->kind == RB_READ) {
		/* A document's command: the step waits for its reading. */
		state = STEP_READY;
	}
	if (code == 0 && st->produces != NULL) {
		if (stat(st->produces, &sb) != 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s was not made: %s",
			    st->produces, strerror(errno));
		} else if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s is %s", st->produces,
			    S_ISREG(sb.st_mode) ? "empty" : "not a file");
		} else if (sha256_file(st->produces, sha) != 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s cannot be read: %s",
			    st->produces, strerror(errno));
		} else {
			size = (long long)sb.st_size;
			art = xasprintf("%s: %lld bytes, sha256 %s",
			    st->produces, size, sha);
		}
	}
	/* The values it set (`outputs`): all of them, or it fails. */
	if (state == STEP_PASSED && st->rb != NULL && !st->undo &&
	    st->rb->n_outputs > 0) {
		if (session_outputs_read(s, i, attempt, &vals, &notes,
		    &reason) != 0)
			state = STEP_FAILED;
		else
			outs = session_outputs_detail(&vals);
	}
	/* A failed attempt of a step retried until it passes (`until`):
	 * the step goes on running, its next attempt due at next. */
	waiting = state == STEP_FAILED && session_wait_again(s, i, as, &next,
	    &ran_out);
	if (waiting) {
		wait_left(left, sizeof left, st->wait_since +
		    st->rb->until.within - next);
		again = xasprintf("%s; waiting: attempt %d ended, the next "
		    "in %u s (%s left to wait)", reason != NULL ? reason : desc,
		    attempt, st->rb->until.interval, left);
	} else if (ran_out != NULL && state == STEP_FAILED) {
		free(reason);
		reason = ran_out;
		ran_out = NULL;
	}
	if (journal_begin(s->j, cause) != 0 ||
	    journal_action_finish(s->j, &ja, cause) != 0 ||
	    (art != NULL && (journal_action_artifact(s->j, s->run_id, st->key,
	    attempt, st->produces, size, sha, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_ARTIFACT, st->key, art,
	    NULL, cause) != 0)) ||
	    (notes != NULL && journal_append(s->j, s->run_id, JOURNAL_EV_NOTE,
	    st->key, notes, NULL, cause) != 0) ||
	    (outs != NULL && journal_append(s->j, s->run_id,
	    JOURNAL_EV_OUTPUT, st->key, outs, NULL, cause) != 0) ||
	    (waiting && journal_append(s->j, s->run_id, as->timed_out ?
	    JOURNAL_EV_TIMEOUT : JOURNAL_EV_EXIT, st->key, again, NULL,
	    cause) != 0) ||
	    (!waiting && session_set_journal(s, i, state, reason,
	    as->timed_out ? JOURNAL_EV_TIMEOUT : JOURNAL_EV_EXIT,
	    reason != NULL ? reason : desc, &seq, &last, cause) != 0) ||
	    journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		step_env_free(&vals);
		free(again);
		free(ran_out);
		free(notes);
		free(outs);
		free(art);
		free(reason);
		free(desc);
		return -1;
	}
	free(again);
	free(ran_out);
	free(notes);
	free(outs);
	if (waiting) {
		st->exit_status = code;
		st->wait_next = next;
		free(art);
		free(reason);
		free(desc);
		action_proc_close(&sl->proc);
		session_boundary(SESSION_AT_RECORDED, st);
		return 0;
	}
	session_wait_end(s, i);
	session_set_apply(s, i, state, reason, seq, last);
	if (state == STEP_PASSED)
		session_outputs_apply(s, i, &vals);
	step_env_free(&vals);
	if (art != NULL) {
		st->artifact_size = size;
		memcpy(st->artifact_sha256, sha, sizeof sha);
	}
	st->exit_status = code;
	free(art);
	free(reason);
	free(desc);
	session_slot_release(s, i);
	session_boundary(SESSION_AT_RECORDED, st);
	return 0;
}

/* Step i ended for good without an exit status of its own: failed, why
 * its reason and the exit event's detail, its slot freed. */
static int
slot_failed(struct session *s, size_t i, const char *why, char **cause)
{
	if (session_set(s, i, STEP_FAILED, why, JOURNAL_EV_EXIT, why,
	    cause) != 0)
		return -1;
	session_slot_release(s, i);
	return 0;
}

/* A command whose outcome cannot be known: an action is put in doubt for
 * the operator to judge; a read-only command simply runs again. */
static int
in_doubt_record(struct session *s, size_t i, const char *why, char **cause)
{
	char	*again;
	int	 r;

	if (session_read_only(&s->steps->v[i])) {
		again = xasprintf("%s; read-only, it runs again", why);
		r = session_set(s, i, STEP_READY, NULL, JOURNAL_EV_IN_DOUBT,
		    again, cause);
		free(again);
	} else
		r = session_set(s, i, STEP_IN_DOUBT, why, JOURNAL_EV_IN_DOUBT,
		    why, cause);
	if (r != 0)
		return -1;
	session_slot_release(s, i);
	return 0;
}

/* Whether an attempt on a host ended so that what happened there is
 * unknown here: ssh's own failure (255: no connection, or the link
 * dropped), or ssh killed by a signal (a timeout or a cancel stops ssh;
 * the command on the host is then stopped by remote_settle). Another
 * transport has no status of its own apart from its command's (kubectl
 * exec exits 1 for its own failures too), so any exit but 0 is unsure
 * there: the host's status file, read through the same transport, tells
 * the command's own status from the transport's. */
static bool
remote_unsure(const struct session *s, const struct step *st,
    const struct action_status *as)
{
	bool	other = s->rb != NULL && s->rb->transport != NULL;

	return st->host != NULL && (!as->exited || as->timed_out ||
	    as->cancelled || (other ? as->exit_code != 0 :
	    as->exit_code == 255));
}

/* Ask step i's host how its attempt went (stopping it there first when
 * it timed out or was cancelled: as, or NULL), and settle the step by
 * what it says: exited (recorded as if ssh had said it), never started
 * (failed: nothing ran), still running or gone without a status (in
 * doubt, for the operator); a host that does not answer leaves an action
 * in doubt and fails a check, naming the host. why: what made stepup
 * ask. */
static int
remote_settle(struct session *s, size_t i, const struct action_status *how,
    const char *why, char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct action_status	 as;
	enum remote_state	 state;
	char			*said = NULL, *text, *note, *where;
	long			 pid = 0;
	int			 status = -1, r;
	bool			 stop;
	int			 attempt = session_slot_of(s, i) != NULL ?
				     session_slot_of(s, i)->attempt :
				     (int)st->attempts;

	stop = how != NULL && (how->timed_out || how->cancelled);
	if (session_remote_state(s, i, attempt, stop, &state, &status,
	    &pid, &said) != 0) {
		text = xasprintf("%s; %s: whether the command ran there is "
		    "unknown", why, said);
		free(said);
		if (!session_read_only(st)) {
			r = in_doubt_record(s, i, text, cause);
			free(text);
			return r;
		}
		r = slot_failed(s, i, text, cause);
		free(text);
		return r;
	}
	switch (state) {
	case REMOTE_EXITED:
		where = session_remote_log(s, i, attempt);
		note = xasprintf("%s; %s says attempt %d exited %d (its output "
		    "there: %s)", why, st->host, attempt, status,
		    where != NULL ? where : "?");
		free(where);
		r = journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key,
		    note, NULL, cause);
		free(note);
		if (r != 0)
			return -1;
		memset(&as, 0, sizeof as);
		as.exited = true;
		as.exit_code = status;
		as.timed_out = stop && how->timed_out;
		as.cancelled = stop && how->cancelled;
		as.started = st->started;
		as.ended = journal_now();
		return finished_record(s, i, &as, cause);
	case REMOTE_NONE:
		text = xasprintf("%s; the command did not start on %s", why,
		    st->host);
		r = slot_failed(s, i, text, cause);
		free(text);
		return r;
	case REMOTE_RUNNING:
		text = xasprintf("%s; it is still running on %s (pid %ld)", why,
		    st->host, pid);
		break;
	default:
		text = xasprintf("%s; it is gone on %s and left no exit status",
		    why, st->host);
		break;
	}
	r = in_doubt_record(s, i, text, cause);
	free(text);
	return r;
}

int
session_finished(struct session *s, size_t i, const struct action_status *as,
    char **cause)
{
	const struct step	*st = &s->steps->v[i];
	char			*desc, *why;
	int			 r;

	if (!remote_unsure(s, st, as))
		return finished_record(s, i, as, cause);
	desc = action_status_describe(as);
	why = xasprintf("%s to %s ended: %s", rb_transport_name(s->rb), st->host,
	    desc);
	free(desc);
	r = remote_settle(s, i, as, why, cause);
	free(why);
	return r;
}

int
session_remote_recheck(struct session *s, size_t i, char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct action_status	 as;
	enum remote_state	 state;
	char			*said = NULL, *note, *where;
	long			 pid = 0;
	int			 status = -1, attempt;

	if (st->host == NULL || st->state != STEP_IN_DOUBT ||
	    st->attempts == 0 || session_slot_of(s, i) != NULL ||
	    s->n_running >= SESSION_SLOTS)
		return 0;
	if (session_remote_state(s, i, (int)st->attempts, false, &state,
	    &status, &pid, &said) != 0) {
		/* Still no answer: it stays in doubt, saying why now. */
		note = xasprintf("asked again: %s: whether the command ran "
		    "there is still unknown", said);
		free(said);
		if (journal_begin(s->j, cause) != 0) {
			free(note);
			return -1;
		}
		if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key,
		    note, NULL, cause) != 0 || journal_step_set(s->j,
		    s->run_id, st->key, step_state_name(STEP_IN_DOUBT), note,
		    cause) != 0 || journal_commit(s->j, cause) != 0) {
			journal_rollback(s->j);
			free(note);
			return -1;
		}
		free(st->reason);
		st->reason = note;
		return 0;
	}
	if (state != REMOTE_EXITED)
		return 0;
	attempt = (int)st->attempts;
	where = session_remote_log(s, i, attempt);
	note = xasprintf("in doubt (%s); %s says attempt %d exited %d (its "
	    "output there: %s)", st->reason != NULL ? st->reason : "?",
	    st->host, attempt, status, where != NULL ? where : "?");
	free(where);
	if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key, note,
	    NULL, cause) != 0) {
		free(note);
		return -1;
	}
	free(note);
	memset(&as, 0, sizeof as);
	as.exited = true;
	as.exit_code = status;
	as.started = st->started;
	as.ended = journal_now();
	session_slot_take(s, i)->attempt = attempt;
	st->away = true;
	if (s->away == NONE)
		s->away = i;
	return finished_record(s, i, &as, cause);
}

int
session_in_doubt(struct session *s, size_t i, const char *why, char **cause)
{
	if (s->steps->v[i].host != NULL)
		return remote_settle(s, i, NULL, why, cause);
	return in_doubt_record(s, i, why, cause);
}

/* Follow the command in slot sl one turn: the next attempt of a wait
 * started when it is due, an end recorded. *ended when the slot is free
 * after it; *slice lowered to when it is next worth looking. */
static int
slot_turn(struct session *s, struct session_slot *sl, bool *ended,
    int *slice, char **cause)
{
	struct action_status	as;
	enum action_state	state;
	const struct step	*st;
	size_t			i = sl->step;
	long long		now;

	st = &s->steps->v[i];
	if (st->wait_next != 0) {
		/* Between two attempts of a wait: the next one starts when
		 * it is due, through the door. */
		now = journal_now();
		if (now >= st->wait_next) {
			if (session_launch(s, i, cause) != 0)
				return -1;
			*slice = 0;
		} else if ((st->wait_next - now) * 1000 < *slice)
			*slice = (int)((st->wait_next - now) * 1000);
		return 0;
	}
	memset(&as, 0, sizeof as);
	if (action_poll(sl->proc.pid, sl->proc.start, sl->status_path,
	    &state, &as, cause) != 0)
		return -1;
	if (state == ACTION_FINISHED) {
		if (session_finished(s, i, &as, cause) != 0)
			return -1;
		if (session_slot_of(s, i) != NULL)
			*slice = 0;	/* waiting: another attempt */
		else
			*ended = true;
	} else if (state == ACTION_IN_DOUBT) {
		if (session_in_doubt(s, i, "its supervisor is gone and it "
		    "left no exit status", cause) != 0)
			return -1;
		*ended = true;
	}
	return 0;
}

int
session_wait(struct session *s, int timeout_ms, char **cause)
{
	struct pollfd		pfd[SESSION_SLOTS];
	long long		deadline = 0, left;
	size_t			k, n_fd, group;
	int			slice;
	bool			ended;

	if (s->n_running == 0)
		return 1;
	if (s->watching)
		return session_watch_wait(s, timeout_ms, cause);
	if (timeout_ms > 0)
		deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		ended = false;
		slice = 200;
		group = session_fork_group(s);
		for (k = 0; k < SESSION_SLOTS; k++) {
			if (s->slots[k].step != NONE &&
			    slot_turn(s, &s->slots[k], &ended, &slice,
			    cause) != 0)
				return -1;
		}
		if (ended) {
			/* A fork freed: the group's next hosts, if any
			 * (all of its forks may have ended at once). */
			session_fill(s, group);
			if (s->n_running == 0)
				return 1;
			if (timeout_ms >= 0)
				return 0;	/* for the front end to say */
		}
		if (slice == 0)
			continue;
		if (timeout_ms == 0)
			return 0;
		if (timeout_ms > 0) {
			left = deadline - monotonic_ms();
			if (left <= 0)
				return 0;
			if (left < slice)
				slice = (int)left;
		}
		/* The wake-up: any supervisor's end. */
		for (k = 0, n_fd = 0; k < SESSION_SLOTS; k++) {
			if (s->slots[k].step != NONE &&
			    s->slots[k].proc.fd >= 0 &&
			    s->steps->v[s->slots[k].step].wait_next == 0) {
				pfd[n_fd].fd = s->slots[k].proc.fd;
				pfd[n_fd].events = POLLIN;
				n_fd++;
			}
		}
		if (n_fd > 0) {
			if (poll(pfd, n_fd, slice) < 0 && errno == EINTR)
				return 0;
		} else {
			struct timespec ts = { 0, (long)slice * 1000000L };

			if (nanosleep(&ts, NULL) != 0 && errno == EINTR)
				return 0;
		}
	}
}

int
session_wait_fd(const struct session *s)
{
	const struct session_slot	*sl;
	size_t				 first = session_first_running(s);

	if (first == NONE || (sl = session_slot_of(s, first)) == NULL)
		return -1;
	return sl->proc.fd;
}

size_t
session_n_running(const struct session *s)
{
	return s->n_running;
}

/* Cancel the command of step i: the end of its wait when it is between
 * two attempts, else SIGTERM, then SIGKILL, to its process group. */
static int
slot_cancel(struct session *s, size_t i, char **cause)
{
	struct session_slot	*sl = session_slot_of(s, i);
	struct step		*st = &s->steps->v[i];
	char			*why;
	long long		 next;
	int			 r;

	st->cancelled = true;
	if (st->wait_next != 0) {
		/* Between two attempts: nothing to signal; the wait ends. */
		struct action_status as;

		memset(&as, 0, sizeof as);
		as.cancelled = true;
		as.exited = st->exit_status < 128;
		as.exit_code = as.exited ? st->exit_status : -1;
		as.signal = as.exited ? 0 : st->exit_status - 128;
		(void)session_wait_again(s, i, &as, &next, &why);
		r = session_set(s, i, STEP_FAILED, why, JOURNAL_EV_CANCEL,
		    "cancel asked while waiting: no more attempts", cause);
		free(why);
		if (r != 0)
			return -1;
		session_wait_end(s, i);
		session_slot_release(s, i);
		return 0;
	}
	if (journal_append(s->j, s->run_id, JOURNAL_EV_CANCEL, st->key,
	    "cancel asked: SIGTERM, then SIGKILL", NULL, cause) != 0)
		return -1;
	return action_cancel(sl->proc.pid, sl->proc.start, cause);
}

int
session_cancel(struct session *s, char **cause)
{
	size_t	k, first = session_first_running(s);

	if (first == NONE) {
		*cause = xstrdup("nothing is running");
		return -1;
	}
	if (session_gate(s, first, SESSION_ACT_CANCEL, cause) != 0)
		return -1;
	/* Every host of the group that runs, and no more of them. */
	s->fill_stop = true;
	for (k = 0; k < SESSION_SLOTS; k++) {
		if (s->slots[k].step != NONE &&
		    slot_cancel(s, s->slots[k].step, cause) != 0)
			return -1;
	}
	return 0;
}

/* A read step whose document is its own `text`: written once, expanded,
 * next to the run's logs (0600), so that every front end pages a file. */
static int
session_text_document(struct session *s, size_t i, char **path,
    char **cause)
{
	const struct step	*st = &s->steps->v[i];
	char			*log = NULL, *status = NULL, *doc;
	size_t			 len;
	int			 fd, saved;
	ssize_t			 w;

	if (journal_action_paths(s->j, s->run_id, st->key, 0, &log, &status,
	    cause) != 0)
		return -1;
	/* "STEP.0.log" -> "STEP.text" */
	len = strlen(log);
	if (len > 6 && strcmp(log + len - 6, ".0.log") == 0)
		log[len - 6] = '\0';
	doc = xasprintf("%s.text", log);
	free(log);
	free(status);
	fd = open(doc, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		*cause = xasprintf("step %zu (%s): cannot write %s: %s", i + 1,
		    st->key, doc, strerror(errno));
		free(doc);
		return -1;
	}
	len = strlen(st->text);
	w = write(fd, st->text, len);
	if (w == (ssize_t)len && (len == 0 || st->text[len - 1] != '\n'))
		w = write(fd, "\n", 1) == 1 ? (ssize_t)len : -1;
	saved = errno;
	if (close(fd) == -1 || w != (ssize_t)len) {
		*cause = xasprintf("step %zu (%s): cannot write %s: %s", i + 1,
		    st->key, doc, strerror(w == -1 ? saved : ENOSPC));
		free(doc);
		return -1;
	}
	*path = doc;
	return 0;
}

int
session_document(struct session *s, size_t i, char **path, char **cause)
{
	struct step	*st;
	char		*why;
	int		 r;

	*path = NULL;
	if (s->steps == NULL || i >= s->steps->n ||
	    s->steps->v[i].kind != RB_READ) {
		*cause = xasprintf("step %zu is not a read step", i + 1);
		return -1;
	}
	st = &s->steps->v[i];
	if (st->run == NULL && st->file == NULL && st->text != NULL)
		return session_text_document(s, i, path, cause);
	if (st->run == NULL) {
		if (st->file == NULL) {
			*cause = xasprintf("step %zu (%s) has no document",
			    i + 1, st->key);
			return -1;
		}
		if (access(st->file, R_OK) != 0) {
			*cause = xasprintf("step %zu (%s): cannot read %s: %s",
			    i + 1, st->key, st->file, strerror(errno));
			return -1;
		}
		if ((why = trust_path(st->file)) != NULL) {
			*cause = xasprintf("step %zu (%s): the document %s is "
			    "not trusted: %s", i + 1, st->key, st->file, why);
			free(why);
			return -1;
		}
		*path = xstrdup(st->file);
		return 0;
	}
	/* The document is a command's output: run it through the door;
	 * a watcher sees the output its holder's run made, if any. */
	if (s->watching) {
		if (s->logs[i] == NULL) {
			*cause = xasprintf("step %zu (%s): its document is a "
			    "command's output, not made yet (%s)", i + 1,
			    st->key, s->ro_why);
			return -1;
		}
	} else if (st->state != STEP_READY || s->logs[i] == NULL ||
	    st->exit_status != 0) {
		if (!(st->state == STEP_READY && s->n_running == 0 &&
		    steps_needs_met(s->steps, i, NULL)) &&
		    session_gate(s, i, SESSION_ACT_RETRY, cause) != 0)
			return -1;
		if (session_launch(s, i, cause) != 0)
			return -1;
		r = session_wait(s, -1, cause);
		if (r < 0)
			return -1;
		if (st->state != STEP_READY) {
			*cause = xasprintf("step %zu (%s): the command that "
			    "makes the document failed: %s", i + 1, st->key,
			    st->reason != NULL ? st->reason : "?");
			return -1;
		}
	}
	*path = xstrdup(s->logs[i]);
	return 0;
}

/* --- version probes --------------------------------------------------------- */

int
session_probe_door(void *arg, const char *what, const char *command,
    const char *outcome, char **cause)
{
	struct session	*s = arg;
	char		*detail;
	int		 r;

	if (outcome == NULL) {
		/* Before it runs. With no run yet there is nothing to
		 * resume: its outcome is journaled when the run begins. */
		if (s->run_id == 0)
			return 0;
		detail = xasprintf("probe %s: %s", what, command);
		r = journal_append(s->j, s->run_id, JOURNAL_EV_START, NULL,
		    detail, NULL, cause);
		free(detail);
		return r;
	}
	detail = xasprintf("%s: %s\n%s", what, command, outcome);
	if (s->run_id != 0) {
		r = journal_append(s->j, s->run_id, JOURNAL_EV_PROBE, NULL,
		    detail, NULL, cause);
		free(detail);
		return r;
	}
	s->probes = xreallocarray(s->probes, s->n_probes + 1, sizeof *s->probes);
	s->probes[s->n_probes].what = xstrdup(what);
	s->probes[s->n_probes].detail = detail;
	s->n_probes++;
	return 0;
}

/* --- the shell ------------------------------------------------------------- */

int
session_shell(struct session *s, size_t i, char **cause)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	const char		*sh = getenv("SHELL");
	char			*argv[3], **envp;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_SHELL, cause) != 0)
		return -1;
	if (sh == NULL || *sh == '\0')
		sh = "/bin/sh";
	if (journal_append(s->j, s->run_id, JOURNAL_EV_SHELL,
	    s->steps->v[i].key, sh, NULL, cause) != 0)
		return -1;
	envp = step_env_envp(&s->steps->v[i].env, environ);
	argv[0] = (char *)sh;
	argv[1] = (char *)"-i";
	argv[2] = NULL;
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.path = sh;
	spec.envp = envp;
	spec.cwd = s->state_dir;
	spec.interactive = true;
	r = spawn_run(&spec, &res, cause);
	spawn_result_free(&res);
	step_envp_free(envp);
	if (r != 0)
		return -1;
	return journal_append(s->j, s->run_id, JOURNAL_EV_NOTE,
	    s->steps->v[i].key, "back from the shell", NULL, cause);
}
