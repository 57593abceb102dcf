/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* remote.h: running a command on another host: the one quoting function
 * for a remote POSIX shell, the remote command line, and the argument
 * vectors of the transports (the operator's OpenSSH client, or another
 * engine such as kubectl given as an argument vector). No curses, no
 * journal; processes are made by spawn.c.
 *
 * What the remote end runs. ssh hands its command to the remote user's
 * login shell as one string, and sshd's AcceptEnv cannot be assumed, so
 * values travel inside that string: remote_command() makes
 *
 *	env NAME='VALUE' ... sh -c -- 'RUNBOOK TEXT'
 *
 * in which every value and the runbook text are single words made by
 * remote_quote(), which a POSIX shell (sh, dash, bash, ksh, zsh: the
 * login shell must be one of these) reads back byte for byte. The text
 * is sent as written: its own $NAMEs are expanded by the remote sh from
 * that environment, never by substitution here.
 *
 * The ssh argument vector is the operator's `ssh` (their ssh_config,
 * agent, keys, known_hosts, jump hosts), with BatchMode (a host that wants
 * a password or a host key confirmation fails at once instead of
 * prompting), a connect timeout, a keepalive (a cut link ends ssh in
 * seconds, not minutes), and connection reuse: ControlMaster=auto
 * with its sockets in a directory the caller owns (the run's, under the
 * state directory), closed by remote_ssh_close(). ssh has no "--" before
 * its destination, so a host name starting with '-' is refused.
 *
 * A detached command (remote_detach_script()) runs on the node in its own
 * session under a per-attempt directory and leaves its exit status there,
 * so that a cut link loses nothing: remote_status_script() reads it back.
 *
 * Errors: functions that can fail return 0 or -1 with *cause (caller
 * frees). Returned strings and vectors are the caller's: free them with
 * free() and remote_argv_free(). */
#ifndef STEPUP_REMOTE_H
#define STEPUP_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The longest ControlPath directory: a socket path holds at most 107
 * bytes, and ssh adds "/" and the 40 bytes of %C, and while it binds a
 * dot and 16 random characters more. */
#define REMOTE_MAX_CONTROL_DIR	48
#define REMOTE_PERSIST		60	/* ControlPersist, seconds */

/* Append n bytes of s to out as one word a POSIX shell reads back as
 * exactly those bytes: in single quotes, each quote as '\''; the empty
 * string as ''. A NUL byte cannot be in a shell word (nor in an argument
 * or an environment value): -1 with *cause, out left as it was. */
int	remote_quote(struct buf *out, const char *s, size_t n, char **cause);
/* The same of a C string (which holds no NUL), as a new string. */
char	*remote_quoted(const char *s);

/* Whether name can be an environment variable's name for the remote sh:
 * [A-Za-z_][A-Za-z0-9_]*. */
bool	remote_name_valid(const char *name);

/* The remote command line for text with the environment env (NAME=VALUE
 * strings, NULL-terminated; NULL for none), as above, into *line. -1 with
 * *cause when a name is not valid or an entry lacks '='. */
int	remote_command(const char *text, char *const *env, char **line,
	    char **cause);

/* How to reach hosts through OpenSSH. */
struct remote_ssh {
	const char	*ssh;		/* the program; NULL: "ssh" on PATH */
	const char	*config;	/* -F FILE, or NULL: the operator's */
	const char	*control_dir;	/* ControlPath directory (absolute, at
					   most REMOTE_MAX_CONTROL_DIR bytes,
					   no blanks or quotes), or NULL for
					   no connection reuse */
	unsigned	 connect_timeout;	/* seconds; 0: ssh's own */
	unsigned	 alive_interval;	/* ServerAliveInterval, seconds;
					   0: ssh's own */
	unsigned	 alive_count;	/* ServerAliveCountMax, with it */
};

/* What an ssh of stepup's is for: a host's attempt, or a question about
 * one (its status, or stopping it), which must give up on a host that
 * does not answer sooner, the host left in doubt. */
enum remote_use {
	REMOTE_USE_RUN,
	REMOTE_USE_ASK
};
/* Seconds ssh may take to connect for an attempt, and for a question. */
#define REMOTE_CONNECT_TIMEOUT	20
#define REMOTE_ASK_TIMEOUT	5
/* Keepalive: an answer asked every REMOTE_ALIVE_INTERVAL seconds, the
 * link given up after REMOTE_ALIVE_COUNT unanswered, so that a cut link
 * ends ssh within about 15 s, whatever the operator's ssh_config says
 * (a command-line -o wins over it): the command goes on on the node,
 * detached, and the host is in doubt until it is asked. Given up too
 * early, the host is in doubt and asked; too late, the run hangs: ssh
 * asks nothing by default and, its script sent, has nothing to send, so
 * a cut link is noticed only by TCP's keepalive, after over two hours;
 * a common ssh_config's ServerAliveInterval 60, kept for idle sessions,
 * takes 3 minutes. */
