/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* action.c: runs a command under a detached supervisor (own session, own
 * log, timeout, status file by atomic rename), and finds it again by pid,
 * start time and status path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "spawn.h"
#include "util.h"

#define STATUS_MAGIC	"stepup-action-status 1"

/* Signals the supervisor ignores (the terminal's, the wizard's) and that
 * the command gets back at their defaults. */
static const int ignored_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR2,
};

/* ---- /proc --------------------------------------------------------------- */

/* Start time and state letter of a process from /proc/PID/stat; false if
 * there is no such process. */
static bool
proc_stat(pid_t pid, unsigned long long *start, char *state)
{
	char		 path[64], buf[1024], *p, *end;
	int		 fd, field;
	ssize_t		 n;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return false;
	p += 2;
	*state = *p;
	for (field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL)
			return false;
		p++;
	}
	errno = 0;
	*start = strtoull(p, &end, 10);
	return errno == 0 && end != p;
}

unsigned long long
action_pid_start(pid_t pid)
{
	unsigned long long	start;
	char			state;

	if (!proc_stat(pid, &start, &state) || state == 'Z' || state == 'X')
		return 0;
	return start;
}

/* The supervisor (pid, start) is alive: same start time, not a zombie. */
static bool
supervisor_alive(pid_t pid, unsigned long long start)
{
	unsigned long long	now = action_pid_start(pid);

	return now != 0 && now == start;
}

/* ---- the supervisor ------------------------------------------------------ */

static void
say(int fd, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	while (write(fd, buf, (size_t)n) == -1 && errno == EINTR)
		;
}

/* Close every descriptor from lo up; close_range when the kernel has it. */
static void
close_from(int lo, int hi)
{
	int	fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
		return;
#endif
	if (hi > 65536)
		hi = 65536;
	for (fd = lo; fd <= hi; fd++)
		close(fd);
}

/* The supervisor's children: the command and, when it has secrets, the
 * masker between its output and the log. */
struct kids {
	pid_t	cmd, masker;
	bool	cmd_done, masker_done;
	int	wstatus;
};

/* Reap every child that has ended: ours, and orphans of the command's,
 * which become ours (PR_SET_CHILD_SUBREAPER). */
static void
reap(struct kids *k)
{
	pid_t	p;
	int	ws;

	while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (p == k->cmd) {
			k->wstatus = ws;
			k->cmd_done = true;
		} else if (p == k->masker)
			k->masker_done = true;
	}
}

/* After SIGKILL to the group: reap its members as they die, until no
 * process is left in it (a zombie is still in it), for at most 5 s (a
 * member whose parent lives outside the group is not ours to reap). */
static void
reap_group(struct kids *k, pid_t pgid)
{
	struct timespec	pause = { 0, 10 * 1000000L };
	int		n;

	for (n = 0; n < 500; n++) {
		reap(k);
		if (kill(-pgid, 0) == -1 && errno == ESRCH)
			return;
		nanosleep(&pause, NULL);
	}
}

/* The masker has the command's output to write until the last writer of
 * the pipe is gone: give it up to 2 s (something the command left in the
 * background may hold the pipe for longer; the masker then goes on by
 * itself, and so does that output). */
static void
wait_masker(struct kids *k)
{
	struct timespec	pause = { 0, 10 * 1000000L };
	int		n;

	for (n = 0; n < 200 && k->masker != -1 && !k->masker_done; n++) {
		reap(k);
		if (!k->masker_done)
			nanosleep(&pause, NULL);
	}
}

/* The masker: the command's output, from the pipe, to the log with every
 * secret value masked, so that none reaches the log even when the command
 * prints it. A process of its own, so that the supervisor's loop does not
 * change. When the log cannot be written (a full disk), it goes on
 * reading, so that the command is never blocked on its output. */
struct masker_args {
	const struct action_spec	*spec;
	int				 in, out, rep, log;
};

