/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* remote-driver.c: remote.c's functions on the command line, for
 * remote-sshd.sh against real sshd:
 *
 *   remote-driver run CONFIG CTLDIR HOST TEXT [NAME=@FILE...]
 *	run TEXT on HOST through ssh -F CONFIG (CTLDIR "-" for no
 *	ControlMaster) with each NAME set to the bytes of FILE; exits with
 *	ssh's status
 *   remote-driver detach CONFIG CTLDIR HOST STATEDIR ATTEMPT TEXT
 *	the same, detached on the node, waiting for its status
 *   remote-driver status CONFIG CTLDIR HOST STATEDIR ATTEMPT
 *	print the attempt's state as remote_status_parse() reads it
 *   remote-driver close CONFIG CTLDIR HOST...
 *	close the master connections; prints how many sockets are left
 *
 * Run with no argument (as make check does), it checks a line against the
 * local /bin/sh. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote.h"
#include "spawn.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: remote-driver run|detach|status|close ...\n");
	exit(2);
}

/* Run argv, stdout and stderr ours; its exit status, 128 + a signal. */
static int
run_argv(char **argv, struct buf *capture)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*cause;
	pid_t			 pid;
	int			 wstatus, status, sig;

	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.io[0] = SPAWN_NULL;
	if (capture != NULL) {
		spec.io[1] = SPAWN_CAPTURE;
		spec.group = SPAWN_NEW_GROUP;
		if (spawn_run(&spec, &res, &cause) != 0)
			fatal(1, "%s", cause);
		fputs(res.err.data, stderr);
		*capture = res.out;
		buf_free(&res.err);
		return res.status < 0 ? 128 + res.signal : res.status;
	}
	if (spawn_start(&spec, &pid, &cause) != 0)
		fatal(1, "%s", cause);
	if (spawn_reap(pid, &wstatus) != 0)
		fatal(1, "lost the child");
	spawn_decode(wstatus, &status, &sig);
	return status < 0 ? 128 + sig : status;
}

static void
ssh_init(struct remote_ssh *rs, const char *config, const char *ctl)
{
	remote_ssh_init(rs, REMOTE_USE_RUN);
	rs->config = config;
	rs->control_dir = strcmp(ctl, "-") == 0 ? NULL : ctl;
}

/* The environment NAME=@FILE arguments name. */
static char **
env_read(char **args, int n)
{
	char	**env, *eq, *name, *value, *cause;
	size_t	  len;
	int	  i;

	env = xcalloc((size_t)n + 1, sizeof *env);
	for (i = 0; i < n; i++) {
		if ((eq = strstr(args[i], "=@")) == NULL)
			usage();
		name = xstrndup(args[i], (size_t)(eq - args[i]));
		if ((value = file_read(eq + 2, 1 << 20, &len, &cause)) == NULL)
			fatal(1, "%s", cause);
		if (strlen(value) != len)
			fatal(1, "%s holds a NUL", eq + 2);
		env[i] = xasprintf("%s=%s", name, value);
		free(name);
		free(value);
	}
	return env;
}

static int
self_check(void)
{
	char		*line, *cause, *argv[4];
	char		*env[] = { "V=a'b\"c$(d)`e`\\", NULL };
	struct buf	 out;
	int		 st;

	if (remote_command("printf %s \"$V\"", env, &line, &cause) != 0)
		fatal(1, "%s", cause);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = line;
	argv[3] = NULL;
	st = run_argv(argv, &out);
	if (st != 0 || strcmp(out.data, env[0] + 2) != 0)
		fatal(1, "the line '%s' printed '%s'", line, out.data);
	buf_free(&out);
	free(line);
	return 0;
}

int
main(int argc, char **argv)
{
	struct remote_ssh	  rs;
	enum remote_state	  state;
	struct buf		  out;
	char			 *line = NULL, *script, *cause, **av, **env;
	int			  st, status, i;
	long			  pid;
	static const char	 *names[] = { "none", "running", "exited",
	    "lost" };

	if (argc == 1)
		return self_check();
	if (argc < 5)
		usage();
	ssh_init(&rs, argv[2], argv[3]);
	if (strcmp(argv[1], "close") == 0) {
		st = remote_ssh_close(&rs, (const char *const *)argv + 4,
		    (size_t)argc - 4, &cause);
		if (st < 0)
			fatal(1, "%s", cause);
		printf("%d\n", st);
		return st == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "run") == 0 && argc >= 6) {
		env = env_read(argv + 6, argc - 6);
		if (remote_command(argv[5], env, &line, &cause) != 0)
			fatal(2, "%s", cause);
		for (i = 0; env[i] != NULL; i++)
			free(env[i]);
		free(env);
	} else if (strcmp(argv[1], "detach") == 0 && argc == 8) {
		char	*inner, *wrapper;

		/* The wrapper run by sh whatever the login shell. */
		if (remote_command(argv[7], NULL, &inner, &cause) != 0 ||
		    remote_detach_script(argv[5], argv[6], inner, true,
		    &wrapper, &cause) != 0 ||
		    remote_command(wrapper, NULL, &line, &cause) != 0)
			fatal(2, "%s", cause);
		free(inner);
		free(wrapper);
	} else if (strcmp(argv[1], "status") == 0 && argc == 7) {
		if (remote_status_script(argv[5], argv[6], &script, &cause) !=
		    0 || remote_command(script, NULL, &line, &cause) != 0)
			fatal(2, "%s", cause);
		free(script);
	} else
		usage();
	if (remote_ssh_argv(&rs, argv[4], line, &av, &cause) != 0)
		fatal(2, "%s", cause);
	if (strcmp(argv[1], "status") == 0) {
		if ((st = run_argv(av, &out)) != 0)
			fatal(1, "ssh exited %d", st);
		if (remote_status_parse(out.data, &state, &status, &pid,
		    &cause) != 0)
			fatal(1, "%s", cause);
		if (state == REMOTE_EXITED)
			printf("%s %d\n", names[state], status);
		else
			printf("%s\n", names[state]);
		buf_free(&out);
	} else
		st = run_argv(av, NULL);
	remote_argv_free(av);
	free(line);
	return st;
}
