/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* questions.c: the questions asked before the run: the installed version
 * when the runbook asks for it, then the runbook's asked variables with
 * their defaults, choices and validation (secrets typed as stars). The
 * session validates and journals the answers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct questions {
	struct ui_line	 line;
	char		*error;
	size_t		 asked;
};

/* Always a line typed: Esc leaves the wizard (nothing has begun). */
static const enum key_action questions_keys[] = {
	KEYS_ANSWER, KEYS_ERASE, KEYS_NONE
};

static int
questions_enter(void *state, void *arg, char **cause)
{
	struct questions	*q = state;

	ui_line_clear(&q->line);
	return 0;
}

static void
questions_leave(void *state)
{
	struct questions	*q = state;

	free(q->error);
}

static void
questions_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct questions	*q = state;
	struct session		*s = tui_session();
	const struct rb_var	*v = session_question(s, 0);
	const struct runbook	*rb = session_runbook(s);
	struct ui_line		 shown = q->line;
	char			 line[512], *def;
	int			 y = 1;
	size_t			 i;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 2, cols - 4, "Before the run begins");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	if (session_needs_from(s)) {
		ui_str(w, y++, 2, cols - 4, rb->versions.installed.ask);
		wattron(w, theme_attr(ROLE_DIM));
		ui_str(w, y++, 2, cols - 4, "(the installed version, from "
		    "which the upgrade path is planned)");
		wattroff(w, theme_attr(ROLE_DIM));
	} else if (v != NULL) {
		snprintf(line, sizeof line, "%s  (%s)", v->ask, v->name);
		ui_str(w, y++, 2, cols - 4, line);
		wattron(w, theme_attr(ROLE_DIM));
		if (!v->secret && (def = session_var_default(s, v)) != NULL) {
			snprintf(line, sizeof line, "%s alone takes the "
			    "default: %s", keys_key(KEYS_ANSWER), def);
			ui_str(w, y++, 2, cols - 4, line);
			free(def);
		}
		if (v->n_choices > 0) {
			struct buf	b;

			buf_init(&b);
			buf_puts(&b, "One of: ");
			for (i = 0; i < v->n_choices; i++)
				buf_printf(&b, "%s%s", i > 0 ? ", " : "",
				    v->choices[i]);
			ui_str(w, y++, 2, cols - 4, b.data);
			buf_free(&b);
		}
		if (v->secret)
			ui_str(w, y++, 2, cols - 4, "A secret: not shown, never "
			    "journaled or logged.");
		wattroff(w, theme_attr(ROLE_DIM));
	}
	y++;
	if (q->error != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		ui_str(w, y++, 2, cols - 4, q->error);
		wattroff(w, theme_attr(ROLE_FAILED));
	}
	if (v != NULL && v->secret) {
		for (i = 0; i < shown.len; i++)
			shown.buf[i] = L'*';
	}
	ui_line_draw(&shown, w, y, 2, cols - 4, "> ");
}

/* Every question answered: plan, or begin, or resume. */
static void
questions_done(void)
{
	struct session	*s = tui_session();
	char		*cause = NULL;

	/* Asked before the plan (the policy depends on an answer): the plan
	 * screen plans now. */
	if (session_get_plan(s) == NULL && session_unfinished(s) == NULL) {
		if (ui_replace(&screen_plan, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return;
	}
	if (session_unfinished(s) != NULL) {
		if (session_resume(s, &cause) != EXIT_DONE) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
			return;
		}
		tui_hub();
		return;
	}
	tui_begin();
}

static bool
questions_key(void *state, const struct ui_key *k)
{
	struct questions	*q = state;
	struct session		*s = tui_session();
	const struct rb_var	*v;
	char			*text, *cause = NULL;
	int			 r;
	bool			 left;

	if (k->is_fn && k->ch == KEY_F(1))
		return false;
	if ((text = ui_line_given(&q->line, k, &left)) == NULL) {
		if (left)
			ui_quit(EXIT_FAILED);
		return true;
	}
	free(q->error);
	q->error = NULL;
	if (session_needs_from(s)) {
		r = session_set_from(s, text, &cause);
		free(text);
		ui_line_clear(&q->line);
		if (r != 0) {
			q->error = cause;
			return true;
		}
		/* The plan screen plans (and shows a refusal) itself, once
		 * the answers the policy depends on are given. */
		if (session_plan_asks(s))
			return true;
		if (ui_replace(&screen_plan, NULL, &cause) != 0)
			q->error = cause;	/* still here: q is alive */
		return true;
	}
	if ((v = session_question(s, 0)) != NULL &&
	    session_answer(s, v->name, text, &cause) != 0)
		q->error = cause;
	free(text);
	ui_line_clear(&q->line);
	if (q->error == NULL && session_question(s, 0) == NULL)
		questions_done();
	return true;
}

const struct screen screen_questions = {
	.name = "questions",
	.state_size = sizeof(struct questions),
	.keys = questions_keys,
	.enter = questions_enter,
	.draw = questions_draw,
	.key = questions_key,
	.leave = questions_leave,
	.typing_keys = questions_keys,
};
