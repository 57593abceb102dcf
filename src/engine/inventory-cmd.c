/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory-cmd.c: hosts from a command's output (the product's own "list
 * agents", say): the command runs through spawn.c, its lines are read by
 * inventory_add_lines() in the model. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-cmd.h"
#include "spawn.h"
#include "util.h"

size_t
inventory_add_command(struct inventory *inv, const char *file,
    struct rb_pos pos, const char *command, const char *group,
    char *const *envp, unsigned timeout, struct rb_diags *diags)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*cause, *t, *last;
	size_t			 errors;

	/* The group first (an empty output adds only it): a bad name is
	 * refused before the command runs. */
	if (group != NULL && inventory_add_lines(inv, file, pos, "", 0, group,
	    diags) != 0)
		return 1;
	memset(&spec, 0, sizeof spec);
	spec.shell = command;
	spec.envp = envp;
	spec.io[0] = SPAWN_NULL;
	spec.io[1] = spec.io[2] = SPAWN_CAPTURE;
	spec.group = SPAWN_NEW_GROUP;
	spec.timeout = timeout;
	spec.grace = 2;
	spec.max_out = INV_MAX_FILE;
	spec.max_err = 64 * 1024;
	if (spawn_run(&spec, &res, &cause) != 0) {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "cannot run the inventory command: %s", cause);
		free(cause);
		spawn_result_free(&res);
		return 1;
	}
	if (res.status != 0 || res.out_truncated) {
		for (t = res.err.data + res.err.len; t > res.err.data &&
		    isspace((unsigned char)t[-1]); t--)
			t[-1] = '\0';
		last = strrchr(res.err.data, '\n');
		last = last != NULL ? last + 1 : res.err.data;
		if (res.out_truncated)
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "the inventory command printed more than %d bytes",
			    INV_MAX_FILE);
		else if (res.timed_out)
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "the inventory command took more than %u seconds",
			    timeout);
		else if (res.signal != 0)
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "the inventory command was killed by signal %d%s%s",
			    res.signal, *last != '\0' ? ": " : "", last);
		else
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "the inventory command exited %d%s%s", res.status,
			    *last != '\0' ? ": " : "", last);
		spawn_result_free(&res);
		return 1;
	}
	errors = inventory_add_lines(inv, file, pos, res.out.data, res.out.len,
	    group, diags);
	spawn_result_free(&res);
	return errors;
}
