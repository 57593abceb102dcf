/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_action.c: the action runner with real processes: exit statuses,
 * signals, timeout, cancel, environment, reattach after the wizard died,
 * status files and logs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "action.h"
#include "util.h"

static char	tmp[] = "/tmp/stepup-action-XXXXXX";
static char	*env_default[] = { "PATH=/usr/bin:/bin", NULL };

static void
nap(void)
{
	struct timespec	ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static char *
path_in(const char *name)
{
	return xasprintf("%s/%s", tmp, name);
}

static char *
slurp(const char *path)
{
	char	*cause = NULL, *s;

	s = file_read(path, 1 << 20, NULL, &cause);
	if (s == NULL)
		fail_msg("%s", cause);
	return s;
}

/* Wait for the supervisor's exit through proc.fd (no clock involved). */
static void
wait_exit(struct action_proc *proc)
{
	char	c;

	assert_true(proc->fd >= 0);
	while (read(proc->fd, &c, 1) != 0)
		;
	action_proc_close(proc);
}

/* Run a command to its end; returns its status, the log in *log. */
static const char *const *run_secrets;	/* for the next run() */
static char *const *run_argv;		/* for the next run(): */
static const char *run_input;		/* a transport, its stdin */

static struct action_status
run(const char *name, const char *command, char *const *envp,
    unsigned timeout, unsigned grace, char **log)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 state;
	char			*cause = NULL, *lp, *sp, *base;

	base = xasprintf("%s.log", name);
	lp = path_in(base);
	free(base);
	base = xasprintf("%s.status", name);
	sp = path_in(base);
	free(base);
	memset(&spec, 0, sizeof spec);
	spec.command = command;
	spec.envp = envp != NULL ? envp : env_default;
	spec.log_path = lp;
	spec.status_path = sp;
	spec.timeout = timeout;
	spec.grace = grace;
	spec.secrets = run_secrets;
	spec.argv = run_argv;
	spec.input = run_input;
	if (action_start(&spec, &proc, &cause) != 0)
		fail_msg("action_start: %s", cause);
	assert_true(proc.pid > 0);
	assert_true(proc.start > 0);
	wait_exit(&proc);
	if (action_poll(proc.pid, proc.start, sp, &state, &st, &cause) != 0)
		fail_msg("action_poll: %s", cause);
	assert_int_equal(state, ACTION_FINISHED);
	*log = slurp(lp);
	free(lp);
	free(sp);
	return st;
}

static void
test_exit_statuses(void **state)
{
	struct action_status	 st;
	char			*log, *d;

	(void)state;
	st = run("zero", "echo out; echo err >&2", NULL, 0, 1, &log);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 0);
	assert_int_equal(st.signal, 0);
	assert_false(st.timed_out);
	assert_false(st.cancelled);
	assert_string_equal(log, "out\nerr\n");
	assert_true(st.ended >= st.started);
	d = action_status_describe(&st);
	assert_string_equal(d, "exit 0");
	free(d);
	free(log);

	st = run("one", "false", NULL, 0, 1, &log);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 1);
	free(log);

	st = run("nf", "no-such-command-stepup", NULL, 0, 1, &log);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 127);
	assert_non_null(strstr(log, "no-such-command-stepup"));
	assert_non_null(strstr(log, "not found"));
	d = action_status_describe(&st);
	assert_string_equal(d, "exit 127");
	free(d);
	free(log);
}

/* An argument vector instead of /bin/sh -c, its script on stdin (as a
 * remote shell reads it), larger than a pipe holds by default; the
 * command text is only what is recorded. */
