/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* keys.h: every key binding of the wizard, in one table. The table gives
 * the actions' enum, the key handling (keys_action), the footer's labels
 * and the help screen; nothing else lists keys. */
#ifndef STEPUP_KEYS_H
#define STEPUP_KEYS_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

#define KEYS_CTRL(c)	((c) & 0x1f)

/* X(ACTION, label of the keys, footer word, help sentence, keys...).
 * Keys are curses codes (KEY_*) or characters; a key may be bound to
 * several actions (? is help and search backward): the screen on top
 * decides which of its actions it takes, then the global ones apply. */
#define KEYS_TABLE(X)							\
	X(HELP,      "? F1",       "help",    "Show this help: every key that works on the screen", '?', KEY_F(1), 'h') \
	X(BACK,      "q Esc",      "back",    "Leave this screen (back to the one before; the last one asks first in a run)", 'q', 27) \
	X(QUIT,      "Q",          "quit",    "Leave the wizard; a running action goes on and can be reattached", 'Q') \
	X(SHELL,     "!",          "shell",   "Open $SHELL in the state directory; exit it to come back", '!') \
	X(REDRAW,    "^L",         "redraw",  "Redraw the whole screen", KEYS_CTRL('L')) \
	X(SUSPEND,   "^Z",         "suspend", "Suspend to the shell; fg comes back (a running action goes on)", KEYS_CTRL('Z')) \
	X(TAKEOVER,  "T",          "take over", "Read-only: take the run over from its holder (type \"take over from NAME\"), or resume it once nobody holds it", 'T') \
	X(INTERRUPT, "^C",         "cancel",  "Ask to cancel the running action (outside one: leave, asking first in a run)", KEYS_CTRL('C')) \
	X(DOWN,      "j Down",     "down",    "Move down one line", 'j', KEY_DOWN, KEYS_CTRL('N'), 'e') \
	X(UP,        "k Up",       "up",      "Move up one line", 'k', KEY_UP, 'y', KEYS_CTRL('P')) \
	X(PAGE_DOWN, "Space PgDn", "page",    "Move down one page", ' ', KEY_NPAGE, 'f', KEYS_CTRL('F')) \
	X(PAGE_UP,   "b PgUp",     "page up", "Move up one page", 'b', KEY_PPAGE, KEYS_CTRL('B')) \
	X(HALF_DOWN, "d",          "half",    "Move down half a page", 'd', KEYS_CTRL('D')) \
	X(HALF_UP,   "u",          "half up", "Move up half a page", 'u', KEYS_CTRL('U')) \
	X(TOP,       "g Home",     "top",     "Go to the first line", 'g', KEY_HOME, '<') \
	X(BOTTOM,    "G End",      "end",     "Go to the last line", 'G', KEY_END, '>') \
	X(LEFT,      "Left",       "left",    "Scroll left", KEY_LEFT) \
	X(RIGHT,     "Right",      "right",   "Scroll right (long lines are cut, not wrapped)", KEY_RIGHT) \
	X(SEARCH,    "/",          "search",  "Search forward for a text", '/') \
	X(SEARCH_BACK, "?",        "search back", "Search backward for a text", '?') \
	X(NEXT,      "n",          "next",    "Repeat the search in the same direction", 'n') \
	X(PREV,      "N",          "previous", "Repeat the search in the other direction", 'N') \
	X(ACK,       "a",          "acknowledge", "Acknowledge that you have read this (only once its end was shown)", 'a') \
	X(OPEN,      "Enter",      "open",    "Open the selected item", '\n', '\r', KEY_ENTER) \
	X(START,     "x",          "run it",  "Run the step's command now (it changes the cluster)", 'x') \
	X(CANCEL,    "c",          "cancel",  "Cancel the running action (asks first)", 'c') \
	X(STOP_WAIT, "S",          "stop waiting", "Stop waiting on a step retried until it passes: the attempt under way is the last", 'S') \
	X(RETRY,     "r",          "retry",   "Run the failed action again (also a host's failed within max-fail: its later steps of the batch wait again)", 'r') \
	X(DONE_BY_HAND, "m",       "mark done", "Mark the step done by hand, with a reason", 'm') \
	X(ROLLBACK,  "R",          "roll back", "Roll back what was done: a rollback run, step by step like the upgrade", 'R') \
	X(SKIP,      "s",          "skip",    "Skip an optional step, or a host's failed step in a roll or on several hosts (the host leaves its batch), with a reason", 's') \
	X(PAUSE_ROLL, "P",         "pause",   "Pause the roll after the batch running now (it finishes; the next does not start)", 'P') \
	X(CONTINUE_ROLL, "C",      "continue", "Let a paused roll go on to its next batch", 'C') \
	X(TICK,      "t",          "tick",    "Tick the manual step as done (with an optional note)", 't') \
	X(NOTE,      "e",          "note",    "Write a note", 'e') \
	X(NEXT_STEP, "Tab",        "next step", "Go to the next step that needs you", '\t') \
	X(YES,       "y",          "yes",     "Answer yes", 'y') \
	X(NO,        "n",          "no",      "Answer no", 'n') \
	X(HISTORY,   "H",          "history", "Show past runs and their events", 'H') \
	X(PLAN,      "p",          "plan",    "Show the upgrade plan", 'p') \
	X(ABANDON,   "A",          "abandon", "Abandon the unfinished run (with a reason) and begin anew", 'A') \
	X(ACCEPT,    "a",          "accept",  "Accept the failed warning check and go on", 'a') \
	X(OUTPUT,    "o",          "output",  "Show the selected check's command and output", 'o') \
	X(TARGET,    "t",          "target",  "Type another target version (plan screen)", 't') \
	X(EXPORT,    "w",          "export",  "Write the checklist (plan) or the run report (summary) next to the journal, as text, Markdown or HTML, and show where", 'w') \
	X(AS_TEXT,   "t",          "text",    "Write it as plain text, 80 columns wide", 't') \
	X(AS_MARKDOWN, "m",        "Markdown", "Write it as Markdown, with GitHub task lists", 'm') \
	X(AS_HTML,   "h",          "HTML",    "Write it as HTML: one file, ready to print", 'h') \
	X(ANSWER,    "Enter",      "answer",  "Give the answer typed (a version, a value, a reason, a note)", '\n', '\r', KEY_ENTER) \
	X(PHRASE,    "Enter",      "confirm", "Give the phrase typed: it must match exactly, and what was typed is journaled", '\n', '\r', KEY_ENTER) \
	X(FIND,      "Enter",      "search",  "Search for the text typed: down from the top line (/), or up (?)", '\n', '\r', KEY_ENTER) \
	X(ERASE,     "Bksp ^U ^W", "erase",   "Erase the last character, the whole line (^U) or the last word (^W)", KEY_BACKSPACE, KEY_DC, 127, KEYS_CTRL('H'), KEYS_CTRL('U'), KEYS_CTRL('W')) \
	X(TYPED_HELP, "F1",        "help",    "Show this help (where a line is typed, ? is a letter)", KEY_F(1)) \
	X(TYPED_BACK, "Esc",       "back",    "Leave the line without giving it, back to the screen before (^C, ^G too)", 27, KEYS_CTRL('C'), KEYS_CTRL('G'))

