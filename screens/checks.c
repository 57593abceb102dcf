/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* checks.c: the checks screen: a group of consecutive checks run one
 * after another, PASS / WARN / FAIL / SKIP each with its hint, and a
 * summary line (like pve8to9). A FAIL blocks; a WARN needs accepting.
 * Titles and hints are wrapped, never cut, and the list scrolls. A FAIL
 * offers the rollback once the run may have changed the cluster
 * (session_can), else stopping. */
#include "config.h"

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct checks {
	size_t	lo, hi;		/* the group: steps lo..hi */
	size_t	sel;
	int	top;		/* first row of the list shown */
	int	page;		/* rows of the list shown, at the last draw */
	int	total;		/* rows of the whole list, at the last draw */
	bool	follow;		/* bring the selected check into view */
};

static const enum key_action checks_keys[] = {
	KEYS_OPEN, KEYS_ACCEPT, KEYS_RETRY, KEYS_ROLLBACK, KEYS_QUIT,
	KEYS_OUTPUT, KEYS_DONE_BY_HAND, KEYS_SKIP, KEYS_DOWN, KEYS_UP,
	KEYS_PAGE_DOWN, KEYS_PAGE_UP, KEYS_NONE
};

static bool
same_group(const struct step *a, const struct step *b)
{
	return a->kind == RB_CHECK && b->kind == RB_CHECK &&
	    a->phase == b->phase && a->hop == b->hop;
}

/* The check that holds the run up: the selected one when it failed, else
 * the first of the group that failed or is in doubt; or none (-1). */
static ssize_t
checks_blocker(const struct checks *c)
{
	const struct steps	*ss = session_steps(tui_session());
	size_t			 i;

	if (ss->v[c->sel].state == STEP_FAILED ||
	    ss->v[c->sel].state == STEP_IN_DOUBT)
		return (ssize_t)c->sel;
	for (i = c->lo; i <= c->hi; i++) {
		if (ss->v[i].state == STEP_FAILED ||
		    ss->v[i].state == STEP_IN_DOUBT)
			return (ssize_t)i;
	}
	return -1;
}

static bool
checks_is_warning(const struct step *st)
{
	return st->rb != NULL && st->rb->severity == RB_SEV_WARN;
}

/* Start the next check of the group that may start, if none runs. */
static void
checks_next(struct checks *c)
{
	struct session	*s = tui_session();
	char		*cause = NULL;
	size_t		 i;

	if (session_running(s) != NULL)
		return;
	for (i = c->lo; i <= c->hi; i++) {
		if (session_steps(s)->v[i].state == STEP_READY &&
		    session_auto(s, i) &&
		    session_can(s, i, SESSION_ACT_START, NULL)) {
			if (session_act(s, i, SESSION_ACT_START, NULL, &cause) != 0) {
				ui_message(ROLE_ERROR, "%s", cause);
				free(cause);
			} else {
				c->sel = i;
				c->follow = true;
			}
			break;
		}
	}
	ui_ticker(session_running(s) != NULL ? 100 : 0);
}

static int
checks_enter(void *state, void *arg, char **cause)
{
	struct checks		*c = state;
	const struct steps	*ss = session_steps(tui_session());
	size_t			 i = *(size_t *)arg;

	c->lo = c->hi = c->sel = i;
	c->follow = true;
	while (c->lo > 0 && same_group(&ss->v[c->lo - 1], &ss->v[i]))
		c->lo--;
	while (c->hi + 1 < ss->n && same_group(&ss->v[c->hi + 1], &ss->v[i]))
		c->hi++;
	checks_next(c);
	return 0;
}

/* Check i from row y of w: its word, its title and its hint, both
 * wrapped (nothing is cut at the edge). With w NULL it only measures.
 * Returns the row after it. */
