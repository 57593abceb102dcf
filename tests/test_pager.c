/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_pager.c: the pager's model: lines by offset both ways, the last
 * page, search forward and backward with smart case, lazy line numbers,
 * a growing log, and a file far larger than anything it reads. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "pager.h"
#include "util.h"

static char *
make_file(const char *text, size_t len)
{
	char	*path = xstrdup("/tmp/stepup-pager-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static struct pager *
open_text(const char *text, char **path)
{
	char		*cause = NULL;
	struct pager	*p;

	*path = make_file(text, strlen(text));
	p = pager_open(*path, &cause);
	assert_non_null(p);
	return p;
}

static void
assert_line(struct pager *p, off_t off, const char *want, off_t want_next)
{
	size_t		 len;
	off_t		 next;
	const char	*s = pager_line(p, off, &len, &next);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(s, want, len);
	assert_int_equal(next, want_next);
}

static void
test_lines_both_ways(void **unused)
{
	char		*path;
	struct pager	*p = open_text("alpha\n\nbeta\ngamma", &path);

	assert_int_equal(pager_size(p), 17);
	assert_line(p, 0, "alpha", 6);
	assert_line(p, 6, "", 7);
	assert_line(p, 7, "beta", 12);
	assert_line(p, 12, "gamma", 17);
	assert_int_equal(pager_next(p, 0), 6);
	assert_int_equal(pager_next(p, 12), 17);
	assert_int_equal(pager_next(p, 17), 17);
	assert_int_equal(pager_prev(p, 17), 12);	/* no final newline */
	assert_int_equal(pager_prev(p, 12), 7);
	assert_int_equal(pager_prev(p, 7), 6);
	assert_int_equal(pager_prev(p, 6), 0);
	assert_int_equal(pager_prev(p, 0), 0);
	assert_int_equal(pager_last(p, 2), 7);
	assert_int_equal(pager_last(p, 10), 0);
	assert_int_equal(pager_lineno(p, 12), 4);
	assert_int_equal(pager_lines(p), 0);		/* not read yet */
	assert_int_equal(pager_lineno(p, 17), 4);	/* counted to the end */
	assert_int_equal(pager_lines(p), 4);
	pager_free(p);
	unlink(path);
	free(path);

	p = open_text("one\ntwo\n", &path);
	assert_int_equal(pager_prev(p, 8), 4);		/* final newline */
	assert_int_equal(pager_last(p, 1), 4);
	assert_int_equal(pager_lineno(p, 8), 3);
	assert_int_equal(pager_lines(p), 2);
	pager_free(p);
	unlink(path);
	free(path);
}

static void
test_search(void **unused)
{
	char		*path;
	struct pager	*p = open_text("Release 2.0\nfix crash\nnew Crash "
	    "report\nnothing\nlast crash\n", &path);

	/* Forward: from after the line at from. */
	assert_int_equal(pager_search(p, 0, "crash", false), 12);
	assert_int_equal(pager_search(p, 12, "crash", false), 22);
	assert_int_equal(pager_search(p, 22, "crash", false), 47);
	assert_int_equal(pager_search(p, 47, "crash", false), -1);
	/* A capital letter makes it case-sensitive. */
	assert_int_equal(pager_search(p, 0, "Crash", false), 22);
	assert_int_equal(pager_search(p, 22, "Crash", false), -1);
	/* Backward: lines before from. */
	assert_int_equal(pager_search(p, 47, "crash", true), 22);
	assert_int_equal(pager_search(p, 22, "crash", true), 12);
	assert_int_equal(pager_search(p, 12, "crash", true), -1);
	assert_int_equal(pager_search(p, 47, "release", true), 0);
	assert_int_equal(pager_match("new Crash report", 16, "crash"), 4);
	assert_int_equal(pager_match("new Crash report", 16, "crash!"), -1);
	pager_free(p);
	unlink(path);
	free(path);
}

static void
test_refuses_what_it_cannot_show(void **unused)
{
	char	*cause = NULL;

	assert_null(pager_open("/nonexistent/notes.md", &cause));
	assert_string_equal(cause, "/nonexistent/notes.md: No such file or "
	    "directory");
	free(cause);
	assert_null(pager_open("/tmp", &cause));
	assert_string_equal(cause, "/tmp: is a directory, not a file");
	free(cause);
}

static void
test_growing_log(void **unused)
{
	char		*path;
	struct pager	*p = open_text("started\n", &path);
	FILE		*f;

	assert_false(pager_reload(p));
	f = fopen(path, "a");
	fputs("step 1\nstep 2\n", f);
	fclose(f);
	assert_true(pager_reload(p));
	assert_int_equal(pager_size(p), 22);
	assert_int_equal(pager_last(p, 1), 15);
	assert_line(p, 15, "step 2", 22);
	pager_free(p);
	unlink(path);
	free(path);
}

/* 20 MB of numbered lines, longer than the window and the lazy limit:
 * the end is reached without counting, a long line is cut, searches
 * cross window boundaries, and memory stays small. */
static void
test_big_file(void **unused)
{
	char		*path = xstrdup("/tmp/stepup-pager-XXXXXX"), *cause = NULL;
	int		 fd = mkstemp(path);
	FILE		*f = fdopen(fd, "w");
	struct pager	*p;
	struct rusage	 ru;
	size_t		 i, len;
	off_t		 off, next;
	const char	*s;
	char		 want[64];

	for (i = 1; i <= 400000; i++)
		fprintf(f, "line %07zu of the changelog, padded to be long\n", i);
	for (i = 0; i < 10000; i++)
		fputc('x', f);
	fputs("\nthe end\n", f);
	fclose(f);

	p = pager_open(path, &cause);
	assert_non_null(p);
	off = pager_last(p, 1);
	assert_line(p, off, "the end", pager_size(p));
	off = pager_prev(p, off);
	s = pager_line(p, off, &len, &next);
	assert_int_equal(len, PAGER_LINE_MAX);		/* cut for display */
	assert_int_equal(s[0], 'x');
	/* Far from anything read: the number is not known without reading. */
	assert_int_equal(pager_lineno(p, off), 0);
	/* Near the start it is, and the index makes the later ones cheap. */
	off = pager_search(p, 0, "line 0100000 ", false);
	assert_true(off > 0);
	assert_int_equal(pager_lineno(p, off), 100000);
	off = pager_search(p, off, "line 0200001 ", false);
	assert_int_equal(pager_lineno(p, off), 200001);
	snprintf(want, sizeof want, "line %07d of the changelog, padded to "
	    "be long", 200001);
	assert_line(p, off, want, next = pager_next(p, off));
	assert_int_equal(pager_search(p, off, "line 0199999 ", true),
	    off - 2 * (next - off));
	assert_int_equal(pager_search(p, 0, "nowhere", false), -1);
	pager_free(p);
	getrusage(RUSAGE_SELF, &ru);
	assert_true(ru.ru_maxrss < 16 * 1024);		/* kilobytes */
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_both_ways),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_refuses_what_it_cannot_show),
		cmocka_unit_test(test_growing_log),
		cmocka_unit_test(test_big_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
