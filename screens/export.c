/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* export.c: the export screen (w on the plan and summary screens): the
 * format to write the checklist or the report in, one key each (text,
 * Markdown, HTML: what stepup export --format writes, by the same
 * functions); it is saved next to the journal and the path is said. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct export_screen {
	struct export_arg	 a;
};

static const enum key_action export_keys[] = {
	KEYS_AS_TEXT, KEYS_AS_MARKDOWN, KEYS_AS_HTML, KEYS_NONE
};

static int
export_enter(void *state, void *arg, char **cause)
{
	struct export_screen	*e = state;

	e->a = *(struct export_arg *)arg;
	return 0;
}

static void
export_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct export_screen	*e = state;
	const enum key_action	*k;
	char			*where;
	int			 y = 1;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 2, cols - 4, e->a.title);
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	ui_str(w, y++, 2, cols - 4, "In which format? (as stepup export "
	    "--format writes it)");
	y++;
	/* The formats are the screen's keys, from the key table. */
	for (k = export_keys; *k != KEYS_NONE && y < rows - 3; k++) {
		wattron(w, theme_attr(ROLE_KEY));
		ui_str(w, y, 4, 2, keys_label(*k));
		wattroff(w, theme_attr(ROLE_KEY));
		ui_str(w, y, 7, 10, keys_word(*k));
		ui_str(w, y++, 18, cols - 20, keys_help(*k));
	}
	y++;
	where = xasprintf("It goes to %s/exports/, next to the journal.",
	    session_state_dir(tui_session()));
	wattron(w, theme_attr(ROLE_DIM));
	ui_wrap(w, y, 2, cols - 4, rows, where);
	wattroff(w, theme_attr(ROLE_DIM));
	free(where);
}

static bool
export_key(void *state, const struct ui_key *k)
{
	struct export_screen	*e = state;
	enum export_format	 fmt;
	const char		*what = e->a.what;
	char			*path = NULL, *cause = NULL;

	switch (k->action) {
	case KEYS_AS_TEXT:
		fmt = EXPORT_TXT;
		break;
	case KEYS_AS_MARKDOWN:
		fmt = EXPORT_MD;
		break;
	case KEYS_AS_HTML:
		fmt = EXPORT_HTML;
		break;
	default:
		return false;
	}
	if (e->a.save(fmt, &path, &cause) != 0) {
		ui_message(ROLE_ERROR, "Not written: %s", cause);
		free(cause);
		return true;
	}
	ui_pop();		/* e is gone; what is the caller's */
	ui_message(ROLE_PASSED, "%s written to %s", what, path);
	free(path);
	return true;
}

const struct screen screen_export = {
	.name = "export",
	.state_size = sizeof(struct export_screen),
	.keys = export_keys,
	.enter = export_enter,
	.draw = export_draw,
	.key = export_key,
};
