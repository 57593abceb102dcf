/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* action-driver.c: runs one command, either through stepup's action runner
 * (supervisor, log file, status file; with "masked", a secret to mask on
 * the way, through the masker) or as a plain `sh -c 'CMD > FILE'`,
 * and prints the wall time and the peak RSS of stepup's side. Built and
 * run by bench/action-output; not part of make check. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "util.h"

extern char **environ;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's peak RSS in kB (VmHWM), or -1. */
static long
self_hwm(void)
{
	char	 line[256];
	long	 kb = -1;
	FILE	*f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return kb;
}

int
main(int argc, char **argv)
{
	struct action_spec	 spec;
	struct action_proc	 proc;
	struct action_status	 st;
	enum action_state	 state;
	char			*cause = NULL, *log, *status, *cmd, c;
	double			 t0, t1;
	pid_t			 pid;
	int			 ws;

	static const char *const secrets[] = { "hunter2-not-in-the-output",
	    NULL };

	if (argc != 4 || (strcmp(argv[1], "action") != 0 &&
	    strcmp(argv[1], "masked") != 0 && strcmp(argv[1], "plain") != 0)) {
		fprintf(stderr, "usage: action-driver action|masked|plain DIR "
		    "COMMAND\n");
		return 2;
	}
	log = xasprintf("%s/%s.log", argv[2], argv[1]);
	status = xasprintf("%s/%s.status", argv[2], argv[1]);
	unlink(log);
	unlink(status);

	if (strcmp(argv[1], "plain") == 0) {
		cmd = xasprintf("%s >'%s' 2>&1", argv[3], log);
		t0 = now();
		if ((pid = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &ws, 0);
		t1 = now();
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			fatal(1, "plain run failed");
		printf("%.3f 0 %ld\n", t1 - t0, self_hwm());
		return 0;
	}

	memset(&spec, 0, sizeof spec);
	spec.command = argv[3];
	spec.envp = environ;
	spec.log_path = log;
	spec.status_path = status;
	spec.grace = ACTION_GRACE_DEFAULT;
	/* masked: a secret in the environment, so the output goes through
	 * the masker on its way to the log. */
	if (strcmp(argv[1], "masked") == 0)
		spec.secrets = secrets;
	t0 = now();
	if (action_start(&spec, &proc, &cause) != 0)
		fatal(1, "%s", cause);
	while (read(proc.fd, &c, 1) > 0)
		;
	action_proc_close(&proc);
	if (action_poll(proc.pid, proc.start, status, &state, &st, &cause) != 0)
		fatal(1, "%s", cause);
	t1 = now();
	if (state != ACTION_FINISHED || !st.exited || st.exit_code != 0)
		fatal(1, "the action did not finish with exit 0");
	printf("%.3f %ld %ld\n", t1 - t0, st.supervisor_rss_kb, self_hwm());
	return 0;
}
