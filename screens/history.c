/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* history.c: the history screen: past runs of the journal (newest
 * first), and the events of one of them: every operator act, start and
 * exit status, as `stepup show` prints them. Read-only: it opens the
 * journal for reading and never writes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "screens.h"
#include "tui.h"
#include "util.h"

struct history {
	struct journal_run	*runs;
	size_t			 n_runs;
	struct journal_event	*events;	/* of the open run, or NULL */
	size_t			 n_events;
	size_t			 sel;		/* in runs, newest first */
	size_t			 top;		/* first event shown */
	int			 page;
};

static const enum key_action history_keys[] = {
	KEYS_OPEN, KEYS_BACK, KEYS_DOWN, KEYS_UP, KEYS_PAGE_DOWN, KEYS_PAGE_UP,
	KEYS_NONE
};

static int
history_enter(void *state, void *arg, char **cause)
{
	struct history	*h = state;
	struct journal	*j;

	j = journal_open(session_state_dir(tui_session()), true, cause);
	if (j == NULL)
		return -1;
	if (journal_runs(j, NULL, &h->runs, &h->n_runs, cause) != 0) {
		journal_close(j);
		return -1;
	}
	journal_close(j);
	if (h->n_runs == 0) {
		*cause = xstrdup("the journal holds no run yet");
		return -1;
	}
	return 0;
}

static void
history_leave(void *state)
{
	struct history	*h = state;

	journal_runs_free(h->runs, h->n_runs);
	if (h->events != NULL)
		journal_events_free(h->events, h->n_events);
}

static void
when(long long t, char out[32])
{
	utc_format(out, 32, t, "%Y-%m-%d %H:%M");
}

static void
history_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct history		*h = state;
	const struct journal_run *r;
	const struct journal_event *e;
	char			 line[1024], t[32];
	int			 y = 0;
	size_t			 i;

	wattron(w, theme_attr(ROLE_TITLE));
	if (h->events == NULL) {
		snprintf(line, sizeof line, "Past runs (newest first); %s "
		    "shows a run's events", keys_key(KEYS_OPEN));
		ui_str(w, y++, 1, cols - 2, line);
	} else {
		r = &h->runs[h->n_runs - 1 - h->sel];
		snprintf(line, sizeof line, "Run %lld: %s %s %s %s, %s", r->id,
		    r->product, r->from, ui_glyph(UI_GLYPH_ARROW), r->to,
		    journal_run_status_name(r->status));
		ui_str(w, y++, 1, cols - 2, line);
	}
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	h->page = rows - y;
	if (h->events == NULL) {
		for (i = 0; i < h->n_runs && y < rows; i++) {
			r = &h->runs[h->n_runs - 1 - i];
			when(r->started, t);
			snprintf(line, sizeof line, "%5lld  %-16s %-8s %-14s %s %s "
			    "%s  %s on %s%s", r->id, t,
			    journal_run_kind_name(r->kind),
			    journal_run_status_name(r->status), r->from,
			    ui_glyph(UI_GLYPH_ARROW), r->to, r->operator, r->host,
			    r->dry_run ? " (dry run)" : "");
			if (i == h->sel)
				wattron(w, theme_attr(ROLE_SELECTION));
			mvwhline(w, y, 0, ' ', i == h->sel ? cols : 0);
			ui_str(w, y++, 1, cols - 2, line);
			wattroff(w, theme_attr(ROLE_SELECTION));
		}
		return;
	}
	for (i = h->top; i < h->n_events && y < rows; i++) {
		e = &h->events[i];
		when(e->time, t);
		snprintf(line, sizeof line, "%4lld %s [%s] %-9s %s%s%s", e->seq,
		    t, e->operator != NULL ? e->operator : "",
		    journal_event_kind_name(e->kind), e->step != NULL ?
		    e->step : "", e->step != NULL && e->detail != NULL ? ": " :
		    "", e->detail != NULL ? e->detail : "");
		/* One row an event: a multi-line detail is cut. */
		line[strcspn(line, "\n")] = '\0';
		ui_str(w, y++, 1, cols - 2, line);
	}
}

static bool
history_key(void *state, const struct ui_key *k)
{
	struct history	*h = state;
	struct journal	*j;
	char		*cause = NULL;
	size_t		 n = h->events != NULL ? h->n_events : h->n_runs;
	size_t		*pos = h->events != NULL ? &h->top : &h->sel;

	if (ui_list_move(k->action, pos, n, h->page)) {
		ui_dirty();
		return true;
	}
	switch (k->action) {
	case KEYS_OPEN:
		if (h->events != NULL)
			return true;
		j = journal_open(session_state_dir(tui_session()), true, &cause);
		if (j == NULL || journal_events(j, h->runs[h->n_runs - 1 -
		    h->sel].id, &h->events, &h->n_events, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
			h->events = NULL;
		}
		journal_close(j);
		h->top = 0;
		break;
	case KEYS_BACK:
		if (h->events == NULL)
			return false;	/* the frame pops the screen */
		journal_events_free(h->events, h->n_events);
		h->events = NULL;
		break;
	default:
		return false;
	}
	ui_dirty();
	return true;
}

const struct screen screen_history = {
	.name = "history",
	.state_size = sizeof(struct history),
	.keys = history_keys,
	.enter = history_enter,
	.draw = history_draw,
	.key = history_key,
	.leave = history_leave,
};
