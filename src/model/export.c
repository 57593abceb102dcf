/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* export.c: the export document (struct export_doc) and its three
 * renderers: plain text in 80 columns, GitHub Markdown, print-ready HTML. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "export.h"
#include "util.h"

#define TXT_WIDTH	80

/* Parse a format name; 0, or -1 when unknown. */
int
export_format_parse(const char *s, enum export_format *f)
{
	if (strcmp(s, "txt") == 0 || strcmp(s, "text") == 0)
		*f = EXPORT_TXT;
	else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
		*f = EXPORT_MD;
	else if (strcmp(s, "html") == 0)
		*f = EXPORT_HTML;
	else
		return -1;
	return 0;
}

/* The file name extension of a format. */
const char *
export_format_ext(enum export_format f)
{
	switch (f) {
	case EXPORT_MD:
		return "md";
	case EXPORT_HTML:
		return "html";
	default:
		return "txt";
	}
}

/* --- the document --------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A new, empty document. */
struct export_doc *
export_doc_new(const char *title)
{
	struct export_doc	*d = xcalloc(1, sizeof *d);

	d->title = xstrdup(title);
	return d;
}

static void
fields_free(struct export_field *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].label);
		free(v[i].value);
	}
	free(v);
}

/* Free a document and everything in it. */
void
export_doc_free(struct export_doc *d)
{
	size_t			 i, j;
	struct export_section	*s;
	struct export_item	*it;

	if (d == NULL)
		return;
	free(d->title);
	fields_free(d->head, d->n_head);
	for (i = 0; i < d->n_sections; i++) {
		s = &d->sections[i];
		for (j = 0; j < s->n_items; j++) {
			it = &s->items[j];
			free(it->title);
			free(it->tags);
			free(it->state);
			fields_free(it->fields, it->n_fields);
		}
		free(s->items);
		free(s->title);
		free(s->note);
	}
	free(d->sections);
	for (i = 0; i < d->n_signoff; i++)
		free(d->signoff[i]);
	free(d->signoff);
	free(d->footer);
	free(d);
}

static void
field_add(struct export_field **v, size_t *n, const char *label,
    enum export_field_kind kind, const char *value)
{
	struct export_field	*f;

	if (value == NULL || *value == '\0')
		return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	f = &(*v)[(*n)++];
	f->label = xstrdup(label);
	f->kind = kind;
	f->value = xstrdup(value);
}

/* Add a labelled value to the header. */
void
export_doc_head(struct export_doc *d, const char *label, const char *value)
{
	field_add(&d->head, &d->n_head, label, EXPORT_PROSE, value);
}

/* Add a section; it lives as long as the document. */
struct export_section *
export_doc_section(struct export_doc *d, const char *title, const char *note)
{
	struct export_section	*s;

	d->sections = xreallocarray(d->sections, d->n_sections + 1,
	    sizeof *d->sections);
	s = &d->sections[d->n_sections++];
	memset(s, 0, sizeof *s);
	s->title = xstrdup(title);
	s->note = dup_or_null(note);
	return s;
}

/* Add a sign-off block for a role. */
void
export_doc_signoff(struct export_doc *d, const char *role)
{
	d->signoff = xreallocarray(d->signoff, d->n_signoff + 1,
	    sizeof *d->signoff);
	d->signoff[d->n_signoff++] = xstrdup(role);
}

/* Set (or clear) the footer line. */
void
export_doc_footer(struct export_doc *d, const char *footer)
{
	free(d->footer);
	d->footer = dup_or_null(footer);
}

/* Add an item to a section. */
struct export_item *
export_section_item(struct export_section *s, const char *title,
    const char *tags, enum export_box box, const char *state)
{
	struct export_item	*it;

	s->items = xreallocarray(s->items, s->n_items + 1, sizeof *s->items);
	it = &s->items[s->n_items++];
	memset(it, 0, sizeof *it);
	it->title = xstrdup(title);
	it->tags = dup_or_null(tags);
	it->box = box;
	it->state = dup_or_null(state);
	return it;
}

/* Add a labelled field to an item (nothing when empty). */
void
export_item_field(struct export_item *it, const char *label,
    enum export_field_kind kind, const char *value)
{
	field_add(&it->fields, &it->n_fields, label, kind, value);
}

