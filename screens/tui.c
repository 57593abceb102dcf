/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* tui.c: the terminal wizard over a session: curses up, the first
 * screen, the hooks the frame calls (header, shell escape, Ctrl-C, child
 * exits), how a step is opened, and leaving with the run paused. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "escape.h"
#include "export.h"
#include "journal.h"
#include "rollback.h"
#include "tui.h"
#include "ui.h"
#include "util.h"

static struct session	*tui_s;
static size_t		 tui_index;	/* argument of the last step screen */
static bool		 tui_for_rollback; /* stepup rollback */
static char		*tui_rb_text;	/* rollback_summary(), once */
static char		*tui_rb_refused; /* why stepup rollback cannot */
static bool		 tui_rb_restored;

struct session *
tui_session(void)
{
	return tui_s;
}

static void
tui_header(struct ui_header *h)
{
	const struct runbook	*rb = session_runbook(tui_s);
	const struct plan	*pl = session_get_plan(tui_s);
	const struct steps	*ss = session_steps(tui_s);
	const struct step	*run = session_running(tui_s);
	size_t			 i;

	snprintf(h->product, sizeof h->product, "%s", rb->product);
	if (pl != NULL) {
		snprintf(h->from, sizeof h->from, "%s", pl->from);
		snprintf(h->to, sizeof h->to, "%s", pl->to);
		h->n_hops = (int)pl->n_hops;
	}
	if (ss != NULL) {
		i = session_current(tui_s);
		if (run != NULL)
			i = run->index;
		/* "hop n of m" inside a hop; else the phase. */
		if (i < ss->n && ss->v[i].phase == RB_PHASE_HOP &&
		    ss->v[i].hop >= 0)
			h->hop = ss->v[i].hop + 1;
		else if (i < ss->n)
			snprintf(h->phase, sizeof h->phase, "%s",
			    rb_phase_name(ss->v[i].phase));
	}
	/* Read-only: who holds the run, on every screen. */
	if (session_watching(tui_s))
		snprintf(h->note, sizeof h->note, "%s%s",
		    session_read_only_why(tui_s),
		    session_watch_state(tui_s) == SESSION_WATCH_ENDED ? "" :
		    "  (T: take over)");
	if (run != NULL)
		snprintf(h->state, sizeof h->state, "running");
	else if (session_dry_run(tui_s))
		snprintf(h->state, sizeof h->state, "dry run");
	else
		snprintf(h->state, sizeof h->state, "%s",
		    session_status_name(session_status(tui_s)));
}

