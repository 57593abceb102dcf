/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* rollback.c: the model of a guided rollback: what will be undone, the
 * artifacts it relies on and their check, the closing summary. Reads the
 * step model and files; runs nothing, writes nothing. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rollback.h"
#include "steps.h"
#include "util.h"

/* The artifact named var, added from the upgrade's steps when new. */
static size_t
artifact_find(struct rollback_model *m, const char *var, const char *path)
{
	struct rollback_artifact	*a;
	const struct step		*st;
	size_t				 i;
	char				*v;

	for (i = 0; i < m->n_artifacts; i++) {
		if (strcmp(m->artifacts[i].var, var) == 0)
			return i;
	}
	m->artifacts = xreallocarray(m->artifacts, m->n_artifacts + 1,
	    sizeof *m->artifacts);
	a = &m->artifacts[m->n_artifacts];
	memset(a, 0, sizeof *a);
	a->var = xstrdup(var);
	a->path = xstrdup(path);
	a->size = -1;
	/* The latest step of the upgrade that produces it and passed. */
	for (i = 0; i < m->upgrade->n; i++) {
		st = &m->upgrade->v[i];
		if (st->rb == NULL || st->produces == NULL)
			continue;
		v = runbook_artifact_env(st->rb->id);
		if (strcmp(v, var) == 0) {
			free(a->step);
			a->step = xstrdup(st->key);
			if (st->state == STEP_PASSED &&
			    st->artifact_sha256[0] != '\0') {
				a->size = st->artifact_size;
				memcpy(a->sha256, st->artifact_sha256,
				    sizeof a->sha256);
				a->made = st->ended;
			}
		}
		free(v);
	}
	return m->n_artifacts++;
}

/* Record the artifacts an entry's command uses ($STEPUP_ARTIFACT_x). */
static void
entry_artifacts(struct rollback_model *m, struct rollback_entry *e)
{
	const char	*p, *cmd = e->step->run, *path;
	char		*var;
	size_t		 len, k, i;

	for (p = cmd; (p = steps_artifact_ref(p, &len)) != NULL; p += len) {
		var = xstrndup(p, len);
		path = step_env_get(&e->step->env, var, NULL);
		if (path != NULL) {
			k = artifact_find(m, var, path);
			for (i = 0; i < e->n_artifacts; i++) {
				if (e->artifacts[i] == k)
					break;
			}
			if (i == e->n_artifacts) {
				e->artifacts = xreallocarray(e->artifacts,
				    e->n_artifacts + 1, sizeof *e->artifacts);
				e->artifacts[e->n_artifacts++] = k;
			}
		}
		free(var);
	}
}

/* The model of rolling back an upgrade with the given rollback steps. */
struct rollback_model *
rollback_model_new(const struct steps *upgrade, const struct steps *rollback)
{
	struct rollback_model	*m = xcalloc(1, sizeof *m);
	struct rollback_entry	*e;
	const struct step	*st;
	size_t			 i;

	m->upgrade = upgrade;
	m->rollback = rollback;
	/* Where the upgrade started, or the start of the failed hop. */
	if (rollback->rollback_to != NULL)
		m->restore = xstrdup(rollback->rollback_to);
	else if (upgrade->plan != NULL && upgrade->plan->from != NULL)
		m->restore = xstrdup(upgrade->plan->from);
	for (i = 0; i < rollback->n; i++) {
		st = &rollback->v[i];
		if (st->kind == RB_CONFIRM && st->rb == NULL) {
			free(m->phrase);
			m->phrase = xstrdup(st->phrase != NULL ? st->phrase :
			    "");
			continue;
		}
		m->entries = xreallocarray(m->entries, m->n_entries + 1,
		    sizeof *m->entries);
		e = &m->entries[m->n_entries++];
		memset(e, 0, sizeof *e);
		e->step = st;
		e->automatic = st->kind != RB_MANUAL;
		if (st->kind == RB_MANUAL)
			m->n_manual++;
		e->on_failure = st->on_failure;
		entry_artifacts(m, e);
	}
	return m;
}

