/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* util.c: allocation wrappers, string buffers, whole-file reads, hashing
 * helpers and edit distance. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "sha256.h"
#include "util.h"

void (*fatal_hook)(void);

void
fatal(int status, const char *fmt, ...)
{
	va_list	ap;

	if (fatal_hook != NULL)
		fatal_hook();
	fputs("stepup: ", stderr);
	va_start(ap, fmt);
	escape_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void *
xmalloc(size_t n)
{
	void	*p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		fatal(EXIT_FAILED, "out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		fatal(EXIT_FAILED, "out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if (n == 0)
		n = 1;
	if ((p = realloc(p, n)) == NULL)
		fatal(EXIT_FAILED, "out of memory (%zu bytes)", n);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal(EXIT_FAILED, "out of memory (%zu x %zu bytes)", nmemb, size);
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	*p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatal(EXIT_FAILED, "bad format string");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->size = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

char *
buf_room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->size) {
		size_t size = b->size ? b->size : 64;
		while (b->len + n + 1 > size)
			size *= 2;
		b->data = xrealloc(b->data, size);
		b->size = size;
		b->data[b->len] = '\0';
	}
	return b->data + b->len;
}

void
buf_grew(struct buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	memcpy(buf_room(b, n), p, n);
	buf_grew(b, n);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char	ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

char *
buf_take(struct buf *b)
{
	char	*p;

	p = b->data != NULL ? b->data : xstrdup("");
	buf_init(b);
	return p;
}

int
write_full(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

char *
path_absolute(const char *path)
{
	char	cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

char *
file_read(const char *path, size_t max, size_t *lenp, char **cause)
{
	struct stat	 st;
	struct buf	 b;
	char		 chunk[65536];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s: is a directory, not a file", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	buf_init(&b);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			*cause = xasprintf("%s: larger than %zu bytes", path, max);
			goto fail;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_take(&b);

fail:
	close(fd);
	buf_free(&b);
	return NULL;
}

static void
hex32(const unsigned char d[32], char out[65])
{
	static const char	 digits[] = "0123456789abcdef";
	int			 i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

void
sha256_hex(const void *p, size_t n, char out[65])
{
	struct sha256	s;
	unsigned char	d[32];

	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, d);
	hex32(d, out);
}

int
sha256_file(const char *path, char out[65])
{
	struct sha256	s;
	unsigned char	d[32], chunk[65536];
	ssize_t		n;
	int		fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	sha256_init(&s);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&s, chunk, (size_t)n);
	}
	close(fd);
	sha256_final(&s, d);
	hex32(d, out);
	return 0;
}

char *
utc_format(char *out, size_t size, long long t, const char *fmt)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (size == 0)
		return out;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, size, fmt, &tm) == 0)
		snprintf(out, size, "-");
	return out;
}

char *
mask_secrets(const char *text, const char *const *secrets, size_t n)
{
	struct mask_stream	 m;
	struct buf		 b;

	buf_init(&b);
	mask_stream_init(&m, secrets, n);
	mask_stream_feed(&m, text, strlen(text), true, &b);
	mask_stream_free(&m);
	return buf_take(&b);
}

void
mask_stream_init(struct mask_stream *m, const char *const *secrets, size_t n)
{
	size_t	i, firsts = 0;

	m->secrets = secrets;
	m->n = n;
	m->len = xcalloc(n + 1, sizeof *m->len);
	memset(m->first, 0, sizeof m->first);
	m->only = -1;
	for (i = 0; i < n; i++) {
		if ((m->len[i] = strlen(secrets[i])) == 0)
			continue;
		if (!m->first[(unsigned char)secrets[i][0]]) {
			m->first[(unsigned char)secrets[i][0]] = true;
			firsts++;
		}
		m->only = (unsigned char)secrets[i][0];
	}
	if (firsts != 1)
		m->only = -1;
	buf_init(&m->held);
}

void
mask_stream_free(struct mask_stream *m)
{
	free(m->len);
	m->len = NULL;
	buf_free(&m->held);
}

/* The next place at or after p where a secret could start, or end. */
static const char *
mask_next(const struct mask_stream *m, const char *p, const char *end)
{
	const char	*q;

	if (m->only >= 0)
		return (q = memchr(p, m->only, (size_t)(end - p))) != NULL ?
		    q : end;
	while (p < end && !m->first[(unsigned char)*p])
		p++;
	return p;
}

void
mask_stream_feed(struct mask_stream *m, const void *data, size_t len,
    bool final, struct buf *out)
{
	const char	*p, *end, *from;
	size_t		 i, sl, rem, best;
	bool		 maybe;

	buf_add(&m->held, data, len);
	if (m->held.len == 0)
		return;
	p = from = m->held.data;
	end = p + m->held.len;
	while ((p = mask_next(m, p, end)) < end) {
		rem = (size_t)(end - p);
		best = 0;
		maybe = false;
		for (i = 0; i < m->n; i++) {
			if ((sl = m->len[i]) == 0 || m->secrets[i][0] != *p)
				continue;
			if (sl <= rem) {
				if (sl > best && memcmp(p, m->secrets[i], sl) == 0)
					best = sl;
			} else if (memcmp(p, m->secrets[i], rem) == 0)
				maybe = true;
		}
		/* What is left could still become (a longer) secret. */
		if (maybe && !final)
			break;
		if (best > 0) {
			buf_add(out, from, (size_t)(p - from));
			buf_puts(out, "********");
			p += best;
			from = p;
		} else
			p++;
	}
	buf_add(out, from, (size_t)(p - from));
	/* Keep what was held back, at the start. */
	rem = (size_t)(end - p);
	memmove(m->held.data, p, rem);
	m->held.len = rem;
	m->held.data[rem] = '\0';
}

long long
monotonic_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t
edit_distance(const char *a, const char *b, size_t cap)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, best;
	size_t	*prev, *cur, *tmp;

	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	prev = xcalloc(lb + 1, sizeof *prev);
	cur = xcalloc(lb + 1, sizeof *cur);
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		best = cur[0];
		for (j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
			if (cur[j] < best)
				best = cur[j];
		}
		tmp = prev; prev = cur; cur = tmp;
		if (best > cap)
			break;
	}
	best = i > la ? prev[lb] : cap + 1;
	free(prev);
	free(cur);
	return best > cap ? cap + 1 : best;
}

/* The closest word in list to s, if it is close enough to be a typo. */
const char *
word_closest(const char *s, const char *const *list)
{
	const char	*best = NULL;
	size_t		 d, bestd = SIZE_MAX, cap;

	cap = strlen(s) <= 3 ? 1 : strlen(s) <= 6 ? 2 : 3;
	for (; *list != NULL; list++) {
		/* A shortened key: one-minor for one-minor-at-a-time. */
		if (strlen(s) >= 4 && strncmp(*list, s, strlen(s)) == 0 &&
		    bestd > 0) {
			best = *list;
			bestd = 0;
			continue;
		}
		d = edit_distance(s, *list, cap);
		if (d <= cap && d < bestd) {
			best = *list;
			bestd = d;
		}
	}
	return best;
}

