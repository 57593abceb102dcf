/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* run.c: the run screen: a check's or action's command with its
 * variables, its live output (the log tailed, at most ten redraws a
 * second), elapsed time, then its exit status; cancel (asks first),
 * retry, shell, mark done by hand or skip with a reason (and, for an
 * action whose artifact is missing, the typed phrase that names it), and
 * on failure the runbook's hint and what a failure here leaves behind. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pager.h"
#include "screens.h"
#include "tui.h"
#include "util.h"

struct run {
	size_t		 i;
	struct pager	*p;
	char		*log;
	off_t		 top;		/* -1: follow the end */
	int		 page;
	char		*describe;
	const struct steps *steps;	/* the run's steps when entered */
	long long	 seen_time;	/* what the last tick saw, to redraw */
	off_t		 seen_size;	/* only when something changed */
	int		 seen_state;
};

static const enum key_action run_keys[] = {
	KEYS_START, KEYS_OPEN, KEYS_CANCEL, KEYS_STOP_WAIT, KEYS_ACCEPT,
	KEYS_RETRY, KEYS_DONE_BY_HAND, KEYS_SKIP, KEYS_PAUSE_ROLL,
	KEYS_CONTINUE_ROLL, KEYS_ROLLBACK, KEYS_SHELL, KEYS_PAGE_DOWN, KEYS_PAGE_UP, KEYS_DOWN, KEYS_UP,
	KEYS_TOP, KEYS_BOTTOM, KEYS_NONE
};

static const struct step *
run_step(const struct run *r)
{
	return &session_steps(tui_session())->v[r->i];
}

/* Redraw when the output grew, the state changed or a second passed
 * (the elapsed time): a quiet action costs no output at all. */
static void
run_changed(struct run *r)
{
	const struct step	*st = run_step(r);
	long long		 now = (long long)time(NULL);
	off_t			 size = r->p != NULL ? pager_size(r->p) : -1;

	if (now != r->seen_time || size != r->seen_size ||
	    (int)st->state != r->seen_state)
		ui_dirty();
	r->seen_time = now;
	r->seen_size = size;
	r->seen_state = (int)st->state;
}

/* Open the log once it exists (a new attempt has a new log). */
static void
run_log(struct run *r)
{
	const char	*log = session_log(tui_session(), r->i);
	char		*cause = NULL;

	if (log == NULL)
		return;
	if (r->log != NULL && strcmp(r->log, log) == 0) {
		if (r->p != NULL) {
			pager_reload(r->p);
			return;
		}
	} else {
		pager_free(r->p);
		r->p = NULL;
		free(r->log);
		r->log = xstrdup(log);
		r->top = -1;
	}
	if ((r->p = pager_open(r->log, &cause)) == NULL)
		free(cause);	/* not written yet: next tick */
}

/* Only a step that starts without asking starts by itself (a check, an
 * action after a confirmation), when the gate lets it: on entering, and
 * after an act that let it go on (its roll continued); any other waits
 * for x. */
static int
run_auto_start(struct run *r, char **cause)
{
	struct session		*s = tui_session();
	const struct step	*st = run_step(r);

	if (st->state != STEP_READY || !session_auto(s, r->i) ||
	    !session_can(s, r->i, SESSION_ACT_START, NULL))
		return 0;
	if (session_act(s, r->i, SESSION_ACT_START, NULL, cause) != 0)
		return -1;
	ui_ticker(100);
	return 0;
}

/* An act done through the act table (tui_act): a command started, its
 * log; a roll continued, the step it held starts. */
