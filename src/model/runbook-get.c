/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook-get.c: the runbook loader's small typed getters, each reporting
 * a wrong value at the node that has it (see runbook-int.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runbook-int.h"
#include "util.h"

/* At most this many diagnostics are kept while loading. */
#define RB_KEEP_DIAGS	10000

/* Add a diagnostic, unless a hostile file has already given thousands: then
 * only count it (runbook_load cuts the list with rb_diags_trim). */
void
rbl_diag(struct ctx *c, enum rb_level level, struct rb_pos pos, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*s;

	if (c->added >= RB_KEEP_DIAGS) {
		c->dropped++;
		if (level == RB_ERROR)
			c->dropped_errors++;
		return;
	}
	c->added++;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rb_diag_add(c->d, level, c->file, pos, "%s", s);
	free(s);
}

/* A runbook's text quoted in a message, clipped to 60 bytes. */
const char *
rbl_clip(const char *s, struct clipbuf *b)
{
	size_t	n = strlen(s);

	if (n <= 60)
		return s;
	for (n = 57; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
		continue;
	memcpy(b->s, s, n);
	memcpy(b->s + n, "...", 4);
	return b->s;
}

/* Where to report what a mapping lacks: at its key when it has one. */
struct rb_pos
rbl_map_where(const struct yt_node *map)
{
	return map->key_pos.line > 0 ? map->key_pos : map->pos;
}

/* The value of key in map (NULL when absent), and its key node in *keyp. */
const struct yt_node *
rbl_map_get(const struct yt_node *map, const char *key,
    const struct yt_node **keyp)
{
	size_t	i;

	for (i = 0; i < map->n; i++) {
		if (!map->keys[i]->dup && strcmp(map->keys[i]->s, key) == 0) {
			if (keyp != NULL)
				*keyp = map->keys[i];
			return map->vals[i];
		}
	}
	return NULL;
}

/* Whether s is one of list (NULL-terminated). */
bool
rbl_in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

/* "a, b, c", or "a, b or c" with last " or "; the caller frees it. */
char *
rbl_join(const char *const *list, const char *last)
{
	struct buf	 b;
	size_t		 i, n;

	for (n = 0; list[n] != NULL; n++)
		continue;
	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, i == n - 1 && last != NULL ? last : ", ");
		buf_puts(&b, list[i]);
	}
	return buf_take(&b);
}

/* Report every key of map that is not in known, with its hint if any. */
void
rbl_check_keys(struct ctx *c, const struct yt_node *map, const char *where,
    const char *const *known, const struct rbl_key_hint *hints)
{
	const struct rbl_key_hint	*h;
	const char			*guess;
	char				*all;
	size_t				 i;

	for (i = 0; i < map->n; i++) {
		const struct yt_node *k = map->keys[i];

		if (k->dup || rbl_in_list(k->s, known))
			continue;
		for (h = hints; h != NULL && h->key != NULL; h++) {
			if (strcmp(k->s, h->key) == 0)
				break;
		}
		if (h != NULL && h->key != NULL)
			err(c, k->pos, "unknown key '%s' in %s%s", k->s, where,
			    h->more);
		else if ((guess = rbl_closest(k->s, known)) != NULL) {
			err(c, k->pos, "unknown key '%s' in %s; did you mean "
			    "'%s'?", k->s, where, guess);
		} else {
			all = rbl_join(known, NULL);
			err(c, k->pos, "unknown key '%s' in %s (known keys: "
			    "%s)", k->s, where, all);
			free(all);
		}
	}
}

/* A scalar's text, or an error saying what was found instead. */
bool
rbl_want_string(struct ctx *c, const char *key, const struct yt_node *v,
    bool nonempty)
{
	char	what[64];

	if (v->type != YT_SCALAR || yt_is_null(v)) {
		err(c, v->pos, "'%s' must be a string, found %s", key,
		    yt_describe(v, what, sizeof what));
		return false;
	}
	if (nonempty && strspn(v->s, " \t\n") == v->len) {
		err(c, v->pos, "'%s' must not be empty", key);
		return false;
	}
	return true;
}

/* A scalar's text copied for the caller, or NULL after an error. */
char *
rbl_get_string(struct ctx *c, const char *key, const struct yt_node *v,
    bool nonempty)
{
	return rbl_want_string(c, key, v, nonempty) ? xstrdup(v->s) : NULL;
}

/* true or false into *out, or an error and false. */
bool
rbl_get_bool(struct ctx *c, const char *key, const struct yt_node *v, bool *out)
{
	char	what[64];

	if (v->type == YT_SCALAR) {
		if (strcmp(v->s, "true") == 0 || strcmp(v->s, "True") == 0 ||
		    strcmp(v->s, "TRUE") == 0) {
			*out = true;
			return true;
		}
		if (strcmp(v->s, "false") == 0 || strcmp(v->s, "False") == 0 ||
		    strcmp(v->s, "FALSE") == 0) {
			*out = false;
			return true;
		}
	}
	err(c, v->pos, "'%s' must be true or false, found %s", key,
	    yt_describe(v, what, sizeof what));
	return false;
}

/* One of names (NULL-terminated); returns its index or -1. */
int
rbl_get_enum(struct ctx *c, const char *key, const struct yt_node *v,
    const char *const *names)
{
	char		 what[64], *all;
	const char	*guess;
	int		 i;

	if (v->type == YT_SCALAR && !yt_is_null(v)) {
		for (i = 0; names[i] != NULL; i++) {
			if (strcmp(v->s, names[i]) == 0)
				return i;
		}
	}
	all = rbl_join(names, " or ");
	if (v->type == YT_SCALAR && !yt_is_null(v) &&
	    (guess = rbl_closest(v->s, names)) != NULL)
		err(c, v->pos, "'%s' must be %s, found %s; did you mean "
		    "'%s'?", key, all, yt_describe(v, what, sizeof what),
		    guess);
	else
		err(c, v->pos, "'%s' must be %s, found %s", key, all,
		    yt_describe(v, what, sizeof what));
	free(all);
	return -1;
}

/* A scalar's text and position into dst. */
void
rbl_set_str(struct rb_str *dst, const struct yt_node *v)
{
	dst->s = xstrdup(v->s);
	dst->pos = v->pos;
}

/* Where a scalar's text starts, for commands checked later. */
struct rb_textpos
rbl_text_at(const struct yt_node *v)
{
	struct rb_textpos	t;

	t.pos = v->text_pos;
	t.exact = v->lines_exact;
	return t;
}

/* Whether ch may be in an environment variable's name (first: start it). */
bool
rbl_is_name_char(char ch, bool first)
{
	return ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' &&
	    ch <= 'z') || (!first && ch >= '0' && ch <= '9');
}