/* Free a model (not the steps it borrows). */
void
rollback_model_free(struct rollback_model *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_entries; i++)
		free(m->entries[i].artifacts);
	free(m->entries);
	for (i = 0; i < m->n_artifacts; i++) {
		free(m->artifacts[i].var);
		free(m->artifacts[i].step);
		free(m->artifacts[i].path);
		free(m->artifacts[i].problem);
	}
	free(m->artifacts);
	free(m->restore);
	free(m->phrase);
	free(m);
}

static void
check_one(struct rollback_artifact *a)
{
	struct stat	sb;
	char		sum[65];

	free(a->problem);
	a->problem = NULL;
	if (a->sha256[0] == '\0') {
		a->check = ROLLBACK_UNRECORDED;
		a->problem = a->step != NULL ? xasprintf("step %s did not "
		    "record it (it did not pass), so it cannot be trusted",
		    a->step) : xstrdup("no step of the upgrade produced it");
		return;
	}
	if (stat(a->path, &sb) != 0) {
		a->check = errno == ENOENT ? ROLLBACK_MISSING :
		    ROLLBACK_UNREADABLE;
		a->problem = errno == ENOENT ? xstrdup("it is gone") :
		    xasprintf("cannot look at it: %s", strerror(errno));
		return;
	}
	if (sha256_file(a->path, sum) != 0) {
		a->check = ROLLBACK_UNREADABLE;
		a->problem = xasprintf("cannot read it: %s", strerror(errno));
		return;
	}
	if ((long long)sb.st_size != a->size || strcmp(sum, a->sha256) != 0) {
		a->check = ROLLBACK_CHANGED;
		a->problem = xasprintf("it changed since it was made: %lld "
		    "bytes, sha256 %s; recorded %lld bytes, sha256 %s",
		    (long long)sb.st_size, sum, a->size, a->sha256);
		return;
	}
	a->check = ROLLBACK_OK;
}

/* Check every artifact the rollback uses against its record. */
int
rollback_verify(struct rollback_model *m, char **cause)
{
	struct buf	b;
	size_t		i, bad = 0;

	buf_init(&b);
	for (i = 0; i < m->n_artifacts; i++) {
		check_one(&m->artifacts[i]);
		if (m->artifacts[i].check == ROLLBACK_OK)
			continue;
		buf_printf(&b, "%s%s (%s): %s", bad++ > 0 ? "\n" : "",
		    m->artifacts[i].path, m->artifacts[i].var,
		    m->artifacts[i].problem);
	}
	if (bad == 0) {
		buf_free(&b);
		return 0;
	}
	*cause = xasprintf("the rollback relies on %s that cannot be "
	    "trusted, so nothing was run:\n%s", bad == 1 ? "an artifact" :
	    "artifacts", b.data);
	buf_free(&b);
	return -1;
}

/* How old a thing made at `then` is at `now`, in words. */
char *
rollback_age(long long then, long long now)
{
	long long	d = now - then;

	if (then <= 0)
		return xstrdup("of unknown age");
	if (d < 0)
		d = 0;
	if (d < 60)
		return xasprintf("%lld s old", d);
	if (d < 3600)
		return xasprintf("%lld min old", d / 60);
	if (d < 86400)
		return xasprintf("%lld h %lld min old", d / 3600,
		    (d % 3600) / 60);
	return xasprintf("%lld day%s old", d / 86400, d / 86400 == 1 ? "" :
	    "s");
}

/* The first line of a command, with "..." when there is more. */
static void
first_line(struct buf *b, const char *s)
{
	size_t	n = strcspn(s, "\n");

	buf_add(b, s, n);
	if (s[n] == '\n' && s[n + 1] != '\0')
		buf_puts(b, " ...");
}