static void
test_argv_input(void **state)
{
	static char *const	 argv[] = { (char *)"sh", (char *)"-s",
				    (char *)"--", NULL };
	struct action_status	 st;
	struct buf		 in;
	char			*log, *want;
	size_t			 i;

	(void)state;
	buf_init(&in);
	buf_puts(&in, "echo \"from stdin: $0\"\n");
	for (i = 0; i < 20000; i++)
		buf_puts(&in, ": padding\n");
	buf_puts(&in, "read -r x || echo eof; exit 7\n");
	run_argv = argv;
	run_input = in.data;
	st = run("argv", "never run", NULL, 0, 1, &log);
	run_argv = NULL;
	run_input = NULL;
	assert_true(in.len > 65536);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 7);
	want = xstrdup("from stdin: sh\neof\n");
	assert_string_equal(log, want);
	free(want);
	free(log);
	buf_free(&in);
}

static void
test_killed_by_signal(void **state)
{
	struct action_status	 st;
	char			*log, *d;

	(void)state;
	st = run("sig", "echo before; kill -KILL $$; echo after", NULL, 0, 1,
	    &log);
	assert_false(st.exited);
	assert_int_equal(st.exit_code, -1);
	assert_int_equal(st.signal, SIGKILL);
	assert_false(st.timed_out);
	assert_string_equal(log, "before\n");
	d = action_status_describe(&st);
	assert_string_equal(d, "killed by SIGKILL");
	free(d);
	free(log);
}

static void
test_timeout_term(void **state)
{
	struct action_status	 st;
	char			*log, *d;

	(void)state;
	st = run("to", "echo waiting; exec sleep 30", NULL, 1, 5, &log);
	assert_false(st.exited);
	assert_int_equal(st.signal, SIGTERM);
	assert_true(st.timed_out);
	assert_false(st.cancelled);
	assert_string_equal(log, "waiting\n\n[stepup] timed out after 1 s: "
	    "sending SIGTERM to the command; SIGKILL in 5 s if it is still "
	    "running\n");
	d = action_status_describe(&st);
	assert_string_equal(d, "killed by SIGTERM (timed out)");
	free(d);
	free(log);
}

static void
test_timeout_kill(void **state)
{
	struct action_status	 st;
	char			*log;

	(void)state;
	/* The shell and its sleep both ignore SIGTERM: only SIGKILL ends
	 * them, after the grace period. */
	st = run("tokill", "trap '' TERM; sleep 30; echo survived", NULL, 1, 1,
	    &log);
	assert_false(st.exited);
	assert_int_equal(st.signal, SIGKILL);
	assert_true(st.timed_out);
	assert_non_null(strstr(log, "[stepup] timed out after 1 s"));
	assert_non_null(strstr(log, "[stepup] still running after 1 s: "
	    "sending SIGKILL\n"));
	assert_null(strstr(log, "survived"));
	free(log);
}

/* Wait (bounded) until a file contains a string. */
static void
wait_for_text(const char *path, const char *text)
{
	char	*cause = NULL, *s;
	int	 i;

	for (i = 0; i < 1000; i++) {
		s = file_read(path, 1 << 20, NULL, &cause);
		free(cause);
		cause = NULL;
		if (s != NULL && strstr(s, text) != NULL) {
			free(s);
			return;
		}
		free(s);
		nap();
	}
	fail_msg("%s never contained %s", path, text);
}

static void
test_cancel(void **state)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 as;
	char			*cause = NULL, *lp, *sp, *d;

	(void)state;
	lp = path_in("cancel.log");
	sp = path_in("cancel.status");
	memset(&spec, 0, sizeof spec);
	spec.command = "echo started; exec sleep 30";
	spec.envp = env_default;
	spec.log_path = lp;
	spec.status_path = sp;
	spec.grace = 5;
	assert_int_equal(action_start(&spec, &proc, &cause), 0);
	wait_for_text(lp, "started\n");
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(as, ACTION_RUNNING);
	assert_int_equal(action_cancel(proc.pid, proc.start, &cause), 0);
	wait_exit(&proc);
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(as, ACTION_FINISHED);
	assert_true(st.cancelled);
	assert_false(st.timed_out);
	assert_int_equal(st.signal, SIGTERM);
	d = action_status_describe(&st);
	assert_string_equal(d, "killed by SIGTERM (cancelled)");
	free(d);
	/* Cancelling a finished action does nothing. */
	assert_int_equal(action_cancel(proc.pid, proc.start, &cause), 0);
	free(lp);
	free(sp);
}

