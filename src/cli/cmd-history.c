/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-history.c: `stepup history [RUNBOOK]` and `stepup show RUN-ID`:
 * past runs, and one run's steps and events, from the journal. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "escape.h"
#include "journal.h"
#include "session.h"
#include "util.h"

static void
history_time(long long t, char out[32])
{
	utc_format(out, 32, t, "%Y-%m-%d %H:%M:%S");
}

/* Parse the options (the common ones only); returns the first operand
 * index. */
static int
history_options(const struct command_entry *e, int argc, char **argv)
{
	while (cli_getopt(e, argc, argv) != -1)
		continue;
	return optind;
}

/* Open the journal read-only; NULL (after saying so, *status set) when
 * there is none yet or it cannot be read. */
static struct journal *
history_open(int *status)
{
	struct journal	*j;
	char		*dir, *cause;

	j = journal_open_view(cli.state_dir, &dir, &cause);
	if (j == NULL && cause == NULL) {
		escape_printf(stdout, "No runs recorded in %s yet.\n", dir);
		*status = EXIT_DONE;
	} else if (j == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		*status = EXIT_FAILED;
	}
	free(dir);
	return j;
}

/* Say so when the journal is behind its evidence: runs it lost are not
 * in the list. */
static void
history_evidence(struct journal *j)
{
	struct journal_loss	*lv;
	size_t			 ln;
	char			*what;

	if (journal_evidence_check(j, &lv, &ln) == 0)
		return;
	what = journal_losses_describe(j, lv, ln);
	fprintf(stderr, "stepup: the journal %s is behind its evidence, which "
	    "shows more than this:\n%sstepup recover rebuilds it.\n",
	    journal_path(j), what);
	free(what);
	journal_losses_free(lv, ln);
}

static int
cmd_history(const struct command_entry *e, int argc, char **argv)
{
	struct journal		*j;
	struct journal_run	*v = NULL;
	size_t			 n = 0, i;
	char			*cause = NULL, resolved[PATH_MAX], when[32];
	const char		*runbook = NULL;
	int			 first, status = EXIT_DONE;

	first = history_options(e, argc, argv);
	if (argc - first > 1)
		cli_usage_error(e, "one runbook at a time ('%s' is "
		    "extra)", argv[first + 1]);
	if (first < argc) {
		if (cli_runbook_missing(argv[first]))
			return EXIT_USAGE;
		if (realpath(argv[first], resolved) == NULL) {
			escape_printf(stderr, "stepup: %s: %s\n", argv[first],
			    strerror(errno));
			return EXIT_USAGE;
		}
		runbook = resolved;
	}
	if ((j = history_open(&status)) == NULL)
		return status;
	if (journal_runs(j, runbook, &v, &n, &cause) != 0) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		journal_close(j);
		return EXIT_FAILED;
	}
	if (n == 0)
		escape_printf(stdout, "No runs recorded%s%s.\n",
		    runbook != NULL ? " for " : "",
		    runbook != NULL ? runbook : "");
	else
		escape_printf(stdout, "%-5s %-19s %-18s %-8s %-24s %s\n", "RUN",
		    "STARTED (UTC)", "STATUS", "KIND", "FROM -> TO", "OPERATOR");
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s -> %s", v[i].from != NULL ?
		    v[i].from : "?", v[i].to != NULL ? v[i].to : "?");
		char *st = xasprintf("%s%s", journal_run_status_name(v[i].status),
		    v[i].dry_run ? " (dry run)" : "");

		history_time(v[i].started, when);
		escape_printf(stdout, "%-5lld %-19s %-18s %-8s %-24s %s\n",
		    v[i].id, when, st, journal_run_kind_name(v[i].kind), path,
		    v[i].operator != NULL ? v[i].operator : "?");
		if (runbook == NULL)
			escape_printf(stdout, "      %s (%s)\n", v[i].runbook,
			    v[i].product != NULL ? v[i].product : "?");
		free(path);
		free(st);
	}
	journal_runs_free(v, n);
	history_evidence(j);
	journal_close(j);
	return EXIT_DONE;
}

/* Print a text, its lines after the first indented, then a newline. */
static void
show_detail(const char *d)
{
	const char	*nl;
	bool		 first = true;

	while (d != NULL && *d != '\0') {
		nl = strchr(d, '\n');
		escape_printf(stdout, "%s%.*s\n", first ? "" : "        ",
		    nl != NULL ? (int)(nl - d) : (int)strlen(d), d);
		first = false;
		if (nl == NULL)
			return;
		d = nl + 1;
	}
	if (first)
		putchar('\n');
}

