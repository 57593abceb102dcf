/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-acts.c: the act table's lookups, the gate (session_can) and the
 * operator's acts that settle a step without running a command:
 * acknowledge, confirm, tick, accept a warning, skip, mark done; each
 * journaled before the model moves. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "runbook.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

static char	 why_buf[512];

/* --- the act table ------------------------------------------------------- */

static const struct session_act_info session_acts_table[] = {
#define X(e, name, arg, word, done, key, gate, fn, title, prompt)	\
	{ name, SESSION_ARG_##arg, word, done, title, prompt },
	SESSION_ACTS(X)
#undef X
};

const struct session_act_info *
session_act_info(enum session_act a)
{
	return (unsigned)a < SESSION_ACT__COUNT ? &session_acts_table[a] : NULL;
}

const char *
session_act_name(enum session_act a)
{
	return (unsigned)a < SESSION_ACT__COUNT ? session_acts_table[a].name : "?";
}

int
session_act_parse(const char *word)
{
	size_t	i;

	for (i = 0; i < SESSION_ACT__COUNT; i++) {
		if (session_acts_table[i].word != NULL &&
		    strcmp(session_acts_table[i].word, word) == 0)
			return (int)i;
	}
	return -1;
}

/* --- the gate ------------------------------------------------------------- */

static const char *
why_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
why_set(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof why_buf, fmt, ap);
	va_end(ap);
	return why_buf;
}

static bool
is_command(const struct step *st)
{
	return (st->kind == RB_CHECK || st->kind == RB_ACTION) && st->run != NULL;
}

/* Whether the run may have changed the cluster: an action of it has run
 * (passed, failed, in doubt, or was marked done by hand), or a manual
 * task after its confirmation was done (the operator agreed to change
 * the cluster by typing the phrase; a task before it, such as telling
 * the users, changes nothing to roll back). Before either, a failing
 * pre-flight check leaves nothing to undo. */
