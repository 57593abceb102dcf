/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* keys.c: lookups in the one key table (keys.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "keys.h"

struct binding {
	const char	*label;
	const char	*word;
	const char	*help;
	const int	*keys;		/* 0-terminated */
};

static const struct binding bindings[KEYS__COUNT] = {
#define X(e, l, w, h, ...) [KEYS_##e] = { l, w, h, (const int[]){ __VA_ARGS__, 0 } },
	KEYS_TABLE(X)
#undef X
};

const enum key_action keys_global[] = {
	KEYS_HELP, KEYS_BACK, KEYS_QUIT, KEYS_SHELL, KEYS_REDRAW,
	KEYS_INTERRUPT, KEYS_SUSPEND, KEYS_NONE
};

const enum key_action keys_typed_global[] = {
	KEYS_TYPED_HELP, KEYS_TYPED_BACK, KEYS_NONE
};

bool
keys_bound(enum key_action a, wint_t ch, bool is_fn)
{
	const int	*k;

	if (a <= KEYS_NONE || a >= KEYS__COUNT)
		return false;
	for (k = bindings[a].keys; *k != 0; k++) {
		/* Function-key codes and characters share the table: curses
		 * codes are above every character a key sends here. */
		if (is_fn ? (*k >= KEY_MIN && (wint_t)*k == ch)
		    : (*k < KEY_MIN && (wint_t)*k == ch))
			return true;
	}
	return false;
}

enum key_action
keys_action(const enum key_action *list, wint_t ch, bool is_fn)
{
	for (; list != NULL && *list != KEYS_NONE; list++) {
		if (keys_bound(*list, ch, is_fn))
			return *list;
	}
	return KEYS_NONE;
}

const char *
keys_label(enum key_action a)
{
	return a > KEYS_NONE && a < KEYS__COUNT ? bindings[a].label : "";
}

const char *
keys_help(enum key_action a)
{
	return a > KEYS_NONE && a < KEYS__COUNT ? bindings[a].help : "";
}

const char *
keys_word(enum key_action a)
{
	return a > KEYS_NONE && a < KEYS__COUNT ? bindings[a].word : "";
}

const char *
keys_key(enum key_action a)
{
	static char	 first[KEYS__COUNT][16];
	const char	*l;

	if (a <= KEYS_NONE || a >= KEYS__COUNT)
		return "";
	if (first[a][0] == '\0') {
		l = bindings[a].label;
		snprintf(first[a], sizeof first[a], "%.*s",
		    (int)strcspn(l, " "), l);
	}
	return first[a];
}
