/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory-cmd.c: hosts from a command's output (the product's own "list
 * agents", say): the command runs through spawn.c, its lines are read by
 * inventory_add_lines() in the model; and a run's hosts resolved from
 * every source, checked against the steps and narrowed by --limit. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-cmd.h"
#include "spawn.h"
#include "util.h"

size_t
inventory_add_command(struct inventory *inv, const char *file,
    struct rb_pos pos, const char *dir, const char *command,
    const char *group, char *const *envp, unsigned timeout,
    struct rb_diags *diags)
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
	spec.cwd = dir;
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

size_t
inventory_resolve(const struct runbook *rb, const struct inv_where *w,
    struct inventory **out, char **text, char **source,
    struct rb_diags *d)
{
	const struct rb_inventory	*src = &rb->inv_source;
	struct inventory		*inv;
	struct rb_pos			 none = { 0, 0 };
	char				*t, *where, *cause;
	size_t				 errors = 0;

	*out = NULL;
	*text = *source = NULL;
	if (rb->inventory == NULL && w->file == NULL &&
	    src->kind == RB_INV_NONE) {
		if (w->limit == NULL)
			return 0;
		rb_diag_add(d, RB_ERROR, rb->path, none, "--limit %s: the "
		    "runbook has no hosts ('hosts' or 'inventory') to limit",
		    w->limit);
		return 1;
	}
	inv = inventory_new();
	/* The runbook's own groups first, read back from their text (their
	 * problems were said when it was loaded). */
	if (rb->inventory != NULL) {
		t = inventory_ini(rb->inventory);
		errors += inventory_load_text(inv, rb->path, t, strlen(t),
		    INV_INI, d);
		free(t);
	}
	if (w->file != NULL) {
		where = xstrdup(w->file);
		errors += inventory_load_named(inv, w->file, rb->path, none,
		    "--inventory", d);
	} else if (src->kind == RB_INV_FILE) {
		where = xstrdup(src->file);
		errors += inventory_load_named(inv, src->file, rb->path,
		    src->pos, "the inventory file", d);
	} else if (src->kind == RB_INV_COMMAND) {
		where = xasprintf("the command '%s'", src->command);
		errors += inventory_add_command(inv, rb->path, src->pos,
		    rb->dir, src->command, src->group, w->envp, src->timeout,
		    d);
	} else
		where = xstrdup("hosts:");
	if (errors == 0)
		errors += inventory_finish(inv, rb->path, d);
	if (errors == 0)
		errors += inventory_check_steps(inv, rb, where, d);
	if (errors == 0 && w->limit != NULL &&
	    inventory_limit(inv, w->limit, &cause) != 0) {
		rb_diag_add(d, RB_ERROR, rb->path, none, "--limit %s: %s",
		    w->limit, cause);
		free(cause);
		errors++;
	}
	if (errors != 0) {
		inventory_free(inv);
		free(where);
		return errors;
	}
	*text = inventory_ini(inv);
	inventory_free(inv);
	if ((*out = inventory_from_ini(where, *text, w->limit, &cause)) ==
	    NULL) {
		rb_diag_add(d, RB_ERROR, where, none, "%s", cause);
		free(cause);
		free(*text);
		*text = NULL;
		free(where);
		return 1;
	}
	*source = where;
	return 0;
}
