/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-plan.c: planning a session's run (the version probes, through
 * catalog.c and the door), the plan as journaled text, and beginning the
 * run: journaled, its steps laid out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "journal.h"
#include "plan.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "util.h"

/* --- plans as text, for the journal ---------------------------------------- */

/* One line "FROM -> TO" then one line per hop:
 * "FROM\tTO\tKIND\tredeploy|-\tREASON". Tabs and newlines in a field
 * become spaces. */
static void
put_field(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		buf_putc(b, (*s == '\t' || *s == '\n') ? ' ' : *s);
}

char *
session_plan_text(const struct plan *p)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	put_field(&b, p->from);
	buf_puts(&b, " -> ");
	put_field(&b, p->to);
	buf_putc(&b, '\n');
	for (i = 0; i < p->n_hops; i++) {
		put_field(&b, p->hops[i].from);
		buf_putc(&b, '\t');
		put_field(&b, p->hops[i].to);
		buf_putc(&b, '\t');
		put_field(&b, p->hops[i].kind);
		buf_puts(&b, p->hops[i].redeploy ? "\tredeploy\t" : "\t-\t");
		put_field(&b, p->hops[i].reason);
		buf_putc(&b, '\n');
	}
	return buf_take(&b);
}

static struct plan *
plan_parse(const char *text, const char *from, const char *to)
{
	struct plan	*p = xcalloc(1, sizeof *p);
	char		*copy = xstrdup(text), *line, *next, *f[5], *arrow;
	int		 k;

	/* The first line says the plan's own versions: a rollback run's
	 * record names the target its confirmation chose, which may be the
	 * start of a hop and not where the upgrade started. */
	line = strchr(copy, '\n');
	if (line != NULL)
		*line++ = '\0';
	else
		line = copy + strlen(copy);
	if ((arrow = strstr(copy, " -> ")) != NULL && arrow != copy &&
	    arrow[4] != '\0') {
		*arrow = '\0';
		from = copy;
		to = arrow + 4;
	}
	p->from = xstrdup(from);
	p->to = xstrdup(to);
	for (; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		for (k = 0; k < 5; k++) {
			f[k] = line;
			line = strchr(line, '\t');
			if (line == NULL)
				break;
			*line++ = '\0';
		}
		if (k < 4)
			continue;
		p->hops = xreallocarray(p->hops, p->n_hops + 1, sizeof *p->hops);
		p->hops[p->n_hops].from = xstrdup(f[0]);
		p->hops[p->n_hops].to = xstrdup(f[1]);
		p->hops[p->n_hops].kind = xstrdup(f[2]);
		p->hops[p->n_hops].redeploy = strcmp(f[3], "redeploy") == 0;
		p->hops[p->n_hops].reason = *f[4] != '\0' ? xstrdup(f[4]) : NULL;
		p->n_hops++;
	}
	free(copy);
	return p;
}

/* A rollback run's record has from and to the other way round: the
 * record is written here and read back below, nowhere else. */
void
session_run_record(struct session *s, enum journal_run_kind kind,
    struct journal_run *run)
{
	bool	rollback = kind == JOURNAL_RUN_ROLLBACK;

	memset(run, 0, sizeof *run);
	run->kind = kind;
	if (rollback)
		run->parent = s->run_id;
	run->runbook = s->runbook_abs;
	run->runbook_sha256 = s->rb->sha256;
	run->product = s->rb->product;
	run->from = rollback ? s->plan->to : s->plan->from;
	run->to = rollback ? s->plan->from : s->plan->to;
	run->plan = session_plan_text(s->plan);
}

/* A journaled run's plan from its text; the record's versions (the other
 * way round for a rollback) only when the text does not say them. */
struct plan *
session_plan_of_run(const struct journal_run *run, const char *text)
{
	bool	rollback = run->kind == JOURNAL_RUN_ROLLBACK;

	return plan_parse(text, rollback ? run->to : run->from,
	    rollback ? run->from : run->to);
}

