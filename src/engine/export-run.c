/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* export-run.c: the report of a run, built from its journal records as an
 * export_doc: each step's state, who acknowledged or confirmed it and when
 * (with the typed phrase), its attempts with times, durations and exit
 * statuses, its artifact with size and sha256, skips and marks with their
 * reasons, and the rollback run if there was one. Secrets never appear:
 * the journal masks them when it writes, and this masks every secret var
 * of the runbook again. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "inventory.h"
#include "journal.h"
#include "plan.h"
#include "runbook.h"
#include "session.h"
#include "steps.h"
#include "util.h"

#define MASK	"********"

static char *
when(long long t)
{
	char	s[64];

	if (t <= 0)
		return xstrdup("unknown");
	return xstrdup(utc_format(s, sizeof s, t, "%Y-%m-%d %H:%M:%S UTC"));
}

static char *
duration(long long from, long long to)
{
	long long	d = to - from;

	if (from <= 0 || to <= 0 || d < 0)
		return xstrdup("unknown");
	if (d < 60)
		return xasprintf("%lld s", d);
	if (d < 3600)
		return xasprintf("%lld min %lld s", d / 60, d % 60);
	return xasprintf("%lld h %lld min", d / 3600, (d % 3600) / 60);
}

/* "by alice from 192.0.2.7 at 2026-11-22 01:40:00 UTC" */
static char *
by_at(const struct journal_event *e)
{
	char	*t = when(e->time), *s;

	s = xasprintf("by %s at %s", e->operator != NULL ? e->operator :
	    "unknown", t);
	free(t);
	return s;
}

/* Is name a secret var of the runbook? */
static bool
secret_var(const struct runbook *rb, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; rb != NULL && i < rb->n_vars; i++) {
		if (rb->vars[i].secret && strlen(rb->vars[i].name) == len &&
		    strncmp(rb->vars[i].name, name, len) == 0)
			return true;
	}
	return false;
}

/* The answers of a VARS event ("NAME=value" lines), every secret masked,
 * into env (for titles) and as text. */
static char *
run_vars(const struct runbook *rb, const struct export_run *r,
    struct step_env *env)
{
	struct buf	 b;
	const char	*p, *eq, *nl;
	char		*name, *value;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < r->n_events; i++) {
		if (r->events[i].kind != JOURNAL_EV_VARS ||
		    r->events[i].detail == NULL)
			continue;
		for (p = r->events[i].detail; *p != '\0';
		    p = nl + (*nl != '\0')) {
			nl = p + strcspn(p, "\n");
			eq = memchr(p, '=', nl - p);
			if (eq == NULL)
				continue;
			name = xstrndup(p, eq - p);
			if (secret_var(rb, p, eq - p) ||
			    strncmp(eq + 1, MASK, strlen(MASK)) == 0) {
				buf_printf(&b, "%s=%s\n", name, MASK);
				step_env_set(env, name, MASK, true);
			} else {
				value = xstrndup(eq + 1, nl - eq - 1);
				buf_printf(&b, "%s=%s\n", name, value);
				step_env_set(env, name, value, false);
				free(value);
			}
			free(name);
		}
	}
	if (b.len > 0)
		b.data[--b.len] = '\0';
	return buf_take(&b);
}

/* The runbook step a journal key names: "id", "id@HOP", "undo:KEY",
 * a roll's "ROLL~B" and "ROLL~B~pause". */
static const struct rb_step *
key_step(const struct runbook *rb, const char *key, char **hop_to)
{
	const char		*at;
	char			*id;
	const struct rb_step	*rs;

	*hop_to = NULL;
	if (rb == NULL)
		return NULL;
	if (strncmp(key, "undo:", 5) == 0)
		key += 5;
	at = strchr(key, '@');
	id = at != NULL ? xstrndup(key, at - key) : xstrdup(key);
	if (at != NULL)
		*hop_to = xstrdup(at + 1);
	rs = runbook_key_step(rb, id);
	free(id);
	return rs;
}

static enum export_box
box_of(const char *state)
{
	int	st = step_state_parse(state);

	if (st < 0)
		return EXPORT_BOX_OPEN;
	/* A host's failure within max-fail is settled, and a failure. */
	if (st == STEP_TOLERATED)
		return EXPORT_BOX_FAILED;
	if (step_state_settled(st))
		return EXPORT_BOX_DONE;
	if (st == STEP_FAILED || st == STEP_IN_DOUBT)
		return EXPORT_BOX_FAILED;
	return EXPORT_BOX_OPEN;
}

