/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-watch.c: `stepup watch [RUNBOOK | RUN-ID]`, a second operator's
 * live read-only view of a run (the wizard read-only, or in plain mode
 * the run's events streamed as lines as they are journaled), and
 * `stepup takeover [RUNBOOK | RUN-ID]`, the deliberate handover of a run
 * from its live holder (session-watch.c has the protocol). */
#include "config.h"

#include <errno.h>
#include <getopt.h>	/* optind, optarg */
#include <poll.h>
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

#define WATCH_OPTIONS(X)						\
	X(PLAIN, "plain", 0, NULL,					\
	    "events as lines on stdout (also when TERM is dumb\n"	\
	    "or stdout is not a terminal)")
#define TAKEOVER_OPTIONS(X)						\
	X(PLAIN, "plain", 0, NULL,					\
	    "the phrase and the reason read from stdin (also\n"	\
	    "when TERM is dumb or stdout is not a terminal)")		\
	X(REASON, "reason", 0, "TEXT", "the reason, not asked")
CLI_OPTIONS_ENUM(TAKEOVER_OPTIONS);
CLI_OPTIONS_TABLE(watch_options, WATCH_OPTIONS);
CLI_OPTIONS_TABLE(takeover_options, TAKEOVER_OPTIONS);

struct watch_args {
	const struct command_entry *e;
	bool		 plain;
	const char	*reason;	/* takeover --reason */
	char		*runbook;	/* the runbook (caller frees) */
	long long	 run;		/* a run id given, else 0 */
};

/* The run and runbook meant: a run id, a runbook (its unfinished run,
 * else its latest), or neither (the latest unfinished run of any
 * runbook, else the latest run). EXIT_* status. */
static int
watch_target(struct watch_args *a, const char *arg)
{
	struct journal		*j;
	struct journal_run	*run = NULL, *v = NULL;
	size_t			 n = 0, i;
	char			*dir = NULL, *cause = NULL;
	long long		 id = 0;

	if (arg != NULL && access(arg, F_OK) == 0) {
		a->runbook = xstrdup(arg);
		return EXIT_DONE;
	}
	if (arg != NULL && (id = cli_run_id(arg)) == 0)
		cli_usage_error(a->e, "'%s' is neither a runbook nor a run id "
		    "(stepup history lists them)", arg);
	j = journal_open_view(cli.state_dir, &dir, &cause);
	if (j == NULL) {
		if (cause == NULL)
			escape_printf(stderr, "stepup: no runs recorded in %s "
			    "yet: nothing to watch\n", dir != NULL ? dir : "?");
		else
			escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		free(dir);
		return cause == NULL ? EXIT_USAGE : EXIT_FAILED;
	}
	free(dir);
	if (id > 0) {
		if (journal_run_get(j, id, &run, &cause) != 0 || run == NULL) {
			if (cause != NULL)
				escape_printf(stderr, "stepup: %s\n", cause);
			else
				escape_printf(stderr, "stepup: there is no run "
				    "%lld in %s\n", id, journal_path(j));
			free(cause);
			journal_close(j);
			return EXIT_USAGE;
		}
	} else if (journal_runs(j, NULL, &v, &n, &cause) == 0 && n > 0) {
		for (i = n; i > 0 && run == NULL; i--) {
			if (v[i - 1].status == JOURNAL_RUN_RUNNING ||
			    v[i - 1].status == JOURNAL_RUN_PAUSED)
				journal_run_get(j, v[i - 1].id, &run, &cause);
		}
		if (run == NULL)
			journal_run_get(j, v[n - 1].id, &run, &cause);
	}
	journal_runs_free(v, n);
	if (run == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause != NULL ? cause :
		    "no run is recorded: nothing to watch");
		free(cause);
		journal_close(j);
		return EXIT_USAGE;
	}
	a->run = run->id;
	a->runbook = xstrdup(run->runbook);
	journal_run_free(run);
	journal_close(j);
	return EXIT_DONE;
}

/* Parse the options and the one operand, and open the watching session
 * on the run they name. EXIT_* status, said on stderr. */
static int
watch_open(const struct command_entry *e, int argc, char **argv,
    struct watch_args *a, struct session **s)
{
	struct session_opts	 opts;
	char			*cause = NULL;
	int			 c, r;

