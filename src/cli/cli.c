/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cli.c: the command line's machinery over the table of command entries
 * (cli.h): the one option parser, every --help text and usage error, the
 * lookup of a command, and what the commands share (plain mode's choice,
 * a run id, why a session did not open). Nothing here knows a command's options but from its entry. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "inventory-cmd.h"
#include "inventory.h"
#include "runbook.h"
#include "theme.h"
#include "tui.h"
#include "util.h"

struct cli cli;

#define CLI_COMMON(X)							\
	X(STATE_DIR, "state-dir", 0, "DIR",				\
	    "where journals, logs and locks are kept\n"			\
	    "(default $STEPUP_STATE_DIR, $XDG_STATE_HOME/stepup,\n"	\
	    "or /var/lib/stepup as root)")				\
	X(THEME, "theme", 0, "NAME",					\
	    "colour theme (default $STEPUP_THEME, or default);\n"	\
	    "'list' lists the themes there are, and exits")		\
	X(NO_COLOR, "no-color", 0, NULL,				\
	    "no colours (also when NO_COLOR is set)")			\
	X(HELP, "help", 'h', NULL, "show this help and exit")		\
	X(VERSION, "version", 'V', NULL,				\
	    "show the version and licence, and exit")

#define CLI_COMMON_ID(n, l, c, a, h)	CLI_OPT_##n,
#define CLI_COMMON_ROW(n, l, c, a, h)	{ l, c, a, h, CLI_OPT_##n },
enum { CLI_OPT__BEFORE = CLI_OPT_COMMON - 1, CLI_COMMON(CLI_COMMON_ID) };

const struct cli_option cli_common_options[] = {
	CLI_COMMON(CLI_COMMON_ROW)
	{ NULL, 0, NULL, NULL, 0 }
};

#define CLI_ENTRY_POINTER(name) &cmd_##name##_entry,
const struct command_entry *const cli_commands[] = {
	CLI_COMMANDS(CLI_ENTRY_POINTER)
	NULL
};

/* The widest a help line goes before it wraps. */
#define CLI_COLUMNS	79

const struct command_entry *
cli_command(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && cli_commands[i] != NULL; i++) {
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	}
	return NULL;
}

const struct command_entry *
cli_command_find(const char *word)
{
	const struct command_entry	*found;
	const char			*names[nitems(cli_commands)], *guess;
	static struct buf		 b;	/* reachable at exit() */
	size_t				 len = strlen(word), i, hits = 0;

	if ((found = cli_command(word)) != NULL)
		return found;
	buf_init(&b);
	for (i = 0; cli_commands[i] != NULL; i++) {
		names[i] = cli_commands[i]->name;
		if (len > 0 && strncmp(names[i], word, len) == 0) {
			found = cli_commands[i];
			hits++;
			buf_printf(&b, " '%s'", names[i]);
		}
	}
	names[i] = NULL;
	if (hits == 1) {
		buf_free(&b);
		return found;
	}
	if (hits > 1)
		cli_usage_error(NULL, "command '%s' is ambiguous; "
		    "possibilities:%s", word, b.data);
	if ((guess = word_closest(word, names)) != NULL)
		cli_usage_error(NULL, "unknown command '%s'; did you mean "
		    "'%s'?", word, guess);
	cli_usage_error(NULL, "unknown command '%s'", word);
}

/* Words put in lines no wider than CLI_COLUMNS, each line after the
 * first indented. */
struct cli_wrap {
	FILE	*f;
	int	 col;		/* where the line is */
	int	 indent;
	bool	 fresh;		/* nothing on this line yet */
};

static void
cli_word(struct cli_wrap *w, const char *word)
{
	int	len = (int)strlen(word);

	if (!w->fresh && w->col + 1 + len > CLI_COLUMNS) {
		fprintf(w->f, "\n%*s", w->indent, "");
		w->col = w->indent;
	} else if (!w->fresh) {
		fputc(' ', w->f);
		w->col++;
	}
	fputs(word, w->f);
	w->col += len;
	w->fresh = false;
}

