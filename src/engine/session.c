/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session.c: one upgrade or rollback run in progress: opening it (runbook,
 * lock, journal, an unfinished run), the names of statuses, the
 * read-only views, pausing and closing. The rest of the session is in
 * src/engine/session-*.c; src/engine/session-int.h says which file holds what. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "export.h"
#include "journal.h"
#include "plan.h"
#include "runbook.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

/* --- tables ---------------------------------------------------------------- */

static const char *session_status_names[] = {
#define X(e, name) name,
	SESSION_STATUSES(X)
#undef X
};

const char *
session_status_name(enum session_status st)
{
	return (unsigned)st < SESSION__COUNT ? session_status_names[st] : "?";
}

/* --- accessors ------------------------------------------------------------ */

const struct runbook *session_runbook(const struct session *s) { return s->rb; }
const struct plan *session_get_plan(const struct session *s) { return s->plan; }
const struct plan_refusal *session_refusal(const struct session *s) { return s->refusal; }
const struct rb_policy *session_policy(const struct session *s) { return s->policy; }
const struct steps *session_steps(const struct session *s) { return s->steps; }
const char *session_run_id(const struct session *s) { return s->run_id_s; }
const char *session_state_dir(const struct session *s) { return s->state_dir; }

char *
session_resume_command(const struct session *s, bool plain)
{
	char	*def, *dir = NULL, *rb, *cmd;
	bool	 rollback;

	def = journal_state_dir_default();
	if (s->state_dir != NULL && (def == NULL ||
	    strcmp(def, s->state_dir) != 0))
		dir = export_shell_quote(s->state_dir);
	free(def);
	rb = export_shell_quote(s->runbook_abs != NULL ? s->runbook_abs :
	    s->rb->abspath);
	/* Before it is resumed, the unfinished run's kind says which; a
	 * session opened to roll back goes on rolling back. */
	rollback = s->opts.rollback || (s->steps != NULL ? s->steps->rollback :
	    s->unf != NULL && s->unf->kind == JOURNAL_RUN_ROLLBACK);
	cmd = xasprintf("stepup %s%s%s%s %s", rollback ? "rollback" : "run",
	    plain ? " --plain" : "",
	    dir != NULL ? " --state-dir " : "", dir != NULL ? dir : "", rb);
	free(dir);
	free(rb);
	return cmd;
}
enum session_status session_status(const struct session *s) { return s->status; }
bool session_dry_run(const struct session *s) { return s->opts.dry_run; }

const struct session_run_info *
session_unfinished(const struct session *s)
{
	return s->has_info ? &s->info : NULL;
}

size_t
session_current(const struct session *s)
{
	return s->steps != NULL ? steps_current(s->steps) : 0;
}

const struct step *
session_running(const struct session *s)
{
	size_t	i = session_first_running(s);

	return i != NONE ? &s->steps->v[i] : NULL;
}

const char *
session_log(const struct session *s, size_t i)
{
	if (s->steps == NULL || i >= s->steps->n)
		return NULL;
	return s->logs[i];
}

/* --- open, close, pause ----------------------------------------------------- */

/* The key of the step a run is at: the last step whose state the journal
 * recorded as not settled, or NULL. */
static char *
run_at_step(struct journal *j, long long run)
{
	struct journal_step_state	*v = NULL;
	size_t				 n = 0, i;
	char				*cause = NULL, *key = NULL;
	int				 st;

	if (journal_steps(j, run, &v, &n, &cause) != 0) {
		free(cause);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		st = step_state_parse(v[i].state);
		if (st >= 0 && !step_state_settled(st)) {
			free(key);
			key = xstrdup(v[i].step);
		}
	}
	journal_steps_free(v, n);
	return key;
}


/* For a second operator: the run the holder of the lock has under way,
 * to follow with stepup show ("" when there is none, or no telling). */