	memset(a, 0, sizeof *a);
	a->e = e;
	while ((c = cli_getopt(e, argc, argv)) != -1) {
		switch (c) {
		case OPT_PLAIN:
			a->plain = true;
			break;
		case OPT_REASON:
			a->reason = optarg;
			break;
		}
	}
	if (optind + 1 < argc)
		cli_usage_error(e, "one runbook or run at a time ('%s' is "
		    "extra)", argv[optind + 1]);
	a->plain = cli_plain(a->plain);
	r = watch_target(a, optind < argc ? argv[optind] : NULL);
	if (r != EXIT_DONE)
		return r;
	memset(&opts, 0, sizeof opts);
	opts.runbook = a->runbook;
	opts.state_dir = cli.state_dir;
	opts.watch = true;
	opts.watch_run = a->run;
	r = session_open(&opts, s, &cause);
	if (r != EXIT_DONE) {
		cli_session_error(a->runbook, cause);
		free(cause);
	}
	free(a->runbook);
	a->runbook = NULL;
	return r;
}

/* One event as a line (its detail's further lines indented). */
static void
watch_event(const struct journal_event *ev)
{
	const char	*d = ev->detail != NULL ? ev->detail : "", *nl;
	char		 when[32];

	utc_format(when, sizeof when, ev->time, "%H:%M:%S");
	escape_printf(stdout, "%4lld %s [%s] %s%s%s%s", ev->seq, when,
	    ev->operator != NULL ? ev->operator : "?",
	    journal_event_kind_name(ev->kind), ev->step != NULL ? " " : "",
	    ev->step != NULL ? ev->step : "", *d != '\0' ? ": " : "");
	for (;;) {
		nl = strchr(d, '\n');
		escape_printf(stdout, "%.*s\n", nl != NULL ? (int)(nl - d) :
		    (int)strlen(d), d);
		if (nl == NULL || nl[1] == '\0')
			break;
		d = nl + 1;
		fputs("        ", stdout);
	}
}

/* Print the events after seq *last; false when the journal cannot be
 * read. */
static bool
watch_events(struct journal *j, long long run, long long *last)
{
	struct journal_event	*ev = NULL;
	size_t			 n = 0, i;
	char			*cause = NULL;

	if (journal_events(j, run, &ev, &n, &cause) != 0) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (ev[i].seq <= *last)
			continue;
		watch_event(&ev[i]);
		*last = ev[i].seq;
	}
	journal_events_free(ev, n);
	fflush(stdout);
	return true;
}

/* What the session says of the run, without its "read-only: ". */
static const char *
watch_words(const struct session *s)
{
	const char	*why = session_read_only_why(s);

	if (why == NULL)
		return "";
	return strncmp(why, "read-only: ", 11) == 0 ? why + 11 : why;
}

/* Plain mode: the run's events as lines as they are journaled, until
 * the run ends (0 done; 1 failed, paused, abandoned, or its holder gone
 * with the lock free). Sleeps on the journal's files changing and on the
 * holder's process ending; nothing is polled. */
