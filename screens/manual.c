/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* manual.c: the manual screen: a task done by hand outside the terminal,
 * its instructions, then a tick with an optional note. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct manual {
	size_t	i;
};

static const enum key_action manual_keys[] = {
	KEYS_TICK, KEYS_SKIP, KEYS_OPEN, KEYS_NONE
};

static int
manual_enter(void *state, void *arg, char **cause)
{
	struct manual	*m = state;

	m->i = *(size_t *)arg;
	return 0;
}

static void
manual_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct manual		*m = state;
	const struct step	*st = &session_steps(tui_session())->v[m->i];
	char			 line[512];
	int			 y = 1;

	wattron(w, theme_attr(ROLE_TITLE));
	snprintf(line, sizeof line, "%zu. %s", m->i + 1, st->title);
	ui_str(w, y++, 2, cols - 4, line);
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	/* The instructions, wrapped: a long line is not cut at the edge. */
	y = ui_wrap(w, y, 2, cols - 4, rows - 4, st->text) + 1;
	if (st->state == STEP_PASSED) {
		wattron(w, theme_attr(ROLE_PASSED));
		snprintf(line, sizeof line, "%s Ticked%s%s", ui_glyph(
		    UI_GLYPH_PASSED), st->reason != NULL ? ": " : ".",
		    st->reason != NULL ? st->reason : "");
		ui_str(w, y++, 2, cols - 4, line);
		wattroff(w, theme_attr(ROLE_PASSED));
	} else {
		snprintf(line, sizeof line, "Do it, then %s ticks it off (with "
		    "an optional note).", keys_key(tui_act_key(
		    SESSION_ACT_TICK)));
		ui_str(w, y++, 2, cols - 4, line);
	}
}

static bool
manual_key(void *state, const struct ui_key *k)
{
	struct manual	*m = state;

	if (k->action == KEYS_OPEN) {
		ui_pop();
		return true;
	}
	/* The acts: tick (a note asked), skip (a reason asked). */
	return tui_act(m->i, k->action, NULL, NULL);
}

static bool
manual_can(void *state, enum key_action a)
{
	struct manual	*m = state;
	bool		 can;

	return tui_act_can(m->i, a, &can) ? can : true;
}

/* Ticked (the question went away): back to the checklist. */
static void
manual_tick_done(void *state)
{
	struct manual	*m = state;

	if (step_state_settled(session_steps(tui_session())->v[m->i].state))
		ui_pop();
}

const struct screen screen_manual = {
	.name = "manual",
	.state_size = sizeof(struct manual),
	.keys = manual_keys,
	.enter = manual_enter,
	.draw = manual_draw,
	.key = manual_key,
	.can = manual_can,
	.tick = manual_tick_done,
};
