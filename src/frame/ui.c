/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* ui.c: curses set-up and restore, the screen stack, the one event loop
 * (poll on the terminal and a self-pipe for signals, no wake-ups when
 * nothing runs), the input funnel, header and footer, shared widgets. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wctype.h>

#include "escape.h"
#include "ui.h"
#include "util.h"

extern const struct screen screen_help;

#define STACK_MAX	16

struct frame {
	const struct screen	*s;
	void			*state;
};

static struct frame	 stack[STACK_MAX];
static size_t		 depth;
static bool		 active;	/* curses is up */
static bool		 utf8;
static bool		 dirty = true;
static bool		 quitting;
static bool		 unwinding;	/* ui_loop ending: every screen leaves */
static int		 quit_status;
static unsigned		 ticker_ms;
static int		 sigpipe[2] = { -1, -1 };
static WINDOW		*body;
static char		 message[256];
static char		 note[160];	/* the header's note, for the footer */
static enum theme_role	 message_role;
static int		 cursor_y = -1, cursor_x;
static unsigned long	 pushes, drawn_pushes; /* screens pushed, and
					   as of the last draw */

void	(*ui_header_hook)(struct ui_header *);
int	(*ui_shell_hook)(void);
bool	(*ui_interrupt_hook)(void);
bool	(*ui_leave_hook)(void);

/* How long an Esc waits for the rest of a key's sequence: an arrow split
 * across packets on a slow ssh link must not read as Esc (back, leave),
 * and Esc alone must still feel at once. $ESCDELAY, when set, wins. */
#define UI_ESCDELAY_MS	250

int	(*ui_wait_fd_hook)(void);
void	(*ui_wait_hook)(void);
void	(*ui_takeover_hook)(void);
void	(*ui_watch_hook)(void);
int	  ui_watch_fd = -1;

static const struct {
	const char	*utf8;
	const char	*ascii;
} glyphs[] = {
#define X(e, u, a) [UI_GLYPH_##e] = { u, a },
	UI_GLYPHS(X)
#undef X
};

static void
on_signal(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;

	if (sigpipe[1] != -1)
		(void)!write(sigpipe[1], &c, 1);
	errno = saved;
}

static bool
too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS;
}

static void
body_make(void)
{
	if (body != NULL)
		delwin(body);
	body = NULL;
	if (!too_small()) {
		/* It shares stdscr's cells; draw() tells stdscr what changed
		 * once a frame (syncok would do it for every character). */
		body = derwin(stdscr, LINES - 2, COLS, 1, 0);
		idlok(body, TRUE);
	}
}

/* Cursor keys in both modes: terminfo names the application mode's
 * (ESC O B), which keypad asks the terminal for, but some terminals and
 * ssh clients send the normal mode's (ESC [ B) all the same; read either
 * as the arrow, never as Esc followed by letters. */
static void
ui_cursor_keys(void)
{
	static const struct {
		const char	*seq;
		int		 key;
	} cursor_keys[] = {
		{ "\033[A", KEY_UP },    { "\033OA", KEY_UP },
		{ "\033[B", KEY_DOWN },  { "\033OB", KEY_DOWN },
		{ "\033[C", KEY_RIGHT }, { "\033OC", KEY_RIGHT },
		{ "\033[D", KEY_LEFT },  { "\033OD", KEY_LEFT },
		{ "\033[H", KEY_HOME },  { "\033OH", KEY_HOME },
		{ "\033[F", KEY_END },   { "\033OF", KEY_END },
	};
	size_t	i;

	for (i = 0; i < nitems(cursor_keys); i++) {
		if (key_defined(cursor_keys[i].seq) == 0)
			define_key(cursor_keys[i].seq, cursor_keys[i].key);
	}
}

