/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* ask.c: a question over the screen below: yes or no, or a line of text
 * (a reason, a note, a version); what the answer does is the caller's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "util.h"

struct ask {
	struct ask_arg	 a;
	char		*title, *question, *detail;
	struct ui_line	 line;
	char		*error;
};

static const enum key_action ask_yes_no[] = {
	KEYS_YES, KEYS_NO, KEYS_NONE
};

static const enum key_action ask_typed[] = {
	KEYS_ANSWER, KEYS_ERASE, KEYS_NONE
};

static int
ask_enter(void *state, void *arg, char **cause)
{
	struct ask	*k = state;
	const char	*p;

	k->a = *(struct ask_arg *)arg;
	k->title = xstrdup(k->a.title);
	k->question = xstrdup(k->a.question);
	k->detail = k->a.detail != NULL ? xstrdup(k->a.detail) : NULL;
	ui_line_clear(&k->line);
	for (p = k->a.initial; p != NULL && *p != '\0' &&
	    k->line.len + 1 < nitems(k->line.buf); p++)
		k->line.buf[k->line.len++] = (wchar_t)(unsigned char)*p;
	k->line.buf[k->line.len] = L'\0';
	return 0;
}

static void
ask_leave(void *state)
{
	struct ask	*k = state;

	free(k->title);
	free(k->question);
	free(k->detail);
	free(k->error);
}

static void
ask_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct ask	*k = state;
	int		 y = 1;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 2, cols - 4, k->title);
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	y = ui_wrap(w, y, 2, cols - 4, rows, k->question) + 1;
	if (k->detail != NULL) {
		wattron(w, theme_attr(ROLE_DIM));
		y = ui_wrap(w, y, 2, cols - 4, rows, k->detail) + 1;
		wattroff(w, theme_attr(ROLE_DIM));
	}
	if (k->error != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		y = ui_wrap(w, y, 2, cols - 4, rows, k->error) + 1;
		wattroff(w, theme_attr(ROLE_FAILED));
	}
	if (!k->a.text) {
		char	yn[64];

		snprintf(yn, sizeof yn, "%s: yes    %s: no", keys_key(KEYS_YES),
		    keys_key(KEYS_NO));
		ui_str(w, y, 2, cols - 4, yn);
		return;
	}
	if (k->a.secret) {
		struct ui_line	stars = k->line;
		size_t		i;

		for (i = 0; i < stars.len; i++)
			stars.buf[i] = L'*';
		ui_line_draw(&stars, w, y, 2, cols - 4, "> ");
	} else
		ui_line_draw(&k->line, w, y, 2, cols - 4, "> ");
}

static void
ask_give(struct ask *k, const char *answer)
{
	char	*cause = NULL;
	free(k->error);
	k->error = NULL;
	if (k->a.answer(k->a.ctx, answer, &cause) != 0) {
		k->error = cause;
		return;
	}
	/* The next question replaces this one before the screen under it
	 * is on top again: popping first would let its tick follow the run
	 * elsewhere (and free ctx) before then() ran. */
	if (k->a.then != NULL && k->a.then(k->a.ctx))
		return;		/* replaced: k is gone */
	ui_pop();		/* k is gone */
}

static bool
ask_key(void *state, const struct ui_key *key)
{
	struct ask	*k = state;
	char		*text;

	ui_dirty();
	if (!k->a.text) {
		if (key->action == KEYS_YES) {
			ask_give(k, "yes");
			return true;
		}
		if (key->action == KEYS_NO) {
			ui_pop();
			return true;
		}
		return false;
	}
	if (key->is_fn && key->ch == KEY_F(1))
		return false;
	switch (ui_line_key(&k->line, key)) {
	case UI_LINE_DONE:
		text = ui_line_text(&k->line);
		if (k->a.required && *text == '\0') {
			free(k->error);
			k->error = xstrdup("An answer is needed here.");
		} else
			ask_give(k, text);
		free(text);
		break;
	case UI_LINE_CANCEL:
		ui_pop();
		break;
	case UI_LINE_EDITED:
		break;
	}
	return true;
}

static bool
ask_typing(void *state)
{
	struct ask	*k = state;

	return k->a.text;
}

const struct screen screen_ask = {
	.name = "ask",
	.state_size = sizeof(struct ask),
	.keys = ask_yes_no,
	.enter = ask_enter,
	.draw = ask_draw,
	.key = ask_key,
	.leave = ask_leave,
	.typing_keys = ask_typed,
	.typing = ask_typing,
};
