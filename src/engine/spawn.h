/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* spawn.h: the one module that makes child processes: actions (their
 * supervisor, masker and command, see action.h), version probes
 * (probe.h), the operator's shell escape and lint's shellcheck. Callers
 * describe what to run (an argument vector or /bin/sh -c text, the whole
 * environment, the working directory, where stdin, stdout and stderr go,
 * the process group or session, a timeout and a grace period); this module
 * starts the child (vfork for a command, fork for a function of stepup's),
 * sets it up, execs, waits, and kills the child's process group when the
 * time is up. No curses and no journal here: callers that
 * journal a command do it before they call spawn_start() or spawn_run().
 *
 * A command that cannot be run (its directory or program is missing)
 * still starts: the child says so on its stderr, "stepup: cannot change
 * to the directory DIR: WHY" or "stepup: cannot run PROGRAM: WHY" (unless
 * the spec is quiet), and exits 127, like sh(1).
 *
 * An exec'ed child gets every signal back at its default and an empty
 * signal mask, whatever stepup had; a child that runs a function of
 * stepup's (the action supervisor, the masker) gets stepup's, and sets
 * them itself.
 *
 * Errors: functions that can fail return 0 or -1 with *cause (caller
 * frees). */
#ifndef STEPUP_SPAWN_H
#define STEPUP_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Where one of the child's stdin, stdout and stderr goes. */
enum spawn_io {
	SPAWN_KEEP = 0,		/* stepup's own descriptor */
	SPAWN_NULL,		/* /dev/null */
	SPAWN_FD,		/* the spec's fd[] for it */
	SPAWN_CAPTURE,		/* (stdout, stderr) a pipe read by
				   spawn_run() into the result */
};

/* The child's process group. */
enum spawn_group {
	SPAWN_SAME_GROUP = 0,	/* stepup's: the terminal's foreground (the
				   shell escape) */
	SPAWN_NEW_GROUP,	/* its own, pgid = pid, so that a timeout
				   kills it with everything it started */
	SPAWN_NEW_SESSION,	/* setsid(): no terminal's signal reaches
				   it (the action supervisor) */
};

/* What to run. Nothing is kept after spawn_start()/spawn_run() return. */
struct spawn_spec {
	const char	*shell;		/* run with /bin/sh -c as is; or NULL */
	char *const	*argv;		/* else run argv: argv[0] looked for on
					   stepup's PATH unless it holds a '/'
					   or path is given */
	const char	*path;		/* the program argv runs, or NULL */
	int		(*fn)(void *);	/* else run fn(arg) in the child, which
					   exits with what it returns */
	void		*arg;
	char *const	*envp;		/* the whole environment (NAME=VALUE,
					   NULL-terminated); NULL: stepup's */
	const char	*cwd;		/* or NULL: stepup's */
	enum spawn_io	 io[3];		/* stdin, stdout, stderr */
	int		 fd[3];		/* for SPAWN_FD */
	enum spawn_group group;
	bool		 quiet;		/* say nothing when it cannot run: the
					   caller reads 127 itself */
	bool		 interactive;	/* spawn_run() ignores SIGINT and
					   SIGQUIT while it waits, as
					   system(3): the terminal's ^C is the
					   child's */
	unsigned	 timeout;	/* spawn_run(): seconds, 0 for none */
	unsigned	 grace;		/* seconds from SIGTERM to SIGKILL */
	size_t		 max_out;	/* bytes kept of a captured stdout and */
	size_t		 max_err;	/* stderr (the rest is read and
					   dropped); 0: all */
};

/* How a child ended, with what spawn_run() captured. */
struct spawn_result {
	int		 status;	/* exit status 0-255, or -1 when
					   killed by a signal */
	int		 signal;	/* that signal, or 0 */
	bool		 timed_out;	/* the timeout fired */
	struct buf	 out, err;	/* captured, NUL-terminated */
	bool		 out_truncated, err_truncated;
};

/* Start a child as spec says (no SPAWN_CAPTURE: that is spawn_run's), for
 * a caller that waits for it in its own way (spawn_reap(), or the action
 * supervisor's loop). *pid is the child, the leader of its new group or
 * session if the spec asks for one. -1 with *cause when fork fails. */
int	spawn_start(const struct spawn_spec *, pid_t *pid, char **cause);

/* Start a child, read what it prints into *res, stop its process group
 * after the timeout (SIGTERM, SIGKILL after the grace period), and wait
 * for it. Returns 0 when it ran, whatever its status; -1 with *cause
 * when it could not be started (res is then empty, still to be freed). */
int	spawn_run(const struct spawn_spec *, struct spawn_result *res,
	    char **cause);
void	spawn_result_free(struct spawn_result *);

/* Wait for the child pid (again after EINTR); its wait status in
 * *wstatus. -1 when there is no such child. */
int	spawn_reap(pid_t pid, int *wstatus);
/* A wait status as an exit status (or -1) and a signal (or 0). */
void	spawn_decode(int wstatus, int *status, int *signal);

/* Stopping a process group on a timeout or on request: SIGTERM (and
 * SIGCONT, should it be stopped) first, SIGKILL after the grace period.
 * With a note descriptor, a line starting "[stepup] " is written there
 * before each signal, saying what is sent and why. */
struct spawn_timer {
	pid_t		 pgid;
	unsigned	 timeout, grace;	/* seconds */
	int		 note_fd;		/* or -1 */
	long long	 deadline;		/* monotonic ms, or -1 */
	long long	 kill_at;		/* -1 until stopping */
	bool		 timed_out;		/* the timeout fired */
	bool		 stopping;		/* SIGTERM was sent */
	bool		 killed;		/* SIGKILL was sent */
};

/* Arm a timer for the group pgid, timeout seconds from now (0: none). */
void		spawn_timer_init(struct spawn_timer *, pid_t pgid,
		    unsigned timeout, unsigned grace, int note_fd);
/* Stop the group now (why: "cancelled"); nothing if already stopping. */
void		spawn_timer_stop(struct spawn_timer *, const char *why);
/* Send what is due (the timeout's SIGTERM, the grace period's SIGKILL);
 * returns the milliseconds until something else is due, -1 if nothing
 * ever is. */
long long	spawn_timer_tick(struct spawn_timer *);

#endif