void
ui_init(const struct theme *t)
{
	struct sigaction	 sa;
	const char		*cs;
	int			 i;
	static const int	 sigs[] = { SIGWINCH, SIGCHLD, SIGTERM, SIGINT,
				    SIGHUP };

	if (stdscr != NULL) {
		/* Again after ui_end (the start screen, then a run): curses
		 * comes back rather than starting twice. */
		refresh();
		active = true;
		curs_set(0);
		theme_apply(t);
		bkgdset((chtype)theme_attr(ROLE_NORMAL));
		body_make();
		dirty = true;
		return;
	}
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);

	if (pipe(sigpipe) == -1)
		fatal(EXIT_FAILED, "pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(sigpipe[i], F_SETFL, fcntl(sigpipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(sigpipe[i], F_SETFD, FD_CLOEXEC);
	}

	if (initscr() == NULL)
		fatal(EXIT_FAILED, "cannot start curses on this terminal");
	active = true;
	fatal_hook = ui_end;
	atexit(ui_end);
	raw();			/* ^C is a key: the action never gets it */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	ui_cursor_keys();
	nodelay(stdscr, TRUE);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(UI_ESCDELAY_MS);
	idlok(stdscr, TRUE);
	curs_set(0);
	/*
	 * Until it has been suspended once, ncurses 6.4 writes to the terminal
	 * after every cursor move (it takes itself for a low-level terminfo
	 * program): about 50 writes a frame, each its own packet over ssh.
	 * Suspended and resumed here, before anything is drawn, it writes a
	 * frame at once. (Before colours start: resuming with colours on
	 * would send the sequence that resets the terminal's palette.)
	 */
	def_prog_mode();
	endwin();
	refresh();
	theme_apply(t);
	bkgdset((chtype)theme_attr(ROLE_NORMAL));

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < (int)nitems(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	body_make();
}

void
ui_end(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
}

void
ui_quit(int status)
{
	quitting = true;
	quit_status = status;
}

void
ui_dirty(void)
{
	dirty = true;
}

void
ui_ticker(unsigned ms)
{
	ticker_ms = ms;
}

void
ui_message(enum theme_role role, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	message_role = role;
	dirty = true;
}

int
ui_push(const struct screen *s, void *arg, char **cause)
{
	void	*state;

	if (depth == STACK_MAX) {
		*cause = xstrdup("too many screens open");
		return -1;
	}
	state = xcalloc(1, s->state_size > 0 ? s->state_size : 1);
	if (s->enter != NULL && s->enter(state, arg, cause) != 0) {
		free(state);
		return -1;
	}
	stack[depth].s = s;
	stack[depth].state = state;
	depth++;
	pushes++;
	dirty = true;
	return 0;
}

void
ui_pop(void)
{
	struct frame	f;

	if (depth == 0)
		return;
	f = stack[--depth];
	if (f.s->leave != NULL)
		f.s->leave(f.state);
	free(f.state);
	ui_ticker(0);
	/* The screen now on top says again whether it needs ticks. */
	if (!unwinding && depth > 0 && stack[depth - 1].s->tick != NULL)
		stack[depth - 1].s->tick(stack[depth - 1].state);
	dirty = true;
}

int
ui_replace(const struct screen *s, void *arg, char **cause)
{
	struct frame	old;

	if (depth == 0)
		return ui_push(s, arg, cause);
	old = stack[--depth];
	if (ui_push(s, arg, cause) != 0) {
		stack[depth++] = old;
		return -1;
	}
	if (old.s->leave != NULL)
		old.s->leave(old.state);
	free(old.state);
	return 0;
}

const struct screen *
ui_top(void)
{
	return depth > 0 ? stack[depth - 1].s : NULL;
}

size_t
ui_depth(void)
{
	return depth;
}

bool
ui_utf8(void)
{
	return utf8;
}

const char *
ui_glyph(enum ui_glyph g)
{
	return utf8 ? glyphs[g].utf8 : glyphs[g].ascii;
}