/* "stepup NAME [--from V] [-o FILE] ... OPERANDS", wrapped, after the
 * col columns already on the line. */
static void
cli_synopsis(FILE *f, const struct command_entry *e, int col, int indent)
{
	struct cli_wrap		 w = { f, col, indent, true };
	const struct cli_option	*o;
	char			*word;

	cli_word(&w, "stepup");
	cli_word(&w, e->name);
	for (o = e->options; o != NULL && o->name != NULL; o++) {
		if (o->letter != 0)
			word = xasprintf("[-%c%s%s]", o->letter,
			    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
		else
			word = xasprintf("[--%s%s%s]", o->name,
			    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
		cli_word(&w, word);
		free(word);
	}
	if (e->operands != NULL && *e->operands != '\0')
		cli_word(&w, e->operands);
	fputc('\n', f);
}

/* "  -o, --output=FILE" or "      --from=V". Caller frees. */
static char *
cli_option_label(const struct cli_option *o)
{
	char	 letter[8] = "    ";

	if (o->letter != 0)
		snprintf(letter, sizeof letter, "-%c, ", o->letter);
	return xasprintf("  %s--%s%s%s", letter, o->name,
	    o->arg != NULL ? "=" : "", o->arg != NULL ? o->arg : "");
}

/* The options as --help lists them: the label, then the help text in a
 * column, its further lines under its first. */
static void
cli_option_list(FILE *f, const struct cli_option *v)
{
	const struct cli_option	*o;
	const char		*h, *nl;
	char			*label;
	int			 width = 0, len;

	for (o = v; o != NULL && o->name != NULL; o++) {
		label = cli_option_label(o);
		if ((len = (int)strlen(label)) > width)
			width = len;
		free(label);
	}
	width += 2;
	for (o = v; o != NULL && o->name != NULL; o++) {
		label = cli_option_label(o);
		fprintf(f, "%-*s", width, label);
		free(label);
		for (h = o->help;; h = nl + 1) {
			nl = strchr(h, '\n');
			fprintf(f, "%.*s\n", nl != NULL ? (int)(nl - h) :
			    (int)strlen(h), h);
			if (nl == NULL)
				break;
			fprintf(f, "%*s", width, "");
		}
	}
}

void
cli_help(FILE *f, const struct command_entry *e)
{
	struct cli_wrap		 w = { f, 0, 0, true };
	const struct cli_option	*o;
	size_t			 i;
	char			*word;

	if (e == NULL) {
		fprintf(f, "Usage: stepup [RUNBOOK]\n"
		    "       stepup COMMAND [OPTION]... [ARGUMENT]...\n"
		    "Walk an operator through a cluster upgrade, from a "
		    "runbook.\n\n"
		    "stepup RUNBOOK starts the upgrade of RUNBOOK, or resumes "
		    "it (as\nstepup run does); plain stepup, on a terminal, "
		    "offers the unfinished\nrun, the recent and the shipped "
		    "runbooks.\n\nCommands:\n");
		for (i = 0; cli_commands[i] != NULL; i++) {
			fputs("  ", f);
			cli_synopsis(f, cli_commands[i], 2, 8);
			fprintf(f, "      %s\n", cli_commands[i]->summary);
		}
		fprintf(f, "\nCommon options:\n");
		cli_option_list(f, cli_common_options);
		fprintf(f, "\nCommon options go before the command or after "
		    "it. A command or a\nlong option may be shortened to a "
		    "prefix that names only one.\n\n"
		    "Exit status: 0 done; 1 the upgrade or rollback failed or "
		    "is unfinished;\n2 usage error or invalid runbook; 3 no "
		    "allowed upgrade path;\n4 another operator holds the "
		    "lock.\n\nSee stepup(1) and stepup-runbook(5).\n");
		return;
	}
	fputs("Usage: ", f);
	cli_synopsis(f, e, 7, 8);
	fprintf(f, "%s\n", e->summary);
	if (e->help != NULL && *e->help != '\0')
		fprintf(f, "\n%s", e->help);
	if (e->options != NULL && e->options->name != NULL) {
		fputc('\n', f);
		cli_option_list(f, e->options);
	}
	if (e->status != NULL)
		fprintf(f, "\n%s", e->status);
	fputc('\n', f);
	cli_word(&w, "Common options:");
	for (o = cli_common_options; o->name != NULL; o++) {
		if (o->letter != 0) {
			word = xasprintf("-%c,", o->letter);
			cli_word(&w, word);
			free(word);
		}
		word = xasprintf("--%s%s%s%s", o->name, o->arg != NULL ? " " :
		    "", o->arg != NULL ? o->arg : "", o[1].name != NULL ? "," :
		    ".");
		cli_word(&w, word);
		free(word);
	}
	cli_word(&w, "See");
	cli_word(&w, "stepup(1).");
	fputc('\n', f);
}

void
cli_var_check(const struct command_entry *e, const char *arg)
{
	if (strchr(arg, '=') == NULL || *arg == '=')
		cli_usage_error(e, "--var takes NAME=VALUE, not '%s'", arg);
}

bool
cli_runbook_missing(const char *path)
{
	struct stat	st;
	int		fd;

	if (stat(path, &st) == 0) {
		/* Only a regular file is opened: a FIFO or a device is the
		 * loader's to refuse, without touching it. */
		if (!S_ISREG(st.st_mode))
			return false;
		if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) != -1) {
			close(fd);
			return false;
		}
	}
	escape_printf(stderr, "stepup: cannot open the runbook %s: %s\n",
	    path, strerror(errno));
	return true;
}

