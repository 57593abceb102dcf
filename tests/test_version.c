/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_version.c: parsing and ordering of semver 2.0, calendar, PEP 440
 * and loose versions, the diff index that names hop kinds, and the
 * errors for what does not parse. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"
#include "version.h"

/* Each list is in strictly ascending order. */
static void
check_ascending(enum rb_scheme s, const char *const *list, size_t n)
{
	struct version	*v = calloc(n, sizeof *v);
	char		*cause = NULL;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		if (version_parse(&v[i], s, list[i], &cause) != 0)
			fail_msg("%s: %s", list[i], cause);
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int c = version_cmp(&v[i], &v[j]);
			int want = i < j ? -1 : i > j;
			if ((c > 0) - (c < 0) != want)
				fail_msg("%s vs %s: %d, want %d", list[i],
				    list[j], c, want);
		}
	}
	for (i = 0; i < n; i++)
		version_free(&v[i]);
	free(v);
}

static void
test_semver_order(void **state)
{
	/* The example in semver 2.0, section 11, and more. */
	static const char *const list[] = {
		"0.9.9", "1.0.0-0", "1.0.0-2", "1.0.0-10", "1.0.0-alpha",
		"1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
		"1.0.1", "1.2.0", "1.10.0", "2.0.0", "v10.0.0",
	};

	(void)state;
	check_ascending(RB_SCHEME_SEMVER, list, nitems(list));
}

static void
test_calver_order(void **state)
{
	static const char *const list[] = {
		"23.03.0", "23.03.1", "23.03.11", "23.09.0", "23.09.9",
		"23.09.10", "24.03.0-rc1", "24.03.0", "v24.03.5", "24.10",
		"24.10.1", "2024.1.1",
	};

	(void)state;
	check_ascending(RB_SCHEME_CALVER, list, nitems(list));
}

static void
test_pep440_order(void **state)
{
	/* From PEP 440's summary of the permitted suffixes and order. */
	static const char *const list[] = {
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456",
		"1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456",
		"1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0",
		"1.0.post456.dev34", "1.0.post456", "1.1.dev1",
		"24.03.0rc1", "24.03.0", "24.03.0.post1", "24.03.1.dev2",
		"24.03.1", "1!0.1",
	};

	(void)state;
	check_ascending(RB_SCHEME_PEP440, list, nitems(list));
}

static void
test_loose_order(void **state)
{
	static const char *const list[] = {
		"1", "1.0.1", "1.2", "1.2.3.4", "1.2.3.5", "1.10", "2",
	};

	(void)state;
	check_ascending(RB_SCHEME_LOOSE, list, nitems(list));
}

static void
expect_equal(enum rb_scheme s, const char *a, const char *b)
{
	struct version	va, vb;
	char		*cause;

	assert_int_equal(version_parse(&va, s, a, &cause), 0);
	assert_int_equal(version_parse(&vb, s, b, &cause), 0);
	assert_int_equal(version_cmp(&va, &vb), 0);
	version_free(&va);
	version_free(&vb);
}

static void
test_equal(void **state)
{
	(void)state;
	/* build metadata has no precedence */
	expect_equal(RB_SCHEME_SEMVER, "1.0.0+build.1", "1.0.0+build.2");
	expect_equal(RB_SCHEME_SEMVER, "v1.0.0", "1.0.0");
	expect_equal(RB_SCHEME_CALVER, "23.09", "23.09.0");
	expect_equal(RB_SCHEME_CALVER, "23.09.10", "23.9.10");
	expect_equal(RB_SCHEME_PEP440, "1.0RC1", "1.0rc1");
	expect_equal(RB_SCHEME_PEP440, "1.0-rc.1", "1.0rc1");
	expect_equal(RB_SCHEME_PEP440, "1.0c1", "1.0rc1");
	expect_equal(RB_SCHEME_PEP440, "1.0-1", "1.0.post1");
	expect_equal(RB_SCHEME_PEP440, "1.0+local.7", "1.0");
	expect_equal(RB_SCHEME_LOOSE, "1.0.0", "1");
}

/* The parse fails with exactly this cause. */
static void
expect_bad(enum rb_scheme s, const char *text, const char *why)
{
	struct version	 v;
	char		*cause = NULL;

	if (version_parse(&v, s, text, &cause) == 0)
		fail_msg("'%s' parsed as %s", text, version_scheme_name(s));
	assert_string_equal(cause, why);
	free(cause);
}

