/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* hosts.c: the host table: a step on many hosts (`on:`) or a rolling
 * block, one row per host: its state, the step it is at, how long that
 * has taken and the last line of its output, with how many hosts are in
 * each state at the top. It follows the run (the selection on the host
 * that needs looking at) until the operator moves it; Enter opens the
 * selected host's step (its whole log), and the acts (retry, skip, mark
 * done, cancel) apply to it, pause and continue to the roll. Only the
 * rows shown are read: 500 hosts cost what 20 do. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pager.h"
#include "screens.h"
#include "tui.h"
#include "util.h"

struct hosts {
	size_t			 i;	/* the step it was opened on */
	size_t			 lo, hi; /* its group's steps */
	const struct steps	*steps;	/* the run's steps when entered */
	char			*title;
	struct steps_host	*h;	/* the hosts, as last read */
	size_t			 n;
	size_t			 counts[STEP__COUNT];
	size_t			 sel;
	bool			 moved;	/* the operator moved the selection */
	int			 top;	/* first host row shown */
	int			 page;
};

static const enum key_action hosts_keys[] = {
	KEYS_OPEN, KEYS_START, KEYS_CANCEL, KEYS_ACCEPT, KEYS_RETRY,
	KEYS_DONE_BY_HAND, KEYS_SKIP, KEYS_PAUSE_ROLL, KEYS_CONTINUE_ROLL,
	KEYS_ROLLBACK, KEYS_SHELL,
	KEYS_NEXT_STEP, KEYS_DOWN, KEYS_UP, KEYS_PAGE_DOWN, KEYS_PAGE_UP,
	KEYS_TOP, KEYS_BOTTOM, KEYS_NONE
};

/* Read the hosts and where each is again. */
static void
hosts_read(struct hosts *hs)
{
	free(hs->h);
	hs->n = steps_group_hosts(session_steps(tui_session()), hs->i, &hs->h,
	    hs->counts);
	if (hs->sel >= hs->n)
		hs->sel = hs->n > 0 ? hs->n - 1 : 0;
}

/* The host that needs looking at: the first failed or in doubt, else the
 * first running, else the first not done yet, else the first. */
static size_t
hosts_follow(const struct hosts *hs)
{
	const struct steps	*ss = session_steps(tui_session());
	static const enum step_state order[] = {
		STEP_FAILED, STEP_IN_DOUBT, STEP_RUNNING, STEP_READY,
		STEP_PENDING
	};
	size_t			 k, o;

	for (o = 0; o < sizeof order / sizeof order[0]; o++)
		for (k = 0; k < hs->n; k++)
			if (ss->v[hs->h[k].at].state == order[o])
				return k;
	return 0;
}

/* The step a host is at, for the acts: SIZE_MAX for none. */
static size_t
hosts_at(const struct hosts *hs)
{
	return hs->sel < hs->n ? hs->h[hs->sel].at : SIZE_MAX;
}

/* Start step i here when it is of this group, on a host, ready and
 * starts without asking (an action after the confirmation); a fork
 * group's fellows start with it. */
