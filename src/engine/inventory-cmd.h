/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory-cmd.h: hosts from a command's output, for the engine: the
 * command runs through spawn.c; its lines are read by the model's
 * inventory_add_lines(). */
#ifndef STEPUP_INVENTORY_CMD_H
#define STEPUP_INVENTORY_CMD_H

#include "inventory.h"

/* Run command with /bin/sh -c in dir (NULL: stepup's working directory;
 * environment envp, NULL for stepup's; at
 * most timeout seconds, 0 for none) and add each line it prints as a host,
 * to group when not NULL, as inventory_add_lines() does. A command that
 * fails, or prints something that is not a host name, is an error at
 * file:pos (where the command is written) naming the line. Returns the
 * number of errors. */
size_t	inventory_add_command(struct inventory *, const char *file,
	    struct rb_pos pos, const char *dir, const char *command,
	    const char *group, char *const *envp, unsigned timeout,
	    struct rb_diags *);

/* Where a run's hosts come from beyond the runbook. */
struct inv_where {
	const char	*file;		/* --inventory: an Ansible inventory
					   that replaces the runbook's
					   `inventory:` (not its `hosts:`) */
	const char	*limit;		/* --limit PATTERN, or NULL */
	char *const	*envp;		/* the inventory command's environment,
					   NULL: stepup's */
};

/* Resolve the hosts of a run: the runbook's `hosts:`, and the hosts of
 * w->file or else of the runbook's `inventory:` (its file, or its
 * command run in the runbook's directory), checked
 * (inventory_finish(), then every step's `on:` with
 * inventory_check_steps()), then narrowed by w->limit. The result is
 * read back from its own INI text (inventory_ini(), which *text gets:
 * what the run journals), so that a run resumed from the journal lays
 * out the very same hosts in the same order. *source says where the
 * hosts came from, for messages and the journal ("hosts:",
 * "inventory.ini", "the command 'CMD'"). A runbook without hosts gives
 * *out NULL (and a limit is then an error). Errors are rb_diags naming
 * the runbook's or the inventory's file and line: returns their number,
 * and then *out, *text and *source are NULL. */
size_t	inventory_resolve(const struct runbook *, const struct inv_where *w,
	    struct inventory **out, char **text, char **source,
	    struct rb_diags *);

#endif
