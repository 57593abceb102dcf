/* session-door.c: the door: the only code that starts a step's command (or
 * a read step's document, or the operator's shell); each start is journaled
 * durably before the fork, each end recorded. (Version probes: catalog.c.) */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

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
#include "steps.h"
#include "trust.h"
#include "util.h"

extern char **environ;

/* --- the door -------------------------------------------------------------- */

/* Start step i's command: journal "start" durably, then fork. */
static int
session_launch(struct session *s, size_t i, char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct action_spec	 spec;
	char			**envp, *log = NULL, *status = NULL, *detail;
	const char		**secrets;
	size_t			 n_secrets;
	int			 attempt = 0, r;

	if (journal_action_next_attempt(s->j, s->run_id, st->key, &attempt,
	    cause) != 0)
		return -1;
	if (journal_action_paths(s->j, s->run_id, st->key, attempt, &log,
	    &status, cause) != 0)
		return -1;
	detail = xasprintf("attempt %d (%s): %s", attempt,
	    st->kind != RB_ACTION ? "read-only, runs without asking" :
	    session_auto(s, i) ? "after the confirmation" :
	    "the operator said run", st->run);
	if (journal_begin(s->j, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_START, st->key, detail,
	    NULL, cause) != 0 ||
	    journal_step_set(s->j, s->run_id, st->key, "running", NULL,
	    cause) != 0 ||
	    journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		free(detail);
		free(log);
		free(status);
		return -1;
	}
	free(detail);
	step_set(s->steps, i, STEP_RUNNING, NULL);
	st->attempts = (unsigned)attempt;
	st->started = journal_now();
	st->exit_status = -1;
	free(s->logs[i]);
	s->logs[i] = log;
	free(s->status_path);
	s->status_path = status;
	s->attempt = attempt;
	s->running = i;

	envp = step_env_envp(&st->env, environ);
	memset(&spec, 0, sizeof spec);
	spec.command = st->run;
	spec.envp = envp;
	spec.cwd = s->dir;
	spec.log_path = log;
	spec.status_path = status;
	spec.timeout = st->rb != NULL ? st->rb->timeout : 0;
	spec.grace = ACTION_GRACE_DEFAULT;
	secrets = session_secret_values(s, &n_secrets);
	spec.secrets = secrets;
	r = action_start(&spec, &s->proc, cause);
	free(secrets);
	if (r != 0) {
		step_envp_free(envp);
		s->running = NONE;
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

	if (session_record_attempt(s, i, st->started, cause) != 0) {
		/* It runs; its start event is journaled and its status file
		 * is where a later stepup looks. Say so, and go on. */
		free(*cause);
		*cause = NULL;
	}
	return 0;
}

int
session_record_attempt(struct session *s, size_t i, long long started,
    char **cause)
{
	struct journal_action	ja;

	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = s->steps->v[i].key;
	ja.attempt = s->attempt;
	ja.pid = s->proc.pid;
	ja.pid_start = s->proc.start;
	ja.log_path = s->logs[i];
	ja.status_path = s->status_path;
	ja.started = started;
	return journal_action_add(s->j, &ja, cause);
}

int
session_start(struct session *s, size_t i, char **cause)
{
	enum session_act	act = SESSION_ACT_START;

	if (s->steps != NULL && i < s->steps->n &&
	    (s->steps->v[i].state == STEP_FAILED ||
	    s->steps->v[i].state == STEP_IN_DOUBT))
		act = SESSION_ACT_RETRY;
	if (session_gate(s, i, act, cause) != 0)
		return -1;
	return session_launch(s, i, cause);
}

/* Record how step i's command ended. */
int
session_finished(struct session *s, size_t i, const struct action_status *as,
    char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct journal_action	 ja;
	struct stat		 sb;
	char			*desc, *reason = NULL, sha[65];
	enum step_state		 state;
	int			 code;

	desc = action_status_describe(as);
	code = as->exited ? as->exit_code : 128 + as->signal;
	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = st->key;
	ja.attempt = s->attempt;
	ja.ended = as->ended;
	ja.exit_code = as->exited ? as->exit_code : -1;
	ja.signal = as->signal;
	ja.timed_out = as->timed_out;
	ja.cancelled = as->cancelled;
	if (journal_action_finish(s->j, &ja, cause) != 0) {
		free(desc);
		return -1;
	}
	state = code == 0 ? STEP_PASSED : STEP_FAILED;
	if (code != 0)
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
			char *d = xasprintf("%s: %lld bytes, sha256 %s",
			    st->produces, (long long)sb.st_size, sha);

			if (journal_action_artifact(s->j, s->run_id, st->key,
			    s->attempt, st->produces, (long long)sb.st_size,
			    sha, cause) != 0 ||
			    journal_append(s->j, s->run_id, JOURNAL_EV_ARTIFACT,
			    st->key, d, NULL, cause) != 0) {
				free(d);
				free(desc);
				return -1;
			}
			free(d);
			st->artifact_size = (long long)sb.st_size;
			memcpy(st->artifact_sha256, sha, sizeof sha);
		}
	}
	if (session_set(s, i, state, reason, as->timed_out ? JOURNAL_EV_TIMEOUT :
	    JOURNAL_EV_EXIT, reason != NULL ? reason : desc, cause) != 0) {
		free(reason);
		free(desc);
		return -1;
	}
	st->exit_status = code;
	free(reason);
	free(desc);
	action_proc_close(&s->proc);
	s->running = NONE;
	return 0;
}

