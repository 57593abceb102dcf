/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-recover.c: stepup recover: when the journal has lost records its
 * evidence still shows (see journal.h, "evidence"), say what was lost and,
 * once the operator has typed the phrase, journal what the evidence shows
 * so that stepup can resume without running a finished command again. */
#include "config.h"

#include <getopt.h>	/* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "journal.h"
#include "util.h"

#define RECOVER_PHRASE	"rebuild the journal"

/* The locks of every runbook the losses are runs of; EXIT_DONE, or
 * EXIT_LOCKED / EXIT_FAILED after saying why. */
static int
recover_lock(struct journal *j, const struct journal_loss *v, size_t n,
    struct journal_lock ***locks, size_t *n_locks)
{
	struct journal_lock_holder	 holder;
	struct journal_run		*r;
	struct journal_lock		*lock;
	char				*cause = NULL, *desc, *runbook;
	bool				 took_over, seen;
	size_t				 i, k;
	int				 st;

	for (i = 0; i < n; i++) {
		r = NULL;
		seen = false;
		if (v[i].was != NULL)
			runbook = xstrdup(v[i].was->runbook);
		else if (journal_run_get(j, v[i].run, &r, &cause) == 0 &&
		    r != NULL) {
			runbook = xstrdup(r->runbook);
			journal_run_free(r);
		} else {
			free(cause);
			cause = NULL;
			continue;
		}
		/* One lock a runbook (a run and its rollback share it). */
		for (k = 0; k < i; k++) {
			if (v[k].was != NULL && v[k].was->runbook != NULL &&
			    strcmp(v[k].was->runbook, runbook) == 0)
				seen = true;
		}
		if (seen) {
			free(runbook);
			continue;
		}
		st = journal_lock(journal_dir(j), runbook, &lock, &took_over,
		    &holder, &cause);
		if (st == JOURNAL_LOCK_HELD) {
			desc = journal_lock_holder_describe(&holder);
			fprintf(stderr, "stepup: %s is in use: %s holds its "
			    "lock; recover when they are done\n", runbook, desc);
			free(desc);
		} else if (st != JOURNAL_LOCK_TAKEN) {
			fprintf(stderr, "stepup: %s\n", cause);
			free(cause);
		}
		journal_lock_holder_free(&holder);
		free(runbook);
		if (st != JOURNAL_LOCK_TAKEN)
			return st == JOURNAL_LOCK_HELD ? EXIT_LOCKED :
			    EXIT_FAILED;
		*locks = xreallocarray(*locks, *n_locks + 1, sizeof **locks);
		(*locks)[(*n_locks)++] = lock;
	}
	return EXIT_DONE;
}

/* stepup recover. */
static int
cmd_recover(const struct command_entry *e, int argc, char **argv)
{
	struct journal			*j;
	struct journal_loss		*v = NULL;
	struct journal_lock		**locks = NULL;
	size_t				 n = 0, n_locks = 0, i;
	char				*dir, *cause = NULL, *what, line[256];
	int				 st;

	while (cli_getopt(e, argc, argv) != -1)
		continue;
	if (optind < argc)
		cli_usage_error(e, "no operand expected ('%s' is extra)",
		    argv[optind]);
	if ((dir = journal_state_dir(cli.state_dir, &cause)) == NULL) {
		fprintf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	if (!journal_exists(dir) && !journal_has_evidence(dir)) {
		printf("No journal and no evidence of runs in %s: nothing to "
		    "recover.\n", dir);
		free(dir);
		return EXIT_DONE;
	}
	j = journal_open_recover(dir, &cause);
	free(dir);
	if (j == NULL) {
		fprintf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	if (journal_evidence_check(j, &v, &n) == 0) {
		printf("The journal %s agrees with its evidence: nothing to "
		    "recover.\n", journal_path(j));
		journal_close(j);
		return EXIT_DONE;
	}
	/* Read again under the locks: nobody adds to these runs meanwhile. */
	journal_losses_free(v, n);
	journal_evidence_check(j, &v, &n);
	if ((st = recover_lock(j, v, n, &locks, &n_locks)) != EXIT_DONE)
		goto out;
	journal_losses_free(v, n);
	v = NULL;
	if (journal_evidence_check(j, &v, &n) == 0) {
		printf("The journal %s agrees with its evidence: nothing to "
		    "recover.\n", journal_path(j));
		st = EXIT_DONE;
		goto out;
	}
	what = journal_losses_describe(j, v, n);
	printf("The journal %s is behind its evidence: it has lost records "
	    "that these files show.\n%s\n"
	    "stepup recover will journal what they show: each lost run again "
	    "(paused, to resume), a \"recover\" event saying what was lost, and "
	    "each command attempt above as started, so that resuming reads its "
	    "exit status from its status file (or follows it while it runs, or "
	    "puts it in doubt) and never runs it again. Acknowledgements and "
	    "confirmations the journal lost are asked for again. Nothing runs "
	    "now.\n", journal_path(j), what);
	free(what);
	printf("? Type \"%s\" to journal this (anything else leaves the "
	    "journal as it is): ", RECOVER_PHRASE);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, RECOVER_PHRASE) != 0) {
		printf("\n! not \"%s\": nothing was journaled.\n",
		    RECOVER_PHRASE);
		st = EXIT_FAILED;
		goto out;
	}
	if (journal_recover(j, v, n, RECOVER_PHRASE, &cause) != 0) {
		fprintf(stderr, "stepup: %s\n", cause);
		free(cause);
		st = EXIT_FAILED;
		goto out;
	}
	printf("\n= rebuilt:");
	for (i = 0; i < n; i++)
		printf(" run %lld%s", v[i].run, i + 1 < n ? "," : "");
	printf("; stepup RUNBOOK resumes it, and stepup show RUN-ID shows what "
	    "was journaled.\n");
	st = EXIT_DONE;
out:
	for (i = 0; i < n_locks; i++)
		journal_unlock(locks[i]);
	free(locks);
	journal_losses_free(v, n);
	journal_close(j);
	return st;
}

const struct command_entry cmd_recover_entry = {
	"recover",
	"rebuild what the journal lost from the evidence beside it",
	"",
	"When the journal has lost records (a truncated, damaged or deleted\n"
	"journal.db-wal, an emptied journal.db) that the files beside it\n"
	"still show, stepup refuses to run anything. This says what was lost\n"
	"and what the evidence shows and, once \"rebuild the journal\" is\n"
	"typed, journals it: each lost run again, a recover event, and each\n"
	"command attempt whose files are there as started, so that resuming\n"
	"reads its exit status and never runs it again.\n",
	"Exit status: 0 rebuilt, or nothing to rebuild; 1 not confirmed or\n"
	"not possible; 4 another operator holds a lost run's lock.\n",
	NULL,
	cmd_recover,
};