static bool
session_changed(const struct steps *ss)
{
	const struct step	*st;
	bool			 confirmed = false;
	size_t			 i;

	for (i = 0; i < ss->n; i++) {
		st = &ss->v[i];
		switch (st->kind) {
		case RB_CONFIRM:
			if (st->state == STEP_PASSED)
				confirmed = true;
			break;
		case RB_MANUAL:
			if (confirmed && (st->state == STEP_PASSED ||
			    st->state == STEP_DONE))
				return true;
			break;
		case RB_ACTION:
			if (st->state == STEP_RUNNING ||
			    st->state == STEP_PASSED ||
			    st->state == STEP_FAILED ||
			    st->state == STEP_IN_DOUBT ||
			    st->state == STEP_DONE)
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

/* Each act's rule: what the step must be once the gate's level (the
 * act's row) is passed. true, or false with *why, or false with *why
 * NULL for "ACT is not possible on step N (KIND, STATE)". */
typedef bool acts_rule(const struct session *, size_t i,
    const struct step *, const char **why);

static bool
acts_can_ack(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	if (st->kind != RB_READ || st->state != STEP_READY)
		return false;
	if (!st->end_shown) {
		*why = "its end has not been shown yet";
		return false;
	}
	return true;
}

static bool
acts_can_confirm(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	return st->kind == RB_CONFIRM && st->state == STEP_READY;
}

static bool
acts_can_tick(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	return st->kind == RB_MANUAL && st->state == STEP_READY;
}

static bool
acts_can_start(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	if (is_command(st) && (st->state == STEP_FAILED ||
	    st->state == STEP_IN_DOUBT || st->state == STEP_TOLERATED)) {
		*why = why_set("step %zu (%s) has run already and is %s: retry "
		    "runs it again", i + 1, st->key,
		    step_state_words(st->state));
		return false;
	}
	return is_command(st) && st->state == STEP_READY;
}

static bool
acts_can_retry(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	const struct steps	*ss = s->steps;
	size_t			 e;

	/* A host left out within max-fail is taken back while the run
	 * has not gone past its batch (its step's hosts). */
	if (st->state == STEP_TOLERATED && is_command(st)) {
		e = steps_batch_end(ss, i);
		if (e < ss->n && ss->v[e].state != STEP_PENDING &&
		    ss->v[e].state != STEP_READY) {
			*why = why_set("step %zu (%s) after its %s has begun: "
			    "host %s is left out for good", e + 1,
			    ss->v[e].key, st->roll != NULL ? "batch" :
			    "hosts", st->host);
			return false;
		}
		return true;
	}
	if (st->state != STEP_FAILED && st->state != STEP_IN_DOUBT)
		return false;
	return is_command(st) || (st->kind == RB_READ && st->run != NULL);
}

static bool
acts_can_cancel(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	if (session_slot_of(s, i) == NULL) {
		*why = why_set("step %zu is not running", i + 1);
		return false;
	}
	return true;
}

static bool
acts_can_stop_wait(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	if (session_slot_of(s, i) == NULL || st->rb == NULL || st->undo ||
	    st->rb->until.interval == 0) {
		*why = why_set("step %zu is not waiting (only a running step "
		    "with 'until' is)", i + 1);
		return false;
	}
	if (st->wait_stop) {
		*why = why_set("step %zu has stopped waiting already: its "
		    "attempt under way is the last", i + 1);
		return false;
	}
	return true;
}

static bool
acts_can_warn_ok(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	/* A wait that ran out, when the runbook says that is a warning
	 * (until: timeout-means: warn). */
	if (st->state == STEP_FAILED && is_command(st) && st->rb != NULL &&
	    !st->undo && st->rb->until.interval > 0 &&
	    st->rb->until.timeout_means == RB_SEV_WARN &&
	    st->reason != NULL && strncmp(st->reason, SESSION_WAIT_RAN_OUT,
	    strlen(SESSION_WAIT_RAN_OUT)) == 0)
		return true;
	if (st->kind != RB_CHECK || st->state != STEP_FAILED)
		return false;
	if (st->rb != NULL && st->rb->severity == RB_SEV_WARN)
		return true;
	*why = why_set("step %zu (%s) is a check that must pass, not a "
	    "warning (severity: warn) that may be accepted", i + 1, st->key);
	return false;
}

static bool
acts_can_skip(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	/* A host failed (or in doubt) in a roll or a step on hosts leaves
	 * it: session_leaves_out. */
	if (session_host_skip(s, i, STEP_SKIPPED))
		return true;
	if (!st->optional) {
		*why = st->host != NULL && st->group != SIZE_MAX ?
		    "only an optional step, or a host's that failed or is "
		    "in doubt, may be skipped" :
		    "only an optional step may be skipped";
		return false;
	}
	return st->state == STEP_READY || st->state == STEP_FAILED ||
	    st->state == STEP_IN_DOUBT;
}

static bool
acts_can_mark_done(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	return st->kind == RB_ACTION && (st->state == STEP_FAILED ||
	    st->state == STEP_IN_DOUBT);
}

static bool
acts_can_shell(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	return true;
}

static bool
acts_can_rollback(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	if (s->steps->rollback) {
		*why = "this is already a rollback";
		return false;
	}
	if (st->state != STEP_FAILED && st->state != STEP_IN_DOUBT)
		return false;
	if (!session_changed(s->steps)) {
		*why = "nothing has changed yet (no action has run, no task "
		    "after the confirmation was done): there is nothing to "
		    "roll back; stop here instead, the run stays paused";
		return false;
	}
	return true;
}

static bool
acts_can_pause_roll(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	unsigned	b;

	if (st->roll == NULL) {
		*why = why_set("step %zu (%s) is of no roll", i + 1, st->key);
		return false;
	}
	if ((b = steps_roll_paused(s->steps, i)) > 0) {
		*why = why_set("roll %s is paused after batch %u already",
		    st->roll->id, b);
		return false;
	}
	if ((b = steps_roll_under_way(s->steps, i)) == 0) {
		*why = why_set("roll %s is over", st->roll->id);
		return false;
	}
	if (b == st->batches) {
		*why = why_set("batch %u is the last of roll %s: no batch "
		    "comes after it", b, st->roll->id);
		return false;
	}
	return true;
}

static bool
acts_can_continue_roll(const struct session *s, size_t i,
    const struct step *st, const char **why)
{
	if (st->roll == NULL) {
		*why = why_set("step %zu (%s) is of no roll", i + 1, st->key);
		return false;
	}
	if (steps_roll_paused(s->steps, i) == 0) {
		*why = why_set("roll %s is not paused", st->roll->id);
		return false;
	}
	return true;
}

static bool
acts_can_quit(const struct session *s, size_t i, const struct step *st,
    const char **why)
{
	return true;
}

/* Each act's level of the gate and its rule, from its row. */
static const struct {
	enum session_gate	 gate;
	acts_rule		*rule;
} acts_gate[] = {
#define X(e, name, arg, word, done, key, gate, fn, title, prompt)	\
	{ SESSION_GATE_##gate, acts_can_##fn },
	SESSION_ACTS(X)
#undef X
};

static bool
session_can_why(const struct session *s, size_t i, enum session_act act,
    const char **why)
{
	const struct steps	*ss = s->steps;
	const struct step	*st = NULL;
	enum session_gate	 gate;
	size_t			 blocker;
	unsigned		 paused;

	*why = "";
	if ((unsigned)act >= SESSION_ACT__COUNT) {
		*why = why_set("no such act: %d", (int)act);
		return false;
	}
	gate = acts_gate[act].gate;
	/* Watching (or taken over): nothing, whatever the screen. */
	if (s->watching) {
		*why = s->ro_why != NULL ? s->ro_why : "read-only";
		return false;
	}
	if (gate >= SESSION_GATE_BEGUN) {
		if (ss == NULL || s->status != SESSION_RUNNING) {
			*why = s->opts.dry_run ? "this is a dry run: nothing "
			    "is executed" : "the run has not begun";
			return false;
		}
		if (i >= ss->n) {
			*why = why_set("there is no step %zu", i + 1);
			return false;
		}
		st = &ss->v[i];
	}
	if (gate >= SESSION_GATE_IDLE && s->n_running > 0 &&
	    !((act == SESSION_ACT_START || act == SESSION_ACT_RETRY) &&
	    session_joins(s, i))) {
		blocker = session_first_running(s);
		if (s->n_running == 1)
			*why = why_set("step %zu (%s) is running", blocker + 1,
			    ss->v[blocker].key);
		else
			*why = why_set("%zu hosts are running, the first step "
			    "%zu (%s)", s->n_running, blocker + 1,
			    ss->v[blocker].key);
		return false;
	}
	if (gate >= SESSION_GATE_READY && !steps_needs_met(ss, i, &blocker)) {
		if (ss->v[blocker].kind == RB_CONFIRM)
			*why = why_set("step %zu (%s) is a confirmation not "
			    "typed yet, and it gates every step after it",
			    blocker + 1, ss->v[blocker].key);
		else
			*why = why_set("step %zu (%s) is not done yet",
			    blocker + 1, ss->v[blocker].key);
		return false;
	}
	/* A paused roll: nothing of its later batches goes on. */
	if (gate >= SESSION_GATE_READY && steps_roll_held(ss, i, &paused)) {
		*why = why_set("roll %s is paused after batch %u of %u: "
		    "continue it first", st->roll->id, paused, st->batches);
		return false;
	}
	/* Every refusal says why: a rule that gives no reason gets the
	 * message naming the act and the step's state. */
	*why = NULL;
	if (acts_gate[act].rule(s, i, st, why)) {
		*why = "";
		return true;
	}
	if (*why == NULL && st == NULL)
		*why = why_set("%s is not possible now", session_act_name(act));
	else if (*why == NULL)
		*why = why_set("%s is not possible on step %zu (%s, %s)",
		    session_act_name(act), i + 1, rb_kind_name(st->kind),
		    step_state_words(st->state));
	return false;
}

bool
session_can(const struct session *s, size_t i, enum session_act act,
    const char **why)
{
	const char	*w;
	bool		 ok = session_can_why(s, i, act, &w);

	if (why != NULL)
		*why = w;
	return ok;
}

unsigned
session_acts(const struct session *s, size_t i)
{
	unsigned	m = 0;
	int		a;

	for (a = 0; a < SESSION_ACT__COUNT; a++) {
		if (session_can(s, i, (enum session_act)a, NULL))
			m |= 1u << a;
	}
	return m;
}

/* Check the gate; on refusal set *cause. */
int
session_gate(const struct session *s, size_t i, enum session_act act,
    char **cause)
{
	const char	*why;

	if (!session_can(s, i, act, &why)) {
		*cause = xstrdup(why);
		return -1;
	}
	return 0;
}

bool
session_auto(const struct session *s, size_t i)
{
	const struct steps	*ss = s->steps;
	size_t			 j;

	if (ss == NULL || i >= ss->n || ss->v[i].state != STEP_READY ||
	    !is_command(&ss->v[i]))
		return false;
	if (ss->v[i].kind == RB_CHECK)
		return true;
	/* An optional action is the operator's to run or skip. */
	if (s->opts.step || ss->v[i].optional)
		return false;
	/* From the first of its fork group: its fellows running beside it
	 * are not before it. */
	for (j = ss->v[i].forks_first; j-- > 0;) {
		const struct step *o = &ss->v[j];

		if (o->kind == RB_CONFIRM)
			return o->state == STEP_PASSED;
		if (o->kind != RB_ACTION && o->kind != RB_CHECK)
			return false;
		if (!step_state_settled(o->state))
			return false;
	}
	return false;
}

size_t
session_chain(const struct session *s, size_t i, size_t *until)
{
	const struct steps	*ss = s->steps;
	size_t			 j, n = 0;

	if (ss == NULL || i >= ss->n) {
		*until = ss != NULL ? ss->n : 0;
		return 0;
	}
	for (j = i + 1; j < ss->n; j++) {
		const struct step *o = &ss->v[j];

		if (!is_command(o) || ((s->opts.step || o->optional) &&
		    o->kind == RB_ACTION))
			break;
		n++;
	}
	*until = j;
	return n;
}

char *
session_describe(const struct session *s, size_t i)
{
	const struct step	*st;
	struct buf		 b;
	char			*env;

	if (s->steps == NULL || i >= s->steps->n)
		return xstrdup("");
	st = &s->steps->v[i];
	buf_init(&b);
	buf_printf(&b, "step %zu (%s), %s: %s\n", i + 1, st->key,
	    rb_kind_name(st->kind), st->title);
	if (st->run != NULL)
		buf_printf(&b, "command: %s\n", st->run);
	if (st->host != NULL && st->forks_n > 1)
		buf_printf(&b, "on host: %s (through %s; %u of the step's %zu "
		    "hosts at once)\n", st->host, rb_transport_name(s->rb),
		    st->rb->forks, st->forks_n);
	else if (st->host != NULL && st->run != NULL)
		buf_printf(&b, "on host: %s (through %s)\n", st->host,
		    rb_transport_name(s->rb));
	else if (st->host != NULL)
		buf_printf(&b, "for host: %s\n", st->host);
	if ((env = steps_roll_where(s->steps, i)) != NULL) {
		buf_printf(&b, "in %s\n", env);
		free(env);
	}
	if (steps_roll_paused(s->steps, i) > 0)
		buf_printf(&b, "paused: after batch %u of %u, until it is "
		    "continued\n", steps_roll_paused(s->steps, i),
		    st->batches);
	if (st->group != SIZE_MAX && st->host != NULL && st->run != NULL &&
	    st->max_fail > 0)
		buf_printf(&b, "max-fail: %zu host%s may fail, and the others "
		    "go on\n", st->max_fail, st->max_fail == 1 ? "" : "s");
	if (st->file != NULL)
		buf_printf(&b, "file: %s\n", st->file);
	if (st->phrase != NULL)
		buf_printf(&b, "phrase: %s\n", st->phrase);
	if (st->produces != NULL)
		buf_printf(&b, "produces: %s\n", st->produces);
	if (st->rb != NULL && st->rb->undo != NULL && !st->undo)
		buf_printf(&b, "undo: %s\n", st->rb->undo);
	if (st->rb != NULL && st->rb->timeout > 0)
		buf_printf(&b, "timeout: %u s\n", st->rb->timeout);
	if (st->rb != NULL && !st->undo && st->rb->until.interval > 0)
		buf_printf(&b, "until it passes: every %u s, for at most %u s "
		    "(then %s)\n", st->rb->until.interval, st->rb->until.within,
		    st->rb->until.timeout_means == RB_SEV_WARN ?
		    "a warning to accept" : "it fails");
	if (st->rb != NULL && !st->undo && st->rb->until.interval > 0) {
		const char	*sep = "fails at once on exit status:";
		int		 code;

		for (code = 1; code < 256; code++)
			if (rb_until_fails_on(&st->rb->until, code)) {
				buf_printf(&b, "%s %d", sep, code);
				sep = ",";
			}
		if (*sep == ',')
			buf_puts(&b, "\n");
	}
	if (st->rb != NULL && st->rb->user != NULL && st->run != NULL)
		buf_printf(&b, "as user: %s\n", st->rb->user);
	if (st->rb != NULL && !st->undo && st->rb->n_outputs > 0) {
		size_t k;

		buf_puts(&b, "sets:");
		for (k = 0; k < st->rb->n_outputs; k++)
			buf_printf(&b, " %s%s", st->rb->outputs[k].name,
			    st->rb->outputs[k].secret ? " (secret)" : "");
		buf_puts(&b, "\n");
	}
	if (st->run != NULL) {
		env = step_env_show(&st->env);
		buf_puts(&b, "environment:\n");
		buf_puts(&b, env);
		free(env);
	}
	return buf_take(&b);
}

/* --- journaled state changes ------------------------------------------- */

/* Inside the caller's transaction: journal an event and step i's new
 * state (and the end of the run when it was the last step). Sets *seq,
 * and *last when the run ends with it. */
static int	session_set_journal1(struct session *, size_t,
		    enum step_state, const char *, enum journal_event_kind,
		    const char *, long long *, char **);

bool
session_host_skip(const struct session *s, size_t i, enum step_state state)
{
	const struct step	*st = &s->steps->v[i];

	return state == STEP_SKIPPED && !s->steps->rollback &&
	    st->host != NULL && st->group != SIZE_MAX &&
	    (st->state == STEP_FAILED || st->state == STEP_IN_DOUBT);
}

/* A host leaving its group with step i: its failure within max-fail
 * (steps_fail_tolerated), when *state becomes tolerated and *reason
 * *why (caller frees), saying so and which hosts failed; or the
 * operator skipping it failed or in doubt (session_host_skip). Either
 * way its host's later steps in its roll's batch are skipped with
 * *skip (caller frees) naming it. Nothing changes; false when it is
 * neither (a failure the operator made by cancelling is never within
 * max-fail). The one place max-fail is applied: both halves of
 * session_set ask it before the model moves, so they agree. */
static bool
session_leaves_out(const struct session *s, size_t i, enum step_state *state,
    const char **reason, char **why, char **skip)
{
	const struct step	*st = &s->steps->v[i];
	const char		*of = st->roll != NULL ? st->roll->title :
				    "the rest";
	char			*w;

	*why = NULL;
	if (session_host_skip(s, i, *state)) {
		*skip = xasprintf("host %s was skipped at step %s (%s): it is "
		    "left out of %s", st->host, st->key, *reason != NULL ?
		    *reason : "skipped", of);
		return true;
	}
	if (*state != STEP_FAILED || s->steps->rollback || st->cancelled ||
	    !steps_fail_tolerated(s->steps, i, &w))
		return false;
	*why = xasprintf("%s; %s", *reason != NULL ? *reason : "failed", w);
	*skip = xasprintf("host %s failed step %s, within max-fail: it is "
	    "left out of %s", st->host, st->key, of);
	free(w);
	*state = STEP_TOLERATED;
	*reason = *why;
	return true;
}

/* The steps retrying tolerated step i takes back, one after step k
 * (SIZE_MAX: the first): its host's later steps of the batch skipped
 * with it, then its roll's health check of the batch once that has
 * passed without the host (it runs again with it); SIZE_MAX after the
 * last. */
static size_t
retake_next(const struct steps *ss, size_t i, size_t k)
{
	const struct step	*st = &ss->v[i];
	size_t			 j, end;

	if (k != SIZE_MAX && ss->v[k].host == NULL)
		return SIZE_MAX;	/* the health check was the last */
	for (j = steps_host_next(ss, k == SIZE_MAX ? i : k); j != SIZE_MAX;
	    j = steps_host_next(ss, j))
		if (ss->v[j].state == STEP_SKIPPED)
			return j;
	if (st->roll == NULL || st->roll->health == NULL)
		return SIZE_MAX;
	end = steps_batch_end(ss, i);
	for (j = i + 1; j < end; j++)
		if (ss->v[j].rb == st->roll->health)
			return step_state_settled(ss->v[j].state) ? j : SIZE_MAX;
	return SIZE_MAX;
}

int
session_retake_journal(struct session *s, size_t i, char **cause)
{
	const struct steps	*ss = s->steps;
	char			*note;
	size_t			 k;
	int			 r = 0;

	if (ss->v[i].state != STEP_TOLERATED)
		return 0;
	note = xasprintf("waits again: host %s's step %s, failed within "
	    "max-fail, is retried", ss->v[i].host, ss->v[i].key);
	for (k = retake_next(ss, i, SIZE_MAX); r == 0 && k != SIZE_MAX;
	    k = retake_next(ss, i, k)) {
		if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE,
		    ss->v[k].key, note, NULL, cause) != 0 ||
		    journal_step_set(s->j, s->run_id, ss->v[k].key,
		    step_state_name(STEP_PENDING), NULL, cause) != 0)
			r = -1;
	}
	free(note);
	return r;
}

void
session_retake_apply(struct session *s, size_t i)
{
	size_t	k, next;

	/* Each found before it changes: the next is looked for from it. */
	for (k = retake_next(s->steps, i, SIZE_MAX); k != SIZE_MAX; k = next) {
		next = retake_next(s->steps, i, k);
		step_set(s->steps, k, STEP_PENDING, NULL);
		s->steps->v[k].ended = 0;
	}
}

/* Whether step i settling as state lifts the pause of its roll: it is
 * the roll's own pause step (ROLL~B~pause) of the batch the roll is
 * paused after, or a later one; going on past it is going on. */
static bool
session_pause_lifts(const struct session *s, size_t i, enum step_state state)
{
	const struct step	*st = &s->steps->v[i];
	unsigned		 b;

	if (st->roll == NULL || st->rb == NULL || st->rb != st->roll->pause ||
	    !step_state_settled(state))
		return false;
	b = steps_roll_paused(s->steps, i);
	return b > 0 && st->batch >= b;
}

int
session_set_journal(struct session *s, size_t i, enum step_state state,
    const char *reason, enum journal_event_kind kind, const char *detail,
    long long *seq, bool *last, char **cause)
{
	struct steps	*ss = s->steps;
	char		*why = NULL, *skip = NULL, *why2;
	size_t		 k, rest = SIZE_MAX, rest_end = 0;
	int		 r;

	if (session_leaves_out(s, i, &state, &reason, &why, &skip)) {
		rest = steps_host_next(ss, i);
		for (k = rest; k != SIZE_MAX; k = steps_host_next(ss, k))
			rest_end = k;
	}
	/* The last step: every other is settled, or skipped with it. */
	*last = step_state_settled(state);
	for (k = 0; *last && k < ss->n; k++) {
		if (k != i && !step_state_settled(ss->v[k].state) &&
		    (rest == SIZE_MAX || k < rest || k > rest_end))
			*last = false;
	}
	r = session_set_journal1(s, i, state, reason, kind, detail, seq,
	    cause);
	if (r == 0 && session_pause_lifts(s, i, state)) {
		why2 = xasprintf("roll %s (%s) continued after batch %u of "
		    "%u: its pause step settled", ss->v[i].roll->id,
		    ss->v[i].roll->title, steps_roll_paused(ss, i),
		    ss->v[i].batches);
		r = journal_append(s->j, s->run_id, JOURNAL_EV_ROLL_CONTINUE,
		    ss->v[i].key, why2, NULL, cause);
		free(why2);
	}
	for (k = rest; r == 0 && k != SIZE_MAX; k = steps_host_next(ss, k)) {
		if (!step_state_settled(ss->v[k].state))
			r = session_set_journal1(s, k, STEP_SKIPPED, skip,
			    JOURNAL_EV_SKIP, skip, NULL, cause);
	}
	free(why);
	free(skip);
	if (r == 0 && *last && (journal_append(s->j, s->run_id,
	    JOURNAL_EV_END, NULL, ss->rollback ? "rolled back" : "done", NULL,
	    cause) != 0 || journal_run_set_status(s->j, s->run_id,
	    JOURNAL_RUN_DONE, cause) != 0))
		r = -1;
	return r;
}

/* One step's event and state, for session_set_journal. */
static int
session_set_journal1(struct session *s, size_t i, enum step_state state,
    const char *reason, enum journal_event_kind kind, const char *detail,
    long long *seq, char **cause)
{
	const struct step	*st = &s->steps->v[i];

	if (journal_append(s->j, s->run_id, kind, st->key, detail, seq,
	    cause) != 0 ||
	    journal_step_set(s->j, s->run_id, st->key, step_state_name(state),
	    reason, cause) != 0)
		return -1;
	return 0;
}

/* Once session_set_journal's transaction is committed: change the model. */
void
session_set_apply(struct session *s, size_t i, enum step_state state,
    const char *reason, long long seq, bool last)
{
	struct step	*st = &s->steps->v[i];
	char		*why = NULL, *skip = NULL;
	size_t		 k = SIZE_MAX;

	if (session_leaves_out(s, i, &state, &reason, &why, &skip))
		k = steps_host_next(s->steps, i);
	if (session_pause_lifts(s, i, state))
		steps_roll_pause(s->steps, i, 0);
	step_set(s->steps, i, state, reason);
	st->ended = journal_now();
	if (step_state_settled(state))
		st->settled_seq = seq;
	for (; k != SIZE_MAX; k = steps_host_next(s->steps, k)) {
		if (step_state_settled(s->steps->v[k].state))
			continue;
		step_set(s->steps, k, STEP_SKIPPED, skip);
		s->steps->v[k].ended = st->ended;
	}
	free(why);
	free(skip);
	if (last)
		s->status = SESSION_DONE;
}

/* Journal an event and a step's new state in one durable transaction
 * (and the end of the run when it was the last step), then change the
 * model. Nothing changes when the journal cannot be written. */
int
session_set(struct session *s, size_t i, enum step_state state,
    const char *reason, enum journal_event_kind kind, const char *detail,
    char **cause)
{
	long long	 seq = 0;
	bool		 last;

	if (journal_begin(s->j, cause) != 0)
		return -1;
	if (session_set_journal(s, i, state, reason, kind, detail, &seq, &last,
	    cause) != 0) {
		journal_rollback(s->j);
		return -1;
	}
	if (journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		return -1;
	}
	session_set_apply(s, i, state, reason, seq, last);
	return 0;
}

int
session_end_shown(struct session *s, size_t i, char **cause)
{
	struct step	*st;

	if (s->steps == NULL || i >= s->steps->n ||
	    s->steps->v[i].kind != RB_READ) {
		*cause = xasprintf("step %zu is not a read step", i + 1);
		return -1;
	}
	st = &s->steps->v[i];
	if (st->end_shown || s->watching)
		return 0;	/* a watcher reads; nothing is journaled */
	if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key,
	    "the end of the document was shown", NULL, cause) != 0)
		return -1;
	st->end_shown = true;
	return 0;
}