void
cli_usage_error(const struct command_entry *e, const char *fmt, ...)
{
	va_list	ap;

	fputs("stepup: ", stderr);
	va_start(ap, fmt);
	escape_vprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'stepup %s%s--help' for more information.\n",
	    e != NULL ? e->name : "", e != NULL ? " " : "");
	exit(EXIT_USAGE);
}

/* stepup --version, -V. */
static void __attribute__((noreturn))
cli_version(void)
{
	printf("stepup %s\n"
	    "Copyright (c) 2026 the stepup authors.\n"
	    "ISC licence: free to use, copy, modify and distribute, with or "
	    "without fee.\nThere is NO WARRANTY, to the extent permitted by "
	    "law.\n", PACKAGE_VERSION);
	exit(EXIT_DONE);
}

/* Handle a common option; false when opt is not one. */
static bool
cli_common(int opt, const struct command_entry *e)
{
	switch (opt) {
	case CLI_OPT_STATE_DIR:
		cli.state_dir = optarg;
		return true;
	case CLI_OPT_THEME:
		cli.theme = optarg;
		return true;
	case CLI_OPT_NO_COLOR:
		cli.no_color = true;
		return true;
	case CLI_OPT_HELP:
		cli_help(stdout, e);
		exit(EXIT_DONE);
	case CLI_OPT_VERSION:
		cli_version();
	}
	return false;
}

/* Say what is wrong with the option getopt_long stopped at (opterr is 0,
 * so that every message is stepup's own) and exit 2. */
