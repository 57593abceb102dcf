/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_spawn.c: the one module that spawns child processes: exit status
 * and signal, the timeout stopping the whole process group (SIGTERM, then
 * SIGKILL after the grace period), exactly the environment and directory
 * given, where stdin, stdout and stderr go, an argument vector that no
 * shell sees, 127 when a program or directory is missing, a function
 * run in a child, and commands started without fork's copy of stepup. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "action.h"
#include "spawn.h"
#include "util.h"

static char *env[] = { "PATH=/usr/bin:/bin", "SPAWN_TEST=a value", NULL };

/* A spec for shell text (or argv, text NULL) with env, nothing else. */
static void
spec_init(struct spawn_spec *spec, const char *text, char **argv)
{
	memset(spec, 0, sizeof *spec);
	spec->shell = text;
	spec->argv = argv;
	spec->envp = env;
}

/* spawn_run(), which must start it. */
static void
run_spec(const struct spawn_spec *spec, struct spawn_result *res)
{
	char	*cause = NULL;

	if (spawn_run(spec, res, &cause) != 0)
		fail_msg("spawn_run: %s", cause);
}

/* Run shell text in a group of its own, stdin /dev/null, capturing. */
static void
run_sh(const char *text, unsigned timeout, struct spawn_result *res)
{
	struct spawn_spec	 spec;

	spec_init(&spec, text, NULL);
	spec.io[0] = SPAWN_NULL;
	spec.io[1] = spec.io[2] = SPAWN_CAPTURE;
	spec.group = SPAWN_NEW_GROUP;
	spec.timeout = timeout;
	spec.grace = 1;
	run_spec(&spec, res);
}

/* Until pid is gone (or a zombie nobody reaps), for at most ~5 s. */
static bool
gone(pid_t pid)
{
	struct timespec	ts = { 0, 10 * 1000000L };
	int		n;

	for (n = 0; n < 500; n++) {
		if (action_pid_start(pid) == 0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static void
test_exit_and_signal(void **state)
{
	struct spawn_result	res;

	(void)state;
	run_sh("echo out; echo err >&2; exit 3", 0, &res);
	assert_int_equal(res.status, 3);
	assert_int_equal(res.signal, 0);
	assert_false(res.timed_out);
	assert_string_equal(res.out.data, "out\n");
	assert_string_equal(res.err.data, "err\n");
	spawn_result_free(&res);

	run_sh("kill -TERM $$", 0, &res);
	assert_int_equal(res.status, -1);
	assert_int_equal(res.signal, SIGTERM);
	spawn_result_free(&res);

	/* Nothing printed: still a string. */
	run_sh("true", 0, &res);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out.data, "");
	assert_string_equal(res.err.data, "");
	spawn_result_free(&res);
}

static void
test_timeout_kills_group(void **state)
{
	struct spawn_result	 res;
	char			*text;
	long			 bg;

	(void)state;
	/* SIGTERM to the whole group: the child left in the background
	 * goes too. */
	run_sh("sleep 30 & echo $!; sleep 30; echo never", 1, &res);
	assert_true(res.timed_out);
	assert_int_equal(res.status, -1);
	assert_int_equal(res.signal, SIGTERM);
	bg = strtol(res.out.data, NULL, 10);
	assert_true(bg > 0);
	assert_true(gone((pid_t)bg));
	spawn_result_free(&res);

	/* A command that ignores SIGTERM gets SIGKILL after the grace
	 * period, with its group. */
	text = xstrdup("trap '' TERM; sleep 30 & echo $!; "
	    "while :; do sleep 1; done");
	run_sh(text, 1, &res);
	free(text);
	assert_true(res.timed_out);
	assert_int_equal(res.signal, SIGKILL);
	bg = strtol(res.out.data, NULL, 10);
	assert_true(bg > 0);
	assert_true(gone((pid_t)bg));
	spawn_result_free(&res);
}

static void
test_env_and_cwd(void **state)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			 dir[] = "/tmp/stepup-spawn.XXXXXX", *want;

	(void)state;
	/* Exactly the environment given: HOME is not passed on. */
	run_sh("printf '%s|%s\\n' \"$SPAWN_TEST\" \"${HOME-unset}\"", 0, &res);
	assert_string_equal(res.out.data, "a value|unset\n");
	spawn_result_free(&res);

	assert_non_null(mkdtemp(dir));
	spec_init(&spec, "pwd -P", NULL);
	spec.cwd = dir;
	spec.io[1] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	want = xasprintf("%s\n", dir);
	assert_string_equal(res.out.data, want);
	free(want);
	spawn_result_free(&res);
	rmdir(dir);

	/* stdin from /dev/null: a command that reads it does not hang. */
	run_sh("cat; echo done", 0, &res);
	assert_string_equal(res.out.data, "done\n");
	spawn_result_free(&res);
}

static void
test_argv_and_fd(void **state)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*argv[] = { "printf", "%s|", "a b", "$(false)",
				    NULL };
	char			 path[] = "/tmp/stepup-spawn-fd.XXXXXX";
	char			*cause, *text;
	int			 fd;

	(void)state;
	/* No shell: each argument as it is, the program found on PATH. */
	spec_init(&spec, NULL, argv);
	spec.io[1] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out.data, "a b|$(false)|");
	spawn_result_free(&res);

	/* stdout and stderr to a descriptor of the caller's. */
	assert_true((fd = mkstemp(path)) != -1);
	spec_init(&spec, "echo one; echo two >&2", NULL);
	spec.io[1] = spec.io[2] = SPAWN_FD;
	spec.fd[1] = spec.fd[2] = fd;
	run_spec(&spec, &res);
	spawn_result_free(&res);
	close(fd);
	text = file_read(path, 4096, NULL, &cause);
	assert_non_null(text);
	assert_string_equal(text, "one\ntwo\n");
	free(text);
	unlink(path);
}