static bool
hosts_start(struct hosts *hs, size_t i)
{
	struct session		*s = tui_session();
	const struct step	*st = &session_steps(s)->v[i];
	char			*cause = NULL;

	if (i < hs->lo || i > hs->hi || st->host == NULL ||
	    st->state != STEP_READY || !session_auto(s, i) ||
	    !session_can(s, i, SESSION_ACT_START, NULL))
		return false;
	if (session_act(s, i, SESSION_ACT_START, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return false;
	}
	ui_ticker(100);
	return true;
}

/* An act was done (a host retried or skipped, the roll continued): the
 * step the run is at starts when it is the group's and starts without
 * asking, as when a host passes. */
static void
hosts_acted(void *ctx)
{
	struct session	*s = tui_session();

	if (session_running(s) == NULL)
		(void)hosts_start(ctx, session_current(s));
	ui_ticker(session_running(s) != NULL ? 100 : 0);
	ui_dirty();
}

static int
hosts_enter(void *state, void *arg, char **cause)
{
	struct hosts		*hs = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct step	*st;

	hs->i = *(size_t *)arg;
	hs->steps = ss;
	st = &ss->v[hs->i];
	steps_group_span(ss, hs->i, &hs->lo, &hs->hi);
	hs->title = tui_group_title(st);
	hosts_read(hs);
	if (hs->n == 0) {
		*cause = xasprintf("step %zu runs on no host", hs->i + 1);
		return -1;
	}
	(void)hosts_start(hs, hs->i);
	ui_ticker(session_running(s) != NULL ? 100 : 0);
	return 0;
}

static void
hosts_leave(void *state)
{
	struct hosts	*hs = state;

	free(hs->h);
	free(hs->title);
}

/* "4s", "2m05s", "1h02m". */
static void
hosts_elapsed(long long t, char *out, size_t size)
{
	if (t < 0)
		t = 0;
	if (t < 60)
		snprintf(out, size, "%llds", t);
	else if (t < 3600)
		snprintf(out, size, "%lldm%02llds", t / 60, t % 60);
	else
		snprintf(out, size, "%lldh%02lldm", t / 3600, t / 60 % 60);
}

/* The last line of output of step i's last attempt, drawn at (y, x) in
 * cols columns; nothing when it wrote none. */
static void
hosts_last_line(WINDOW *w, int y, int x, int cols, size_t i)
{
	const char	*log = session_log(tui_session(), i), *text;
	struct pager	*p;
	char		*cause = NULL;
	size_t		 len;
	off_t		 next;

	if (log == NULL || cols <= 0)
		return;
	if ((p = pager_open(log, &cause)) == NULL) {
		free(cause);	/* not written yet */
		return;
	}
	if (pager_size(p) > 0) {
		text = pager_line(p, pager_last(p, 1), &len, &next);
		ui_text_more(w, y, x, cols, text, len, 0);
	}
	pager_free(p);
}

/* A host's state in a word that fits its column. */
static const char *
hosts_state(enum step_state state)
{
	switch (state) {
	case STEP_PENDING:
		return "waiting";
	case STEP_IN_DOUBT:
		return "in doubt";
	case STEP_DONE:
		return "by hand";
	default:
		return step_state_name(state);
	}
}

static void
hosts_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct hosts		*hs = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct step	*st, *cur;
	enum theme_role		 role;
	char			 line[1024], t[48], at_once[32], *progress;
	unsigned		 forks;
	const char		*g, *name;
	int			 y, list_rows, hw, x;
	size_t			 k, cur_i, hostw = 4;
	long long		 now = (long long)time(NULL), elapsed;

	hosts_read(hs);
	if (!hs->moved)
		hs->sel = hosts_follow(hs);

	/* The title, where the run is in the group, the counts. */
	cur_i = session_current(s);
	cur = cur_i >= hs->lo && cur_i <= hs->hi ? &ss->v[cur_i] : NULL;
	wattron(w, theme_attr(ROLE_TITLE));
	if (ss->v[hs->i].roll != NULL)
		snprintf(line, sizeof line, "%zu. roll %s: %s", hs->lo + 1,
		    ss->v[hs->i].roll->id, hs->title);
	else
		snprintf(line, sizeof line, "%zu. %s", hs->lo + 1, hs->title);
	ui_str(w, 0, 1, cols - 2, line);
	wattroff(w, theme_attr(ROLE_TITLE));
	progress = steps_hosts_progress(hs->counts, hs->n);
	st = &ss->v[hs->i];
	forks = st->roll != NULL ? st->roll->forks : st->rb != NULL ?
	    st->rb->forks : 1;
	if (forks > 1)
		snprintf(at_once, sizeof at_once, ", at most %u at once", forks);
	else
		at_once[0] = '\0';
	if (cur != NULL && cur->roll != NULL && cur->batches > 0)
		snprintf(line, sizeof line, "%zu hosts, batch %u of %u%s: %s",
		    hs->n, cur->batch, cur->batches, at_once, progress);
	else
		snprintf(line, sizeof line, "%zu hosts%s: %s", hs->n, at_once,
		    progress);
	free(progress);
	ui_str(w, 1, 1, cols - 2, line);
	ui_hline(w, 2, 0, cols);

	/* The columns: glyph, host, state, step, time, last output. */
	for (k = 0; k < hs->n; k++)
		if (strlen(hs->h[k].host) > hostw)
			hostw = strlen(hs->h[k].host);
	hw = hostw > 20 ? 20 : (int)hostw;
	wattron(w, theme_attr(ROLE_DIM));
	snprintf(line, sizeof line, "   %-*s %-9s %-14s %7s  %s", hw, "HOST",
	    "STATE", "STEP", "TIME", "LAST OUTPUT");
	ui_str(w, 3, 0, cols - 1, line);
	wattroff(w, theme_attr(ROLE_DIM));

	list_rows = rows - 4 - 3;
	if (list_rows < 1)
		list_rows = 1;
	hs->page = list_rows;
	if ((int)hs->sel < hs->top)
		hs->top = (int)hs->sel;
	if ((int)hs->sel >= hs->top + list_rows)
		hs->top = (int)hs->sel - list_rows + 1;
	if (hs->top > 0 && (size_t)hs->top + (size_t)list_rows > hs->n)
		hs->top = hs->n > (size_t)list_rows ?
		    (int)(hs->n - (size_t)list_rows) : 0;
	for (y = 0; y < list_rows && (size_t)(hs->top + y) < hs->n; y++) {
		k = (size_t)(hs->top + y);
		st = &ss->v[hs->h[k].at];
		if (k == hs->sel) {
			wattron(w, theme_attr(ROLE_SELECTION));
			mvwhline(w, 4 + y, 0, ' ', cols);
		}
		g = tui_state_glyph(st, &role);
		wattron(w, theme_attr(role));
		ui_str(w, 4 + y, 1, 2, g);
		wattroff(w, theme_attr(role));
		if (k == hs->sel)
			wattron(w, theme_attr(ROLE_SELECTION));
		else if (st->state == STEP_PENDING)
			wattron(w, theme_attr(ROLE_LOCKED));
		ui_str(w, 4 + y, 3, hw, hs->h[k].host);
		x = 3 + hw + 1;
		ui_str(w, 4 + y, x, 9, hosts_state(st->state));
		x += 10;
		name = st->rb != NULL && st->rb->id != NULL ? st->rb->id :
		    st->key;
		ui_str(w, 4 + y, x, 14, name);
		x += 15;
		if (st->started > 0) {
			elapsed = (st->ended > 0 ? st->ended : now) -
			    st->started;
			hosts_elapsed(elapsed, t, sizeof t);
			snprintf(line, sizeof line, "%7s", t);
			ui_str(w, 4 + y, x, 7, line);
		}
		x += 9;
		if (st->started > 0)
			hosts_last_line(w, 4 + y, x, cols - x - 1,
			    hs->h[k].at);
		wattroff(w, theme_attr(ROLE_SELECTION));
		wattroff(w, theme_attr(ROLE_LOCKED));
	}

	/* The selected host, in words, and what Enter does when that
	 * leaves a row. */
	ui_hline(w, rows - 3, 0, cols);
	y = rows - 2;
	if (hs->sel < hs->n) {
		st = &ss->v[hs->h[hs->sel].at];
		const char	*why = NULL;

		if (st->state == STEP_READY &&
		    steps_roll_held(ss, st->index, NULL) &&
		    !session_can(s, st->index, SESSION_ACT_START, &why) &&
		    why != NULL)
			/* Its roll is paused before its batch. */
			snprintf(line, sizeof line, "%s, step %zu (%s): held: "
			    "%s (%s).", hs->h[hs->sel].host, st->index + 1,
			    st->rb != NULL ? st->rb->id : st->key, why,
			    keys_key(KEYS_CONTINUE_ROLL));
		else if (st->reason != NULL)
			snprintf(line, sizeof line, "%s, step %zu (%s): %s: %s",
			    hs->h[hs->sel].host, st->index + 1, st->rb != NULL ?
			    st->rb->id : st->key, step_state_words(st->state),
			    st->reason);
		else
			snprintf(line, sizeof line, "%s, step %zu (%s): %s%s",
			    hs->h[hs->sel].host, st->index + 1, st->rb != NULL ?
			    st->rb->id : st->key, step_state_words(st->state),
			    st->attempts > 1 ? "" : ".");
		if (st->attempts > 1 && why == NULL)
			snprintf(line + strlen(line), sizeof line -
			    strlen(line), " (attempt %u).", st->attempts);
		g = tui_state_glyph(st, &role);
		wattron(w, theme_attr(role));
		y = ui_wrap(w, y, 1, cols - 2, rows, line);
		wattroff(w, theme_attr(role));
	}
	if (!hs->moved)
		snprintf(line, sizeof line, "%s opens the host's step and its "
		    "whole log; the table follows the run.", keys_key(KEYS_OPEN));
	else
		snprintf(line, sizeof line, "%s opens the host's step; %s "
		    "follows the run again.", keys_key(KEYS_OPEN),
		    keys_key(KEYS_NEXT_STEP));
	if (y < rows)
		ui_str(w, y, 1, cols - 2, line);
}