/* Cancel stops the whole process group, a background child that ignores
 * SIGTERM included: nothing of the action is left running. */
static void
test_cancel_kills_group(void **state)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 as;
	char			*cause = NULL, *lp, *sp, *pf, *cmd, *text;
	long			 bg;

	(void)state;
	lp = path_in("group.log");
	sp = path_in("group.status");
	pf = path_in("group.bgpid");
	cmd = xasprintf("(trap '' TERM; exec sleep 30) & echo $! > '%s'; "
	    "echo started; wait", pf);
	memset(&spec, 0, sizeof spec);
	spec.command = cmd;
	spec.envp = env_default;
	spec.log_path = lp;
	spec.status_path = sp;
	spec.grace = 5;
	assert_int_equal(action_start(&spec, &proc, &cause), 0);
	wait_for_text(lp, "started\n");
	text = slurp(pf);
	bg = strtol(text, NULL, 10);
	free(text);
	assert_true(action_pid_start((pid_t)bg) > 0);
	assert_int_equal(action_cancel(proc.pid, proc.start, &cause), 0);
	wait_exit(&proc);
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(as, ACTION_FINISHED);
	assert_true(st.cancelled);
	/* Gone, not even a zombie, by the time the status says cancelled:
	 * orphaned when its shell died, it became the supervisor's child,
	 * which reaped it before writing the status. */
	errno = 0;
	assert_int_equal(kill((pid_t)bg, 0), -1);
	assert_int_equal(errno, ESRCH);
	free(lp);
	free(sp);
	free(pf);
	free(cmd);
}

/* A command that prints a secret itself: the log has it masked, split
 * across two writes a moment apart and on stderr too; a cancel's note
 * comes after the output that came before it; and the exit status is
 * the command's. */
static void
test_secrets_masked_in_log(void **state)
{
	static const char *const secrets[] = { "hunter2-pw", "tok", NULL };
	struct action_status	 st;
	char			*log;

	(void)state;
	run_secrets = secrets;
	st = run("masked", "printf 'pass=hunt'; sleep 0.2; "
	    "printf 'er2-pw and tok\\n' >&2; echo 'tokens: a tok'; "
	    "printf 'no newline at the end: to'; exit 4", NULL, 0, 5, &log);
	run_secrets = NULL;
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 4);
	assert_string_equal(log, "pass=******** and ********\n"
	    "********ens: a ********\nno newline at the end: to");
	free(log);

	/* A secret-free run writes the log directly, as before. */
	st = run("unmasked", "echo 'pass=hunter2-pw'", NULL, 0, 5, &log);
	assert_string_equal(log, "pass=hunter2-pw\n");
	free(log);
}

static void
test_environment_only(void **state)
{
	struct action_status	 st;
	char			*log, *pwned1, *pwned2, *envp[5], *want;

	(void)state;
	pwned1 = path_in("pwned1");
	pwned2 = path_in("pwned2");
	envp[0] = "PATH=/usr/bin:/bin";
	envp[1] = xasprintf("STEPUP_TO=1.0; touch %s", pwned1);
	envp[2] = xasprintf("backup_dir=$(touch %s)`touch %s`", pwned2,
	    pwned2);
	envp[3] = "STEPUP_STEP=hop1/manager";
	envp[4] = NULL;
	/* Quoted and unquoted: expansion never re-parses a value. */
	st = run("env", "printf '%s|' \"$STEPUP_TO\" \"$backup_dir\" "
	    "\"$STEPUP_STEP\" \"${HOME-unset}\"; echo; echo $STEPUP_TO "
	    "$backup_dir", envp, 0, 1, &log);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 0);
	want = xasprintf("1.0; touch %s|$(touch %s)`touch %s`|hop1/manager|"
	    "unset|\n1.0; touch %s $(touch %s)`touch %s`\n", pwned1, pwned2,
	    pwned2, pwned1, pwned2, pwned2);
	assert_string_equal(log, want);
	assert_int_equal(access(pwned1, F_OK), -1);
	assert_int_equal(access(pwned2, F_OK), -1);
	free(want);
	free(log);
	free(envp[1]);
	free(envp[2]);
	free(pwned1);
	free(pwned2);
}

