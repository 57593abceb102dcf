/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* tui-act.c: the operator's acts in the wizard, derived from the act
 * table (session.h's SESSION_ACTS): the key of each act, whether a key a
 * screen shows is an act the session allows now, and doing one: its
 * argument asked as the table says (a reason, a note; a yes/no question
 * for one that takes none but asks first; the acknowledgement of a
 * missing artifact when session_act_phrase() wants one), then
 * session_act(). The step screens' can and key handlers defer to it, so
 * that a new act is one row of the table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "ui.h"
#include "util.h"

static const enum key_action tui_act_keys[SESSION_ACT__COUNT] = {
#define X(e, name, arg, word, done, key, gate, fn, title, prompt)	\
	[SESSION_ACT_##e] = KEYS_##key,
	SESSION_ACTS(X)
#undef X
};

/* The act being asked for: one at a time, as the ask screen is modal. */
static struct {
	size_t		 i;
	enum session_act act;
	char		*text;		/* the argument, while the phrase is
					   asked */
} tui_pending;

enum key_action
tui_act_key(enum session_act act)
{
	return (unsigned)act < SESSION_ACT__COUNT ? tui_act_keys[act] :
	    KEYS_NONE;
}

/* The act of a key a screen shows, or -1: the frame's global keys are no
 * screen's act. */
static int
tui_act_of(enum key_action a)
{
	const enum key_action	*g;
	int			 act;

	/* The frame's own keys (the shell, leaving) work on every screen
	 * whatever act shares them. */
	for (g = keys_global; *g != KEYS_NONE; g++) {
		if (*g == a)
			return -1;
	}
	for (act = 0; act < SESSION_ACT__COUNT; act++) {
		if (tui_act_keys[act] == a)
			return act;
	}
	return -1;
}

bool
tui_act_can(size_t i, enum key_action a, bool *can)
{
	int	act = tui_act_of(a);

	if (act < 0)
		return false;
	*can = session_can(tui_session(), i, (enum session_act)act, NULL);
	return true;
}

/* Do the act; what a command started or a cancel asked is said. */
static int
tui_act_do(size_t i, enum session_act act, const char *text,
    const char *typed, char **cause)
{
	struct session	*s = tui_session();
	const char	*done = session_act_info(act)->done;
	int		 before = session_steps(s) != NULL &&
			     i < session_steps(s)->n ?
			     (int)session_steps(s)->v[i].state : -1;

	if (session_act_typed(s, i, act, text, typed, cause) != 0)
		return -1;
	if (act == SESSION_ACT_CANCEL)
		ui_message(ROLE_WARNING, "Cancelling: SIGTERM to the command, "
		    "then SIGKILL after a grace period.");
	else if (done != NULL && session_steps(s) != NULL &&
	    i < session_steps(s)->n &&
	    (int)session_steps(s)->v[i].state == before)
		/* An act on the run, not the step (a roll paused): said. */
		ui_message(ROLE_WARNING, "Step %zu: %s.", i + 1, done);
	ui_ticker(session_running(s) != NULL ? 100 : 0);
	ui_dirty();
	return 0;
}

static void
tui_act_forget(void)
{
	free(tui_pending.text);
	tui_pending.text = NULL;
}

/* The acknowledgement typed: the act again, with it. */
static int
tui_act_typed(void *ctx, const char *typed, char **cause)
{
	if (tui_act_do(tui_pending.i, tui_pending.act, tui_pending.text,
	    typed, cause) != 0)
		return -1;
	tui_act_forget();
	return 0;
}

/* The argument given: done, or kept while its acknowledgement is asked
 * next (tui_act_then). */
static int
tui_act_answer(void *ctx, const char *answer, char **cause)
{
	const struct session_act_info	*info;
	char				*phrase;

	info = session_act_info(tui_pending.act);
	tui_act_forget();
	if (info->arg != SESSION_ARG_NONE && (phrase = session_act_phrase(
	    tui_session(), tui_pending.i, tui_pending.act)) != NULL) {
		free(phrase);
		tui_pending.text = xstrdup(answer);
		return 0;
	}
	return tui_act_do(tui_pending.i, tui_pending.act,
	    info->arg != SESSION_ARG_NONE ? answer : NULL, NULL, cause);
}

static void
tui_act_push(struct ask_arg *a)
{
	char	*cause = NULL;

	if (ui_push(&screen_ask, a, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
}

/* A good answer was given, the question still on the screen: the
 * acknowledgement takes its place when it is wanted (true), else the
 * question goes (false). No hook of the screen under it is called. */
static bool
tui_act_then(void *ctx)
{
	const struct step	*st;
	struct ask_arg		 a;
	char			*phrase, *question, *detail, *cause = NULL;
	bool			 replaced;

	if (tui_pending.text == NULL || (phrase = session_act_phrase(
	    tui_session(), tui_pending.i, tui_pending.act)) == NULL)
		return false;
	st = &session_steps(tui_session())->v[tui_pending.i];
	question = xasprintf("Its artifact %s was not recorded (%s), so a "
	    "rollback cannot use it: marking it done goes on without it, and "
	    "the rollback steps that need it will not run.", st->produces,
	    st->reason != NULL ? st->reason : "it did not pass");
	detail = xasprintf("To go on without it, type exactly:  %s", phrase);
	memset(&a, 0, sizeof a);
	a.title = "Mark done without its artifact";
	a.question = question;
	a.detail = detail;
	a.text = a.required = true;
	a.answer = tui_act_typed;
	a.then = tui_act_then;
	replaced = ui_replace(&screen_ask, &a, &cause) == 0;
	if (!replaced) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	free(question);
	free(detail);
	free(phrase);
	return replaced;
}

void
tui_act_ask(size_t i, enum session_act act, const char *question,
    const char *detail, void (*done)(void *), void *ctx)
{
	const struct session_act_info	*info = session_act_info(act);
	struct ask_arg			 a;
	char				*cause = NULL;

	if (act == SESSION_ACT_ROLLBACK) {
		/* What will be undone, the artifacts checked, the phrase. */
		tui_rollback_show();
		return;
	}
	tui_act_forget();
	tui_pending.i = i;
	tui_pending.act = act;
	if (question == NULL)
		question = info->prompt;
	if (question == NULL) {
		if (tui_act_do(i, act, NULL, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		} else if (done != NULL)
			done(ctx);
		return;
	}
	memset(&a, 0, sizeof a);
	a.title = info->title;
	a.question = question;
	a.detail = detail;
	a.text = info->arg != SESSION_ARG_NONE;
	a.required = info->arg == SESSION_ARG_REASON;
	a.answer = tui_act_answer;
	a.then = tui_act_then;
	tui_act_push(&a);
}

bool
tui_act(size_t i, enum key_action key, void (*done)(void *), void *ctx)
{
	int	act = tui_act_of(key);

	/* A phrase is typed on a screen of its own (confirm). */
	if (act < 0 ||
	    session_act_info((enum session_act)act)->arg == SESSION_ARG_PHRASE)
		return false;
	tui_act_ask(i, (enum session_act)act, NULL, NULL, done, ctx);
	return true;
}