/* Quote for a POSIX shell, so that pasting gives the string back. */
char *
export_shell_quote(const char *s)
{
	struct buf	b;
	const char	*p;

	buf_init(&b);
	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
	    "nopqrstuvwxyz0123456789@%+=:,./_-") == strlen(s)) {
		buf_puts(&b, s);
		return buf_take(&b);
	}
	buf_putc(&b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			buf_puts(&b, "'\\''");
		else
			buf_putc(&b, *p);
	}
	buf_putc(&b, '\'');
	return buf_take(&b);
}

/* --- plain text --------------------------------------------------------- */

/* Display width of n bytes of UTF-8: one column per character, eight for a
 * tab (commands rarely hold tabs; this keeps them inside the margin). */
static size_t
width_n(const char *s, size_t n)
{
	size_t	i, w = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\t')
			w += 8;
		else if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	}
	return w;
}

static size_t
width(const char *s)
{
	return width_n(s, strlen(s));
}

static void
spaces(struct buf *b, size_t n)
{
	while (n-- > 0)
		buf_putc(b, ' ');
}

/* Byte length of the longest prefix of s[0..n) that fits in w columns,
 * ending on a character boundary (at least one character). */
static size_t
fit_n(const char *s, size_t n, size_t w)
{
	size_t	i, cols = 0, last = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		cols += s[i] == '\t' ? 8 : 1;
		if (cols > w)
			break;
		last = i;
	}
	/* Extend to the end of the last character that fitted. */
	i = last + 1;
	while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Word-wrap one line of prose. The first line starts at column `col` (the
 * caller has written that much); later lines are indented by `indent`. */
static void
txt_wrap_line(struct buf *b, size_t col, size_t indent, const char *s,
    size_t n)
{
	const char	*end = s + n, *w;
	size_t		 wl, ww;
	bool		 first = true;

	for (;;) {
		while (s < end && *s == ' ')
			s++;
		if (s >= end)
			break;
		for (w = s; w < end && *w != ' '; w++)
			;
		wl = w - s;
		ww = width_n(s, wl);
		if (!first && col + 1 + ww > TXT_WIDTH) {
			buf_putc(b, '\n');
			spaces(b, indent);
			col = indent;
			first = true;
		}
		if (!first) {
			buf_putc(b, ' ');
			col++;
		}
		/* A word longer than the line is cut where it must be. */
		while (col + ww > TXT_WIDTH && col < TXT_WIDTH) {
			size_t k = fit_n(s, wl, TXT_WIDTH - col);

			buf_add(b, s, k);
			buf_putc(b, '\n');
			spaces(b, indent);
			col = indent;
			s += k;
			wl -= k;
			ww = width_n(s, wl);
		}
		buf_add(b, s, wl);
		col += ww;
		s = w;
		first = false;
	}
	buf_putc(b, '\n');
}

/* Prose: every line of s word-wrapped, hanging at `indent`. */
static void
txt_wrap(struct buf *b, size_t col, size_t indent, const char *s)
{
	const char	*nl;

	for (;;) {
		nl = strchr(s, '\n');
		txt_wrap_line(b, col, indent, s, nl != NULL ? (size_t)(nl - s) :
		    strlen(s));
		if (nl == NULL || nl[1] == '\0')
			break;
		s = nl + 1;
		spaces(b, indent);
		col = indent;
	}
}

/* Quote state after n bytes of shell: 0, '\'' or '"'. */
static char
shell_quote_state(const char *s, size_t n)
{
	size_t	i;
	char	q = 0;

	for (i = 0; i < n; i++) {
		if (q != '\'' && s[i] == '\\')
			i++;
		else if (q == 0 && (s[i] == '\'' || s[i] == '"'))
			q = s[i];
		else if (q != 0 && s[i] == q)
			q = 0;
	}
	return q;
}

/* Where a comment starts in a line of shell ('#' outside quotes at the
 * start or after a blank), or n when there is none. */
static size_t
shell_comment(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t') && shell_quote_state(s, i) == 0)
			return i;
	}
	return n;
}

/* One line of shell, indented, broken to fit in a way the shell joins
 * back when the lines are pasted: at a blank outside quotes with " \" and
 * a deeper indent; else (a word longer than the line) with "\" and the
 * rest from column 0, closing and reopening a single-quoted string around
 * the break ('abc'\ + 'def'). A comment is broken into comment lines: a
 * backslash would not continue it. */
