/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-rollback.c: stepup rollback [RUNBOOK]: the guided rollback of the
 * latest run of a runbook (or of the latest run of all), unfinished or
 * finished, through the same session as an upgrade. */
#include "config.h"

#include <getopt.h>
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

enum {
	OPT_PLAIN = CLI_OPT__FIRST_PRIVATE,
};

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
int
cmd_rollback(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "plain", no_argument, NULL, OPT_PLAIN },
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct session_opts		 opts;
	struct session			*s;
	char				*cause = NULL, *found = NULL;
	const char			*term = getenv("TERM");
	bool				 plain = false;
	int				 c, r;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "", longopts, "rollback")) != -1) {
		if (c == OPT_PLAIN) {
			plain = true;
			continue;
		}
		if (!cli_common(c, "rollback"))
			cli_usage_error("rollback", "unexpected option");
	}
	if (optind + 1 < argc)
		cli_usage_error("rollback", "one runbook at a time ('%s' is "
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
		if (r == EXIT_USAGE && strncmp(cause, "there is", 8) != 0 &&
		    strstr(cause, "rolled back already") == NULL)
			escape_printf(stderr, "%s\n", cause);
		else
			escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		free(found);
		return r;
	}
	/* The same choice as stepup run's (cmd-run.c). */
	if (plain || term == NULL || *term == '\0' ||
	    strcmp(term, "dumb") == 0 || !isatty(STDOUT_FILENO) ||
	    !isatty(STDIN_FILENO))
		r = plain_rollback(s, stdin, stdout);
	else
		r = tui_rollback(s);
	session_close(s);
	free(found);
	return r;
}