static void __attribute__((noreturn))
cli_bad_option(int argc, char **argv, int opt, const struct option *longopts,
    size_t n_longopts, const struct command_entry *e)
{
	const char		*arg = optind > 0 && optind <= argc ?
				    argv[optind - 1] : "";
	/* Static: every way out is exit(), and what they hold must stay
	 * where the program reaches it (LeakSanitizer). */
	static const char	**names;
	static struct buf	 b;
	const char		*guess;
	const struct option	*o, *match = NULL;
	size_t			 len, n = 0, hits = 0;

	if (strncmp(arg, "--", 2) != 0) {
		if (opt == ':')
			cli_usage_error(e, "option requires an argument "
			    "-- '%c'", optopt);
		cli_usage_error(e, "invalid option -- '%c'", optopt);
	}
	len = strcspn(arg + 2, "=");
	names = xcalloc(n_longopts + 1, sizeof *names);
	buf_init(&b);
	for (o = longopts; o->name != NULL; o++) {
		names[n++] = o->name;
		if (strncmp(o->name, arg + 2, len) == 0) {
			if (strlen(o->name) == len) {
				match = o;
				hits = 1;
				break;
			}
			match = o;
			hits++;
			buf_printf(&b, " '--%s'", o->name);
		}
	}
	if (opt == ':')
		cli_usage_error(e, "option '--%s' requires an argument",
		    match != NULL ? match->name : arg + 2);
	if (hits > 1)
		cli_usage_error(e, "option '%.*s' is ambiguous; "
		    "possibilities:%s", (int)len + 2, arg, b.data);
	if (hits == 1)
		cli_usage_error(e, "option '--%s' doesn't allow an argument",
		    match->name);
	b.len = 0;
	buf_printf(&b, "%.*s", (int)len, arg + 2);
	if ((guess = word_closest(b.data, names)) != NULL)
		cli_usage_error(e, "unrecognized option '%s'; did you mean "
		    "'--%s'?", arg, guess);
	cli_usage_error(e, "unrecognized option '%s'", arg);
}

/* At the end of the options: the theme asked for exists and parses, or
 * is "list". */
static void
cli_ready(void)
{
	struct theme	  t;
	char		**names, *cause = NULL, *line, *next;
	size_t		  i;

	if (cli.theme == NULL)
		return;
	if (strcmp(cli.theme, "list") == 0) {
		names = theme_list();
		for (i = 0; names[i] != NULL; i++) {
			printf("%s\n", names[i]);
			free(names[i]);
		}
		free(names);
		exit(EXIT_DONE);
	}
	if (theme_load(&t, cli.theme, &cause) == 0)
		return;
	for (line = cause; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fprintf(stderr, "stepup: %s\n", line);
	}
	free(cause);
	fprintf(stderr, "Try 'stepup --theme list' for the themes there are.\n");
	exit(EXIT_USAGE);
}

char *
cli_shortopts(const struct command_entry *e)
{
	const struct cli_option	*lists[2], *o;
	struct buf		 b;
	size_t			 k;

	buf_init(&b);
	if (e == NULL)
		buf_putc(&b, '+');	/* stop at the command */
	buf_putc(&b, ':');		/* ':' for a missing argument */
	lists[0] = e != NULL ? e->options : NULL;
	lists[1] = cli_common_options;
	for (k = 0; k < nitems(lists); k++) {
		for (o = lists[k]; o != NULL && o->name != NULL; o++) {
			if (o->letter == 0)
				continue;
			buf_putc(&b, o->letter);
			if (o->arg != NULL)
				buf_putc(&b, ':');
		}
	}
	return buf_take(&b);
}

/* getopt_long's table: the entry's options, then the common ones. */
static struct option *
cli_longopts(const struct command_entry *e, size_t *n)
{
	const struct cli_option	*lists[2], *o;
	struct option		*v;
	size_t			 k, i = 0;

	lists[0] = e != NULL ? e->options : NULL;
	lists[1] = cli_common_options;
	*n = 0;
	for (k = 0; k < nitems(lists); k++) {
		for (o = lists[k]; o != NULL && o->name != NULL; o++)
			(*n)++;
	}
	v = xcalloc(*n + 1, sizeof *v);
	for (k = 0; k < nitems(lists); k++) {
		for (o = lists[k]; o != NULL && o->name != NULL; o++) {
			v[i].name = o->name;
			v[i].has_arg = o->arg != NULL ? required_argument :
			    no_argument;
			v[i].val = o->id;
			i++;
		}
	}
	return v;
}

