/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* ui.h: the frame of the wizard: curses set-up, the screen stack, the one
 * event loop and the one input funnel, the header and footer lines, and
 * the small widgets screens share (text drawing, glyphs, a line editor).
 *
 * A screen is one const struct screen (screens/<name>.c). The framework
 * allocates its state (state_size bytes, zeroed), calls enter; then draw,
 * key and tick while it is on top; leave when it is popped or replaced.
 * A failed enter leaves nothing pushed. Keys reach screens only through
 * the key op, already turned into actions by the key table (keys.h): the
 * screen's own actions first, then the global ones (help, back, shell,
 * quit, redraw, interrupt), which the frame handles itself unless the
 * screen took the key. */
#ifndef STEPUP_UI_H
#define STEPUP_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "keys.h"
#include "theme.h"

/* The smallest terminal the screens are drawn in. */
#define UI_MIN_COLS	60
#define UI_MIN_ROWS	16

struct screen {
	const char		*name;
	size_t			 state_size;
	/* The actions the screen takes, in the order the footer shows them
	 * (KEYS_NONE-terminated); the first bound to a key wins. */
	const enum key_action	*keys;
	/* Set up from arg; returns 0, or -1 with *cause (caller frees). */
	int	(*enter)(void *state, void *arg, char **cause);
	/* Draw the body: rows x cols of w, which is already erased. */
	void	(*draw)(void *state, WINDOW *w, int rows, int cols);
	/* A key; returns true when it was used (else the frame's global
	 * action for it applies). */
	bool	(*key)(void *state, const struct ui_key *);
	/* Something may have changed: a child exited, the ticker fired. */
	void	(*tick)(void *state);
	/* Whether an action of keys works right now (footer, help); NULL:
	 * all of them. */
	bool	(*can)(void *state, enum key_action);
	void	(*leave)(void *state);
	/* A state where a line of text is typed (a ui_line has the keys:
	 * letters, q and ? among them, are typed; Esc leaves the line, F1
	 * is help): the actions the screen takes then, in place of keys
	 * (NULL: it has no such state), and whether it is in it now (NULL:
	 * always). The footer and the help show these and
	 * keys_typed_global while it is. */
	const enum key_action	*typing_keys;
	bool	(*typing)(void *state);
};

/* What the header line says; filled by the front end's callback. */
struct ui_header {
	char	product[64];
	char	from[32];
	char	to[32];
	int	hop;			/* 1-based; 0: none */
	char	phase[16];		/* shown when hop is 0: "prepare" ... */
	int	n_hops;
	char	state[32];		/* "running", "paused", "failed" ... */
	char	note[160];		/* shown in the footer in place of the
					   keys: "read-only: held by ..." */
};

/* Start curses with the theme (setlocale first, wide characters). */
void	 ui_init(const struct theme *);
/* Restore the terminal. Safe to call twice and from fatal_hook. */
void	 ui_end(void);
/* Run the event loop until ui_quit() or the stack is empty; returns the
 * status given to ui_quit (EXIT_DONE when the stack emptied). */
int	 ui_loop(void);
/* Leave the loop with an exit status. */
void	 ui_quit(int status);

/* Push a screen; returns 0, or -1 with *cause and nothing pushed. */
int	 ui_push(const struct screen *, void *arg, char **cause);
/* Pop the top screen (calls its leave). */
void	 ui_pop(void);
/* Replace the top screen; on failure the old one stays. */
int	 ui_replace(const struct screen *, void *arg, char **cause);
/* The top screen, or NULL; and the state of the screen under the top. */
const struct screen *ui_top(void);
size_t	 ui_depth(void);
/* Whether the top screen is where a line of text is typed now (see
 * struct screen's typing). */
bool	 ui_typing(void);

/* Ask for a redraw at the next turn of the loop. */
void	 ui_dirty(void);
/* Draw now what the loop would draw before it waits: a first frame on the
 * screen before slow work that need not come first. */
void	 ui_flush(void);
/* Have tick called every ms milliseconds (0: never; only while an action
 * runs, so that an idle wizard never wakes up). */