static int
tui_shell(void)
{
	const struct steps	*ss = session_steps(tui_s);
	char			*cause = NULL;
	size_t			 i = 0;

	if (ss == NULL || ss->n == 0) {
		ui_message(ROLE_WARNING, "The shell escape opens once the run "
		    "has begun.");
		return -1;
	}
	i = session_current(tui_s);
	if (i >= ss->n)
		i = ss->n - 1;
	escape_printf(stdout, "stepup: a shell in %s with the environment of "
	    "step %zu; exit it to come back to the wizard.\n",
	    session_state_dir(tui_s), i + 1);
	fflush(stdout);
	if (session_act(tui_s, i, SESSION_ACT_SHELL, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return -1;
	}
	ui_message(ROLE_NORMAL, "Back from the shell (journaled).");
	return 0;
}

static bool
tui_interrupt(void)
{
	const struct step	*run = session_running(tui_s);
	char			*q;

	if (run == NULL || session_watching(tui_s))
		return false;	/* a watcher's ^C leaves */
	if (ui_top() == &screen_ask)
		return true;
	if (session_n_running(tui_s) > 1)
		q = xasprintf("Cancel the %zu hosts running now (step %zu, \"%s\", "
		    "and its fellows)? No more of its hosts start.",
		    session_n_running(tui_s), run->index + 1, run->title);
	else
		q = xasprintf("Cancel step %zu, \"%s\"?", run->index + 1,
		    run->title);
	tui_act_ask(run->index, SESSION_ACT_CANCEL, q, "Its process group "
	    "gets SIGTERM, then SIGKILL after a grace period. What it has "
	    "done so far is not undone.", NULL, NULL);
	free(q);
	return true;
}

static int
tui_leave_answer(void *ctx, const char *answer, char **cause)
{
	ui_quit(EXIT_FAILED);
	return 0;
}

/* q or Esc on the last screen, or Ctrl-C outside an action: a run under
 * way is left only once the operator says so. */
static bool
tui_leave(void)
{
	const struct steps	*ss = session_steps(tui_s);
	struct ask_arg		 a;
	char			*cause = NULL;

	/* stepup rollback before its run begins leaves the run as it was. */
	if (session_run_id(tui_s) == NULL || session_dry_run(tui_s) ||
	    session_watching(tui_s) ||
	    session_status(tui_s) != SESSION_RUNNING ||
	    (tui_for_rollback && (ss == NULL || !ss->rollback)))
		return false;
	if (ui_top() == &screen_ask)
		return true;
	memset(&a, 0, sizeof a);
	a.title = "Leave the wizard";
	a.question = "Leave? The run is paused and resumes where it is.";
	a.detail = session_running(tui_s) != NULL ? "The running action goes "
	    "on by itself; stepup says how to come back to it." :
	    "stepup says how to come back to it.";
	a.answer = tui_leave_answer;
	if (ui_push(&screen_ask, &a, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return false;
	}
	return true;
}

const char *
tui_state_glyph(const struct step *st, enum theme_role *role)
{
	switch (st->state) {
	case STEP_PENDING:
		*role = ROLE_LOCKED;
		return ui_glyph(UI_GLYPH_LOCKED);
	case STEP_READY:
		*role = ROLE_SELECTION;
		return ui_glyph(UI_GLYPH_READY);
	case STEP_RUNNING:
		*role = ROLE_RUNNING;
		return ui_glyph(UI_GLYPH_RUNNING);
	case STEP_PASSED:
		if (st->warned) {
			*role = ROLE_WARNING;
			return ui_glyph(UI_GLYPH_WARN);
		}
		*role = ROLE_PASSED;
		return ui_glyph(UI_GLYPH_PASSED);
	case STEP_FAILED:
		*role = ROLE_FAILED;
		return ui_glyph(UI_GLYPH_FAILED);
	case STEP_TOLERATED:
		*role = ROLE_WARNING;
		return ui_glyph(UI_GLYPH_FAILED);
	case STEP_SKIPPED:
		*role = ROLE_DIM;
		return ui_glyph(UI_GLYPH_SKIPPED);
	case STEP_DONE:
		*role = ROLE_WARNING;
		return ui_glyph(UI_GLYPH_BY_HAND);
	case STEP_IN_DOUBT:
	default:
		*role = ROLE_WARNING;
		return ui_glyph(UI_GLYPH_DOUBT);
	}
}

const char *
tui_check_word(const struct step *st, enum theme_role *role)
{
	*role = ROLE_DIM;
	switch (st->state) {
	case STEP_PASSED:
		*role = st->warned ? ROLE_WARNING : ROLE_PASSED;
		return st->warned ? "WARN" : "PASS";
	case STEP_FAILED:
		if (st->rb != NULL && st->rb->severity == RB_SEV_WARN) {
			*role = ROLE_WARNING;
			return "WARN";
		}
		*role = ROLE_FAILED;
		return "FAIL";
	case STEP_TOLERATED:
		*role = ROLE_WARNING;
		return "FAIL";
	case STEP_SKIPPED:
	case STEP_DONE:
		return "SKIP";
	case STEP_RUNNING:
		*role = ROLE_RUNNING;
		return "RUN";
	case STEP_IN_DOUBT:
		*role = ROLE_WARNING;
		return "????";
	default:
		return "";
	}
}

char *
tui_expand(const struct step *st, const char *text)
{
	return steps_text(text, &st->env);
}

static int
tui_read_end(void *ctx, char **cause)
{
	return session_end_shown(tui_s, (size_t)(uintptr_t)ctx, cause);
}

static int
tui_read_ack(void *ctx, char **cause)
{
	return session_act(tui_s, (size_t)(uintptr_t)ctx, SESSION_ACT_ACK,
	    NULL, cause);
}

/* The screen of each step kind; a read step's gets its document. */
static const struct screen *const tui_kind_screens[] = {
	[RB_READ] = &screen_reader,
	[RB_CHECK] = &screen_checks,
	[RB_ACTION] = &screen_run,
	[RB_CONFIRM] = &screen_confirm,
	[RB_MANUAL] = &screen_manual,
};
_Static_assert(sizeof tui_kind_screens / sizeof tui_kind_screens[0] ==
    RB_KIND__COUNT, "a step kind without its screen");

void
tui_open_step(size_t i)
{
	const struct steps	*ss = session_steps(tui_s);
	struct steps_host	*h;
	char			*cause = NULL;
	size_t			 n;

	if (ss == NULL || i >= ss->n)
		return;
	/* A step on many hosts, a roll: the host table. */
	n = steps_group_hosts(ss, i, &h, NULL);
	free(h);
	if (n < 2) {
		tui_open_one(i);
		return;
	}
	tui_index = i;
	if (ui_push(&screen_hosts, &tui_index, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
}

void
tui_open_one(size_t i)
{
	const struct steps	*ss = session_steps(tui_s);
	const struct step	*st;
	const struct screen	*scr;
	struct reader_arg	 ra;
	char			*cause = NULL, *path = NULL, *title;

	if (ss == NULL || i >= ss->n)
		return;
	st = &ss->v[i];
	tui_index = i;
	scr = tui_kind_screens[st->kind];
	if (scr != &screen_reader)
		ui_push(scr, &tui_index, &cause);
	else if (session_document(tui_s, i, &path, &cause) == 0) {
		memset(&ra, 0, sizeof ra);
		title = xasprintf("%zu. %s", i + 1, st->title);
		ra.path = path;
		ra.title = title;
		ra.ctx = (void *)(uintptr_t)i;
		ra.end = tui_read_end;
		ra.end_shown = st->end_shown;
		if (session_can(tui_s, i, SESSION_ACT_ACK, NULL) ||
		    st->state == STEP_READY)
			ra.ack = tui_read_ack;
		ui_push(scr, &ra, &cause);
		free(title);
		free(path);
	}
	if (cause != NULL) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
}

char *
tui_group_title(const struct step *st)
{
	if (st->roll != NULL)
		return tui_expand(st, st->roll->title != NULL ?
		    st->roll->title : st->roll->id);
	return tui_expand(st, st->rb != NULL ? st->rb->title : st->title);
}

struct tui_row *
tui_rows(const struct steps *ss, size_t *n)
{
	struct tui_row	*v;
	size_t		 i, lo, hi, k = 0;

	v = xreallocarray(NULL, ss->n > 0 ? ss->n : 1, sizeof *v);
	for (i = 0; i < ss->n; i = hi + 1) {
		steps_group_span(ss, i, &lo, &hi);
		if (lo != i || (hi == i && ss->v[i].roll == NULL))
			hi = i;
		v[k].lo = i;
		v[k].hi = hi;
		k++;
	}
	*n = k;
	return v;
}

size_t
tui_row_of(const struct tui_row *v, size_t n, size_t i)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (i >= v[k].lo && i <= v[k].hi)
			return k;
	return n > 0 ? n - 1 : 0;
}

bool
tui_row_is_group(const struct steps *ss, const struct tui_row *r)
{
	return r->hi > r->lo || ss->v[r->lo].roll != NULL;
}

void
tui_row_group(const struct steps *ss, const struct tui_row *r, char *out,
    size_t size, const struct step **rep)
{
	static const enum step_state order[] = {
		STEP_RUNNING, STEP_FAILED, STEP_IN_DOUBT, STEP_READY,
		STEP_PENDING
	};
	const struct step	*st = &ss->v[r->lo];
	struct steps_host	*h;
	size_t			 counts[STEP__COUNT], n, o, j;
	char			*progress, *title;

	n = steps_group_hosts(ss, r->lo, &h, counts);
	free(h);
	progress = steps_hosts_progress(counts, n);
	title = tui_group_title(st);
	snprintf(out, size, "%2zu. %-7s %s: %s", r->lo + 1, st->roll != NULL ?
	    "roll" : rb_kind_name(st->kind), title, progress);
	free(title);
	free(progress);
	*rep = &ss->v[r->hi];
	for (o = 0; o < sizeof order / sizeof order[0]; o++)
		for (j = r->lo; j <= r->hi; j++)
			if (ss->v[j].state == order[o]) {
				*rep = &ss->v[j];
				return;
			}
}

void
tui_follow(void)
{
	const struct steps	*ss = session_steps(tui_s);
	size_t			 i;
	char			*cause = NULL;

	if (ss == NULL)
		return;
	/* stepup rollback: the upgrade's steps are only followed to the
	 * end of a command still running, then the rollback screen. */
	if (tui_for_rollback && !ss->rollback) {
		if (session_running(tui_s) == NULL &&
		    ui_top() != &screen_rollback &&
		    ui_replace(&screen_rollback, NULL, &cause) != 0) {
			/* Nothing to roll back: said once curses is down. */
			free(tui_rb_refused);
			tui_rb_refused = cause;
			ui_quit(EXIT_FAILED);
		}
		return;
	}
	if (session_status(tui_s) == SESSION_DONE || steps_done(ss)) {
		if (ui_top() != &screen_summary &&
		    ui_replace(&screen_summary, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return;
	}
	if (session_running(tui_s) != NULL)
		return;
	i = session_current(tui_s);
	if (i < ss->n && ss->v[i].state == STEP_READY && session_auto(tui_s, i))
		tui_open_step(i);
}

bool
tui_poll(void)
{
	char	*cause = NULL;
	size_t	 n = session_n_running(tui_s);
	int	 r = 0;

	if (session_running(tui_s) != NULL) {
		r = session_wait(tui_s, 0, &cause);
		if (r < 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
	}
	ui_ticker(session_running(tui_s) != NULL ? 100 : 0);
	/* One of several hosts ended (r is 0 then): redrawn too. */
	if (r == 1 || session_n_running(tui_s) != n)
		ui_dirty();
	return r == 1;
}

/* The running command's end, for the frame's poll. */
static int
tui_wait_fd(void)
{
	return tui_s != NULL ? session_wait_fd(tui_s) : -1;
}

/* It ended: settle it now, whatever screen is on top. */
static void
tui_wait(void)
{
	(void)tui_poll();
}

void
tui_hub(void)
{
	const struct step	*run;
	char			*cause = NULL;

	if (ui_replace(&screen_checklist, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return;
	}
	if ((run = session_running(tui_s)) != NULL)
		tui_open_step(run->index);
	else
		tui_follow();
}

void
tui_begin(void)
{
	char	*cause = NULL;

	if (session_begin(tui_s, &cause) != EXIT_DONE) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return;
	}
	tui_hub();
}

void
tui_rollback_show(void)
{
	char	*cause = NULL;

	if (ui_push(&screen_rollback, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
}

void
tui_rollback_begun(const char *typed)
{
	const struct steps	*ss = session_steps(tui_s);
	char			*cause = NULL;
	size_t			 i;

	/* The screens of the upgrade go; the rollback run's confirmation
	 * (its first step) starts nothing by itself. */
	while (ui_depth() > 1)
		ui_pop();
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].kind == RB_CONFIRM && ss->v[i].rb == NULL)
			break;
	}
	if (i < ss->n && session_act(tui_s, i, SESSION_ACT_CONFIRM, typed,
	    &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	tui_hub();
}

const char *
tui_rollback_summary(bool *restored)
{
	const struct steps	*up = session_upgrade_steps(tui_s);
	struct rollback_model	*m;
	char			*installed = NULL, *cause = NULL;

	*restored = false;
	if (up == NULL)
		return NULL;
	if (tui_rb_text == NULL) {
		m = rollback_model_new(up, session_steps(tui_s));
		if (session_probe_installed(tui_s, &installed, &cause) != 0)
			free(cause);
		tui_rb_text = rollback_summary(m, session_steps(tui_s),
		    installed);
		tui_rb_restored = installed != NULL && m->restore != NULL &&
		    strcmp(installed, m->restore) == 0;
		free(installed);
		rollback_model_free(m);
	}
	*restored = tui_rb_restored;
	return tui_rb_text;
}

/* The date and host of an export's header, as stepup export gives them. */
static struct export_meta
tui_export_meta(char **date, char **host)
{
	struct export_meta	 meta;

	meta.date = *date = export_date();
	meta.host = *host = journal_host();
	return meta;
}

int
tui_export_checklist(enum export_format fmt, char **path, char **cause)
{
	const struct runbook	*rb = session_runbook(tui_s);
	const struct plan	*pl = session_get_plan(tui_s);
	struct export_doc	*doc;
	struct export_meta	 meta;
	const char		**env_values;
	char			*date, *host, *text, *name;
	size_t			 i;
	int			 r = -1;

	if (pl == NULL || pl->n_hops == 0) {
		*cause = xstrdup("there is no upgrade planned to write down");
		return -1;
	}
	env_values = xcalloc(rb->n_vars + 1, sizeof *env_values);
	for (i = 0; i < rb->n_vars; i++) {
		if (rb->vars[i].source == RB_VAR_ENV)
			env_values[i] = getenv(rb->vars[i].env);
	}
	meta = tui_export_meta(&date, &host);
	doc = export_checklist_plan(rb, pl, env_values, &meta, cause);
	if (doc != NULL) {
		text = export_render(doc, fmt);
		name = xasprintf("%s-%s-%s-checklist", rb->product, pl->from,
		    pl->to);
		r = export_save(session_state_dir(tui_s), name, fmt,
		    text, path, cause);
		free(name);
		free(text);
		export_doc_free(doc);
	}
	free(env_values);
	free(date);
	free(host);
	return r;
}

int
tui_export_report(enum export_format fmt, char **path, char **cause)
{
	struct journal		*j;
	struct journal_run	*run = NULL;
	struct export_doc	*doc = NULL;
	struct export_meta	 meta;
	const char		*id_s = session_run_id(tui_s);
	char			*date, *host, *text, *name;
	long long		 id;
	int			 r = -1;

	if (id_s == NULL) {
		*cause = xstrdup("the run has not begun: nothing to report");
		return -1;
	}
	id = strtoll(id_s, NULL, 10);
	if ((j = journal_open(session_state_dir(tui_s), true, cause)) == NULL)
		return -1;
	/* A rollback run is reported with the upgrade it undoes. */
	if (journal_run_get(j, id, &run, cause) != 0) {
		journal_close(j);
		return -1;
	}
	if (run != NULL && run->kind == JOURNAL_RUN_ROLLBACK && run->parent > 0)
		id = run->parent;
	journal_run_free(run);
	meta = tui_export_meta(&date, &host);
	if (export_report_journal(j, id, session_runbook(tui_s), &meta, &doc,
	    cause) == 0) {
		text = export_render(doc, fmt);
		name = xasprintf("run-%lld-report", id);
		r = export_save(session_state_dir(tui_s), name, fmt,
		    text, path, cause);
		free(name);
		free(text);
		export_doc_free(doc);
	}
	journal_close(j);
	free(date);
	free(host);
	return r;
}

/* --- watching, and the takeover ------------------------------------------- */

static char	*tui_phrase;		/* the takeover phrase typed */

/* A watcher follows the holder: the running step's screen over the
 * checklist while a command runs. */
static void
tui_watch_follow(void)
{
	const struct step	*run = session_running(tui_s);

	if (run == NULL)
		return;
	if ((ui_top() == &screen_run || ui_top() == &screen_checks) &&
	    tui_index == run->index)
		return;
	if (ui_top() == &screen_hosts && tui_index < session_steps(tui_s)->n) {
		size_t	lo, hi;

		steps_group_span(session_steps(tui_s), tui_index, &lo, &hi);
		if (run->index >= lo && run->index <= hi &&
		    run->host != NULL)
			return;
	}
	while (ui_depth() > 1)
		ui_pop();
	tui_open_step(run->index);
}

/* The watch descriptor was readable: a watcher reads the journal again;
 * a holder looks whether its run was taken over. */
static void
tui_watch_changed(void)
{
	enum session_watch	 was = session_watch_state(tui_s);
	char			*cause = NULL;
	int			 r;

	if (!session_watching(tui_s)) {
		(void)session_watch_update(tui_s, &cause);
		free(cause);
		cause = NULL;
		if (!session_hold_check(tui_s))
			return;
		ui_watch_fd = session_watch_fd(tui_s);
		while (ui_depth() > 1)
			ui_pop();
		ui_message(ROLE_WARNING, "%s; this wizard is read-only now.",
		    session_taken_by(tui_s));
		ui_ticker(session_running(tui_s) != NULL ? 100 : 0);
		tui_watch_follow();
		return;
	}
	if ((r = session_watch_update(tui_s, &cause)) < 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return;
	}
	if (r == 0)
		return;
	ui_ticker(session_running(tui_s) != NULL ? 100 : 0);
	if (was == SESSION_WATCH_HELD &&
	    session_watch_state(tui_s) != SESSION_WATCH_HELD)
		ui_message(ROLE_WARNING, "%s.", session_read_only_why(tui_s));
	tui_watch_follow();
}

/* Taken over: the run is ours; resume it as any unfinished run. Every
 * screen above the first goes, the question too (so true: see ask_arg). */
static bool
tui_taken(void *ctx)
{
	char	*cause = NULL;

	(void)ctx;
	while (ui_depth() > 1)
		ui_pop();
	if (ui_replace(&screen_start, NULL, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return true;
	}
	ui_message(ROLE_NORMAL, "The run is yours now: resume it.");
	return true;
}

static int
tui_takeover_why(void *ctx, const char *why, char **cause)
{
	(void)ctx;
	return session_takeover(tui_s, tui_phrase, why, cause);
}

static int
tui_takeover_free(void *ctx, const char *answer, char **cause)
{
	(void)ctx;
	(void)answer;
	return session_takeover(tui_s, NULL, NULL, cause);
}

/* The phrase typed: it must match before the reason is asked. */
static int
tui_takeover_phrase(void *ctx, const char *typed, char **cause)
{
	char	*phrase = session_takeover_phrase(tui_s);

	(void)ctx;
	if (phrase == NULL) {
		*cause = xstrdup("nobody holds the run any more: Esc, then T "
		    "resumes it");
		return -1;
	}
	if (strcmp(typed, phrase) != 0) {
		*cause = xasprintf("That is not the phrase; type exactly: %s",
		    phrase);
		free(phrase);
		return -1;
	}
	free(phrase);
	free(tui_phrase);
	tui_phrase = xstrdup(typed);
	return 0;
}

/* The phrase matched: the reason is asked in its place. */
static bool
tui_takeover_reason(void *ctx)
{
	struct ask_arg	 a;
	char		*cause = NULL;

	(void)ctx;
	memset(&a, 0, sizeof a);
	a.title = "Take the run over";
	a.question = "Why? (journaled with the takeover)";
	a.text = true;
	a.required = true;
	a.answer = tui_takeover_why;
	a.then = tui_taken;
	if (ui_replace(&screen_ask, &a, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
		return false;
	}
	return true;
}

/* T: take the watched run over. */
static void
tui_takeover(void)
{
	struct ask_arg	 a;
	char		*phrase, *q, *cause = NULL;

	if (!session_watching(tui_s)) {
		ui_message(ROLE_WARNING, "This wizard holds the run already.");
		return;
	}
	if (session_watch_state(tui_s) == SESSION_WATCH_ENDED) {
		ui_message(ROLE_WARNING, "%s: there is nothing to take over.",
		    session_read_only_why(tui_s));
		return;
	}
	if (ui_top() == &screen_ask)
		return;
	memset(&a, 0, sizeof a);
	a.title = "Take the run over";
	if ((phrase = session_takeover_phrase(tui_s)) == NULL) {
		a.question = "Nobody holds the run now. Take it over and "
		    "resume it?";
		a.answer = tui_takeover_free;
		a.then = tui_taken;
		q = NULL;
	} else {
		q = xasprintf("%s. To take the run over, type exactly:\n\n  %s",
		    session_read_only_why(tui_s), phrase);
		a.question = q;
		a.detail = "Its holder's wizard turns read-only within a "
		    "second; a command running goes on and is followed here. "
		    "The takeover is journaled: who, from whom, when, why.";
		a.text = true;
		a.required = true;
		a.answer = tui_takeover_phrase;
		a.then = tui_takeover_reason;
	}
	if (ui_push(&screen_ask, &a, &cause) != 0) {
		ui_message(ROLE_ERROR, "%s", cause);
		free(cause);
	}
	free(q);
	free(phrase);
}

static void
tui_pick_header(struct ui_header *h)
{
	snprintf(h->product, sizeof h->product, "choose a runbook");
}

static struct tui_opts	 tui_o;

void
tui_options(const struct tui_opts *o)
{
	tui_o = *o;
}

const struct tui_opts *
tui_get_options(void)
{
	return &tui_o;
}

int
tui_pick(char **path)
{
	struct theme	 t;
	char		*theme_cause = NULL, *cause = NULL;
	int		 status;

	*path = NULL;
	if (theme_choose(&t, tui_o.theme, tui_o.no_color, &theme_cause) != 0)
		escape_printf(stderr, "stepup: %s; using the default theme\n",
		    theme_cause);
	ui_header_hook = tui_pick_header;
	ui_init(&t);
	if (theme_cause != NULL) {
		ui_message(ROLE_ERROR, "%s; using the default theme",
		    theme_cause);
		free(theme_cause);
	}
	if (ui_push(&screen_pick, path, &cause) != 0) {
		ui_end();
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	status = ui_loop();
	ui_end();
	return *path != NULL ? EXIT_DONE : status;
}

/* Curses up with the chosen theme and the wizard's hooks. */
static void
tui_up(struct session *s)
{
	struct theme	 t;
	char		*theme_cause = NULL;

	tui_s = s;
	if (theme_choose(&t, tui_o.theme, tui_o.no_color, &theme_cause) != 0)
		escape_printf(stderr, "stepup: %s; using the default theme\n",
		    theme_cause);
	ui_header_hook = tui_header;
	ui_shell_hook = tui_shell;
	ui_interrupt_hook = tui_interrupt;
	ui_leave_hook = tui_leave;
	ui_wait_fd_hook = tui_wait_fd;
	ui_wait_hook = tui_wait;
	/* Watchers follow the run; a holder notices a takeover. */
	ui_watch_hook = tui_watch_changed;
	ui_watch_fd = session_watch_fd(s);
	ui_takeover_hook = tui_takeover;
	ui_init(&t);
	if (theme_cause != NULL) {
		ui_message(ROLE_ERROR, "%s; using the default theme",
		    theme_cause);
		free(theme_cause);
	}
}

/* Curses down; say how the run was left. */
static int
tui_finish(struct session *s, int status)
{
	const struct steps	*ss = session_steps(s);
	const char		*text;
	char			*cause = NULL, *resume;
	bool			 restored = false;

	ui_end();
	free(tui_phrase);
	tui_phrase = NULL;
	if (session_watching(s)) {
		if (session_taken_by(s) != NULL)
			escape_printf(stdout, "stepup: %s; this stepup let go "
			    "of run %s\n", session_taken_by(s),
			    session_run_id(s));
		else
			escape_printf(stdout, "stepup: stopped watching run "
			    "%s (%s)\n", session_run_id(s),
			    session_read_only_why(s));
		return session_status(s) == SESSION_DONE ? EXIT_DONE :
		    EXIT_FAILED;
	}
	if (tui_for_rollback && (ss == NULL || !ss->rollback)) {
		if (tui_rb_refused != NULL) {
			escape_printf(stderr, "stepup: %s\n", tui_rb_refused);
			free(tui_rb_refused);
			tui_rb_refused = NULL;
		}
		if (session_status(s) == SESSION_RUNNING &&
		    session_pause(s, &cause) != 0) {
			escape_printf(stderr, "stepup: cannot record the "
			    "pause: %s\n", cause);
			free(cause);
		}
		printf("stepup: nothing was rolled back; run %s is as it "
		    "was\n", session_run_id(s) != NULL ? session_run_id(s) :
		    "?");
		return EXIT_FAILED;
	}
	if (session_status(s) == SESSION_DONE) {
		escape_printf(stdout, "stepup: done: %s %s, run %s\n",
		    session_runbook(s)->product,
		    ss != NULL && ss->rollback ? "rolled back" : "upgraded",
		    session_run_id(s));
		if (ss == NULL || !ss->rollback)
			return EXIT_DONE;
		/* What state things are in stays on the terminal. */
		if ((text = tui_rollback_summary(&restored)) != NULL)
			escape_printf(stdout, "%s", text);
		/* An upgrade rolled back has failed all the same. */
		return tui_for_rollback && restored ? EXIT_DONE : EXIT_FAILED;
	}
	if (session_refusal(s) != NULL && ss == NULL)
		return EXIT_REFUSED;
	if (ss != NULL && !session_dry_run(s)) {
		if (session_pause(s, &cause) != 0) {
			escape_printf(stderr, "stepup: cannot record the "
			    "pause: %s\n", cause);
			free(cause);
		}
		text = resume = session_resume_command(s, false);
		printf("stepup: paused: run %s is unfinished%s; to resume it:\n"
		    "  %s\n", session_run_id(s), session_running(s) != NULL ?
		    " (its running action goes on)" : "", text);
		free(resume);
		return EXIT_FAILED;
	}
	if (session_dry_run(s) && ss != NULL)
		return EXIT_DONE;
	return status == EXIT_DONE ? EXIT_FAILED : status;
}

int
tui_run(struct session *s)
{
	char			*cause = NULL;
	const struct screen	*first;
	int			 r;

	tui_up(s);
	if (session_unfinished(s) != NULL)
		first = &screen_start;
	else if (session_needs_from(s) || session_plan_asks(s))
		first = &screen_questions;
	else
		first = &screen_plan;
	r = ui_push(first, NULL, &cause);
	if (r == 0) {
		/* The first frame, then the journal when this is the first
		 * run here (creating one syncs the disk twice). */
		ui_flush();
		r = session_journal(s, &cause);
	}
	if (r != 0) {
		ui_end();
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	return tui_finish(s, ui_loop());
}

int
tui_watch(struct session *s, bool takeover)
{
	char	*cause = NULL;

	tui_up(s);
	if (ui_push(&screen_checklist, NULL, &cause) != 0) {
		ui_end();
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	ui_ticker(session_running(s) != NULL ? 100 : 0);
	tui_watch_follow();
	if (takeover)
		tui_takeover();
	return tui_finish(s, ui_loop());
}

int
tui_rollback(struct session *s)
{
	const struct session_run_info	*u = session_unfinished(s);
	char				*cause = NULL;
	int				 r;

	if (u == NULL) {
		escape_printf(stderr, "stepup: there is no run of %s to roll "
		    "back\n", session_runbook(s)->path);
		return EXIT_USAGE;
	}
	tui_for_rollback = true;
	tui_up(s);
	if (u->runbook_changed)
		ui_message(ROLE_WARNING, "The runbook changed since run %s "
		    "began (its sha256 differs): check what changed.", u->id);
	else if (u->inventory_note != NULL)
		ui_message(ROLE_WARNING, "%s", u->inventory_note);
	/* Secret answers were never journaled: asked again, then the
	 * questions screen resumes and shows the hub, which shows the
	 * rollback screen. */
	if (session_question(s, 0) != NULL)
		r = ui_push(&screen_questions, NULL, &cause);
	else if ((r = session_resume(s, &cause)) == EXIT_DONE) {
		r = ui_push(&screen_checklist, NULL, &cause);
		if (r == 0)
			tui_hub();
	}
	if (r != 0) {
		ui_end();
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return r == -1 ? EXIT_FAILED : r;
	}
	return tui_finish(s, ui_loop());
}