static void
add_attempt(struct export_item *it, const struct journal_action *a)
{
	struct buf	 b;
	char		*t, *label;

	buf_init(&b);
	t = when(a->started);
	buf_printf(&b, "started %s", t);
	free(t);
	if (a->finished) {
		t = when(a->ended);
		buf_printf(&b, ", ended %s", t);
		free(t);
		t = duration(a->started, a->ended);
		buf_printf(&b, " (%s)", t);
		free(t);
		if (a->signal != 0)
			buf_printf(&b, ", killed by signal %d", a->signal);
		else
			buf_printf(&b, ", exit %d", a->exit_code);
		if (a->timed_out)
			buf_puts(&b, ", timed out");
		if (a->cancelled)
			buf_puts(&b, ", cancelled");
	} else
		buf_puts(&b, "; its end is not recorded");
	label = xasprintf("Attempt %d", a->attempt);
	export_item_field(it, label, EXPORT_PROSE, b.data);
	free(label);
	buf_free(&b);
	if (a->log_path != NULL)
		export_item_field(it, "Log", EXPORT_PROSE, a->log_path);
	if (a->artifact != NULL) {
		t = xasprintf("%s (%lld bytes, sha256 %s)", a->artifact,
		    a->artifact_size, a->artifact_sha256 != NULL ?
		    a->artifact_sha256 : "not recorded");
		export_item_field(it, "Artifact", EXPORT_PROSE, t);
		free(t);
	}
}

/* The fields an event gives its step, or NULL for those shown otherwise. */
static const char *
event_label(enum journal_event_kind k)
{
	switch (k) {
	case JOURNAL_EV_ACK:		return "Acknowledged";
	case JOURNAL_EV_PHRASE:		return "Confirmed";
	case JOURNAL_EV_TICK:		return "Ticked";
	case JOURNAL_EV_SKIP:		return "Skipped";
	case JOURNAL_EV_MARK_DONE:	return "Done by hand";
	case JOURNAL_EV_CANCEL:		return "Cancelled";
	case JOURNAL_EV_TIMEOUT:	return "Timed out";
	case JOURNAL_EV_IN_DOUBT:	return "In doubt";
	case JOURNAL_EV_DRY_RUN:	return "Shown, not run (dry run)";
	case JOURNAL_EV_SHELL:		return "Shell opened";
	case JOURNAL_EV_ROLLBACK:	return "Rollback chosen";
	case JOURNAL_EV_NOTE:		return "Note";
	case JOURNAL_EV_OUTPUT:		return "Values set";
	case JOURNAL_EV_ROLL_PAUSE:	return "Roll paused";
	case JOURNAL_EV_ROLL_CONTINUE:	return "Roll continued";
	default:			return NULL;
	}
}

static void
add_step(struct export_section *sec, const struct runbook *rb,
    const struct plan *plan, const struct export_run *r,
    const struct journal_step_state *js, const struct step_env *base)
{
	const struct rb_step	*rs;
	struct step_env		 env = { NULL, 0, NULL };
	struct export_item	*it;
	const char		*label, *raw;
	char			*hop_to, *title = NULL;
	char			*tags, *s, *b;
	size_t			 i;

	rs = key_step(rb, js->step, &hop_to);
	step_env_merge(&env, base);
	steps_key_env(plan, js->step, &env);
	raw = rs != NULL ? rs->title : NULL;
	if (strcmp(js->step, "rollback-confirm") == 0)
		title = xstrdup("Confirm the rollback");
	else if (raw != NULL)
		title = steps_text(raw, &env);
	/* A host's instance is titled as the run titled it (steps.c). */
	if (title != NULL && strchr(js->step, '#') != NULL) {
		s = steps_host_title(title, strchr(js->step, '#') + 1);
		free(title);
		title = s;
	}
	if (title != NULL && strncmp(js->step, "undo:", 5) == 0) {
		s = xasprintf(rs != NULL && rs->undo != NULL ? "Undo: %s" :
		    "Cannot be undone automatically: %s", title);
		free(title);
		title = s;
	}
	if (strcmp(js->step, "rollback-confirm") == 0)
		tags = xasprintf("confirm · %s", js->step);
	else if (rs != NULL)
		tags = xasprintf("%s · %s",
		    strncmp(js->step, "undo:", 5) == 0 && rs->undo == NULL ?
		    "manual" : rb_kind_name(rs->kind), js->step);
	else
		tags = xstrdup(js->step);
	s = js->state;
	{
		int st = step_state_parse(js->state);

		if (st >= 0)
			s = (char *)step_state_words(st);
	}
	it = export_section_item(sec, title != NULL ? title : js->step, tags,
	    box_of(js->state), s);
	free(tags);
	free(title);
	free(hop_to);
	step_env_free(&env);
	/* The reason, unless an event below says it already. */
	for (i = 0; js->reason != NULL && i < r->n_events; i++) {
		if (r->events[i].step != NULL && r->events[i].detail != NULL &&
		    strcmp(r->events[i].step, js->step) == 0 &&
		    strcmp(r->events[i].detail, js->reason) == 0)
			break;
	}
	if (i == r->n_events)
		export_item_field(it, "Reason", EXPORT_PROSE, js->reason);

	for (i = 0; i < r->n_events; i++) {
		const struct journal_event *e = &r->events[i];

		if (e->step == NULL || strcmp(e->step, js->step) != 0 ||
		    (label = event_label(e->kind)) == NULL)
			continue;
		/* A phrase that did not match is journaled too. */
		if (e->kind == JOURNAL_EV_PHRASE && (e->detail == NULL ||
		    strncmp(e->detail, "typed: ", 7) != 0))
			label = "Phrase refused";
		b = by_at(e);
		if (e->detail != NULL && *e->detail != '\0')
			s = xasprintf("%s: %s", b, e->detail);
		else
			s = xstrdup(b);
		export_item_field(it, label, EXPORT_PROSE, s);
		free(s);
		free(b);
	}
	for (i = 0; i < r->n_actions; i++) {
		if (strcmp(r->actions[i].step, js->step) == 0)
			add_attempt(it, &r->actions[i]);
	}
}

