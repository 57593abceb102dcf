/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* reader.c: the reader screen: a document paged like less (j k, space b,
 * g G, / ? n N, q), a position indicator, and an acknowledgement that
 * becomes possible only once the end has been shown. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pager.h"
#include "screens.h"
#include "util.h"

struct reader {
	struct pager	*p;
	char		*title;
	off_t		 top;
	int		 hscroll;
	int		 page;		/* text rows at the last draw */
	bool		 end_shown;
	bool		 prompting;
	bool		 backward;	/* the last search's direction */
	bool		 prompt_backward;
	struct ui_line	 line;
	char		*needle;
	int		(*ack)(void *, char **);
	int		(*end)(void *, char **);
	void		*ctx;
};

static const enum key_action reader_keys[] = {
	KEYS_ACK, KEYS_PAGE_DOWN, KEYS_PAGE_UP, KEYS_TOP, KEYS_BOTTOM,
	KEYS_SEARCH, KEYS_SEARCH_BACK, KEYS_NEXT, KEYS_PREV, KEYS_DOWN,
	KEYS_UP, KEYS_HALF_DOWN, KEYS_HALF_UP, KEYS_LEFT, KEYS_RIGHT,
	KEYS_NONE
};

static int
reader_enter(void *state, void *arg, char **cause)
{
	struct reader		*r = state;
	const struct reader_arg	*a = arg;

	if ((r->p = pager_open(a->path, cause)) == NULL)
		return -1;
	r->title = xstrdup(a->title != NULL ? a->title : a->path);
	r->ack = a->ack;
	r->end = a->end;
	r->ctx = a->ctx;
	r->end_shown = a->end_shown;
	r->page = 1;
	return 0;
}

static void
reader_leave(void *state)
{
	struct reader	*r = state;

	pager_free(r->p);
	free(r->title);
	free(r->needle);
}

/* The top that shows the last line on the last row. */
static off_t
max_top(struct reader *r)
{
	return pager_last(r->p, (size_t)r->page);
}

static void
reader_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct reader	*r = state;
	off_t		 off = r->top, next, size = pager_size(r->p);
	const char	*s;
	size_t		 len, lineno, total;
	ssize_t		 at;
	int		 y, x, pct;
	char		 pos[128];

	r->page = rows - 2 > 1 ? rows - 2 : 1;
	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, 0, 1, cols - 2, r->title);
	wattroff(w, theme_attr(ROLE_TITLE));
	for (y = 1; y <= r->page; y++) {
		if (off >= size) {
			wattron(w, theme_attr(ROLE_DIM));
			mvwaddch(w, y, 0, '~');
			wattroff(w, theme_attr(ROLE_DIM));
			continue;
		}
		s = pager_line(r->p, off, &len, &next);
		x = ui_text_more(w, y, 0, cols, s, len, r->hscroll);
		if (r->needle != NULL && r->hscroll == 0 &&
		    (at = pager_match(s, len, r->needle)) >= 0) {
			/* Draw the match again over itself, highlighted. */
			int	before = ui_text(w, y, 0, cols, s, (size_t)at, 0);

			wattron(w, theme_attr(ROLE_MATCH));
			ui_text(w, y, before, cols - before, s + at,
			    strlen(r->needle) <= len - (size_t)at ?
			    strlen(r->needle) : len - (size_t)at, 0);
			wattroff(w, theme_attr(ROLE_MATCH));
		}
		(void)x;
		off = next;
	}
	if (off >= size && !r->end_shown) {
		char	*cause = NULL;

		/* Shown now: the session records it before anything can
		 * depend on it. */
		if (r->end != NULL && r->end(r->ctx, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		} else
			r->end_shown = true;
	}

	y = rows - 1;
	if (r->prompting) {
		ui_line_draw(&r->line, w, y, 0, cols,
		    r->prompt_backward ? "?" : "/");
		return;
	}
	lineno = pager_lineno(r->p, r->top);
	total = pager_lines(r->p);
	pct = size > 0 ? (int)((double)off * 100 / (double)size) : 100;
	if (lineno > 0 && total > 0)
		snprintf(pos, sizeof pos, "line %zu of %zu  %d%%", lineno,
		    total, pct);
	else if (lineno > 0)
		snprintf(pos, sizeof pos, "line %zu  %d%%", lineno, pct);
	else
		snprintf(pos, sizeof pos, "%d%%", pct);
	/*
	 * The position is drawn plain: it changes with every line scrolled,
	 * and a changed character in a colour of its own costs 24 bytes of
	 * colour set and reset around it (bench/tui-scroll).
	 */
	x = ui_str(w, y, 0, cols, pos);
	if (off >= size) {
		wattron(w, theme_attr(ROLE_SELECTION));
		x += ui_str(w, y, x, cols - x, "  (END)");
		wattroff(w, theme_attr(ROLE_SELECTION));
	}
	if (r->ack != NULL) {
		char	hint[128];

		if (r->end_shown)
			snprintf(hint, sizeof hint, "  press %s to acknowledge",
			    keys_key(KEYS_ACK));
		else
			snprintf(hint, sizeof hint, "  acknowledging needs the "
			    "end shown first (%s)", keys_key(KEYS_BOTTOM));
		wattron(w, theme_attr(r->end_shown ? ROLE_PASSED : ROLE_DIM));
		ui_str(w, y, x, cols - x, hint);
		wattroff(w, theme_attr(r->end_shown ? ROLE_PASSED : ROLE_DIM));
	}
}

