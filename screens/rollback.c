/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* rollback.c: the rollback screen: what will be undone, latest first (the
 * undo of every action that passed, then the runbook's rollback steps),
 * the artifacts they use with path, size, sha256 and age, the actions
 * that cannot be undone automatically with their on-failure text; the
 * artifacts are checked before anything runs (a mismatch stops here), and
 * the typed phrase begins the rollback run, which then goes through the
 * same screens as the upgrade (rollback.h gives the flow). */
#include "config.h"

#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollback.h"
#include "screens.h"
#include "tui.h"
#include "util.h"

/* One row of the list, drawn in a role. */
struct rb_row {
	enum theme_role	 role;
	int		 indent;
	char		*text;
};

struct rollback_screen {
	struct steps		*preview;
	struct rollback_model	*m;		/* the target shown */
	struct steps		*alt_preview;	/* back to the start of the
						   failed hop, or NULL */
	struct rollback_model	*full, *alt;	/* the two targets */
	int			 width;		/* the rows are wrapped for */
	struct rb_row		*rows;
	size_t			 n_rows;
	int			 top;
	int			 page;
	bool			 ok;		/* the artifacts checked out */
	char			*problem;	/* why not */
	struct ui_line		 line;
	char			*error;		/* the phrase did not match ... */
};

/* An artifact cannot be trusted: only leaving (and the arrow keys). */
static const enum key_action rollback_keys[] = {
	KEYS_NONE
};

/* The phrase is typed. */
static const enum key_action rollback_typed[] = {
	KEYS_PHRASE, KEYS_ERASE, KEYS_NONE
};

static void
row_add(struct rollback_screen *r, enum theme_role role, int indent,
    char *text)
{
	r->rows = xreallocarray(r->rows, r->n_rows + 1, sizeof *r->rows);
	r->rows[r->n_rows].role = role;
	r->rows[r->n_rows].indent = indent;
	r->rows[r->n_rows].text = text;
	r->n_rows++;
}

/* How many bytes of line (len bytes) fit in width columns: cut after the
 * last space that fits, else at a character boundary; at least one
 * character. */
static size_t
row_fit(const char *line, size_t len, int width)
{
	char	*part;
	size_t	 n, fit = 0, space = 0;

	for (n = 1; n <= len; n++) {
		/* Only at the end of a UTF-8 character. */
		if (n < len && ((unsigned char)line[n] & 0xc0) == 0x80)
			continue;
		part = xstrndup(line, n);
		if (ui_width(part) > width) {
			free(part);
			break;
		}
		free(part);
		fit = n;
		if (line[n - 1] == ' ')
			space = n;
	}
	if (fit == len)
		return len;
	if (space > 0)
		return space;
	if (fit == 0) {
		for (fit = 1; fit < len &&
		    ((unsigned char)line[fit] & 0xc0) == 0x80; fit++)
			;
	}
	return fit;
}

/* Each line of text (several for a multi-line command) as rows, wrapped
 * at the screen's width (r->width) so that nothing is cut; the rows
 * after the first are indented under the text, past the prefix. */
static void
row_lines(struct rollback_screen *r, enum theme_role role, int indent,
    const char *prefix, const char *text)
{
	const char	*nl;
	char		*under;
	size_t		 len, n;
	int		 width, pw = ui_width(prefix);

	width = r->width - 4 - indent - pw;
	if (width < 10)
		width = 10;
	under = xasprintf("%*s", pw, "");
	if (text != NULL && *text == '\0')
		row_add(r, role, indent, xstrdup(prefix));
	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) : strlen(text);
		do {
			n = row_fit(text, len, width);
			row_add(r, role, indent, xasprintf("%s%.*s", prefix,
			    (int)n, text));
			text += n;
			len -= n;
			prefix = under;
		} while (len > 0);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
	free(under);
}

/* One text of its own, wrapped as row_lines does; the text is freed. */
static void
row_text(struct rollback_screen *r, enum theme_role role, int indent,
    const char *prefix, char *text)
{
	row_lines(r, role, indent, prefix, text);
	free(text);
}

