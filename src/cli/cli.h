/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cli.h: the command line as one table. Each subcommand is one
 * src/cli/cmd-<name>.c ending in its const struct command_entry (name,
 * summary, operands, help, option rows, run function); CLI_COMMANDS lists
 * the entries, and cli.c derives from them the getopt_long tables, the
 * short options, every --help text, the usage errors and the lookup of a
 * command by its name or a prefix of it. An option is written once, as a
 * row of its command's X-macro list. */
#ifndef STEPUP_CLI_H
#define STEPUP_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Options common to every command, after environment defaults. */
struct cli {
	const char	*state_dir;	/* --state-dir, STEPUP_STATE_DIR, or NULL */
	const char	*theme;		/* --theme, STEPUP_THEME, or NULL */
	bool		 no_color;	/* --no-color, NO_COLOR */
};
extern struct cli cli;

/* One option of a command. A command's options are rows of an X-macro
 * list,
 *	X(NAME, "long-name", 'letter' or 0, "ARG" or NULL, "help text")
 * NAME makes OPT_NAME, what cli_getopt returns for it (for its letter
 * too); ARG names its argument in the usage and --help (NULL: it takes
 * none; "a|b|c": one of these words, which the shell completion offers;
 * FILE and DIR complete as paths); the help text is --help's, its lines
 * split by \n. */
struct cli_option {
	const char	*name;
	int		 letter;
	const char	*arg;
	const char	*help;
	int		 id;
};

/* Ids of a command's own options start here (getopt_long's letters and
 * '?' are below, the common options' ids at CLI_OPT_COMMON). */
#define CLI_OPT_FIRST	0x1100
#define CLI_OPT_COMMON	0x1000

#define CLI_OPTION_ID(n, l, c, a, h)	OPT_##n,
#define CLI_OPTION_ROW(n, l, c, a, h)	{ l, c, a, h, OPT_##n },
/* The enum of one file's option ids (OPT_NAME), from its widest list. */
#define CLI_OPTIONS_ENUM(LIST)						\
	enum { OPT__BEFORE = CLI_OPT_FIRST - 1, LIST(CLI_OPTION_ID) }
/* The rows of the options that say which hosts a run has, shared by
 * the commands that lay out a run's steps (run, plan, export; rollback
 * undoes a run on the hosts it journaled, and takes only --inventory,
 * for a run journaled without them): one list, so that each says them
 * alike. */
#define CLI_INVENTORY_OPTION(X)						\
	X(INVENTORY, "inventory", 0, "FILE",				\
	    "an Ansible inventory (INI or YAML) instead of the\n"	\
	    "runbook's 'inventory' (its 'hosts' stay)")
#define CLI_HOSTS_OPTIONS(X)						\
	CLI_INVENTORY_OPTION(X)						\
	X(LIMIT, "limit", 0, "PATTERN",					\
	    "only the hosts it selects (Ansible's --limit)")
/* A command's option table, from its list; ended by a row of NULLs. */
#define CLI_OPTIONS_TABLE(var, LIST)					\
	static const struct cli_option var[] = {			\
		LIST(CLI_OPTION_ROW)					\
		{ NULL, 0, NULL, NULL, 0 }				\
	}

/* A subcommand: stepup NAME [OPTION]... OPERANDS. */
struct command_entry {
	const char		*name;
	const char		*summary;	/* one line, for stepup --help */
	const char		*operands;	/* after the options: "RUNBOOK" */
	const char		*help;		/* what it does, for NAME --help */
	const char		*status;	/* its exit statuses, or NULL */
	const struct cli_option	*options;	/* its own, or NULL */
	/* argv[0] is the command's name. Returns an EXIT_* status. */
	int			(*run)(const struct command_entry *, int argc,
				    char **argv);
};

/* Every command, in the order stepup --help and stepup(1) list them: one
 * line each, cmd_NAME_entry in src/cli/cmd-*.c. */
