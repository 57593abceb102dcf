/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* yamltree.h: one YAML document as a tree of nodes with source positions,
 * built from libyaml's events under limits that hostile files cannot pass
 * (size, nesting, node count, aliases, several documents, NUL bytes,
 * invalid UTF-8).
 *
 * Ownership: yt_parse() returns a tree that owns every node and string in
 * it; yt_free() releases it. Only the runbook loader uses this. */
#ifndef STEPUP_YAMLTREE_H
#define STEPUP_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"

/* Limits on what a runbook file may hold. */
#define YT_MAX_DEPTH	64		/* nested mappings and lists */
#define YT_MAX_NODES	100000		/* scalars, mappings and lists */
#define YT_MAX_KEYS	2000		/* keys in one mapping */
#define YT_MAX_KEY_LEN	256		/* bytes in a key */

enum yt_type { YT_SCALAR, YT_MAP, YT_SEQ };

enum yt_style {
	YT_PLAIN,	/* foo */
	YT_QUOTED,	/* 'foo' or "foo" */
	YT_LITERAL,	/* | block: lines kept */
	YT_FOLDED,	/* > block: lines folded */
};

struct yt_node {
	enum yt_type	 type;
	struct rb_pos	 pos;		/* of the node's first character */
	struct rb_pos	 key_pos;	/* a mapping's value: of its key */

	/* YT_SCALAR: the source text, never converted to a number. */
	char		*s;
	size_t		 len;
	enum yt_style	 style;
	/* Where line 1 of s is in the file; for a literal block scalar, line
	 * k of s is on line text_pos.line + k - 1 (lines_exact). */
	struct rb_pos	 text_pos;
	bool		 lines_exact;

	/* YT_MAP: keys[i] -> vals[i]; YT_SEQ: vals[i]. */
	struct yt_node	**keys;
	struct yt_node	**vals;
	size_t		 n;
	size_t		 cap;
	bool		 dup;		/* a key that repeats an earlier one */
};

/* Parse buf (len bytes, the whole file) as one YAML document. Returns the
 * root node, or NULL with errors added to diags when the file is not a
 * usable document. A tree may be returned with errors (duplicate keys,
 * marked dup) so that the caller can report more problems. */
struct yt_node	*yt_parse(const char *file, const char *buf, size_t len,
		    struct rb_diags *);
void		 yt_free(struct yt_node *);

/* A null scalar: empty plain, ~, null, Null, NULL. */
bool		 yt_is_null(const struct yt_node *);
/* "a mapping", "a list", "nothing", "the string 'x'" ... into out. */
const char	*yt_describe(const struct yt_node *, char *out, size_t size);

/* Positions of byte offsets in a scalar's text, computed forward from the
 * last one asked (a text may hold thousands of $NAMEs). Exact when its
 * lines are; otherwise the scalar's own position. The cursor borrows v. */
struct yt_cursor {
	const struct yt_node	*v;
	size_t			 off;
	struct rb_pos		 pos;
};
void		 yt_cursor_init(struct yt_cursor *, const struct yt_node *v);
/* The position of byte off of the text; off never less than last time. */
struct rb_pos	 yt_cursor_pos(struct yt_cursor *, size_t off);

#endif