static void
txt_code_line(struct buf *b, size_t indent, const char *s0, size_t n0)
{
	char	*line = xstrndup(s0, n0), *rest;
	size_t	 n = n0, in = indent, room, brk, i, cols, com;
	char	 q;

	while (in + width(line) > TXT_WIDTH) {
		room = TXT_WIDTH > in + 8 ? TXT_WIDTH - in : 8;
		com = shell_comment(line, n);
		brk = 0;
		cols = 0;
		for (i = 0; i < n; i++) {
			if (((unsigned char)line[i] & 0xc0) != 0x80)
				cols += line[i] == '\t' ? 8 : 1;
			if (cols + 2 > room)
				break;
			/* In a comment, not right after its "#": the
			 * continuation adds "# ", so it must take more. */
			if (line[i] == ' ' && i > 0 && (i > com + 1 ||
			    (i < com && shell_quote_state(line, i) == 0 &&
			    line[i - 1] != '\\')))
				brk = i;
		}
		spaces(b, in);
		if (brk > com) {
			i = brk;
			while (i > 0 && line[i - 1] == ' ')
				i--;
			buf_add(b, line, i);
			buf_putc(b, '\n');
			while (brk < n && line[brk] == ' ')
				brk++;
			rest = xasprintf("# %s", line + brk);
			in = indent + (com == 0 ? 0 : 4);
		} else if (brk > 0) {
			i = brk;
			while (i > 0 && line[i - 1] == ' ')
				i--;
			buf_add(b, line, i);
			buf_puts(b, " \\\n");
			while (brk < n && line[brk] == ' ')
				brk++;
			rest = xstrdup(line + brk);
			in = indent + 4;
		} else {
			i = fit_n(line, n, room - 2);
			/* Never split a backslash from what it escapes. */
			if (i > 1 && line[i - 1] == '\\' &&
			    shell_quote_state(line, i - 1) != '\'')
				i--;
			/* Always get on: a continuation adds at most two
			 * bytes ("# " or "'"), so take at least three. */
			if (i < 3) {
				i = n < 3 ? n : 3;
				while (i < n &&
				    ((unsigned char)line[i] & 0xc0) == 0x80)
					i++;
			}
			q = shell_quote_state(line, i);
			buf_add(b, line, i);
			if (i > com) {
				buf_putc(b, '\n');
				rest = xasprintf("# %s", line + i);
			} else if (q == '\'') {
				buf_puts(b, "'\\\n");
				rest = xasprintf("'%s", line + i);
			} else {
				buf_puts(b, "\\\n");
				rest = xstrdup(line + i);
			}
			in = i > com ? indent : 0;
		}
		free(line);
		line = rest;
		n = strlen(line);
	}
	spaces(b, in);
	buf_puts(b, line);
	buf_putc(b, '\n');
	free(line);
}

static void
txt_code(struct buf *b, size_t indent, const char *s)
{
	const char	*nl;

	for (;;) {
		nl = strchr(s, '\n');
		txt_code_line(b, indent, s, nl != NULL ? (size_t)(nl - s) :
		    strlen(s));
		if (nl == NULL || nl[1] == '\0')
			break;
		s = nl + 1;
	}
}

static void
txt_underline(struct buf *b, const char *s, int c)
{
	size_t	w = width(s);

	if (w > TXT_WIDTH)
		w = TXT_WIDTH;
	while (w-- > 0)
		buf_putc(b, c);
	buf_putc(b, '\n');
}

/* Does indenting this shell change what it means? A here-document (its
 * body and terminator are taken as they are) or a quoted string across
 * lines (the indent would become part of it). */