static int
run_masker(void *arg)
{
	const struct masker_args	*a = arg;
	const struct action_spec	*spec = a->spec;
	int				 in = a->in, log = a->log;
	struct mask_stream	 m;
	struct buf		 out;
	static char		 chunk[65536];
	ssize_t			 n;
	size_t			 nsec;
	bool			 final;

	/* Not rep: the wizard takes its end for ours. */
	close(a->out);
	close(a->rep);
	for (nsec = 0; spec->secrets[nsec] != NULL; nsec++)
		;
	mask_stream_init(&m, spec->secrets, nsec);
	buf_init(&out);
	do {
		if ((n = read(in, chunk, sizeof chunk)) == -1 && errno == EINTR)
			continue;
		final = n <= 0;
		mask_stream_feed(&m, chunk, final ? 0 : (size_t)n, final,
		    &out);
		if (out.len > 0)
			(void)write_full(log, out.data, out.len);
		out.len = 0;
	} while (!final);
	return 0;
}

/* The directory of path, opened without following a link there (in the
 * state directory, runs/N; see journal_action_paths), with *base pointed
 * at path's last component: files in it are opened relative to it. -1
 * with errno. */
static int
dir_of(const char *path, const char **base)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 fd;

	if (slash == NULL) {
		*base = path;
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	*base = slash + 1;
	dir = slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(dir);
	return fd;
}

/* Write a file by temporary + rename, relative to its directory; with
 * durable, sync the file's data (fdatasync: its size is synced with it;
 * its times need not be) and then the directory (fsync: the new name).
 * Both are needed for the file to be there after a power cut: the data
 * without the name is lost, the name without the data may read empty. */
static int
write_atomic(const char *path, const char *text, bool durable)
{
	const char	*base;
	char		*tmp;
	int		 fd, dfd, saved;
	size_t		 len = strlen(text);

	if ((dfd = dir_of(path, &base)) == -1)
		return -1;
	/* A new file (O_EXCL): what a crash left there is ours to remove. */
	tmp = xasprintf("%s.tmp", base);
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd == -1)
		goto fail;
	if (write_full(fd, text, len) == -1 ||
	    (durable && fdatasync(fd) == -1)) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = saved;
		goto fail;
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, base) == -1) {
		saved = errno;
		unlinkat(dfd, tmp, 0);
		errno = saved;
		goto fail;
	}
	/* The rename itself must survive a crash. */
	if (durable)
		(void)fsync(dfd);
	free(tmp);
	close(dfd);
	return 0;
fail:
	saved = errno;
	free(tmp);
	close(dfd);
	errno = saved;
	return -1;
}

/* The command's stdin: a pipe holding all of input, its end closed, so
 * that writing it never waits for the command to read. */
