/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_cli.c: the command entries checked against each other and against
 * what is derived from them: names as CLI_COMMANDS lists them and unique,
 * options unique per command (with the common ones), every command and
 * option in --help, and the parser returning each option's id. */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "util.h"

/* The text cli_help writes for e. Caller frees. */
static char *
help_text(const struct command_entry *e)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&text, &len));
	cli_help(f, e);
	assert_int_equal(fclose(f), 0);
	return text;
}

static size_t
count_entries(void)
{
	size_t	n = 0;

	while (cli_commands[n] != NULL)
		n++;
	return n;
}

static void
test_entries_are_the_list(void **unused)
{
	static const char *const names[] = {
#define NAME(name) #name,
		CLI_COMMANDS(NAME)
#undef NAME
	};
	size_t	i, k;

	assert_int_equal(count_entries(), nitems(names));
	for (i = 0; i < nitems(names); i++) {
		const struct command_entry *e = cli_commands[i];

		assert_string_equal(e->name, names[i]);
		assert_ptr_equal(cli_command(names[i]), e);
		assert_non_null(e->run);
		assert_non_null(e->summary);
		assert_true(*e->summary != '\0');
		assert_null(strchr(e->summary, '\n'));
		assert_non_null(e->operands);
		for (k = 0; k < i; k++)
			assert_string_not_equal(cli_commands[k]->name, e->name);
	}
	assert_null(cli_command("no-such-command"));
}

/* A list's rows are well formed and unlike each other and the common
 * options. */
static void
check_options(const struct cli_option *v, bool own)
{
	const struct cli_option	*o, *p, *c;
	const char		*s;

	for (o = v; o != NULL && o->name != NULL; o++) {
		assert_true(islower((unsigned char)o->name[0]));
		for (s = o->name; *s != '\0'; s++)
			assert_true(islower((unsigned char)*s) || *s == '-');
		assert_true(o->letter == 0 || isalpha(o->letter));
		assert_true(o->arg == NULL || (*o->arg != '\0' &&
		    strchr(o->arg, ' ') == NULL));
		assert_non_null(o->help);
		assert_true(*o->help != '\0');
		if (own)
			assert_true(o->id >= CLI_OPT_FIRST);
		for (p = v; p < o; p++) {
			assert_string_not_equal(p->name, o->name);
			assert_int_not_equal(p->id, o->id);
			if (o->letter != 0)
				assert_int_not_equal(p->letter, o->letter);
		}
		if (!own)
			continue;
		for (c = cli_common_options; c->name != NULL; c++) {
			assert_string_not_equal(c->name, o->name);
			assert_int_not_equal(c->id, o->id);
			if (o->letter != 0)
				assert_int_not_equal(c->letter, o->letter);
		}
	}
}

static void
test_options_unique(void **unused)
{
	size_t	i;

	check_options(cli_common_options, false);
	for (i = 0; cli_commands[i] != NULL; i++)
		check_options(cli_commands[i]->options, true);
}

/* Every line of a help text fits 80 columns. */
static void
assert_narrow(const char *text)
{
	const char	*line, *nl;

	for (line = text; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (nl - line > 79)
			fail_msg("a help line is %d wide: %.*s", (int)(nl - line),
			    (int)(nl - line), line);
		if (*nl == '\0')
			break;
	}
}

/* The label --help gives an option: "--name" or "--name=ARG", then at
 * least two spaces. */
static void
assert_lists(const char *text, const struct cli_option *o)
{
	char	*label, *at;

	label = xasprintf("--%s%s%s  ", o->name, o->arg != NULL ? "=" : "",
	    o->arg != NULL ? o->arg : "");
	if ((at = strstr(text, label)) == NULL)
		fail_msg("--help lacks %s", label);
	if (o->letter != 0) {
		assert_true(at - text >= 4);
		assert_int_equal(at[-4], '-');
		assert_int_equal(at[-3], o->letter);
	}
	free(label);
}

