/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* help.c: the help screen (? and F1): every key that works on the screen
 * below and everywhere, straight from the key table; where a line of text
 * is typed below, the keys of that state (struct screen's typing). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui.h"

struct help {
	const struct screen	*under;
	bool			 typing;	/* a line is typed there */
	int			 top;
};

static const enum key_action help_keys[] = {
	KEYS_DOWN, KEYS_UP, KEYS_NONE
};

static int
help_enter(void *state, void *arg, char **cause)
{
	struct help	*h = state;

	/* arg: the frame under the help; its first member is the screen.
	 * It is still on top while the help enters. */
	h->under = *(const struct screen *const *)arg;
	h->typing = ui_typing();
	return 0;
}

static int
help_line(WINDOW *w, int y, int rows, int cols, enum key_action a)
{
	if (y >= 0 && y < rows) {
		wattron(w, theme_attr(ROLE_KEY));
		ui_str(w, y, 2, 14, keys_label(a));
		wattroff(w, theme_attr(ROLE_KEY));
		ui_str(w, y, 18, cols - 19, keys_help(a));
	}
	return y + 1;
}

static void
help_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct help		*h = state;
	const enum key_action	*k;
	char			 title[160];
	int			 y = -h->top;

	wattron(w, theme_attr(ROLE_TITLE));
	if (y >= 0 && h->typing) {
		snprintf(title, sizeof title, "Keys on this screen, where a "
		    "line is typed (other keys, %s and %s among them, are "
		    "typed)", keys_key(KEYS_BACK), keys_key(KEYS_HELP));
		ui_str(w, y, 1, cols - 2, title);
	} else if (y >= 0)
		ui_str(w, y, 1, cols - 2, "Keys on this screen");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	for (k = h->typing ? h->under->typing_keys : h->under->keys;
	    k != NULL && *k != KEYS_NONE; k++)
		y = help_line(w, y, rows, cols, *k);
	y++;
	wattron(w, theme_attr(ROLE_TITLE));
	if (y >= 0 && y < rows)
		ui_str(w, y, 1, cols - 2, h->typing ? "Everywhere a line is "
		    "typed" : "Everywhere");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	for (k = h->typing ? keys_typed_global : keys_global;
	    *k != KEYS_NONE; k++)
		y = help_line(w, y, rows, cols, *k);
	if (y + h->top < rows && h->top > 0)
		h->top = 0;
}

static bool
help_key(void *state, const struct ui_key *k)
{
	struct help	*h = state;

	switch (k->action) {
	case KEYS_DOWN:
		h->top++;
		return true;
	case KEYS_UP:
		if (h->top > 0)
			h->top--;
		return true;
	default:
		return false;
	}
}

const struct screen screen_help = {
	.name = "help",
	.state_size = sizeof(struct help),
	.keys = help_keys,
	.enter = help_enter,
	.draw = help_draw,
	.key = help_key,
};