static int
watch_stream(struct session *s)
{
	struct journal		*j;
	struct pollfd		 pfd[2];
	const char		*id = session_run_id(s);
	char			*cause = NULL;
	long long		 run = strtoll(id, NULL, 10), last = 0;
	int			 n, r = EXIT_FAILED;

	if ((j = journal_open(session_state_dir(s), true, &cause)) == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	escape_printf(stdout, "stepup: watching run %s of %s: %s\n", id,
	    session_runbook(s)->product, watch_words(s));
	for (;;) {
		if (!watch_events(j, run, &last))
			goto out;
		if (session_watch_state(s) != SESSION_WATCH_HELD)
			break;
		pfd[0].fd = session_watch_fd(s);
		pfd[0].events = POLLIN;
		pfd[1].fd = journal_watch_pid(session_holder_pid(s));
		pfd[1].events = POLLIN;
		n = poll(pfd, 2, pfd[0].fd == -1 || pfd[1].fd == -1 ? 1000 : -1);
		if (pfd[1].fd != -1)
			close(pfd[1].fd);
		if (n == -1 && errno != EINTR)
			goto out;
		if (session_watch_update(s, &cause) < 0) {
			escape_printf(stderr, "stepup: %s\n", cause);
			free(cause);
			goto out;
		}
	}
	/* What came with the end. */
	if (!watch_events(j, run, &last))
		goto out;
	escape_printf(stdout, "stepup: %s\n", watch_words(s));
	r = session_status(s) == SESSION_DONE ? EXIT_DONE : EXIT_FAILED;
out:
	fflush(stdout);
	journal_close(j);
	return r;
}

static int
cmd_watch(const struct command_entry *e, int argc, char **argv)
{
	struct watch_args	 a;
	struct session		*s;
	int			 r;

	if ((r = watch_open(e, argc, argv, &a, &s)) != EXIT_DONE)
		return r;
	r = a.plain ? watch_stream(s) : tui_watch(s, false);
	session_close(s);
	return r;
}

/* A line read from standard input a byte at a time, so that nothing
 * after it is left in a buffer plain mode would not see; NULL at the end
 * of input. Caller frees. */
static char *
takeover_line(void)
{
	struct buf	b;
	char		c;
	ssize_t		n;

	buf_init(&b);
	while ((n = read(STDIN_FILENO, &c, 1)) == 1 && c != '\n')
		buf_add(&b, &c, 1);
	if (n != 1 && b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* Plain mode's takeover: the phrase and the reason read from stdin. */
static int
takeover_plain(struct session *s, const char *reason)
{
	char	*phrase, *typed = NULL, *why = NULL, *cause = NULL;
	int	 r;

	escape_printf(stdout, "stepup: run %s of %s: %s\n", session_run_id(s),
	    session_runbook(s)->product, session_read_only_why(s));
	if ((phrase = session_takeover_phrase(s)) != NULL) {
		escape_printf(stdout, "To take it over, type exactly: %s\n> ",
		    phrase);
		fflush(stdout);
		free(phrase);
		if ((typed = takeover_line()) == NULL) {
			fputs("\nstepup: nothing was taken over\n", stdout);
			return EXIT_FAILED;
		}
		if (reason == NULL) {
			fputs("Why? (journaled)\n> ", stdout);
			fflush(stdout);
			why = takeover_line();
		}
	}
	r = session_takeover(s, typed, reason != NULL ? reason : why, &cause);
	free(typed);
	free(why);
	if (r != 0) {
		fflush(stdout);
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	escape_printf(stdout, "stepup: the run is yours now; resuming it\n");
	fflush(stdout);
	return plain_run(s, stdin, stdout);
}

static int
cmd_takeover(const struct command_entry *e, int argc, char **argv)
{
	struct watch_args	 a;
	struct session		*s;
	int			 r;

	if ((r = watch_open(e, argc, argv, &a, &s)) != EXIT_DONE)
		return r;
	r = a.plain ? takeover_plain(s, a.reason) : tui_watch(s, true);
	session_close(s);
	return r;
}

const struct command_entry cmd_watch_entry = {
	"watch",
	"follow a run another operator holds, read-only, as it goes",
	"[RUNBOOK | RUN-ID]",
	"Opens the wizard read-only on the run (a runbook's unfinished or\n"
	"latest run, a run by its id, or without either the latest\n"
	"unfinished run): every step's state and events, the running\n"
	"action's output, each screen naming the holder. No key changes\n"
	"anything; no lock is taken. When the run ends or its lock is\n"
	"free, it says so and T takes the run over (resumes it). In plain\n"
	"mode, the run's events are printed as lines as they are journaled,\n"
	"until the run ends. Costs nothing while nothing changes.\n",
	"Exit status: 0 the run is done, 1 it failed, was paused or its\n"
	"holder is gone, 2 usage error or nothing to watch.\n",
	watch_options,
	cmd_watch,
};

const struct command_entry cmd_takeover_entry = {
	"takeover",
	"take a run over from its live holder, then resume it",
	"[RUNBOOK | RUN-ID]",
	"Shows the run read-only and asks for \"take over from NAME\" (NAME\n"
	"the holder) and a reason; the takeover is journaled (who, from\n"
	"whom, when, why), the holder's stepup turns read-only within a\n"
	"second and lets go of the lock, and the run is resumed here: an\n"
	"action in flight is followed, never run again. A run nobody holds\n"
	"is simply resumed.\n",
	"Exit status: as stepup run; 1 also when nothing was taken over.\n",
	takeover_options,
	cmd_takeover,
};