static int
cmd_show(const struct command_entry *e, int argc, char **argv)
{
	struct journal			*j;
	struct journal_run		*run = NULL;
	struct journal_step_state	*sv = NULL;
	struct journal_event		*ev = NULL;
	struct journal_action		*av = NULL;
	size_t				 n_sv = 0, n_ev = 0, n_av = 0, i;
	char				*cause = NULL, when[32], ended[32];
	char				*integrity, *holders, *hosts;
	long long			 id;
	int				 first, status = EXIT_DONE;

	first = history_options(e, argc, argv);
	if (first >= argc)
		cli_usage_error(e, "which run? stepup show RUN-ID "
		    "(stepup history lists them)");
	if (argc - first > 1)
		cli_usage_error(e, "one run at a time ('%s' is extra)",
		    argv[first + 1]);
	if ((id = cli_run_id(argv[first])) == 0)
		cli_usage_error(e, "'%s' is not a run id (a number, as "
		    "stepup history shows)", argv[first]);
	/* No such run, with or without a journal: 2, as export --run. */
	if ((j = history_open(&status)) == NULL)
		return status == EXIT_DONE ? EXIT_USAGE : status;
	if (journal_run_get(j, id, &run, &cause) != 0) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		journal_close(j);
		return EXIT_FAILED;
	}
	if (run == NULL) {
		escape_printf(stderr, "stepup: there is no run %lld in %s\n",
		    id, journal_path(j));
		journal_close(j);
		return EXIT_USAGE;
	}
	if (journal_steps(j, id, &sv, &n_sv, &cause) != 0 ||
	    journal_events(j, id, &ev, &n_ev, &cause) != 0 ||
	    journal_actions(j, id, NULL, &av, &n_av, &cause) != 0) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		journal_run_free(run);
		journal_close(j);
		return EXIT_FAILED;
	}
	history_time(run->started, when);
	history_time(run->ended, ended);
	escape_printf(stdout, "run %lld: %s of %s, %s -> %s: %s%s\n", run->id,
	    journal_run_kind_name(run->kind), run->product != NULL ?
	    run->product : "?", run->from != NULL ? run->from : "?",
	    run->to != NULL ? run->to : "?",
	    journal_run_status_name(run->status),
	    run->dry_run ? " (dry run)" : "");
	if (run->parent != 0)
		escape_printf(stdout, "rollback of run %lld\n", run->parent);
	escape_printf(stdout, "runbook: %s\n  sha256 %s\n", run->runbook,
	    run->runbook_sha256 != NULL ? run->runbook_sha256 : "?");
	escape_printf(stdout, "by %s on %s, began %s UTC, ended %s\n",
	    run->operator != NULL ? run->operator : "?",
	    run->host != NULL ? run->host : "?", when, ended);
	/* Who held it, in order: began, resumed, took over. */
	if ((holders = journal_holders_text(j, id, "  ")) != NULL) {
		escape_printf(stdout, "holders:\n%s", holders);
		free(holders);
	}
	integrity = journal_run_integrity(j, id);
	printf("journal: ");
	show_detail(integrity);
	free(integrity);
	if (run->plan != NULL && *run->plan != '\0') {
		escape_printf(stdout, "plan: ");
		show_detail(run->plan);
	}
	if ((hosts = session_run_hosts(run)) != NULL) {
		escape_printf(stdout, "hosts: %s\n", hosts);
		free(hosts);
	}
	if (n_sv > 0)
		escape_printf(stdout, "\nsteps:\n");
	for (i = 0; i < n_sv; i++)
		escape_printf(stdout, "  %-28s %-9s %s\n", sv[i].step,
		    sv[i].state, sv[i].reason != NULL ? sv[i].reason : "");
	if (n_av > 0)
		escape_printf(stdout, "\ncommands:\n");
	for (i = 0; i < n_av; i++) {
		escape_printf(stdout, "  %-28s attempt %d: ", av[i].step,
		    av[i].attempt);
		if (!av[i].finished)
			escape_printf(stdout, "no exit status recorded");
		else if (av[i].signal != 0)
			escape_printf(stdout, "killed by signal %d",
			    av[i].signal);
		else
			escape_printf(stdout, "exit %d", av[i].exit_code);
		escape_printf(stdout, "%s%s, log %s\n", av[i].timed_out ?
		    " (timed out)" : "", av[i].cancelled ? " (cancelled)" : "",
		    av[i].log_path);
		if (av[i].artifact != NULL)
			escape_printf(stdout, "  %28s %s: %lld bytes, "
			    "sha256 %s\n", "", av[i].artifact,
			    av[i].artifact_size,
			    av[i].artifact_sha256 != NULL ?
			    av[i].artifact_sha256 : "?");
	}
	escape_printf(stdout, "\nevents:\n");
	for (i = 0; i < n_ev; i++) {
		history_time(ev[i].time, when);
		escape_printf(stdout, "%4lld %s [%s] %-9s ", ev[i].seq, when,
		    ev[i].operator != NULL ? ev[i].operator : "?",
		    journal_event_kind_name(ev[i].kind));
		escape_printf(stdout, "%s%s", ev[i].step != NULL ?
		    ev[i].step : "", ev[i].step != NULL ? ": " : "");
		show_detail(ev[i].detail != NULL ? ev[i].detail : "");
	}
	journal_steps_free(sv, n_sv);
	journal_events_free(ev, n_ev);
	journal_actions_free(av, n_av);
	journal_run_free(run);
	journal_close(j);
	return EXIT_DONE;
}

const struct command_entry cmd_history_entry = {
	"history",
	"past runs, of every runbook or of one",
	"[RUNBOOK]",
	NULL, NULL, NULL,
	cmd_history,
};

const struct command_entry cmd_show_entry = {
	"show",
	"one run: its steps, commands, artifacts and every event",
	"RUN-ID",
	NULL, NULL, NULL,
	cmd_show,
};