/* The steps of a run: for an upgrade whose plan and runbook are known,
 * every step of the plan in order, those never reached said so; else
 * (a rollback, or a runbook that no longer lays out) the steps the
 * journal knows, in the order they were first set. */
static void
add_steps(struct export_section *sec, const struct runbook *rb,
    const struct export_run *r, bool upgrade, const struct step_env *env)
{
	struct plan		*plan = NULL;
	struct steps		*ss = NULL;
	struct runbook		 with_hosts;
	struct inventory	*inv = NULL;
	bool			*shown;
	char			*cause = NULL, *tags;
	size_t			 i, k;

	shown = xcalloc(r->n_steps + 1, sizeof *shown);
	plan = session_run_plan(r->run);
	/* Laid out on the hosts the run journaled, not today's. */
	if (upgrade && rb != NULL && r->run->inventory != NULL &&
	    (inv = inventory_from_ini("the journal", r->run->inventory,
	    r->run->inventory_limit, &cause)) == NULL) {
		free(cause);
		cause = NULL;
	}
	if (inv != NULL) {
		with_hosts = *rb;
		with_hosts.inventory = inv;
		rb = &with_hosts;
	}
	if (upgrade && rb != NULL && plan != NULL &&
	    (ss = steps_new(rb, plan, env, &cause)) == NULL)
		free(cause);
	for (i = 0; ss != NULL && i < ss->n; i++) {
		for (k = 0; k < r->n_steps; k++) {
			if (!shown[k] && strcmp(r->steps[k].step,
			    ss->v[i].key) == 0)
				break;
		}
		if (k < r->n_steps) {
			shown[k] = true;
			add_step(sec, rb, plan, r, &r->steps[k], env);
			continue;
		}
		tags = xasprintf("%s · %s", rb_kind_name(ss->v[i].kind),
		    ss->v[i].key);
		export_section_item(sec, ss->v[i].title != NULL ?
		    ss->v[i].title : ss->v[i].key, tags, EXPORT_BOX_OPEN,
		    "not reached");
		free(tags);
	}
	for (k = 0; k < r->n_steps; k++) {
		if (!shown[k])
			add_step(sec, rb, plan, r, &r->steps[k], env);
	}
	free(shown);
	steps_free(ss);
	inventory_free(inv);
	plan_free(plan);
}

/* Run-wide events (no step), one a line. */
static char *
run_events(const struct export_run *r)
{
	struct buf	 b;
	size_t		 i;
	char		*t;

	buf_init(&b);
	for (i = 0; i < r->n_events; i++) {
		const struct journal_event *e = &r->events[i];

		if (e->step != NULL || e->kind == JOURNAL_EV_VARS)
			continue;
		t = when(e->time);
		buf_printf(&b, "%s%s %s, %s", b.len > 0 ? "\n" : "", t,
		    journal_event_kind_name(e->kind), e->operator != NULL ?
		    e->operator : "unknown");
		if (e->detail != NULL && *e->detail != '\0')
			buf_printf(&b, ": %s", e->detail);
		free(t);
	}
	return buf_take(&b);
}