/* The id of the option a letter is. */
static int
cli_letter(const struct command_entry *e, int letter)
{
	const struct cli_option	*lists[2], *o;
	size_t			 k;

	lists[0] = e != NULL ? e->options : NULL;
	lists[1] = cli_common_options;
	for (k = 0; k < nitems(lists); k++) {
		for (o = lists[k]; o != NULL && o->name != NULL; o++) {
			if (o->letter == letter)
				return o->id;
		}
	}
	return letter;
}

int
cli_getopt(const struct command_entry *e, int argc, char **argv)
{
	/* Kept where the whole program can reach them: a bad option, --help
	 * and --version leave by exit() from within the scan. */
	static struct option	*longopts;
	static char		*optstring;
	static bool		 scanning;
	size_t			 n;
	int			 opt;

	/* A new scan (of the top level, then of the command) starts over:
	 * glibc keeps the first scan's ordering unless optind is 0. */
	if (!scanning) {
		optind = 0;
		scanning = true;
	}
	opterr = 0;
	optstring = cli_shortopts(e);
	longopts = cli_longopts(e, &n);
	for (;;) {
		opt = getopt_long(argc, argv, optstring, longopts, NULL);
		if (opt == '?' || opt == ':')
			cli_bad_option(argc, argv, opt, longopts, n, e);
		if (opt > 0 && opt < CLI_OPT_COMMON)
			opt = cli_letter(e, opt);
		if (opt == -1 || !cli_common(opt, e))
			break;
	}
	free(optstring);
	optstring = NULL;
	free(longopts);
	longopts = NULL;
	if (opt == -1) {
		struct tui_opts	to = { cli.theme, cli.no_color, cli.state_dir };

		scanning = false;
		cli_ready();
		tui_options(&to);	/* the wizard takes them from here */
	}
	return opt;
}

void
cli_environment(void)
{
	const char	*s;

	if ((s = getenv("STEPUP_STATE_DIR")) != NULL && *s != '\0')
		cli.state_dir = s;
	if ((s = getenv("STEPUP_THEME")) != NULL && *s != '\0')
		cli.theme = s;
	if ((s = getenv("NO_COLOR")) != NULL && *s != '\0')
		cli.no_color = true;
}

void
cli_session_error(const char *runbook, const char *cause)
{
	size_t	len = runbook != NULL ? strlen(runbook) : 0;

	if (cause == NULL)
		cause = "the session could not be opened";
	if (len > 0 && strncmp(cause, runbook, len) == 0 && cause[len] == ':')
		escape_printf(stderr, "%s\n", cause);
	else
		escape_printf(stderr, "stepup: %s\n", cause);
}

bool
cli_plain(bool asked)
{
	const char	*term = getenv("TERM");

	return asked || term == NULL || *term == '\0' ||
	    strcmp(term, "dumb") == 0 || !isatty(STDOUT_FILENO) ||
	    !isatty(STDIN_FILENO);
}

long long
cli_run_id(const char *word)
{
	char		*end;
	long long	 id;

	if (word == NULL || *word < '0' || *word > '9')
		return 0;
	errno = 0;
	id = strtoll(word, &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0)
		return 0;
	return id;
}

int
cli_inventory(struct runbook *rb, const char *file, const char *limit,
    char **source)
{
	struct inv_where	 w;
	struct rb_diags		 d;
	struct inventory	*inv;
	char			*text, *src;

	if (source != NULL)
		*source = NULL;
	memset(&w, 0, sizeof w);
	w.file = file;
	w.limit = limit;
	rb_diags_init(&d);
	if (inventory_resolve(rb, &w, &inv, &text, &src, &d) != 0) {
		rb_diags_print(&d, stderr);
		rb_diags_free(&d);
		return EXIT_USAGE;
	}
	rb_diags_print(&d, stderr);	/* its warnings */
	rb_diags_free(&d);
	free(text);
	if (inv != NULL) {
		inventory_free(rb->inventory);
		rb->inventory = inv;
	}
	if (source != NULL)
		*source = src;
	else
		free(src);
	return EXIT_DONE;
}