enum key_action {
	KEYS_NONE = 0,
#define X(e, label, word, help, ...) KEYS_##e,
	KEYS_TABLE(X)
#undef X
	KEYS__COUNT
};

/* A key as read from the terminal: the action it maps to on the current
 * screen (KEYS_NONE if none), the character or curses key code, and
 * whether it is a function key (code) rather than a character. */
struct ui_key {
	enum key_action	 action;
	wint_t		 ch;
	bool		 is_fn;
};

/* The binding of a key to an action, from the table. */
bool		 keys_bound(enum key_action, wint_t ch, bool is_fn);
/* The first action of the list (terminated by KEYS_NONE) bound to the
 * key, or KEYS_NONE. */
enum key_action	 keys_action(const enum key_action *, wint_t ch, bool is_fn);
/* "j Down", "move down one line", "down": static strings. */
const char	*keys_label(enum key_action);
const char	*keys_help(enum key_action);
const char	*keys_word(enum key_action);
/* The first key of the label, as hints and footers name it in prose
 * ("c", "Enter", "?"): a static string. Prose names a key only so,
 * never as a letter written in a string. */
const char	*keys_key(enum key_action);

/* The actions every screen has, after its own (KEYS_NONE-terminated). */
extern const enum key_action keys_global[];
/* The ones that still work where a line of text is typed (the other
 * keys are letters there): help and leaving the line. */
extern const enum key_action keys_typed_global[];

#endif