static int
checks_row(struct checks *c, WINDOW *w, int y, int cols, size_t i)
{
	const struct step	*st = &session_steps(tui_session())->v[i];
	enum theme_role		 role;
	const char		*word;
	char			*title, *hint, *text;
	int			 end, r;

	word = tui_check_word(st, &role);
	title = xasprintf("%zu. %s", i + 1, st->title);
	end = ui_wrap(NULL, y, 8, cols - 9, INT_MAX, title);
	if (w != NULL) {
		if (i == c->sel) {
			wattron(w, theme_attr(ROLE_SELECTION));
			for (r = y; r < end; r++)
				mvwhline(w, r, 0, ' ', cols);
			wattroff(w, theme_attr(ROLE_SELECTION));
		}
		wattron(w, theme_attr(role));
		ui_str(w, y, 2, 4, *word != '\0' ? word :
		    st->state == STEP_PENDING ? "...." : "");
		wattroff(w, theme_attr(role));
		if (i == c->sel)
			wattron(w, theme_attr(ROLE_SELECTION));
		ui_wrap(w, y, 8, cols - 9, end, title);
		wattroff(w, theme_attr(ROLE_SELECTION));
	}
	free(title);
	y = end;
	if ((st->state == STEP_FAILED || st->warned) && st->rb != NULL &&
	    st->rb->hint != NULL) {
		hint = tui_expand(st, st->rb->hint);
		text = xasprintf("hint: %s", hint);
		free(hint);
		if (w != NULL)
			wattron(w, theme_attr(ROLE_DIM));
		y = ui_wrap(w, y, 10, cols - 11, INT_MAX, text);
		if (w != NULL)
			wattroff(w, theme_attr(ROLE_DIM));
		free(text);
	}
	return y;
}

/* What the operator can do now, in words, under the summary (the keys
 * named from the key table); in buf. */
static const char *
checks_advice(const struct checks *c, char *buf, size_t size)
{
	struct session		*s = tui_session();
	const struct step	*st;
	ssize_t			 b = checks_blocker(c);
	const char		*retry = keys_key(KEYS_RETRY);
	bool			 rollback, warning;
	struct session_wait_info wi;

	if (session_running(s) != NULL &&
	    session_wait_info(s, session_running(s)->index, &wi)) {
		/* A check retried until it passes (until). */
		if (wi.running)
			snprintf(buf, size, "Waiting until check %zu passes: "
			    "attempt %u running, %lldm%02llds left to wait. %s "
			    "shows its output (%s there stops waiting).",
			    session_running(s)->index + 1, wi.attempts,
			    wi.left / 60, wi.left % 60, keys_key(KEYS_OUTPUT),
			    keys_key(KEYS_STOP_WAIT));
		else
			snprintf(buf, size, "Waiting until check %zu passes: "
			    "attempt %u exited %d, the next in %llds, "
			    "%lldm%02llds left to wait. %s shows its output "
			    "(%s there stops waiting).",
			    session_running(s)->index + 1, wi.attempts,
			    wi.last_exit, wi.next_in, wi.left / 60,
			    wi.left % 60, keys_key(KEYS_OUTPUT),
			    keys_key(KEYS_STOP_WAIT));
		return buf;
	}
	if (session_running(s) != NULL)
		return "Running the checks one after another.";
	if (b < 0) {
		snprintf(buf, size, "%s goes back to the checklist.",
		    keys_key(KEYS_OPEN));
		return buf;
	}
	st = &session_steps(s)->v[b];
	rollback = session_can(s, (size_t)b, SESSION_ACT_ROLLBACK, NULL);
	/* (A wait that ran out with timeout-means: warn is one too.) */
	warning = (checks_is_warning(st) || session_can(s, (size_t)b,
	    SESSION_ACT_WARN_OK, NULL)) && st->state == STEP_FAILED;
	if (warning && rollback)
		snprintf(buf, size, "A warning: %s accepts it and goes on; %s "
		    "runs it again; %s rolls back what the run changed.",
		    keys_key(KEYS_ACCEPT), retry, keys_key(KEYS_ROLLBACK));
	else if (warning)
		snprintf(buf, size, "A warning: %s accepts it and goes on; %s "
		    "runs it again.", keys_key(KEYS_ACCEPT), retry);
	else if (rollback)
		snprintf(buf, size, "A failure blocks the run: fix it, then %s "
		    "runs it again (%s shows its output); or %s rolls back "
		    "what the run changed.", retry, keys_key(KEYS_OUTPUT),
		    keys_key(KEYS_ROLLBACK));
	else if (session_steps(s)->rollback)
		snprintf(buf, size, "A failure blocks the rollback: fix it, "
		    "then %s runs it again (%s shows its output).", retry,
		    keys_key(KEYS_OUTPUT));
	else
		snprintf(buf, size, "A failure blocks the run. Nothing has "
		    "changed yet: fix it, then %s runs it again; or %s stops "
		    "here (the run stays paused).", retry, keys_key(KEYS_QUIT));
	return buf;
}