static void
search(struct reader *r, bool backward)
{
	off_t	hit;

	if (r->needle == NULL || *r->needle == '\0') {
		ui_message(ROLE_WARNING, "No previous search.");
		return;
	}
	hit = pager_search(r->p, r->top, r->needle, backward);
	if (hit < 0) {
		ui_message(ROLE_WARNING, "Pattern not found: %s", r->needle);
		return;
	}
	r->top = hit;
}

static bool
reader_key(void *state, const struct ui_key *k)
{
	struct reader	*r = state;
	char		*cause = NULL;
	long		 n;

	if (r->prompting) {
		if (k->is_fn && k->ch == KEY_F(1))
			return false;	/* help, as on every line typed */
		switch (ui_line_key(&r->line, k)) {
		case UI_LINE_DONE:
			r->prompting = false;
			free(r->needle);
			r->needle = ui_line_text(&r->line);
			r->backward = r->prompt_backward;
			search(r, r->backward);
			break;
		case UI_LINE_CANCEL:
			r->prompting = false;
			break;
		case UI_LINE_EDITED:
			break;
		}
		return true;
	}
	if (ui_scroll_lines(k->action, r->page, &n)) {
		r->top = pager_scroll(r->p, r->top, n, (size_t)r->page);
		ui_dirty();
		return true;
	}
	switch (k->action) {
	case KEYS_TOP:
		r->top = 0;
		break;
	case KEYS_BOTTOM:
		r->top = max_top(r);
		break;
	case KEYS_LEFT:
		r->hscroll = r->hscroll > 8 ? r->hscroll - 8 : 0;
		break;
	case KEYS_RIGHT:
		r->hscroll += 8;
		break;
	case KEYS_SEARCH:
	case KEYS_SEARCH_BACK:
		r->prompting = true;
		r->prompt_backward = k->action == KEYS_SEARCH_BACK;
		ui_line_clear(&r->line);
		break;
	case KEYS_NEXT:
		search(r, r->backward);
		break;
	case KEYS_PREV:
		search(r, !r->backward);
		break;
	case KEYS_ACK:
		if (r->ack == NULL)
			return false;
		if (!r->end_shown) {
			ui_message(ROLE_WARNING, "Not yet: read to the end "
			    "first (%s jumps there), then press %s.",
			    keys_key(KEYS_BOTTOM), keys_key(KEYS_ACK));
			break;
		}
		if (r->ack(r->ctx, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
			break;
		}
		ui_pop();
		break;
	default:
		return false;
	}
	ui_dirty();
	return true;
}

static bool
reader_can(void *state, enum key_action a)
{
	struct reader	*r = state;

	switch (a) {
	case KEYS_ACK:
		return r->ack != NULL;
	case KEYS_NEXT:
	case KEYS_PREV:
		return r->needle != NULL;
	default:
		return true;
	}
}

/* While a search is typed (/ or ?): the line's keys. */
static const enum key_action reader_typing_keys[] = {
	KEYS_FIND, KEYS_ERASE, KEYS_NONE
};

static bool
reader_typing(void *state)
{
	return ((struct reader *)state)->prompting;
}

const struct screen screen_reader = {
	.name = "reader",
	.state_size = sizeof(struct reader),
	.keys = reader_keys,
	.enter = reader_enter,
	.draw = reader_draw,
	.key = reader_key,
	.can = reader_can,
	.leave = reader_leave,
	.typing_keys = reader_typing_keys,
	.typing = reader_typing,
};