/* A journaled run's plan, parsed from its record. */
struct plan *
session_run_plan(const struct journal_run *run)
{
	if (run->plan == NULL || run->from == NULL || run->to == NULL)
		return NULL;
	return session_plan_of_run(run, run->plan);
}

/* --- planning -------------------------------------------------------------- */

/* The environment of a version probe is the one `stepup plan` gives it
 * (catalog.c), with the variables known so far: so that both find the
 * same versions. */
char **
session_probe_init(struct session *s, struct catalog_probe *probe)
{
	struct step_env	  env = { NULL, 0, NULL };
	char		**base, **envp;

	session_base_env(s, &env);
	base = catalog_env(s->rb, NULL);
	envp = step_env_envp(&env, base);
	catalog_env_free(base);
	step_env_free(&env);
	probe->envp = envp;
	probe->dir = s->dir;
	probe->note = session_probe_door;
	probe->arg = s;
	return envp;
}

/* An answer of the run, for the policy's conditions. */
static const char *
session_plan_answer(void *arg, const char *name)
{
	return step_env_get(&((struct session *)arg)->answers, name, NULL);
}

bool
session_plan_asks(const struct session *s)
{
	size_t	i;

	for (i = 0; i < s->rb->n_vars; i++)
		if (s->rb->vars[i].source == RB_VAR_ASK && !s->answered[i] &&
		    plan_policy_asks(&s->rb->policy, s->rb->vars[i].name))
			return true;
	return false;
}

void
session_policy_resume(struct session *s)
{
	plan_policy_free(s->policy);
	s->policy = plan_policy_when(&s->rb->policy, session_plan_answer, s);
	if (s->plan != NULL) {
		plan_conds_free(&s->plan->conds);
		plan_policy_conds(s->policy, &s->plan->conds);
	}
}

int
session_plan(struct session *s, char **cause)
{
	struct rb_policy	*policy;
	struct plan_catalog	*cat = NULL;
	struct catalog_probe	 probe;
	char			**envp;
	const char		*to;
	int			 r, status = EXIT_FAILED;

	if (session_journal(s, cause) != 0)
		return EXIT_FAILED;
	if (session_fixed_vars(s, cause) != 0)
		return EXIT_USAGE;
	if (session_plan_asks(s)) {
		*cause = xasprintf("%s: the upgrade policy depends on a "
		    "variable that is asked: answer the questions before "
		    "planning", s->rb->path);
		return EXIT_USAGE;
	}
	plan_free(s->plan);
	s->plan = NULL;
	plan_refusal_free(s->refusal);
	s->refusal = NULL;

	envp = session_probe_init(s, &probe);

	if (s->opts.from != NULL) {
		free(s->from);
		s->from = xstrdup(s->opts.from);
	} else if (s->from == NULL) {
		s->from = catalog_installed(s->rb, &probe, &status, cause);
		if (s->from == NULL && status == EXIT_USAGE) {
			free(*cause);
			*cause = xasprintf("%s asks for the installed version: "
			    "answer it, or give --from", s->rb->path);
		}
	}
	if (s->from != NULL)
		cat = catalog_resolve(s->rb, &probe, &status, cause);
	step_envp_free(envp);
	if (cat == NULL)
		return status;

	to = s->to != NULL ? s->to : s->opts.to != NULL ? s->opts.to :
	    plan_default_target(cat, s->from);
	policy = plan_policy_when(&s->rb->policy, session_plan_answer, s);
	r = plan_compute(cat, policy, s->from, to, &s->plan, &s->refusal);
	plan_policy_free(s->policy);
	s->policy = policy;
	if (r != 0) {
		*cause = xasprintf("no allowed upgrade path from %s to %s: %s",
		    s->from, to, s->refusal != NULL ? s->refusal->message : "?");
		plan_catalog_free(cat);
		return EXIT_REFUSED;
	}
	plan_catalog_free(cat);
	return EXIT_DONE;
}

