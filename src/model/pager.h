/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* pager.h: a read-only view of a text file of any size, addressed by the
 * byte offsets where lines start. Nothing is loaded whole: lines are read
 * with pread through a small window, the way back is found by scanning
 * backward, and line numbers come from a sparse index built lazily as far
 * as it is asked for. Plain C, no curses: the reader and run screens draw
 * from it, the tests drive it directly.
 *
 * A line is the bytes up to and not including '\n'; a file "a\nb\n" has
 * the lines "a" (offset 0) and "b" (offset 2); a line exists at off iff
 * off < pager_size(). */
#ifndef STEPUP_PAGER_H
#define STEPUP_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Bytes of a line kept for display; longer lines are cut. */
#define PAGER_LINE_MAX	4096

struct pager;

/* Open a file. Returns NULL with *cause set (caller frees) when it cannot
 * be read or is not a regular file. The pager owns the descriptor. */
struct pager	*pager_open(const char *path, char **cause);
void		 pager_free(struct pager *);
/* The file's size as last seen. */
off_t		 pager_size(const struct pager *);
/* See whether the file grew (a log being written): returns true when it
 * did. Lines already shown stay where they were. */
bool		 pager_reload(struct pager *);
/* The line starting at off: its bytes (not NUL-terminated, valid until
 * the next call on this pager), their number (at most PAGER_LINE_MAX)
 * and the offset of the following line (pager_size() after the last). */
const char	*pager_line(struct pager *, off_t off, size_t *len, off_t *next);
/* The offset of the line before the one at off (0 stays 0). */
off_t		 pager_prev(struct pager *, off_t off);
/* The offset of the line after the one at off (size stays size). */
off_t		 pager_next(struct pager *, off_t off);
/* The offset where the last n lines start (0 if the file has fewer). */
off_t		 pager_last(struct pager *, size_t n);
/* The top line of a view of page lines moved n lines from top (n < 0:
 * up), kept between the first line and the top that shows the last line
 * on the last row: how every view scrolls. */
off_t		 pager_scroll(struct pager *, off_t top, long n, size_t page);
/* The start of the first line after the one at from (or before it, when
 * backward) containing needle; case-insensitive when needle has no
 * capital letter. Returns -1 when there is none. */
off_t		 pager_search(struct pager *, off_t from, const char *needle,
		    bool backward);
/* Where needle is in the line text (same case rule), or -1. */
ssize_t		 pager_match(const char *line, size_t len, const char *needle);
/* The 1-based number of the line at off, or 0 when finding it would mean
 * reading more than a few megabytes that nothing has read yet. */
size_t		 pager_lineno(struct pager *, off_t off);
/* The number of lines, once the index has reached the end; else 0. */
size_t		 pager_lines(const struct pager *);

#endif