static void
test_cwd(void **state)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 as;
	char			*cause = NULL, *lp, *sp, *log, *want;

	(void)state;
	lp = path_in("cwd.log");
	sp = path_in("cwd.status");
	memset(&spec, 0, sizeof spec);
	spec.command = "pwd";
	spec.envp = env_default;
	spec.cwd = tmp;
	spec.log_path = lp;
	spec.status_path = sp;
	assert_int_equal(action_start(&spec, &proc, &cause), 0);
	wait_exit(&proc);
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(st.exit_code, 0);
	log = slurp(lp);
	want = xasprintf("%s\n", tmp);
	assert_string_equal(log, want);
	free(want);
	free(log);
	unlink(lp);
	unlink(sp);

	spec.cwd = "/nonexistent-stepup-dir";
	assert_int_equal(action_start(&spec, &proc, &cause), 0);
	wait_exit(&proc);
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(st.exit_code, 127);
	log = slurp(lp);
	assert_string_equal(log, "stepup: cannot change to the directory "
	    "/nonexistent-stepup-dir: No such file or directory\n");
	free(log);
	free(lp);
	free(sp);
}

static void
test_log_unopenable(void **state)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	char			*cause = NULL;

	(void)state;
	memset(&spec, 0, sizeof spec);
	spec.command = "true";
	spec.envp = env_default;
	spec.log_path = "/nonexistent-stepup-dir/x.log";
	spec.status_path = "/nonexistent-stepup-dir/x.status";
	assert_int_equal(action_start(&spec, &proc, &cause), -1);
	assert_string_equal(cause, "cannot open the log file "
	    "/nonexistent-stepup-dir/x.log: No such file or directory");
	assert_int_equal(proc.fd, -1);
	free(cause);
	/* Nothing started, nothing to find. */
	{
		pid_t			pid;
		unsigned long long	start;

		assert_int_equal(action_pid_read(spec.status_path, &pid,
		    &start, &cause), -1);
		assert_non_null(strstr(cause, "x.status.pid"));
		free(cause);
	}
}

/* The wizard starts an action, then dies (SIGHUP to its process group,
 * then SIGKILL); a later process finds it running, then finished. */
