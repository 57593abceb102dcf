/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* main.c: stepup's main(): the common options, then the command the
 * table of entries names (cli.h); a runbook where a command would be is
 * stepup run, and a bare stepup on a terminal offers the runbooks. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"
#include "util.h"

int
main(int argc, char **argv)
{
	const struct command_entry	*c;
	char				*path = NULL, *run[] = { "run", NULL, NULL };
	size_t				 len;
	int				 r;

	cli_environment();
	/* The common options may come before the command too. */
	while (cli_getopt(NULL, argc, argv) != -1)
		continue;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		/* On a terminal the wizard can use: pick a runbook. */
		if (!cli_plain(false)) {
			if ((r = tui_pick(&path)) != EXIT_DONE || path == NULL)
				return r;
			run[1] = path;
			r = cmd_run_entry.run(&cmd_run_entry, 2, run);
			free(path);
			return r;
		}
		cli_help(stderr, NULL);
		return EXIT_USAGE;
	}
	if ((c = cli_command(argv[0])) == NULL) {
		/* "stepup RUNBOOK" means "stepup run RUNBOOK". */
		if (access(argv[0], F_OK) == 0) {
			argv[-1] = "run";
			return cmd_run_entry.run(&cmd_run_entry, argc + 1,
			    argv - 1);
		}
		len = strlen(argv[0]);
		if (strchr(argv[0], '/') != NULL || (len > 5 &&
		    strcmp(argv[0] + len - 5, ".yaml") == 0) || (len > 4 &&
		    strcmp(argv[0] + len - 4, ".yml") == 0)) {
			(void)cli_runbook_missing(argv[0]);
			fputs("Try 'stepup --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
		c = cli_command_find(argv[0]);
	}
	return c->run(c, argc, argv);
}
