/* summary.c: the summary screen: how the run ended, every step with its
 * outcome, attempts and reasons; leaving it ends the wizard. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct summary {
	int	top;
};

static const enum key_action summary_keys[] = {
	KEYS_DOWN, KEYS_UP, KEYS_NONE
};

static void
summary_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct summary		*m = state;
	struct session		*s = tui_session();
	const struct steps	*ss = session_steps(s);
	const struct plan	*pl = session_get_plan(s);
	const struct step	*st;
	enum theme_role		 role;
	const char		*g;
	char			 line[512];
	int			 y = 1;
	size_t			 i;

	wattron(w, theme_attr(ROLE_PASSED));
	if (ss->rollback)
		snprintf(line, sizeof line, "%s %s rolled back to %s: done "
		    "(run %s)", ui_glyph(UI_GLYPH_PASSED),
		    session_runbook(s)->product, pl != NULL ? pl->from : "?",
		    session_run_id(s));
	else
		snprintf(line, sizeof line, "%s %s upgraded %s %s %s: done "
		    "(run %s)", ui_glyph(UI_GLYPH_PASSED),
		    session_runbook(s)->product, pl != NULL ? pl->from : "?",
		    ui_glyph(UI_GLYPH_ARROW), pl != NULL ? pl->to : "?",
		    session_run_id(s));
	ui_str(w, y++, 2, cols - 4, line);
	wattroff(w, theme_attr(ROLE_PASSED));
	y++;
	for (i = (size_t)m->top; i < ss->n && y < rows - 2; i++) {
		st = &ss->v[i];
		g = tui_state_glyph(st, &role);
		wattron(w, theme_attr(role));
		ui_str(w, y, 3, 2, g);
		wattroff(w, theme_attr(role));
		snprintf(line, sizeof line, "%2zu. %-7s %-44.44s %s%s%s", i + 1,
		    rb_kind_name(st->kind), st->title,
		    step_state_words(st->state), st->reason != NULL ? ": " : "",
		    st->reason != NULL ? st->reason : "");
		ui_str(w, y++, 6, cols - 7, line);
	}
	ui_str(w, rows - 1, 2, cols - 4, "Every act is in the journal: "
	    "stepup show RUN-ID.  q leaves.");
}

static bool
summary_key(void *state, const struct ui_key *k)
{
	struct summary	*m = state;

	if (k->action == KEYS_DOWN)
		m->top++;
	else if (k->action == KEYS_UP && m->top > 0)
		m->top--;
	else
		return false;
	if ((size_t)m->top >= session_steps(tui_session())->n)
		m->top--;
	ui_dirty();
	return true;
}

const struct screen screen_summary = {
	.name = "summary",
	.state_size = sizeof(struct summary),
	.keys = summary_keys,
	.draw = summary_draw,
	.key = summary_key,
};
