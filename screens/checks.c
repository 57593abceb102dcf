/* checks.c: the checks screen: a group of consecutive checks run one
 * after another, PASS / WARN / FAIL / SKIP each with its hint, and a
 * summary line (like pve8to9). A FAIL blocks; a WARN needs accepting. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct checks {
	size_t	lo, hi;		/* the group: steps lo..hi */
	size_t	sel;
};

static const enum key_action checks_keys[] = {
	KEYS_OPEN, KEYS_ACCEPT, KEYS_RETRY, KEYS_OUTPUT, KEYS_DONE_BY_HAND,
	KEYS_SKIP, KEYS_DOWN, KEYS_UP, KEYS_NONE
};

static bool
same_group(const struct step *a, const struct step *b)
{
	return a->kind == RB_CHECK && b->kind == RB_CHECK &&
	    a->phase == b->phase && a->hop == b->hop;
}

/* Start the next check of the group that may start, if none runs. */
static void
checks_next(struct checks *c)
{
	struct session	*s = tui_session();
	char		*cause = NULL;
	size_t		 i;

	if (session_running(s) != NULL)
		return;
	for (i = c->lo; i <= c->hi; i++) {
		if (session_steps(s)->v[i].state == STEP_READY &&
		    session_auto(s, i) &&
		    session_can(s, i, SESSION_ACT_START, NULL)) {
			if (session_start(s, i, &cause) != 0) {
				ui_message(ROLE_ERROR, "%s", cause);
				free(cause);
			} else
				c->sel = i;
			break;
		}
	}
	ui_ticker(session_running(s) != NULL ? 100 : 0);
}

static int
checks_enter(void *state, void *arg, char **cause)
{
	struct checks		*c = state;
	const struct steps	*ss = session_steps(tui_session());
	size_t			 i = *(size_t *)arg;

	c->lo = c->hi = c->sel = i;
	while (c->lo > 0 && same_group(&ss->v[c->lo - 1], &ss->v[i]))
		c->lo--;
	while (c->hi + 1 < ss->n && same_group(&ss->v[c->hi + 1], &ss->v[i]))
		c->hi++;
	checks_next(c);
	return 0;
}

static void
checks_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct checks		*c = state;
	const struct steps	*ss = session_steps(tui_session());
	const struct step	*st;
	enum theme_role		 role;
	const char		*word;
	char			 line[512];
	int			 y = 0, pass = 0, warn = 0, fail = 0, skip = 0;
	size_t			 i;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 1, cols - 2, "Checks (read-only commands that must "
	    "pass)");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	for (i = c->lo; i <= c->hi && y < rows - 3; i++) {
		st = &ss->v[i];
		word = tui_check_word(st, &role);
		if (strcmp(word, "PASS") == 0)
			pass++;
		else if (strcmp(word, "WARN") == 0)
			warn++;
		else if (strcmp(word, "FAIL") == 0)
			fail++;
		else if (strcmp(word, "SKIP") == 0)
			skip++;
		if (i == c->sel) {
			wattron(w, theme_attr(ROLE_SELECTION));
			mvwhline(w, y, 0, ' ', cols);
			wattroff(w, theme_attr(ROLE_SELECTION));
		}
		snprintf(line, sizeof line, "%-4s", *word != '\0' ? word :
		    st->state == STEP_PENDING ? "...." : "    ");
		wattron(w, theme_attr(role));
		ui_str(w, y, 2, 4, line);
		wattroff(w, theme_attr(role));
		if (i == c->sel)
			wattron(w, theme_attr(ROLE_SELECTION));
		snprintf(line, sizeof line, "%zu. %s", i + 1, st->title);
		ui_str(w, y++, 8, cols - 9, line);
		wattroff(w, theme_attr(ROLE_SELECTION));
		if ((st->state == STEP_FAILED || st->warned) && st->rb != NULL &&
		    st->rb->hint != NULL) {
			wattron(w, theme_attr(ROLE_DIM));
			char	*hint = tui_expand(st, st->rb->hint);

			snprintf(line, sizeof line, "hint: %s", hint);
			free(hint);
			ui_str(w, y++, 10, cols - 11, line);
			wattroff(w, theme_attr(ROLE_DIM));
		}
	}
	ui_hline(w, rows - 3, 0, cols);
	snprintf(line, sizeof line, "Summary: %zu checks, %d passed, %d "
	    "warnings, %d failed, %d skipped", c->hi - c->lo + 1, pass, warn,
	    fail, skip);
	wattron(w, theme_attr(fail > 0 ? ROLE_FAILED : warn > 0 ?
	    ROLE_WARNING : ROLE_PASSED));
	ui_str(w, rows - 2, 1, cols - 2, line);
	wattroff(w, theme_attr(fail > 0 ? ROLE_FAILED : warn > 0 ?
	    ROLE_WARNING : ROLE_PASSED));
	st = &ss->v[c->sel];
	if (session_running(tui_session()) != NULL)
		word = "Running the checks one after another.";
	else if (st->state == STEP_FAILED && st->rb != NULL &&
	    st->rb->severity == RB_SEV_WARN)
		word = "A warning: a accepts it and goes on; r runs it again.";
	else if (st->state == STEP_FAILED)
		word = "A failure blocks the run: fix it, then r runs it again "
		    "(o shows its output).";
	else
		word = "Enter goes back to the checklist.";
	ui_str(w, rows - 1, 1, cols - 2, word);
}