static void
test_garbage(void **state)
{
	(void)state;
	expect_bad(RB_SCHEME_SEMVER, "", "it is empty");
	expect_bad(RB_SCHEME_SEMVER, "1.2", "it has 2 numbers, not MAJOR.MINOR.PATCH");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3.4", "it has 4 numbers, not MAJOR.MINOR.PATCH");
	expect_bad(RB_SCHEME_SEMVER, "01.2.3", "a number has a leading zero");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3-01", "a number in the pre-release has a leading zero");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3-", "the pre-release is empty");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3-a..b", "the pre-release has an empty part");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3-a_b", "the pre-release has '_', which is not a letter, digit, '-' or '.'");
	expect_bad(RB_SCHEME_SEMVER, "1.2.3+", "the build metadata is empty");
	expect_bad(RB_SCHEME_SEMVER, "1.2.x", "a dot is not followed by a number");
	expect_bad(RB_SCHEME_SEMVER, "latest", "it does not start with a number");
	expect_bad(RB_SCHEME_SEMVER, "vv1.2.3", "it does not start with a number");
	expect_bad(RB_SCHEME_CALVER, "2024", "a calendar version has at least two numbers, such as 23.09");
	expect_bad(RB_SCHEME_CALVER, "23.09.10rc1", "'rc1' is not expected after the numbers");
	expect_bad(RB_SCHEME_CALVER, "23.09.", "a dot is not followed by a number");
	expect_bad(RB_SCHEME_PEP440, "1.0rc1garbage", "'garbage' is not a PEP 440 pre, post, dev or local part");
	expect_bad(RB_SCHEME_PEP440, "1.0+", "the local label after '+' is empty");
	expect_bad(RB_SCHEME_LOOSE, "1.2.3.4.5.6.7.8.9", "it has more than 8 numbers");
	expect_bad(RB_SCHEME_LOOSE, "1.1234567890123456789", "a number is too large");
}

static void
test_diff_series(void **state)
{
	struct version	a, b, c, d;
	char		*cause;

	(void)state;
	assert_int_equal(version_parse(&a, RB_SCHEME_CALVER, "23.09.10", &cause), 0);
	assert_int_equal(version_parse(&b, RB_SCHEME_CALVER, "24.03.0", &cause), 0);
	assert_int_equal(version_parse(&c, RB_SCHEME_CALVER, "23.09.9", &cause), 0);
	assert_int_equal(version_parse(&d, RB_SCHEME_CALVER, "23.09.9-rc1", &cause), 0);
	assert_int_equal(version_diff_index(&a, &b), 0);
	assert_int_equal(version_diff_index(&c, &a), 2);
	assert_int_equal(version_diff_index(&c, &d), 3);
	assert_true(version_same_series(&a, &c, 2));
	assert_false(version_same_series(&a, &c, 3));
	assert_false(version_same_series(&a, &b, 1));
	assert_true(version_is_prerelease(&d));
	assert_false(version_is_prerelease(&c));
	version_free(&a);
	version_free(&b);
	version_free(&c);
	version_free(&d);
}

/* Version ranges of a hop step's when: every comparison must hold. */
static void
test_range(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, "24.03.0",
	    ">=24.03", &cause), 1);
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, "23.09.10",
	    ">=24.03", &cause), 0);
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, "23.09.4",
	    ">= 23.09, <23.09.10", &cause), 1);
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, "23.09.10",
	    ">=23.09 <23.09.10", &cause), 0);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, "1.2.3",
	    "=1.2.3", &cause), 1);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, "1.2.3",
	    "!=1.2.3", &cause), 0);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, "1.2.3",
	    "<=1.2.3,>1.2.2", &cause), 1);
	/* syntax only */
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, NULL, ">=24.03",
	    &cause), 1);
	assert_int_equal(version_in_range(RB_SCHEME_CALVER, NULL, "24.03",
	    &cause), -1);
	assert_string_equal(cause, "range '24.03': '24.03' does not start "
	    "with >=, >, <=, <, = or !=");
	free(cause);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, NULL, ">=1.2",
	    &cause), -1);
	assert_string_equal(cause, "range '>=1.2': '1.2' is not a valid semver "
	    "version: it has 2 numbers, not MAJOR.MINOR.PATCH");
	free(cause);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, NULL, ">=", &cause),
	    -1);
	free(cause);
	assert_int_equal(version_in_range(RB_SCHEME_SEMVER, NULL, " , ",
	    &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semver_order),
		cmocka_unit_test(test_calver_order),
		cmocka_unit_test(test_pep440_order),
		cmocka_unit_test(test_loose_order),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_diff_series),
		cmocka_unit_test(test_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