static void
test_help_lists_everything(void **unused)
{
	const struct command_entry	*e;
	const struct cli_option		*o;
	char				*top, *text, *want;
	size_t				 i;

	top = help_text(NULL);
	assert_narrow(top);
	for (o = cli_common_options; o->name != NULL; o++)
		assert_lists(top, o);
	for (i = 0; (e = cli_commands[i]) != NULL; i++) {
		want = xasprintf("\n  stepup %s", e->name);
		if (strstr(top, want) == NULL)
			fail_msg("stepup --help lacks %s", e->name);
		free(want);
		want = xasprintf("\n      %s\n", e->summary);
		assert_non_null(strstr(top, want));
		free(want);

		text = help_text(e);
		assert_narrow(text);
		want = xasprintf("Usage: stepup %s", e->name);
		assert_true(strncmp(text, want, strlen(want)) == 0);
		free(want);
		for (o = e->options; o != NULL && o->name != NULL; o++) {
			assert_lists(text, o);
			/* And in the usage line, in the order of the table. */
			want = o->letter != 0 ? xasprintf("[-%c", o->letter) :
			    xasprintf("[--%s", o->name);
			assert_non_null(strstr(text, want));
			free(want);
		}
		assert_non_null(strstr(text, "Common options: --state-dir DIR"));
		free(text);
	}
	free(top);
}

static void
test_shortopts(void **unused)
{
	char	*s;

	s = cli_shortopts(NULL);
	assert_string_equal(s, "+:hV");
	free(s);
	s = cli_shortopts(cli_command("export"));
	assert_string_equal(s, ":o:hV");
	free(s);
	s = cli_shortopts(cli_command("plan"));
	assert_string_equal(s, ":hV");
	free(s);
}

/* One option of e as argv gives: its id, then its argument. */
static void
expect_parsed(const struct command_entry *e, const struct cli_option *o,
    const char *word)
{
	char	*argv[] = { (char *)e->name, (char *)word, "ARG", NULL };
	int	 argc = o->arg != NULL ? 3 : 2;

	assert_int_equal(cli_getopt(e, argc, argv), o->id);
	if (o->arg != NULL)
		assert_string_equal(optarg, "ARG");
	assert_int_equal(cli_getopt(e, argc, argv), -1);
	assert_int_equal(optind, argc);
}

static void
test_getopt_returns_the_rows(void **unused)
{
	const struct command_entry	*e;
	const struct cli_option		*o;
	char				*word;
	size_t				 i;

	for (i = 0; (e = cli_commands[i]) != NULL; i++) {
		for (o = e->options; o != NULL && o->name != NULL; o++) {
			word = xasprintf("--%s", o->name);
			expect_parsed(e, o, word);
			free(word);
			if (o->letter != 0) {
				word = xasprintf("-%c", o->letter);
				expect_parsed(e, o, word);
				free(word);
			}
		}
	}
	/* A unique prefix is the option. */
	e = cli_command("plan");
	for (o = e->options; strcmp(o->name, "direct") != 0; o++)
		continue;
	expect_parsed(e, o, "--dir");
}

static void
test_run_id(void **unused)
{
	assert_int_equal(cli_run_id("7"), 7);
	assert_int_equal(cli_run_id("12345"), 12345);
	assert_int_equal(cli_run_id("0"), 0);
	assert_int_equal(cli_run_id("-3"), 0);
	assert_int_equal(cli_run_id("+3"), 0);
	assert_int_equal(cli_run_id(" 3"), 0);
	assert_int_equal(cli_run_id("3x"), 0);
	assert_int_equal(cli_run_id(""), 0);
	assert_int_equal(cli_run_id("99999999999999999999999"), 0);
	assert_int_equal(cli_run_id(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_entries_are_the_list),
		cmocka_unit_test(test_options_unique),
		cmocka_unit_test(test_help_lists_everything),
		cmocka_unit_test(test_shortopts),
		cmocka_unit_test(test_getopt_returns_the_rows),
		cmocka_unit_test(test_run_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