static char *
held_run_hint(const struct session *s)
{
	struct journal		*j;
	struct journal_run	*unf = NULL;
	char			*c = NULL, *hint;

	if (!journal_exists(s->state_dir) ||
	    (j = journal_open(s->state_dir, true, &c)) == NULL) {
		free(c);
		return xstrdup("");
	}
	if (journal_run_unfinished(j, s->runbook_abs, &unf, &c) != 0 ||
	    unf == NULL) {
		free(c);
		journal_close(j);
		return xstrdup("");
	}
	hint = xasprintf(" (meanwhile, stepup show %lld shows how far run "
	    "%lld has got)", unf->id, unf->id);
	journal_run_free(unf);
	journal_close(j);
	return hint;
}

int
session_load_unfinished(struct session *s, char **cause)
{
	const struct session_opts	*opts = &s->opts;
	char				*key;
	int				 r;

	if (journal_run_unfinished(s->j, s->runbook_abs, &s->unf, cause) != 0)
		return EXIT_FAILED;
	if (s->unf == NULL && opts->rollback &&
	    (r = session_latest_run(s, cause)) != EXIT_DONE)
		return r;
	/* Its hosts before anything is laid out. */
	if ((r = session_inventory(s, cause)) != EXIT_DONE)
		return r;
	if (s->unf != NULL) {
		s->has_info = true;
		s->info.id = xasprintf("%lld", s->unf->id);
		s->info.operator = xstrdup(s->unf->operator != NULL ?
		    s->unf->operator : "?");
		s->info.host = xstrdup(s->unf->host != NULL ? s->unf->host : "?");
		s->info.started = s->unf->started;
		s->info.from = xstrdup(s->unf->from != NULL ? s->unf->from : "?");
		s->info.to = xstrdup(s->unf->to != NULL ? s->unf->to : "?");
		s->info.step = run_at_step(s->j, s->unf->id);
		s->info.runbook_changed = s->unf->runbook_sha256 == NULL ||
		    strcmp(s->unf->runbook_sha256, s->rb->sha256) != 0;
		/* Its answers, so that only the secret ones are asked again. */
		{
			struct journal_event	*ev = NULL;
			size_t			 n_ev = 0, i;

			if (journal_events(s->j, s->unf->kind ==
			    JOURNAL_RUN_ROLLBACK ? s->unf->parent : s->unf->id,
			    &ev, &n_ev, cause) != 0)
				return EXIT_FAILED;
			session_reload_vars(s, ev, n_ev);
			for (i = 0; i < n_ev; i++) {
				if (ev[i].kind == JOURNAL_EV_BEGIN &&
				    ev[i].detail != NULL && strcmp(ev[i].detail,
				    SESSION_STEP_NOTE) == 0)
					s->opts.step = true;
			}
			journal_events_free(ev, n_ev);
		}
		/* The step it resumes at, as resuming lays it out; else the
		 * last one recorded unsettled. */
		if ((key = session_resume_step(s)) != NULL) {
			free(s->info.step);
			s->info.step = key;
		}
	}
	return EXIT_DONE;
}