int
session_acknowledge(struct session *s, size_t i, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_ACK, cause) != 0)
		return -1;
	return session_set(s, i, STEP_PASSED, NULL, JOURNAL_EV_ACK,
	    "read to its end and acknowledged", cause);
}

int
session_confirm(struct session *s, size_t i, const char *typed, char **cause)
{
	const struct step	*st;
	char			*detail, *alt;
	long long		 seq = 0;
	bool			 last;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_CONFIRM, cause) != 0)
		return -1;
	st = &s->steps->v[i];
	if (typed == NULL)
		typed = "";
	/* A rollback's confirmation chooses its target by its phrase. */
	if (st->rb == NULL && s->steps->rollback && (st->phrase == NULL ||
	    strcmp(typed, st->phrase) != 0)) {
		if ((r = session_rollback_retarget(s, typed, cause)) < 0)
			return -1;
		st = &s->steps->v[i];
	}
	if (st->phrase == NULL || strcmp(typed, st->phrase) != 0) {
		detail = xasprintf("did not match: %s", typed);
		r = journal_append(s->j, s->run_id, JOURNAL_EV_PHRASE, st->key,
		    detail, NULL, cause);
		free(detail);
		if (r != 0)
			return -1;
		alt = NULL;
		if (st->rb == NULL && s->upgrade != NULL && s->steps->rollback &&
		    (s->steps->rollback_hop >= 0 ||
		    steps_rollback_hop(s->upgrade) >= 0))
			alt = steps_rollback_phrase(s->upgrade,
			    s->steps->rollback_hop >= 0 ? -1 :
			    steps_rollback_hop(s->upgrade));
		*cause = xasprintf("that is not the phrase: type exactly "
		    "\"%s\"%s%s%s", st->phrase != NULL ? st->phrase : "",
		    alt != NULL ? " (or \"" : "", alt != NULL ? alt : "",
		    alt != NULL ? "\")" : "");
		free(alt);
		return -1;
	}
	/* A rollback's run records the target its confirmation chose, in
	 * the same transaction (history and the report name it). */
	if (st->rb != NULL || !s->steps->rollback ||
	    s->steps->rollback_to == NULL) {
		detail = xasprintf("typed: %s", typed);
		r = session_set(s, i, STEP_PASSED, NULL, JOURNAL_EV_PHRASE,
		    detail, cause);
		free(detail);
		return r;
	}
	if (journal_begin(s->j, cause) != 0)
		return -1;
	detail = xasprintf("typed: %s", typed);
	r = journal_run_set_target(s->j, s->run_id, s->steps->rollback_to,
	    cause);
	if (r == 0)
		r = session_set_journal(s, i, STEP_PASSED, NULL,
		    JOURNAL_EV_PHRASE, detail, &seq, &last, cause);
	free(detail);
	if (r != 0 || journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		return -1;
	}
	session_set_apply(s, i, STEP_PASSED, NULL, seq, last);
	return 0;
}

