/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_util.c: SHA-256 against FIPS 180-4 vectors, buffers, edit distance,
 * the terminal escaping rule. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "escape.h"
#include "util.h"

static void
test_sha256_vectors(void **state)
{
	char	 out[65], *many;

	(void)state;
	sha256_hex("", 0, out);
	assert_string_equal(out,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, out);
	assert_string_equal(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, out);
	assert_string_equal(out,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	many = malloc(1000000);
	memset(many, 'a', 1000000);
	sha256_hex(many, 1000000, out);
	assert_string_equal(out,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(many);
}

static void
test_sha256_file(void **state)
{
	char	 path[] = "/tmp/stepup-test-XXXXXX", out[65], *cause = NULL;
	int	 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(sha256_file(path, out), 0);
	assert_string_equal(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(sha256_file(path, out), -1);
	assert_null(file_read(path, 100, NULL, &cause));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	assert_null(file_read("/tmp", 100, NULL, &cause));
	assert_non_null(strstr(cause, "is a directory"));
	free(cause);
}

static void
test_buf(void **state)
{
	struct buf	 b;
	char		*s;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(strlen(b.data), b.len);
	assert_memory_equal(b.data, "0,1,2,", 6);
	s = buf_take(&b);
	assert_null(b.data);
	free(s);
	s = buf_take(&b);
	assert_string_equal(s, "");
	free(s);

	/* Room first, then what was written there. */
	buf_init(&b);
	buf_puts(&b, "ab");
	s = buf_room(&b, 1000);
	assert_ptr_equal(s, b.data + 2);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	memcpy(s, "cd", 2);
	buf_grew(&b, 2);
	assert_string_equal(b.data, "abcd");
	assert_true(b.size >= 1003);
	buf_free(&b);
}

static void
test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("undo", "undo", 3), 0);
	assert_int_equal(edit_distance("produce", "produces", 3), 1);
	assert_int_equal(edit_distance("timout", "timeout", 3), 1);
	assert_int_equal(edit_distance("kitten", "sitting", 3), 3);
	assert_int_equal(edit_distance("a", "completely-different", 3), 4);
}

static void
test_mask_secrets(void **state)
{
	const char	*secrets[] = { "s3cr3t", "", "s3cr3t-longer", "pw" };
	char		*m;

	(void)state;
	m = mask_secrets("a s3cr3t-longer b s3cr3t c pwpw d", secrets, 4);
	assert_string_equal(m, "a ******** b ******** c **************** d");
	free(m);
	m = mask_secrets("nothing here", secrets, 4);
	assert_string_equal(m, "nothing here");
	free(m);
	m = mask_secrets("", secrets, 0);
	assert_string_equal(m, "");
	free(m);
}

static void
test_utc_format(void **state)
{
	char	out[40];

	(void)state;
	assert_string_equal(utc_format(out, sizeof out, 1763785359,
	    "%Y-%m-%d %H:%M:%S UTC"), "2025-11-22 04:22:39 UTC");
	assert_string_equal(utc_format(out, sizeof out, 1763785359,
	    "%Y-%m-%d %H:%M"), "2025-11-22 04:22");
	/* No time recorded. */
	assert_string_equal(utc_format(out, sizeof out, 0, "%Y"), "-");
	assert_string_equal(utc_format(out, sizeof out, -5, "%Y"), "-");
	/* Too small for the text: still a string, never garbage. */
	assert_string_equal(utc_format(out, 4, 1763785359, "%Y-%m-%d"), "-");
}

/* The rule written the plain way, for the stream to agree with. */
static char *
mask_reference(const char *t, size_t len, const char *const *sec, size_t n)
{
	struct buf	 b;
	size_t		 p = 0, i, sl, best;

	buf_init(&b);
	while (p < len) {
		best = 0;
		for (i = 0; i < n; i++) {
			sl = strlen(sec[i]);
			if (sl > 0 && sl > best && sl <= len - p &&
			    memcmp(t + p, sec[i], sl) == 0)
				best = sl;
		}
		if (best > 0) {
			buf_puts(&b, "********");
			p += best;
		} else
			buf_putc(&b, t[p++]);
	}
	return buf_take(&b);
}

/* A command's output masked on its way to the log: whatever the pieces
 * it arrives in (a secret split across two reads, or arriving a byte at
 * a time), the log is what masking it whole gives; nothing is held back
 * that cannot be a secret's start. */
static void
test_mask_stream(void **state)
{
	/* Secrets starting with two bytes (a table is scanned), and with
	 * one (memchr finds the places). */
	static const char *const sets[2][4] = {
		{ "abc", "abcab", "ba", "" }, { "abc", "abcab", "", "" },
	};
	const char *const	*sec;
	struct mask_stream	 m;
	struct buf		 out;
	char			 text[64], *want;
	unsigned		 seed = 7;
	size_t			 len, off, piece, i;
	int			 round;

	(void)state;
	for (round = 0; round < 10000; round++) {
		sec = sets[round % 2];
		len = (seed = seed * 1103515245 + 12345) % 40;
		for (i = 0; i < len; i++)
			text[i] = "abcx\n"[(seed = seed * 1103515245 + 12345) % 5];
		want = mask_reference(text, len, sec, 4);
		buf_init(&out);
		mask_stream_init(&m, sec, 4);
		for (off = 0; off < len; off += piece) {
			piece = 1 + (seed = seed * 1103515245 + 12345) % 6;
			if (piece > len - off)
				piece = len - off;
			mask_stream_feed(&m, text + off, piece, false, &out);
			/* Held back: only a proper prefix of some secret. */
			assert_true(m.held.len < 5);
		}
		mask_stream_feed(&m, "", 0, true, &out);
		assert_int_equal(m.held.len, 0);
		assert_int_equal(out.len, strlen(want));
		assert_memory_equal(out.data != NULL ? out.data : "", want,
		    strlen(want));
		mask_stream_free(&m);
		buf_free(&out);
		free(want);
	}

	/* Nothing that cannot start a secret waits for more input. */
	sec = sets[0];
	buf_init(&out);
	mask_stream_init(&m, sec, 4);
	mask_stream_feed(&m, "progress 10%\n", 13, false, &out);
	assert_int_equal(out.len, 13);
	mask_stream_feed(&m, "password: ab", 12, false, &out);
	assert_int_equal(m.held.len, 2);		/* "ab" may be "abc" */
	mask_stream_feed(&m, "c\n", 2, false, &out);
	assert_string_equal(out.data, "progress 10%\npassword: ********\n");
	mask_stream_free(&m);
	buf_free(&out);
}

/* Every control character and every byte that is not UTF-8 comes out
 * visible; text, UTF-8 and (with ESCAPE_LINES) tab and newline stay. */
static void
test_escape(void **state)
{
	static const struct {
		const char	*in;
		int		 flags;
		const char	*want;
	} cases[] = {
		{ "plain text", 0, "plain text" },
		{ "caf\xc3\xa9 \xe2\x9c\x93", 0, "caf\xc3\xa9 \xe2\x9c\x93" },
		{ "\x1b]0;pwned\x07", 0, "^[]0;pwned^G" },
		{ "\x1b]52;c;aGk=\x1b\\", 0, "^[]52;c;aGk=^[\\" },
		{ "a\x1b[6nb", 0, "a^[[6nb" },
		{ "\xc2\x9b" "6n", 0, "\\u009b6n" },
		{ "\xc2\x85", 0, "\\u0085" },
		{ "\x9b" "6n", 0, "\\x9b6n" },
		{ "\xff\xfe", 0, "\\xff\\xfe" },
		{ "\xe2\x9c", 0, "\\xe2\\x9c" },		/* truncated */
		{ "\xc0\xaf", 0, "\\xc0\\xaf" },		/* overlong */
		{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },	/* surrogate */
		{ "\x7f\x01\r", 0, "^?^A^M" },
		{ "a\tb\nc", 0, "a^Ib^Jc" },
		{ "a\tb\nc\r", ESCAPE_LINES, "a\tb\nc^M" },
	};
	char	*out, vis[ESCAPE_VIS];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		out = escape_text(cases[i].in, cases[i].flags);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
	/* One character at a time: its length, and whether it is shown. */
	assert_int_equal(escape_char("\xe2\x9c\x93x", 4, 0, vis), 3);
	assert_string_equal(vis, "");
	assert_int_equal(escape_char("\xc2\x9bx", 3, 0, vis), 2);
	assert_string_equal(vis, "\\u009b");
	assert_int_equal(escape_char("\x9bx", 2, 0, vis), 1);
	assert_string_equal(vis, "\\x9b");
	assert_true(escape_control(0x1b) && escape_control(0x9b) &&
	    escape_control('\n') && !escape_control(0xa0));

	/* Plain runs are skipped 8 bytes at a time: a byte to escape is
	 * seen wherever it falls in a word, next to any other, and the
	 * bytes just inside the printable range are left alone. */
	{
		static const char *const odd[] = { "\x01", "\x1b", "\x1f",
		    "\x7f", "\x80", "\xff", "\xc2\x9b" };
		static const char *const shown[] = { "^A", "^[", "^_", "^?",
		    "\\x80", "\\xff", "\\u009b" };
		char	 in[64], want[64];
		size_t	 at, k;

		for (k = 0; k < nitems(odd); k++) {
			for (at = 0; at < 20; at++) {
				snprintf(in, sizeof in, "%.*s%s %s~ ~~~~~~~~",
				    (int)at, "                    ", odd[k],
				    odd[k]);
				snprintf(want, sizeof want, "%.*s%s %s~ ~~~~~~~~",
				    (int)at, "                    ", shown[k],
				    shown[k]);
				out = escape_text(in, 0);
				assert_string_equal(out, want);
				free(out);
			}
		}
	}
}

/* JSON strings: escapes, valid UTF-8 kept, every invalid byte replaced. */
static void
test_escape_json(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "a\"b\\c\n\t\x01\x7f", "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"" },
		{ "\xc2\x9b" "6n", "\"\\u009b6n\"" },		/* C1 */
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\"" },
		{ "\xff", "\"\\ufffd\"" },
		{ "x\x80y", "\"x\\ufffdy\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong '/' */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* a surrogate */
		{ "\xe2\x86", "\"\\ufffd\\ufffd\"" },		/* cut short */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* past U+10FFFF */
	};
	size_t	i;
	char	*q;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		q = escape_json(cases[i].in);
		assert_string_equal(q, cases[i].want);
		free(q);
	}
	q = escape_json(NULL);
	assert_string_equal(q, "null");
	free(q);
}

/* The nearest word, for "did you mean". */
static void
test_word_closest(void **state)
{
	static const char *const words[] = { "plan", "lint", "export",
	    "history", NULL };

	(void)state;
	assert_string_equal(word_closest("pan", words), "plan");
	assert_string_equal(word_closest("histroy", words), "history");
	assert_string_equal(word_closest("expo", words), "export");
	assert_null(word_closest("zzzzzz", words));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_file),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_word_closest),
		cmocka_unit_test(test_mask_secrets),
		cmocka_unit_test(test_mask_stream),
		cmocka_unit_test(test_utc_format),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