/* The character at s (len > 0 bytes left) as the wizard draws it: its
 * bytes, and either its visible form in vis (a control character or a
 * byte that is not UTF-8, escape.h's rule) or *wc and its width. A
 * character the locale cannot show is '?'. A tab is left to the caller
 * (vis empty, *wc L'\t', width 0). */
static size_t
ui_char(const char *s, size_t len, char vis[ESCAPE_VIS], wchar_t *wc,
    int *wd)
{
	mbstate_t	mb;
	size_t		k, r;

	*wd = 0;
	if (*s == '\t') {
		vis[0] = '\0';
		*wc = L'\t';
		return 1;
	}
	k = escape_char(s, len, 0, vis);
	if (vis[0] != '\0') {
		*wc = L'\0';
		*wd = (int)strlen(vis);
		return k;
	}
	memset(&mb, 0, sizeof mb);
	r = mbrtowc(wc, s, k, &mb);
	if (r != k || (*wd = wcwidth(*wc)) < 0) {
		*wc = L'?';
		*wd = 1;
	}
	return k;
}

int
ui_text(WINDOW *w, int y, int x, int cols, const char *s, size_t len,
    int skip)
{
	wchar_t		 out[512];
	size_t		 n = 0, i = 0;
	int		 col = 0, wd, drawn = 0;
	wchar_t		 wc;
	char		 vis[ESCAPE_VIS];

	wmove(w, y, x);
	while (i < len && drawn < cols && n + ESCAPE_VIS < nitems(out)) {
		i += ui_char(s + i, len - i, vis, &wc, &wd);
		if (wc == L'\t') {
			wd = 8 - col % 8;
			for (; wd > 0; wd--, col++) {
				if (col >= skip && drawn < cols) {
					out[n++] = L' ';
					drawn++;
				}
			}
			continue;
		}
		if (vis[0] != '\0') {
			for (int k = 0; vis[k] != '\0'; k++, col++) {
				if (col >= skip && drawn < cols) {
					out[n++] = (wchar_t)vis[k];
					drawn++;
				}
			}
			continue;
		}
		if (col >= skip) {
			if (drawn + wd > cols)
				break;
			out[n++] = wc;
			drawn += wd;
		}
		col += wd;
	}
	out[n] = L'\0';
	waddnwstr(w, out, (int)n);
	return drawn;
}

/* How many of len bytes fit in width columns, drawn as ui_text draws them
 * (tabs to the next multiple of 8, control characters and invalid bytes
 * in their visible form), never ending inside a character; *space is
 * where the last space that fits begins, or 0. At least one character,
 * however wide. */
static size_t
wrap_fit(const char *s, size_t len, int width, size_t *space)
{
	char		vis[ESCAPE_VIS];
	wchar_t		wc;
	size_t		i = 0, k;
	int		col = 0, wd;

	*space = 0;
	while (i < len) {
		k = ui_char(s + i, len - i, vis, &wc, &wd);
		if (wc == L'\t')
			wd = 8 - col % 8;
		if (col + wd > width && i > 0)
			break;
		if (s[i] == ' ')
			*space = i;
		col += wd;
		i += k;
	}
	return i;
}

int
ui_wrap(WINDOW *w, int y, int x, int width, int end, const char *s)
{
	size_t	len, cut, space;

	if (width < 1)
		width = 1;
	while (s != NULL && *s != '\0' && y < end) {
		len = strcspn(s, "\n");
		cut = wrap_fit(s, len, width, &space);
		/* At the last space that fits; a word longer than a whole
		 * line is cut where the line ends. */
		if (cut < len && s[cut] != ' ' && space > 0)
			cut = space;
		if (y + 1 == end && s[cut + strspn(s + cut, " \n")] != '\0') {
			/* The last row, and text left: say so. */
			cut = wrap_fit(s, len, width - 1, &space);
			if (w != NULL) {
				ui_text(w, y, x + ui_text(w, y, x, width - 1,
				    s, cut, 0), 1, ui_glyph(UI_GLYPH_MORE),
				    strlen(ui_glyph(UI_GLYPH_MORE)), 0);
			}
			return end;
		}
		if (w != NULL)
			ui_text(w, y, x, width, s, cut, 0);
		y++;
		s += cut;
		while (*s == ' ')
			s++;
		if (*s == '\n')
			s++;
	}
	return y;
}