static void
test_reattach_after_death(void **state)
{
	struct action_status	 st;
	enum action_state	 as;
	int			 p[2], i, status;
	pid_t			 wizard;
	long			 pid;
	unsigned long long	 start;
	char			 line[128], *lp, *sp, *go, *cmd, *cause = NULL;
	char			*log;
	FILE			*f;

	(void)state;
	lp = path_in("re.log");
	sp = path_in("re.status");
	go = path_in("re.go");
	cmd = xasprintf("echo begun; while [ ! -e '%s' ]; do sleep 0.05; "
	    "done; echo finished; exit 3", go);
	assert_int_equal(pipe(p), 0);
	if ((wizard = fork()) == 0) {
		struct action_spec	spec;
		struct action_proc	proc;

		close(p[0]);
		setpgid(0, 0);
		memset(&spec, 0, sizeof spec);
		spec.command = cmd;
		spec.envp = env_default;
		spec.log_path = lp;
		spec.status_path = sp;
		if (action_start(&spec, &proc, &cause) != 0)
			_exit(1);
		dprintf(p[1], "%ld %llu\n", (long)proc.pid, proc.start);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_int_equal(sscanf(line, "%ld %llu", &pid, &start), 2);
	wait_for_text(lp, "begun\n");
	kill(-wizard, SIGHUP);
	kill(wizard, SIGKILL);
	assert_int_equal(waitpid(wizard, &status, 0), wizard);
	assert_true(WIFSIGNALED(status));

	/* Had the wizard died before journaling the pid, the pid file names
	 * the supervisor all the same. */
	{
		pid_t			fpid;
		unsigned long long	fstart;

		assert_int_equal(action_pid_read(sp, &fpid, &fstart, &cause),
		    0);
		assert_int_equal(fpid, pid);
		assert_true(fstart == start);
	}
	/* The supervisor lives on, out of the wizard's session. */
	assert_true(getsid((pid_t)pid) != getsid(0));
	assert_int_equal(action_poll((pid_t)pid, start, sp, &as, &st, &cause),
	    0);
	assert_int_equal(as, ACTION_RUNNING);
	/* A pid whose start time differs is somebody else. */
	assert_int_equal(action_poll((pid_t)pid, start + 1, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(as, ACTION_IN_DOUBT);

	close(open(go, O_WRONLY | O_CREAT, 0600));
	for (i = 0; i < 1000; i++) {
		assert_int_equal(action_poll((pid_t)pid, start, sp, &as, &st,
		    &cause), 0);
		if (as != ACTION_RUNNING)
			break;
		nap();
	}
	assert_int_equal(as, ACTION_FINISHED);
	assert_true(st.exited);
	assert_int_equal(st.exit_code, 3);
	log = slurp(lp);
	assert_string_equal(log, "begun\nfinished\n");
	free(log);
	free(lp);
	free(sp);
	free(go);
	free(cmd);
}

static void
test_in_doubt(void **state)
{
	struct action_status	 st;
	enum action_state	 as;
	char			*cause = NULL, *sp;
	pid_t			 child;
	unsigned long long	 start;

	(void)state;
	/* A supervisor that died without a status: a reaped child's pid. */
	if ((child = fork()) == 0) {
		pause();
		_exit(0);
	}
	start = action_pid_start(child);
	assert_true(start > 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(action_pid_start(child), 0);
	sp = path_in("doubt.status");
	assert_int_equal(action_poll(child, start, sp, &as, &st, &cause), 0);
	assert_int_equal(as, ACTION_IN_DOUBT);
	free(sp);
}

static void
test_status_file(void **state)
{
	struct action_status	 st;
	struct stat		 sb;
	char			*cause = NULL, *log, *sp, *lp, *tmpf, *text;
	int			 fd;

	(void)state;
	st = run("atomic", "echo hi", NULL, 0, 1, &log);
	free(log);
	sp = path_in("atomic.status");
	lp = path_in("atomic.log");
	tmpf = path_in("atomic.status.tmp");
	/* Renamed into place: no temporary left, private modes. */
	assert_int_equal(access(tmpf, F_OK), -1);
	assert_int_equal(stat(sp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(lp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = slurp(sp);
	assert_non_null(strstr(text, "stepup-action-status 1\nexit=0\n"
	    "timed_out=0\ncancelled=0\nstarted="));
	free(text);
	assert_true(st.supervisor_rss_kb > 0);

	/* A damaged status file is an error, never a guess. */
	fd = open(sp, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "stepup-action-status 1\nexit=zero\n", 33),
	    33);
	close(fd);
	assert_int_equal(action_status_read(sp, &st, &cause), -1);
	text = xasprintf("the action status file %s makes no sense: line 2 "
	    "is not NAME=NUMBER", sp);
	assert_string_equal(cause, text);
	free(text);
	free(cause);
	fd = open(sp, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "stepup-action-status 1\nended=5\n", 31),
	    31);
	close(fd);
	assert_int_equal(action_status_read(sp, &st, &cause), -1);
	assert_non_null(strstr(cause, "it has no exit status (or two)"));
	free(cause);
	free(sp);
	free(lp);
	free(tmpf);
}

static void
test_log_read(void **state)
{
	struct action_status	 st;
	struct buf		 b;
	off_t			 off = 0;
	char			*log, *lp, *cause = NULL;

	(void)state;
	st = run("tail", "printf abc; printf def >&2", NULL, 0, 1, &log);
	assert_int_equal(st.exit_code, 0);
	free(log);
	lp = path_in("tail.log");
	buf_init(&b);
	assert_int_equal(action_log_read(lp, &off, &b, 4, &cause), 4);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(off, 4);
	assert_int_equal(action_log_read(lp, &off, &b, 100, &cause), 2);
	assert_string_equal(b.data, "abcdef");
	assert_int_equal(off, 6);
	assert_int_equal(action_log_read(lp, &off, &b, 100, &cause), 0);
	buf_free(&b);
	free(lp);
	/* Not there yet: nothing new. */
	lp = path_in("nothing-yet.log");
	off = 0;
	buf_init(&b);
	assert_int_equal(action_log_read(lp, &off, &b, 100, &cause), 0);
	buf_free(&b);
	free(lp);
}

static void
test_no_inherited_fds(void **state)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 as;
	int			 p[2];
	char			 c, *lp, *sp, *go, *cmd, *cause = NULL;

	(void)state;
	/* A descriptor the wizard forgot to mark close-on-exec. */
	assert_int_equal(pipe(p), 0);
	lp = path_in("fds.log");
	sp = path_in("fds.status");
	go = path_in("fds.go");
	cmd = xasprintf("while [ ! -e '%s' ]; do sleep 0.05; done", go);
	memset(&spec, 0, sizeof spec);
	spec.command = cmd;
	spec.envp = env_default;
	spec.log_path = lp;
	spec.status_path = sp;
	assert_int_equal(action_start(&spec, &proc, &cause), 0);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	/* EOF, not EAGAIN: neither supervisor nor command holds it. */
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
	assert_int_equal(action_poll(proc.pid, proc.start, sp, &as, &st,
	    &cause), 0);
	assert_int_equal(as, ACTION_RUNNING);
	close(open(go, O_WRONLY | O_CREAT, 0600));
	wait_exit(&proc);
	free(lp);
	free(sp);
	free(go);
	free(cmd);
}

static int
setup(void **state)
{
	(void)state;
	/* Orphaned supervisors come to us, so that we reap them even where
	 * pid 1 does not. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (mkdtemp(tmp) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd;

	(void)state;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	return 0;
}

/* A step run as another user: the user and the command are arguments of
 * their own (never pasted into a shell's text), through runuser as root
 * and sudo -n otherwise, sudo asked to keep the step's variables. */
static void
test_user_argv(void **state)
{
	static const char *const keep[] = { "world", "STEPUP_TO", NULL };
	const char	*how;
	char		**v;

	(void)state;
	v = action_user_argv("postgres", "echo \"$world\"; id", keep, &how);
	if (geteuid() == 0) {
		assert_string_equal(how, "runuser");
		assert_string_equal(v[0], "runuser");
		assert_string_equal(v[1], "-u");
		assert_string_equal(v[2], "postgres");
		assert_string_equal(v[3], "--");
		assert_string_equal(v[4], "/bin/sh");
		assert_string_equal(v[5], "-c");
		assert_string_equal(v[6], "echo \"$world\"; id");
		assert_null(v[7]);
	} else {
		assert_string_equal(how, "sudo -n");
		assert_string_equal(v[0], "sudo");
		assert_string_equal(v[1], "-n");
		assert_string_equal(v[2], "--preserve-env=world,STEPUP_TO");
		assert_string_equal(v[3], "-u");
		assert_string_equal(v[4], "postgres");
		assert_string_equal(v[5], "--");
		assert_string_equal(v[8], "echo \"$world\"; id");
		assert_null(v[9]);
	}
	action_user_argv_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_statuses),
		cmocka_unit_test(test_user_argv),
		cmocka_unit_test(test_argv_input),
		cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_timeout_term),
		cmocka_unit_test(test_timeout_kill),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_kills_group),
		cmocka_unit_test(test_secrets_masked_in_log),
		cmocka_unit_test(test_environment_only),
		cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_log_unopenable),
		cmocka_unit_test(test_reattach_after_death),
		cmocka_unit_test(test_in_doubt),
		cmocka_unit_test(test_status_file),
		cmocka_unit_test(test_log_read),
		cmocka_unit_test(test_no_inherited_fds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
