/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-remote.c: a host's instance of a step (`on`), through the
 * operator's OpenSSH client or the runbook's `transport` (an argument
 * vector exec'd as is, the host one argument): the argument vector and
 * the script its
 * attempt runs (remote.c's detached command, its environment sent on
 * stdin, never on a command line), and what the host says of an attempt
 * afterwards. Below the door, which decides what that means. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "journal.h"
#include "remote.h"
#include "session-int.h"
#include "sha256.h"
#include "spawn.h"
#include "steps.h"
#include "util.h"

extern char **environ;

/* Where attempts are kept on a host, relative to the remote home. */
#define REMOTE_STATE_DEFAULT	".local/state/stepup/attempts"
/* Seconds a status query may take in all (its connect timeout is
 * remote.h's REMOTE_ASK_TIMEOUT). */
#define REMOTE_QUERY_TIMEOUT	60

/* Where this run's ssh master connections keep their sockets: a
 * directory of the run's in the state directory, or NULL (no reuse)
 * when its path is too long for a socket's or holds what ssh reads as
 * its own. The caller frees it. */
static char *
session_remote_control_dir(const struct session *s)
{
	char	*dir;

	if (s->state_dir == NULL || s->run_id == 0)
		return NULL;
	dir = xasprintf("%s/ssh-%lld", s->state_dir, s->run_id);
	if (remote_control_dir_refused(dir) != NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* How this run reaches its hosts for use; rs->control_dir is the
 * caller's to free. */
static void
session_remote_ssh(const struct session *s, enum remote_use use,
    struct remote_ssh *rs)
{
	const char	*cfg = getenv("STEPUP_SSH_CONFIG");
	char		*dir;

	remote_ssh_init(rs, use);
	rs->config = cfg != NULL && *cfg != '\0' ? cfg : NULL;
	if ((dir = session_remote_control_dir(s)) != NULL &&
	    mkdir(dir, 0700) != 0 && errno != EEXIST) {
		free(dir);
		dir = NULL;
	}
	rs->control_dir = dir;
}

void
session_remote_close(struct session *s)
{
	const struct inventory	*inv;
	struct remote_ssh	 rs;
	const struct step	*st;
	const char		**hosts;
	char			*dir, *cause;
	bool			*seen;
	size_t			 i, n = 0;
	long			 h;

	if (s->watching || s->n_running > 0 || s->rb == NULL ||
	    s->rb->transport != NULL || (inv = s->rb->inventory) == NULL ||
	    (dir = session_remote_control_dir(s)) == NULL)
		return;
	if (access(dir, F_OK) != 0) {
		free(dir);
		return;
	}
	/* The hosts a command of the run went to, each once. */
	session_remote_ssh(s, REMOTE_USE_ASK, &rs);
	hosts = xcalloc(inv->nhosts + 1, sizeof *hosts);
	seen = xcalloc(inv->nhosts + 1, sizeof *seen);
	for (i = 0; s->steps != NULL && i < s->steps->n; i++) {
		st = &s->steps->v[i];
		if (st->host == NULL || st->attempts == 0 ||
		    (h = inventory_host(inv, st->host)) < 0 || seen[h])
			continue;
		seen[h] = true;
		hosts[n++] = st->host;
	}
	if (remote_ssh_close(&rs, hosts, n, &cause) < 0)
		free(cause);
	free(seen);
	(void)rmdir(dir);
	free(hosts);
	free((char *)rs.control_dir);
	free(dir);
}

/* The argument vector reaching host for use, its command a POSIX shell
 * reading its script on stdin: the runbook's transport, or ssh running
 * sh -s. */
static int
session_remote_argv(const struct session *s, enum remote_use use,
    const char *host, char ***argv, char **cause)
{
	struct remote_ssh	rs;
	int			r;

	if (s->rb != NULL && s->rb->transport != NULL)
		return remote_transport_argv(s->rb->transport, host, argv,
		    cause);
	session_remote_ssh(s, use, &rs);
	r = remote_ssh_argv(&rs, host, "sh -s", argv, cause);
	free((char *)rs.control_dir);
	return r;
}

static const char *
session_remote_dir(void)
{
	const char	*d = getenv("STEPUP_REMOTE_DIR");

	return d != NULL && *d != '\0' ? d : REMOTE_STATE_DEFAULT;
}

/* The attempt's name on the host: this run (its journal's state
 * directory on this host, its path resolved, its id and when it began,
 * hashed: a journal
 * made again at the same place numbers its runs again), the step's key
 * and the attempt, every byte a name cannot hold (and '_') written _XX,
 * so that two keys never share a name. */
static int
session_remote_attempt(struct session *s, const struct step *st,
    int attempt, char **name, char **cause)
{
	struct journal_run	*run = NULL;
	struct sha256		 h;
	unsigned char		 d[32];
	struct buf		 b;
	char			 host[256], *which, *dir;
	const char		*p;

	if (journal_run_get(s->j, s->run_id, &run, cause) != 0)
		return -1;
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	/* However the state directory is spelt on resume. */
	if (s->state_dir == NULL)
		dir = xstrdup("");
	else if ((dir = realpath(s->state_dir, NULL)) == NULL)
		dir = xstrdup(s->state_dir);
	which = xasprintf("%s\n%s\n%lld\n%lld", host, dir, s->run_id,
	    run != NULL ? run->started : 0);
	free(dir);
	journal_run_free(run);
	sha256_init(&h);
	sha256_update(&h, which, strlen(which));
	sha256_final(&h, d);
	free(which);
	buf_init(&b);
	buf_printf(&b, "%02x%02x%02x%02x%02x%02x-", d[0], d[1], d[2], d[3],
	    d[4], d[5]);
	for (p = st->key; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-')
			buf_putc(&b, *p);
		else
			buf_printf(&b, "_%02x", (unsigned char)*p);
	}
	buf_printf(&b, "-%d", attempt);
	*name = buf_take(&b);
	return 0;
}

int
session_remote_launch(struct session *s, size_t i, int attempt,
    const struct step_env *env, char ***argv, char **input, char **cause)
{
	const struct step	*st = &s->steps->v[i];
	struct buf		 b;
	char			*name, *script;
	size_t			 k;
	int			 r;

	*argv = NULL;
	*input = NULL;
	buf_init(&b);
	/* The step's environment, as the remote sh reads it back. */
	for (k = 0; k < env->n; k++) {
		if (!remote_name_valid(env->v[k].name)) {
			*cause = xasprintf("'%s' cannot be a variable's name "
			    "on %s", env->v[k].name, st->host);
			buf_free(&b);
			return -1;
		}
		buf_printf(&b, "%s=", env->v[k].name);
		if (remote_quote(&b, env->v[k].value, strlen(env->v[k].value),
		    cause) != 0) {
			buf_free(&b);
			return -1;
		}
		buf_printf(&b, "\nexport %s\n", env->v[k].name);
	}
	if (session_remote_attempt(s, st, attempt, &name, cause) != 0) {
		buf_free(&b);
		return -1;
	}
	r = remote_detach_script(session_remote_dir(), name, st->run, true,
	    &script, cause);
	free(name);
	if (r != 0) {
		buf_free(&b);
		return -1;
	}
	buf_puts(&b, script);
	free(script);
	if (session_remote_argv(s, REMOTE_USE_RUN, st->host, argv,
	    cause) != 0) {
		buf_free(&b);
		return -1;
	}
	*input = buf_take(&b);
	return 0;
}

/* The last line of what ssh said, trimmed, or "" */
static char *
last_line(const char *s)
{
	const char	*end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	return xstrndup(start, (size_t)(end - start));
}

char *
session_remote_log(struct session *s, size_t i, int attempt)
{
	char	*name, *cause, *path;

	if (session_remote_attempt(s, &s->steps->v[i], attempt, &name,
	    &cause) != 0) {
		free(cause);
		return NULL;
	}
	path = xasprintf("%s:%s/%s/log", s->steps->v[i].host,
	    session_remote_dir(), name);
	free(name);
	return path;
}

int
session_remote_state(struct session *s, size_t i, int attempt, bool stop,
    enum remote_state *state, int *status, long *pid, char **cause)
{
	const struct step	*st = &s->steps->v[i];
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*name, *script, **argv, *why, *said;
	size_t			 len;
	int			 fd[2], r;

	if (session_remote_attempt(s, st, attempt, &name, cause) != 0)
		return -1;
	if (stop)
		r = remote_stop_script(session_remote_dir(), name,
		    ACTION_GRACE_DEFAULT, &script, cause);
	else
		r = remote_status_script(session_remote_dir(), name, &script,
		    cause);
	free(name);
	if (r != 0)
		return -1;
	if (session_remote_argv(s, REMOTE_USE_ASK, st->host, &argv,
	    cause) != 0) {
		free(script);
		return -1;
	}
	/* A few hundred bytes: the pipe holds them before ssh starts. */
	len = strlen(script);
	if (pipe2(fd, O_CLOEXEC) == -1 || write(fd[1], script,
	    len) != (ssize_t)len) {
		*cause = xasprintf("cannot ask %s: a pipe: %s", st->host,
		    strerror(errno));
		free(script);
		remote_argv_free(argv);
		return -1;
	}
	close(fd[1]);
	free(script);
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.envp = environ;
	spec.io[0] = SPAWN_FD;
	spec.fd[0] = fd[0];
	spec.io[1] = spec.io[2] = SPAWN_CAPTURE;
	spec.group = SPAWN_NEW_GROUP;
	spec.quiet = true;
	spec.timeout = REMOTE_QUERY_TIMEOUT + (stop ? ACTION_GRACE_DEFAULT : 0);
	spec.grace = 1;
	spec.max_out = spec.max_err = 4096;
	r = spawn_run(&spec, &res, &why);
	close(fd[0]);
	remote_argv_free(argv);
	if (r != 0) {
		*cause = xasprintf("cannot ask %s: %s", st->host, why);
		free(why);
		spawn_result_free(&res);
		return -1;
	}
	if (res.status != 0) {
		said = last_line(res.err.data);
		*cause = xasprintf("%s cannot be reached through %s%s%s%s",
		    st->host, rb_transport_name(s->rb), *said != '\0' ? " (" : "", said, *said != '\0' ? ")" :
		    res.timed_out ? " (timed out)" : "");
		free(said);
		spawn_result_free(&res);
		return -1;
	}
	r = remote_status_parse(res.out.data, state, status, pid, &why);
	spawn_result_free(&res);
	if (r != 0) {
		*cause = xasprintf("%s: %s", st->host, why);
		free(why);
		return -1;
	}
	return 0;
}
