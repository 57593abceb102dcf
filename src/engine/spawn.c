/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* spawn.c: start, set up and exec every child process stepup makes; wait
 * for it, capturing its output, and stop its process group on a timeout.
 * A command starts with vfork (no copy of stepup's memory), a function of
 * stepup's with fork. See spawn.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

extern char **environ;

/* ---- the child ----------------------------------------------------------- */

/* Say why the child cannot run, on its stderr, unless quiet: in pieces
 * (writev), since a vfork'ed child must not format into buffers that may
 * be allocated. */
static void
child_say(const struct spawn_spec *spec, const char *what, const char *name,
    int errnum)
{
	struct iovec	v[7];
	const char	*why = strerror(errnum);
	size_t		i = 0;

	if (spec->quiet)
		return;
#define PIECE(s) do { v[i].iov_base = (void *)(s); \
	v[i].iov_len = strlen(s); i++; } while (0)
	PIECE("stepup: cannot ");
	PIECE(what);
	PIECE(" ");
	PIECE(name);
	PIECE(": ");
	PIECE(why);
	PIECE("\n");
#undef PIECE
	(void)writev(STDERR_FILENO, v, (int)i);
}

/* Put fd on the child's descriptor n, kept across exec. */
static int
child_dup(int fd, int n)
{
	int	flags;

	if (fd != n)
		return dup2(fd, n) == -1 ? -1 : 0;
	/* dup2 onto itself keeps close-on-exec: clear it. */
	if ((flags = fcntl(fd, F_GETFD)) == -1)
		return -1;
	return fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
}

/* In the child: group, descriptors, signals, directory, then exec (or the
 * function). cap[] are the write ends of spawn_run's pipes, or -1. A
 * command's child is vfork's: it shares stepup's memory until the exec,
 * so it writes nothing but its own stack and errno, calls no function
 * that may allocate, and runs with every signal blocked until each has
 * its default action (no handler of stepup's runs in it). */
static void __attribute__((noreturn))
child(const struct spawn_spec *spec, const int cap[3])
{
	char		*shell_argv[] = { "sh", "-c", NULL, NULL };
	char *const	*argv, *const *envp;
	const char	*prog;
	sigset_t	 none;
	int		 n, fd = -1, sig;

	if (spec->group == SPAWN_NEW_GROUP)
		setpgid(0, 0);
	else if (spec->group == SPAWN_NEW_SESSION)
		setsid();
	for (n = 0; n < 3; n++) {
		switch (spec->io[n]) {
		case SPAWN_KEEP:
			continue;
		case SPAWN_NULL:
			if ((fd = open("/dev/null", O_RDWR)) == -1)
				_exit(127);
			if (child_dup(fd, n) == -1)
				_exit(127);
			if (fd != n)
				close(fd);
			continue;
		case SPAWN_FD:
			fd = spec->fd[n];
			break;
		case SPAWN_CAPTURE:
			fd = cap[n];
			break;
		}
		if (child_dup(fd, n) == -1)
			_exit(127);
	}
	if (spec->cwd != NULL && chdir(spec->cwd) == -1) {
		child_say(spec, "change to the directory", spec->cwd, errno);
		_exit(127);
	}
	if (spec->fn != NULL)
		_exit(spec->fn(spec->arg));

	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	envp = spec->envp != NULL ? spec->envp : environ;
	if (spec->shell != NULL) {
		shell_argv[2] = (char *)spec->shell;
		argv = shell_argv;
		prog = "/bin/sh";
	} else {
		argv = spec->argv;
		prog = spec->path != NULL ? spec->path : argv[0];
	}
	if (strchr(prog, '/') != NULL)
		execve(prog, argv, envp);
	else
		execvpe(prog, argv, envp);
	child_say(spec, "run", prog, errno);
	_exit(127);
}

/*
 * The child, for a command: vfork. fork() copies the page tables of all
 * of stepup's memory, which grows with the runbook, for a child that
 * execs at once; vfork shares it until the exec (and runs no atfork
 * handler). Every signal is blocked across it, so that none is handled
 * in the child on stepup's memory; the child unblocks them once they are
 * at their default (child()), the parent once vfork has returned.
 */
static pid_t
start_command(const struct spawn_spec *spec, const int cap[3])
{
	sigset_t	all, old;
	pid_t		pid;
	int		saved;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = vfork()) == 0)
		child(spec, cap);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return pid;
}

