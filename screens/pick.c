/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* pick.c: the start screen of a bare `stepup`: the unfinished runs to
 * resume, then the recently used runbooks, then the shipped ones, each
 * with its product and description. Enter chooses one; the wizard then
 * runs it as `stepup run` would. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "runbook.h"
#include "screens.h"
#include "tui.h"
#include "util.h"

struct pick_item {
	char	*path;
	char	*product;
	char	*what;		/* description, or why it is listed */
	int	 section;	/* 0 unfinished, 1 recent, 2 shipped */
};

struct pick {
	struct pick_item	*v;
	size_t			 n;
	size_t			 sel;
	char			**chosen;
};

static const char *const sections[] = {
	"Unfinished runs (%s resumes)", "Recently used", "Shipped runbooks"
};

static const enum key_action pick_keys[] = {
	KEYS_OPEN, KEYS_DOWN, KEYS_UP, KEYS_NONE
};

static bool
pick_has(const struct pick *p, const char *path)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].path, path) == 0)
			return true;
	}
	return false;
}

static void
pick_add(struct pick *p, const char *path, const char *product,
    const char *what, int section)
{
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n].path = xstrdup(path);
	p->v[p->n].product = xstrdup(product != NULL ? product : "?");
	p->v[p->n].what = xstrdup(what != NULL ? what : "");
	p->v[p->n].section = section;
	p->n++;
}

/* The journal's runs: unfinished ones, then the runbooks used, newest
 * first. No journal yet is not an error. */
static void
pick_journal(struct pick *p)
{
	struct journal		*j;
	struct journal_run	*runs;
	size_t			 n, i;
	char			*dir, *cause = NULL, when[32], *what;
	int			 pass;

	if ((dir = journal_state_dir(tui_get_options()->state_dir, &cause)) == NULL) {
		free(cause);
		return;
	}
	j = journal_open(dir, true, &cause);
	free(dir);
	if (j == NULL) {
		free(cause);
		return;
	}
	if (journal_runs(j, NULL, &runs, &n, &cause) != 0) {
		free(cause);
		journal_close(j);
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = n; i-- > 0; ) {
			const struct journal_run *r = &runs[i];
			bool	unfinished = r->status == JOURNAL_RUN_RUNNING ||
			    r->status == JOURNAL_RUN_PAUSED;

			if ((pass == 0) != unfinished || pick_has(p, r->runbook))
				continue;
			utc_format(when, sizeof when, r->started,
			    "%Y-%m-%d %H:%M");
			what = xasprintf("run %lld, %s %s %s, %s %s by %s", r->id,
			    r->from, ui_glyph(UI_GLYPH_ARROW), r->to,
			    journal_run_status_name(r->status), when,
			    r->operator);
			pick_add(p, r->runbook, r->product, what, pass);
			free(what);
		}
	}
	journal_runs_free(runs, n);
	journal_close(j);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The shipped runbooks: every *.yaml in the runbooks directory that
 * loads. */
static void
pick_shipped(struct pick *p)
{
	const char	*d = getenv("STEPUP_RUNBOOKS_DIR");
	DIR		*dir;
	struct dirent	*de;
	char		**names = NULL, *path;
	size_t		 n = 0, i, len;
	struct rb_diags	 diags;
	struct runbook	*rb;

	if (d == NULL || *d == '\0')
		d = STEPUP_DATADIR "/runbooks";
	if ((dir = opendir(d)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xasprintf("%s/%s", d, de->d_name);
		}
	}
	closedir(dir);
	qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		path = names[i];
		rb_diags_init(&diags);
		if (!pick_has(p, path) &&
		    (rb = runbook_load(path, &diags)) != NULL) {
			pick_add(p, path, rb->product, rb->description, 2);
			runbook_free(rb);
		}
		rb_diags_free(&diags);
		free(path);
	}
	free(names);
}

static int
pick_enter(void *state, void *arg, char **cause)
{
	struct pick	*p = state;

	p->chosen = arg;
	pick_journal(p);
	pick_shipped(p);
	if (p->n == 0) {
		*cause = xasprintf("no runbook to offer: none was used yet and "
		    "none is shipped in %s/runbooks; give one: stepup RUNBOOK",
		    STEPUP_DATADIR);
		return -1;
	}
	return 0;
}

static void
pick_leave(void *state)
{
	struct pick	*p = state;
	size_t		 i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].product);
		free(p->v[i].what);
	}
	free(p->v);
}

static void
pick_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct pick	*p = state;
	char		 line[1024], title[128];
	int		 y = 1, section = -1;
	size_t		 i;

	for (i = 0; i < p->n && y < rows - 1; i++) {
		if (p->v[i].section != section) {
			section = p->v[i].section;
			if (i > 0)
				y++;
			wattron(w, theme_attr(ROLE_TITLE));
			/* The first names the key that resumes. */
			snprintf(title, sizeof title, sections[section],
			    keys_key(KEYS_OPEN));
			ui_str(w, y++, 1, cols - 2, title);
			wattroff(w, theme_attr(ROLE_TITLE));
		}
		if (i == p->sel) {
			wattron(w, theme_attr(ROLE_SELECTION));
			mvwhline(w, y, 0, ' ', cols);
		}
		snprintf(line, sizeof line, "%-16s %s", p->v[i].product,
		    p->v[i].path);
		ui_str(w, y++, 3, cols - 4, line);
		wattroff(w, theme_attr(ROLE_SELECTION));
		if (*p->v[i].what != '\0' && y < rows - 1) {
			wattron(w, theme_attr(ROLE_DIM));
			ui_str(w, y++, 20, cols - 21, p->v[i].what);
			wattroff(w, theme_attr(ROLE_DIM));
		}
	}
}

static bool
pick_key(void *state, const struct ui_key *k)
{
	struct pick	*p = state;

	if (k->action == KEYS_OPEN) {
		*p->chosen = xstrdup(p->v[p->sel].path);
		ui_quit(EXIT_DONE);
		return true;
	}
	if (!ui_list_move(k->action, &p->sel, p->n, 1))
		return false;
	ui_dirty();
	return true;
}

const struct screen screen_pick = {
	.name = "pick",
	.state_size = sizeof(struct pick),
	.keys = pick_keys,
	.enter = pick_enter,
	.draw = pick_draw,
	.key = pick_key,
	.leave = pick_leave,
};