int
ui_text_more(WINDOW *w, int y, int x, int cols, const char *s, size_t len,
    int skip)
{
	const char	*more = ui_glyph(UI_GLYPH_MORE);
	size_t		 space;
	int		 n;

	if (cols < 2 || wrap_fit(s, len, skip + cols, &space) == len)
		return ui_text(w, y, x, cols, s, len, skip);
	n = ui_text(w, y, x, cols - 1, s, len, skip);
	return n + ui_text(w, y, x + n, 1, more, strlen(more), 0);
}

int
ui_str(WINDOW *w, int y, int x, int cols, const char *s)
{
	return ui_text_more(w, y, x, cols, s, strlen(s), 0);
}

int
ui_width(const char *s)
{
	char		vis[ESCAPE_VIS];
	wchar_t		wc;
	size_t		len = strlen(s), k;
	int		n = 0, wd;

	while (len > 0) {
		k = ui_char(s, len, vis, &wc, &wd);
		if (wc == L'\t')
			wd = 1;
		s += k;
		len -= k;
		n += wd;
	}
	return n;
}

void
ui_hline(WINDOW *w, int y, int x, int cols)
{
	/* ncursesw draws Unicode box lines in a UTF-8 locale and the
	 * terminal's ACS line otherwise. */
	mvwhline_set(w, y, x, WACS_HLINE, cols);
}

static void
draw_header(void)
{
	struct ui_header	 h;
	char			 left[256], right[128];
	int			 rw;

	memset(&h, 0, sizeof h);
	strcpy(h.product, "stepup");
	if (ui_header_hook != NULL)
		ui_header_hook(&h);
	snprintf(note, sizeof note, "%s", h.note);
	if (h.from[0] != '\0' && h.to[0] != '\0')
		snprintf(left, sizeof left, " stepup %s %s  %s %s %s",
		    utf8 ? "·" : "-", h.product, h.from,
		    ui_glyph(UI_GLYPH_ARROW), h.to);
	else
		snprintf(left, sizeof left, " stepup %s %s", utf8 ? "·" : "-",
		    h.product);
	if (h.n_hops > 0 && h.hop > 0)
		snprintf(right, sizeof right, "hop %d of %d  %s ", h.hop,
		    h.n_hops, h.state);
	else if (h.n_hops > 0)
		snprintf(right, sizeof right, "%s%s%d hop%s  %s ", h.phase,
		    h.phase[0] != '\0' ? ", " : "", h.n_hops,
		    h.n_hops == 1 ? "" : "s", h.state);
	else
		snprintf(right, sizeof right, "%s ", h.state);
	attrset(theme_attr(ROLE_HEADER));
	mvhline(0, 0, ' ', COLS);
	rw = ui_width(right);
	ui_str(stdscr, 0, 0, COLS - rw - 1, left);
	if (rw < COLS)
		ui_str(stdscr, 0, COLS - rw, rw, right);
	attrset(A_NORMAL);
}

static bool
can(const struct frame *f, enum key_action a)
{
	return f->s->can == NULL || f->s->can(f->state, a);
}

/* A line of text is typed on the screen now: its typing_keys apply. */
static bool
typing(const struct frame *f)
{
	return f->s->typing_keys != NULL &&
	    (f->s->typing == NULL || f->s->typing(f->state));
}

static const enum key_action *
frame_keys(const struct frame *f)
{
	return typing(f) ? f->s->typing_keys : f->s->keys;
}

bool
ui_typing(void)
{
	return depth > 0 && typing(&stack[depth - 1]);
}

