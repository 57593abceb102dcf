/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-rollback.c: stepup rollback [RUNBOOK]: the guided rollback of the
 * latest run of a runbook (or of the latest run of all), unfinished or
 * finished, through the same session as an upgrade. */
#include "config.h"

#include <getopt.h>	/* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "journal.h"
#include "plain.h"
#include "session.h"
#include "tui.h"
#include "util.h"

#define ROLLBACK_OPTIONS(X)						\
	X(PLAIN, "plain", 0, NULL, "line prompts on stdout, answers on stdin\n" \
	    "(also when TERM is dumb or stdout is not a terminal)")	\
	CLI_INVENTORY_OPTION(X)
CLI_OPTIONS_ENUM(ROLLBACK_OPTIONS);
CLI_OPTIONS_TABLE(rollback_options, ROLLBACK_OPTIONS);

/* The runbook of the latest upgrade run in the journal, or NULL with
 * *cause. */
static char *
latest_runbook(char **cause)
{
	struct journal		*j;
	struct journal_run	*v = NULL;
	char			*dir, *db, *path = NULL;
	size_t			 n = 0, k;

	if ((dir = journal_state_dir(cli.state_dir, cause)) == NULL)
		return NULL;
	db = xasprintf("%s/journal.db", dir);
	if (access(db, F_OK) != 0) {
		*cause = xasprintf("there is no run to roll back: the journal "
		    "%s does not exist yet", db);
		free(db);
		free(dir);
		return NULL;
	}
	free(db);
	j = journal_open(dir, true, cause);
	free(dir);
	if (j == NULL)
		return NULL;
	if (journal_runs(j, NULL, &v, &n, cause) == 0) {
		for (k = n; k-- > 0;) {
			if (v[k].runbook != NULL && !v[k].dry_run) {
				path = xstrdup(v[k].runbook);
				break;
			}
		}
		if (path == NULL)
			*cause = xstrdup("there is no run to roll back in the "
			    "journal");
		journal_runs_free(v, n);
	}
	journal_close(j);
	return path;
}

/* stepup rollback: the guided rollback of the latest run: the wizard's
 * rollback screen on a terminal, plain mode otherwise or with --plain. */
static int
cmd_rollback(const struct command_entry *e, int argc, char **argv)
{
	struct session_opts		 opts;
	struct session			*s;
	char				*cause = NULL, *found = NULL;
	bool				 plain = false;
	int				 c, r;

	memset(&opts, 0, sizeof opts);
	while ((c = cli_getopt(e, argc, argv)) != -1) {
		if (c == OPT_PLAIN)
			plain = true;
		else if (c == OPT_INVENTORY)
			opts.inventory = optarg;
	}
	if (optind + 1 < argc)
		cli_usage_error(e, "one runbook at a time ('%s' is "
		    "extra)", argv[optind + 1]);
	if (optind < argc)
		opts.runbook = argv[optind];
	else if ((opts.runbook = found = latest_runbook(&cause)) == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	opts.state_dir = cli.state_dir;
	opts.rollback = true;
	if (cli_runbook_missing(opts.runbook)) {
		free(found);
		return EXIT_USAGE;
	}

	r = session_open(&opts, &s, &cause);
	if (r != EXIT_DONE) {
		cli_session_error(opts.runbook, cause);
		free(cause);
		free(found);
		return r;
	}
	if (cli_plain(plain))
		r = plain_rollback(s, stdin, stdout);
	else
		r = tui_rollback(s);
	session_close(s);
	free(found);
	return r;
}

const struct command_entry cmd_rollback_entry = {
	"rollback",
	"roll back the latest run, guided: undo what passed, latest first",
	"[RUNBOOK]",
	"Rolls back the latest run of RUNBOOK (without one: the latest run\n"
	"in the journal), whether it failed, was left unfinished, or\n"
	"succeeded. It shows what will be undone (the undo of every action\n"
	"that passed, latest first, then the runbook's rollback steps) and\n"
	"the backups it relies on, checks that they are still there and\n"
	"unchanged, asks for \"yes, roll back to VERSION\", runs the steps\n"
	"like an upgrade (resumable, one operator at a time), then checks\n"
	"the installed version and says what state things are in.\n",
	"Exit status: 0 the old version is back; 1 the rollback failed, was\n"
	"left unfinished or refused to start (a backup changed); 2 nothing\n"
	"to roll back, or invalid runbook; 4 another operator holds the lock.\n",
	rollback_options,
	cmd_rollback,
};
