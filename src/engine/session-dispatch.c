/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-dispatch.c: the one dispatcher of the operator's acts
 * (session_act): each act of the table (session.h) to the call that
 * journals it, through the gate. It sits above the rest of the session:
 * the acts that settle a step (session-acts.c), the door
 * (session-door.c), the rollback (session-rollback.c) and pausing
 * (session.c), none of which calls it. */
#include "config.h"

#include <stdlib.h>

#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

char *
session_act_phrase(const struct session *s, size_t i, enum session_act act)
{
	return act == SESSION_ACT_MARK_DONE ? session_missing_phrase(s, i) :
	    NULL;
}

/* Each act's call, named by its row (FN: dispatch_FN): text is its
 * argument, typed what was typed for its phrase (session_act_phrase). */
typedef int dispatch_call(struct session *, size_t i, const char *text,
    const char *typed, char **cause);

static int
dispatch_ack(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_acknowledge(s, i, cause);
}

static int
dispatch_confirm(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_confirm(s, i, text, cause);
}

static int
dispatch_tick(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_tick(s, i, text, cause);
}

static int
dispatch_start(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_start(s, i, cause);
}

static int
dispatch_retry(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	char	*path = NULL;

	if (s->steps != NULL && i < s->steps->n &&
	    s->steps->v[i].kind == RB_READ) {
		/* Its document's command, run again. */
		if (session_gate(s, i, SESSION_ACT_RETRY, cause) != 0 ||
		    session_document(s, i, &path, cause) != 0)
			return -1;
		free(path);
		return 0;
	}
	return session_start(s, i, cause);
}

static int
dispatch_cancel(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	if (s->n_running == 0)
		return 0;	/* it ended while the question was asked */
	if (session_gate(s, i, SESSION_ACT_CANCEL, cause) != 0)
		return -1;
	return session_cancel(s, cause);
}

static int
dispatch_stop_wait(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_stop_waiting(s, i, cause);
}

static int
dispatch_warn_ok(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_ack_warning(s, i, cause);
}

static int
dispatch_skip(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_skip(s, i, text, cause);
}

static int
dispatch_mark_done(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_mark_done(s, i, text, typed, cause);
}

static int
dispatch_shell(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_shell(s, i, cause);
}

static int
dispatch_rollback(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_ROLLBACK, cause) != 0)
		return -1;
	/* Every status but EXIT_DONE comes with *cause set. */
	return session_rollback(s, cause) == EXIT_DONE ? 0 : -1;
}

static int
dispatch_pause_roll(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_pause_roll(s, i, cause);
}

static int
dispatch_continue_roll(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_continue_roll(s, i, cause);
}

static int
dispatch_quit(struct session *s, size_t i, const char *text,
    const char *typed, char **cause)
{
	return session_pause(s, cause);
}

static dispatch_call *const dispatch_calls[] = {
#define X(e, name, arg, word, done, key, gate, fn, title, prompt)	\
	dispatch_##fn,
	SESSION_ACTS(X)
#undef X
};

int
session_act_typed(struct session *s, size_t i, enum session_act act,
    const char *text, const char *typed, char **cause)
{
	if ((unsigned)act >= SESSION_ACT__COUNT) {
		*cause = xasprintf("no such act: %d", (int)act);
		return -1;
	}
	return dispatch_calls[act](s, i, text, typed, cause);
}

int
session_act(struct session *s, size_t i, enum session_act act,
    const char *text, char **cause)
{
	return session_act_typed(s, i, act, text, NULL, cause);
}