#define REMOTE_ALIVE_INTERVAL	5
#define REMOTE_ALIVE_COUNT	3

/* rs set for use: the operator's ssh and ssh_config (NULL), no connection
 * reuse, the connect timeout for the use and stepup's keepalive. */
void	remote_ssh_init(struct remote_ssh *rs, enum remote_use use);

/* Why ssh could not keep its master connections' sockets in dir (not
 * absolute, longer than REMOTE_MAX_CONTROL_DIR, or holding what ssh reads
 * as its own), or NULL when it can. */
const char	*remote_control_dir_refused(const char *dir);

/* The argument vector running line on host through ssh:
 * ssh [-F CONFIG] -o BatchMode=yes [-o ControlMaster=auto -o
 * ControlPath=DIR/%C -o ControlPersist=60] [-o ConnectTimeout=N]
 * [-o ServerAliveInterval=N -o ServerAliveCountMax=M] HOST LINE. -1 with *cause for a host name that is empty, starts with '-' or
 * holds a blank or control character, or a control directory that ssh
 * could not use. */
int	remote_ssh_argv(const struct remote_ssh *, const char *host,
	    const char *line, char ***argv, char **cause);

/* Close the master connections to every host (ssh -O exit, up to 32 of
 * them side by side, each given 10 s), then remove the sockets in the
 * control directory whose master is gone. Returns the number of sockets
 * still open (0 when everything is closed), or -1 with *cause when the
 * directory cannot be read. */
int	remote_ssh_close(const struct remote_ssh *, const char *const *hosts,
	    size_t nhosts, char **cause);

/* The argument vector of another transport: tmpl (NULL-terminated, e.g.
 * kubectl exec -i -n NS {host} -- sh) with its one element that is
 * exactly RB_TRANSPORT_HOST ("{host}") replaced by host, as one argument,
 * nothing appended: its command reads the script on its stdin. -1 with
 * *cause when no element or more than one is "{host}", when the first
 * is, when "{host}" is only part of an element (it is never put inside
 * another string), or for a host name remote_ssh_argv() refuses too. */
int	remote_transport_argv(char *const *tmpl, const char *host,
	    char ***argv, char **cause);

void	remote_argv_free(char **);

/* A detached command. The script, run by the remote sh (give it to
 * remote_command() as text, or run it as the line itself), makes the
 * attempt's directory STATE_DIR/ATTEMPT (refusing one that exists: an
 * attempt never runs twice), starts line there in a new session with
 * nohup, its stdin /dev/null and its output in the file "log", writes its
 * pid to "pid", and when it ends its exit status to "status" (through a
 * rename, so that the file is whole or absent). With wait, the script then
 * prints the log as it grows (through GNU tail --pid where the node has
 * it, else every tenth of a second for two seconds, then every second)
 * until the status is there, all of the log, and
 * exits with the command's status; without, it exits 0 once the command
 * is started. It exits 125
 * when the attempt's directory cannot be made. state_dir is relative to
 * the remote home unless absolute; attempt is [A-Za-z0-9_.-]+ not
 * starting with '.'. */
int	remote_detach_script(const char *state_dir, const char *attempt,
	    const char *line, bool wait, char **script, char **cause);

/* The script that reports an attempt's state, one line: "exited N",
 * "running PID", "lost" (started, no status, its process gone: killed
 * with the node, say) or "none" (no such attempt). */
int	remote_status_script(const char *state_dir, const char *attempt,
	    char **script, char **cause);

/* The script that stops an attempt that runs: SIGTERM to the command's
 * process group (its runner goes on, to write the status), SIGKILL after
 * grace seconds to what is left, the status then written as 137 when
 * the runner could not; then it reports as remote_status_script()
 * does. */
int	remote_stop_script(const char *state_dir, const char *attempt,
	    unsigned grace, char **script, char **cause);

enum remote_state {
	REMOTE_NONE,
	REMOTE_RUNNING,
	REMOTE_EXITED,
	REMOTE_LOST,
};
/* Read what remote_status_script() printed. -1 with *cause when it is
 * none of its lines. */
int	remote_status_parse(const char *out, enum remote_state *,
	    int *status, long *pid, char **cause);

#endif