static void
run_started(void *ctx)
{
	struct run	*r = ctx;
	char		*cause = NULL;

	if (run_auto_start(r, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	free(r->describe);
	r->describe = session_describe(tui_session(), r->i);
	run_log(r);
}

static int
run_enter(void *state, void *arg, char **cause)
{
	struct run		*r = state;
	struct session		*s = tui_session();

	r->i = *(size_t *)arg;
	r->top = -1;
	r->steps = session_steps(s);
	if (run_auto_start(r, cause) != 0)
		return -1;
	r->describe = session_describe(s, r->i);
	run_log(r);
	ui_ticker(session_running(s) != NULL ? 100 : 0);
	return 0;
}

static void
run_leave(void *state)
{
	struct run	*r = state;

	pager_free(r->p);
	free(r->log);
	free(r->describe);
}

/* The status under the output: what the step's state is and the keys
 * that do something about it. */
static void
run_status_line(struct run *r, const struct step *st, long long elapsed,
    char *line, size_t size)
{
	struct session_wait_info wi;
	const char		*why;
	char			 accept[64];

	snprintf(accept, sizeof accept, "%s accepts the warning and goes on, ",
	    keys_key(KEYS_ACCEPT));
	switch (st->state) {
	case STEP_RUNNING:
		if (session_wait_info(tui_session(), r->i, &wi)) {
			/* Retried until it passes (until): the attempts, the
			 * last one's exit and the time left to wait. */
			char	tail[128];

			if (wi.stopping)
				snprintf(tail, sizeof tail, "stopped waiting: "
				    "this attempt is the last.  %s cancels",
				    keys_key(KEYS_CANCEL));
			else
				snprintf(tail, sizeof tail, "%lldm%02llds left "
				    "to wait.  %s cancels, %s stops waiting",
				    wi.left / 60, wi.left % 60,
				    keys_key(KEYS_CANCEL),
				    keys_key(KEYS_STOP_WAIT));
			if (wi.running)
				snprintf(line, size, "waiting until it passes: "
				    "attempt %u running, %llds elapsed; %s; %s "
				    "goes back, it goes on.", wi.attempts,
				    elapsed, tail, keys_key(KEYS_BACK));
			else
				snprintf(line, size, "waiting until it passes: "
				    "attempt %u exited %d, the next in %llds; "
				    "%s; %s goes back, it goes on.", wi.attempts,
				    wi.last_exit, wi.next_in, tail,
				    keys_key(KEYS_BACK));
			break;
		}
		snprintf(line, size, "running (attempt %u), %llds "
		    "elapsed.  %s cancels; %s goes back, it goes on.",
		    st->attempts, elapsed, keys_key(KEYS_CANCEL),
		    keys_key(KEYS_BACK));
		break;
	case STEP_PASSED:
		snprintf(line, size, "passed: exit 0, %llds elapsed.  "
		    "%s goes back to the checklist.", elapsed,
		    keys_key(KEYS_OPEN));
		break;
	case STEP_FAILED:
		if (st->reason != NULL)
			snprintf(line, size, "failed: %s (attempt %u).",
			    st->reason, st->attempts);
		else
			snprintf(line, size, "failed: exit %d (attempt "
			    "%u).", st->exit_status, st->attempts);
		snprintf(line + strlen(line), size - strlen(line),
		    "  %s%s retries, %s opens a shell, %s marks it done by "
		    "hand", session_can(tui_session(), r->i,
		    SESSION_ACT_WARN_OK, NULL) ? accept : "",
		    keys_key(KEYS_RETRY), keys_key(KEYS_SHELL),
		    keys_key(KEYS_DONE_BY_HAND));
		if (session_can(tui_session(), r->i, SESSION_ACT_SKIP, NULL))
			snprintf(line + strlen(line), size - strlen(line),
			    ", %s skips it%s", keys_key(KEYS_SKIP),
			    st->optional ? "" : " (the host leaves its batch)");
		if (session_can(tui_session(), r->i, SESSION_ACT_ROLLBACK,
		    NULL))
			snprintf(line + strlen(line), size - strlen(line),
			    ", %s rolls back", keys_key(KEYS_ROLLBACK));
		break;
	case STEP_IN_DOUBT:
		/* What it did is for the operator to judge: its log's last
		 * lines are above, and where the whole of it is. */
		snprintf(line, size, "in doubt: it was running when "
		    "stepup stopped, and its outcome is unknown (its log ends "
		    "above; all of it: %s).  %s re-runs, %s marks it done",
		    session_log(tui_session(), r->i) != NULL ?
		    session_log(tui_session(), r->i) : "none",
		    keys_key(KEYS_RETRY), keys_key(KEYS_DONE_BY_HAND));
		break;
	case STEP_READY:
		if (steps_roll_held(session_steps(tui_session()), r->i, NULL) &&
		    !session_can(tui_session(), r->i, SESSION_ACT_START,
		    &why)) {
			/* Its roll is paused before its batch. */
			snprintf(line, size, "held: %s (%s).", why,
			    keys_key(KEYS_CONTINUE_ROLL));
			break;
		}
		snprintf(line, size, "ready: %s runs it now; %s goes back "
		    "without running it.", keys_key(KEYS_START),
		    keys_key(KEYS_BACK));
		break;
	case STEP_TOLERATED:
		snprintf(line, size, "%s: %s.", step_state_words(st->state),
		    st->reason != NULL ? st->reason : "");
		if (session_can(tui_session(), r->i, SESSION_ACT_RETRY, NULL))
			snprintf(line + strlen(line), size - strlen(line),
			    "  %s retries it: the host's later steps of the "
			    "batch wait again", keys_key(KEYS_RETRY));
		break;
	default:
		snprintf(line, size, "%s.", step_state_words(st->state));
		break;
	}
	/* The hosts of a step with forks: how many run beside it. */
	if (session_n_running(tui_session()) > 1) {
		char	*all = xasprintf("%zu hosts running (at most %u at "
		    "once; %s cancels them all).  This one, on %s: %s",
		    session_n_running(tui_session()), st->rb != NULL ?
		    st->rb->forks : 1, st->state == STEP_RUNNING ?
		    keys_key(KEYS_CANCEL) : "Ctrl-C",
		    st->host != NULL ? st->host : "?", line);

		snprintf(line, size, "%s", all);
		free(all);
	}
}

static void
run_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct run		*r = state;
	const struct step	*st = run_step(r);
	enum theme_role		 role;
	char			 line[2048];
	const char		*d, *nl, *text;
	char			*hint, *left, *t;
	int			 y = 0, out_rows, bottom, n, tail;
	long long		 elapsed;
	off_t			 off, next;
	size_t			 len;

	wattron(w, theme_attr(ROLE_TITLE));
	snprintf(line, sizeof line, "%zu. %s", r->i + 1, st->title);
	ui_str(w, y++, 1, cols - 2, line);
	wattroff(w, theme_attr(ROLE_TITLE));

	/* The command and what it gets, secrets masked: at most 5 rows,
	 * the last saying how many more there are. */
	wattron(w, theme_attr(ROLE_DIM));
	for (d = r->describe, n = 0; d != NULL && *d != '\0' && n < 5; n++) {
		nl = strchr(d, '\n');
		len = nl != NULL ? (size_t)(nl - d) : strlen(d);
		if (n == 4 && nl != NULL && nl[1] != '\0') {
			for (tail = 1; (nl = strchr(nl + 1, '\n')) != NULL &&
			    nl[1] != '\0'; tail++)
				continue;
			snprintf(line, sizeof line, "+%d more lines", tail + 1);
			ui_str(w, y++, 2, cols - 3, line);
			break;
		}
		ui_text_more(w, y++, 2, cols - 3, d, len, 0);
		d = nl != NULL ? nl + 1 : d + len;
	}
	wattroff(w, theme_attr(ROLE_DIM));
	ui_hline(w, y++, 0, cols);

	/* What is under the output: the status, then the failure texts,
	 * wrapped; they take at most half of what is left. */
	elapsed = st->started > 0 ? (st->ended > 0 ? st->ended :
	    (long long)time(NULL)) - st->started : 0;
	if (elapsed < 0)
		elapsed = 0;
	run_status_line(r, st, elapsed, line, sizeof line);
	tui_state_glyph(st, &role);
	hint = left = NULL;
	if ((st->state == STEP_FAILED || st->state == STEP_IN_DOUBT) &&
	    st->rb != NULL) {
		if (st->rb->hint != NULL) {
			t = tui_expand(st, st->rb->hint);
			hint = xasprintf("Hint: %s", t);
			free(t);
		}
		if (st->rb->on_failure != NULL) {
			t = tui_expand(st, st->rb->on_failure);
			left = xasprintf("Left behind: %s", t);
			free(t);
		}
	}
	tail = ui_wrap(NULL, 0, 1, cols - 2, rows, line) +
	    ui_wrap(NULL, 0, 1, cols - 2, rows, hint) +
	    ui_wrap(NULL, 0, 1, cols - 2, rows, left);
	if (tail > (rows - y) / 2)
		tail = (rows - y) / 2 > 1 ? (rows - y) / 2 : 1;
	bottom = rows - tail;
	out_rows = bottom - y - 1;
	r->page = out_rows > 1 ? out_rows : 1;
	if (r->p != NULL && out_rows > 0) {
		off = r->top >= 0 ? r->top : pager_last(r->p, (size_t)out_rows);
		for (n = 0; n < out_rows && off < pager_size(r->p); n++) {
			text = pager_line(r->p, off, &len, &next);
			ui_text_more(w, y + n, 1, cols - 2, text, len, 0);
			off = next;
		}
	} else if (out_rows > 0) {
		wattron(w, theme_attr(ROLE_DIM));
		ui_str(w, y, 1, cols - 2, "(no output yet)");
		wattroff(w, theme_attr(ROLE_DIM));
	}
	y = bottom - 1;
	ui_hline(w, y++, 0, cols);
	wattron(w, theme_attr(role));
	y = ui_wrap(w, y, 1, cols - 2, rows, line);
	wattroff(w, theme_attr(role));
	wattron(w, theme_attr(ROLE_WARNING));
	y = ui_wrap(w, y, 1, cols - 2, rows, hint);
	ui_wrap(w, y, 1, cols - 2, rows, left);
	wattroff(w, theme_attr(ROLE_WARNING));
	free(hint);
	free(left);
}

static bool
run_key(void *state, const struct ui_key *k)
{
	struct run	*r = state;
	off_t		 off;
	long		 n;

	if (k->action == KEYS_OPEN) {
		ui_pop();
		return true;
	}
	/* The acts (cancel, run, retry, mark done, skip, pause or continue
	 * the roll, roll back). */
	if (tui_act(r->i, k->action, run_started, r))
		return true;
	if (ui_scroll_lines(k->action, r->page, &n)) {
		if (r->p == NULL)
			return true;
		off = pager_scroll(r->p, r->top >= 0 ? r->top :
		    pager_last(r->p, (size_t)r->page), n, (size_t)r->page);
		/* At the end: follow it again. */
		r->top = off >= pager_last(r->p, (size_t)r->page) ? -1 : off;
		ui_dirty();
		return true;
	}
	switch (k->action) {
	case KEYS_TOP:
		r->top = 0;
		break;
	case KEYS_BOTTOM:
		r->top = -1;
		break;
	default:
		return false;
	}
	ui_dirty();
	return true;
}

static bool
run_can(void *state, enum key_action a)
{
	struct run	*r = state;
	bool		 can;

	if (a == KEYS_OPEN)
		return session_running(tui_session()) == NULL;
	return tui_act_can(r->i, a, &can) ? can : true;
}

static void
run_tick(void *state)
{
	struct run		*r = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	size_t			 next;

	if (ss != r->steps) {
		ui_pop();		/* a rollback run began */
		return;
	}
	run_log(r);
	tui_poll();
	run_log(r);
	run_changed(r);
	if (session_running(s) != NULL ||
	    !step_state_settled(run_step(r)->state))
		return;
	/* Passed, and the next step starts without asking: go on to it
	 * (through the checklist, which opens it). */
	next = session_current(s);
	if (next < ss->n &&
	    ss->v[next].state == STEP_READY && session_auto(s, next))
		ui_pop();
	else if (steps_done(ss))
		ui_pop();
}

const struct screen screen_run = {
	.name = "run",
	.state_size = sizeof(struct run),
	.keys = run_keys,
	.enter = run_enter,
	.draw = run_draw,
	.key = run_key,
	.tick = run_tick,
	.can = run_can,
	.leave = run_leave,
};