/* One "key word" pair of the footer at x; returns the new x, or -1 when
 * it does not fit before limit. */
static int
footer_item(int x, int limit, enum key_action a, const char *key)
{
	int	need = ui_width(key) + 1 + ui_width(keys_word(a)) + 2;

	if (x + need > limit)
		return -1;
	attrset(theme_attr(ROLE_KEY));
	x += ui_str(stdscr, LINES - 1, x, limit - x, key);
	attrset(theme_attr(ROLE_FOOTER));
	mvaddch(LINES - 1, x++, ' ');
	x += ui_str(stdscr, LINES - 1, x, limit - x, keys_word(a));
	return x + 2;
}

static void
draw_footer(void)
{
	const struct frame	*f = &stack[depth - 1];
	const enum key_action	*k, *keys = frame_keys(f);
	enum key_action		 help_a = KEYS_HELP, back_a = KEYS_BACK;
	int			 x = 1, right, limit;
	char			 key[32], help[16], back[16];

	attrset(theme_attr(ROLE_FOOTER));
	mvhline(LINES - 1, 0, ' ', COLS);
	if (message[0] != '\0') {
		attrset(theme_attr(message_role));
		ui_str(stdscr, LINES - 1, 1, COLS - 1, message);
		attrset(A_NORMAL);
		return;
	}
	/* A note (read-only: who holds the run) in place of the keys. */
	if (note[0] != '\0') {
		attrset(theme_attr(ROLE_WARNING));
		ui_str(stdscr, LINES - 1, 1, COLS - 1, note);
		attrset(A_NORMAL);
		return;
	}
	/* Help and back on the right (their first key); ? is search
	 * backward in some screens, where F1 is help; where a line is
	 * typed, the keys that are no letters. */
	if (typing(f)) {
		help_a = KEYS_TYPED_HELP;
		back_a = KEYS_TYPED_BACK;
	}
	snprintf(help, sizeof help, "%.*s", (int)strcspn(keys_label(help_a),
	    " "), keys_label(help_a));
	if (help_a == KEYS_HELP && keys_action(keys, '?', false) != KEYS_NONE)
		snprintf(help, sizeof help, "F1");
	snprintf(back, sizeof back, "%.*s", (int)strcspn(keys_label(back_a),
	    " "), keys_label(back_a));
	right = COLS - (ui_width(help) + 1 + ui_width(keys_word(help_a)) +
	    2 + ui_width(back) + 1 + ui_width(keys_word(back_a)) + 2);
	limit = right - 1;
	footer_item(footer_item(right, COLS, help_a, help), COLS, back_a,
	    back);
	for (k = keys; k != NULL && *k != KEYS_NONE; k++) {
		const char	*l = keys_label(*k);
		int		 nx;

		if (!can(f, *k))
			continue;
		snprintf(key, sizeof key, "%.*s", (int)strcspn(l, " "), l);
		if ((nx = footer_item(x, limit, *k, key)) < 0)
			break;
		x = nx;
	}
	attrset(A_NORMAL);
}

static void
draw_small(void)
{
	char	msg[128];
	int	y = LINES / 2;

	erase();
	snprintf(msg, sizeof msg, "Make the terminal larger");
	mvaddnstr(y > 0 ? y - 1 : 0, 0, msg, COLS);
	snprintf(msg, sizeof msg, "(need %dx%d, have %dx%d)", UI_MIN_COLS,
	    UI_MIN_ROWS, COLS, LINES);
	mvaddnstr(y, 0, msg, COLS);
}