/* Used by front ends when the runbook asks for the installed version. */
int
session_set_from(struct session *s, const char *version, char **cause)
{
	if (version == NULL || *version == '\0' || strchr(version, '\n')) {
		*cause = xstrdup("the installed version is one non-empty line");
		return -1;
	}
	free(s->from);
	s->from = xstrdup(version);
	return 0;
}

bool
session_needs_from(const struct session *s)
{
	return s->opts.from == NULL && s->from == NULL &&
	    s->rb->versions.installed.command == NULL;
}

/* --- beginning --------------------------------------------------------------- */

void
session_set_run(struct session *s, long long id)
{
	s->run_id = id;
	free(s->run_id_s);
	s->run_id_s = xasprintf("%lld", id);
}

void
session_alloc_logs(struct session *s)
{
	s->logs = xcalloc(s->steps->n + 1, sizeof *s->logs);
}

void
session_free_logs(struct session *s)
{
	size_t	i;

	if (s->steps != NULL && s->logs != NULL) {
		for (i = 0; i < s->steps->n; i++)
			free(s->logs[i]);
	}
	free(s->logs);
	s->logs = NULL;
}

struct steps *
session_new_steps(struct session *s, const struct steps *upgrade,
    int hop, long long run, char **cause)
{
	struct step_env	 env = { NULL, 0, NULL };
	struct steps	*ss;
	char		*why, *id;

	session_base_env(s, &env);
	if (run != 0) {
		id = xasprintf("%lld", run);
		step_env_set(&env, "STEPUP_RUN_ID", id, false);
		free(id);
	}
	if (upgrade == NULL)
		ss = steps_new(s->rb, s->plan, &env, &why);
	else {
		/* A rollback's commands get the values the upgrade's steps
		 * set (outputs). */
		step_env_merge(&env, &s->outputs);
		ss = steps_new_rollback(upgrade, hop, &env, &why);
	}
	step_env_free(&env);
	if (ss == NULL) {
		*cause = xasprintf("%s: %s", s->rb->path, why);
		free(why);
	}
	return ss;
}

/* Lay out the steps for the current plan and answers. */
int
session_layout(struct session *s, char **cause)
{
	if ((s->steps = session_new_steps(s, NULL, -1, 0, cause)) == NULL)
		return -1;
	session_alloc_logs(s);
	return 0;
}

