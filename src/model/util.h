/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* util.h: memory wrappers that cannot fail, a growable string buffer, and
 * the exit statuses every command shares. Plain C; no curses here. */
#ifndef STEPUP_UTIL_H
#define STEPUP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses, as documented in stepup(1). */
enum {
	EXIT_DONE = 0,     /* done, or nothing to do */
	EXIT_FAILED = 1,   /* the upgrade or rollback failed or is unfinished */
	EXIT_USAGE = 2,    /* usage error or invalid runbook */
	EXIT_REFUSED = 3,  /* no allowed path, or a --direct hop refused */
	EXIT_LOCKED = 4,   /* another operator holds the run's lock */
};

#define nitems(a) (sizeof (a) / sizeof (a)[0])

/* Allocation wrappers: they print a message and exit(1) rather than
 * return NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string; the caller frees it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

/* Print "stepup: message" to stderr and exit with the given status. */
void	 fatal(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Installed by the TUI so that fatal() restores the terminal first. */
extern void (*fatal_hook)(void);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, int);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Room for n more bytes at data + len (len unchanged, still terminated);
 * the caller writes there, then adds what it wrote with buf_grew. */
char	*buf_room(struct buf *, size_t n);
void	 buf_grew(struct buf *, size_t n);
/* Hand the contents to the caller (who frees them) and reset the buffer. */
char	*buf_take(struct buf *);

/* Write all n bytes to fd, again after EINTR and short writes. Returns 0,
 * or -1 with errno set. */
int	 write_full(int fd, const void *, size_t n);

/* path made absolute against the working directory (no symlink resolved);
 * the caller frees it. */
char	*path_absolute(const char *);

/* Read a whole regular file of at most max bytes. Returns NULL and sets
 * *cause (caller frees) on failure. */
char	*file_read(const char *, size_t max, size_t *len, char **cause);

/* Lowercase hex SHA-256 of a file into out[65]. Returns 0, or -1 with
 * errno set. */
int	 sha256_file(const char *, char out[65]);
/* Lowercase hex SHA-256 of a memory block into out[65]. */
void	 sha256_hex(const void *, size_t, char out[65]);

/* t (seconds since the Epoch) as UTC through strftime's fmt, into out;
 * "-" when t is 0 or before (no time recorded). Returns out. */
char	*utc_format(char *out, size_t size, long long t, const char *fmt)
	    __attribute__((format(strftime, 4, 0)));

/* text with every occurrence of one of the n secrets replaced by
 * "********": at each place the longest secret that starts there, left
 * to right; empty secrets never match. The caller frees the result. */
char	*mask_secrets(const char *text, const char *const *secrets, size_t n);
/* The same rule on a stream (a command's output on its way to its log):
 * bytes fed in pieces of any size come out as mask_secrets() makes of them
 * whole, held back only while they could still be the start of a secret.
 * The secrets are borrowed; final flushes what is held. */
struct mask_stream {
	const char *const	*secrets;
	size_t			 n;
	size_t			*len;		/* of each secret */
	bool			 first[256];	/* a secret starts so */
	int			 only;		/* the one first byte, or -1 */
	struct buf		 held;
};
void	 mask_stream_init(struct mask_stream *, const char *const *secrets,
	    size_t n);
void	 mask_stream_feed(struct mask_stream *, const void *, size_t,
	    bool final, struct buf *out);
void	 mask_stream_free(struct mask_stream *);

/* Milliseconds on the monotonic clock, for deadlines. */
long long monotonic_ms(void);

/* Levenshtein distance, capped at cap+1; for "did you mean" hints. */
size_t	 edit_distance(const char *, const char *, size_t cap);
/* The closest word in list (NULL-terminated) to s, if it is close enough
 * to be a typo or is a shortening of at least 4 bytes; else NULL. */
const char *word_closest(const char *s, const char *const *list);


#endif