static void
draw(void)
{
	const struct frame	*f;

	dirty = false;
	cursor_y = -1;
	drawn_pushes = pushes;
	if (too_small() || body == NULL) {
		draw_small();
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	f = &stack[depth - 1];
	erase();
	draw_header();
	werase(body);
	if (f->s->draw != NULL)
		f->s->draw(f->state, body, LINES - 2, COLS);
	wsyncup(body);
	draw_footer();
	/* No cursor: leave it wherever the update ends, which saves a
	 * cursor move on every frame (one line of scrolling included). */
	leaveok(stdscr, cursor_y < 0);
	if (cursor_y >= 0) {
		move(cursor_y, cursor_x);
		curs_set(1);
	} else
		curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

static void
resize(void)
{
	struct winsize	ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	body_make();
	clearok(curscr, TRUE);
	dirty = true;
}

int
ui_suspend(int (*fn)(void))
{
	int	r;

	def_prog_mode();
	endwin();
	fflush(stdout);
	r = fn();
	reset_prog_mode();
	clearok(curscr, TRUE);
	resize();
	return r;
}

/* Ctrl-Z (a key in raw mode, not the terminal's signal): the terminal as
 * it was, the process group stopped as the shell's job; fg continues here
 * and redraws. The action, under its own supervisor, goes on meanwhile. */
static void
ui_stop(void)
{
	struct sigaction	sa, old;

	def_prog_mode();
	endwin();
	fflush(stdout);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, &old);
	kill(0, SIGTSTP);
	sigaction(SIGTSTP, &old, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	resize();
}

static void
global(const struct ui_key *k)
{
	const struct frame	*f = &stack[depth - 1];
	enum key_action		 a = keys_action(keys_global, k->ch, k->is_fn);
	char			*cause = NULL;

	/* Only where there is a run to take over (a read-only view). */
	if (a == KEYS_NONE && ui_takeover_hook != NULL &&
	    keys_bound(KEYS_TAKEOVER, k->ch, k->is_fn))
		a = KEYS_TAKEOVER;
	switch (a) {
	case KEYS_HELP:
		if (f->s == &screen_help)
			break;
		if (ui_push(&screen_help, (void *)f, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		break;
	case KEYS_BACK:
		if (depth == 1 && ui_leave_hook != NULL && ui_leave_hook())
			break;
		ui_pop();
		break;
	case KEYS_QUIT:
		ui_quit(EXIT_FAILED);
		break;
	case KEYS_SHELL:
		if (ui_shell_hook == NULL)
			ui_message(ROLE_WARNING, "No shell escape here.");
		else
			ui_suspend(ui_shell_hook);
		break;
	case KEYS_REDRAW:
		clearok(curscr, TRUE);
		break;
	case KEYS_TAKEOVER:
		if (ui_takeover_hook == NULL)
			ui_message(ROLE_WARNING, "Nothing to take over here.");
		else
			ui_takeover_hook();
		break;
	case KEYS_INTERRUPT:
		if ((ui_interrupt_hook == NULL || !ui_interrupt_hook()) &&
		    (ui_leave_hook == NULL || !ui_leave_hook()))
			ui_quit(EXIT_FAILED);
		break;
	case KEYS_SUSPEND:
		ui_stop();
		break;
	default:
		break;
	}
}

/* The input funnel: every key of the terminal passes here. */
static void
funnel(wint_t ch, bool is_fn)
{
	struct ui_key	 k = { KEYS_NONE, ch, is_fn };
	struct frame	*f;

	if (is_fn && ch == KEY_RESIZE) {
		resize();
		return;
	}
	message[0] = '\0';
	dirty = true;
	if (too_small()) {
		/* Only leaving works until the terminal is larger. */
		if (!is_fn && (ch == 'Q' || ch == KEYS_CTRL('C')))
			global(&k);
		return;
	}
	f = &stack[depth - 1];
	k.action = keys_action(frame_keys(f), ch, is_fn);
	if (k.action != KEYS_NONE && !can(f, k.action))
		k.action = KEYS_NONE;
	if (f->s->key != NULL && f->s->key(f->state, &k))
		return;
	global(&k);
}

static void
signals(void)
{
	unsigned char	c;

	while (read(sigpipe[0], &c, 1) == 1) {
		switch (c) {
		case SIGWINCH:
			resize();
			break;
		case SIGCHLD:
			if (depth > 0 && stack[depth - 1].s->tick != NULL)
				stack[depth - 1].s->tick(stack[depth - 1].state);
			dirty = true;
			break;
		case SIGINT:
			if (ui_interrupt_hook == NULL || !ui_interrupt_hook())
				ui_quit(EXIT_FAILED);
			dirty = true;
			break;
		default:	/* SIGTERM, SIGHUP: leave; an action goes on */
			ui_quit(EXIT_FAILED);
			break;
		}
	}
}

int
ui_loop(void)
{
	struct pollfd	 pfd[4];
	wint_t		 ch;
	int		 r, n, wfd, stale = -1;

	quitting = false;
	while (!quitting && depth > 0) {
		if (dirty)
			draw();
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = sigpipe[0];
		pfd[1].events = POLLIN;
		/* The running command's end; one the hook did not settle
		 * (it stays readable) is left to the ticker until it is
		 * gone. */
		wfd = ui_wait_fd_hook != NULL ? ui_wait_fd_hook() : -1;
		if (wfd < 0)
			stale = -1;
		pfd[2].fd = wfd >= 0 && wfd != stale ? wfd : -1;
		pfd[3].fd = ui_watch_hook != NULL ? ui_watch_fd : -1;
		pfd[3].events = POLLIN;
		pfd[3].revents = 0;
		pfd[2].events = POLLIN;
		pfd[2].revents = 0;
		n = poll(pfd, 4, ticker_ms > 0 ? (int)ticker_ms : -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal(EXIT_FAILED, "poll: %s", strerror(errno));
		}
		/* Before the signals: a tick there may start another
		 * command, which could be given the same descriptor. */
		if (pfd[2].revents != 0 && depth > 0) {
			if (ui_wait_hook != NULL)
				ui_wait_hook();
			if (ui_wait_fd_hook() == wfd)
				stale = wfd;
			if (depth > 0 && stack[depth - 1].s->tick != NULL)
				stack[depth - 1].s->tick(stack[depth - 1].state);
			dirty = true;
		}
		if (pfd[1].revents & POLLIN)
			signals();
		if ((pfd[3].revents & POLLIN) && ui_watch_hook != NULL) {
			ui_watch_hook();
			if (depth > 0 && stack[depth - 1].s->tick != NULL)
				stack[depth - 1].s->tick(stack[depth - 1].state);
			dirty = true;
		}
		if (n == 0 && depth > 0 && stack[depth - 1].s->tick != NULL)
			stack[depth - 1].s->tick(stack[depth - 1].state);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal is gone (ssh dropped): leave; a running
			 * action goes on by itself. */
			ui_quit(EXIT_FAILED);
			break;
		}
		if (pfd[0].revents & POLLIN) {
			while (!quitting && depth > 0 &&
			    (r = get_wch(&ch)) != ERR) {
				/* A screen a key just opened is drawn before
				 * the next key (typed with it) reaches it: it
				 * knows its size then (G, a page). */
				if (pushes != drawn_pushes)
					draw();
				funnel(ch, r == KEY_CODE_YES);
			}
		}
	}
	/* Every screen leaves, none ticked on the way: a tick may open a
	 * screen (the checklist opens the step the run is at), and the
	 * stack would never empty. */
	unwinding = true;
	while (depth > 0)
		ui_pop();
	unwinding = false;
	return quitting ? quit_status : EXIT_DONE;
}

void
ui_flush(void)
{
	if (dirty && depth > 0)
		draw();
}

bool
ui_scroll_lines(enum key_action a, int page, long *n)
{
	switch (a) {
	case KEYS_DOWN:
	case KEYS_UP:
		*n = 1;
		break;
	case KEYS_PAGE_DOWN:
	case KEYS_PAGE_UP:
		*n = page;
		break;
	case KEYS_HALF_DOWN:
	case KEYS_HALF_UP:
		*n = page / 2;
		break;
	default:
		return false;
	}
	if (a == KEYS_UP || a == KEYS_PAGE_UP || a == KEYS_HALF_UP)
		*n = -*n;
	return true;
}

bool
ui_list_move(enum key_action a, size_t *sel, size_t n, int page)
{
	long	by;

	if (a == KEYS_TOP || a == KEYS_BOTTOM) {
		*sel = a == KEYS_TOP || n == 0 ? 0 : n - 1;
		return true;
	}
	if (!ui_scroll_lines(a, page, &by))
		return false;
	if (by >= 0)
		*sel = *sel + (size_t)by < n ? *sel + (size_t)by :
		    (n > 0 ? n - 1 : 0);
	else
		*sel = *sel > (size_t)-by ? *sel - (size_t)-by : 0;
	return true;
}

void
ui_line_clear(struct ui_line *l)
{
	l->len = 0;
	l->buf[0] = L'\0';
}

char *
ui_line_given(struct ui_line *l, const struct ui_key *k, bool *left)
{
	*left = false;
	ui_dirty();
	switch (ui_line_key(l, k)) {
	case UI_LINE_EDITED:
		return NULL;
	case UI_LINE_CANCEL:
		*left = true;
		return NULL;
	case UI_LINE_DONE:
		break;
	}
	return ui_line_text(l);
}

enum ui_line_result
ui_line_key(struct ui_line *l, const struct ui_key *k)
{
	if (k->is_fn) {
		if (k->ch == KEY_BACKSPACE || k->ch == KEY_DC) {
			if (l->len > 0)
				l->buf[--l->len] = L'\0';
		} else if (k->ch == KEY_ENTER)
			return UI_LINE_DONE;
		return UI_LINE_EDITED;
	}
	switch (k->ch) {
	case L'\n':
	case L'\r':
		return UI_LINE_DONE;
	case 27:
	case KEYS_CTRL('C'):
	case KEYS_CTRL('G'):
		return UI_LINE_CANCEL;
	case 127:
	case KEYS_CTRL('H'):
		if (l->len > 0)
			l->buf[--l->len] = L'\0';
		return UI_LINE_EDITED;
	case KEYS_CTRL('U'):
		ui_line_clear(l);
		return UI_LINE_EDITED;
	case KEYS_CTRL('W'):
		while (l->len > 0 && l->buf[l->len - 1] == L' ')
			l->len--;
		while (l->len > 0 && l->buf[l->len - 1] != L' ')
			l->len--;
		l->buf[l->len] = L'\0';
		return UI_LINE_EDITED;
	}
	if (iswprint(k->ch) && l->len + 1 < nitems(l->buf)) {
		l->buf[l->len++] = (wchar_t)k->ch;
		l->buf[l->len] = L'\0';
	}
	return UI_LINE_EDITED;
}

char *
ui_line_text(const struct ui_line *l)
{
	char		*s = xmalloc(l->len * MB_CUR_MAX + 1);
	size_t		 n;

	n = wcstombs(s, l->buf, l->len * MB_CUR_MAX + 1);
	if (n == (size_t)-1)
		n = 0;
	s[n] = '\0';
	return s;
}

void
ui_line_draw(const struct ui_line *l, WINDOW *w, int y, int x, int cols,
    const char *prompt)
{
	char	*s = ui_line_text(l);
	int	 pw, tw, skip = 0, by, bx;

	pw = ui_str(w, y, x, cols, prompt);
	tw = ui_width(s);
	if (tw > cols - pw - 1)
		skip = tw - (cols - pw - 1);
	wattron(w, theme_attr(ROLE_INPUT));
	tw = ui_text(w, y, x + pw, cols - pw - 1, s, strlen(s), skip);
	wattroff(w, theme_attr(ROLE_INPUT));
	free(s);
	getbegyx(w, by, bx);
	cursor_y = by + y;
	cursor_x = bx + x + pw + tw;
}