int
session_open(const struct session_opts *opts, struct session **out,
    char **cause)
{
	struct session			*s;
	struct rb_diags			 diags;
	struct journal_lock_holder	 holder;
	bool				 took_over = false;
	char				*desc, *watch;
	FILE				*f;
	char				*text = NULL;
	size_t				 len = 0, i;
	int				 r;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	s->opts = *opts;
	for (i = 0; i < SESSION_SLOTS; i++) {
		s->slots[i].step = NONE;
		s->slots[i].proc.fd = -1;
	}
	s->away = NONE;
	s->watch_fd = -1;
	s->watch_ep = -1;
	s->holder_fd = -1;
	s->status = SESSION_NEW;

	rb_diags_init(&diags);
	s->rb = runbook_load(opts->runbook, &diags);
	if (s->rb == NULL) {
		if ((f = open_memstream(&text, &len)) != NULL) {
			rb_diags_print(&diags, f);
			fclose(f);
		}
		/* The diagnostics end with a newline; the caller adds one. */
		if (text != NULL && len > 0 && text[len - 1] == '\n')
			text[len - 1] = '\0';
		*cause = text != NULL ? text : xstrdup("invalid runbook");
		rb_diags_free(&diags);
		session_close(s);
		return EXIT_USAGE;
	}
	rb_diags_free(&diags);
	s->runbook_abs = xstrdup(s->rb->abspath);
	s->dir = xstrdup(s->rb->dir);
	s->answered = xcalloc(s->rb->n_vars + 1, sizeof *s->answered);

	if ((s->state_dir = journal_state_dir(opts->state_dir, cause)) == NULL) {
		session_close(s);
		return EXIT_FAILED;
	}
	/* A watcher takes no lock and writes nothing. */
	if (opts->watch) {
		if ((r = session_watch_open(s, cause)) != EXIT_DONE) {
			session_close(s);
			return r;
		}
		*out = s;
		return EXIT_DONE;
	}
	r = journal_lock(s->state_dir, s->runbook_abs, &s->lock, &took_over,
	    &holder, cause);
	if (r == JOURNAL_LOCK_HELD) {
		desc = journal_lock_holder_describe(&holder);
		watch = held_run_hint(s);
		*cause = xasprintf("%s is in use: %s holds its lock; try again "
		    "when they are done%s", s->runbook_abs, desc, watch);
		free(watch);
		free(desc);
		journal_lock_holder_free(&holder);
		session_close(s);
		return EXIT_LOCKED;
	}
	if (r != JOURNAL_LOCK_TAKEN) {
		journal_lock_holder_free(&holder);
		session_close(s);
		return EXIT_FAILED;
	}
	if (took_over) {
		desc = journal_lock_holder_describe(&holder);
		s->takeover = xasprintf("took over the lock of %s, whose "
		    "process is gone", desc);
		free(desc);
	}
	journal_lock_holder_free(&holder);

	/* No journal, so no run to resume: there is nothing to read (unless
	 * evidence of runs is there: journal_open then says what was lost). */
	if (opts->defer_journal && !opts->rollback &&
	    !journal_exists(s->state_dir) &&
	    !journal_has_evidence(s->state_dir)) {
		if ((r = session_inventory(s, cause)) != EXIT_DONE) {
			session_close(s);
			return r;
		}
		*out = s;
		return EXIT_DONE;
	}
	if (session_journal(s, cause) != 0) {
		session_close(s);
		return EXIT_FAILED;
	}
	if ((r = session_load_unfinished(s, cause)) != EXIT_DONE) {
		session_close(s);
		return r;
	}
	*out = s;
	return EXIT_DONE;
}

void
session_close(struct session *s)
{
	char	*cause = NULL;
	size_t	 i;

	if (s == NULL)
		return;
	if (s->status == SESSION_RUNNING && s->j != NULL) {
		if (session_pause(s, &cause) != 0)
			free(cause);
	}
	session_remote_close(s);
	for (i = 0; i < SESSION_SLOTS; i++) {
		action_proc_close(&s->slots[i].proc);
		free(s->slots[i].status_path);
	}
	session_watch_free(s);
	session_free_logs(s);
	steps_free(s->steps);
	steps_free(s->upgrade);
	journal_close(s->j);
	journal_unlock(s->lock);
	if (s->unf != NULL)
		journal_run_free(s->unf);
	session_info_clear(&s->info);
	for (i = 0; i < s->n_probes; i++) {
		free(s->probes[i].what);
		free(s->probes[i].detail);
	}
	free(s->probes);
	plan_free(s->plan);
	plan_refusal_free(s->refusal);
	plan_policy_free(s->policy);
	step_env_free(&s->answers);
	step_env_free(&s->outputs);
	free(s->answered);
	free(s->from);
	free(s->to);
	free(s->run_id_s);
	free(s->takeover);
	free(s->state_dir);
	free(s->runbook_abs);
	free(s->dir);
	session_inventory_free(s);
	runbook_free(s->rb);
	free(s);
}

int
session_pause(struct session *s, char **cause)
{
	if (s->status != SESSION_RUNNING || s->watching)
		return 0;
	if (journal_append(s->j, s->run_id, JOURNAL_EV_PAUSE, NULL,
	    s->n_running > 0 ? "paused while a command runs on" : NULL,
	    NULL, cause) != 0 ||
	    journal_run_set_status(s->j, s->run_id, JOURNAL_RUN_PAUSED,
	    cause) != 0)
		return -1;
	s->status = SESSION_PAUSED;
	return 0;
}

/* --- another target, from the plan screen --------------------------------- */
