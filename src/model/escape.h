/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* escape.h: the one rule for bytes that come from outside stepup (the
 * runbook, a document, a command's output, the journal) on their way to
 * a terminal: control characters and bytes that are not UTF-8 are shown,
 * never sent. C0 controls and DEL as ^X (ESC is ^[, DEL ^?), C1 controls
 * U+0080..U+009F (which some terminals honour as ESC + a letter) as
 * \u009b, a byte that is not part of valid UTF-8 as \xff. Tab and newline
 * are kept where the output is line-based (ESCAPE_LINES). Plain mode,
 * show, history, the exports, the diagnostics and the wizard's drawing
 * all go through escape_char(). Plain C, no curses. */
#ifndef STEPUP_ESCAPE_H
#define STEPUP_ESCAPE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* Room for the longest visible form ("\u009b") and its NUL. */
#define ESCAPE_VIS	8

/* Flags. */
#define ESCAPE_LINES	0x1	/* keep tab and newline as they are */

/* Decode the UTF-8 character at s (n bytes left): its length, and *cp;
 * 0 when the bytes there are not valid UTF-8 (overlong, surrogate,
 * truncated, above U+10FFFF). */
size_t	 escape_decode(const char *s, size_t n, uint32_t *cp);
/* Whether a code point is a control character a terminal may act on:
 * C0 (tab and newline included), DEL, C1. */
bool	 escape_control(uint32_t cp);
/* Look at the character at s (n > 0 bytes left): returns how many bytes
 * it takes; vis is its visible form when it must not reach a terminal as
 * it is, else the empty string. */
size_t	 escape_char(const char *s, size_t n, int flags, char vis[ESCAPE_VIS]);
/* How many of the n bytes of s, from the start, are printable ASCII
 * (0x20 to 0x7e): bytes that reach a terminal as they are. */
size_t	 escape_plain(const char *s, size_t n);
/* Append n bytes of s to b, escaped. */
void	 escape_buf(struct buf *, const char *s, size_t n, int flags);
/* s escaped, as a new string the caller frees. */
char	*escape_text(const char *s, int flags);
/* fprintf with the whole result escaped, tab and newline kept: for every
 * line stepup prints that quotes the runbook, the journal, a document, a
 * command's output or a cause string. Returns what fprintf would. */
int	 escape_printf(FILE *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 escape_vprintf(FILE *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* s as a JSON string, quotes included ("null" for NULL): every control
 * character (C0, DEL, C1) as \u00XX, and each byte that is not part of
 * valid UTF-8 as \ufffd, so that nothing is passed through raw. The
 * caller frees it. */
char	*escape_json(const char *s);

#endif