static void
checks_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct checks		*c = state;
	const struct steps	*ss = session_steps(tui_session());
	enum theme_role		 role, sum_role;
	const char		*word, *advice;
	char			 line[512], abuf[512];
	int			 pass = 0, warn = 0, fail = 0, skip = 0;
	int			 y, rule, sel_y = 0, sel_end = 0, shown;
	WINDOW			*pad;
	cchar_t			 bg;
	size_t			 i;

	advice = checks_advice(c, abuf, sizeof abuf);
	for (i = c->lo; i <= c->hi; i++) {
		word = tui_check_word(&ss->v[i], &role);
		if (strcmp(word, "PASS") == 0)
			pass++;
		else if (strcmp(word, "WARN") == 0)
			warn++;
		else if (strcmp(word, "FAIL") == 0)
			fail++;
		else if (strcmp(word, "SKIP") == 0)
			skip++;
	}
	snprintf(line, sizeof line, "Summary: %zu checks, %d passed, %d "
	    "warnings, %d failed, %d skipped", c->hi - c->lo + 1, pass, warn,
	    fail, skip);

	/* Under the list: the rule, the summary and the advice, wrapped. */
	rule = rows - 1 - (ui_wrap(NULL, 0, 1, cols - 2, INT_MAX, line) +
	    ui_wrap(NULL, 0, 1, cols - 2, INT_MAX, advice));
	c->page = rule - 2 > 1 ? rule - 2 : 1;

	/* The list, measured: a selected check comes into view whole (its
	 * top, when it is taller than the view). */
	for (i = c->lo, y = 0; i <= c->hi; i++) {
		if (i == c->sel)
			sel_y = y;
		y = checks_row(c, NULL, y, cols, i);
		if (i == c->sel)
			sel_end = y;
	}
	c->total = y;
	if (c->follow) {
		if (sel_y < c->top || sel_end - sel_y > c->page)
			c->top = sel_y;
		else if (sel_end > c->top + c->page)
			c->top = sel_end - c->page;
		c->follow = false;
	}
	if (c->top > c->total - c->page)
		c->top = c->total - c->page;
	if (c->top < 0)
		c->top = 0;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, 0, 1, cols - 2, "Checks (read-only commands that must "
	    "pass)");
	wattroff(w, theme_attr(ROLE_TITLE));
	if (c->total > c->page) {
		/* More than fits: where the view is. */
		char	pos[64];

		snprintf(pos, sizeof pos, " rows %d-%d of %d", c->top + 1,
		    c->top + c->page < c->total ? c->top + c->page : c->total,
		    c->total);
		wattron(w, theme_attr(ROLE_DIM));
		ui_str(w, 0, cols - 1 - ui_width(pos), ui_width(pos), pos);
		wattroff(w, theme_attr(ROLE_DIM));
	}

	/* Drawn whole on a pad, of which the rows in view are shown. */
	pad = newpad(c->total > 0 ? c->total : 1, cols);
	if (pad != NULL) {
		wgetbkgrnd(w, &bg);
		wbkgrndset(pad, &bg);
		werase(pad);
		for (i = c->lo, y = 0; i <= c->hi; i++)
			y = checks_row(c, pad, y, cols, i);
		shown = c->total - c->top < c->page ? c->total - c->top :
		    c->page;
		if (shown > 0)
			copywin(pad, w, c->top, 0, 2, 0, 2 + shown - 1,
			    cols - 1, FALSE);
		delwin(pad);
	}

	ui_hline(w, rule, 0, cols);
	sum_role = fail > 0 ? ROLE_FAILED : warn > 0 ? ROLE_WARNING :
	    ROLE_PASSED;
	wattron(w, theme_attr(sum_role));
	y = ui_wrap(w, rule + 1, 1, cols - 2, rows, line);
	wattroff(w, theme_attr(sum_role));
	ui_wrap(w, y, 1, cols - 2, rows, advice);
}

