/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory-cmd.h: hosts from a command's output, for the engine: the
 * command runs through spawn.c; its lines are read by the model's
 * inventory_add_lines(). */
#ifndef STEPUP_INVENTORY_CMD_H
#define STEPUP_INVENTORY_CMD_H

#include "inventory.h"

/* Run command with /bin/sh -c (environment envp, NULL for stepup's; at
 * most timeout seconds, 0 for none) and add each line it prints as a host,
 * to group when not NULL, as inventory_add_lines() does. A command that
 * fails, or prints something that is not a host name, is an error at
 * file:pos (where the command is written) naming the line. Returns the
 * number of errors. */
size_t	inventory_add_command(struct inventory *, const char *file,
	    struct rb_pos pos, const char *command, const char *group,
	    char *const *envp, unsigned timeout, struct rb_diags *);

#endif
