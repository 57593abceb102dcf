/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* probe.c: run a read-only command and capture what it prints, through
 * spawn.c; see probe.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "spawn.h"
#include "util.h"

/* Seconds between SIGTERM and SIGKILL after a timeout. */
#define PROBE_GRACE 2

int
probe_run(const char *command, char *const envp[], const char *dir,
    unsigned timeout, struct probe_result *res, char **cause)
{
	struct spawn_spec	spec;
	struct spawn_result	r;

	memset(res, 0, sizeof *res);
	memset(&spec, 0, sizeof spec);
	spec.shell = command;
	spec.envp = envp;
	spec.cwd = dir;
	spec.io[0] = SPAWN_NULL;
	spec.io[1] = spec.io[2] = SPAWN_CAPTURE;
	spec.group = SPAWN_NEW_GROUP;
	spec.timeout = timeout;
	spec.grace = PROBE_GRACE;
	spec.max_out = PROBE_MAX_OUT;
	spec.max_err = PROBE_MAX_ERR;
	if (spawn_run(&spec, &r, cause) != 0) {
		spawn_result_free(&r);
		return -1;
	}
	res->status = r.status;
	res->signal = r.signal;
	res->timed_out = r.timed_out;
	res->out_truncated = r.out_truncated;
	res->out_len = r.out.len;
	res->out = buf_take(&r.out);
	res->err_len = r.err.len;
	res->err = buf_take(&r.err);
	return 0;
}

bool
probe_ok(const struct probe_result *res)
{
	return !res->timed_out && res->status == 0;
}

char *
probe_describe(const struct probe_result *res, unsigned timeout)
{
	const char	*e = res->err != NULL ? res->err : "";
	size_t		 len;
	char		*first, *s;

	while (*e == '\n' || *e == ' ')
		e++;
	len = strcspn(e, "\n");
	first = xstrndup(e, len > 300 ? 300 : len);
	if (res->timed_out)
		s = xasprintf("timed out after %u s", timeout);
	else if (res->status < 0)
		s = xasprintf("was killed by signal %d", res->signal);
	else
		s = xasprintf("exited with status %d", res->status);
	if (*first != '\0') {
		char *t = xasprintf("%s: %s", s, first);
		free(s);
		s = t;
	}
	free(first);
	return s;
}

void
probe_result_free(struct probe_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}