static void
rollback_rows(struct rollback_screen *r)
{
	const struct rollback_model	*m = r->m;
	const struct rollback_entry	*e;
	const struct rollback_artifact	*a;
	long long			 now = (long long)time(NULL);
	char				*age, num[32];
	size_t				 i, k;

	row_text(r, ROLE_NORMAL, 0, "", xasprintf("What will be undone, "
	    "latest first: %zu step%s, %zu of them by hand.", m->n_entries,
	    m->n_entries == 1 ? "" : "s", m->n_manual));
	/* Numbered as the run's steps are: its confirmation is the first. */
	if (m->rollback->n > 0 && m->rollback->v[0].kind == RB_CONFIRM)
		row_text(r, ROLE_NORMAL, 2, " 1. ", xasprintf("%s: the "
		    "phrase below", m->rollback->v[0].title));
	for (i = 0; i < m->n_entries; i++) {
		e = &m->entries[i];
		/* A manual entry's title says it cannot be undone
		 * automatically (steps_new_rollback). */
		snprintf(num, sizeof num, "%2zu. ", e->step->index + 1);
		row_lines(r, e->automatic ? ROLE_NORMAL : ROLE_WARNING, 2, num,
		    e->step->title);
		if (e->step->run != NULL)
			row_lines(r, ROLE_DIM, 6, "runs: ", e->step->run);
		if (!e->automatic)
			row_lines(r, ROLE_WARNING, 6, "by hand: ",
			    e->step->text != NULL ? e->step->text :
			    e->on_failure != NULL ? e->on_failure :
			    "(the runbook says nothing more)");
		else if (e->on_failure != NULL)
			row_lines(r, ROLE_DIM, 6, "if it fails: ",
			    e->on_failure);
		for (k = 0; k < e->n_artifacts; k++)
			row_lines(r, ROLE_DIM, 6, "uses: ",
			    m->artifacts[e->artifacts[k]].path);
	}
	if (m->n_artifacts == 0)
		return;
	row_add(r, ROLE_NORMAL, 0, xstrdup(""));
	row_lines(r, ROLE_NORMAL, 0, "", "Artifacts (checked now: still "
	    "there, same size and sha256 as the upgrade recorded):");
	for (i = 0; i < m->n_artifacts; i++) {
		a = &m->artifacts[i];
		snprintf(num, sizeof num, "%s ", ui_glyph(a->check ==
		    ROLLBACK_OK ? UI_GLYPH_PASSED : UI_GLYPH_FAILED));
		row_text(r, a->check == ROLLBACK_OK ? ROLE_PASSED : ROLE_FAILED,
		    2, num, xasprintf("%s  (%s, from step %s)", a->path,
		    a->var, a->step != NULL ? a->step : "?"));
		if (a->sha256[0] != '\0') {
			age = rollback_age(a->made, now);
			row_text(r, ROLE_DIM, 6, "", xasprintf("%lld bytes, "
			    "%s, sha256 %s", a->size, age, a->sha256));
			free(age);
		}
		if (a->problem != NULL)
			row_lines(r, ROLE_FAILED, 6, "", a->problem);
	}
}

static void
rollback_free_rows(struct rollback_screen *r)
{
	size_t	i;

	for (i = 0; i < r->n_rows; i++)
		free(r->rows[i].text);
	free(r->rows);
	r->rows = NULL;
	r->n_rows = 0;
}

/* Check the artifacts (again, just before beginning) and lay out the
 * rows with what was found; a problem shows the artifacts first. */
static void
rollback_check(struct rollback_screen *r)
{
	size_t	i;

	free(r->problem);
	r->problem = NULL;
	r->ok = rollback_verify(r->m, &r->problem) == 0;
	rollback_free_rows(r);
	rollback_rows(r);
	r->top = 0;
	for (i = 0; !r->ok && i < r->n_rows; i++) {
		if (strncmp(r->rows[i].text, "Artifacts", 9) == 0)
			r->top = (int)i;
	}
}

static int
rollback_enter(void *state, void *arg, char **cause)
{
	struct rollback_screen	*r = state;
	struct session		*s = tui_session();

	if (session_running(s) != NULL) {
		*cause = xstrdup("a command is running: let it end or cancel "
		    "it before rolling back");
		return -1;
	}
	if (session_rollback_preview(s, &r->preview, cause) != 0)
		return -1;
	r->m = r->full = rollback_model_new(session_steps(s), r->preview);
	if (r->m->n_entries == 0) {
		*cause = xasprintf("nothing to roll back: no action of run %s "
		    "passed, and the runbook has no rollback steps",
		    session_run_id(s));
		rollback_model_free(r->m);
		steps_free(r->preview);
		return -1;
	}
	if (session_rollback_alternative(s, &r->alt_preview, cause) != 0) {
		rollback_model_free(r->m);
		steps_free(r->preview);
		return -1;
	}
	if (r->alt_preview != NULL)
		r->alt = rollback_model_new(session_steps(s), r->alt_preview);
	ui_line_clear(&r->line);
	r->width = 80;
	rollback_check(r);
	return 0;
}

