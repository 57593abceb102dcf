/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* main.c: the command line: subcommands and common options, nothing else.
 * Each subcommand lives in src/cli/cmd-<name>.c; adding one is a line in the
 * table below. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "theme.h"
#include "tui.h"
#include "util.h"

struct cli cli;

/* In the order --help lists them. Each area adds its commands in its own
 * slot; the prototypes are in cli.h. */
static const struct command commands[] = {
	/* == session: run == */
	{ "run", cmd_run, "RUNBOOK [--from V] [--to V] [--dry-run] [--plain] [--step]",
	  "walk through the upgrade, or resume it (also: stepup RUNBOOK)",
	  "Plans the upgrade, asks the runbook's questions, then walks every\n"
	  "step with the operator, keeping each act in the journal. An\n"
	  "unfinished run of the same runbook is offered for resuming.\n\n"
	  "      --from V   the installed version (default: versions.installed)\n"
	  "      --to V     the target (default: the newest available release)\n"
	  "      --var N=V  the answer of variable N, for the policy's `when`\n"
	  "      --dry-run  show every step's command and environment; run none\n"
	  "      --plain    numbered line prompts on stdout, answers on stdin\n"
	  "                 (also when TERM is dumb or stdout is not a terminal)\n"
	  "      --step     ask before every action, even after a confirmation\n\n"
	  "Exit status: 0 done, 1 failed or left unfinished (resumable),\n"
	  "2 usage error or invalid runbook, 3 refused by the policy,\n"
	  "4 another operator holds the runbook's lock.\n" },

	/* == planner: plan == */
	{ "plan", cmd_plan, "RUNBOOK [--from V] [--to V] [--var N=V] [--direct] [--json]",
	  "the upgrade path: each hop, why each stop, and its steps",
	  "Finds the shortest upgrade path the runbook's policy allows from\n"
	  "the installed version to the target, and prints each hop with its\n"
	  "kind, why its stop is there, and the hop steps that run for it;\n"
	  "or, when the policy allows no path, the rule that forbids it and\n"
	  "the nearest version that can be reached.\n\n"
	  "      --from V   the installed version (default: versions.installed)\n"
	  "      --to V     the target (default: the newest available release)\n"
	  "      --direct   ask about the one hop from -> to: allowed, or the\n"
	  "                 rule that forbids it and the path that works\n"
	  "      --json     print a JSON object (see stepup(1))\n\n"
	  "Exit status: 0 planned or nothing to do, 1 a probe command failed,\n"
	  "2 usage error or invalid runbook, 3 refused by the policy.\n" },

	/* == loader: lint == */
	{ "lint", cmd_lint, "[--no-shellcheck] RUNBOOK...",
	  "check runbooks: format, steps, and their shell commands",
	  "Loads and validates each RUNBOOK, printing every problem as\n"
	  "FILE:LINE:COL: message. Warns about actions without undo or\n"
	  "on-failure, actions before the first confirm step, and artifacts\n"
	  "no rollback step uses. When shellcheck is installed, checks every\n"
	  "command too.\n\n"
	  "      --no-shellcheck  do not run shellcheck\n\n"
	  "Exit status: 0 when every runbook is valid (warnings allowed),\n"
	  "2 otherwise.\n" },

	/* == export: rollback, export == */
	{ "rollback", cmd_rollback, "[--plain] [RUNBOOK]",
	  "roll back the latest run, guided: undo what passed, latest first",
	  "Rolls back the latest run of RUNBOOK (without one: the latest run\n"
	  "in the journal), whether it failed, was left unfinished, or\n"
	  "succeeded. It shows what will be undone (the undo of every action\n"
	  "that passed, latest first, then the runbook's rollback steps) and\n"
	  "the backups it relies on, checks that they are still there and\n"
	  "unchanged, asks for \"yes, roll back to VERSION\", runs the steps\n"
	  "like an upgrade (resumable, one operator at a time), then checks\n"
	  "the installed version and says what state things are in.\n\n"
	  "      --plain          line prompts (the only front end for now)\n\n"
	  "Exit status: 0 the old version is back; 1 the rollback failed, was\n"
	  "left unfinished or refused to start (a backup changed); 2 nothing\n"
	  "to roll back, or invalid runbook; 4 another operator holds the lock.\n" },
	{ "export", cmd_export,
	  "RUNBOOK [--from V] [--to V] | --run ID [RUNBOOK]\n"
	  "        [--format txt|md|html] [-o FILE]",
	  "print the checklist of a planned upgrade, or the report of a run",
	  "The checklist: the header (product, from, to, the path and why each\n"
	  "stop, date, host), every step with a box to tick, its command with\n"
	  "the variables it uses, its undo and what a failure leaves behind,\n"
	  "the rollback, and sign-off lines. The report (--run): what a run of\n"
	  "the journal did, who confirmed what and when, exit statuses,\n"
	  "artifacts, and its rollback. Secrets never appear.\n\n"
	  "      --from V         the installed version (default: probed)\n"
	  "      --to V           the target (default: the newest available)\n"
	  "      --run ID         the report of run ID instead\n"
	  "      --format FMT     txt (default, 80 columns), md or html (print)\n"
	  "  -o, --output FILE    write to FILE instead of standard output\n"
	  "      --date TEXT      the date shown (default: now, or\n"
	  "                       $SOURCE_DATE_EPOCH)\n"
	  "      --host NAME      the host shown (default: this host)\n\n"
	  "Exit status: 0 written; 1 a probe failed or the file could not be\n"
	  "written; 2 usage error, invalid runbook or no such run; 3 no\n"
	  "allowed path.\n" },

	/* == journal: recover == */
	{ "recover", cmd_recover, "",
	  "rebuild what the journal lost from the evidence beside it",
	  "When the journal has lost records (a truncated, damaged or deleted\n"
	  "journal.db-wal, an emptied journal.db) that the files beside it\n"
	  "still show, stepup refuses to run anything. This says what was lost\n"
	  "and what the evidence shows and, once \"rebuild the journal\" is\n"
	  "typed, journals it: each lost run again, a recover event, and each\n"
	  "command attempt whose files are there as started, so that resuming\n"
	  "reads its exit status and never runs it again.\n\n"
	  "Exit status: 0 rebuilt, or nothing to rebuild; 1 not confirmed or\n"
	  "not possible; 4 another operator holds a lost run's lock.\n" },

	/* == session: history, show == */
	{ "history", cmd_history, "[RUNBOOK]",
	  "past runs, of every runbook or of one", "" },
	{ "show", cmd_show, "RUN-ID",
	  "one run: its steps, commands, artifacts and every event", "" },

	/* == watch: watch, takeover == */
	{ "watch", cmd_watch, "[--plain] [RUNBOOK | RUN-ID]",
	  "follow a run another operator holds, read-only, as it goes",
	  "Opens the wizard read-only on the run (a runbook's unfinished or\n"
	  "latest run, a run by its id, or without either the latest\n"
	  "unfinished run): every step's state and events, the running\n"
	  "action's output, each screen naming the holder. No key changes\n"
	  "anything; no lock is taken. When the run ends or its lock is\n"
	  "free, it says so and T takes the run over (resumes it). In plain\n"
	  "mode, the run's events are printed as lines as they are journaled,\n"
	  "until the run ends. Costs nothing while nothing changes.\n\n"
	  "      --plain    events as lines on stdout (also when TERM is dumb\n"
	  "                 or stdout is not a terminal)\n\n"
	  "Exit status: 0 the run is done, 1 it failed, was paused or its\n"
	  "holder is gone, 2 usage error or nothing to watch.\n" },
	{ "takeover", cmd_takeover,
	  "[--plain] [--reason TEXT] [RUNBOOK | RUN-ID]",
	  "take a run over from its live holder, then resume it",
	  "Shows the run read-only and asks for \"take over from NAME\" (NAME\n"
	  "the holder) and a reason; the takeover is journaled (who, from\n"
	  "whom, when, why), the holder's stepup turns read-only within a\n"
	  "second and lets go of the lock, and the run is resumed here: an\n"
	  "action in flight is followed, never run again. A run nobody holds\n"
	  "is simply resumed.\n\n"
	  "      --plain        the phrase and the reason read from stdin\n"
	  "      --reason TEXT  the reason, not asked\n\n"
	  "Exit status: as stepup run; 1 also when nothing was taken over.\n" },

	{ NULL, NULL, NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct command	*c;

	fprintf(f, "Usage: stepup [RUNBOOK]\n"
	    "       stepup COMMAND [OPTION]... [ARGUMENT]...\n"
	    "Walk an operator through a cluster upgrade, from a runbook.\n\n"
	    "stepup RUNBOOK starts the upgrade of RUNBOOK, or resumes it (as\n"
	    "stepup run does); plain stepup, on a terminal, offers the unfinished\n"
	    "run, the recent and the shipped runbooks.\n\n"
	    "Commands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(f, "  stepup %s %s\n      %s\n", c->name, c->args,
		    c->summary);
	fprintf(f, "\nCommon options:\n"
	    "      --state-dir DIR  where journals, logs and locks are kept\n"
	    "                       (default $STEPUP_STATE_DIR, $XDG_STATE_HOME/stepup,\n"
	    "                       or /var/lib/stepup as root)\n"
	    "      --theme NAME     colour theme (default $STEPUP_THEME, or default)\n"
	    "      --no-color       no colours (also when NO_COLOR is set)\n"
	    "      --theme list     list the themes there are, and exit\n"
	    "  -h, --help           show this help and exit\n"
	    "  -V, --version        show the version and licence, and exit\n\n"
	    "Common options go before the command or after it. A command or a\n"
	    "long option may be shortened to a prefix that names only one.\n\n"
	    "Exit status: 0 done; 1 the upgrade or rollback failed or is unfinished;\n"
	    "2 usage error or invalid runbook; 3 no allowed upgrade path;\n"
	    "4 another operator holds the lock.\n\n"
	    "See stepup(1) and stepup-runbook(5).\n");
}

const struct command *
cli_command(const char *name)
{
	const struct command	*c;

	for (c = commands; name != NULL && c->name != NULL; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

/* The command a word names: exactly, or as a shortening of one only, as
 * getopt_long takes --state for --state-dir. Exits 2, saying why, when it
 * names none or several. */
static const struct command *
cli_command_find(const char *word)
{
	const struct command	*c, *found = NULL;
	const char		*names[nitems(commands)], *guess;
	struct buf		 b;
	size_t			 n = 0, len = strlen(word), i;

	if ((found = cli_command(word)) != NULL)
		return found;
	for (c = commands; c->name != NULL; c++) {
		names[n++] = c->name;
		if (len > 0 && strncmp(c->name, word, len) == 0) {
			if (found != NULL)
				goto ambiguous;
			found = c;
		}
	}
	names[n] = NULL;
	if (found != NULL)
		return found;
	if ((guess = word_closest(word, names)) != NULL)
		cli_usage_error(NULL, "unknown command '%s'; did you mean "
		    "'%s'?", word, guess);
	cli_usage_error(NULL, "unknown command '%s'", word);
ambiguous:
	buf_init(&b);
	for (i = 0; commands[i].name != NULL; i++) {
		if (strncmp(commands[i].name, word, len) == 0)
			buf_printf(&b, " '%s'", commands[i].name);
	}
	cli_usage_error(NULL, "command '%s' is ambiguous; possibilities:%s",
	    word, b.data);
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

void
cli_command_help(const char *name)
{
	const struct command	*c = cli_command(name);

	if (c == NULL) {
		usage(stdout);
		exit(EXIT_DONE);
	}
	printf("Usage: stepup %s %s\n%s\n", c->name, c->args, c->summary);
	if (c->help != NULL && *c->help != '\0')
		printf("\n%s", c->help);
	printf("\nCommon options: --state-dir DIR, --theme NAME, --no-color, "
	    "-h, --help,\n-V, --version. See stepup(1).\n");
	exit(EXIT_DONE);
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
cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list	ap;

	fputs("stepup: ", stderr);
	va_start(ap, fmt);
	escape_vprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'stepup %s%s--help' for more information.\n",
	    command != NULL ? command : "", command != NULL ? " " : "");
	exit(EXIT_USAGE);
}

bool
cli_common(int opt, const char *command)
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
		cli_command_help(command);
	case CLI_OPT_VERSION:
		cli_version();
	}
	return false;
}

/* Say what is wrong with the option getopt_long stopped at (opterr is 0,
 * so that every message is stepup's own) and exit 2. */
static void __attribute__((noreturn))
cli_bad_option(int argc, char **argv, int opt, const struct option *longopts,
    const char *command)
{
	const char		*arg = optind > 0 && optind <= argc ?
				    argv[optind - 1] : "";
	const char		*names[64], *guess;
	const struct option	*o, *match = NULL;
	struct buf		 b;
	size_t			 len, n = 0, hits = 0;

	if (strncmp(arg, "--", 2) != 0) {
		if (opt == ':')
			cli_usage_error(command, "option requires an argument "
			    "-- '%c'", optopt);
		cli_usage_error(command, "invalid option -- '%c'", optopt);
	}
	len = strcspn(arg + 2, "=");
	buf_init(&b);
	for (o = longopts; o->name != NULL; o++) {
		if (n + 1 < nitems(names))
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
	names[n] = NULL;
	if (opt == ':')
		cli_usage_error(command, "option '--%s' requires an argument",
		    match != NULL ? match->name : arg + 2);
	if (hits > 1)
		cli_usage_error(command, "option '%.*s' is ambiguous; "
		    "possibilities:%s", (int)len + 2, arg, b.data);
	if (hits == 1)
		cli_usage_error(command, "option '--%s' doesn't allow an "
		    "argument", match->name);
	b.len = 0;
	buf_printf(&b, "%.*s", (int)len, arg + 2);
	if ((guess = word_closest(b.data, names)) != NULL)
		cli_usage_error(command, "unrecognized option '%s'; did you "
		    "mean '--%s'?", arg, guess);
	cli_usage_error(command, "unrecognized option '%s'", arg);
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

int
cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *command)
{
	static bool	 scanning;
	char		*optstring;
	int		 opt;

	/* A new scan (of the top level, then of the command) starts over:
	 * glibc keeps the first scan's ordering unless optind is 0. */
	if (!scanning) {
		optind = 0;
		scanning = true;
	}
	opterr = 0;
	optstring = xasprintf("%s:%shV", command == NULL ? "+" : "",
	    shortopts);
	for (;;) {
		opt = getopt_long(argc, argv, optstring, longopts, NULL);
		if (opt == 'h')
			opt = CLI_OPT_HELP;
		else if (opt == 'V')
			opt = CLI_OPT_VERSION;
		if (opt == '?' || opt == ':') {
			free(optstring);
			cli_bad_option(argc, argv, opt, longopts, command);
		}
		if (opt == -1 || !cli_common(opt, command))
			break;
	}
	free(optstring);
	if (opt == -1) {
		struct tui_opts	to = { cli.theme, cli.no_color, cli.state_dir };

		scanning = false;
		cli_ready();
		tui_options(&to);	/* the wizard takes them from here */
	}
	return opt;
}

static void
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

int
main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const struct command		*c;

	cli_environment();
	/* The common options may come before the command too. */
	while (cli_getopt(argc, argv, "", longopts, NULL) != -1)
		continue;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		/* == tui: a bare stepup on a terminal offers the runbooks == */
		const char	*term = getenv("TERM");
		char		*path = NULL, *run[] = { "run", NULL, NULL };
		int		 r;

		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
		    term != NULL && *term != '\0' && strcmp(term, "dumb") != 0) {
			if ((r = tui_pick(&path)) != EXIT_DONE || path == NULL)
				return r;
			run[1] = path;
			r = cmd_run(2, run);
			free(path);
			return r;
		}
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((c = cli_command(argv[0])) == NULL) {
		/* == session: "stepup RUNBOOK" means "stepup run RUNBOOK" == */
		if (access(argv[0], F_OK) == 0) {
			argv[-1] = "run";
			return cmd_run(argc + 1, argv - 1);
		}
		if (strchr(argv[0], '/') != NULL ||
		    (strlen(argv[0]) > 5 && (strcmp(argv[0] + strlen(argv[0]) -
		    5, ".yaml") == 0 || strcmp(argv[0] + strlen(argv[0]) - 4,
		    ".yml") == 0))) {
			(void)cli_runbook_missing(argv[0]);
			fputs("Try 'stepup --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
		c = cli_command_find(argv[0]);
	}
	return c->fn(argc, argv);
}
