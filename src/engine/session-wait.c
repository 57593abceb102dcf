/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-wait.c: a step retried until it passes (`until`: one step, many
 * attempts, each journaled; the wait counted from its first attempt's
 * journaled start, across resumes), and the values a step's command sets
 * (`outputs`: NAME=value lines in $STEPUP_OUTPUT, journaled with the step,
 * given to every later step). The door (session-door.c) calls these; no
 * process is started here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "runbook.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

/* The journal's note when the operator stops a wait. */
#define STOPPED_NOTE	"the operator stopped waiting: the attempt under way " \
			"is the last"

static bool
has_until(const struct step *st)
{
	return st->rb != NULL && !st->undo && st->rb->until.interval > 0;
}

/* "10m", "1h5m", "45s": a short duration for the operator. */
static void
wait_duration(char *out, size_t size, long long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 3600)
		snprintf(out, size, "%lldh%02lldm", secs / 3600,
		    secs % 3600 / 60);
	else if (secs >= 60)
		snprintf(out, size, "%lldm%02llds", secs / 60, secs % 60);
	else
		snprintf(out, size, "%llds", secs);
}

/* --- the wait ------------------------------------------------------------- */

void
session_wait_begin(struct session *s, size_t i, int attempt, long long started)
{
	struct step	*st = &s->steps->v[i];

	if (!has_until(st) || (st->wait_first != 0 &&
	    st->state == STEP_RUNNING))
		return;
	st->wait_first = attempt;
	st->wait_since = started;
	st->wait_next = 0;
	st->wait_stop = false;
}

bool
session_wait_again(struct session *s, size_t i, const struct action_status *as,
    long long *next, char **ran_out)
{
	struct step	*st = &s->steps->v[i];
	const struct rb_until *u;
	long long	 ended, start;
	char		*what, within[32];
	unsigned	 n;

	*ran_out = NULL;
	*next = 0;
	if (!has_until(st) || st->wait_first == 0)
		return false;
	u = &st->rb->until;
	/* The next attempt starts interval after this one ended, or now
	 * when that is past (a resume after a kill): never after within. */
	ended = as->ended > 0 ? as->ended : journal_now();
	start = ended + u->interval;
	if (start < journal_now())
		start = journal_now();
	/* An exit status the runbook names in fail-on says the condition
	 * will not come (an error state, not "not yet"): no more attempts,
	 * and the step fails whatever timeout-means says. */
	if (!as->cancelled && as->exited &&
	    rb_until_fails_on(u, as->exit_code)) {
		n = st->attempts >= (unsigned)st->wait_first ?
		    st->attempts - (unsigned)st->wait_first + 1 : 1;
		what = action_status_describe(as);
		*ran_out = xasprintf("stopped waiting: exit status %d is one "
		    "of 'fail-on' (the condition will not come), after %u "
		    "attempt%s: %s", as->exit_code, n, n == 1 ? "" : "s", what);
		free(what);
		return false;
	}
	if (!as->cancelled && !st->wait_stop &&
	    start <= st->wait_since + u->within) {
		*next = start;
		return true;
	}
	n = st->attempts >= (unsigned)st->wait_first ?
	    st->attempts - (unsigned)st->wait_first + 1 : 1;
	what = action_status_describe(as);
	wait_duration(within, sizeof within, u->within);
	if (as->cancelled)
		*ran_out = xasprintf("cancelled while waiting, after %u "
		    "attempt%s: %s", n, n == 1 ? "" : "s", what);
	else
		*ran_out = xasprintf(SESSION_WAIT_RAN_OUT " (%s) after %u "
		    "attempt%s%s: %s", within, n, n == 1 ? "" : "s",
		    st->wait_stop ? ", stopped by the operator" : "", what);
	free(what);
	return false;
}

void
session_wait_end(struct session *s, size_t i)
{
	struct step	*st = &s->steps->v[i];

	st->wait_first = 0;
	st->wait_since = 0;
	st->wait_next = 0;
	st->wait_stop = false;
}

int
session_attempt_exit(const struct session *s, size_t i, unsigned attempt)
{
	struct journal_action	*av = NULL;
	char			*cause = NULL;
	size_t			 n = 0, k;
	int			 code = -1;

	if (s->steps == NULL || i >= s->steps->n || s->j == NULL)
		return -1;
	if (journal_actions(s->j, s->run_id, s->steps->v[i].key, &av, &n,
	    &cause) != 0) {
		free(cause);
		return -1;
	}
	for (k = 0; k < n; k++) {
		if (av[k].attempt == (int)attempt && av[k].finished)
			code = av[k].exit_code >= 0 ? av[k].exit_code :
			    128 + av[k].signal;
	}
	journal_actions_free(av, n);
	return code;
}

bool
session_wait_info(const struct session *s, size_t i,
    struct session_wait_info *out)
{
	const struct step	*st;
	long long		 now = journal_now(), end;