int
session_begin(struct session *s, char **cause)
{
	struct journal_run	 run;
	const struct rb_var	*q;
	char			*ptext, *desc;
	long long		 id;
	size_t			 i;

	if (s->steps != NULL) {
		*cause = xstrdup("the run has already begun");
		return EXIT_USAGE;
	}
	if (session_journal(s, cause) != 0)
		return EXIT_FAILED;
	if (s->has_info) {
		*cause = xasprintf("run %s of this runbook is unfinished: resume "
		    "or abandon it first", s->info.id);
		return EXIT_FAILED;
	}
	if (s->plan == NULL) {
		*cause = xstrdup("there is no plan yet");
		return EXIT_USAGE;
	}
	if (session_fixed_vars(s, cause) != 0)
		return EXIT_USAGE;
	if ((q = session_question(s, 0)) != NULL) {
		*cause = xasprintf("%s has no answer yet", q->name);
		return EXIT_USAGE;
	}
	session_secrets(s);

	session_run_record(s, JOURNAL_RUN_UPGRADE, &run);
	ptext = run.plan;
	run.dry_run = s->opts.dry_run;

	if (journal_begin(s->j, cause) != 0) {
		free(ptext);
		return EXIT_FAILED;
	}
	if (journal_run_create(s->j, &run, &id, cause) != 0)
		goto fail;
	free(ptext);
	ptext = NULL;
	session_set_run(s, id);
	if (journal_claim(s->j, id, "began", NULL, NULL, -1, NULL, cause) != 0)
		goto fail;
	if (journal_append(s->j, id, JOURNAL_EV_BEGIN, NULL, s->opts.dry_run ?
	    "dry run" : s->opts.step ? SESSION_STEP_NOTE : NULL, NULL,
	    cause) != 0)
		goto fail;
	if (s->takeover != NULL && journal_append(s->j, id,
	    JOURNAL_EV_LOCK_TAKEOVER, NULL, s->takeover, NULL, cause) != 0)
		goto fail;
	for (i = 0; i < s->n_probes; i++) {
		if (journal_append(s->j, id, JOURNAL_EV_PROBE, NULL,
		    s->probes[i].detail, NULL, cause) != 0)
			goto fail;
	}
	if (session_journal_vars(s, cause) != 0)
		goto fail;
	if (session_layout(s, cause) != 0)
		goto fail;
	if (s->opts.dry_run) {
		for (i = 0; i < s->steps->n; i++) {
			desc = session_describe(s, i);
			if (journal_append(s->j, id, JOURNAL_EV_DRY_RUN,
			    s->steps->v[i].key, desc, NULL, cause) != 0) {
				free(desc);
				goto fail;
			}
			free(desc);
		}
		if (journal_append(s->j, id, JOURNAL_EV_END, NULL,
		    "dry run: nothing was executed", NULL, cause) != 0 ||
		    journal_run_set_status(s->j, id, JOURNAL_RUN_DONE,
		    cause) != 0)
			goto fail;
	}
	if (journal_commit(s->j, cause) != 0)
		goto fail_nocommit;
	free(s->takeover);
	s->takeover = NULL;
	s->status = s->opts.dry_run ? SESSION_DRY_RUN : SESSION_RUNNING;
	return EXIT_DONE;

fail:
	journal_rollback(s->j);
fail_nocommit:
	free(ptext);
	session_free_logs(s);
	steps_free(s->steps);
	s->steps = NULL;
	s->run_id = 0;
	free(s->run_id_s);
	s->run_id_s = NULL;
	return EXIT_FAILED;
}

/* Plan for another target; keep the plan as it was when version is not a
 * release of the catalog the operator may aim at. */
int
session_set_to(struct session *s, const char *version, char **cause)
{
	struct plan		*old_plan = s->plan;
	struct plan_refusal	*old_ref = s->refusal, *ref;
	char			*old_to = s->to;
	char			*why = NULL;
	int			 r;

	if (s->steps != NULL) {
		*cause = xstrdup("the run has begun: its target cannot change");
		return -1;
	}
	if (version == NULL || *version == '\0' || strchr(version, '\n')) {
		*cause = xstrdup("the target is one version, e.g. 2.0.0");
		return -1;
	}
	s->plan = NULL;
	s->refusal = NULL;
	s->to = xstrdup(version);
	r = session_plan(s, &why);
	ref = s->refusal;
	if (r == EXIT_DONE || (r == EXIT_REFUSED && ref != NULL &&
	    strcmp(ref->rule, "invalid-version") != 0 &&
	    strcmp(ref->rule, "not-in-catalog") != 0 &&
	    strcmp(ref->rule, "downgrade") != 0)) {
		/* A plan, or a path the policy refuses: shown as such, and
		 * kept as the target whenever the plan is made again. */
		free(old_to);
		free(why);
		plan_free(old_plan);
		plan_refusal_free(old_ref);
		return 0;
	}
	if (ref != NULL) {
		free(why);
		*cause = xstrdup(ref->message);
	} else
		*cause = why != NULL ? why : xstrdup("cannot plan");
	plan_free(s->plan);
	plan_refusal_free(s->refusal);
	s->plan = old_plan;
	s->refusal = old_ref;
	free(s->to);
	s->to = old_to;
	return -1;
}

int
session_journal(struct session *s, char **cause)
{
	if (s->j == NULL &&
	    (s->j = journal_open(s->state_dir, false, cause)) == NULL)
		return -1;
	return 0;
}
