/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_theme.c: theme files over the roles table: every shipped theme
 * loads, default and monochrome match the compiled-in roles, bad files
 * are refused naming file and line, and a theme round-trips. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "theme.h"
#include "util.h"

static char themes[4096];

/* A theme unlike any shipped one, so that a file must set every role. */
static void
scrambled(struct theme *t)
{
	int	i;

	for (i = 0; i < ROLE__COUNT; i++) {
		t->role[i].fg = THEME_MAGENTA;
		t->role[i].bg = THEME_MAGENTA;
		t->role[i].attrs = THEME_STANDOUT;
	}
	t->monochrome = false;
}

static void
assert_same(const struct theme *a, const struct theme *b)
{
	assert_memory_equal(a->role, b->role, sizeof a->role);
	assert_int_equal(a->monochrome, b->monochrome);
}

static void
parse_file(struct theme *t, const char *name)
{
	char	*path = xasprintf("%s/%s", themes, name), *text, *cause = NULL;

	text = file_read(path, 1 << 20, NULL, &cause);
	assert_non_null(text);
	scrambled(t);
	if (theme_parse(t, text, path, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	free(path);
}

static void
test_default_file_is_the_table(void **unused)
{
	struct theme	t, d;

	parse_file(&t, "default");
	theme_default(&d, false);
	assert_same(&t, &d);
}

static void
test_monochrome_file_is_the_table(void **unused)
{
	struct theme	t, d;

	parse_file(&t, "monochrome");
	theme_default(&d, true);
	assert_true(t.monochrome);
	assert_same(&t, &d);
}

static void
test_high_contrast_names_every_role(void **unused)
{
	struct theme	t;
	int		i;

	parse_file(&t, "high-contrast");
	for (i = 0; i < ROLE__COUNT; i++)
		assert_int_not_equal(t.role[i].attrs, THEME_STANDOUT);
	assert_int_equal(t.role[ROLE_FAILED].bg, THEME_RED);
}

static void
test_load_by_name(void **unused)
{
	struct theme	t;
	char		*cause = NULL;

	assert_int_equal(theme_load(&t, "high-contrast", &cause), 0);
	assert_int_equal(t.role[ROLE_NORMAL].bg, THEME_BLACK);
	assert_int_equal(theme_load(&t, "monochrome", &cause), 0);
	assert_true(t.monochrome);
	assert_int_equal(theme_load(&t, "no-such-theme", &cause), -1);
	assert_non_null(strstr(cause, "theme 'no-such-theme': "));
	assert_non_null(strstr(cause, "No such file or directory"));
	free(cause);
	/* And the default is what is left. */
	assert_int_equal(t.role[ROLE_TITLE].fg, THEME_CYAN);
	assert_false(t.monochrome);
}

static void
expect_bad(const char *text, const char *want)
{
	struct theme	t, before;
	char		*cause = NULL;

	theme_default(&t, false);
	before = t;
	assert_int_equal(theme_parse(&t, text, "x.theme", &cause), -1);
	assert_string_equal(cause, want);
	assert_same(&t, &before);
	free(cause);
}

static void
test_bad_files_name_file_and_line(void **unused)
{
	expect_bad("# c\ntitle = (red, blue)\ntitel = (red, blue)\n",
	    "x.theme:3: unknown role 'titel' (did you mean 'title'?)");
	expect_bad("\n\nfailed = (crimson, default)\n",
	    "x.theme:3: unknown colour 'crimson' (one of default, black, "
	    "red, green, yellow, blue, magenta, cyan, white)");
	expect_bad("passed = green, default\n",
	    "x.theme:1: expected (FOREGROUND, BACKGROUND[, ATTRIBUTE...])");
	expect_bad("passed = (green)\n",
	    "x.theme:1: expected (FOREGROUND, BACKGROUND[, ATTRIBUTE...])");
	expect_bad("dim = (default, default, blink)\n",
	    "x.theme:1: unknown attribute 'blink' (one of bold, dim, "
	    "reverse, underline, standout, normal)");
	expect_bad("title (red, blue)\n",
	    "x.theme:1: expected ROLE = (FOREGROUND, BACKGROUND[, "
	    "ATTRIBUTE...])");
	expect_bad("monochrome = maybe\n",
	    "x.theme:1: monochrome is yes or no, not 'maybe'");
}

static void
test_bad_file_by_path_falls_back(void **unused)
{
	struct theme	 t;
	char		*cause = NULL;
	char		 path[] = "/tmp/stepup-theme-XXXXXX";
	int		 fd = mkstemp(path);
	FILE		*f = fdopen(fd, "w");

	fputs("title = (RED, Blue, BOLD)\nselection = (black)\n", f);
	fclose(f);
	assert_int_equal(theme_load(&t, path, &cause), -1);
	{
		char *want = xasprintf("%s:2: expected (FOREGROUND, "
		    "BACKGROUND[, ATTRIBUTE...])", path);
		assert_string_equal(cause, want);
		free(want);
	}
	free(cause);
	assert_int_equal(t.role[ROLE_TITLE].fg, THEME_CYAN);
	unlink(path);
}

/* Every theme shipped (each file of themes/, not a list kept here)
 * round-trips. */
static void
test_round_trip(void **unused)
{
	struct theme	 t, u;
	struct dirent	*e;
	char		*text, *cause = NULL;
	DIR		*d;
	int		 n = 0;

	assert_non_null(d = opendir(themes));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		parse_file(&t, e->d_name);
		text = theme_format(&t);
		scrambled(&u);
		assert_int_equal(theme_parse(&u, text, "round", &cause), 0);
		assert_same(&t, &u);
		free(text);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);	/* default, high-contrast, monochrome */
}

static void
test_no_color_is_monochrome(void **unused)
{
	struct theme	 t;
	char		*cause = NULL;

	assert_int_equal(theme_choose(&t, "high-contrast", true, &cause), 0);
	assert_true(t.monochrome);
	assert_int_equal(t.role[ROLE_FAILED].fg, THEME_DEFAULT);
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(theme_choose(&t, "high-contrast", false, &cause), 0);
	assert_true(t.monochrome);
	unsetenv("NO_COLOR");
	assert_int_equal(theme_choose(&t, NULL, false, &cause), 0);
	assert_false(t.monochrome);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_file_is_the_table),
		cmocka_unit_test(test_monochrome_file_is_the_table),
		cmocka_unit_test(test_high_contrast_names_every_role),
		cmocka_unit_test(test_load_by_name),
		cmocka_unit_test(test_bad_files_name_file_and_line),
		cmocka_unit_test(test_bad_file_by_path_falls_back),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_color_is_monochrome),
	};

	snprintf(themes, sizeof themes, "%s/themes", top != NULL ? top : ".");
	setenv("STEPUP_THEMES_DIR", themes, 1);
	unsetenv("NO_COLOR");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