	memset(out, 0, sizeof *out);
	if (s->steps == NULL || i >= s->steps->n || s->running != i)
		return false;
	st = &s->steps->v[i];
	if (!has_until(st) || st->wait_first == 0)
		return false;
	out->attempts = st->attempts >= (unsigned)st->wait_first ?
	    st->attempts - (unsigned)st->wait_first + 1 : 1;
	out->running = st->wait_next == 0;
	out->next_in = st->wait_next > now ? st->wait_next - now : 0;
	end = st->wait_since + st->rb->until.within;
	out->left = end > now && !st->wait_stop ? end - now : 0;
	out->last_exit = out->running ? (out->attempts > 1 ?
	    st->exit_status : -1) : st->exit_status;
	out->stopping = st->wait_stop;
	return true;
}

int
session_stop_waiting(struct session *s, size_t i, char **cause)
{
	struct step		*st;
	struct action_status	 as;
	char			*ran_out = NULL;
	long long		 next;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_STOP_WAIT, cause) != 0)
		return -1;
	st = &s->steps->v[i];
	if (st->wait_next == 0) {
		/* An attempt runs: it is the last. */
		if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key,
		    STOPPED_NOTE, NULL, cause) != 0)
			return -1;
		st->wait_stop = true;
		return 0;
	}
	/* Between two attempts: the wait is over now, with the last
	 * attempt's outcome. */
	st->wait_stop = true;
	memset(&as, 0, sizeof as);
	as.exited = st->exit_status < 128;
	as.exit_code = as.exited ? st->exit_status : -1;
	as.signal = as.exited ? 0 : st->exit_status - 128;
	as.ended = journal_now();
	(void)session_wait_again(s, i, &as, &next, &ran_out);
	r = session_set(s, i, STEP_FAILED, ran_out, JOURNAL_EV_NOTE,
	    STOPPED_NOTE, cause);
	if (r == 0) {
		s->running = NONE;
		session_wait_end(s, i);
	} else
		st->wait_stop = false;
	free(ran_out);
	return r;
}

/* --- outputs ------------------------------------------------------------ */

static const struct rb_output *
output_decl(const struct step *st, const char *name, size_t n)
{
	size_t	k;

	for (k = 0; k < st->rb->n_outputs; k++) {
		if (strlen(st->rb->outputs[k].name) == n &&
		    strncmp(st->rb->outputs[k].name, name, n) == 0)
			return &st->rb->outputs[k];
	}
	return NULL;
}

int
session_outputs_read(struct session *s, size_t i, int attempt,
    struct step_env *vals, char **notes, char **reason)
{
	const struct step	*st = &s->steps->v[i];
	const struct rb_output	*o;
	struct buf		 b, nb;
	char			*line, *next, *eq, *why = NULL, *name;
	size_t			 k, lineno = 0;

	*notes = *reason = NULL;
	memset(vals, 0, sizeof *vals);
	buf_init(&b);
	if (journal_output_read(s->j, s->run_id, st->key, attempt, &b,
	    &why) != 0) {
		*reason = xasprintf("exit 0, but its values cannot be read: %s",
		    why);
		free(why);
		buf_free(&b);
		return -1;
	}
	buf_add(&b, "", 0);
	if (strlen(b.data) != b.len) {
		*reason = xstrdup("exit 0, but $STEPUP_OUTPUT holds a NUL "
		    "byte: a value is one line of text, refused");
		buf_free(&b);
		return -1;
	}
	buf_init(&nb);
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL || eq == line) {
			if ((eq = strstr(line, "<<")) != NULL && eq != line)
				*reason = xasprintf("exit 0, but line %zu of "
				    "$STEPUP_OUTPUT sets a value of several "
				    "lines (NAME<<DELIMITER): a value with a "
				    "newline is refused", lineno);
			else
				*reason = xasprintf("exit 0, but line %zu of "
				    "$STEPUP_OUTPUT is not NAME=value",
				    lineno);
			break;
		}
		if ((o = output_decl(st, line, (size_t)(eq - line))) == NULL) {
			name = xstrndup(line, (size_t)(eq - line));
			buf_printf(&nb, "%sline %zu sets '%s', which step %s "
			    "does not declare in 'outputs': ignored",
			    nb.len > 0 ? "\n" : "", lineno, name, st->key);
			free(name);
			continue;
		}
		step_env_set(vals, o->name, eq + 1, o->secret);
	}
	for (k = 0; *reason == NULL && k < st->rb->n_outputs; k++) {
		if (step_env_get(vals, st->rb->outputs[k].name, NULL) == NULL)
			*reason = xasprintf("exit 0, but it did not set its "
			    "output '%s' (a line %s=VALUE in $STEPUP_OUTPUT)",
			    st->rb->outputs[k].name, st->rb->outputs[k].name);
	}
	buf_free(&b);
	/* What was ignored is said even when the step fails. */
	*notes = nb.len > 0 ? buf_take(&nb) : NULL;
	if (*notes == NULL)
		buf_free(&nb);
	if (*reason != NULL) {
		step_env_free(vals);
		return -1;
	}
	return 0;
}

