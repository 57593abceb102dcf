/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-run.c: `stepup run RUNBOOK` (and the bare `stepup RUNBOOK`): open a
 * session on the runbook and hand it to a front end. */
#include "config.h"

#include <getopt.h>
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

enum {
	OPT_FROM = CLI_OPT__FIRST_PRIVATE,
	OPT_TO,
	OPT_DRY_RUN,
	OPT_PLAIN,
	OPT_STEP,
};

/* Plain mode when asked, or when the terminal cannot do better. */
static bool
run_wants_plain(bool asked)
{
	const char	*term = getenv("TERM");

	return asked || term == NULL || *term == '\0' ||
	    strcmp(term, "dumb") == 0 || !isatty(STDOUT_FILENO) ||
	    !isatty(STDIN_FILENO);
}

/* The front end: the one place that chooses it. The TUI takes over
 * when run_wants_plain() is false; a dry run is text either way. */
static int
run_front_end(struct session *s, bool plain)
{
	if (plain || session_dry_run(s))
		return plain_run(s, stdin, stdout);
	return tui_run(s);
}

int
cmd_run(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "step", no_argument, NULL, OPT_STEP },
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct session_opts		 opts;
	struct session			*s;
	char				*cause = NULL, *cause2 = NULL;
	bool				 plain = false;
	int				 c, r;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "", longopts, "run")) != -1) {
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
		default:
			if (!cli_common(c, "run"))
				cli_usage_error("run", "unexpected option");
		}
	}
	if (optind >= argc)
		cli_usage_error("run", "which runbook? stepup run RUNBOOK");
	if (optind + 1 < argc)
		cli_usage_error("run", "one runbook at a time ('%s' is extra)",
		    argv[optind + 1]);
	if (opts.from != NULL && *opts.from == '\0')
		cli_usage_error("run", "--from needs a version");
	if (opts.to != NULL && *opts.to == '\0')
		cli_usage_error("run", "--to needs a version");
	opts.runbook = argv[optind];
	opts.state_dir = cli.state_dir;
	if (cli_runbook_missing(opts.runbook))
		return EXIT_USAGE;

	plain = run_wants_plain(plain);
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
		if (r == EXIT_USAGE)
			escape_printf(stderr, "%s\n", cause);
		else
			escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return r;
	}
	r = run_front_end(s, plain);
	session_close(s);
	return r;
}
