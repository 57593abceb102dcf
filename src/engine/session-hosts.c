/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-hosts.c: the hosts of a session's run. A new run resolves them
 * (inventory_resolve: the runbook's `hosts:` and `inventory:`, or
 * --inventory, narrowed by --limit) before anything is journaled or
 * started; a run found in the journal uses the hosts it journaled when it
 * began, whatever the inventory says now, and says so when that differs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inventory-cmd.h"
#include "inventory.h"
#include "journal.h"
#include "session-int.h"
#include "session.h"
#include "util.h"

static bool
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Resolve the hosts as they are now, once a session. */
static void
session_inventory_fresh(struct session *s)
{
	struct inv_where	 w;
	struct rb_diags		 d;

	struct runbook		 view;

	if (s->fresh_done)
		return;
	s->fresh_done = true;
	memset(&w, 0, sizeof w);
	w.file = s->opts.inventory;
	w.limit = s->opts.limit;
	/* From the runbook's own `hosts:`, whatever is installed now. */
	view = *s->rb;
	view.inventory = s->hosts_orig;
	rb_diags_init(&d);
	if (inventory_resolve(&view, &w, &s->fresh, &s->fresh_text,
	    &s->fresh_source, &d) != 0)
		s->fresh_err = rb_diags_text(&d);
	rb_diags_free(&d);
}

/* Make inv the runbook's inventory, and text what the run journals. */
static void
session_inventory_set(struct session *s, struct inventory *inv,
    const char *text, const char *source, const char *limit)
{
	char	*t = text != NULL ? xstrdup(text) : NULL;
	char	*so = source != NULL ? xstrdup(source) : NULL;
	char	*l = limit != NULL ? xstrdup(limit) : NULL;

	if (s->rb->inventory != s->fresh && s->rb->inventory != s->hosts_orig)
		inventory_free(s->rb->inventory);
	s->rb->inventory = inv;
	free(s->inv_text);
	free(s->inv_source);
	free(s->inv_limit);
	s->inv_text = t;
	s->inv_source = so;
	s->inv_limit = l;
}

/* What differs between the journaled hosts of run and the fresh ones. */
static char *
inventory_note(struct session *s, const struct journal_run *run,
    const struct inventory *inv)
{
	struct buf	 b;
	char		*hosts, *nl;

	buf_init(&b);
	if (s->fresh_err != NULL) {
		nl = strchr(s->fresh_err, '\n');
		buf_printf(&b, "the inventory cannot be read now (%.*s)",
		    nl != NULL ? (int)(nl - s->fresh_err) :
		    (int)strlen(s->fresh_err), s->fresh_err);
	} else if (!same(s->fresh_text, run->inventory))
		buf_printf(&b, "the inventory (%s) changed since run %lld "
		    "began", s->fresh_source != NULL ? s->fresh_source :
		    "hosts:", run->id);
	if (!same(s->opts.limit, run->inventory_limit) &&
	    s->opts.limit != NULL)
		buf_printf(&b, "%s--limit %s is not applied", b.len > 0 ?
		    "; " : "", s->opts.limit);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	hosts = inventory_hosts_line(inv);
	buf_printf(&b, ": run %lld goes on with the %zu host(s) it journaled"
	    "%s%s%s: %s", run->id, inventory_count(inv),
	    run->inventory_limit != NULL ? " (--limit " : "",
	    run->inventory_limit != NULL ? run->inventory_limit : "",
	    run->inventory_limit != NULL ? ")" : "", hosts);
	free(hosts);
	return buf_take(&b);
}

int
session_inventory(struct session *s, char **cause)
{
	const struct journal_run	*run = s->unf;
	struct inventory		*inv;
	char				*why, *where;

	/* The runbook's own `hosts:`, kept for a fresh list later. */
	if (!s->hosts_kept) {
		s->hosts_kept = true;
		s->hosts_orig = s->rb->inventory;
	}
	if (run != NULL && run->inventory != NULL) {
		where = xasprintf("the hosts journaled with run %lld", run->id);
		inv = inventory_from_ini(where, run->inventory,
		    run->inventory_limit, &why);
		free(where);
		if (inv == NULL) {
			*cause = xasprintf("run %lld: its journaled hosts do "
			    "not read: %s", run->id, why);
			free(why);
			return EXIT_FAILED;
		}
		if (!s->watching) {
			session_inventory_fresh(s);
			free(s->info.inventory_note);
			s->info.inventory_note = inventory_note(s, run, inv);
		}
		session_inventory_set(s, inv, run->inventory,
		    run->inventory_source, run->inventory_limit);
		return EXIT_DONE;
	}
	session_inventory_fresh(s);
	if (s->fresh_err != NULL) {
		*cause = xstrdup(s->fresh_err);
		return EXIT_USAGE;
	}
	if (s->fresh == NULL)
		return EXIT_DONE;
	session_inventory_set(s, s->fresh, s->fresh_text, s->fresh_source,
	    s->opts.limit);
	return EXIT_DONE;
}

void
session_inventory_free(struct session *s)
{
	/* The fresh inventory and the runbook's own are each either the
	 * runbook's now (which runbook_free frees) or the session's. */
	if (s->rb == NULL || s->rb->inventory != s->fresh)
		inventory_free(s->fresh);
	if (s->rb != NULL && s->rb->inventory != s->hosts_orig)
		inventory_free(s->hosts_orig);
	free(s->fresh_text);
	free(s->fresh_source);
	free(s->fresh_err);
	free(s->inv_text);
	free(s->inv_source);
	free(s->inv_limit);
}

char *
session_run_hosts(const struct journal_run *run)
{
	struct inventory	*inv;
	char			*cause, *names, *line;

	if (run->inventory == NULL)
		return NULL;
	if ((inv = inventory_from_ini("the journal", run->inventory,
	    run->inventory_limit, &cause)) == NULL) {
		line = xasprintf("unreadable in the journal: %s", cause);
		free(cause);
		return line;
	}
	names = inventory_hosts_line(inv);
	line = xasprintf("%zu, from %s%s%s: %s", inventory_count(inv),
	    run->inventory_source != NULL ? run->inventory_source : "?",
	    run->inventory_limit != NULL ? ", --limit " : "",
	    run->inventory_limit != NULL ? run->inventory_limit : "", names);
	free(names);
	inventory_free(inv);
	return line;
}

char *
session_hosts(const struct session *s)
{
	char	*names, *line;

	if (s->rb->inventory == NULL || s->inv_text == NULL)
		return NULL;
	names = inventory_hosts_line(s->rb->inventory);
	line = xasprintf("%zu, from %s%s%s: %s",
	    inventory_count(s->rb->inventory),
	    s->inv_source != NULL ? s->inv_source : "?",
	    s->inv_limit != NULL ? ", --limit " : "",
	    s->inv_limit != NULL ? s->inv_limit : "", names);
	free(names);
	return line;
}