int
session_tick(struct session *s, size_t i, const char *note, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_TICK, cause) != 0)
		return -1;
	if (note != NULL && *note == '\0')
		note = NULL;
	return session_set(s, i, STEP_PASSED, note, JOURNAL_EV_TICK,
	    note != NULL ? note : "ticked", cause);
}

int
session_ack_warning(struct session *s, size_t i, char **cause)
{
	char	*reason;
	int	 r;

	if (session_gate(s, i, SESSION_ACT_WARN_OK, cause) != 0)
		return -1;
	reason = xasprintf("warning accepted (%s)", s->steps->v[i].reason != NULL ?
	    s->steps->v[i].reason : "failed");
	r = session_set(s, i, STEP_PASSED, reason, JOURNAL_EV_ACK,
	    "warning accepted", cause);
	free(reason);
	if (r == 0)
		s->steps->v[i].warned = true;
	return r;
}

int
session_skip(struct session *s, size_t i, const char *reason, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_SKIP, cause) != 0)
		return -1;
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("skipping needs a reason: skip REASON");
		return -1;
	}
	return session_set(s, i, STEP_SKIPPED, reason, JOURNAL_EV_SKIP, reason,
	    cause);
}

int
session_pause_roll(struct session *s, size_t i, char **cause)
{
	struct steps		*ss;
	const struct step	*st;
	char			*detail;
	size_t			 at;
	unsigned		 b;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_PAUSE_ROLL, cause) != 0)
		return -1;
	ss = s->steps;
	st = &ss->v[i];
	/* Journaled at a step of the batch under way, which replaying it
	 * reads the batch from. */
	b = steps_roll_under_way(ss, i);
	at = ss->open < ss->n && ss->v[ss->open].group == st->group &&
	    ss->v[ss->open].roll == st->roll ? ss->open : st->group;
	detail = xasprintf("roll %s (%s) paused after batch %u of %u",
	    st->roll->id, st->roll->title, b, st->batches);
	r = journal_append(s->j, s->run_id, JOURNAL_EV_ROLL_PAUSE,
	    ss->v[at].key, detail, NULL, cause);
	free(detail);
	if (r != 0)
		return -1;
	steps_roll_pause(ss, at, b);
	return 0;
}

