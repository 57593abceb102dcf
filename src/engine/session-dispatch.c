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

int
session_act_typed(struct session *s, size_t i, enum session_act act,
    const char *text, const char *typed, char **cause)
{
	char	*path = NULL;

	switch (act) {
	case SESSION_ACT_ACK:
		return session_acknowledge(s, i, cause);
	case SESSION_ACT_CONFIRM:
		return session_confirm(s, i, text, cause);
	case SESSION_ACT_TICK:
		return session_tick(s, i, text, cause);
	case SESSION_ACT_START:
	case SESSION_ACT_RETRY:
		if (act == SESSION_ACT_RETRY && s->steps != NULL &&
		    i < s->steps->n && s->steps->v[i].kind == RB_READ) {
			/* Its document's command, run again. */
			if (session_gate(s, i, act, cause) != 0 ||
			    session_document(s, i, &path, cause) != 0)
				return -1;
			free(path);
			return 0;
		}
		return session_start(s, i, cause);
	case SESSION_ACT_CANCEL:
		if (s->running == NONE)
			return 0;	/* it ended while the question was asked */
		if (session_gate(s, i, act, cause) != 0)
			return -1;
		return session_cancel(s, cause);
	case SESSION_ACT_STOP_WAIT:
		return session_stop_waiting(s, i, cause);
	case SESSION_ACT_WARN_OK:
		return session_ack_warning(s, i, cause);
	case SESSION_ACT_SKIP:
		return session_skip(s, i, text, cause);
	case SESSION_ACT_MARK_DONE:
		return session_mark_done(s, i, text, typed, cause);
	case SESSION_ACT_SHELL:
		return session_shell(s, i, cause);
	case SESSION_ACT_ROLLBACK:
		if (session_gate(s, i, act, cause) != 0)
			return -1;
		/* Every status but EXIT_DONE comes with *cause set. */
		return session_rollback(s, cause) == EXIT_DONE ? 0 : -1;
	case SESSION_ACT_QUIT:
		return session_pause(s, cause);
	default:
		break;
	}
	*cause = xasprintf("no such act: %d", (int)act);
	return -1;
}

int
session_act(struct session *s, size_t i, enum session_act act,
    const char *text, char **cause)
{
	return session_act_typed(s, i, act, text, NULL, cause);
}