static void
test_cannot_run(void **state)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*missing[] = { "/nonexistent/program", NULL };
	char			*unknown[] = { "no-such-program-stepup", NULL };
	char			*cause;

	(void)state;
	spec_init(&spec, NULL, missing);
	spec.io[2] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	assert_int_equal(res.status, 127);
	assert_string_equal(res.err.data, "stepup: cannot run "
	    "/nonexistent/program: No such file or directory\n");
	spawn_result_free(&res);

	/* Not on PATH; quiet: nothing said, 127 all the same. */
	spec.argv = unknown;
	spec.quiet = true;
	run_spec(&spec, &res);
	assert_int_equal(res.status, 127);
	assert_string_equal(res.err.data, "");
	spawn_result_free(&res);

	/* A missing directory: the command never runs. */
	spec_init(&spec, "echo ran", NULL);
	spec.cwd = "/nonexistent/dir";
	spec.io[1] = spec.io[2] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	assert_int_equal(res.status, 127);
	assert_string_equal(res.out.data, "");
	assert_string_equal(res.err.data, "stepup: cannot change to the "
	    "directory /nonexistent/dir: No such file or directory\n");
	spawn_result_free(&res);

	/* A timeout without a group of its own would kill stepup's. */
	memset(&spec, 0, sizeof spec);
	spec.shell = "true";
	spec.timeout = 1;
	assert_int_equal(spawn_run(&spec, &res, &cause), -1);
	assert_non_null(strstr(cause, "process group of its own"));
	free(cause);
	spawn_result_free(&res);
}

static int
child_fn(void *arg)
{
	return *(int *)arg;
}

