/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* yamltree.c: libyaml events to a tree of positioned nodes, refusing what
 * a runbook never needs and a hostile file would abuse. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "escape.h"
#include "util.h"
#include "yamltree.h"

struct frame {
	struct yt_node	*node;
	struct yt_node	*key;		/* map: the key awaiting its value */
};

struct builder {
	const char	*file;
	const char	*buf;
	size_t		 len;
	struct rb_diags	*diags;
	struct frame	 stack[YT_MAX_DEPTH];
	int		 depth;
	size_t		 nodes;
	struct yt_node	*root;
	bool		 failed;
};

static struct rb_pos
mark_pos(yaml_mark_t m)
{
	struct rb_pos	p;

	p.line = (int)m.line + 1;
	p.col = (int)m.column + 1;
	return p;
}

/* Move *p, the position of byte i of buf, to byte off (at most len), a
 * line's first column being col1; returns where it stopped. */
static size_t
pos_advance(const char *buf, size_t len, size_t i, size_t off, int col1,
    struct rb_pos *p)
{
	for (; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			p->line++;
			p->col = col1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			p->col++;
	}
	return i;
}

/* Position (1-based line, column in characters) of a byte offset. */
static struct rb_pos
offset_pos(const char *buf, size_t len, size_t off)
{
	struct rb_pos	p = { 1, 1 };

	pos_advance(buf, len, 0, off, 1, &p);
	return p;
}

/* The whole file must be UTF-8 text without NUL or control characters:
 * one message, at the first offence. */
static bool
check_text(struct builder *b)
{
	const unsigned char	*s = (const unsigned char *)b->buf;
	const char		*nul;
	struct rb_pos		 p = { 1, 1 };
	size_t			 i = 0, k;
	uint32_t		 cp;

	/* A NUL anywhere says binary better than what comes before it. */
	if ((nul = memchr(b->buf, '\0', b->len)) != NULL) {
		rb_diag_add(b->diags, RB_ERROR, b->file, offset_pos(b->buf,
		    b->len, (size_t)(nul - b->buf)), "binary data (a NUL "
		    "byte): a runbook is a UTF-8 text file");
		return false;
	}
	while (i < b->len) {
		if ((k = escape_decode(b->buf + i, b->len - i, &cp)) == 0) {
			rb_diag_add(b->diags, RB_ERROR, b->file, p,
			    "invalid UTF-8 (byte 0x%02x): a runbook is a "
			    "UTF-8 text file", s[i]);
			return false;
		}
		/* CR ends a line and NEL is one: YAML reads both as
		 * line breaks, never into a string. */
		if ((escape_control(cp) && cp != '\t' && cp != '\n' &&
		    cp != '\r' && cp != 0x85) || cp == 0xfffe || cp == 0xffff) {
			rb_diag_add(b->diags, RB_ERROR, b->file, p,
			    "control character U+%04X is not allowed in a "
			    "runbook", (unsigned)cp);
			return false;
		}
		if (cp == '\n') {
			p.line++;
			p.col = 1;
		} else
			p.col++;
		i += k;
	}
	return true;
}

/* Byte offset of the start of 1-based line `line`, or len. */
static size_t
line_offset(const char *buf, size_t len, int line)
{
	size_t	i = 0;
	int	l = 1;

	while (l < line && i < len) {
		if (buf[i++] == '\n')
			l++;
	}
	return i;
}

