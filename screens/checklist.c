/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* checklist.c: the hub: every step of the run by phase and hop, with its
 * state glyph; for a locked step what it waits for. Enter opens a step;
 * the selection follows the run as it progresses until the operator
 * moves it (Tab brings it back to where the run is). A step on many
 * hosts, a roll, is one row with its progress ("12/40 done, 2 running,
 * 1 failed"), opened as the host table. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct checklist {
	size_t	sel;
	bool	moved;		/* the operator moved the selection */
	int	top;		/* first row shown */
	int	page;
};

static const enum key_action checklist_keys[] = {
	KEYS_OPEN, KEYS_NEXT_STEP, KEYS_DOWN, KEYS_UP, KEYS_PAGE_DOWN,
	KEYS_PAGE_UP, KEYS_TOP, KEYS_BOTTOM, KEYS_HISTORY, KEYS_PAUSE_ROLL,
	KEYS_CONTINUE_ROLL, KEYS_NONE
};

static int
checklist_enter(void *state, void *arg, char **cause)
{
	struct checklist	*c = state;

	if (session_steps(tui_session()) == NULL) {
		*cause = xstrdup("the run has not begun");
		return -1;
	}
	c->sel = session_current(tui_session());
	ui_ticker(session_running(tui_session()) != NULL ? 100 : 0);
	return 0;
}

/* The group a step belongs to: phase, and hop within the hop phase. */
static int
group_of(const struct step *st)
{
	return st->phase == RB_PHASE_HOP ? 10 + st->hop : (int)st->phase;
}

static void
group_title(const struct step *st, char *out, size_t size)
{
	const struct plan	*pl = session_get_plan(tui_session());

	if (st->phase == RB_PHASE_HOP && pl != NULL && st->hop >= 0 &&
	    (size_t)st->hop < pl->n_hops)
		snprintf(out, size, "Hop %d of %zu: %s %s %s (%s)", st->hop + 1,
		    pl->n_hops, pl->hops[st->hop].from, ui_glyph(UI_GLYPH_ARROW),
		    pl->hops[st->hop].to, pl->hops[st->hop].kind != NULL ?
		    pl->hops[st->hop].kind : "?");
	else if (st->phase == RB_PHASE_PREPARE)
		snprintf(out, size, "Prepare");
	else if (st->phase == RB_PHASE_FINISH)
		snprintf(out, size, "Finish");
	else
		snprintf(out, size, "Rollback");
}

/* The screen row of item k (group titles take rows too). */
static int
row_of(const struct steps *ss, const struct tui_row *v, size_t k)
{
	int	row = 0;
	size_t	j;

	for (j = 0; j <= k; j++) {
		if (j == 0 || group_of(&ss->v[v[j].lo]) !=
		    group_of(&ss->v[v[j - 1].lo]))
			row++;
		if (j < k)
			row++;
	}
	return row;
}