/* Start the child; cap[] as for child(). */
static int
spawn_fork(const struct spawn_spec *spec, const int cap[3], pid_t *pid,
    char **cause)
{
	const char	*what;

	if (spec->fn == NULL && spec->shell == NULL &&
	    (spec->argv == NULL || spec->argv[0] == NULL)) {
		*cause = xstrdup("cannot start a process without a command");
		return -1;
	}
	/* A function of stepup's needs its own copy of stepup. */
	*pid = spec->fn != NULL ? fork() : start_command(spec, cap);
	switch (*pid) {
	case -1:
		if (spec->fn != NULL) {
			/* The caller names what it starts. */
			*cause = xasprintf("fork: %s", strerror(errno));
			return -1;
		}
		what = spec->shell != NULL ? "/bin/sh" : spec->path != NULL ?
		    spec->path : spec->argv[0];
		*cause = xasprintf("cannot start %s: vfork: %s", what,
		    strerror(errno));
		return -1;
	case 0:
		child(spec, cap);
	}
	/* As the child does, whoever runs first: a kill of the group
	 * cannot miss it. */
	if (spec->group == SPAWN_NEW_GROUP)
		(void)setpgid(*pid, *pid);
	return 0;
}

int
spawn_start(const struct spawn_spec *spec, pid_t *pid, char **cause)
{
	static const int	none[3] = { -1, -1, -1 };

	if (spec->io[0] == SPAWN_CAPTURE || spec->io[1] == SPAWN_CAPTURE ||
	    spec->io[2] == SPAWN_CAPTURE) {
		*cause = xstrdup("cannot capture the output of a process "
		    "that spawn_run() does not wait for");
		return -1;
	}
	return spawn_fork(spec, none, pid, cause);
}

/* ---- waiting ------------------------------------------------------------- */