static int
give_input(const char *input, struct spawn_spec *ss, int rep)
{
	size_t	len = strlen(input), off = 0;
	ssize_t	w;
	int	fd[2];

	if (pipe2(fd, O_CLOEXEC) == -1) {
		say(rep, "error cannot make a pipe: %s\n", strerror(errno));
		return -1;
	}
#ifdef F_SETPIPE_SZ
	if (len > 65536 && fcntl(fd[1], F_SETPIPE_SZ, (int)len) == -1) {
		say(rep, "error the command's input (%zu bytes) does not fit "
		    "a pipe: %s\n", len, strerror(errno));
		return -1;
	}
#endif
	(void)fcntl(fd[1], F_SETFL, O_NONBLOCK);
	while (off < len) {
		if ((w = write(fd[1], input + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			say(rep, "error cannot give the command its input: "
			    "%s\n", strerror(errno));
			return -1;
		}
		off += (size_t)w;
	}
	close(fd[1]);
	ss->io[0] = SPAWN_FD;
	ss->fd[0] = fd[0];
	return 0;
}

/* The supervisor: already in its own session, never a session leader (so
 * it can never get a controlling terminal). Reports "ok PID START" or
 * "error MESSAGE" on rep, keeps rep open until it exits. */
static void __attribute__((noreturn))
supervise(const struct action_spec *spec, int rep)
{
	static char *const	 empty[] = { NULL };
	struct timespec		 left;
	struct action_status	 st;
	struct rusage		 ru;
	struct buf		 b;
	struct spawn_spec	 ss;
	struct spawn_timer	 t;
	struct masker_args	 ma;
	sigset_t		 set;
	siginfo_t		 info;
	unsigned long long	 start;
	struct kids		 k;
	pid_t			 c;
	long long		 ms;
	int			 null, log, out, pfd[2], sig, fd, code, signo, saved;
	char			 state, line[64], *pidfile, *why, **user_argv;
	const char		*base, *how;

	/* Keep only rep (moved above 2) and fresh 0, 1, 2 on /dev/null. */
	if ((fd = fcntl(rep, F_DUPFD_CLOEXEC, 3)) == -1)
		_exit(1);
	rep = fd;
	if (rep > 3)
		close_from(3, rep - 1);
	close_from(rep + 1, INT_MAX);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}

	if ((fd = dir_of(spec->log_path, &base)) != -1) {
		log = openat(fd, base, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		saved = errno;
		close(fd);
		errno = saved;
	} else
		log = -1;
	if (log == -1) {
		say(rep, "error cannot open the log file %s: %s\n",
		    spec->log_path, strerror(errno));
		_exit(1);
	}

	/* Findable before the command starts, even if the wizard dies
	 * before it journals our pid. Not fsync'ed: after a crash of the
	 * machine there is no supervisor to find. */
	if (!proc_stat(getpid(), &start, &state))
		start = 0;
	pidfile = xasprintf("%s.pid", spec->status_path);
	snprintf(line, sizeof line, "%ld %llu\n", (long)getpid(), start);
	if (write_atomic(pidfile, line, false) == -1) {
		say(rep, "error cannot write %s: %s\n", pidfile,
		    strerror(errno));
		_exit(1);
	}
	free(pidfile);

	/* A member of the command's group whose parent exits becomes our
	 * child, not init's: we can reap it, and say the group is gone only
	 * once it is (see reap_group). Linux only; elsewhere, as before. */
#ifdef PR_SET_CHILD_SUBREAPER
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif

	/* With secrets, the command's output goes through the masker; our
	 * own notes too, so that they come in order. */
	memset(&k, 0, sizeof k);
	k.masker = -1;
	out = log;
	if (spec->secrets != NULL && spec->secrets[0] != NULL) {
		if (pipe2(pfd, O_CLOEXEC) == -1) {
			say(rep, "error cannot make a pipe: %s\n",
			    strerror(errno));
			_exit(1);
		}
		ma.spec = spec;
		ma.in = pfd[0];
		ma.out = pfd[1];
		ma.rep = rep;
		ma.log = log;
		memset(&ss, 0, sizeof ss);
		ss.fn = run_masker;
		ss.arg = &ma;
		if (spawn_start(&ss, &k.masker, &why) != 0) {
			say(rep, "error cannot start the masker: %s\n", why);
			_exit(1);
		}
		close(pfd[0]);
		out = pfd[1];
	}

	/* The command: own process group, default signals, output to the
	 * log (or the masker). */
	memset(&st, 0, sizeof st);
	st.started = (long long)time(NULL);
	memset(&ss, 0, sizeof ss);
	user_argv = NULL;
	if (spec->argv != NULL && spec->input != NULL &&
	    give_input(spec->input, &ss, rep) != 0)
		_exit(1);
	if (spec->argv != NULL)
		ss.argv = spec->argv;
	else if (spec->user != NULL) {
		user_argv = action_user_argv(spec->user, spec->command,
		    spec->keep, &how);
		say(out, "[stepup] running as %s, through %s\n", spec->user,
		    how);
		ss.argv = user_argv;
	} else
		ss.shell = spec->command;
	ss.envp = spec->envp != NULL ? spec->envp : empty;
	ss.cwd = spec->cwd;
	ss.io[1] = ss.io[2] = SPAWN_FD;
	ss.fd[1] = ss.fd[2] = out;
	ss.group = SPAWN_NEW_GROUP;
	if (spawn_start(&ss, &c, &why) != 0) {
		say(rep, "error %s\n", why);
		_exit(1);
	}
	k.cmd = c;
	if (ss.io[0] == SPAWN_FD)
		close(ss.fd[0]);
	action_user_argv_free(user_argv);
	spawn_timer_init(&t, c, spec->timeout, spec->grace, out);

	say(rep, "ok %ld %llu\n", (long)getpid(), start);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		reap(&k);
		if (k.cmd_done)
			break;
		ms = spawn_timer_tick(&t);
		left.tv_sec = ms > 0 ? ms / 1000 : 0;
		left.tv_nsec = ms > 0 ? (ms % 1000) * 1000000L : 0;
		sig = sigtimedwait(&set, &info, ms >= 0 ? &left : NULL);
		if ((sig == SIGTERM || sig == SIGUSR1) && !t.stopping) {
			st.cancelled = true;
			spawn_timer_stop(&t, "cancelled");
		}
		(void)spawn_timer_tick(&t);
	}
	if (t.stopping) {
		killpg(c, SIGKILL);	/* what is left of the group */
		reap_group(&k, c);
	}
	st.timed_out = t.timed_out;
	spawn_decode(k.wstatus, &code, &signo);
	if (out != log) {
		close(out);
		wait_masker(&k);
	}
	st.ended = (long long)time(NULL);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		st.supervisor_rss_kb = ru.ru_maxrss;

	buf_init(&b);
	buf_printf(&b, "%s\n", STATUS_MAGIC);
	if (code >= 0)
		buf_printf(&b, "exit=%d\n", code);
	else
		buf_printf(&b, "signal=%d\n", signo);
	buf_printf(&b, "timed_out=%d\ncancelled=%d\nstarted=%lld\n"
	    "ended=%lld\nsupervisor_rss_kb=%ld\n", st.timed_out, st.cancelled,
	    st.started, st.ended, st.supervisor_rss_kb);
	/* Durable (two syncs: the file, then its directory for the
	 * rename): when stepup is gone (a dropped connection, a kill, a
	 * wizard stopped with ^Z), this file is the only record of how the
	 * command ended until a later stepup journals it, for hours maybe,
	 * and it must survive a power cut. Skipping them while a stepup is
	 * attached would leave that record to the page cache exactly when
	 * that stepup dies or is stopped before its commit; a command worth
	 * a supervisor is worth two syncs. The pid file above is not synced:
	 * the start was journaled durably first, and after a crash of the
	 * machine there is no supervisor to find. */
	if (write_atomic(spec->status_path, b.data, true) == -1)
		say(log, "\n[stepup] cannot write the status file %s: %s\n",
		    spec->status_path, strerror(errno));
	close(log);
	_exit(0);
}

/* ---- running as another user -------------------------------------------- */

char **
action_user_argv(const char *user, const char *command,
    const char *const *keep, const char **how)
{
	struct buf	  b;
	char		**v;
	size_t		  n = 0, i;

	v = xcalloc(10, sizeof *v);
	if (geteuid() == 0) {
		*how = "runuser";
		v[n++] = xstrdup("runuser");
	} else {
		*how = "sudo -n";
		v[n++] = xstrdup("sudo");
		v[n++] = xstrdup("-n");
		if (keep != NULL && keep[0] != NULL) {
			buf_init(&b);
			buf_puts(&b, "--preserve-env=");
			for (i = 0; keep[i] != NULL; i++)
				buf_printf(&b, "%s%s", i > 0 ? "," : "",
				    keep[i]);
			v[n++] = buf_take(&b);
		}
	}
	v[n++] = xstrdup("-u");
	v[n++] = xstrdup(user);
	v[n++] = xstrdup("--");
	v[n++] = xstrdup("/bin/sh");
	v[n++] = xstrdup("-c");
	v[n++] = xstrdup(command);
	v[n] = NULL;
	return v;
}

void
action_user_argv_free(char **v)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* ---- starting ------------------------------------------------------------ */

struct detach_args {
	const struct action_spec	*spec;
	int				 rd, wr;	/* the report pipe */
};

static int
run_supervisor(void *arg)
{
	const struct detach_args	*a = arg;

	supervise(a->spec, a->wr);
}

/* The first child, already out of the wizard's session (so that neither
 * the terminal's ^C nor its hangup reaches us): it starts the supervisor
 * with the signals it wants, and exits, so that the supervisor's parent
 * is init (or a subreaper) and never the wizard. */
static int
run_detach(void *arg)
{
	const struct detach_args	*a = arg;
	struct spawn_spec		 ss;
	struct sigaction		 sa;
	sigset_t			 set;
	pid_t				 pid;
	size_t				 i;
	char				*why;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < nitems(ignored_signals); i++)
		sigaction(ignored_signals[i], &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_SETMASK, &set, NULL);
	close(a->rd);
	memset(&ss, 0, sizeof ss);
	ss.fn = run_supervisor;
	ss.arg = (void *)a;
	if (spawn_start(&ss, &pid, &why) != 0) {
		say(a->wr, "error cannot start the supervisor: %s\n", why);
		return 1;
	}
	return 0;
}