static bool
shell_verbatim(const char *s)
{
	size_t	i, n = strlen(s);
	char	q = 0;

	for (i = 0; i < n; i++) {
		if (q != '\'' && s[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (q == 0 && s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t' || s[i - 1] == '\n')) {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (q == 0 && s[i] == '<' && i + 1 < n && s[i + 1] == '<')
			return true;
		if (q == 0 && (s[i] == '\'' || s[i] == '"'))
			q = s[i];
		else if (q != 0 && s[i] == q)
			q = 0;
		else if (q != 0 && s[i] == '\n')
			return true;
	}
	return false;
}

static void
txt_field(struct buf *b, size_t indent, const struct export_field *f)
{
	size_t	lw = width(f->label) + 2;

	spaces(b, indent);
	buf_printf(b, "%s:", f->label);
	switch (f->kind) {
	case EXPORT_PROSE:
		buf_putc(b, ' ');
		txt_wrap(b, indent + lw, indent + 2, f->value);
		break;
	case EXPORT_CODE:
		if (shell_verbatim(f->value)) {
			buf_puts(b, " (from the first column, as is)\n");
			txt_code(b, 0, f->value);
		} else {
			buf_putc(b, '\n');
			txt_code(b, indent + 2, f->value);
		}
		break;
	case EXPORT_PHRASE:
		if (strchr(f->value, '\n') == NULL &&
		    indent + lw + width(f->value) <= TXT_WIDTH) {
			buf_printf(b, " %s\n", f->value);
		} else {
			buf_putc(b, '\n');
			txt_code(b, indent + 2, f->value);
		}
		break;
	}
}

static const char *
txt_box(enum export_box box)
{
	switch (box) {
	case EXPORT_BOX_DONE:
		return "[x]";
	case EXPORT_BOX_FAILED:
		return "[!]";
	default:
		return "[ ]";
	}
}

static void
txt_render(struct buf *b, const struct export_doc *d)
{
	size_t				 i, j, k, lw = 0, n = 0, indent;
	const struct export_section	*s;
	const struct export_item	*it;
	char				*prefix;

	txt_wrap(b, 0, 0, d->title);
	txt_underline(b, d->title, '=');
	if (d->n_head > 0)
		buf_putc(b, '\n');
	for (i = 0; i < d->n_head; i++) {
		if (width(d->head[i].label) > lw)
			lw = width(d->head[i].label);
	}
	for (i = 0; i < d->n_head; i++) {
		buf_printf(b, "%s:", d->head[i].label);
		spaces(b, lw + 2 - width(d->head[i].label));
		txt_wrap(b, lw + 3, lw + 3, d->head[i].value);
	}
	for (i = 0; i < d->n_sections; i++) {
		s = &d->sections[i];
		buf_putc(b, '\n');
		txt_wrap(b, 0, 0, s->title);
		txt_underline(b, s->title, '-');
		if (s->note != NULL) {
			buf_putc(b, '\n');
			txt_wrap(b, 0, 0, s->note);
		}
		for (j = 0; j < s->n_items; j++) {
			it = &s->items[j];
			prefix = xasprintf("%s %zu. ", txt_box(it->box), ++n);
			indent = width(prefix);
			buf_putc(b, '\n');
			buf_puts(b, prefix);
			txt_wrap(b, indent, indent, it->title);
			free(prefix);
			if (it->tags != NULL || it->state != NULL) {
				spaces(b, indent);
				txt_wrap(b, indent, indent + 2,
				    it->tags != NULL ? it->tags : "");
			}
			if (it->state != NULL) {
				spaces(b, indent);
				buf_puts(b, "State: ");
				txt_wrap(b, indent + 7, indent + 2, it->state);
			}
			for (k = 0; k < it->n_fields; k++)
				txt_field(b, indent, &it->fields[k]);
		}
	}
	if (d->n_signoff > 0) {
		buf_puts(b, "\nSign-off\n--------\n");
		for (i = 0; i < d->n_signoff; i++) {
			buf_printf(b, "\n%s\n", d->signoff[i]);
			buf_puts(b, "  Name: ______________________________"
			    "  Signature: ____________________\n");
			buf_puts(b, "  Date: ________________"
			    "  Time: ________\n");
		}
	}
	if (d->footer != NULL) {
		buf_putc(b, '\n');
		txt_wrap(b, 0, 0, d->footer);
	}
}

/* --- Markdown ------------------------------------------------------------ */

/* Inline text, every character Markdown could read as markup escaped;
 * newlines become hard breaks continued at `indent`. bol: s starts a line,
 * where "-", "+", "=" and "1." would start a block. */
static void
md_text(struct buf *b, const char *s, size_t indent, bool bol)
{
	size_t	k;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			if (s[1] == '\0')
				break;
			buf_puts(b, "\\\n");
			spaces(b, indent);
			bol = true;
			continue;
		}
		if (bol) {
			/* Block markers at the start of a line. */
			if (strchr("-+=", *s) != NULL)
				buf_putc(b, '\\');
			for (k = 0; s[k] >= '0' && s[k] <= '9'; k++)
				;
			if (k > 0 && (s[k] == '.' || s[k] == ')')) {
				buf_add(b, s, k);
				buf_putc(b, '\\');
				s += k;
			}
			bol = false;
		}
		if (strchr("\\`*_[]<>#|~!&", *s) != NULL)
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}

/* Longest run of a character in s. */
static size_t
longest_run(const char *s, int c)
{
	size_t	run = 0, best = 0;

	for (; *s != '\0'; s++) {
		run = *s == c ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

static void
md_code_span(struct buf *b, const char *s)
{
	size_t	n = longest_run(s, '`') + 1, i;
	bool	pad = *s == '`' || (*s != '\0' && s[strlen(s) - 1] == '`') ||
		    n > 1;

	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	if (pad)
		buf_putc(b, ' ');
	buf_puts(b, s);
	if (pad)
		buf_putc(b, ' ');
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
}

static void
md_code_block(struct buf *b, size_t indent, const char *s)
{
	size_t	n = longest_run(s, '`') + 1, i;

	if (n < 3)
		n = 3;
	spaces(b, indent);
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	buf_puts(b, "sh\n");
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);

		if (len > 0)
			spaces(b, indent);
		buf_add(b, s, len);
		buf_putc(b, '\n');
		if (nl == NULL || nl[1] == '\0')
			break;
		s = nl + 1;
	}
	spaces(b, indent);
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	buf_putc(b, '\n');
}

static void
md_render(struct buf *b, const struct export_doc *d)
{
	size_t				 i, j, k, n = 0;
	const struct export_section	*s;
	const struct export_item	*it;
	const struct export_field	*f;

	buf_puts(b, "# ");
	md_text(b, d->title, 2, false);
	buf_puts(b, "\n\n");
	for (i = 0; i < d->n_head; i++) {
		buf_puts(b, "- **");
		md_text(b, d->head[i].label, 2, false);
		buf_puts(b, ":** ");
		md_text(b, d->head[i].value, 2, false);
		buf_putc(b, '\n');
	}
	for (i = 0; i < d->n_sections; i++) {
		s = &d->sections[i];
		buf_puts(b, "\n## ");
		md_text(b, s->title, 0, false);
		buf_puts(b, "\n");
		if (s->note != NULL) {
			buf_putc(b, '\n');
			md_text(b, s->note, 0, true);
			buf_putc(b, '\n');
		}
		for (j = 0; j < s->n_items; j++) {
			it = &s->items[j];
			buf_printf(b, "\n- [%c] **%zu. ",
			    it->box == EXPORT_BOX_DONE ? 'x' : ' ', ++n);
			md_text(b, it->title, 2, false);
			buf_puts(b, "**");
			if (it->tags != NULL || it->state != NULL)
				buf_puts(b, "\\\n  ");
			if (it->tags != NULL)
				md_text(b, it->tags, 2, false);
			if (it->tags != NULL && it->state != NULL)
				buf_puts(b, " · ");
			if (it->state != NULL) {
				buf_puts(b, "**");
				md_text(b, it->state, 2, false);
				buf_puts(b, "**");
			}
			buf_putc(b, '\n');
			for (k = 0; k < it->n_fields; k++) {
				f = &it->fields[k];
				buf_puts(b, "\n  ");
				md_text(b, f->label, 2, false);
				buf_puts(b, ":");
				switch (f->kind) {
				case EXPORT_PROSE:
					buf_putc(b, ' ');
					md_text(b, f->value, 2, false);
					buf_putc(b, '\n');
					break;
				case EXPORT_PHRASE:
					if (strchr(f->value, '\n') == NULL) {
						buf_putc(b, ' ');
						md_code_span(b, f->value);
						buf_putc(b, '\n');
						break;
					}
					/* FALLTHROUGH */
				case EXPORT_CODE:
					buf_puts(b, "\n\n");
					md_code_block(b, 2, f->value);
					break;
				}
			}
		}
	}
	if (d->n_signoff > 0) {
		buf_puts(b, "\n## Sign-off\n\n"
		    "| Role | Name | Signature | Date | Time |\n"
		    "| --- | --- | --- | --- | --- |\n");
		for (i = 0; i < d->n_signoff; i++) {
			buf_puts(b, "| ");
			md_text(b, d->signoff[i], 0, false);
			buf_puts(b, " | | | | |\n");
		}
	}
	if (d->footer != NULL) {
		buf_putc(b, '\n');
		md_text(b, d->footer, 0, true);
		buf_putc(b, '\n');
	}
}

/* --- HTML --------------------------------------------------------------- */

static void
html_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

/* Prose: escaped, newlines as <br>. */
static void
html_prose(struct buf *b, const char *s)
{
	const char	*nl;
	char		*line;

	for (;;) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			html_text(b, s);
			break;
		}
		line = xstrndup(s, nl - s);
		html_text(b, line);
		free(line);
		if (nl[1] == '\0')
			break;
		buf_puts(b, "<br>");
		s = nl + 1;
	}
}