int
spawn_reap(pid_t pid, int *wstatus)
{
	while (waitpid(pid, wstatus, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

void
spawn_decode(int wstatus, int *status, int *signal)
{
	if (WIFEXITED(wstatus)) {
		*status = WEXITSTATUS(wstatus);
		*signal = 0;
	} else {
		*status = -1;
		*signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	}
}

/* Read what is there on fd into b, keeping at most max bytes (0: all).
 * Returns 0 at end of file, 1 when more may come. */
static int
drain(int fd, struct buf *b, size_t max, bool *truncated)
{
	char	chunk[8192];
	ssize_t	r;
	size_t	room, take;

	r = read(fd, chunk, sizeof chunk);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (r == 0)
		return 0;
	if (max == 0)
		take = (size_t)r;
	else {
		room = b->len < max ? max - b->len : 0;
		take = (size_t)r < room ? (size_t)r : room;
	}
	if (take > 0)
		buf_add(b, chunk, take);
	if (take < (size_t)r)
		*truncated = true;
	return 1;
}

/* Read the captured pipes until both are closed or the timer has killed
 * the group. */
static void
spawn_read(const struct spawn_spec *spec, int fds[3], struct spawn_timer *t,
    struct spawn_result *res)
{
	struct pollfd	 pfd[2];
	struct buf	*b[2] = { &res->out, &res->err };
	bool		*trunc[2] = { &res->out_truncated,
			    &res->err_truncated };
	size_t		 max[2] = { spec->max_out, spec->max_err };
	long long	 left;
	int		 k, open_fds = 0, r, wait_ms;

	for (k = 0; k < 2; k++) {
		pfd[k].fd = fds[k + 1];
		pfd[k].events = POLLIN;
		if (pfd[k].fd != -1)
			open_fds++;
	}
	while (open_fds > 0) {
		left = spawn_timer_tick(t);
		if (t->killed)
			break;
		wait_ms = left < 0 ? -1 : left > 1000 ? 1000 : (int)left;
		r = poll(pfd, 2, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		for (k = 0; k < 2; k++) {
			if (pfd[k].fd >= 0 &&
			    (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    drain(pfd[k].fd, b[k], max[k], trunc[k]) == 0) {
				close(pfd[k].fd);
				pfd[k].fd = -1;
				open_fds--;
			}
		}
	}
	for (k = 0; k < 2; k++) {
		if (pfd[k].fd >= 0)
			close(pfd[k].fd);
	}
}

/* Wait for pid, still enforcing the timer (the child may have closed its
 * output and gone on). */
static void
spawn_wait(pid_t pid, struct spawn_timer *t, int *wstatus)
{
	struct timespec	 ts;
	long long	 left;
	pid_t		 r;

	for (;;) {
		left = spawn_timer_tick(t);
		if (left < 0 || t->killed) {
			(void)spawn_reap(pid, wstatus);
			return;
		}
		r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid || (r == -1 && errno != EINTR))
			return;
		if (left > 20)
			left = 20;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

int
spawn_run(const struct spawn_spec *spec, struct spawn_result *res,
    char **cause)
{
	struct sigaction	 ign, oint, oquit;
	struct spawn_timer	 t;
	int			 cap[3] = { -1, -1, -1 }, rd[3] = { -1, -1, -1 };
	int			 p[2], n, wstatus = 0, r = -1;
	pid_t			 pid;

	memset(res, 0, sizeof *res);
	buf_init(&res->out);
	buf_init(&res->err);
	if (spec->io[0] == SPAWN_CAPTURE) {
		*cause = xstrdup("cannot capture a process's stdin");
		return -1;
	}
	if (spec->timeout > 0 && spec->group == SPAWN_SAME_GROUP) {
		*cause = xstrdup("a process with a timeout needs a process "
		    "group of its own");
		return -1;
	}
	for (n = 1; n < 3; n++) {
		if (spec->io[n] != SPAWN_CAPTURE)
			continue;
		if (pipe2(p, O_CLOEXEC) == -1) {
			*cause = xasprintf("cannot start a process: pipe: %s",
			    strerror(errno));
			goto out;
		}
		rd[n] = p[0];
		cap[n] = p[1];
	}
	if (spec->interactive) {
		memset(&ign, 0, sizeof ign);
		ign.sa_handler = SIG_IGN;
		sigaction(SIGINT, &ign, &oint);
		sigaction(SIGQUIT, &ign, &oquit);
	}
	if (spawn_fork(spec, cap, &pid, cause) == 0) {
		for (n = 1; n < 3; n++) {
			if (cap[n] != -1)
				close(cap[n]);
			cap[n] = -1;
		}
		spawn_timer_init(&t, pid, spec->timeout, spec->grace, -1);
		spawn_read(spec, rd, &t, res);
		rd[1] = rd[2] = -1;	/* closed there */
		spawn_wait(pid, &t, &wstatus);
		spawn_decode(wstatus, &res->status, &res->signal);
		res->timed_out = t.timed_out;
		r = 0;
	}
	if (spec->interactive) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
	}
out:
	for (n = 1; n < 3; n++) {
		if (cap[n] != -1)
			close(cap[n]);
		if (rd[n] != -1)
			close(rd[n]);
	}
	/* Always NUL-terminated, even when nothing came. */
	buf_add(&res->out, "", 0);
	buf_add(&res->err, "", 0);
	return r;
}

void
spawn_result_free(struct spawn_result *res)
{
	buf_free(&res->out);
	buf_free(&res->err);
}

/* ---- stopping a group ---------------------------------------------------- */

static void
timer_note(const struct spawn_timer *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
timer_note(const struct spawn_timer *t, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	if (t->note_fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)write_full(t->note_fd, buf, (size_t)n < sizeof buf ? (size_t)n :
	    sizeof buf - 1);
}

void
spawn_timer_init(struct spawn_timer *t, pid_t pgid, unsigned timeout,
    unsigned grace, int note_fd)
{
	memset(t, 0, sizeof *t);
	t->pgid = pgid;
	t->timeout = timeout;
	t->grace = grace;
	t->note_fd = note_fd;
	t->deadline = timeout > 0 ? monotonic_ms() + (long long)timeout * 1000 :
	    -1;
	t->kill_at = -1;
}

void
spawn_timer_stop(struct spawn_timer *t, const char *why)
{
	if (t->stopping)
		return;
	timer_note(t, "\n[stepup] %s: sending SIGTERM to the command; SIGKILL "
	    "in %u s if it is still running\n", why, t->grace);
	killpg(t->pgid, SIGTERM);
	killpg(t->pgid, SIGCONT);
	t->stopping = true;
	t->kill_at = monotonic_ms() + (long long)t->grace * 1000;
}

long long
spawn_timer_tick(struct spawn_timer *t)
{
	long long	now = monotonic_ms();
	char		why[64];

	if (!t->stopping && t->deadline >= 0 && now >= t->deadline) {
		snprintf(why, sizeof why, "timed out after %u s", t->timeout);
		t->timed_out = true;
		spawn_timer_stop(t, why);
	}
	if (t->stopping && !t->killed && now >= t->kill_at) {
		timer_note(t, "\n[stepup] still running after %u s: sending "
		    "SIGKILL\n", t->grace);
		killpg(t->pgid, SIGKILL);
		t->killed = true;
	}
	if (t->stopping)
		return t->killed ? -1 : t->kill_at - now;
	return t->deadline >= 0 ? t->deadline - now : -1;
}