static void
rollback_leave(void *state)
{
	struct rollback_screen	*r = state;

	rollback_free_rows(r);
	rollback_model_free(r->full);
	rollback_model_free(r->alt);
	steps_free(r->preview);
	steps_free(r->alt_preview);
	free(r->problem);
	free(r->error);
}

static void
rollback_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct rollback_screen	*r = state;
	const struct rollback_model *m = r->m;
	const char		*phrase = m->phrase != NULL ? m->phrase : "";
	char			 line[512], pos[128], intro[128], stop[128];
	int			 y = 1, y0, bottom, list, pos_w, h_err;
	size_t			 i;

	if (cols != r->width) {
		r->width = cols;
		rollback_free_rows(r);
		rollback_rows(r);
	}
	y++;
	if (r->alt != NULL) {
		/* Two targets: the other one a key away. */
		wattron(w, theme_attr(ROLE_DIM));
		if (m == r->alt)
			snprintf(line, sizeof line, "Only hop %d of %zu is undone. "
			    "Tab: back to %s, where the upgrade started, instead",
			    r->alt_preview->rollback_hop + 1,
			    r->alt_preview->plan->n_hops, r->full->restore);
		else
			snprintf(line, sizeof line, "Tab: only hop %d of %zu "
			    "instead, back to its start (%s)",
			    r->alt_preview->rollback_hop + 1,
			    r->alt_preview->plan->n_hops, r->alt->restore);
		y = ui_wrap(w, y, 2, cols - 4, y + 3, line);
		wattroff(w, theme_attr(ROLE_DIM));
	}

	/* Under the list: the stop, or the phrase to type; each wrapped. */
	snprintf(stop, sizeof stop, "Stopped before anything ran: nothing "
	    "was rolled back. %s goes back.", keys_key(KEYS_BACK));
	snprintf(intro, sizeof intro, "%s. To roll back, type exactly:",
	    m->n_artifacts > 0 ? "Every artifact checked out" :
	    "No artifact to check");
	h_err = r->error != NULL ? ui_wrap(NULL, 0, 2, cols - 4, INT_MAX,
	    r->error) : 0;
	if (!r->ok)
		bottom = rows - 2 - ui_wrap(NULL, 0, 2, cols - 4, INT_MAX,
		    r->problem) - ui_wrap(NULL, 0, 2, cols - 4, INT_MAX, stop);
	else
		bottom = rows - 3 - ui_wrap(NULL, 0, 2, cols - 4, INT_MAX,
		    intro) - ui_wrap(NULL, 0, 4, cols - 6, INT_MAX, phrase) -
		    h_err;
	list = bottom - y - 1;
	r->page = list > 1 ? list : 1;
	if (r->top > 0 && (size_t)r->top + (size_t)r->page > r->n_rows)
		r->top = r->n_rows > (size_t)r->page ?
		    (int)(r->n_rows - (size_t)r->page) : 0;
	if (r->n_rows > (size_t)r->page) {
		/* More than fits: where the view is, and how to move it,
		 * at the end of the title's row. */
		snprintf(pos, sizeof pos, "rows %d-%zu of %zu (Up Down "
		    "PgUp PgDn)", r->top + 1, (size_t)r->top +
		    (size_t)r->page < r->n_rows ? (size_t)r->top +
		    (size_t)r->page : r->n_rows, r->n_rows);
		wattron(w, theme_attr(ROLE_DIM));
		ui_str(w, 1, cols - 2 - ui_width(pos), ui_width(pos) + 1, pos);
		wattroff(w, theme_attr(ROLE_DIM));
	}
	/* The title, in what the position leaves of its row. */
	pos_w = r->n_rows > (size_t)r->page ? ui_width(pos) + 2 : 0;
	wattron(w, theme_attr(ROLE_TITLE));
	snprintf(line, sizeof line, "Roll back %s to %s (run %s)",
	    session_runbook(tui_session())->product, m->restore != NULL ?
	    m->restore : "the version before", session_run_id(tui_session()));
	ui_str(w, 1, 2, cols - 4 - pos_w, line);
	wattroff(w, theme_attr(ROLE_TITLE));
	for (i = (size_t)r->top, y0 = y; i < r->n_rows && y < y0 + list; i++) {
		wattron(w, theme_attr(r->rows[i].role));
		ui_str(w, ++y, 2 + r->rows[i].indent, cols - 4 -
		    r->rows[i].indent, r->rows[i].text);
		wattroff(w, theme_attr(r->rows[i].role));
	}
	y = bottom;
	ui_hline(w, y++, 0, cols);
	if (!r->ok) {
		wattron(w, theme_attr(ROLE_FAILED));
		y = ui_wrap(w, y, 2, cols - 4, INT_MAX, r->problem);
		wattroff(w, theme_attr(ROLE_FAILED));
		ui_wrap(w, y + 1, 2, cols - 4, rows, stop);
		return;
	}
	y = ui_wrap(w, y, 2, cols - 4, INT_MAX, intro);
	wattron(w, theme_attr(ROLE_WARNING));
	y = ui_wrap(w, y, 4, cols - 6, INT_MAX, phrase);
	wattroff(w, theme_attr(ROLE_WARNING));
	if (r->error != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		y = ui_wrap(w, y, 2, cols - 4, INT_MAX, r->error);
		wattroff(w, theme_attr(ROLE_FAILED));
	}
	y++;
	ui_line_draw(&r->line, w, y, 2, cols - 4, "> ");
}

