/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-watch.c: a run seen read-only, and handed over. A watching
 * session (stepup watch, or a second stepup on a held runbook) opens the
 * journal read-only, takes no lock, and lays the run's steps out from
 * the journal again each time its files change; session_can() refuses
 * every act while it watches (session-acts.c), saying who holds the run.
 * The holder's own session turns into one when its run is taken over.
 * A takeover is journaled by the new holder (journal_claim, then the
 * takeover event, in one transaction), after which the old holder can
 * write nothing to the run; it lets go of the lock, and the new holder
 * resumes the run as any unfinished run is resumed. */
#include "config.h"

#include <sys/epoll.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "journal.h"
#include "plan.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

/* How long a new holder waits for the old one to let go of the lock (it
 * notices within a poll of its watch descriptor). */
#define TAKEOVER_WAIT_MS	5000

/* "alice" of "alice from 192.0.2.7": the name a takeover phrase uses. */
static char *
short_name(const char *operator)
{
	if (operator == NULL)
		return xstrdup("someone");
	return xstrndup(operator, strcspn(operator, " "));
}

static bool
pid_alive(pid_t pid)
{
	/* A zombie is dead: a holder killed a moment ago stays one until
	 * its parent reaps it, and its pidfd, which woke us, says so once
	 * only (taken for alive, the watcher would never look again). */
	if (pid <= 0)
		return false;
	if (access("/proc/self/stat", F_OK) == 0)
		return action_pid_start(pid) != 0;
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* The holder's pidfd in the watch set while a watched run is held by a
 * live process (and none otherwise: a pidfd stays readable once its
 * process ended, and would wake the front end for ever). */
static void
watch_holder_fd(struct session *s)
{
	pid_t	want = s->watching && s->watch == SESSION_WATCH_HELD ?
		    s->holder.pid : 0;

	if (want == s->holder_fd_pid && (want == 0 || s->holder_fd != -1))
		return;
	if (s->holder_fd != -1) {
		if (s->watch_ep != -1)
			(void)epoll_ctl(s->watch_ep, EPOLL_CTL_DEL,
			    s->holder_fd, NULL);
		close(s->holder_fd);
		s->holder_fd = -1;
	}
	s->holder_fd_pid = want;
	if (want <= 0 || s->watch_ep == -1 ||
	    (s->holder_fd = journal_watch_pid(want)) == -1)
		return;
	{
		struct epoll_event ev;

		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.fd = s->holder_fd;
		if (epoll_ctl(s->watch_ep, EPOLL_CTL_ADD, s->holder_fd,
		    &ev) != 0) {
			close(s->holder_fd);
			s->holder_fd = -1;
		}
	}
}

/* Whether the holder of a watched run lives. Its pidfd, when there is
 * one, says so exactly: readable once the process ended. /proc is not
 * enough alone: the holder's files are closed (and the watcher woken by
 * the close of its lock file) before it is a zombie, so a look then
 * still finds it running, and nothing would wake the watcher again. */
static bool
holder_alive(const struct session *s)
{
	struct pollfd	pfd;

	if (s->holder_fd != -1 && s->holder_fd_pid == s->holder.pid) {
		pfd.fd = s->holder_fd;
		pfd.events = POLLIN;
		return poll(&pfd, 1, 0) == 0;
	}
	return pid_alive(s->holder.pid);
}

/* "alice@head1, pid 4711, since 03:12 UTC" */
static char *
holder_words(const char *operator, const char *host, pid_t pid,
    long long since)
{
	char	*name, *out, when[32];

	name = short_name(operator);
	utc_format(when, sizeof when, since, "%H:%M UTC");
	out = xasprintf("%s@%s, pid %ld, since %s", name,
	    host != NULL ? host : "?", (long)pid, when);
	free(name);
	return out;
}

/* The run's status, from its record. */
static int
watch_status(struct session *s, char **cause)
{
	struct journal_run	*run = NULL;

	if (journal_run_get(s->j, s->run_id, &run, cause) != 0)
		return -1;
	if (run == NULL) {
		*cause = xasprintf("there is no run %lld", s->run_id);
		return -1;
	}
	switch (run->status) {
	case JOURNAL_RUN_RUNNING:
		s->status = SESSION_RUNNING;
		break;
	case JOURNAL_RUN_PAUSED:
		s->status = SESSION_PAUSED;
		break;
	case JOURNAL_RUN_FAILED:
		s->status = SESSION_FAILED;
		break;
	case JOURNAL_RUN_DONE:
		s->status = run->dry_run ? SESSION_DRY_RUN : SESSION_DONE;
		break;
	default:
		s->status = SESSION_ABANDONED;
		break;
	}
	journal_run_free(run);
	return 0;
}

/* Who holds the run now: its lock's live holder, else the journal's
 * latest holder while its process lives (a new holder waiting for the
 * lock), else nobody; and the words every act is refused with. */
static void
watch_holder(struct session *s)
{
	struct journal_holder	*hv = NULL;
	size_t			 hn = 0;
	char			*cause = NULL, *who = NULL;
	int			 r;

	journal_lock_holder_free(&s->holder);
	r = journal_lock_peek(s->state_dir, s->runbook_abs, &s->holder, NULL,
	    &cause);
	free(cause);
	cause = NULL;
	if (journal_holders(s->j, s->run_id, &hv, &hn, &cause) != 0) {
		free(cause);
		hn = 0;
	}
	s->holder_gen = hn > 0 ? hv[hn - 1].gen : 0;
	if (r != JOURNAL_LOCK_HELD && hn > 0 && pid_alive(hv[hn - 1].pid) &&
	    hv[hn - 1].pid != getpid()) {
		journal_lock_holder_free(&s->holder);
		s->holder.operator = xstrdup(hv[hn - 1].operator);
		s->holder.host = xstrdup(hv[hn - 1].host);
		s->holder.pid = hv[hn - 1].pid;
		s->holder.since = hv[hn - 1].since;
		r = JOURNAL_LOCK_HELD;
	}
	free(s->ro_why);
	if (s->status != SESSION_RUNNING && s->status != SESSION_PAUSED) {
		s->watch = SESSION_WATCH_ENDED;
		s->ro_why = xasprintf("read-only: run %lld is %s", s->run_id,
		    session_status_name(s->status));
	} else if (r == JOURNAL_LOCK_HELD) {
		s->watch = SESSION_WATCH_HELD;
		who = holder_words(s->holder.operator, s->holder.host,
		    s->holder.pid, s->holder.since);
		s->ro_why = xasprintf("read-only: %s by %s",
		    s->taken_by != NULL ? "taken over" : "held", who);
		free(who);
	} else {
		s->watch = SESSION_WATCH_FREE;
		journal_lock_holder_free(&s->holder);
		if (s->status == SESSION_PAUSED)
			s->ro_why = xasprintf("read-only: run %lld is paused "
			    "and nobody holds it: it can be taken over "
			    "(resumed)", s->run_id);
		else
			s->ro_why = xasprintf("read-only: the lock is free "
			    "(its holder's stepup is gone): run %lld can be "
			    "taken over (resumed)", s->run_id);
	}
	journal_holders_free(hv, hn);
}

/* Every slot free (their processes' descriptors closed). */
static void
watch_slots_clear(struct session *s)
{
	size_t	k;

	for (k = 0; k < SESSION_SLOTS; k++) {
		if (s->slots[k].step != NONE)
			session_slot_release(s, s->slots[k].step);
	}
}

/* Read the steps, the running ones and the status from the journal. */
static int
watch_apply(struct session *s, char **cause)
{
	size_t	i;

	if (session_steps_reload(s, s->run_id, s->steps, s->logs, cause) != 0)
		return -1;
	/* Its slots as the journal says: a watcher follows no process. */
	watch_slots_clear(s);
	for (i = 0; i < s->steps->n && s->n_running < SESSION_SLOTS; i++) {
		if (s->steps->v[i].state == STEP_RUNNING)
			session_slot_take(s, i);
	}
	if (watch_status(s, cause) != 0)
		return -1;
	watch_holder(s);
	return 0;
}

/* Every var the run answered; the secret ones (never journaled) and any
 * a watcher's environment lacks are shown masked: a watcher runs
 * nothing. */
static void
watch_vars(struct session *s, const struct journal_event *ev, size_t n)
{
	char	*cause = NULL;
	size_t	 i;

	session_reload_vars(s, ev, n);
	if (session_fixed_vars(s, &cause) != 0)
		free(cause);
	for (i = 0; i < s->rb->n_vars; i++) {
		if (s->answered[i])
			continue;
		step_env_set(&s->answers, s->rb->vars[i].name, "********",
		    false);
		s->answered[i] = true;
	}
}

/* The run to watch: the one asked for, else the runbook's unfinished
 * run, else its latest. */
static int
watch_find(struct session *s, char **cause)
{
	struct journal_run	*v = NULL;
	size_t			 n = 0;

	if (s->opts.watch_run > 0) {
		if (journal_run_get(s->j, s->opts.watch_run, &s->unf,
		    cause) != 0)
			return EXIT_FAILED;
		if (s->unf == NULL) {
			*cause = xasprintf("there is no run %lld in %s",
			    s->opts.watch_run, journal_path(s->j));
			return EXIT_USAGE;
		}
		return EXIT_DONE;
	}
	if (journal_run_unfinished(s->j, s->runbook_abs, &s->unf, cause) != 0)
		return EXIT_FAILED;
	if (s->unf != NULL)
		return EXIT_DONE;
	if (journal_runs(s->j, s->runbook_abs, &v, &n, cause) != 0)
		return EXIT_FAILED;
	if (n == 0) {
		*cause = xasprintf("no run of %s is recorded in %s: nothing "
		    "to watch", s->runbook_abs, journal_path(s->j));
		journal_runs_free(v, n);
		return EXIT_USAGE;
	}
	s->unf = xcalloc(1, sizeof *s->unf);
	*s->unf = v[n - 1];
	memset(&v[n - 1], 0, sizeof v[n - 1]);
	journal_runs_free(v, n);
	return EXIT_DONE;
}

int
session_watch_open(struct session *s, char **cause)
{
	struct journal_event	*ev = NULL;
	struct steps		*rs;
	size_t			 n_ev = 0;
	long long		 upgrade;
	int			 r;

	s->watching = true;
	if (!journal_exists(s->state_dir)) {
		*cause = xasprintf("no journal in %s yet: nothing to watch",
		    s->state_dir);
		return EXIT_USAGE;
	}
	if ((s->j = journal_open(s->state_dir, true, cause)) == NULL)
		return EXIT_FAILED;
	if ((r = watch_find(s, cause)) != EXIT_DONE)
		return r;
	if ((r = session_inventory(s, cause)) != EXIT_DONE)
		return r;
	/* A rollback run is laid out from the upgrade it undoes. */
	upgrade = s->unf->kind == JOURNAL_RUN_ROLLBACK ? s->unf->parent :
	    s->unf->id;
	s->parent = s->unf->parent;
	s->plan = session_plan_of_run(s->unf,
	    s->unf->plan != NULL ? s->unf->plan : "");
	free(s->from);
	s->from = xstrdup(s->plan->from);
	s->opts.dry_run = s->unf->dry_run;
	session_set_run(s, upgrade);
	if (journal_events(s->j, upgrade, &ev, &n_ev, cause) != 0)
		return EXIT_FAILED;
	watch_vars(s, ev, n_ev);
	journal_events_free(ev, n_ev);
	if (session_layout(s, cause) != 0)
		return EXIT_USAGE;
	if (s->unf->kind == JOURNAL_RUN_ROLLBACK) {
		if (session_steps_reload(s, upgrade, s->steps, s->logs,
		    cause) != 0)
			return EXIT_FAILED;
		session_set_run(s, s->unf->id);
		if (journal_events(s->j, s->run_id, &ev, &n_ev, cause) != 0)
			return EXIT_FAILED;
		/* Its target is the one its confirmation was typed for. */
		rs = session_new_steps(s, s->steps,
		    session_rollback_hop_of(s->steps, ev, n_ev), 0, cause);
		journal_events_free(ev, n_ev);
		if (rs == NULL)
			return EXIT_USAGE;
		session_take_rollback(s, rs);
	}
	if (watch_apply(s, cause) != 0)
		return EXIT_FAILED;
	(void)session_watch_fd(s);
	return EXIT_DONE;
}

/* The watch set closed, its pidfd and inotify descriptor with it. */
static void
watch_close(struct session *s)
{
	if (s->holder_fd != -1)
		close(s->holder_fd);
	s->holder_fd = -1;
	s->holder_fd_pid = 0;
	if (s->watch_ep != -1)
		close(s->watch_ep);
	s->watch_ep = -1;
	journal_watch_close(s->watch_fd);
	s->watch_fd = -1;
}

void
session_watch_free(struct session *s)
{
	watch_close(s);
	journal_lock_holder_free(&s->holder);
	free(s->ro_why);
	s->ro_why = NULL;
	free(s->taken_by);
	s->taken_by = NULL;
}

bool
session_watching(const struct session *s)
{
	return s->watching;
}

const char *
session_read_only_why(const struct session *s)
{
	return s->watching ? s->ro_why : NULL;
}

enum session_watch
session_watch_state(const struct session *s)
{
	return s->watch;
}

const char *
session_taken_by(const struct session *s)
{
	return s->taken_by;
}

int
session_watch_fd(struct session *s)
{
	char	*cause = NULL;

	struct epoll_event	ev;

	if (s->watch_fd == -1 &&
	    (s->watch_fd = journal_watch_open(s->state_dir, s->run_id,
	    &cause)) == -1) {
		free(cause);
		return -1;
	}
	if (s->watch_ep == -1 &&
	    (s->watch_ep = epoll_create1(EPOLL_CLOEXEC)) != -1) {
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.fd = s->watch_fd;
		if (epoll_ctl(s->watch_ep, EPOLL_CTL_ADD, s->watch_fd,
		    &ev) != 0) {
			close(s->watch_ep);
			s->watch_ep = -1;
		}
	}
	watch_holder_fd(s);
	return s->watch_ep != -1 ? s->watch_ep : s->watch_fd;
}

pid_t
session_holder_pid(const struct session *s)
{
	return s->watch == SESSION_WATCH_HELD ? s->holder.pid : 0;
}

int
session_watch_update(struct session *s, char **cause)
{
	/* Nothing written, and the holder lives: nothing changed. A holder
	 * that died wrote nothing, but freed the lock. */
	int	r;

	if (s->watch_fd != -1 && journal_watch_drain(s->watch_fd) == 0 &&
	    (!s->watching || s->watch != SESSION_WATCH_HELD ||
	    holder_alive(s)))
		return 0;
	if (!s->watching || s->steps == NULL)
		return 1;
	r = watch_apply(s, cause) == 0 ? 1 : -1;
	watch_holder_fd(s);
	return r;
}

int
session_watch_wait(struct session *s, int timeout_ms, char **cause)
{
	struct pollfd	pfd;
	size_t		was = session_first_running(s), n = s->n_running;

	pfd.fd = session_watch_fd(s);
	pfd.events = POLLIN;
	if (pfd.fd == -1 || poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (session_watch_update(s, cause) < 0)
		return -1;
	return session_first_running(s) != was || s->n_running != n ? 1 : 0;
}

bool
session_hold_check(struct session *s)
{
	struct journal_holder	*hv = NULL;
	size_t			 hn = 0, k;
	char			*cause = NULL;

	if (s->watching || s->j == NULL || s->run_id == 0 ||
	    s->status != SESSION_RUNNING || journal_claimed(s->j, s->run_id) != 0)
		return false;
	/* Taken over: nothing more is ours to write (the journal refuses
	 * it anyway); the command in flight is its new holder's. */
	s->watching = true;
	for (k = 0; k < SESSION_SLOTS; k++)
		action_proc_close(&s->slots[k].proc);
	journal_unlock(s->lock);
	s->lock = NULL;
	/* Watch the run's own files from now on: its evidence is rewritten
	 * once each commit is visible (a -wal write may come before). */
	watch_close(s);
	(void)session_watch_fd(s);
	if (journal_holders(s->j, s->run_id, &hv, &hn, &cause) != 0)
		free(cause);
	else if (hn > 0) {
		free(s->taken_by);
		s->taken_by = journal_holder_describe(&hv[hn - 1]);
	}
	journal_holders_free(hv, hn);
	if (s->taken_by == NULL)
		s->taken_by = xstrdup("another operator took the run over");
	cause = NULL;
	if (watch_apply(s, &cause) != 0) {
		free(cause);
		s->ro_why = xstrdup("read-only: the run was taken over");
	}
	return true;
}

char *
session_takeover_phrase(const struct session *s)
{
	char	*name, *phrase;

	if (!s->watching || s->watch != SESSION_WATCH_HELD)
		return NULL;
	name = short_name(s->holder.operator);
	phrase = xasprintf("take over from %s", name);
	free(name);
	return phrase;
}

/* Forget the run as watched, to take it up as its holder. */
static void
watch_forget(struct session *s)
{
	session_free_logs(s);
	steps_free(s->steps);
	s->steps = NULL;
	steps_free(s->upgrade);
	s->upgrade = NULL;
	plan_free(s->plan);
	s->plan = NULL;
	watch_slots_clear(s);
	step_env_free(&s->answers);
	memset(s->answered, 0, (s->rb->n_vars + 1) * sizeof *s->answered);
	if (s->unf != NULL)
		journal_run_free(s->unf);
	s->unf = NULL;
	session_info_clear(&s->info);
	s->has_info = false;
	s->status = SESSION_NEW;
	s->run_id = 0;
	free(s->run_id_s);
	s->run_id_s = NULL;
	s->watching = false;
	free(s->ro_why);
	s->ro_why = NULL;
	free(s->taken_by);
	s->taken_by = NULL;
}

int
session_takeover(struct session *s, const char *typed, const char *why,
    char **cause)
{
	struct journal			*j;
	struct journal_lock_holder	 h;
	long long			 run;
	char				*phrase, *from, *detail, *desc;
	bool				 took_over = false;
	int				 r;

	if (!s->watching || s->steps == NULL) {
		*cause = xstrdup("this stepup is not watching a run");
		return -1;
	}
	/* Not read again here: the holder the operator saw (and named) is
	 * the one taken over from, or nobody (journal_claim's expect). */
	if (s->watch == SESSION_WATCH_ENDED) {
		*cause = xasprintf("run %lld is %s: there is nothing to take "
		    "over", s->run_id, session_status_name(s->status));
		return -1;
	}
	run = s->run_id;
	memset(&h, 0, sizeof h);
	if (s->watch == SESSION_WATCH_HELD) {
		phrase = session_takeover_phrase(s);
		if (typed == NULL || strcmp(typed, phrase) != 0) {
			*cause = xasprintf("that is not the phrase: to take "
			    "the run over, type exactly: %s", phrase);
			free(phrase);
			return -1;
		}
		free(phrase);
		if (why == NULL || *why == '\0') {
			*cause = xstrdup("a takeover needs a reason (it is "
			    "journaled)");
			return -1;
		}
	}
	if ((j = journal_open(s->state_dir, false, cause)) == NULL)
		return -1;
	if (s->watch == SESSION_WATCH_HELD) {
		/* The new holder and the takeover event in one transaction:
		 * from its commit on, the old holder can write nothing. */
		from = holder_words(s->holder.operator, s->holder.host,
		    s->holder.pid, s->holder.since);
		detail = xasprintf("%s took run %lld over from %s: %s",
		    journal_who(j), run, from, why);
		if (journal_begin(j, cause) != 0 ||
		    journal_claim(j, run, "took over", s->holder.operator, why,
		    s->holder_gen, NULL, cause) != 0 ||
		    journal_append(j, run, JOURNAL_EV_TAKEOVER, NULL, detail,
		    NULL, cause) != 0 || journal_commit(j, cause) != 0) {
			journal_rollback(j);
			free(from);
			free(detail);
			journal_close(j);
			return -1;
		}
		free(from);
		free(detail);
		/* Its stepup lets go once it sees that. */
		r = journal_lock_wait(s->state_dir, s->runbook_abs,
		    TAKEOVER_WAIT_MS, &s->lock, &h, cause);
		if (r == JOURNAL_LOCK_HELD) {
			/* Still ours by the journal: its writes are refused.
			 * Taken as soon as it is free (stepup(1)). */
			journal_lock_holder_free(&h);
			s->lock = NULL;
		} else if (r != JOURNAL_LOCK_TAKEN) {
			journal_close(j);
			return -1;
		}
	} else {
		r = journal_lock(s->state_dir, s->runbook_abs, &s->lock,
		    &took_over, &h, cause);
		if (r == JOURNAL_LOCK_HELD) {
			desc = journal_lock_holder_describe(&h);
			*cause = xasprintf("%s took the lock first", desc);
			free(desc);
			journal_lock_holder_free(&h);
			journal_close(j);
			return -1;
		}
		if (r != JOURNAL_LOCK_TAKEN) {
			journal_close(j);
			return -1;
		}
		if (took_over) {
			desc = journal_lock_holder_describe(&h);
			free(s->takeover);
			s->takeover = xasprintf("took over the lock of %s, "
			    "whose process is gone", desc);
			free(desc);
		}
	}
	journal_lock_holder_free(&h);
	journal_close(s->j);
	s->j = j;
	watch_forget(s);
	journal_lock_holder_free(&s->holder);
	return session_load_unfinished(s, cause) == EXIT_DONE ? 0 : -1;
}
