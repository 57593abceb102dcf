/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* pager.c: a file viewed through a window of pread bytes and a lazy,
 * sparse line index (see pager.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pager.h"
#include "util.h"

#define WINDOW_SIZE	(64 * 1024)
#define WINDOW_ALIGN	4096
#define INDEX_EVERY	256		/* lines between checkpoints */
#define INDEX_LAZY_MAX	(8 * 1024 * 1024) /* bytes read to number a line */

struct pager {
	int	 fd;
	off_t	 size;
	char	*win;			/* WINDOW_SIZE bytes */
	off_t	 win_off;
	size_t	 win_len;
	char	 line[PAGER_LINE_MAX];
	off_t	*index;			/* index[i]: line i*INDEX_EVERY+1 */
	size_t	 n_index;
	size_t	 size_index;
	off_t	 scan_off;		/* newlines before it are counted */
	size_t	 scan_lines;		/* lines started before scan_off */
};

struct pager *
pager_open(const char *path, char **cause)
{
	struct pager	*p;
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = S_ISDIR(st.st_mode) ?
		    xasprintf("%s: is a directory, not a file", path) :
		    xasprintf("%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->size = st.st_size;
	p->win = xmalloc(WINDOW_SIZE);
	p->size_index = 64;
	p->index = xreallocarray(NULL, p->size_index, sizeof *p->index);
	p->index[0] = 0;
	p->n_index = 1;
	return p;
}

void
pager_free(struct pager *p)
{
	if (p == NULL)
		return;
	close(p->fd);
	free(p->win);
	free(p->index);
	free(p);
}

off_t
pager_size(const struct pager *p)
{
	return p->size;
}

bool
pager_reload(struct pager *p)
{
	struct stat	st;

	if (fstat(p->fd, &st) == -1 || st.st_size == p->size)
		return false;
	if (st.st_size < p->size) {
		/* Truncated: forget everything past the new end. */
		while (p->n_index > 1 && p->index[p->n_index - 1] > st.st_size)
			p->n_index--;
		p->scan_off = 0;
		p->scan_lines = 0;
		p->n_index = 1;
	}
	p->size = st.st_size;
	p->win_len = 0;
	return true;
}

/* Fill the window from start. */
static void
window_load(struct pager *p, off_t start)
{
	ssize_t	n;
	size_t	got = 0;

	p->win_off = start;
	while (got < WINDOW_SIZE && start + (off_t)got < p->size) {
		n = pread(p->fd, p->win + got, WINDOW_SIZE - got,
		    start + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	p->win_len = got;
}

/* The bytes from off on, as many as the window holds (0 at the end). */
static const char *
bytes_at(struct pager *p, off_t off, size_t *avail)
{
	if (off >= p->size) {
		*avail = 0;
		return p->win;
	}
	if (p->win_len == 0 || off < p->win_off ||
	    off >= p->win_off + (off_t)p->win_len)
		window_load(p, off - off % WINDOW_ALIGN);
	if (off >= p->win_off + (off_t)p->win_len) {
		*avail = 0;		/* shorter than fstat said */
		return p->win;
	}
	*avail = p->win_len - (size_t)(off - p->win_off);
	return p->win + (off - p->win_off);
}

/* The bytes before off, as many as the window holds, ending at off. */
static const char *
bytes_before(struct pager *p, off_t off, size_t *avail)
{
	off_t	start;

	if (off <= 0) {
		*avail = 0;
		return p->win;
	}
	if (p->win_len == 0 || off <= p->win_off ||
	    off > p->win_off + (off_t)p->win_len) {
		start = off - WINDOW_SIZE + WINDOW_ALIGN;
		if (start < 0)
			start = 0;
		window_load(p, start - start % WINDOW_ALIGN);
		if (off > p->win_off + (off_t)p->win_len) {
			*avail = 0;
			return p->win;
		}
	}
	*avail = (size_t)(off - p->win_off);
	return p->win;
}

const char *
pager_line(struct pager *p, off_t off, size_t *len, off_t *next)
{
	const char	*b, *nl;
	size_t		 avail, n, kept = 0;

	for (;;) {
		b = bytes_at(p, off, &avail);
		if (avail == 0) {
			*next = p->size;
			break;
		}
		nl = memchr(b, '\n', avail);
		n = nl != NULL ? (size_t)(nl - b) : avail;
		if (kept < PAGER_LINE_MAX) {
			size_t	c = n < PAGER_LINE_MAX - kept ?
			    n : PAGER_LINE_MAX - kept;
			memcpy(p->line + kept, b, c);
			kept += c;
		}
		off += (off_t)n;
		if (nl != NULL) {
			*next = off + 1;
			break;
		}
	}
	*len = kept;
	return p->line;
}

off_t
pager_next(struct pager *p, off_t off)
{
	const char	*b, *nl;
	size_t		 avail;

	while (off < p->size) {
		b = bytes_at(p, off, &avail);
		if (avail == 0)
			return p->size;
		if ((nl = memchr(b, '\n', avail)) != NULL)
			return off + (nl - b) + 1;
		off += (off_t)avail;
	}
	return p->size;
}

off_t
pager_prev(struct pager *p, off_t off)
{
	const char	*b, *nl;
	size_t		 avail;
	off_t		 end;

	if (off <= 0)
		return 0;
	if (off > p->size)
		off = p->size;
	/* Skip the newline that ends the line before off. */
	b = bytes_before(p, off, &avail);
	end = off;
	if (avail > 0 && b[avail - 1] == '\n')
		end = off - 1;
	while (end > 0) {
		b = bytes_before(p, end, &avail);
		if (avail == 0)
			return 0;
		if ((nl = memrchr(b, '\n', avail)) != NULL)
			return end - (off_t)avail + (nl - b) + 1;
		end -= (off_t)avail;
	}
	return 0;
}

off_t
pager_last(struct pager *p, size_t n)
{
	off_t	off = p->size;

	while (n-- > 0 && off > 0)
		off = pager_prev(p, off);
	return off;
}

/* The needle's case rule: smart case, as in less -i. */
static bool
needle_folds(const char *needle)
{
	for (; *needle != '\0'; needle++) {
		if (isupper((unsigned char)*needle))
			return false;
	}
	return true;
}

static ssize_t
find(const char *h, size_t hlen, const char *needle, size_t nlen, bool fold,
    bool last)
{
	size_t	i, j;
	ssize_t	found = -1;

	if (nlen == 0 || hlen < nlen)
		return -1;
	for (i = 0; i + nlen <= hlen; i++) {
		if (fold) {
			for (j = 0; j < nlen; j++) {
				if (tolower((unsigned char)h[i + j]) !=
				    (unsigned char)needle[j])
					break;
			}
		} else {
			const char *q = memchr(h + i, needle[0],
			    hlen - nlen + 1 - i);
			if (q == NULL)
				break;
			i = (size_t)(q - h);
			j = memcmp(h + i, needle, nlen) == 0 ? nlen : 0;
		}
		if (j == nlen) {
			found = (ssize_t)i;
			if (!last)
				break;
		}
	}
	return found;
}

ssize_t
pager_match(const char *line, size_t len, const char *needle)
{
	char	*low = NULL;
	ssize_t	 r;
	bool	 fold = needle_folds(needle);

	if (fold) {
		size_t	i, n = strlen(needle);

		low = xmalloc(n + 1);
		for (i = 0; i <= n; i++)
			low[i] = (char)tolower((unsigned char)needle[i]);
		needle = low;
	}
	r = find(line, len, needle, strlen(needle), fold, false);
	free(low);
	return r;
}

off_t
pager_search(struct pager *p, off_t from, const char *needle, bool backward)
{
	char		*low = xstrdup(needle);
	size_t		 nlen = strlen(needle), avail, i;
	bool		 fold = needle_folds(needle);
	const char	*b;
	off_t		 pos, hit = -1;
	ssize_t		 at;

	if (nlen == 0 || nlen > WINDOW_SIZE / 2) {
		free(low);
		return -1;
	}
	if (fold) {
		for (i = 0; i < nlen; i++)
			low[i] = (char)tolower((unsigned char)low[i]);
	}
	if (!backward) {
		pos = pager_next(p, from);
		while (pos < p->size) {
			b = bytes_at(p, pos, &avail);
			if (avail == 0)
				break;
			if ((at = find(b, avail, low, nlen, fold, false)) >= 0) {
				hit = pos + at;
				break;
			}
			if (pos + (off_t)avail >= p->size)
				break;
			/* Overlap so that a match across windows is seen. */
			pos += (off_t)(avail > nlen ? avail - nlen + 1 : 1);
		}
	} else {
		pos = from;		/* matches must start before from */
		while (pos > 0) {
			b = bytes_before(p, pos, &avail);
			if (avail == 0)
				break;
			if ((at = find(b, avail, low, nlen, fold, true)) >= 0) {
				hit = pos - (off_t)avail + at;
				break;
			}
			if (pos - (off_t)avail <= 0)
				break;
			pos -= (off_t)(avail > nlen ? avail - nlen + 1 : 1);
		}
	}
	free(low);
	if (hit < 0)
		return -1;
	/* The start of the line holding the match (a match holds no
	 * newline, so the byte at hit is not one). */
	return pager_prev(p, hit + 1);
}

/* Count the lines up to target (at most INDEX_LAZY_MAX bytes further
 * unless force), recording a checkpoint every INDEX_EVERY lines. */
static bool
index_extend(struct pager *p, off_t target, bool force)
{
	const char	*b, *q, *end;
	size_t		 avail;

	if (target > p->size)
		target = p->size;
	if (!force && target - p->scan_off > INDEX_LAZY_MAX)
		return false;
	if (p->scan_off == 0 && p->scan_lines == 0 && p->size > 0)
		p->scan_lines = 1;	/* the first line starts at 0 */
	while (p->scan_off < target) {
		b = bytes_at(p, p->scan_off, &avail);
		if (avail == 0)
			break;
		if ((off_t)avail > target - p->scan_off)
			avail = (size_t)(target - p->scan_off);
		end = b + avail;
		for (q = b; (q = memchr(q, '\n', (size_t)(end - q))) != NULL;
		    q++) {
			off_t	start = p->scan_off + (q - b) + 1;

			if (start >= p->size)
				break;
			if (p->scan_lines % INDEX_EVERY == 0) {
				if (p->n_index == p->size_index) {
					p->size_index *= 2;
					p->index = xreallocarray(p->index,
					    p->size_index, sizeof *p->index);
				}
				p->index[p->n_index++] = start;
			}
			p->scan_lines++;
		}
		p->scan_off += (off_t)avail;
	}
	return true;
}

size_t
pager_lineno(struct pager *p, off_t off)
{
	size_t		 lo, hi, mid, n, avail;
	off_t		 pos;
	const char	*b, *q, *end;

	if (off <= 0)
		return 1;
	if (off > p->scan_off && !index_extend(p, off, false))
		return 0;
	/* The last checkpoint at or before off. */
	lo = 0;
	hi = p->n_index;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (p->index[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	n = lo * INDEX_EVERY + 1;
	for (pos = p->index[lo]; pos < off; pos += (off_t)avail) {
		b = bytes_at(p, pos, &avail);
		if (avail == 0)
			break;
		if ((off_t)avail > off - pos)
			avail = (size_t)(off - pos);
		end = b + avail;
		for (q = b; (q = memchr(q, '\n', (size_t)(end - q))) != NULL;
		    q++)
			n++;
	}
	return n;
}

size_t
pager_lines(const struct pager *p)
{
	return p->scan_off >= p->size ? p->scan_lines : 0;
}

off_t
pager_scroll(struct pager *p, off_t top, long n, size_t page)
{
	off_t	limit = pager_last(p, page);

	for (; n > 0 && top < limit; n--)
		top = pager_next(p, top);
	for (; n < 0 && top > 0; n++)
		top = pager_prev(p, top);
	return top;
}