static void
syntax_error(struct builder *b, yaml_parser_t *p)
{
	struct rb_pos	 pos;
	size_t		 off, i;
	const char	*what;

	if (p->error == YAML_MEMORY_ERROR) {
		rb_diag_add(b->diags, RB_ERROR, b->file, (struct rb_pos){0, 0},
		    "out of memory while parsing YAML");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		pos = offset_pos(b->buf, b->len, p->problem_offset);
		rb_diag_add(b->diags, RB_ERROR, b->file, pos,
		    "YAML error: %s", p->problem != NULL ? p->problem : "?");
		return;
	}
	pos = mark_pos(p->problem_mark);
	/* A tab in the indentation of the offending line is the likely
	 * cause: say so, at the tab. */
	off = line_offset(b->buf, b->len, pos.line);
	for (i = off; i < b->len && (b->buf[i] == ' ' || b->buf[i] == '\t');
	    i++) {
		if (b->buf[i] == '\t') {
			pos.col = (int)(i - off) + 1;
			rb_diag_add(b->diags, RB_ERROR, b->file, pos,
			    "tab character in indentation: YAML indents with "
			    "spaces only");
			return;
		}
	}
	what = p->problem != NULL ? p->problem : "syntax error";
	if (p->context != NULL)
		rb_diag_add(b->diags, RB_ERROR, b->file, pos,
		    "YAML syntax error: %s (%s at line %d, column %d)", what,
		    p->context, (int)p->context_mark.line + 1,
		    (int)p->context_mark.column + 1);
	else
		rb_diag_add(b->diags, RB_ERROR, b->file, pos,
		    "YAML syntax error: %s", what);
}

static void
node_append(struct yt_node *parent, struct yt_node *key, struct yt_node *val)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap == 0 ? 8 : parent->cap * 2;
		parent->vals = xreallocarray(parent->vals, parent->cap,
		    sizeof *parent->vals);
		if (parent->type == YT_MAP)
			parent->keys = xreallocarray(parent->keys, parent->cap,
			    sizeof *parent->keys);
	}
	if (parent->type == YT_MAP)
		parent->keys[parent->n] = key;
	parent->vals[parent->n++] = val;
}

/* Attach a finished (scalar) or just opened (container) node to the tree.
 * Returns false, with a message, when the tree must not grow further. */
static bool
attach(struct builder *b, struct yt_node *node)
{
	struct frame	*top;
	size_t		 i;

	if (b->depth == 0) {
		b->root = node;
		return true;
	}
	top = &b->stack[b->depth - 1];
	if (top->node->type == YT_SEQ) {
		node_append(top->node, NULL, node);
		return true;
	}
	if (top->key == NULL) {
		if (node->type != YT_SCALAR) {
			rb_diag_add(b->diags, RB_ERROR, b->file, node->pos,
			    "a mapping key must be a plain string, found %s",
			    node->type == YT_MAP ? "a mapping" : "a list");
			yt_free(node);
			return false;
		}
		if (node->len > YT_MAX_KEY_LEN) {
			rb_diag_add(b->diags, RB_ERROR, b->file, node->pos,
			    "a key of %zu characters: a key is a name of at "
			    "most %d", node->len, YT_MAX_KEY_LEN);
			yt_free(node);
			return false;
		}
		if (top->node->n >= YT_MAX_KEYS) {
			rb_diag_add(b->diags, RB_ERROR, b->file, node->pos,
			    "more than %d keys in one mapping", YT_MAX_KEYS);
			yt_free(node);
			return false;
		}
		for (i = 0; i < top->node->n; i++) {
			const struct yt_node *k = top->node->keys[i];

			if (!k->dup && k->len == node->len &&
			    memcmp(k->s, node->s, node->len) == 0) {
				rb_diag_add(b->diags, RB_ERROR, b->file,
				    node->pos, "duplicate key '%s' (first at "
				    "line %d, column %d)", node->s, k->pos.line,
				    k->pos.col);
				node->dup = true;
				break;
			}
		}
		top->key = node;
		return true;
	}
	node->key_pos = top->key->pos;
	node_append(top->node, top->key, node);
	top->key = NULL;
	return true;
}

