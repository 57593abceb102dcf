/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-run.c: `stepup run RUNBOOK` (and the bare `stepup RUNBOOK`): open a
 * session on the runbook and hand it to a front end. */
#include "config.h"

#include <getopt.h>	/* optind, optarg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "plain.h"
#include "session.h"
#include "tui.h"
#include "util.h"

#define RUN_OPTIONS(X)							\
	X(FROM, "from", 0, "V",						\
	    "the installed version (default: versions.installed)")	\
	X(TO, "to", 0, "V",						\
	    "the target (default: the newest available release)")	\
	X(DRY_RUN, "dry-run", 0, NULL,					\
	    "show every step's command and environment; run none")	\
	X(PLAIN, "plain", 0, NULL,					\
	    "numbered line prompts on stdout, answers on stdin\n"	\
	    "(also when TERM is dumb or stdout is not a terminal)")	\
	X(STEP, "step", 0, NULL,					\
	    "ask before every action, even after a confirmation")	\
	CLI_HOSTS_OPTIONS(X)
CLI_OPTIONS_ENUM(RUN_OPTIONS);
CLI_OPTIONS_TABLE(run_options, RUN_OPTIONS);

/* The front end: the one place that chooses it. The TUI takes over
 * when cli_plain() is false; a dry run is text either way. */
static int
run_front_end(struct session *s, bool plain)
{
	if (plain || session_dry_run(s))
		return plain_run(s, stdin, stdout);
	return tui_run(s);
}

static int
cmd_run(const struct command_entry *e, int argc, char **argv)
{
	struct session_opts		 opts;
	struct session			*s;
	char				*cause = NULL, *cause2 = NULL;
	bool				 plain = false;
	int				 c, r;

	memset(&opts, 0, sizeof opts);
	while ((c = cli_getopt(e, argc, argv)) != -1) {
		switch (c) {
		case OPT_FROM:
			opts.from = optarg;
			break;
		case OPT_TO:
			opts.to = optarg;
			break;
		case OPT_DRY_RUN:
			opts.dry_run = true;
			break;
		case OPT_PLAIN:
			plain = true;
			break;
		case OPT_STEP:
			opts.step = true;
			break;
		case OPT_INVENTORY:
			opts.inventory = optarg;
			break;
		case OPT_LIMIT:
			opts.limit = optarg;
			break;
		}
	}
	if (optind >= argc)
		cli_usage_error(e, "which runbook? stepup run RUNBOOK");
	if (optind + 1 < argc)
		cli_usage_error(e, "one runbook at a time ('%s' is extra)",
		    argv[optind + 1]);
	if (opts.from != NULL && *opts.from == '\0')
		cli_usage_error(e, "--from needs a version");
	if (opts.to != NULL && *opts.to == '\0')
		cli_usage_error(e, "--to needs a version");
	opts.runbook = argv[optind];
	opts.state_dir = cli.state_dir;
	if (cli_runbook_missing(opts.runbook))
		return EXIT_USAGE;

	plain = cli_plain(plain);
	/* The wizard draws its first frame before creating a journal. */
	opts.defer_journal = !plain && !opts.dry_run;
	r = session_open(&opts, &s, &cause);
	/* Held by another operator: on a terminal, watch it read-only
	 * (plain mode and scripts keep exit 4, or ask: stepup watch). */
	if (r == EXIT_LOCKED && !plain && !opts.dry_run) {
		opts.watch = true;
		opts.defer_journal = false;
		if (session_open(&opts, &s, &cause2) == EXIT_DONE) {
			free(cause);
			r = tui_watch(s, false);
			session_close(s);
			return r;
		}
		free(cause2);
	}
	if (r != EXIT_DONE) {
		cli_session_error(opts.runbook, cause);
		free(cause);
		return r;
	}
	r = run_front_end(s, plain);
	session_close(s);
	return r;
}

const struct command_entry cmd_run_entry = {
	"run",
	"walk through the upgrade, or resume it (also: stepup RUNBOOK)",
	"RUNBOOK",
	"Plans the upgrade, asks the runbook's questions, then walks every\n"
	"step with the operator, keeping each act in the journal. An\n"
	"unfinished run of the same runbook is offered for resuming.\n",
	"Exit status: 0 done, 1 failed or left unfinished (resumable),\n"
	"2 usage error or invalid runbook, 3 refused by the policy,\n"
	"4 another operator holds the runbook's lock.\n",
	run_options,
	cmd_run,
};
