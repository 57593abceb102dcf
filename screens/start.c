/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* start.c: the start screen: an unfinished run of this runbook, to
 * resume at its exact step or abandon (with a reason) for a new one. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct start {
	int	unused;
};

static const enum key_action start_keys[] = {
	KEYS_OPEN, KEYS_ABANDON, KEYS_HISTORY, KEYS_NONE
};

static int
start_enter(void *state, void *arg, char **cause)
{
	if (session_unfinished(tui_session()) == NULL) {
		*cause = xstrdup("there is no unfinished run to resume");
		return -1;
	}
	return 0;
}

static void
start_draw(void *state, WINDOW *w, int rows, int cols)
{
	const struct session_run_info *u = session_unfinished(tui_session());
	const struct runbook	*rb = session_runbook(tui_session());
	char			 when[64], line[512];
	int			 y = 1;

	if (u == NULL)
		return;
	utc_format(when, sizeof when, u->started, "%Y-%m-%d %H:%M:%S UTC");
	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 2, cols - 4, "An unfinished run of this runbook");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	snprintf(line, sizeof line, "Runbook   %s (%s)", rb->path, rb->product);
	ui_str(w, y++, 2, cols - 4, line);
	snprintf(line, sizeof line, "Run       %s, %s %s %s", u->id, u->from,
	    ui_glyph(UI_GLYPH_ARROW), u->to);
	ui_str(w, y++, 2, cols - 4, line);
	snprintf(line, sizeof line, "Begun     %s by %s on %s", when,
	    u->operator, u->host);
	ui_str(w, y++, 2, cols - 4, line);
	snprintf(line, sizeof line, "At step   %s", u->step != NULL ? u->step :
	    "(the start)");
	ui_str(w, y++, 2, cols - 4, line);
	y++;
	if (u->runbook_changed) {
		wattron(w, theme_attr(ROLE_WARNING));
		ui_str(w, y++, 2, cols - 4, "The runbook changed since this run "
		    "began (its sha256 differs).");
		ui_str(w, y++, 2, cols - 4, "Check what changed before "
		    "resuming.");
		wattroff(w, theme_attr(ROLE_WARNING));
		y++;
	}
	if (u->inventory_note != NULL) {
		wattron(w, theme_attr(ROLE_WARNING));
		ui_str(w, y++, 2, cols - 4, u->inventory_note);
		wattroff(w, theme_attr(ROLE_WARNING));
		y++;
	}
	snprintf(line, sizeof line, "%s resumes it at its exact step; a "
	    "running action is followed again.", keys_key(KEYS_OPEN));
	ui_str(w, y++, 2, cols - 4, line);
	snprintf(line, sizeof line, "%s abandons it (with a reason) and "
	    "begins a new run.", keys_key(KEYS_ABANDON));
	ui_str(w, y++, 2, cols - 4, line);
}

static int
start_abandon_answer(void *ctx, const char *reason, char **cause)
{
	/* The ask goes away; start_tick then sees no unfinished run. */
	return session_abandon(tui_session(), reason, cause);
}

/* Revealed again (after the question): a new run begins with its plan. */
static void
start_tick(void *state)
{
	char	*cause = NULL;

	if (session_unfinished(tui_session()) != NULL)
		return;
	if (ui_replace(session_needs_from(tui_session()) ? &screen_questions :
	    &screen_plan, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
}

static bool
start_key(void *state, const struct ui_key *k)
{
	struct ask_arg	 a;
	char		*cause = NULL;
	int		 r;

	switch (k->action) {
	case KEYS_OPEN:
		/* Secret answers were never journaled: asked again first,
		 * and the questions screen resumes. */
		if (session_question(tui_session(), 0) != NULL)
			r = ui_replace(&screen_questions, NULL, &cause);
		else if ((r = session_resume(tui_session(), &cause)) ==
		    EXIT_DONE)
			tui_hub();
		else
			r = -1;
		if (r != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return true;
	case KEYS_HISTORY:
		if (ui_push(&screen_history, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return true;
	case KEYS_ABANDON:
		memset(&a, 0, sizeof a);
		a.title = "Abandon the unfinished run";
		a.question = "Why is it abandoned? (journaled; then a new run "
		    "begins)";
		a.text = true;
		a.required = true;
		a.answer = start_abandon_answer;
		if (ui_push(&screen_ask, &a, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return true;
	default:
		return false;
	}
}


const struct screen screen_start = {
	.name = "start",
	.state_size = sizeof(struct start),
	.keys = start_keys,
	.enter = start_enter,
	.draw = start_draw,
	.key = start_key,
	.tick = start_tick,
};
