/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* screens.h: the screens and what each takes as enter's argument. */
#ifndef STEPUP_SCREENS_H
#define STEPUP_SCREENS_H

#include <stdbool.h>

#include "export.h"
#include "ui.h"

/* reader: a document to page through. ack (or NULL: nothing to
 * acknowledge) is called once the operator acknowledges after the end
 * was shown; it returns 0, or -1 with *cause to show. */
struct reader_arg {
	const char	*path;
	const char	*title;
	int		(*ack)(void *ctx, char **cause);
	/* Called once when the end is first shown (or NULL). */
	int		(*end)(void *ctx, char **cause);
	void		*ctx;
	bool		 end_shown;	/* already, in an earlier visit */
};

/* ask: a yes/no question, or a line of text. answer gets "yes" or the
 * text; it returns 0 (the screen goes away) or -1 with *cause (shown, the
 * question stays). */
struct ask_arg {
	const char	*title;
	const char	*question;
	const char	*detail;	/* or NULL */
	bool		 text;		/* a line of text, not yes/no */
	bool		 required;	/* the text may not be empty */
	bool		 secret;	/* shown as stars */
	const char	*initial;	/* or NULL */
	int		(*answer)(void *ctx, const char *, char **cause);
	void		*ctx;
	/* Called with ctx after a good answer, with the question still on
	 * top (so nothing under it has run a tick yet): it may put the next
	 * question in this one's place with ui_replace() and return true;
	 * false takes the question off. NULL: the question goes. */
	bool		(*then)(void *ctx);
};

/* export: a document to write in the format the operator picks; save
 * (tui.h's tui_export_checklist or tui_export_report) writes it and sets
 * *path; then "<what> written to PATH" is said. The strings must outlive
 * the screen. */
struct export_arg {
	const char	*title;		/* "Write the checklist of this plan" */
	const char	*what;		/* "Checklist" */
	int		(*save)(enum export_format, char **path, char **cause);
};

/* Every screen, one line each: the declarations and the test driver's
 * list follow (a new screen is one file, one line here, one line in
 * Makefile.am). The step screens take the step's index, (void *)&index;
 * pick takes a char ** for the chosen path. */
#define SCREENS(X)	\
	X(ask)		\
	X(checklist)	\
	X(checks)	\
	X(confirm)	\
	X(export)	\
	X(help)		\
	X(history)	\
	X(hosts)	\
	X(manual)	\
	X(pick)		\
	X(plan)		\
	X(questions)	\
	X(reader)	\
	X(rollback)	\
	X(run)		\
	X(start)	\
	X(summary)

#define X(name) extern const struct screen screen_##name;
SCREENS(X)
#undef X

#endif
