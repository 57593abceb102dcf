/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* probe.h: run a read-only probe command (the runbook's
 * versions.installed.command and versions.available.command, and any
 * other command whose output stepup reads): /bin/sh -c with an explicit
 * environment, stdout captured up to PROBE_MAX_OUT bytes, stderr kept for
 * the message, a timeout, and the exit status.
 *
 * Ownership: a struct probe_result owns out and err; free them with
 * probe_result_free(). */
#ifndef STEPUP_PROBE_H
#define STEPUP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_MAX_OUT	(1024 * 1024)	/* stdout kept */
#define PROBE_MAX_ERR	(64 * 1024)	/* stderr kept */

struct probe_result {
	char	*out;		/* stdout, NUL-terminated */
	size_t	 out_len;
	bool	 out_truncated;	/* there was more than PROBE_MAX_OUT */
	char	*err;		/* stderr, NUL-terminated */
	size_t	 err_len;
	int	 status;	/* exit status, or -1 when killed */
	int	 signal;	/* the signal that killed it, or 0 */
	bool	 timed_out;	/* killed after the timeout */
};

/* Run command with /bin/sh -c, in dir (NULL: the current one), with
 * exactly the environment envp (NULL-terminated), stdin from /dev/null,
 * killing its process group after timeout seconds (0: none). Returns 0
 * when it ran (whatever its status), or -1 with *cause set (caller
 * frees) when it could not be started. */
int	 probe_run(const char *command, char *const envp[], const char *dir,
	    unsigned timeout, struct probe_result *, char **cause);
/* Whether it ran to completion with exit status 0. */
bool	 probe_ok(const struct probe_result *);
/* How it failed, for a message: "exited with status 2: <first line of
 * stderr>", "timed out after 30 s", "was killed by signal 9". The caller
 * frees it. */
char	*probe_describe(const struct probe_result *, unsigned timeout);
void	 probe_result_free(struct probe_result *);

#endif