static void
test_fn_and_timer(void **state)
{
	struct spawn_spec	 spec;
	struct spawn_timer	 t;
	struct timespec		 ts = { 0, 20 * 1000000L };
	char			 path[] = "/tmp/stepup-spawn-note.XXXXXX";
	char			*cause, *text;
	int			 code = 7, ws, status, sig, fd;
	pid_t			 pid;

	(void)state;
	/* A function of stepup's in a child, waited for by the caller. */
	memset(&spec, 0, sizeof spec);
	spec.fn = child_fn;
	spec.arg = &code;
	assert_int_equal(spawn_start(&spec, &pid, &cause), 0);
	assert_int_equal(spawn_reap(pid, &ws), 0);
	spawn_decode(ws, &status, &sig);
	assert_int_equal(status, 7);
	assert_int_equal(sig, 0);
	assert_int_equal(spawn_reap(pid, &ws), -1);	/* reaped */

	/* Capturing needs spawn_run's wait. */
	spec.io[1] = SPAWN_CAPTURE;
	assert_int_equal(spawn_start(&spec, &pid, &cause), -1);
	free(cause);

	/* The timer of a caller that waits its own way, saying what it
	 * sends on a note descriptor. */
	assert_true((fd = mkstemp(path)) != -1);
	spec_init(&spec, "trap '' TERM; while :; do sleep 1; done", NULL);
	spec.group = SPAWN_NEW_GROUP;
	assert_int_equal(spawn_start(&spec, &pid, &cause), 0);
	spawn_timer_init(&t, pid, 1, 1, fd);
	while (waitpid(pid, &ws, WNOHANG) == 0) {
		(void)spawn_timer_tick(&t);
		nanosleep(&ts, NULL);
	}
	spawn_decode(ws, &status, &sig);
	assert_int_equal(sig, SIGKILL);
	assert_true(t.timed_out);
	close(fd);
	text = file_read(path, 4096, NULL, &cause);
	assert_non_null(text);
	assert_string_equal(text, "\n[stepup] timed out after 1 s: sending "
	    "SIGTERM to the command; SIGKILL in 1 s if it is still running\n"
	    "\n[stepup] still running after 1 s: sending SIGKILL\n");
	free(text);
	unlink(path);
}

static int	forks;

static void
count_fork(void)
{
	forks++;
}

/* A command starts without a fork (vfork: no copy of stepup's memory,
 * and no atfork handler runs), a function of stepup's with one;
 * the command gets every signal at its default and none blocked, also
 * when stepup ignores and blocks some; and a command that cannot run
 * still says why. */
static void
test_started_without_fork(void **state)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	struct sigaction	 ign, old;
	sigset_t		 usr1, oldmask;
	char			*argv[] = { "grep", "-E", "^Sig(Blk|Ign)",
				    "/proc/self/status", NULL };
	char			*missing[] = { "/nonexistent/program", NULL };
	char			*cause;
	unsigned long long	 blk, ig;
	int			 code = 0, ws;
	pid_t			 pid;

	(void)state;
	assert_int_equal(pthread_atfork(count_fork, NULL, NULL), 0);
	forks = 0;
	run_sh("true", 0, &res);
	assert_int_equal(res.status, 0);
	spawn_result_free(&res);
	spec_init(&spec, "exit 0", NULL);
	spec.group = SPAWN_NEW_SESSION;
	spec.cwd = "/";
	assert_int_equal(spawn_start(&spec, &pid, &cause), 0);
	assert_int_equal(spawn_reap(pid, &ws), 0);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	assert_int_equal(forks, 0);

	memset(&spec, 0, sizeof spec);
	spec.fn = child_fn;
	spec.arg = &code;
	assert_int_equal(spawn_start(&spec, &pid, &cause), 0);
	assert_int_equal(spawn_reap(pid, &ws), 0);
	assert_int_equal(forks, 1);

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &oldmask);
	spec_init(&spec, NULL, argv);
	spec.io[1] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	sigaction(SIGINT, &old, NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	/* (SigIgn may show glibc's own two signals, 32 and 33, when the
	 * test's parent ignored them: no glibc program can change them.) */
	assert_int_equal(sscanf(res.out.data, "SigBlk:\t%llx\nSigIgn:\t%llx",
	    &blk, &ig), 2);
	assert_true(blk == 0);
	assert_true((ig & ~(3ULL << 31)) == 0);
	spawn_result_free(&res);
	assert_int_equal(forks, 1);

	spec_init(&spec, NULL, missing);
	spec.io[2] = SPAWN_CAPTURE;
	run_spec(&spec, &res);
	assert_int_equal(res.status, 127);
	assert_string_equal(res.err.data, "stepup: cannot run "
	    "/nonexistent/program: No such file or directory\n");
	spawn_result_free(&res);
	assert_int_equal(forks, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_and_signal),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_env_and_cwd),
		cmocka_unit_test(test_argv_and_fd),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_fn_and_timer),
		cmocka_unit_test(test_started_without_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