int
action_start(const struct action_spec *spec, struct action_proc *proc,
    char **cause)
{
	struct detach_args	 da;
	struct spawn_spec	 ss;
	struct buf		 line;
	int			 p[2], status;
	pid_t			 a;
	ssize_t			 n;
	char			 c, *end, *why;
	unsigned long long	 start;

	proc->pid = -1;
	proc->start = 0;
	proc->fd = -1;
	if (spec->command == NULL || spec->log_path == NULL ||
	    spec->status_path == NULL) {
		*cause = xstrdup("cannot start an action without a command, "
		    "a log path and a status path");
		return -1;
	}
	if (spec->input != NULL && strlen(spec->input) > ACTION_MAX_INPUT) {
		*cause = xasprintf("cannot start the action: its input is %zu "
		    "bytes, more than %d", strlen(spec->input),
		    ACTION_MAX_INPUT);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		*cause = xasprintf("cannot start the action: pipe: %s",
		    strerror(errno));
		return -1;
	}
	da.spec = spec;
	da.rd = p[0];
	da.wr = p[1];
	memset(&ss, 0, sizeof ss);
	ss.fn = run_detach;
	ss.arg = &da;
	ss.group = SPAWN_NEW_SESSION;
	if (spawn_start(&ss, &a, &why) != 0) {
		*cause = xasprintf("cannot start the action: %s", why);
		free(why);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	(void)spawn_reap(a, &status);

	buf_init(&line);
	for (;;) {
		n = read(p[0], &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		buf_putc(&line, c);
	}
	buf_add(&line, "", 0);	/* a line, even when nothing came */
	if (strncmp(line.data, "ok ", 3) == 0) {
		errno = 0;
		proc->pid = (pid_t)strtol(line.data + 3, &end, 10);
		start = strtoull(end, NULL, 10);
		if (errno == 0 && proc->pid > 0) {
			proc->start = start;
			proc->fd = p[0];
			buf_free(&line);
			return 0;
		}
	}
	if (strncmp(line.data, "error ", 6) == 0)
		*cause = xstrdup(line.data + 6);
	else
		*cause = xstrdup("cannot start the action: the supervisor "
		    "died before it started the command");
	buf_free(&line);
	close(p[0]);
	proc->pid = -1;
	return -1;
}

void
action_proc_close(struct action_proc *proc)
{
	if (proc->fd != -1)
		close(proc->fd);
	proc->fd = -1;
}

/* ---- status -------------------------------------------------------------- */

static bool
parse_ll(const char *s, long long *v)
{
	char	*end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0';
}

int
action_status_read(const char *path, struct action_status *st,
    char **cause)
{
	char		*text, *line, *next, *eq, *why = NULL;
	long long	 v;
	bool		 have_exit = false, have_signal = false, have_times = false;
	int		 lineno = 0;

	memset(st, 0, sizeof *st);
	if ((text = file_read(path, 65536, NULL, cause)) == NULL)
		return -1;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (lineno == 1) {
			if (strcmp(line, STATUS_MAGIC) != 0) {
				why = xstrdup("it is not a stepup status file");
				break;
			}
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL || !parse_ll(eq + 1, &v)) {
			why = xasprintf("line %d is not NAME=NUMBER", lineno);
			break;
		}
		*eq = '\0';
		if (strcmp(line, "exit") == 0) {
			st->exited = have_exit = true;
			st->exit_code = (int)v;
		} else if (strcmp(line, "signal") == 0) {
			have_signal = true;
			st->signal = (int)v;
			st->exit_code = -1;
		} else if (strcmp(line, "timed_out") == 0)
			st->timed_out = v != 0;
		else if (strcmp(line, "cancelled") == 0)
			st->cancelled = v != 0;
		else if (strcmp(line, "started") == 0)
			st->started = v;
		else if (strcmp(line, "ended") == 0) {
			st->ended = v;
			have_times = true;
		} else if (strcmp(line, "supervisor_rss_kb") == 0)
			st->supervisor_rss_kb = (long)v;
	}
	if (why == NULL && lineno == 0)
		why = xstrdup("it is empty");
	if (why == NULL && have_exit == have_signal)
		why = xstrdup("it has no exit status (or two)");
	if (why == NULL && !have_times)
		why = xstrdup("it has no end time");
	free(text);
	if (why != NULL) {
		*cause = xasprintf("the action status file %s makes no sense: %s",
		    path, why);
		free(why);
		memset(st, 0, sizeof *st);
		return -1;
	}
	return 0;
}

static const char *
signal_name(int sig)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
		{ SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" },
		{ SIGUSR2, "SIGUSR2" }, { SIGPIPE, "SIGPIPE" },
		{ SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++) {
		if (names[i].sig == sig)
			return names[i].name;
	}
	return NULL;
}

char *
action_status_describe(const struct action_status *st)
{
	const char	*why, *name;
	char		*what, *out;

	if (st->exited)
		what = xasprintf("exit %d", st->exit_code);
	else if ((name = signal_name(st->signal)) != NULL)
		what = xasprintf("killed by %s", name);
	else
		what = xasprintf("killed by signal %d", st->signal);
	if (st->timed_out)
		why = " (timed out)";
	else if (st->cancelled)
		why = " (cancelled)";
	else
		why = "";
	out = xasprintf("%s%s", what, why);
	free(what);
	return out;
}

/* ---- finding it again ---------------------------------------------------- */

int
action_poll(pid_t pid, unsigned long long start, const char *status_path,
    enum action_state *state, struct action_status *st, char **cause)
{
	memset(st, 0, sizeof *st);
	/* The status first: the supervisor writes it, then exits. */
	if (access(status_path, F_OK) == 0)
		goto finished;
	if (errno != ENOENT) {
		*cause = xasprintf("cannot read the action status file %s: %s",
		    status_path, strerror(errno));
		return -1;
	}
	if (supervisor_alive(pid, start)) {
		*state = ACTION_RUNNING;
		return 0;
	}
	/* It may have written the status and exited in between. */
	if (access(status_path, F_OK) == 0)
		goto finished;
	*state = ACTION_IN_DOUBT;
	return 0;
finished:
	if (action_status_read(status_path, st, cause) == -1)
		return -1;
	*state = ACTION_FINISHED;
	return 0;
}

int
action_pid_read(const char *status_path, pid_t *pid,
    unsigned long long *start, char **cause)
{
	char	*path, *text, *end;
	long	 p;

	path = xasprintf("%s.pid", status_path);
	if ((text = file_read(path, 256, NULL, cause)) == NULL) {
		free(path);
		return -1;
	}
	errno = 0;
	p = strtol(text, &end, 10);
	if (errno != 0 || end == text || p <= 0 || *end != ' ') {
		*cause = xasprintf("the action pid file %s makes no sense",
		    path);
		free(text);
		free(path);
		return -1;
	}
	*pid = (pid_t)p;
	*start = strtoull(end + 1, NULL, 10);
	free(text);
	free(path);
	return 0;
}

int
action_cancel(pid_t pid, unsigned long long start, char **cause)
{
	if (!supervisor_alive(pid, start))
		return 0;
	if (kill(pid, SIGTERM) == -1 && errno != ESRCH) {
		*cause = xasprintf("cannot cancel the action (supervisor pid "
		    "%ld): %s", (long)pid, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the log ------------------------------------------------------------- */

ssize_t
action_log_pread(int fd, const char *log_path, off_t *offset, struct buf *out,
    size_t max, char **cause)
{
	size_t	 total = 0, want;
	ssize_t	 n;
	char	*room;

	/* Straight into out: no chunk copied again. */
	while (total < max) {
		want = max - total < 65536 ? max - total : 65536;
		room = buf_room(out, want);
		n = pread(fd, room, want, *offset);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("cannot read the action log %s: %s",
			    log_path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		buf_grew(out, (size_t)n);
		*offset += n;
		total += (size_t)n;
	}
	return (ssize_t)total;
}

ssize_t
action_log_read(const char *log_path, off_t *offset, struct buf *out,
    size_t max, char **cause)
{
	ssize_t	 r;
	int	 fd;

	if ((fd = open(log_path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read the action log %s: %s",
		    log_path, strerror(errno));
		return -1;
	}
	r = action_log_pread(fd, log_path, offset, out, max, cause);
	close(fd);
	return r;
}
