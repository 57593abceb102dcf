/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* confirm.c: the confirm screen: the step's own text, the exact phrase
 * to type, with what happens next (hops, commands, backups made so far); a mismatch is
 * journaled by the session and said here. */
#include "config.h"

#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct confirm {
	size_t		 i;
	struct ui_line	 line;
	char		*error;
};

/* Confirmed already: Enter goes back. */
static const enum key_action confirm_keys[] = {
	KEYS_OPEN, KEYS_NONE
};

/* The phrase is typed. */
static const enum key_action confirm_typed[] = {
	KEYS_PHRASE, KEYS_ERASE, KEYS_NONE
};

static int
confirm_enter(void *state, void *arg, char **cause)
{
	struct confirm	*c = state;

	c->i = *(size_t *)arg;
	ui_line_clear(&c->line);
	return 0;
}

static void
confirm_leave(void *state)
{
	struct confirm	*c = state;

	free(c->error);
}

static void
confirm_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct confirm		*c = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct step	*st = &ss->v[c->i];
	const struct plan	*pl = session_get_plan(s);
	char			 line[512];
	int			 y = 1, actions = 0, checks = 0;
	size_t			 j, chain, until;

	wattron(w, theme_attr(ROLE_TITLE));
	snprintf(line, sizeof line, "%zu. %s", c->i + 1, st->title);
	ui_str(w, y++, 2, cols - 4, line);
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	if (st->state == STEP_PASSED) {
		wattron(w, theme_attr(ROLE_PASSED));
		ui_str(w, y++, 2, cols - 4, "Confirmed.");
		wattroff(w, theme_attr(ROLE_PASSED));
		return;
	}
	/* The author's last word before the point of no return. */
	if (st->text != NULL) {
		wattron(w, theme_attr(ROLE_WARNING));
		y = ui_wrap(w, y, 2, cols - 4, rows - 8, st->text);
		wattroff(w, theme_attr(ROLE_WARNING));
		y++;
	}
	ui_str(w, y++, 2, cols - 4, "What happens next:");
	for (j = c->i + 1; j < ss->n; j++) {
		if (ss->v[j].kind == RB_ACTION)
			actions++;
		else if (ss->v[j].kind == RB_CHECK)
			checks++;
	}
	if (pl != NULL) {
		snprintf(line, sizeof line, "  %s %s %s in %zu hop%s; %d "
		    "command%s that change the cluster, %d check%s.", pl->from,
		    ui_glyph(UI_GLYPH_ARROW), pl->to, pl->n_hops,
		    pl->n_hops == 1 ? "" : "s", actions, actions == 1 ? "" : "s",
		    checks, checks == 1 ? "" : "s");
		ui_str(w, y++, 2, cols - 4, line);
	}
	chain = session_chain(s, c->i, &until);
	if (chain == 0)
		snprintf(line, sizeof line, "Nothing starts by itself: each "
		    "command waits for you.");
	else if (until < ss->n)
		snprintf(line, sizeof line, "Confirming starts %zu command%s "
		    "one after another (steps %zu-%zu), until step %zu, \"%s\", "
		    "needs you.", chain, chain == 1 ? "" : "s", c->i + 2,
		    c->i + 1 + chain, until + 1, ss->v[until].title);
	else
		snprintf(line, sizeof line, "Confirming starts %zu command%s "
		    "one after another (steps %zu-%zu), to the end of the run.",
		    chain, chain == 1 ? "" : "s", c->i + 2, c->i + 1 + chain);
	y = ui_wrap(w, y, 4, cols - 6, INT_MAX, line);
	for (j = 0; j < c->i && y < rows - 6; j++) {
		if (ss->v[j].artifact_size >= 0 && ss->v[j].produces != NULL) {
			snprintf(line, sizeof line, "  Backup so far: %s (%lld "
			    "bytes)", ss->v[j].produces,
			    ss->v[j].artifact_size);
			ui_str(w, y++, 2, cols - 4, line);
		}
	}
	y++;
	ui_str(w, y++, 2, cols - 4, "To go on, type exactly:");
	wattron(w, theme_attr(ROLE_WARNING));
	ui_str(w, y++, 4, cols - 6, st->phrase != NULL ? st->phrase : "");
	wattroff(w, theme_attr(ROLE_WARNING));
	y++;
	if (c->error != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		ui_str(w, y++, 2, cols - 4, c->error);
		wattroff(w, theme_attr(ROLE_FAILED));
	}
	ui_line_draw(&c->line, w, y, 2, cols - 4, "> ");
}

static bool
confirm_key(void *state, const struct ui_key *k)
{
	struct confirm	*c = state;
	char		*text, *cause = NULL;
	bool		 left;

	if (k->is_fn && k->ch == KEY_F(1))
		return false;
	if (session_steps(tui_session())->v[c->i].state == STEP_PASSED)
		return k->action == KEYS_OPEN ? (ui_pop(), true) : false;
	if ((text = ui_line_given(&c->line, k, &left)) == NULL) {
		if (left)
			ui_pop();
		return true;
	}
	free(c->error);
	c->error = NULL;
	if (session_act(tui_session(), c->i, SESSION_ACT_CONFIRM, text,
	    &cause) != 0) {
		/* The session journaled what was typed, and says why. */
		c->error = cause;
		ui_line_clear(&c->line);
	} else
		ui_pop();
	free(text);
	return true;
}

static bool
confirm_typing(void *state)
{
	struct confirm	*c = state;

	return session_steps(tui_session())->v[c->i].state != STEP_PASSED;
}

const struct screen screen_confirm = {
	.name = "confirm",
	.state_size = sizeof(struct confirm),
	.keys = confirm_keys,
	.enter = confirm_enter,
	.draw = confirm_draw,
	.key = confirm_key,
	.leave = confirm_leave,
	.typing_keys = confirm_typed,
	.typing = confirm_typing,
};