static const char html_css[] =
"@page { margin: 16mm 15mm; }\n"
"html { font: 10pt/1.4 \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif;"
" color: #000; background: #fff; }\n"
"body { max-width: 46em; margin: 1em auto; padding: 0 1em; }\n"
"h1 { font-size: 15pt; margin: 0 0 .5em; }\n"
"h2 { font-size: 12pt; margin: 1.2em 0 .3em; border-bottom: 1.5pt solid #000;"
" break-after: avoid; page-break-after: avoid; }\n"
"h3 { font-size: 10.5pt; margin: 0; }\n"
"dl.head { display: grid; grid-template-columns: max-content 1fr;"
" gap: .1em 1em; margin: 0 0 1em; }\n"
"dl.head dt { font-weight: bold; }\n"
"dl.head dd { margin: 0; overflow-wrap: anywhere; }\n"
".step { break-inside: avoid; page-break-inside: avoid;"
" border-top: .5pt solid #000; padding: .4em 0 .5em; }\n"
".tags { margin: .1em 0 0 1.6em; font-style: italic; }\n"
".state { font-weight: bold; font-style: normal; }\n"
".field { margin: .25em 0 0 1.6em; overflow-wrap: anywhere; }\n"
".label { font-weight: bold; }\n"
".box { display: inline-block; width: 1em; height: 1em; line-height: 1em;"
" border: 1pt solid #000; text-align: center; margin-right: .4em;"
" vertical-align: -.15em; font-weight: bold; }\n"
"pre, code { font-family: \"DejaVu Sans Mono\", \"Liberation Mono\","
" monospace; font-size: 8.5pt; }\n"
"pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .15em 0 0;"
" padding: .25em .5em; border-left: 2pt solid #000; }\n"
"code.phrase { border: .5pt solid #000; padding: 0 .2em;"
" white-space: pre-wrap; }\n"
"table.signoff { width: 100%; border-collapse: collapse;"
" break-inside: avoid; page-break-inside: avoid; }\n"
"table.signoff th { text-align: left; padding: .2em .4em .2em 0; }\n"
"table.signoff td { border-bottom: .75pt solid #000; height: 2.2em;"
" width: 22%; }\n"
"p.footer { margin-top: 1.5em; font-size: 8.5pt; }\n"
"@media print { body { max-width: none; margin: 0; padding: 0; } }\n";