int
session_continue_roll(struct session *s, size_t i, char **cause)
{
	const struct step	*st;
	char			*detail;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_CONTINUE_ROLL, cause) != 0)
		return -1;
	st = &s->steps->v[i];
	detail = xasprintf("roll %s (%s) continued after batch %u of %u",
	    st->roll->id, st->roll->title, steps_roll_paused(s->steps, i),
	    st->batches);
	r = journal_append(s->j, s->run_id, JOURNAL_EV_ROLL_CONTINUE,
	    st->key, detail, NULL, cause);
	free(detail);
	if (r != 0)
		return -1;
	steps_roll_pause(s->steps, i, 0);
	return 0;
}

char *
session_missing_phrase(const struct session *s, size_t i)
{
	const struct step	*st;

	if (s->steps == NULL || i >= s->steps->n)
		return NULL;
	st = &s->steps->v[i];
	if (st->kind != RB_ACTION || st->produces == NULL ||
	    st->artifact_sha256[0] != '\0')
		return NULL;
	return xasprintf("no artifact: %s", st->produces);
}

int
session_mark_done(struct session *s, size_t i, const char *reason,
    const char *ack, char **cause)
{
	const struct step	*st;
	char			*phrase, *detail, *why;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_MARK_DONE, cause) != 0)
		return -1;
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("marking it done by hand needs a reason: "
		    "done REASON");
		return -1;
	}
	if ((phrase = session_missing_phrase(s, i)) == NULL)
		return session_set(s, i, STEP_DONE, reason,
		    JOURNAL_EV_MARK_DONE, reason, cause);
	/* Its artifact is missing: going on without it is acknowledged by
	 * typing the phrase that names it, as a confirmation is. */
	st = &s->steps->v[i];
	if (ack == NULL || strcmp(ack, phrase) != 0) {
		if (ack != NULL) {
			detail = xasprintf("did not match: %s", ack);
			r = journal_append(s->j, s->run_id, JOURNAL_EV_PHRASE,
			    st->key, detail, NULL, cause);
			free(detail);
			if (r != 0) {
				free(phrase);
				return -1;
			}
		}
		*cause = xasprintf("%sits artifact %s was not recorded (%s), "
		    "so a rollback cannot use it: to mark step %zu done "
		    "without it, type exactly \"%s\"", ack != NULL ?
		    "that is not the phrase: " : "", st->produces,
		    st->reason != NULL ? st->reason : "it did not pass",
		    i + 1, phrase);
		free(phrase);
		return -1;
	}
	why = xasprintf("%s (%s)", reason, phrase);
	detail = xasprintf("%s; typed: %s", reason, phrase);
	r = session_set(s, i, STEP_DONE, why, JOURNAL_EV_MARK_DONE, detail,
	    cause);
	free(detail);
	free(why);
	free(phrase);
	return r;
}