void	 ui_ticker(unsigned ms);
/* A one-line message over the footer until the next key. */
void	 ui_message(enum theme_role, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Front-end hooks: fill the header; run a shell for '!' (returns its
 * status; NULL: no shell escape); Ctrl-C while an action runs (returns
 * true when it took it, else Ctrl-C quits). A child's exit ticks the
 * screen on top. */
extern void	(*ui_header_hook)(struct ui_header *);
extern int	(*ui_shell_hook)(void);
extern bool	(*ui_interrupt_hook)(void);
/* Leaving the wizard from its last screen (q, Esc) or with Ctrl-C: returns
 * true when it asked first (a run is under way) and leaves on yes itself;
 * false (or NULL) leaves at once. */
extern bool	(*ui_leave_hook)(void);
/* A descriptor the loop polls beside the terminal, or -1: the running
 * command's end (session_wait_fd), so that the wizard wakes up when it
 * ends rather than on a ticker. When it is readable, ui_wait_hook is
 * called (it must settle what ended), then the top screen's tick. */
extern int	(*ui_wait_fd_hook)(void);
extern void	(*ui_wait_hook)(void);
/* T (take over) pressed; NULL: nothing to take over. */
extern void	(*ui_takeover_hook)(void);
/* ui_watch_fd became readable (the journal or the run's files changed):
 * the hook reads it, then the top screen ticks and is drawn again. */
extern void	(*ui_watch_hook)(void);
extern int	  ui_watch_fd;

/* Leave curses, call fn, come back (for the shell escape). */
int	 ui_suspend(int (*fn)(void));

/* Draw len bytes of UTF-8 text at (y, x) in at most cols columns,
 * skipping the first skip columns; tabs expanded, control characters and
 * bytes that are not UTF-8 shown as escape.h says (^[, \u009b, \xff),
 * a character the locale cannot show as '?'. Returns the columns drawn. */
int	 ui_text(WINDOW *, int y, int x, int cols, const char *, size_t len,
	    int skip);
/* Text wrapped at spaces in width columns from row y, column x, each of
 * its own lines starting a row; stops before row `end`, and then its last
 * row ends with an ellipsis when text is left. Draws only when w is not
 * NULL (so it also measures). Returns the row after the last. */
int	 ui_wrap(WINDOW *, int y, int x, int width, int end, const char *);
/* As ui_text, but text that goes on past the cols columns ends with an
 * ellipsis in the last one: never cut silently. */
int	 ui_text_more(WINDOW *, int y, int x, int cols, const char *,
	    size_t len, int skip);
/* A NUL-terminated string in one row of at most cols columns; one that
 * does not fit ends with an ellipsis, never cut silently. */
int	 ui_str(WINDOW *, int y, int x, int cols, const char *);
/* Display width of a UTF-8 string. */
int	 ui_width(const char *);
/* A horizontal rule (UTF-8 line drawing, ACS where not available). */
void	 ui_hline(WINDOW *, int y, int x, int cols);
bool	 ui_utf8(void);

/* State glyphs, UTF-8 or ASCII. */
#define UI_GLYPHS(X)				\
	X(PENDING, "○", "-")			\
	X(READY,   "▸", ">")			\
	X(RUNNING, "◐", "*")			\
	X(PASSED,  "✓", "+")			\
	X(FAILED,  "✗", "x")			\
	X(WARN,    "!", "!")			\
	X(SKIPPED, "↷", "s")			\
	X(BY_HAND, "✋", "h")			\
	X(DOUBT,   "?", "?")			\
	X(LOCKED,  "·", ".")			\
	X(ARROW,   "→", "->")			\
	X(MORE,    "…", "~")	/* text cut here: one column */
enum ui_glyph {
#define X(e, u, a) UI_GLYPH_##e,
	UI_GLYPHS(X)
#undef X
};
const char	*ui_glyph(enum ui_glyph);

/* Scrolling and moving by keys, the same on every screen. How many lines
 * a key scrolls on a page of page rows: KEYS_DOWN and KEYS_UP one,
 * KEYS_PAGE_DOWN and KEYS_PAGE_UP a page, KEYS_HALF_DOWN and KEYS_HALF_UP
 * half of one (*n > 0 is down); false for any other key. */
bool		 ui_scroll_lines(enum key_action, int page, long *n);
/* A cursor on n rows moved by a key: ui_scroll_lines' keys, KEYS_TOP and
 * KEYS_BOTTOM to the first and the last row; false (*sel as it was) for
 * any other key. */
bool		 ui_list_move(enum key_action, size_t *sel, size_t n,
		    int page);

/* A one-line text editor for prompts, phrases and notes. */
struct ui_line {
	wchar_t	 buf[256];
	size_t	 len;
};
enum ui_line_result { UI_LINE_EDITED, UI_LINE_DONE, UI_LINE_CANCEL };
void		 ui_line_clear(struct ui_line *);
enum ui_line_result ui_line_key(struct ui_line *, const struct ui_key *);
/* A key on a screen where a line is typed: the line's text (caller frees)
 * once Enter gave it; else NULL, the line edited, or left (Esc, ^C, ^G)
 * with *left set. The screen is redrawn. */
char		*ui_line_given(struct ui_line *, const struct ui_key *,
		    bool *left);
/* The text as UTF-8; the caller frees. */
char		*ui_line_text(const struct ui_line *);
/* Draw prompt and text at (y, x), with the cursor after the text. */
void		 ui_line_draw(const struct ui_line *, WINDOW *, int y, int x,
		    int cols, const char *prompt);

#endif