static const char *
html_box(enum export_box box)
{
	switch (box) {
	case EXPORT_BOX_DONE:
		return "\xe2\x9c\x93";		/* U+2713 check mark */
	case EXPORT_BOX_FAILED:
		return "!";
	default:
		return "";
	}
}

static void
html_render(struct buf *b, const struct export_doc *d)
{
	size_t				 i, j, k, n = 0;
	const struct export_section	*s;
	const struct export_item	*it;
	const struct export_field	*f;

	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	html_text(b, d->title);
	buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
	    html_css);
	html_text(b, d->title);
	buf_puts(b, "</h1>\n");
	if (d->n_head > 0) {
		buf_puts(b, "<dl class=\"head\">\n");
		for (i = 0; i < d->n_head; i++) {
			buf_puts(b, "<dt>");
			html_text(b, d->head[i].label);
			buf_puts(b, "</dt><dd>");
			html_prose(b, d->head[i].value);
			buf_puts(b, "</dd>\n");
		}
		buf_puts(b, "</dl>\n");
	}
	for (i = 0; i < d->n_sections; i++) {
		s = &d->sections[i];
		buf_puts(b, "<section>\n<h2>");
		html_text(b, s->title);
		buf_puts(b, "</h2>\n");
		if (s->note != NULL) {
			buf_puts(b, "<p>");
			html_prose(b, s->note);
			buf_puts(b, "</p>\n");
		}
		for (j = 0; j < s->n_items; j++) {
			it = &s->items[j];
			buf_printf(b, "<div class=\"step\">\n<h3>"
			    "<span class=\"box\">%s</span>%zu. ",
			    html_box(it->box), ++n);
			html_text(b, it->title);
			buf_puts(b, "</h3>\n");
			if (it->tags != NULL || it->state != NULL) {
				buf_puts(b, "<p class=\"tags\">");
				if (it->tags != NULL)
					html_text(b, it->tags);
				if (it->tags != NULL && it->state != NULL)
					buf_puts(b, " · ");
				if (it->state != NULL) {
					buf_puts(b, "<span class=\"state\">");
					html_text(b, it->state);
					buf_puts(b, "</span>");
				}
				buf_puts(b, "</p>\n");
			}
			for (k = 0; k < it->n_fields; k++) {
				f = &it->fields[k];
				buf_puts(b, "<div class=\"field\"><span "
				    "class=\"label\">");
				html_text(b, f->label);
				buf_puts(b, ":</span> ");
				switch (f->kind) {
				case EXPORT_PROSE:
					html_prose(b, f->value);
					break;
				case EXPORT_PHRASE:
					buf_puts(b, "<code class=\"phrase\">");
					html_text(b, f->value);
					buf_puts(b, "</code>");
					break;
				case EXPORT_CODE:
					buf_puts(b, "<pre>");
					html_text(b, f->value);
					if (b->len > 0 &&
					    b->data[b->len - 1] == '\n')
						b->data[--b->len] = '\0';
					buf_puts(b, "</pre>");
					break;
				}
				buf_puts(b, "</div>\n");
			}
			buf_puts(b, "</div>\n");
		}
		buf_puts(b, "</section>\n");
	}
	if (d->n_signoff > 0) {
		buf_puts(b, "<section>\n<h2>Sign-off</h2>\n"
		    "<table class=\"signoff\">\n<tr><th>Role</th><th>Name</th>"
		    "<th>Signature</th><th>Date</th><th>Time</th></tr>\n");
		for (i = 0; i < d->n_signoff; i++) {
			buf_puts(b, "<tr><th>");
			html_text(b, d->signoff[i]);
			buf_puts(b, "</th><td></td><td></td><td></td><td></td>"
			    "</tr>\n");
		}
		buf_puts(b, "</table>\n</section>\n");
	}
	if (d->footer != NULL) {
		buf_puts(b, "<p class=\"footer\">");
		html_prose(b, d->footer);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "</body>\n</html>\n");
}