static bool
hosts_key(void *state, const struct ui_key *k)
{
	struct hosts	*hs = state;
	size_t		 at;

	hosts_read(hs);
	if (!hs->moved)
		hs->sel = hosts_follow(hs);
	if (ui_list_move(k->action, &hs->sel, hs->n, hs->page)) {
		hs->moved = true;
		ui_dirty();
		return true;
	}
	if (k->action == KEYS_NEXT_STEP) {
		hs->moved = false;
		ui_dirty();
		return true;
	}
	if ((at = hosts_at(hs)) == SIZE_MAX)
		return false;
	if (k->action == KEYS_OPEN) {
		tui_open_one(at);
		return true;
	}
	/* The acts, on the selected host's step; the host stays selected
	 * while the operator answers. */
	if (tui_act(at, k->action, hosts_acted, hs)) {
		hs->moved = true;
		return true;
	}
	return false;
}

static bool
hosts_can(void *state, enum key_action a)
{
	struct hosts	*hs = state;
	size_t		 at = hosts_at(hs);
	bool		 can;

	if (a == KEYS_OPEN)
		return at != SIZE_MAX;
	if (at == SIZE_MAX)
		return true;
	return tui_act_can(at, a, &can) ? can : true;
}

static void
hosts_tick(void *state)
{
	struct hosts		*hs = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	size_t			 next;

	if (ss != hs->steps) {
		ui_pop();		/* a rollback run began */
		return;
	}
	tui_poll();
	ui_dirty();			/* the elapsed times, the output */
	if (session_running(s) != NULL)
		return;
	/* Nothing runs: the group's next step starts here when it starts
	 * without asking; anything else (the roll's health check or pause,
	 * the step after the group) is the checklist's to open. */
	next = session_current(s);
	if (next < ss->n && ss->v[next].state == STEP_READY &&
	    session_auto(s, next)) {
		if (!hosts_start(hs, next))
			ui_pop();
	} else if (steps_done(ss))
		ui_pop();
}

const struct screen screen_hosts = {
	.name = "hosts",
	.state_size = sizeof(struct hosts),
	.keys = hosts_keys,
	.enter = hosts_enter,
	.draw = hosts_draw,
	.key = hosts_key,
	.tick = hosts_tick,
	.can = hosts_can,
	.leave = hosts_leave,
};