static struct yt_node *
node_new(struct builder *b, enum yt_type type, yaml_mark_t start)
{
	struct yt_node	*n;

	if (++b->nodes > YT_MAX_NODES) {
		rb_diag_add(b->diags, RB_ERROR, b->file, mark_pos(start),
		    "more than %d YAML nodes: too large for a runbook",
		    YT_MAX_NODES);
		return NULL;
	}
	n = xcalloc(1, sizeof *n);
	n->type = type;
	n->pos = mark_pos(start);
	return n;
}

/* Where the text of a scalar starts, and whether its lines map 1:1. */
static void
scalar_text_pos(struct builder *b, struct yt_node *n, yaml_event_t *ev)
{
	size_t	off, i;

	n->text_pos = n->pos;
	switch (n->style) {
	case YT_QUOTED:
		n->text_pos.col++;
		/* FALLTHROUGH */
	case YT_PLAIN:
		n->lines_exact = ev->start_mark.line == ev->end_mark.line;
		break;
	case YT_LITERAL:
	case YT_FOLDED:
		/* The text starts on the line after the indicator, at the
		 * block's indentation (that of its first non-blank line). */
		n->text_pos.line = n->pos.line + 1;
		n->text_pos.col = 1;
		off = line_offset(b->buf, b->len, n->text_pos.line);
		for (;;) {
			for (i = off; i < b->len && b->buf[i] == ' '; i++)
				continue;
			if (i < b->len && b->buf[i] == '\n') {
				off = i + 1;
				continue;
			}
			n->text_pos.col = (int)(i - off) + 1;
			break;
		}
		n->lines_exact = n->style == YT_LITERAL;
		break;
	}
}

/* The bytes of the file hold no control character (check_text), but a
 * double-quoted string can write one as an escape ("\e", "\x1b",
 * "\u009b"): refused the same, since every string may be shown to the
 * operator. Tab and newline are text. Frees n when it says no. */
static bool
scalar_text_ok(struct builder *b, struct yt_node *n)
{
	size_t		i = 0, k;
	uint32_t	cp;

	while (i < n->len) {
		if ((k = escape_decode(n->s + i, n->len - i, &cp)) == 0)
			k = 1;		/* check_text saw to that */
		else if (escape_control(cp) && cp != '\t' && cp != '\n') {
			rb_diag_add(b->diags, RB_ERROR, b->file, n->pos,
			    "a string holds control character U+%04X (an "
			    "escape such as \"\\e\", \"\\x1b\" or "
			    "\"\\u009b\"): text shown on the operator's "
			    "terminal may not hold control characters",
			    (unsigned)cp);
			yt_free(n);
			return false;
		}
		i += k;
	}
	return true;
}

static bool
on_scalar(struct builder *b, yaml_event_t *ev)
{
	struct yt_node	*n;

	if ((n = node_new(b, YT_SCALAR, ev->start_mark)) == NULL)
		return false;
	n->len = ev->data.scalar.length;
	n->s = xstrndup((const char *)ev->data.scalar.value, n->len);
	if (memchr(ev->data.scalar.value, '\0', n->len) != NULL) {
		rb_diag_add(b->diags, RB_ERROR, b->file, n->pos,
		    "a string holds a NUL character (\\0)");
		yt_free(n);
		return false;
	}
	if (!scalar_text_ok(b, n))
		return false;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = YT_QUOTED;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		n->style = YT_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = YT_FOLDED;
		break;
	default:
		n->style = YT_PLAIN;
		break;
	}
	scalar_text_pos(b, n, ev);
	return attach(b, n);
}

static bool
on_open(struct builder *b, yaml_event_t *ev, enum yt_type type)
{
	struct yt_node	*n;

	if (b->depth == YT_MAX_DEPTH) {
		rb_diag_add(b->diags, RB_ERROR, b->file,
		    mark_pos(ev->start_mark), "mappings and lists nested "
		    "deeper than %d levels", YT_MAX_DEPTH);
		return false;
	}
	if ((n = node_new(b, type, ev->start_mark)) == NULL)
		return false;
	if (!attach(b, n))
		return false;
	b->stack[b->depth].node = n;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return true;
}