char *
session_outputs_detail(const struct step_env *vals)
{
	struct buf	b;
	size_t		k;

	buf_init(&b);
	for (k = 0; k < vals->n; k++)
		buf_printf(&b, "%s%s=%s", k > 0 ? "\n" : "", vals->v[k].name,
		    vals->v[k].secret ? "********" : vals->v[k].value);
	buf_add(&b, "", 0);
	return buf_take(&b);
}

void
session_outputs_apply(struct session *s, size_t i, const struct step_env *vals)
{
	struct steps	*ss = s->steps;
	size_t		 k, m;
	bool		 secret = false;

	for (m = 0; m < vals->n; m++) {
		const struct step_var *v = &vals->v[m];

		step_env_set(&ss->v[i].outputs, v->name, v->value, v->secret);
		for (k = i + 1; k < ss->n; k++)
			step_env_set(&ss->v[k].env, v->name, v->value,
			    v->secret);
		step_env_set(&s->outputs, v->name, v->value, v->secret);
		secret = secret || v->secret;
	}
	if (secret)
		session_secrets(s);
}

/* --- resume ------------------------------------------------------------- */

/* The values of a step's output event, secret ones read again from the
 * output file of its last attempt (the one that passed). */
static void
reload_outputs(struct session *s, size_t i, const char *detail)
{
	const struct step	*st = &s->steps->v[i];
	const struct rb_output	*o;
	struct step_env		 vals = { NULL, 0, NULL }, file = { NULL, 0, NULL };
	char			*text, *line, *next, *eq, *notes, *why;
	const char		*v;
	bool			 have_file = false;

	text = xstrdup(detail);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL ||
		    (o = output_decl(st, line, (size_t)(eq - line))) == NULL)
			continue;
		v = eq + 1;
		if (o->secret) {
			if (!have_file) {
				have_file = true;
				if (session_outputs_read(s, i,
				    (int)st->attempts, &file, &notes,
				    &why) != 0)
					free(why);
				free(notes);
			}
			if ((v = step_env_get(&file, o->name, NULL)) == NULL)
				continue;
		}
		step_env_set(&vals, o->name, v, o->secret);
	}
	session_outputs_apply(s, i, &vals);
	step_env_free(&vals);
	step_env_free(&file);
	free(text);
}

void
session_wait_reload(struct session *s, const struct journal_event *ev,
    size_t n)
{
	struct step	*st;
	const char	*p;
	size_t		 k, e;
	int		 attempt, first;

	for (e = 0; e < n; e++) {
		if (ev[e].kind != JOURNAL_EV_OUTPUT || ev[e].step == NULL ||
		    ev[e].detail == NULL ||
		    (st = (struct step *)steps_find(s->steps, ev[e].step)) ==
		    NULL || st->rb == NULL || st->undo ||
		    !step_state_settled(st->state))
			continue;
		reload_outputs(s, st->index, ev[e].detail);
	}
	for (k = 0; k < s->steps->n; k++) {
		st = &s->steps->v[k];
		if (st->state != STEP_RUNNING || !has_until(st))
			continue;
		/* The wait's first attempt: named by the last start event,
		 * or that attempt itself when it began the wait. */
		first = 0;
		for (e = 0; e < n; e++) {
			if (ev[e].kind != JOURNAL_EV_START ||
			    ev[e].step == NULL ||
			    strcmp(ev[e].step, st->key) != 0 ||
			    ev[e].detail == NULL ||
			    sscanf(ev[e].detail, "attempt %d", &attempt) != 1)
				continue;
			p = strstr(ev[e].detail, "(" SESSION_WAIT_AGAIN " ");
			if (p == NULL || sscanf(p + strlen(SESSION_WAIT_AGAIN)
			    + 2, "%d", &first) != 1)
				first = attempt;
		}
		if (first == 0)
			continue;
		st->wait_first = first;
		for (e = 0; e < n; e++) {
			if (ev[e].kind == JOURNAL_EV_START &&
			    ev[e].step != NULL &&
			    strcmp(ev[e].step, st->key) == 0 &&
			    ev[e].detail != NULL &&
			    sscanf(ev[e].detail, "attempt %d", &attempt) == 1 &&
			    attempt == first)
				st->wait_since = ev[e].time;
			if (st->wait_since != 0 && ev[e].kind ==
			    JOURNAL_EV_NOTE && ev[e].step != NULL &&
			    strcmp(ev[e].step, st->key) == 0 &&
			    ev[e].detail != NULL &&
			    strcmp(ev[e].detail, STOPPED_NOTE) == 0)
				st->wait_stop = true;
		}
	}
}
