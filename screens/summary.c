/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* summary.c: the summary screen: how the run ended, every step with its
 * outcome, attempts and reasons; after a rollback, what state the
 * cluster is in (rollback_summary). From here the run's report is
 * written next to the journal, and a finished upgrade can be rolled
 * back; leaving it ends the wizard. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct summary {
	int	top;		/* first row shown */
	size_t	rows;		/* rows of the list, at the last draw */
};

static const enum key_action summary_keys[] = {
	KEYS_DOWN, KEYS_UP, KEYS_EXPORT, KEYS_ROLLBACK, KEYS_NONE
};

/* The lines of text at y in role; returns the next row. */
static int
summary_text(WINDOW *w, int y, int rows, int cols, enum theme_role role,
    const char *text)
{
	const char	*nl;

	wattron(w, theme_attr(role));
	while (text != NULL && *text != '\0' && y < rows - 2) {
		nl = strchr(text, '\n');
		ui_text_more(w, y++, 2, cols - 4, text, nl != NULL ?
		    (size_t)(nl - text) : strlen(text), 0);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
	wattroff(w, theme_attr(role));
	return y;
}

static void
summary_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct summary		*m = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct plan	*pl = session_get_plan(s);
	const struct step	*st;
	enum theme_role		 role;
	const char		*g, *text = NULL;
	char			 line[512];
	struct tui_row		*rs;
	int			 y = 1, tw;
	size_t			 k, nrows;
	bool			 restored = true;

	if (ss->rollback)
		text = tui_rollback_summary(&restored);
	wattron(w, theme_attr(restored ? ROLE_PASSED : ROLE_WARNING));
	if (ss->rollback)
		snprintf(line, sizeof line, "%s %s rolled back to %s: done "
		    "(run %s)", ui_glyph(restored ? UI_GLYPH_PASSED :
		    UI_GLYPH_WARN), session_runbook(s)->product,
		    ss->rollback_to != NULL ? ss->rollback_to : pl != NULL ?
		    pl->from : "?", session_run_id(s));
	else
		snprintf(line, sizeof line, "%s %s upgraded %s %s %s: done "
		    "(run %s)", ui_glyph(UI_GLYPH_PASSED),
		    session_runbook(s)->product, pl != NULL ? pl->from : "?",
		    ui_glyph(UI_GLYPH_ARROW), pl != NULL ? pl->to : "?",
		    session_run_id(s));
	ui_str(w, y++, 2, cols - 4, line);
	wattroff(w, theme_attr(restored ? ROLE_PASSED : ROLE_WARNING));
	y++;
	if (text != NULL)
		y = summary_text(w, y, rows, cols, restored ? ROLE_NORMAL :
		    ROLE_WARNING, text) + 1;
	/* The titles get the width the longest needs, leaving 12 columns
	 * for the state: never cut short on a wide terminal. A step on
	 * many hosts, a roll, is one row with its outcome. */
	rs = tui_rows(ss, &nrows);
	m->rows = nrows;
	for (k = 0, tw = 10; k < nrows; k++) {
		if (!tui_row_is_group(ss, &rs[k]) &&
		    ui_width(ss->v[rs[k].lo].title) > tw)
			tw = ui_width(ss->v[rs[k].lo].title);
	}
	if (tw > cols - 7 - 13 - 12)
		tw = cols - 7 - 13 - 12 > 10 ? cols - 7 - 13 - 12 : 10;
	for (k = (size_t)m->top; k < nrows && y < rows - 2; k++) {
		st = &ss->v[rs[k].lo];
		if (tui_row_is_group(ss, &rs[k]))
			tui_row_group(ss, &rs[k], line, sizeof line, &st);
		else
			snprintf(line, sizeof line, "%2zu. %-7s %-*.*s %s%s%s",
			    rs[k].lo + 1, rb_kind_name(st->kind), tw, tw,
			    st->title, step_state_words(st->state),
			    st->reason != NULL ? ": " : "",
			    st->reason != NULL ? st->reason : "");
		g = tui_state_glyph(st, &role);
		wattron(w, theme_attr(role));
		ui_str(w, y, 3, 2, g);
		wattroff(w, theme_attr(role));
		ui_str(w, y++, 6, cols - 7, line);
	}
	free(rs);
	snprintf(line, sizeof line, "Every act is in the journal: stepup show "
	    "RUN-ID.  %s leaves.", keys_key(KEYS_BACK));
	ui_str(w, rows - 1, 2, cols - 4, line);
}

static struct export_arg summary_export = {
	"Write the report of this run", "Report", tui_export_report
};

static bool
summary_key(void *state, const struct ui_key *k)
{
	struct summary	*m = state;
	char		*cause = NULL;

	switch (k->action) {
	case KEYS_DOWN:
		m->top++;
		break;
	case KEYS_UP:
		if (m->top > 0)
			m->top--;
		break;
	case KEYS_EXPORT:
		/* The format is chosen there; it says where it went. */
		if (ui_push(&screen_export, &summary_export, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return true;
	case KEYS_ROLLBACK:
		/* Also after a run that went well: a problem found the
		 * next morning. */
		tui_rollback_show();
		return true;
	default:
		return false;
	}
	if (m->rows > 0 && (size_t)m->top >= m->rows)
		m->top--;
	ui_dirty();
	return true;
}

static bool
summary_can(void *state, enum key_action a)
{
	struct session	*s = tui_session();

	if (a == KEYS_ROLLBACK)
		return !session_steps(s)->rollback && !session_dry_run(s);
	return true;
}

const struct screen screen_summary = {
	.name = "summary",
	.state_size = sizeof(struct summary),
	.keys = summary_keys,
	.draw = summary_draw,
	.key = summary_key,
	.can = summary_can,
};