static void	checks_tick(void *);

static bool
checks_key(void *state, const struct ui_key *k)
{
	struct checks	*c = state;
	char		*cause = NULL;
	int		 r = 0;

	switch (k->action) {
	case KEYS_OPEN:
		ui_pop();
		return true;
	case KEYS_DOWN:
		/* Past the last check: the rest of its hint. */
		if (c->sel < c->hi) {
			c->sel++;
			c->follow = true;
		} else
			c->top++;
		break;
	case KEYS_UP:
		if (c->sel > c->lo) {
			c->sel--;
			c->follow = true;
		} else
			c->top--;
		break;
	case KEYS_PAGE_DOWN:
		c->top += c->page > 1 ? c->page - 1 : 1;
		break;
	case KEYS_PAGE_UP:
		c->top -= c->page > 1 ? c->page - 1 : 1;
		break;
	case KEYS_QUIT:
		return false;	/* the frame leaves; the run stays paused */
	case KEYS_OUTPUT:
		r = ui_push(&screen_run, &c->sel, &cause);
		break;
	default:
		/* The acts, on the selected check (accept, retry, mark done,
		 * skip); the rollback's is the whole run's. Once one is
		 * done, on to the next check (which may leave the screen). */
		return tui_act(c->sel, k->action, checks_tick, c);
	}
	if (r != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	ui_dirty();
	return true;
}

static bool
checks_can(void *state, enum key_action a)
{
	struct checks	*c = state;
	struct session	*s = tui_session();
	ssize_t		 b = checks_blocker(c);
	bool		 can;

	switch (a) {
	case KEYS_ROLLBACK:
		return b >= 0 &&
		    session_can(s, (size_t)b, SESSION_ACT_ROLLBACK, NULL);
	case KEYS_QUIT:
		/* Offered when a failure blocks and there is nothing to roll
		 * back: stopping is the honest way out (it works anywhere). */
		return b >= 0 && session_running(s) == NULL &&
		    !checks_is_warning(&session_steps(s)->v[b]) &&
		    !session_can(s, (size_t)b, SESSION_ACT_ROLLBACK, NULL);
	case KEYS_PAGE_DOWN:
	case KEYS_PAGE_UP:
		return c->total > c->page;
	case KEYS_OPEN:
		return session_running(s) == NULL;
	default:
		return tui_act_can(c->sel, a, &can) ? can : true;
	}
}

static void
checks_tick(void *state)
{
	struct checks		*c = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	size_t			 i, next;

	tui_poll();
	checks_next(c);
	ui_dirty();
	if (session_running(s) != NULL)
		return;
	for (i = c->lo; i <= c->hi; i++) {
		if (!step_state_settled(ss->v[i].state))
			return;
	}
	/* All settled and the run goes on by itself: on to the next step
	 * (the checklist opens it), as the run screen does. */
	next = session_current(s);
	if ((next < ss->n && ss->v[next].state == STEP_READY &&
	    session_auto(s, next)) || steps_done(ss))
		ui_pop();
}

const struct screen screen_checks = {
	.name = "checks",
	.state_size = sizeof(struct checks),
	.keys = checks_keys,
	.enter = checks_enter,
	.draw = checks_draw,
	.key = checks_key,
	.tick = checks_tick,
	.can = checks_can,
};