/* One event; false to stop. */
static bool
on_event(struct builder *b, yaml_event_t *ev, int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			rb_diag_add(b->diags, RB_ERROR, b->file,
			    mark_pos(ev->start_mark), "a second YAML document "
			    "('---'): a runbook is one document");
			return false;
		}
		return true;
	case YAML_ALIAS_EVENT:
		rb_diag_add(b->diags, RB_ERROR, b->file,
		    mark_pos(ev->start_mark), "YAML aliases (*%s) are not "
		    "allowed in a runbook: write the value out",
		    (const char *)ev->data.alias.anchor);
		return false;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, YT_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, YT_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return true;
	default:
		return true;
	}
}

static bool
blank(const char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (strchr(" \t\r\n", buf[i]) == NULL)
			return false;
	}
	return true;
}

struct yt_node *
yt_parse(const char *file, const char *buf, size_t len, struct rb_diags *diags)
{
	struct builder	 b;
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	int		 docs = 0;
	bool		 done = false, ok = true;

	memset(&b, 0, sizeof b);
	b.file = file;
	b.buf = buf;
	b.len = len;
	b.diags = diags;

	if (!check_text(&b))
		return NULL;
	if (!yaml_parser_initialize(&p))
		fatal(EXIT_FAILED, "out of memory");
	/* A byte order mark is not content (libyaml, told the encoding,
	 * would take it for some). */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
		b.buf = buf;
		b.len = len;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(&b, &p);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = on_event(&b, &ev, &docs);
		yaml_event_delete(&ev);
		if (!ok)
			break;
	}
	yaml_parser_delete(&p);
	if (!ok) {
		/* Keys still waiting for their value are not in the tree. */
		while (b.depth > 0)
			yt_free(b.stack[--b.depth].key);
		yt_free(b.root);
		return NULL;
	}
	if (b.root == NULL) {
		rb_diag_add(diags, RB_ERROR, file, (struct rb_pos){0, 0},
		    "%s: a runbook starts with 'stepup: 1'",
		    blank(buf, len) ? "empty file" : "nothing but comments");
		return NULL;
	}
	return b.root;
}

void
yt_free(struct yt_node *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys != NULL)
			yt_free(n->keys[i]);
		yt_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->s);
	free(n);
}

bool
yt_is_null(const struct yt_node *n)
{
	if (n == NULL)
		return true;
	if (n->type != YT_SCALAR || n->style != YT_PLAIN)
		return false;
	return n->len == 0 || strcmp(n->s, "~") == 0 ||
	    strcmp(n->s, "null") == 0 || strcmp(n->s, "Null") == 0 ||
	    strcmp(n->s, "NULL") == 0;
}

const char *
yt_describe(const struct yt_node *n, char *out, size_t size)
{
	if (n == NULL || yt_is_null(n))
		snprintf(out, size, "nothing");
	else if (n->type == YT_MAP)
		snprintf(out, size, "a mapping");
	else if (n->type == YT_SEQ)
		snprintf(out, size, "a list");
	else if (n->len > 40 || strchr(n->s, '\n') != NULL)
		snprintf(out, size, "a longer text");
	else
		snprintf(out, size, "'%s'", n->s);
	return out;
}

/* A cursor at the start of v's text. */
void
yt_cursor_init(struct yt_cursor *t, const struct yt_node *v)
{
	t->v = v;
	t->off = 0;
	t->pos = v->text_pos;
}

/* Where byte off of the cursor's text is (never behind the last one). */
struct rb_pos
yt_cursor_pos(struct yt_cursor *t, size_t off)
{
	const struct yt_node	*v = t->v;

	if (!v->lines_exact)
		return v->pos;
	t->off = pos_advance(v->s, v->len, t->off, off, v->text_pos.col,
	    &t->pos);
	return t->pos;
}