/* The phrase was typed (the caller's, freed here): check the artifacts
 * once more, then begin. */
static void
rollback_submit(struct rollback_screen *r, char *typed)
{
	char	*cause = NULL;

	free(r->error);
	r->error = NULL;
	ui_line_clear(&r->line);
	if (r->m->phrase == NULL || strcmp(typed, r->m->phrase) != 0) {
		r->error = xstrdup("That is not the phrase: nothing has begun. "
		    "Type it exactly.");
		free(typed);
		return;
	}
	rollback_check(r);
	if (!r->ok) {
		free(typed);
		return;
	}
	if (session_rollback(tui_session(), &cause) != EXIT_DONE) {
		r->error = cause;
		free(typed);
		return;
	}
	/* This screen goes away with the upgrade's: r is freed. */
	tui_rollback_begun(typed);
	free(typed);
}

static bool
rollback_key(void *state, const struct ui_key *k)
{
	struct rollback_screen	*r = state;
	char			*typed;
	int			 step = 0;
	bool			 left;

	if (k->is_fn && k->ch == KEY_F(1))
		return false;
	if (keys_bound(KEYS_DOWN, k->ch, k->is_fn) && k->is_fn)
		step = 1;
	else if (keys_bound(KEYS_UP, k->ch, k->is_fn) && k->is_fn)
		step = -1;
	else if (keys_bound(KEYS_PAGE_DOWN, k->ch, k->is_fn) && k->is_fn)
		step = r->page;
	else if (keys_bound(KEYS_PAGE_UP, k->ch, k->is_fn) && k->is_fn)
		step = -r->page;
	if (step != 0) {
		r->top += step;
		if (r->top < 0 || r->n_rows <= (size_t)r->page)
			r->top = 0;
		else if ((size_t)r->top + (size_t)r->page > r->n_rows)
			r->top = (int)(r->n_rows - (size_t)r->page);
		ui_dirty();
		return true;
	}
	if (r->alt != NULL && !k->is_fn && k->ch == '\t') {
		r->m = r->m == r->alt ? r->full : r->alt;
		free(r->error);
		r->error = NULL;
		rollback_check(r);
		ui_dirty();
		return true;
	}
	if (!r->ok)
		return false;	/* q and Esc go back */
	if ((typed = ui_line_given(&r->line, k, &left)) == NULL) {
		if (left)
			ui_pop();
		return true;
	}
	rollback_submit(r, typed);
	return true;
}

static bool
rollback_typing(void *state)
{
	struct rollback_screen	*r = state;

	return r->ok;
}

const struct screen screen_rollback = {
	.name = "rollback",
	.state_size = sizeof(struct rollback_screen),
	.keys = rollback_keys,
	.enter = rollback_enter,
	.draw = rollback_draw,
	.key = rollback_key,
	.leave = rollback_leave,
	.typing_keys = rollback_typed,
	.typing = rollback_typing,
};
