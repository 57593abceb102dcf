/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cli.h: what every subcommand shares: the options common to all of them,
 * and the prototypes of the subcommands (one src/cli/cmd-<name>.c each). */
#ifndef STEPUP_CLI_H
#define STEPUP_CLI_H

#include <getopt.h>
#include <stdbool.h>

/* Options common to every command, after environment defaults. */
struct cli {
	const char	*state_dir;	/* --state-dir, STEPUP_STATE_DIR, or NULL */
	const char	*theme;		/* --theme, STEPUP_THEME, or NULL */
	bool		 no_color;	/* --no-color, NO_COLOR */
};
extern struct cli cli;

/* Long options for the common flags; commands append them to their own
 * struct option table with CLI_COMMON_OPTIONS and pass unknown option
 * characters to cli_common(). */
enum {
	CLI_OPT_STATE_DIR = 0x1000,
	CLI_OPT_THEME,
	CLI_OPT_NO_COLOR,
	CLI_OPT_HELP,
	CLI_OPT_VERSION,
	CLI_OPT__FIRST_PRIVATE = 0x1100, /* commands number their own from here */
};
#define CLI_COMMON_OPTIONS						\
	{ "state-dir", required_argument, NULL, CLI_OPT_STATE_DIR },	\
	{ "theme", required_argument, NULL, CLI_OPT_THEME },		\
	{ "no-color", no_argument, NULL, CLI_OPT_NO_COLOR },		\
	{ "help", no_argument, NULL, CLI_OPT_HELP },			\
	{ "version", no_argument, NULL, CLI_OPT_VERSION }

/* The one option parser, for the options before the command (command
 * NULL: it stops at the first operand) and for each command's: getopt_long
 * with the command's own options and the common ones (also -h and -V),
 * which it handles itself. Returns the next option of the command's own,
 * or -1 at the end, once the theme asked for is checked ("--theme list"
 * lists them and exits 0; an unknown or broken one exits 2). A bad option
 * exits 2 with "stepup: unrecognized option '--x'" and the like. */
int	cli_getopt(int argc, char **argv, const char *shortopts,
	    const struct option *longopts, const char *command);
/* Handle a common option returned by getopt_long. Returns true when it was
 * one; prints the command's help for --help, the version for --version. */
bool	cli_common(int opt, const char *command);
/* When the runbook at path cannot be opened (no such file, no permission),
 * say so as every command does, "stepup: cannot open the runbook PATH:
 * REASON", and return true; false when it can (what is in it is the
 * loader's to judge). */
bool	cli_runbook_missing(const char *path);
/* Print "stepup: message" and "Try 'stepup --help'" and exit 2. */
void	cli_usage_error(const char *command, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Print the help of one command (its usage and summary) and exit 0. */
void	cli_command_help(const char *command) __attribute__((noreturn));

/* A subcommand: stepup NAME ARGS. argv[0] is the command's name. */
struct command {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*args;		/* usage after the name */
	const char	*summary;	/* one line for --help */
	const char	*help;		/* its own options, for NAME --help */
};
const struct command	*cli_command(const char *name);

/* The subcommands, one src/cli/cmd-<name>.c each, by area. */
/* == loader == */
int	cmd_lint(int, char **);

/* == planner == */
int	cmd_plan(int, char **);

/* == session == */
int	cmd_run(int, char **);		/* cmd-run.c: run, and stepup RUNBOOK */
int	cmd_history(int, char **);	/* cmd-history.c */
int	cmd_show(int, char **);		/* cmd-history.c */

/* == journal == */
int	cmd_recover(int, char **);	/* cmd-recover.c */

/* == watch == */
int	cmd_watch(int, char **);	/* cmd-watch.c */
int	cmd_takeover(int, char **);	/* cmd-watch.c */

/* == export == */
int	cmd_rollback(int, char **);	/* cmd-rollback.c */
int	cmd_export(int, char **);	/* cmd-export.c */

#endif