/* A command whose outcome cannot be known. */
int
session_in_doubt(struct session *s, size_t i, const char *why, char **cause)
{
	if (session_set(s, i, STEP_IN_DOUBT, why, JOURNAL_EV_IN_DOUBT, why,
	    cause) != 0)
		return -1;
	action_proc_close(&s->proc);
	if (s->running == i)
		s->running = NONE;
	return 0;
}

int
session_wait(struct session *s, int timeout_ms, char **cause)
{
	struct action_status	as;
	enum action_state	state;
	struct pollfd		pfd;
	long long		deadline = 0, left;
	int			slice;

	if (s->running == NONE)
		return 1;
	if (timeout_ms > 0)
		deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		memset(&as, 0, sizeof as);
		if (action_poll(s->proc.pid, s->proc.start, s->status_path,
		    &state, &as, cause) != 0)
			return -1;
		if (state == ACTION_FINISHED)
			return session_finished(s, s->running, &as, cause) == 0 ?
			    1 : -1;
		if (state == ACTION_IN_DOUBT)
			return session_in_doubt(s, s->running, "its supervisor "
			    "is gone and it left no exit status", cause) == 0 ?
			    1 : -1;
		if (timeout_ms == 0)
			return 0;
		slice = 200;
		if (timeout_ms > 0) {
			left = deadline - monotonic_ms();
			if (left <= 0)
				return 0;
			if (left < slice)
				slice = (int)left;
		}
		if (s->proc.fd >= 0) {
			pfd.fd = s->proc.fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, slice) < 0 && errno == EINTR)
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
	return s->running != NONE ? s->proc.fd : -1;
}

int
session_cancel(struct session *s, char **cause)
{
	if (s->running == NONE) {
		*cause = xstrdup("nothing is running");
		return -1;
	}
	if (journal_append(s->j, s->run_id, JOURNAL_EV_CANCEL,
	    s->steps->v[s->running].key, "cancel asked: SIGTERM, then SIGKILL",
	    NULL, cause) != 0)
		return -1;
	return action_cancel(s->proc.pid, s->proc.start, cause);
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
	/* The document is a command's output: run it through the door. */
	if (st->state != STEP_READY || s->logs[i] == NULL ||
	    st->exit_status != 0) {
		if (!(st->state == STEP_READY && s->running == NONE &&
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

/* --- the shell ------------------------------------------------------------- */

int
session_shell(struct session *s, size_t i, char **cause)
{
	struct sigaction	 ign, oint, oquit;
	const char		*sh = getenv("SHELL");
	char			**envp;
	pid_t			 pid;
	int			 status;

	if (session_gate(s, i, SESSION_ACT_SHELL, cause) != 0)
		return -1;
	if (sh == NULL || *sh == '\0')
		sh = "/bin/sh";
	if (journal_append(s->j, s->run_id, JOURNAL_EV_SHELL,
	    s->steps->v[i].key, sh, NULL, cause) != 0)
		return -1;
	envp = step_env_envp(&s->steps->v[i].env, environ);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		if (chdir(s->state_dir) != 0)
			_exit(126);
		execle(sh, sh, "-i", (char *)NULL, envp);
		_exit(127);
	}
	step_envp_free(envp);
	if (pid < 0) {
		*cause = xasprintf("cannot start %s: %s", sh, strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (pid < 0)
		return -1;
	return journal_append(s->j, s->run_id, JOURNAL_EV_NOTE,
	    s->steps->v[i].key, "back from the shell", NULL, cause);
}