#define CLI_COMMANDS(X)							\
	X(run)		/* cmd-run.c: also stepup RUNBOOK */		\
	X(plan)		/* cmd-plan.c */				\
	X(lint)		/* cmd-lint.c */				\
	X(rollback)	/* cmd-rollback.c */				\
	X(export)	/* cmd-export.c */				\
	X(recover)	/* cmd-recover.c */				\
	X(history)	/* cmd-history.c */				\
	X(show)		/* cmd-history.c */				\
	X(watch)	/* cmd-watch.c */				\
	X(takeover)	/* cmd-watch.c */

#define CLI_ENTRY_DECLARE(name) extern const struct command_entry cmd_##name##_entry;
CLI_COMMANDS(CLI_ENTRY_DECLARE)
#undef CLI_ENTRY_DECLARE

/* The entries, in CLI_COMMANDS' order, ended by NULL. */
extern const struct command_entry *const cli_commands[];
/* The options every command takes, ended by a row of NULLs. */
extern const struct cli_option cli_common_options[];

/* The entry of a command named exactly, or NULL. */
const struct command_entry *cli_command(const char *name);
/* The command a word names: exactly, or as a prefix of one command only,
 * as getopt_long takes --state for --state-dir. Exits 2, saying why and
 * the nearest name, when it names none or several. */
const struct command_entry *cli_command_find(const char *word);

/* The one option parser, for the options before the command (e NULL: it
 * stops at the first operand) and for each command's: getopt_long over
 * the entry's options and the common ones (also -h and -V), which it
 * handles itself. Returns the id (OPT_NAME) of the next of the command's
 * own options, with optarg, or -1 at the end, once the theme asked for is
 * checked ("--theme list" lists them and exits 0; an unknown or broken
 * one exits 2). A bad option exits 2 with "stepup: unrecognized option
 * '--x'" and the like. */
int	cli_getopt(const struct command_entry *e, int argc, char **argv);
/* The common options' defaults from the environment: STEPUP_STATE_DIR,
 * STEPUP_THEME, NO_COLOR. */
void	cli_environment(void);
/* The short option string of an entry ("+" first without one), with
 * getopt's ':' after a letter that takes an argument. Caller frees. */
char	*cli_shortopts(const struct command_entry *e);

/* stepup --help (e NULL) or stepup NAME --help, on f. */
void	cli_help(FILE *f, const struct command_entry *e);
/* Print "stepup: message" and "Try 'stepup [NAME ]--help'" and exit 2. */
void	cli_usage_error(const struct command_entry *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Say why a session could not be opened on runbook, on stderr: cause as
 * it is when it is the runbook's own diagnostics (it begins with the
 * runbook's path and a colon: FILE:LINE:COL: ...), else after
 * "stepup: ". */
void	cli_session_error(const char *runbook, const char *cause);
/* --var's argument is NAME=VALUE, or the usage error says it is not. */
void	cli_var_check(const struct command_entry *e, const char *arg);
/* When the runbook at path cannot be opened (no such file, no permission),
 * say so as every command does, "stepup: cannot open the runbook PATH:
 * REASON", and return true; false when it can (what is in it is the
 * loader's to judge). */
bool	cli_runbook_missing(const char *path);
struct runbook;
/* Resolve a runbook's hosts for a command that reads them without a
 * session (plan, export): its `hosts:` and `inventory:`, or file
 * (--inventory), narrowed by limit (--limit); they replace
 * rb->inventory. EXIT_DONE; else the problems are said on stderr and
 * EXIT_USAGE returned. *source (when not NULL) says where the hosts came
 * from, NULL when the runbook has none (caller frees). */
int	cli_inventory(struct runbook *, const char *file, const char *limit,
	    char **source);
/* Plain mode: when asked, or when the terminal cannot do better (TERM
 * unset, empty or dumb, or stdin or stdout not a terminal). */
bool	cli_plain(bool asked);
/* The run id a word is (a positive decimal number), or 0 when it is
 * not one. */
long long cli_run_id(const char *word);

#endif