/* Render a document in one format. */
char *
export_render(const struct export_doc *d, enum export_format f)
{
	struct buf	 b;
	char		*out;

	buf_init(&b);
	switch (f) {
	case EXPORT_TXT:
		txt_render(&b, d);
		break;
	case EXPORT_MD:
		md_render(&b, d);
		break;
	case EXPORT_HTML:
		html_render(&b, d);
		break;
	}
	/* Whatever the runbook, the journal or a command's output put in
	 * it, no control character reaches the terminal or browser that
	 * shows it (a printed HTML page shows the same visible form). */
	out = escape_text(b.data != NULL ? b.data : "", ESCAPE_LINES);
	buf_free(&b);
	return out;
}

/* Write text to a file, replaced atomically. */
int
export_write_file(const char *path, const char *text, char **cause)
{
	char	*tmp;
	int	 fd, saved;
	size_t	 len = strlen(text);

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
	    -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_full(fd, text, len) == -1)
		goto fail;
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	*cause = xasprintf("%s: %s", path, strerror(saved));
	return -1;
}

/* The date of a header: $SOURCE_DATE_EPOCH when set, else now. */
char *
export_date(void)
{
	const char	*sde = getenv("SOURCE_DATE_EPOCH");
	time_t		 t = time(NULL);
	struct tm	 tm;
	char		 s[64], *end;
	long long	 v;

	if (sde != NULL && *sde != '\0') {
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			t = (time_t)v;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm);
	return xstrdup(s);
}

/* Save an export under STATE_DIR/exports for a front end. */
int
export_save(const char *state_dir, const char *name, enum export_format f,
    const char *text, char **path, char **cause)
{
	char	*dir, *clean, *p;

	*path = NULL;
	dir = xasprintf("%s/exports", state_dir);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		free(dir);
		return -1;
	}
	clean = xstrdup(*name != '\0' ? name : "export");
	for (p = clean; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '_';
	}
	if (clean[0] == '.')
		clean[0] = '_';
	*path = xasprintf("%s/%s.%s", dir, clean, export_format_ext(f));
	free(clean);
	free(dir);
	if (export_write_file(*path, text, cause) != 0) {
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}
