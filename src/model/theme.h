/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* theme.h: colour roles. Screens draw only through roles
 * (theme_attr(ROLE_FAILED)); the compiled-in default is the table below,
 * and theme files override roles by name.
 *
 * A theme file has one role a line, dialog-rc-like:
 *
 *   # comment
 *   title = (white, blue, bold)
 *   selection = (black, cyan)
 *   dim = (default, default, dim)
 *
 * Colours: default black red green yellow blue magenta cyan white;
 * attributes: bold dim reverse underline standout normal. */
#ifndef STEPUP_THEME_H
#define STEPUP_THEME_H

#include <stdbool.h>

/* X(ENUM, name, fg, bg, attributes, monochrome attributes) */
#define THEME_ROLES(X)							\
	X(NORMAL,    "normal",    THEME_DEFAULT, THEME_DEFAULT, 0, 0)		\
	X(HEADER,    "header",    THEME_WHITE, THEME_BLUE, THEME_BOLD, THEME_REVERSE) \
	X(FOOTER,    "footer",    THEME_BLACK, THEME_CYAN, 0, THEME_REVERSE)	\
	X(KEY,       "key",       THEME_WHITE, THEME_CYAN, THEME_BOLD, THEME_REVERSE | THEME_BOLD) \
	X(TITLE,     "title",     THEME_CYAN, THEME_DEFAULT, THEME_BOLD, THEME_BOLD) \
	X(SELECTION, "selection", THEME_BLACK, THEME_CYAN, 0, THEME_REVERSE)	\
	X(PASSED,    "passed",    THEME_GREEN, THEME_DEFAULT, THEME_BOLD, THEME_BOLD) \
	X(FAILED,    "failed",    THEME_RED, THEME_DEFAULT, THEME_BOLD, THEME_BOLD | THEME_UNDERLINE) \
	X(WARNING,   "warning",   THEME_YELLOW, THEME_DEFAULT, THEME_BOLD, THEME_UNDERLINE) \
	X(LOCKED,    "locked",    THEME_DEFAULT, THEME_DEFAULT, THEME_DIM, THEME_DIM) \
	X(RUNNING,   "running",   THEME_MAGENTA, THEME_DEFAULT, THEME_BOLD, THEME_BOLD) \
	X(DIM,       "dim",       THEME_DEFAULT, THEME_DEFAULT, THEME_DIM, THEME_DIM) \
	X(BORDER,    "border",    THEME_BLUE, THEME_DEFAULT, 0, 0)		\
	X(MATCH,     "match",     THEME_BLACK, THEME_YELLOW, 0, THEME_REVERSE)	\
	X(INPUT,     "input",     THEME_DEFAULT, THEME_DEFAULT, THEME_UNDERLINE, THEME_UNDERLINE) \
	X(ERROR,     "error",     THEME_WHITE, THEME_RED, THEME_BOLD, THEME_REVERSE | THEME_BOLD)

enum theme_role {
#define X(e, name, fg, bg, attr, mono) ROLE_##e,
	THEME_ROLES(X)
#undef X
	ROLE__COUNT
};

enum theme_colour {
	THEME_DEFAULT = -1,
	THEME_BLACK, THEME_RED, THEME_GREEN, THEME_YELLOW,
	THEME_BLUE, THEME_MAGENTA, THEME_CYAN, THEME_WHITE,
};

enum {
	THEME_BOLD = 0x01,
	THEME_DIM = 0x02,
	THEME_REVERSE = 0x04,
	THEME_UNDERLINE = 0x08,
	THEME_STANDOUT = 0x10,
};

struct theme_style {
	int	fg;		/* enum theme_colour */
	int	bg;
	int	attrs;		/* THEME_BOLD | ... */
};

/* A whole theme: one style per role; monochrome themes ignore colours. */
struct theme {
	struct theme_style	role[ROLE__COUNT];
	bool			monochrome;
};

/* The compiled-in default (colour) or monochrome theme into *t. */
void		 theme_default(struct theme *, bool monochrome);
/* Parse theme text over *t (which keeps the roles the text does not
 * name). Returns 0, or -1 with *cause set to "FILE:LINE: message", one
 * line for each mistake (caller frees); *t is then left as it was. */
int		 theme_parse(struct theme *, const char *text, const char *file,
		    char **cause);
/* Load a theme by name (a file in the themes directory, or a path with a
 * '/') over the default. Returns 0, or -1 with *cause set; *t is then the
 * default. A theme named "monochrome" or one that says "monochrome = yes"
 * uses no colour. */
int		 theme_load(struct theme *, const char *name, char **cause);
/* Choose the theme the operator asked for: monochrome when no_color (or
 * NO_COLOR), else name (NULL: "default"). Returns 0, or -1 with *cause
 * when the theme could not be loaded, and *t is then the default. */
int		 theme_choose(struct theme *, const char *name, bool no_color,
		    char **cause);
/* The names of the themes there are, sorted: the compiled-in default and
 * monochrome, and every file in the themes directory. The caller frees
 * each and the list (NULL-terminated). */
char		**theme_list(void);
/* The themes directory: $STEPUP_THEMES_DIR or the installed one. */
const char	*theme_dir(void);
/* The role's name in theme files, or NULL. */
const char	*theme_role_name(enum theme_role);
/* Write the theme as a theme file (for round-trip tests); caller frees. */
char		*theme_format(const struct theme *);

/* Curses side, in the frame (ui-theme.c; ui.c calls it after initscr):
 * make the roles' colour pairs; monochrome when the terminal has no
 * colours. */
void		 theme_apply(const struct theme *);
/* The curses attributes of a role, as applied. */
int		 theme_attr(enum theme_role);

#endif