/* Add a run's header (head: the document's; else a section's note), its
 * steps and its events. env: the environment its titles expand from; the
 * upgrade's answers and versions, which its rollback reuses. */
static void
add_run(struct export_doc *d, const struct runbook *rb,
    const struct export_run *r, bool head, struct step_env *env)
{
	const struct journal_run	*run = r->run;
	struct export_section		*sec;
	struct plan			*plan;
	char				*vars, *s, *t, *u, *ev;

	vars = run_vars(rb, r, env);
	/* A rollback's steps were laid out in its upgrade's environment:
	 * the versions of the plan it undoes, and its own target. */
	plan = head && run->kind == JOURNAL_RUN_ROLLBACK ?
	    session_run_plan(run) : NULL;
	if (head && (plan != NULL ? plan->from : run->from) != NULL)
		step_env_set(env, "STEPUP_FROM", plan != NULL ? plan->from :
		    run->from, false);
	if (head && (plan != NULL ? plan->to : run->to) != NULL)
		step_env_set(env, "STEPUP_TO", plan != NULL ? plan->to :
		    run->to, false);
	if (plan != NULL && run->to != NULL)
		step_env_set(env, "STEPUP_ROLLBACK_TO", run->to, false);
	plan_free(plan);
	t = when(run->started);
	u = run->ended > 0 ? when(run->ended) : xstrdup("not ended");
	s = run->ended > 0 ? duration(run->started, run->ended) : NULL;
	if (head) {
		export_doc_head(d, "Product", run->product);
		export_doc_head(d, "From", run->from);
		export_doc_head(d, "To", run->to);
		ev = xasprintf("%lld, %s%s, %s", run->id,
		    journal_run_kind_name(run->kind), run->dry_run ?
		    " (dry run)" : "", journal_run_status_name(run->status));
		export_doc_head(d, "Run", ev);
		free(ev);
		if (run->parent != 0) {
			ev = xasprintf("rolls back run %lld", run->parent);
			export_doc_head(d, "Rollback", ev);
			free(ev);
		}
		export_doc_head(d, "Operator", run->operator);
		if (r->holders != NULL)
			export_doc_head(d, "Holders", r->holders);
		export_doc_head(d, "On host", run->host);
		ev = session_run_hosts(run);
		if (ev != NULL)
			export_doc_head(d, "Hosts", ev);
		free(ev);
		export_doc_head(d, "Started", t);
		export_doc_head(d, "Ended", u);
		export_doc_head(d, "Duration", s);
		export_doc_head(d, "Runbook", run->runbook);
		export_doc_head(d, "SHA-256", run->runbook_sha256);
		export_doc_head(d, "Variables", vars);
		export_doc_head(d, "Journal", r->integrity);
		sec = export_doc_section(d, "Steps", r->n_steps == 0 ?
		    "No step was reached." : NULL);
	} else {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "Run %lld, %s by %s, %s. Started %s, ended %s",
		    run->id, journal_run_kind_name(run->kind),
		    run->operator != NULL ? run->operator : "unknown",
		    journal_run_status_name(run->status), t, u);
		if (s != NULL)
			buf_printf(&b, " (%s)", s);
		buf_putc(&b, '.');
		if (r->integrity != NULL)
			buf_printf(&b, " Journal: %s.", r->integrity);
		ev = xasprintf("Rollback, run %lld", run->id);
		sec = export_doc_section(d, ev, b.data);
		free(ev);
		buf_free(&b);
	}
	free(s);
	free(t);
	free(u);
	free(vars);
	/* A rollback run lists its own steps, as its journal knows them. */
	add_steps(sec, rb, r, head && run->kind == JOURNAL_RUN_UPGRADE, env);
	ev = run_events(r);
	if (*ev != '\0') {
		s = xasprintf(head ? "Run events" : "Rollback run events");
		export_doc_section(d, s, ev);
		free(s);
	}
	free(ev);
}