static void
checklist_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct checklist	*c = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct step	*st;
	struct tui_row		*items;
	enum theme_role		 role;
	const char		*g, *words;
	char			 line[512];
	int			 row = 0, y, list_rows = rows - 3, selrow;
	size_t			 i, k, n, blocker, sel;

	if (ss->n == 0) {
		ui_str(w, 1, 1, cols - 2, "This run has no steps.");
		return;
	}
	if (c->sel >= ss->n)
		c->moved = false;	/* the steps changed: a rollback run */
	if (!c->moved)
		c->sel = session_current(s) < ss->n ? session_current(s) :
		    ss->n - 1;
	items = tui_rows(ss, &n);
	sel = tui_row_of(items, n, c->sel);
	c->page = list_rows;
	selrow = row_of(ss, items, sel);
	if (selrow < c->top)
		c->top = selrow > 0 && selrow - 1 >= 0 ? selrow - 1 : 0;
	if (selrow >= c->top + list_rows)
		c->top = selrow - list_rows + 1;
	for (k = 0; k < n; k++) {
		st = &ss->v[items[k].lo];
		if (k == 0 || group_of(st) != group_of(&ss->v[items[k - 1].lo])) {
			y = row++ - c->top;
			if (y >= 0 && y < list_rows) {
				group_title(st, line, sizeof line);
				wattron(w, theme_attr(ROLE_TITLE));
				ui_str(w, y, 1, cols - 2, line);
				wattroff(w, theme_attr(ROLE_TITLE));
			}
		}
		y = row++ - c->top;
		if (y < 0 || y >= list_rows)
			continue;
		if (tui_row_is_group(ss, &items[k])) {
			tui_row_group(ss, &items[k], line, sizeof line, &st);
			words = NULL;
		} else {
			snprintf(line, sizeof line, "%2zu. %-7s %s",
			    items[k].lo + 1, rb_kind_name(st->kind), st->title);
			words = st->state == STEP_IN_DOUBT ? "in doubt" :
			    st->state == STEP_PENDING ? "locked" :
			    step_state_words(st->state);
		}
		g = tui_state_glyph(st, &role);
		if (k == sel) {
			wattron(w, theme_attr(ROLE_SELECTION));
			mvwhline(w, y, 0, ' ', cols);
		}
		wattron(w, theme_attr(role));
		ui_str(w, y, 3, 2, g);
		wattroff(w, theme_attr(role));
		if (k == sel)
			wattron(w, theme_attr(ROLE_SELECTION));
		else if (st->state == STEP_PENDING)
			wattron(w, theme_attr(ROLE_LOCKED));
		if (words != NULL) {
			ui_str(w, y, 6, cols - 26, line);
			ui_str(w, y, cols - 19, 18, words);
		} else		/* a group: its progress says it */
			ui_str(w, y, 6, cols - 7, line);
		wattroff(w, theme_attr(ROLE_SELECTION));
		wattroff(w, theme_attr(ROLE_LOCKED));
	}

	/* The selected step, in words. */
	st = &ss->v[c->sel];
	i = items[sel].lo;
	ui_hline(w, rows - 3, 0, cols);
	if (st->host != NULL && items[sel].hi > items[sel].lo)
		snprintf(line, sizeof line, "Steps %zu-%zu run on many hosts: "
		    "%s opens the host table.", i + 1, items[sel].hi + 1,
		    keys_key(KEYS_OPEN));
	else if (st->state == STEP_PENDING && !steps_needs_met(ss, c->sel,
	    &blocker))
		snprintf(line, sizeof line, "Step %zu waits for step %zu, "
		    "\"%s\" (%s).", c->sel + 1, blocker + 1,
		    ss->v[blocker].title, step_state_words(ss->v[blocker].state));
	else if (st->reason != NULL)
		snprintf(line, sizeof line, "Step %zu %s: %s", c->sel + 1,
		    step_state_words(st->state), st->reason);
	else if (st->outputs.n > 0) {
		/* The values its command set (outputs), secrets masked. */
		struct buf	vals;
		size_t		j;

		buf_init(&vals);
		for (j = 0; j < st->outputs.n; j++)
			buf_printf(&vals, "%s%s=%s", j > 0 ? ", " : "",
			    st->outputs.v[j].name, st->outputs.v[j].secret ?
			    "********" : st->outputs.v[j].value);
		snprintf(line, sizeof line, "Step %zu %s; it set %s", c->sel + 1,
		    step_state_words(st->state), vals.data);
		buf_free(&vals);
	}
	else
		snprintf(line, sizeof line, "Step %zu: %s. %c%s.", c->sel + 1,
		    step_state_words(st->state),
		    toupper((unsigned char)*rb_kind_words(st->kind)),
		    rb_kind_words(st->kind) + 1);
	free(items);
	ui_str(w, rows - 2, 1, cols - 2, line);
	if (!c->moved || c->sel == session_current(s))
		snprintf(line, sizeof line, session_running(s) != NULL ?
		    "An action is running: %s follows it." :
		    "%s opens the step; the list follows the run.",
		    keys_key(KEYS_OPEN));
	else
		snprintf(line, sizeof line, "%s goes back to where the run is.",
		    keys_key(KEYS_NEXT_STEP));
	ui_str(w, rows - 1, 1, cols - 2, line);
}

static bool
checklist_key(void *state, const struct ui_key *k)
{
	struct checklist	*c = state;
	const struct steps	*ss = session_steps(tui_session());
	struct tui_row		*items;
	size_t			 n, sel;
	bool			 moved;

	if (ss->n == 0)
		return false;
	/* The cursor moves by rows; a group's row selects its first
	 * step. */
	items = tui_rows(ss, &n);
	sel = tui_row_of(items, n, c->sel < ss->n ? c->sel : ss->n - 1);
	moved = ui_list_move(k->action, &sel, n, c->page);
	if (moved)
		c->sel = items[sel].lo;
	free(items);
	if (moved) {
		c->moved = true;
		ui_dirty();
		return true;
	}
	switch (k->action) {
	case KEYS_OPEN:
		tui_open_step(c->sel);
		break;
	case KEYS_HISTORY: {
		char	*cause = NULL;

		if (ui_push(&screen_history, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		break;
	}
	case KEYS_NEXT_STEP:
		c->moved = false;
		break;
	case KEYS_PAUSE_ROLL:
	case KEYS_CONTINUE_ROLL:
		/* The roll of the step selected. */
		return tui_act(c->sel, k->action, NULL, NULL);
	default:
		return false;
	}
	ui_dirty();
	return true;
}

static bool
checklist_can(void *state, enum key_action a)
{
	struct checklist	*c = state;
	const struct steps	*ss = session_steps(tui_session());
	bool			 can;

	if (a != KEYS_PAUSE_ROLL && a != KEYS_CONTINUE_ROLL)
		return true;
	return ss != NULL && c->sel < ss->n && tui_act_can(c->sel, a, &can) &&
	    can;
}

static void
checklist_tick(void *state)
{
	tui_poll();
	ui_dirty();
	tui_follow();
}

const struct screen screen_checklist = {
	.name = "checklist",
	.state_size = sizeof(struct checklist),
	.keys = checklist_keys,
	.enter = checklist_enter,
	.draw = checklist_draw,
	.key = checklist_key,
	.can = checklist_can,
	.tick = checklist_tick,
};
