/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* action.h: the process runner. A command runs as `/bin/sh -c COMMAND`
 * under a small supervisor process that lives in its own session, so that
 * the operator's ^C, a SIGHUP from a dropped ssh connection or the death of
 * the wizard never reach it. The command's stdout and stderr go straight to
 * a log file; the supervisor enforces the timeout and, when the command
 * ends, writes a status file with an atomic rename. Anyone who knows the
 * supervisor's pid, its start time and the status path (all recorded in
 * the journal) can later find the action running, finished, or gone
 * without a status ("in doubt"). No curses, no journal calls here. The
 * supervisor, the masker and the command are started through spawn.c,
 * which also stops the command's group on a timeout or a cancel.
 *
 * When the supervisor signals the command (timeout, cancel) it appends a
 * line starting with "[stepup] " to the log saying what it sent and why,
 * so that the log read later tells the whole story.
 *
 * Values reach the command only through the environment the caller builds:
 * the command text is passed to /bin/sh as is and never has anything
 * substituted into it. The runner writes no environment value anywhere.
 *
 * Errors: functions that can fail return 0 or -1 with *cause (caller
 * frees), like the journal.
 */
#ifndef STEPUP_ACTION_H
#define STEPUP_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Seconds between SIGTERM and SIGKILL when the caller has no opinion. */
#define ACTION_GRACE_DEFAULT	10
/* The most bytes of stdin an action is given (what one pipe holds). */
#define ACTION_MAX_INPUT	(1024 * 1024)

/* What to run. Nothing here is kept after action_start() returns. */
struct action_spec {
	const char	*command;	/* passed to /bin/sh -c unchanged; what
					   the journal and the log say ran */
	char *const	*argv;		/* or NULL; else run this instead of
					   /bin/sh -c COMMAND (a transport to
					   another host, say: argv[0] looked
					   for on PATH) */
	const char	*input;		/* with argv: the command's stdin
					   (what a remote shell reads: no
					   secret on a command line), at most
					   ACTION_MAX_INPUT bytes; NULL:
					   /dev/null */
	char *const	*envp;		/* the command's whole environment:
					   NAME=VALUE strings, NULL-terminated
					   (include PATH, HOME, ...) */
	const char	*cwd;		/* working directory, or NULL: stepup's */
	const char	*log_path;	/* stdout and stderr, appended; created
					   mode 0600 */
	const char	*status_path;	/* written when the command ends; its
					   directory must exist */
	unsigned	 timeout;	/* seconds; 0 for none */
	unsigned	 grace;		/* seconds from SIGTERM to SIGKILL */
	const char *const *secrets;	/* values masked on their way to the
					   log: NULL-terminated, or NULL */
	const char	*user;		/* run as this user, or NULL: see
					   action_user_argv() */
	const char *const *keep;	/* with user, not root: the names of
					   envp that sudo is asked to keep
					   (--preserve-env), NULL-terminated */
};

/* The argument vector that runs command as user: "runuser -u USER --
 * /bin/sh -c COMMAND" when stepup is root, else "sudo -n
 * --preserve-env=KEEP -u USER -- /bin/sh -c COMMAND" (-n: a sudo that
 * wants a password fails at once, saying so, instead of asking). The
 * user name and the command are arguments of their own, never pasted
 * into a shell's text. *how is "runuser" or "sudo -n". The caller frees
 * the array with action_user_argv_free(). */
char	**action_user_argv(const char *user, const char *command,
	    const char *const *keep, const char **how);
void	  action_user_argv_free(char **);

/* A started action, as recorded in the journal to find it again. */
struct action_proc {
	pid_t			 pid;	/* the supervisor */
	unsigned long long	 start;	/* its start time (/proc/PID/stat
					   field 22), against pid reuse */
	int			 fd;	/* readable (EOF) when the supervisor
					   has exited, for poll(2); -1 after a
					   reattach. Owned by the caller:
					   action_proc_close() closes it. */
};

/* How an action ended: the content of its status file. */
struct action_status {
	bool		 exited;	/* true: exit_code is valid */
	int		 exit_code;	/* 0-255, or -1 when signalled */
	int		 signal;	/* the signal that killed the command,
					   or 0 */
	bool		 timed_out;	/* the supervisor's timeout fired */
	bool		 cancelled;	/* action_cancel() asked it to stop */
	long long	 started;	/* seconds since the Epoch */
	long long	 ended;
	long		 supervisor_rss_kb; /* the supervisor's peak RSS */
};

enum action_state {
	ACTION_RUNNING,		/* the supervisor is alive */
	ACTION_FINISHED,	/* the status file is there */
	ACTION_IN_DOUBT,	/* the supervisor is gone and left no status */
};

/* Start an action: fork the supervisor (new session, all inherited file
 * descriptors closed, stdin /dev/null), which opens the log, forks
 * /bin/sh -c COMMAND in its own process group with the given environment
 * and waits. Returns 0 once the supervisor runs, the log file is open and
 * STATUS_PATH.pid names the supervisor (see action_pid_read), with *proc
 * filled in (the caller journals its "start" event before calling this); -1 with *cause if the log
 * cannot be opened or the supervisor not started. A command that cannot
 * run at all (no /bin/sh, bad cwd) still starts: it fails with exit status
 * 127 and a message in its log. */
int	action_start(const struct action_spec *, struct action_proc *proc,
	    char **cause);
/* Close proc->fd if open. The action goes on. */
void	action_proc_close(struct action_proc *);

/* Where an action is: running, finished (with *st filled in from the
 * status file), or in doubt. Works from any process (the wizard that
 * started it or a later one). -1 with *cause when the status file exists
 * but cannot be read or makes no sense. */
int	action_poll(pid_t pid, unsigned long long start,
	    const char *status_path, enum action_state *state,
	    struct action_status *st, char **cause);
/* The supervisor of an action from the file STATUS_PATH.pid, which it
 * writes before it starts the command: for a wizard that died after
 * action_start() but before journaling proc->pid and proc->start. -1 with
 * *cause when there is none (then the command never started). */
int	action_pid_read(const char *status_path, pid_t *pid,
	    unsigned long long *start, char **cause);
/* Ask a running action to stop: the supervisor sends SIGTERM to the
 * command's process group, SIGKILL after the grace period, and records
 * cancelled in the status. Does nothing (and returns 0) if the supervisor
 * is already gone; poll to learn the outcome. */
int	action_cancel(pid_t pid, unsigned long long start, char **cause);

/* Read status_path into *st. -1 with *cause if missing or malformed. */
int	action_status_read(const char *status_path, struct action_status *st,
	    char **cause);
/* "exit 0", "exit 127", "killed by SIGKILL (timed out after the grace
 * period)"...: for the journal's exit event and the screens. Caller
 * frees. */
char	*action_status_describe(const struct action_status *);

/* The start time of a process (/proc/PID/stat field 22, in clock ticks
 * since boot), or 0 if there is no such process. */
unsigned long long	action_pid_start(pid_t);

/* Read what the log gained since *offset: appends at most max bytes to
 * out, advances *offset, and returns the number of bytes read (0 when
 * nothing is new, or the log does not exist yet), or -1 with *cause. The
 * log is on disk: a reader that starts late, or a new wizard, reads it
 * from any offset. */
ssize_t	action_log_read(const char *log_path, off_t *offset, struct buf *out,
	    size_t max, char **cause);
/* The same from the log already open as fd (log_path names it in
 * *cause): for a reader that reads it piece by piece. */
ssize_t	action_log_pread(int fd, const char *log_path, off_t *offset,
	    struct buf *out, size_t max, char **cause);

#endif