/* What will be undone, as text for the operator. */
char *
rollback_describe(const struct rollback_model *m, long long now)
{
	struct buf			 b;
	const struct rollback_entry	*e;
	const struct rollback_artifact	*a;
	char				*age;
	size_t				 i, k;

	buf_init(&b);
	buf_printf(&b, "Rolling back %s%s%s: %zu step%s, latest first",
	    m->upgrade->rb != NULL ? m->upgrade->rb->product : "",
	    m->restore != NULL ? " to " : "", m->restore != NULL ?
	    m->restore : "", m->n_entries, m->n_entries == 1 ? "" : "s");
	if (m->n_manual > 0)
		buf_printf(&b, "; %zu by hand", m->n_manual);
	buf_puts(&b, ".\n");
	/* Numbered as the run's steps are: its confirmation is the first. */
	if (m->rollback->n > 0 && m->rollback->v[0].kind == RB_CONFIRM)
		buf_printf(&b, "%3d. %s: its phrase, asked next\n", 1,
		    m->rollback->v[0].title);
	for (i = 0; i < m->n_entries; i++) {
		e = &m->entries[i];
		buf_printf(&b, "%3zu. %s\n", e->step->index + 1,
		    e->step->title);
		if (e->step->run != NULL) {
			buf_puts(&b, "       runs: ");
			first_line(&b, e->step->run);
			buf_putc(&b, '\n');
		} else if (!e->automatic && e->step->text != NULL)
			buf_printf(&b, "       by hand: %s\n", e->step->text);
		else if (!e->automatic)
			buf_puts(&b, "       by hand\n");
		for (k = 0; k < e->n_artifacts; k++) {
			a = &m->artifacts[e->artifacts[k]];
			buf_printf(&b, "       uses: %s\n", a->path);
		}
		if (e->automatic && e->on_failure != NULL)
			buf_printf(&b, "       if it fails: %s\n",
			    e->on_failure);
	}
	if (m->n_artifacts > 0)
		buf_puts(&b, "Artifacts:\n");
	for (i = 0; i < m->n_artifacts; i++) {
		a = &m->artifacts[i];
		buf_printf(&b, "  %s (%s, from step %s)\n", a->path, a->var,
		    a->step != NULL ? a->step : "none");
		if (a->sha256[0] == '\0') {
			buf_puts(&b, "    not recorded by the upgrade\n");
			continue;
		}
		age = rollback_age(a->made, now);
		buf_printf(&b, "    %lld bytes, %s, sha256 %s\n", a->size, age,
		    a->sha256);
		free(age);
	}
	return buf_take(&b);
}

/* The closing summary of a rollback run. */
char *
rollback_summary(const struct rollback_model *m, const struct steps *done,
    const char *installed)
{
	struct buf		 b;
	const struct step	*st;
	size_t			 i, n_hand = 0;
	bool			 all = steps_done(done);

	buf_init(&b);
	buf_printf(&b, "Rollback%s%s: %s.\n", m->restore != NULL ? " to " : "",
	    m->restore != NULL ? m->restore : "", all ? "every step settled" :
	    "NOT finished");
	if (installed == NULL)
		buf_puts(&b, "Installed version: unknown (it could not be "
		    "probed).\n");
	else if (m->restore != NULL && strcmp(installed, m->restore) == 0)
		buf_printf(&b, "Installed version: %s, the version restored.\n",
		    installed);
	else
		buf_printf(&b, "Installed version: %s, NOT %s: the rollback "
		    "did not bring the old version back.\n", installed,
		    m->restore != NULL ? m->restore : "the old one");
	for (i = 0; i < done->n; i++) {
		st = &done->v[i];
		if (st->kind == RB_CONFIRM && st->rb == NULL)
			continue;
		if (st->state == STEP_PASSED && st->kind != RB_MANUAL)
			continue;
		if (n_hand++ == 0)
			buf_puts(&b, "Left to a human, or done by one:\n");
		buf_printf(&b, "  %zu. %s: %s", st->index + 1, st->title,
		    st->kind == RB_MANUAL && st->state == STEP_PASSED ?
		    "ticked off" : step_state_words(st->state));
		if (st->reason != NULL && *st->reason != '\0')
			buf_printf(&b, " (%s)", st->reason);
		buf_putc(&b, '\n');
		if (st->text != NULL)
			buf_printf(&b, "     %s\n", st->text);
	}
	if (n_hand == 0)
		buf_puts(&b, "Every step was undone automatically.\n");
	return buf_take(&b);
}
