/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* escape.c: control characters and invalid UTF-8 made visible before they
 * reach a terminal (see escape.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

size_t
escape_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 need, i;
	uint32_t		 c, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

bool
escape_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

size_t
escape_char(const char *s, size_t n, int flags, char vis[ESCAPE_VIS])
{
	uint32_t	cp;
	size_t		k;

	vis[0] = '\0';
	if ((k = escape_decode(s, n, &cp)) == 0) {
		snprintf(vis, ESCAPE_VIS, "\\x%02x", (unsigned char)s[0]);
		return 1;
	}
	if (!escape_control(cp))
		return k;
	if ((flags & ESCAPE_LINES) && (cp == '\t' || cp == '\n'))
		return k;
	if (cp < 0x20) {
		vis[0] = '^';
		vis[1] = (char)('@' + cp);
		vis[2] = '\0';
	} else if (cp == 0x7f)
		strcpy(vis, "^?");
	else
		snprintf(vis, ESCAPE_VIS, "\\u%04x", (unsigned)cp);
	return k;
}

/* Whether any of the 8 bytes of w is below 0x20 or above 0x7e: bytes
 * that need a look of their own (exact for these bounds: a byte's test
 * borrows from the next only when it is itself such a byte). */
#define ONES		0x0101010101010101ULL
#define HIGHS		0x8080808080808080ULL
#define NOT_PLAIN(w)	((((w) - ONES * 0x20) & ~(w) & HIGHS) | \
			 ((((w) + ONES) | (w)) & HIGHS))

/* Found 8 bytes at a time: plain mode shows all of a command's output
 * through here. */
size_t
escape_plain(const char *s, size_t n)
{
	size_t		i = 0;
	uint64_t	w;

	while (i + 8 <= n) {
		memcpy(&w, s + i, 8);
		if (NOT_PLAIN(w))
			break;
		i += 8;
	}
	while (i < n && (unsigned char)s[i] >= 0x20 &&
	    (unsigned char)s[i] < 0x7f)
		i++;
	return i;
}

void
escape_buf(struct buf *b, const char *s, size_t n, int flags)
{
	char		vis[ESCAPE_VIS];
	size_t		i = 0, plain = 0, k;

	/* Runs of harmless bytes are copied at once. */
	while (i < n) {
		i += escape_plain(s + i, n - i);
		if (i == n)
			break;
		k = escape_char(s + i, n - i, flags, vis);
		if (vis[0] == '\0') {
			i += k;
			continue;
		}
		buf_add(b, s + plain, i - plain);
		buf_puts(b, vis);
		i += k;
		plain = i;
	}
	buf_add(b, s + plain, n - plain);
}

char *
escape_text(const char *s, int flags)
{
	struct buf	b;

	buf_init(&b);
	if (s != NULL)
		escape_buf(&b, s, strlen(s), flags);
	return buf_take(&b);
}

int
escape_vprintf(FILE *f, const char *fmt, va_list ap)
{
	struct buf	 b;
	char		*s;
	int		 n;

	s = xvasprintf(fmt, ap);
	buf_init(&b);
	escape_buf(&b, s, strlen(s), ESCAPE_LINES);
	free(s);
	n = b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len ? -1 :
	    (int)b.len;
	buf_free(&b);
	return n;
}

int
escape_printf(FILE *f, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = escape_vprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

char *
escape_json(const char *s)
{
	struct buf	 b;
	size_t		 n, len, k;
	uint32_t	 cp;

	if (s == NULL)
		return xstrdup("null");
	buf_init(&b);
	buf_putc(&b, '"');
	len = strlen(s);
	for (n = 0; n < len; n += k) {
		if ((k = escape_decode(s + n, len - n, &cp)) == 0) {
			buf_puts(&b, "\\ufffd");	/* never raw */
			k = 1;
		} else if (cp == '"' || cp == '\\')
			buf_printf(&b, "\\%c", (int)cp);
		else if (cp == '\n')
			buf_puts(&b, "\\n");
		else if (cp == '\t')
			buf_puts(&b, "\\t");
		else if (escape_control(cp))
			buf_printf(&b, "\\u%04x", (unsigned)cp);
		else
			buf_add(&b, s + n, k);
	}
	buf_putc(&b, '"');
	return buf_take(&b);
}