static int
checks_mark_done(void *ctx, const char *reason, char **cause)
{
	return session_mark_done(tui_session(), (size_t)(uintptr_t)ctx, reason,
	    cause);
}

static int
checks_skip(void *ctx, const char *reason, char **cause)
{
	return session_skip(tui_session(), (size_t)(uintptr_t)ctx, reason,
	    cause);
}

static void	checks_tick(void *);

static bool
checks_key(void *state, const struct ui_key *k)
{
	struct checks	*c = state;
	struct session	*s = tui_session();
	struct ask_arg	 a;
	char		*cause = NULL;
	int		 r = 0;

	memset(&a, 0, sizeof a);
	switch (k->action) {
	case KEYS_OPEN:
		ui_pop();
		return true;
	case KEYS_DOWN:
		if (c->sel < c->hi)
			c->sel++;
		break;
	case KEYS_UP:
		if (c->sel > c->lo)
			c->sel--;
		break;
	case KEYS_ACCEPT:
		if ((r = session_ack_warning(s, c->sel, &cause)) == 0) {
			checks_tick(c);	/* may leave the screen: c is gone */
			return true;
		}
		break;
	case KEYS_RETRY:
		r = session_start(s, c->sel, &cause);
		ui_ticker(100);
		break;
	case KEYS_OUTPUT:
		r = ui_push(&screen_run, &c->sel, &cause);
		break;
	case KEYS_DONE_BY_HAND:
	case KEYS_SKIP:
		a.title = k->action == KEYS_SKIP ? "Skip this optional check" :
		    "Mark done by hand";
		a.question = "Why? (journaled with your name)";
		a.text = a.required = true;
		a.answer = k->action == KEYS_SKIP ? checks_skip :
		    checks_mark_done;
		a.ctx = (void *)(uintptr_t)c->sel;
		r = ui_push(&screen_ask, &a, &cause);
		break;
	default:
		return false;
	}
	if (r != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	ui_dirty();
	return true;
}

static bool
checks_can(void *state, enum key_action a)
{
	struct checks	*c = state;
	struct session	*s = tui_session();

	switch (a) {
	case KEYS_ACCEPT:
		return session_can(s, c->sel, SESSION_ACT_WARN_OK, NULL);
	case KEYS_RETRY:
		return session_can(s, c->sel, SESSION_ACT_RETRY, NULL);
	case KEYS_DONE_BY_HAND:
		return session_can(s, c->sel, SESSION_ACT_MARK_DONE, NULL);
	case KEYS_SKIP:
		return session_can(s, c->sel, SESSION_ACT_SKIP, NULL);
	case KEYS_OPEN:
		return session_running(s) == NULL;
	default:
		return true;
	}
}

static void
checks_tick(void *state)
{
	struct checks		*c = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	size_t			 i, next;

	tui_poll();
	checks_next(c);
	ui_dirty();
	if (session_running(s) != NULL)
		return;
	for (i = c->lo; i <= c->hi; i++) {
		if (!step_state_settled(ss->v[i].state))
			return;
	}
	/* All settled and the run goes on by itself: on to the next step
	 * (the checklist opens it), as the run screen does. */
	next = session_current(s);
	if ((next < ss->n && ss->v[next].state == STEP_READY &&
	    session_auto(s, next)) || steps_done(ss))
		ui_pop();
}

const struct screen screen_checks = {
	.name = "checks",
	.state_size = sizeof(struct checks),
	.keys = checks_keys,
	.enter = checks_enter,
	.draw = checks_draw,
	.key = checks_key,
	.tick = checks_tick,
	.can = checks_can,
};