/* The report document of a run (and its rollback) from journal records. */
struct export_doc *
export_report(const struct runbook *rb, const struct export_run *run,
    const struct export_run *rollback, const struct export_meta *meta)
{
	const struct journal_run	*r = run->run;
	struct export_doc		*d;
	struct step_env			 env = { NULL, 0, NULL };
	char				*s;

	s = xasprintf("%s report: %s %s → %s", r->kind == JOURNAL_RUN_ROLLBACK ?
	    "Rollback" : "Upgrade", r->product != NULL ? r->product : "",
	    r->from != NULL ? r->from : "?", r->to != NULL ? r->to : "?");
	d = export_doc_new(s);
	free(s);
	add_run(d, rb, run, true, &env);
	if (rollback != NULL) {
		/* "by run 2, to 1.1.0", and its status unless it is done. */
		s = xasprintf("by run %lld, to %s%s%s%s", rollback->run->id,
		    rollback->run->to != NULL ? rollback->run->to : "?",
		    rollback->run->status != JOURNAL_RUN_DONE ? " (" : "",
		    rollback->run->status != JOURNAL_RUN_DONE ?
		    journal_run_status_name(rollback->run->status) : "",
		    rollback->run->status != JOURNAL_RUN_DONE ? ")" : "");
		export_doc_head(d, "Rolled back", s);
		free(s);
	}
	if (meta != NULL) {
		export_doc_head(d, "Report date", meta->date);
		export_doc_head(d, "Report host", meta->host);
	}
	if (rollback != NULL)
		add_run(d, rb, rollback, false, &env);
	step_env_free(&env);
	export_doc_signoff(d, "Operator");
	export_doc_signoff(d, "Reviewer");
	export_doc_footer(d, "From the journal of stepup. Secret values are "
	    "never written to it, and never shown here.");
	return d;
}

/* The journal records of one run, read into r (free with run_free). */
struct run_records {
	struct journal_run		*run;
	struct journal_step_state	*steps;
	size_t				 n_steps;
	struct journal_event		*events;
	size_t				 n_events;
	struct journal_action		*actions;
	size_t				 n_actions;
	char				*integrity;
	char				*holders;
	struct export_run		 view;
};

/* Returns 0, 1 when there is no such run, -1 on error; *cause says why. */
static int
run_read(struct journal *j, long long id, struct run_records *r,
    char **cause)
{
	memset(r, 0, sizeof *r);
	if (journal_run_get(j, id, &r->run, cause) != 0)
		return -1;
	if (r->run == NULL) {
		*cause = xasprintf("there is no run %lld in the journal %s", id,
		    journal_path(j));
		return 1;
	}
	if (journal_steps(j, id, &r->steps, &r->n_steps, cause) != 0 ||
	    journal_events(j, id, &r->events, &r->n_events, cause) != 0 ||
	    journal_actions(j, id, NULL, &r->actions, &r->n_actions,
	    cause) != 0)
		return -1;
	r->view.run = r->run;
	r->view.steps = r->steps;
	r->view.n_steps = r->n_steps;
	r->view.events = r->events;
	r->view.n_events = r->n_events;
	r->view.actions = r->actions;
	r->view.n_actions = r->n_actions;
	r->integrity = journal_run_integrity(j, id);
	r->view.integrity = r->integrity;
	r->holders = journal_holders_text(j, id, "");
	r->view.holders = r->holders;
	return 0;
}

static void
run_free(struct run_records *r)
{
	journal_run_free(r->run);
	journal_steps_free(r->steps, r->n_steps);
	journal_events_free(r->events, r->n_events);
	journal_actions_free(r->actions, r->n_actions);
	free(r->integrity);
	free(r->holders);
}

/* The report of a run read from an open journal. */
int
export_report_journal(struct journal *j, long long id,
    const struct runbook *rb, const struct export_meta *meta,
    struct export_doc **out, char **cause)
{
	struct journal_run	*runs = NULL;
	struct run_records	 r, back;
	long long		 rollback = 0;
	size_t			 n_runs = 0, i;
	int			 st;

	*out = NULL;
	memset(&back, 0, sizeof back);
	if ((st = run_read(j, id, &r, cause)) != 0)
		goto out;
	/* The latest rollback of this run, if any. */
	if (journal_runs(j, NULL, &runs, &n_runs, cause) != 0) {
		st = -1;
		goto out;
	}
	for (i = 0; i < n_runs; i++) {
		if (runs[i].kind == JOURNAL_RUN_ROLLBACK &&
		    runs[i].parent == id)
			rollback = runs[i].id;
	}
	journal_runs_free(runs, n_runs);
	if (rollback != 0 && (st = run_read(j, rollback, &back, cause)) != 0) {
		st = -1;
		goto out;
	}
	*out = export_report(rb, &r.view, rollback != 0 ? &back.view : NULL,
	    meta);
out:
	run_free(&r);
	run_free(&back);
	return st;
}
