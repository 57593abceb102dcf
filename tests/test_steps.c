/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_steps.c: the step model: layout per hop and `when`, environment,
 * $NAME expansion, and the gating rule in every state. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "inventory.h"
#include "steps.h"
#include "util.h"

/* --- expansion ------------------------------------------------------------ */

static struct step_env
test_env(void)
{
	struct step_env	env = { NULL, 0, NULL };

	step_env_set(&env, "STEPUP_TO", "24.03.0", false);
	step_env_set(&env, "backup_dir", "/var/backups", false);
	step_env_set(&env, "token", "s3cr3t", true);
	step_env_set(&env, "evil", "$(touch /tmp/pwned)", false);
	return env;
}

static void
expect_expand(const struct step_env *env, const char *in, const char *want)
{
	char	*out = NULL, *cause = NULL;

	if (steps_expand(in, env, false, &out, &cause) != 0)
		fail_msg("expanding \"%s\" failed: %s", in, cause);
	assert_string_equal(out, want);
	free(out);
}

static void
expect_expand_error(const struct step_env *env, const char *in,
    const char *want)
{
	char	*out = NULL, *cause = NULL;

	assert_int_equal(steps_expand(in, env, false, &out, &cause), -1);
	assert_null(out);
	assert_string_equal(cause, want);
	free(cause);
}

static void
test_expand(void **state)
{
	struct step_env	env = test_env();

	expect_expand(&env, "", "");
	expect_expand(&env, "plain text", "plain text");
	expect_expand(&env, "yes, upgrade to $STEPUP_TO", "yes, upgrade to 24.03.0");
	expect_expand(&env, "${backup_dir}/db-${STEPUP_TO}.dump",
	    "/var/backups/db-24.03.0.dump");
	expect_expand(&env, "$backup_dir/x", "/var/backups/x");
	expect_expand(&env, "$STEPUP_TO.", "24.03.0.");
	expect_expand(&env, "cost: 5$", "cost: 5$");
	expect_expand(&env, "$$STEPUP_TO", "$STEPUP_TO");
	expect_expand(&env, "$1 $- $ x", "$1 $- $ x");
	/* Nothing but variables: no command substitution, no quoting, and a
	 * value is never expanded again. */
	expect_expand(&env, "$(touch /tmp/pwned) `id`", "$(touch /tmp/pwned) `id`");
	expect_expand(&env, "v=$evil", "v=$(touch /tmp/pwned)");
	expect_expand(&env, "'$STEPUP_TO' \"$STEPUP_TO\"",
	    "'24.03.0' \"24.03.0\"");

	expect_expand_error(&env, "to $NOPE now", "$NOPE is not set");
	expect_expand_error(&env, "${NOPE}", "$NOPE is not set");
	expect_expand_error(&env, "ab${STEPUP_TO", "\"${\" at column 3 is not "
	    "followed by a variable name and \"}\"");
	expect_expand_error(&env, "${}", "\"${\" at column 1 is not "
	    "followed by a variable name and \"}\"");
	expect_expand_error(&env, "${1x}", "\"${\" at column 1 is not "
	    "followed by a variable name and \"}\"");
	expect_expand_error(&env, "${a b}", "\"${\" at column 1 is not "
	    "followed by a variable name and \"}\"");
	expect_expand_error(&env, "tok $token", "$token is a secret variable "
	    "and cannot be shown");
	step_env_free(&env);
}

static void
test_expand_fallback(void **state)
{
	struct step_env	 env = test_env();
	char		*out = NULL, *cause = NULL;

	setenv("STEPUP_TEST_FALLBACK", "from-environ", 1);
	assert_int_equal(steps_expand("$STEPUP_TEST_FALLBACK", &env, true,
	    &out, &cause), 0);
	assert_string_equal(out, "from-environ");
	free(out);
	/* env wins over the process environment. */
	setenv("backup_dir", "/elsewhere", 1);
	assert_int_equal(steps_expand("$backup_dir", &env, true, &out,
	    &cause), 0);
	assert_string_equal(out, "/var/backups");
	free(out);
	unsetenv("backup_dir");
	step_env_free(&env);
}

/* One expansion for every text shown: a key's hop gives STEPUP_HOP_FROM
 * (an undo key too), and a text that cannot be expanded is kept. */
static void
test_text_key_env(void **state)
{
	struct step_env	 env = test_env();
	struct plan_hop	 hops[2] = {
		{ .from = (char *)"1.0.0", .to = (char *)"1.1.0",
		  .kind = (char *)"minor" },
		{ .from = (char *)"1.1.0", .to = (char *)"1.2.0",
		  .kind = (char *)"minor" },
	};
	struct plan	 plan = { .hops = hops, .n_hops = 2 };
	char		*out;

	(void)state;
	steps_key_env(&plan, "undo:migrate@1.2.0", &env);
	out = steps_text("Migrate from $STEPUP_HOP_FROM to ${STEPUP_HOP_TO} "
	    "($STEPUP_STEP, $STEPUP_HOP_KIND)", &env);
	assert_string_equal(out, "Migrate from 1.1.0 to 1.2.0 (migrate, minor)");
	free(out);
	out = steps_text("tok $token", &env);
	assert_string_equal(out, "tok $token");
	free(out);
	assert_null(steps_text(NULL, &env));
	step_env_free(&env);
}

static void
test_env_envp(void **state)
{
	struct step_env	 env = test_env();
	char		*base[] = { "PATH=/bin", "STEPUP_TO=old", "HOME=/h", NULL };
	char		**envp, *shown;

	envp = step_env_envp(&env, base);
	assert_string_equal(envp[0], "PATH=/bin");
	assert_string_equal(envp[1], "HOME=/h");
	assert_string_equal(envp[2], "STEPUP_TO=24.03.0");
	assert_string_equal(envp[3], "backup_dir=/var/backups");
	assert_string_equal(envp[4], "token=s3cr3t");
	assert_string_equal(envp[5], "evil=$(touch /tmp/pwned)");
	assert_null(envp[6]);
	step_envp_free(envp);

	shown = step_env_show(&env);
	assert_string_equal(shown, "STEPUP_TO=24.03.0\nbackup_dir=/var/backups\n"
	    "token=********\nevil=$(touch /tmp/pwned)\n");
	free(shown);

	step_env_set(&env, "STEPUP_TO", "25.0", false);
	assert_int_equal(env.n, 4);
	assert_string_equal(step_env_get(&env, "STEPUP_TO", NULL), "25.0");
	assert_null(step_env_get(&env, "nope", NULL));
	step_env_free(&env);
}

/* --- a runbook and a plan, by hand ---------------------------------------- */

struct fixture {
	struct runbook	rb;
	struct plan	plan;
	struct step_env	base;
};

static struct rb_step *
add_step(struct fixture *f, enum rb_phase ph, const char *id, enum rb_kind k,
    const char *title)
{
	struct rb_steps	*s = &f->rb.phases[ph];
	struct rb_step	*st;

	if ((s->n & (s->n - 1)) == 0)	/* doubled at each power of two */
		s->v = xreallocarray(s->v, s->n == 0 ? 1 : 2 * s->n,
		    sizeof *s->v);
	st = &s->v[s->n++];
	memset(st, 0, sizeof *st);
	st->id = (char *)id;
	st->kind = k;
	st->phase = ph;
	st->title = (char *)title;
	return st;
}

static void
add_hop(struct fixture *f, const char *from, const char *to, const char *kind)
{
	struct plan_hop	*h;

	f->plan.hops = xreallocarray(f->plan.hops, f->plan.n_hops + 1,
	    sizeof *f->plan.hops);
	h = &f->plan.hops[f->plan.n_hops++];
	memset(h, 0, sizeof *h);
	h->from = (char *)from;
	h->to = (char *)to;
	h->kind = (char *)kind;
}

static struct rb_str when_minor[] = { { "minor", { 0, 0 } } };
static struct rb_str when_major[] = { { "major", { 0, 0 } } };

/* prepare: notes (read, per hop), idle (check), dump (action, produces),
 *          go (confirm)
 * hop:     stop (action), upgrade (action), schema (when: major),
 *          patchup (when: minor)
 * finish:  versions (check)
 * plan:    23.09.9 -> 23.09.10 (minor) -> 24.03.0 (major) */
static struct fixture *
fixture_new(void)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	struct rb_step	*st;

	f->rb.path = "/rb/demo.yaml";
	f->rb.dir = "/rb";
	f->rb.product = "Demo";
	st = add_step(f, RB_PHASE_PREPARE, "notes", RB_READ,
	    "Release notes of $STEPUP_HOP_TO");
	st->file = "notes/${STEPUP_HOP_TO}.md";
	st->per_hop = true;
	st = add_step(f, RB_PHASE_PREPARE, "idle", RB_CHECK, "Nothing runs");
	st->run = "true";
	st->optional = true;
	st = add_step(f, RB_PHASE_PREPARE, "dump", RB_ACTION,
	    "Back up to $backup_dir");
	st->run = "pg_dump > \"$STEPUP_ARTIFACT_dump\"";
	st->produces = "$backup_dir/db-$STEPUP_FROM.dump";
	st->undo = "pg_restore \"$STEPUP_ARTIFACT_dump\"";
	st = add_step(f, RB_PHASE_PREPARE, "go", RB_CONFIRM, "Go");
	st->phrase = "yes, upgrade to $STEPUP_TO";
	st = add_step(f, RB_PHASE_HOP, "stop", RB_ACTION, "Stop");
	st->run = "systemctl stop x";
	st = add_step(f, RB_PHASE_HOP, "upgrade", RB_ACTION,
	    "Upgrade to $STEPUP_HOP_TO");
	st->run = "pip install \"x==$STEPUP_HOP_TO\"";
	st = add_step(f, RB_PHASE_HOP, "schema", RB_ACTION, "Schema");
	st->run = "alembic upgrade head";
	st->when = when_major;
	st->n_when = 1;
	st = add_step(f, RB_PHASE_HOP, "patchup", RB_ACTION, "Patch");
	st->run = "true";
	st->when = when_minor;
	st->n_when = 1;
	st = add_step(f, RB_PHASE_FINISH, "versions", RB_CHECK,
	    "Every component reports $STEPUP_TO");
	st->run = "true";

	f->plan.from = "23.09.9";
	f->plan.to = "24.03.0";
	add_hop(f, "23.09.9", "23.09.10", "minor");
	add_hop(f, "23.09.10", "24.03.0", "major");

	step_env_set(&f->base, "STEPUP_FROM", "23.09.9", false);
	step_env_set(&f->base, "STEPUP_TO", "24.03.0", false);
	step_env_set(&f->base, "STEPUP_RUN_ID", "7", false);
	step_env_set(&f->base, "STEPUP_RUNBOOK_DIR", "/rb", false);
	step_env_set(&f->base, "backup_dir", "/var/backups", false);
	step_env_set(&f->base, "token", "s3cr3t", true);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	int	i;

	for (i = 0; i < RB_PHASE__COUNT; i++)
		free(f->rb.phases[i].v);
	free(f->plan.hops);
	step_env_free(&f->base);
	free(f);
}

static struct steps *
fixture_steps(struct fixture *f)
{
	struct steps	*ss;
	char		*cause = NULL;

	ss = steps_new(&f->rb, &f->plan, &f->base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	return ss;
}

static const char *
env_of(const struct steps *ss, const char *key, const char *name)
{
	const struct step	*st = steps_find(ss, key);

	assert_non_null(st);
	return step_env_get(&st->env, name, NULL);
}

/* The steps of a run share one copy of the run's environment: each keeps
 * only its own entries (its id, its hop, artifacts), however many vars
 * the run has, and still gets all of them (lookups, a command's envp),
 * its own replacing the run's. A rollback's undo steps stand on the
 * rollback run's, which replaces the upgrade's values. */
static void
test_env_shared(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss, *rs;
	struct step_env		 base2 = { NULL, 0, NULL };
	char			 name[16], **envp, *cause = NULL;
	size_t			 i, k, seen;
	int			 v;

	(void)state;
	for (v = 0; v < 200; v++) {
		snprintf(name, sizeof name, "v%d", v);
		step_env_set(&f->base, name, "a run-wide value", false);
	}
	ss = fixture_steps(f);
	/* The steps' base is a copy: the caller's may go. */
	step_env_set(&f->base, "v150", "changed afterwards", false);
	for (i = 0; i < ss->n; i++) {
		assert_ptr_equal(ss->v[i].env.base, &ss->base);
		assert_true(ss->v[i].env.n <= 6);
		assert_string_equal(step_env_get(&ss->v[i].env, "v150", NULL),
		    "a run-wide value");
	}
	assert_string_equal(env_of(ss, "upgrade@24.03.0", "STEPUP_HOP_TO"),
	    "24.03.0");
	envp = step_env_envp(&steps_find(ss, "stop@23.09.10")->env, NULL);
	for (k = 0, seen = 0; envp[k] != NULL; k++) {
		if (strcmp(envp[k], "STEPUP_STEP=stop") == 0 ||
		    strcmp(envp[k], "v199=a run-wide value") == 0 ||
		    strcmp(envp[k], "STEPUP_RUN_ID=7") == 0)
			seen++;
		assert_true(strncmp(envp[k], "STEPUP_STEP=", 12) != 0 ||
		    strcmp(envp[k], "STEPUP_STEP=stop") == 0);
	}
	assert_int_equal(seen, 3);
	assert_int_equal(k, 6 + 200 + 5);	/* the run's; id, hop x3, dump's */
	step_envp_free(envp);

	/* A command's environment on top of a step's (session_launch):
	 * stepup's own, then each layer, every name once, the topmost
	 * value, with no merged copy made first. */
	{
		struct step_env	 cmd = { NULL, 0, NULL };
		char		*own[] = { "PATH=/bin", "v7=stepup's own",
				    "STEPUP_STEP=stepup's own", NULL };
		size_t		 v5 = 0, v7 = 0, step = 0, out = 0, path = 0;

		cmd.base = &steps_find(ss, "stop@23.09.10")->env;
		step_env_set(&cmd, "STEPUP_OUTPUT", "/run/out", false);
		step_env_set(&cmd, "v5", "the command's", false);
		envp = step_env_envp(&cmd, own);
		for (k = 0; envp[k] != NULL; k++) {
			v5 += strncmp(envp[k], "v5=", 3) == 0;
			v7 += strncmp(envp[k], "v7=", 3) == 0;
			step += strncmp(envp[k], "STEPUP_STEP=", 12) == 0;
			out += strcmp(envp[k], "STEPUP_OUTPUT=/run/out") == 0;
			path += strcmp(envp[k], "PATH=/bin") == 0;
			if (strncmp(envp[k], "v5=", 3) == 0)
				assert_string_equal(envp[k], "v5=the command's");
			if (strncmp(envp[k], "v7=", 3) == 0)
				assert_string_equal(envp[k],
				    "v7=a run-wide value");
			if (strncmp(envp[k], "STEPUP_STEP=", 12) == 0)
				assert_string_equal(envp[k], "STEPUP_STEP=stop");
		}
		assert_true(v5 == 1 && v7 == 1 && step == 1 && out == 1 &&
		    path == 1);
		assert_int_equal(k, 1 + 6 + 200 + 5 + 1);
		step_envp_free(envp);
		step_env_free(&cmd);
	}

	ss->v[3].state = STEP_PASSED;	/* dump */
	ss->v[3].settled_seq = 1;
	step_env_merge(&base2, &f->base);
	step_env_set(&base2, "STEPUP_RUN_ID", "8", false);
	rs = steps_new_rollback(ss, -1, &base2, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	step_env_free(&base2);
	for (i = 0; i < rs->n; i++) {
		assert_ptr_equal(rs->v[i].env.base, &rs->base);
		assert_true(rs->v[i].env.n <= 6);
	}
	assert_string_equal(rs->v[1].key, "undo:dump");
	assert_string_equal(step_env_get(&rs->v[1].env, "STEPUP_RUN_ID",
	    NULL), "8");
	assert_string_equal(step_env_get(&rs->v[1].env, "STEPUP_STEP", NULL),
	    "dump");
	assert_string_equal(step_env_get(&rs->v[1].env, "STEPUP_ARTIFACT_dump",
	    NULL), "/var/backups/db-23.09.9.dump");
	assert_string_equal(step_env_get(&rs->v[1].env, "STEPUP_ROLLBACK_TO",
	    NULL), "23.09.9");
	steps_free(rs);
	steps_free(ss);
	fixture_free(f);
}

static void
test_layout(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss = fixture_steps(f);
	static const char	*keys[] = {
		"notes@23.09.10", "notes@24.03.0", "idle", "dump", "go",
		"stop@23.09.10", "upgrade@23.09.10", "patchup@23.09.10",
		"stop@24.03.0", "upgrade@24.03.0", "schema@24.03.0",
		"versions",
	};
	size_t			 i;

	assert_int_equal(ss->n, nitems(keys));
	for (i = 0; i < ss->n; i++) {
		assert_string_equal(ss->v[i].key, keys[i]);
		assert_int_equal(ss->v[i].index, i);
	}
	/* Per-hop steps carry their hop; others none. */
	assert_int_equal(ss->v[0].hop, 0);
	assert_int_equal(ss->v[1].hop, 1);
	assert_int_equal(ss->v[2].hop, -1);
	assert_int_equal(ss->v[10].hop, 1);
	assert_int_equal(ss->v[10].phase, RB_PHASE_HOP);
	assert_int_equal(ss->v[11].phase, RB_PHASE_FINISH);

	/* Expanded fields, relative files under the runbook's directory. */
	assert_string_equal(ss->v[0].title, "Release notes of 23.09.10");
	assert_string_equal(ss->v[0].file, "/rb/notes/23.09.10.md");
	assert_string_equal(ss->v[1].file, "/rb/notes/24.03.0.md");
	assert_string_equal(ss->v[3].title, "Back up to /var/backups");
	assert_string_equal(ss->v[3].produces, "/var/backups/db-23.09.9.dump");
	assert_string_equal(ss->v[4].phrase, "yes, upgrade to 24.03.0");
	assert_string_equal(ss->v[9].title, "Upgrade to 24.03.0");
	assert_string_equal(ss->v[11].title, "Every component reports 24.03.0");
	assert_true(ss->v[2].optional);
	assert_false(ss->v[3].optional);
	assert_string_equal(ss->v[3].run, "pg_dump > \"$STEPUP_ARTIFACT_dump\"");

	/* The environment: run-wide, per step, per hop, artifacts. */
	assert_string_equal(env_of(ss, "upgrade@23.09.10", "STEPUP_HOP_FROM"),
	    "23.09.9");
	assert_string_equal(env_of(ss, "upgrade@23.09.10", "STEPUP_HOP_TO"),
	    "23.09.10");
	assert_string_equal(env_of(ss, "upgrade@24.03.0", "STEPUP_HOP_KIND"),
	    "major");
	assert_string_equal(env_of(ss, "upgrade@24.03.0", "STEPUP_STEP"),
	    "upgrade");
	assert_string_equal(env_of(ss, "upgrade@24.03.0", "STEPUP_TO"),
	    "24.03.0");
	assert_string_equal(env_of(ss, "upgrade@24.03.0", "token"), "s3cr3t");
	assert_null(env_of(ss, "idle", "STEPUP_HOP_TO"));
	assert_null(env_of(ss, "idle", "STEPUP_ARTIFACT_dump"));
	assert_string_equal(env_of(ss, "dump", "STEPUP_ARTIFACT_dump"),
	    "/var/backups/db-23.09.9.dump");
	assert_string_equal(env_of(ss, "versions", "STEPUP_ARTIFACT_dump"),
	    "/var/backups/db-23.09.9.dump");
	steps_free(ss);
	fixture_free(f);
}

/* A redeploy hop runs only the steps that name it: they replace the
 * in-place steps (those without `when`), as issue 3 asks. */
static void
test_layout_redeploy(void **state)
{
	static struct rb_str	 when_redeploy[] = { { "redeploy", { 0, 0 } } };
	struct fixture		*f = fixture_new();
	struct steps		*ss;
	struct rb_step		*st;
	static const char	*keys[] = {
		"notes@23.09.10", "notes@24.03.0", "idle", "dump", "go",
		"stop@23.09.10", "upgrade@23.09.10", "patchup@23.09.10",
		"fresh@24.03.0", "versions",
	};
	size_t			 i;

	st = add_step(f, RB_PHASE_HOP, "fresh", RB_ACTION, "Deploy anew");
	st->run = "deploy";
	st->when = when_redeploy;
	st->n_when = 1;
	f->plan.hops[1].kind = "redeploy";
	f->plan.hops[1].redeploy = true;
	ss = fixture_steps(f);
	for (i = 0; i < ss->n && i < nitems(keys); i++)
		assert_string_equal(ss->v[i].key, keys[i]);
	assert_int_equal(ss->n, nitems(keys));
	steps_free(ss);
	fixture_free(f);
}

/* A hop step's when by the hop's target or source release (a version
 * range) and by an answer, as well as by kind. */
static void
test_layout_when_range(void **state)
{
	static char		*yes[] = { "yes" };
	static struct rb_cond	 big[] = { { { "big_db", { 0, 0 } }, yes, 1 } };
	struct fixture		*f = fixture_new();
	struct steps		*ss;
	struct rb_step		*st;
	static const char	*keys[] = {
		"notes@23.09.10", "notes@24.03.0", "idle", "dump", "go",
		"stop@23.09.10", "upgrade@23.09.10", "patchup@23.09.10",
		"old@23.09.10", "stop@24.03.0", "upgrade@24.03.0",
		"schema@24.03.0", "revisions@24.03.0", "versions",
	};
	size_t			 i;

	(void)state;
	f->rb.versions.scheme = RB_SCHEME_CALVER;
	st = add_step(f, RB_PHASE_HOP, "revisions", RB_ACTION, "Revisions");
	st->run = "true";
	st->when_to.s = ">=24.03";
	st = add_step(f, RB_PHASE_HOP, "old", RB_ACTION, "From 23.09");
	st->run = "true";
	st->when_from.s = ">= 23.09, <23.09.10";
	st = add_step(f, RB_PHASE_HOP, "reindex", RB_ACTION, "Reindex");
	st->run = "true";
	st->when_vars = big;
	st->n_when_vars = 1;
	/* big_db is not yes: no reindex */
	ss = fixture_steps(f);
	for (i = 0; i < ss->n && i < nitems(keys); i++)
		assert_string_equal(ss->v[i].key, keys[i]);
	assert_int_equal(ss->n, nitems(keys));
	steps_free(ss);
	step_env_set(&f->base, "big_db", "yes", false);
	ss = fixture_steps(f);
	assert_non_null(steps_find(ss, "reindex@23.09.10"));
	assert_non_null(steps_find(ss, "reindex@24.03.0"));
	steps_free(ss);
	fixture_free(f);
}

static void
test_layout_errors(void **state)
{
	struct fixture	*f = fixture_new();
	struct steps	*ss;
	char		*cause = NULL;

	/* A non-per-hop step has no hop to speak of. */
	f->rb.phases[RB_PHASE_PREPARE].v[1].title = "Idle before $STEPUP_HOP_TO";
	ss = steps_new(&f->rb, &f->plan, &f->base, &cause);
	assert_null(ss);
	assert_string_equal(cause, "step 3 (idle), title: $STEPUP_HOP_TO is not set");
	free(cause);
	f->rb.phases[RB_PHASE_PREPARE].v[1].title = "Nothing runs";

	/* Secrets never reach a shown field. */
	f->rb.phases[RB_PHASE_PREPARE].v[3].phrase = "yes $token";
	ss = steps_new(&f->rb, &f->plan, &f->base, &cause);
	assert_null(ss);
	assert_string_equal(cause, "step 5 (go), phrase: $token is a secret "
	    "variable and cannot be shown");
	free(cause);
	fixture_free(f);
}

/* --- gating --------------------------------------------------------------- */

static void
test_gating_default(void **state)
{
	struct fixture	*f = fixture_new();
	struct steps	*ss = fixture_steps(f);
	size_t		 blocker = 99;
	int		 st;

	/* Only the first step is ready; each needs every step before it
	 * (an order, not a list). */
	assert_int_equal(ss->v[0].state, STEP_READY);
	assert_int_equal(ss->v[1].state, STEP_PENDING);
	assert_int_equal(ss->v[11].needs_before, 11);
	assert_int_equal(ss->v[11].n_needs, 0);
	assert_false(steps_needs_met(ss, 4, &blocker));
	assert_int_equal(blocker, 0);
	assert_int_equal(steps_current(ss), 0);

	/* Step 2 is ready exactly when step 1 is settled. */
	for (st = 0; st < STEP__COUNT; st++) {
		step_set(ss, 0, (enum step_state)st, NULL);
		if (st == STEP_PASSED || st == STEP_SKIPPED ||
		    st == STEP_DONE || st == STEP_TOLERATED) {
			assert_int_equal(ss->v[1].state, STEP_READY);
			assert_true(step_state_settled((enum step_state)st));
			assert_int_equal(steps_current(ss), 1);
		} else {
			assert_int_equal(ss->v[1].state, STEP_PENDING);
			assert_false(step_state_settled((enum step_state)st));
			assert_int_equal(steps_current(ss), 0);
		}
		assert_int_equal(ss->v[2].state, STEP_PENDING);
	}
	/* A ready step goes back to pending when its need is reopened. */
	step_set(ss, 0, STEP_PASSED, NULL);
	step_set(ss, 1, STEP_PASSED, NULL);
	assert_int_equal(ss->v[2].state, STEP_READY);
	step_set(ss, 1, STEP_IN_DOUBT, NULL);
	assert_int_equal(ss->v[2].state, STEP_PENDING);
	assert_false(steps_needs_met(ss, 2, &blocker));
	assert_int_equal(blocker, 1);

	/* Reasons are kept, and replaced. */
	step_set(ss, 1, STEP_DONE, "restarted it by hand");
	assert_string_equal(ss->v[1].reason, "restarted it by hand");
	step_set(ss, 1, STEP_PASSED, NULL);
	assert_null(ss->v[1].reason);

	/* Settling everything ends the run. */
	for (st = 2; st < (int)ss->n; st++) {
		assert_int_equal(steps_current(ss), st);
		assert_int_equal(ss->v[st].state, STEP_READY);
		assert_false(steps_done(ss));
		step_set(ss, (size_t)st, st % 3 == 0 ? STEP_PASSED :
		    st % 3 == 1 ? STEP_SKIPPED : STEP_DONE, "r");
	}
	assert_true(steps_done(ss));
	assert_int_equal(steps_current(ss), ss->n);
	steps_free(ss);
	fixture_free(f);
}

static void
test_gating_needs(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss;
	struct rb_step		*up;
	static struct rb_str	 needs_stop[] = { { "stop", { 0, 0 } } };
	static struct rb_str	 needs_notes[] = { { "notes", { 0, 0 } } };
	const struct step	*st;

	/* upgrade needs only its own hop's stop; versions needs every
	 * instance of notes. */
	up = &f->rb.phases[RB_PHASE_HOP].v[1];
	up->has_needs = true;
	up->needs = needs_stop;
	up->n_needs = 1;
	up = &f->rb.phases[RB_PHASE_FINISH].v[0];
	up->has_needs = true;
	up->needs = needs_notes;
	up->n_needs = 1;
	ss = fixture_steps(f);

	/* ...and, whatever they say, the confirmation before them. */
	st = steps_find(ss, "upgrade@24.03.0");
	assert_int_equal(st->n_needs, 2);
	assert_string_equal(ss->v[st->needs[0]].key, "go");
	assert_string_equal(ss->v[st->needs[1]].key, "stop@24.03.0");
	st = steps_find(ss, "versions");
	assert_int_equal(st->n_needs, 3);
	assert_string_equal(ss->v[st->needs[0]].key, "notes@23.09.10");
	assert_string_equal(ss->v[st->needs[1]].key, "notes@24.03.0");
	assert_string_equal(ss->v[st->needs[2]].key, "go");

	/* Gating follows the needs, not the order. */
	assert_int_equal(steps_find(ss, "versions")->state, STEP_PENDING);
	step_set(ss, 0, STEP_PASSED, NULL);
	assert_int_equal(steps_find(ss, "versions")->state, STEP_PENDING);
	step_set(ss, 1, STEP_SKIPPED, "read it yesterday");
	assert_int_equal(steps_find(ss, "versions")->state, STEP_PENDING);
	step_set(ss, 4, STEP_PASSED, NULL);	/* go */
	assert_int_equal(steps_find(ss, "versions")->state, STEP_READY);
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_PENDING);
	step_set(ss, 8, STEP_PASSED, NULL);	/* stop@24.03.0 */
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_READY);
	assert_int_equal(steps_find(ss, "upgrade@23.09.10")->state, STEP_PENDING);
	/* Running, failed and in doubt are not settled. */
	step_set(ss, 8, STEP_RUNNING, NULL);
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_PENDING);
	step_set(ss, 8, STEP_FAILED, "exit 1");
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_PENDING);
	/* A state other than pending/ready is left alone by gating. */
	step_set(ss, 9, STEP_FAILED, "exit 2");
	step_set(ss, 8, STEP_PASSED, NULL);
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_FAILED);
	steps_free(ss);
	fixture_free(f);
}

/* A confirmation gates every step after it in run order, whatever
 * `needs` says: `needs: []` after it, a need naming only a step before
 * it, a hop step of a later hop, a finish step; a confirm is never
 * optional; a rollback's steps all wait for its own confirmation. */
static void
test_gating_confirm(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss, *rs;
	struct rb_step		*st;
	static struct rb_str	 needs_idle[] = { { "idle", { 0, 0 } } };
	char			*cause = NULL;
	size_t			 i, go, k;

	/* stop: needs: [] (every hop); upgrade: needs: [idle], a step before
	 * the confirmation; versions: needs: []; go: optional (the loader
	 * refuses it; the model does not honour it either). */
	f->rb.phases[RB_PHASE_HOP].v[0].has_needs = true;
	st = &f->rb.phases[RB_PHASE_HOP].v[1];
	st->has_needs = true;
	st->needs = needs_idle;
	st->n_needs = 1;
	f->rb.phases[RB_PHASE_FINISH].v[0].has_needs = true;
	f->rb.phases[RB_PHASE_PREPARE].v[3].optional = true;
	st = add_step(f, RB_PHASE_ROLLBACK, "restore", RB_ACTION, "Restore");
	st->run = "true";
	st->has_needs = true;
	ss = fixture_steps(f);
	go = steps_find(ss, "go")->index;
	assert_false(ss->v[go].optional);
	/* Everything before the confirmation settled, the confirmation
	 * not: nothing after it is ready. */
	for (i = 0; i < go; i++)
		step_set(ss, i, STEP_PASSED, NULL);
	assert_int_equal(ss->v[go].state, STEP_READY);
	for (i = go + 1; i < ss->n; i++) {
		if (ss->v[i].state != STEP_PENDING)
			fail_msg("step %s is %s before the confirmation",
			    ss->v[i].key, step_state_name(ss->v[i].state));
		for (k = 0; k < ss->v[i].n_needs; k++) {
			if (ss->v[i].needs[k] == go)
				break;
		}
		if (ss->v[i].needs_before > go)
			continue;
		if (k == ss->v[i].n_needs)
			fail_msg("step %s does not need the confirmation",
			    ss->v[i].key);
		if (k > 0 && ss->v[i].needs[k - 1] >= go)
			fail_msg("step %s: needs out of order", ss->v[i].key);
	}
	assert_int_equal(steps_find(ss, "stop@24.03.0")->n_needs, 1);
	assert_int_equal(steps_find(ss, "upgrade@23.09.10")->n_needs, 2);
	/* Once typed, the narrowed needs apply. */
	step_set(ss, go, STEP_PASSED, NULL);
	assert_int_equal(steps_find(ss, "stop@24.03.0")->state, STEP_READY);
	assert_int_equal(steps_find(ss, "upgrade@24.03.0")->state, STEP_READY);
	assert_int_equal(steps_find(ss, "versions")->state, STEP_READY);

	/* A rollback: the runbook's steps wait for "yes, roll back to". */
	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	assert_string_equal(rs->v[0].key, "rollback-confirm");
	for (i = 1; i < rs->n; i++) {
		assert_int_equal(rs->v[i].state, STEP_PENDING);
		assert_int_equal(rs->v[i].needs_before, i);
	}
	steps_free(rs);
	steps_free(ss);
	fixture_free(f);
}

/* --- gating, at random and at scale --------------------------------------- */

/* A runbook made at random: its strings, to free. */
struct random_rb {
	struct fixture	 *f;
	char		**strs;
	size_t		  n_strs;
	struct rb_str	**lists;
	size_t		  n_lists;
};

static char *
random_str(struct random_rb *r, char *s)
{
	if ((r->n_strs & (r->n_strs - 1)) == 0)
		r->strs = xreallocarray(r->strs, r->n_strs == 0 ? 1 :
		    2 * r->n_strs, sizeof *r->strs);
	r->strs[r->n_strs++] = s;
	return s;
}

static void
random_rb_free(struct random_rb *r)
{
	size_t	i;

	for (i = 0; i < r->n_strs; i++)
		free(r->strs[i]);
	for (i = 0; i < r->n_lists; i++)
		free(r->lists[i]);
	free(r->strs);
	free(r->lists);
	fixture_free(r->f);
}

/* Up to 24 steps over prepare (some per hop), hop and finish phases and
 * 1 to 3 hops; about one in six a confirm; about two in five with
 * `needs` naming up to three ids (earlier, later or its own). */
static void
random_rb_new(struct random_rb *r, unsigned seed)
{
	static const enum rb_kind kinds[] = { RB_ACTION, RB_CHECK, RB_MANUAL,
	    RB_READ, RB_CONFIRM, RB_ACTION };
	struct fixture	*f = xcalloc(1, sizeof *f);
	struct rb_step	*st;
	struct rb_str	*needs;
	size_t		 n, i, k, n_ids;
	int		 ph;

	memset(r, 0, sizeof *r);
	r->f = f;
	srand(seed);
	f->rb.dir = "/rb";
	f->plan.from = "1";
	f->plan.to = "4";
	add_hop(f, "1", "2", NULL);
	if (rand() % 2)
		add_hop(f, "2", "3", NULL);
	if (rand() % 2)
		add_hop(f, f->plan.hops[f->plan.n_hops - 1].to, "4", NULL);
	n = 2 + (size_t)rand() % 23;
	for (i = 0; i < n; i++) {
		ph = i < n / 3 ? RB_PHASE_PREPARE : i < 2 * n / 3 ?
		    RB_PHASE_HOP : RB_PHASE_FINISH;
		st = add_step(f, (enum rb_phase)ph,
		    random_str(r, xasprintf("s%zu", i)),
		    kinds[rand() % (int)(sizeof kinds / sizeof kinds[0])], "T");
		st->per_hop = ph != RB_PHASE_HOP && rand() % 4 == 0;
	}
	n_ids = n;
	for (ph = 0; ph < RB_PHASE__COUNT; ph++) {
		for (i = 0; i < f->rb.phases[ph].n; i++) {
			st = &f->rb.phases[ph].v[i];
			if (rand() % 5 >= 2)
				continue;
			st->has_needs = true;
			st->n_needs = (size_t)rand() % 4;
			needs = xcalloc(st->n_needs + 1, sizeof *needs);
			for (k = 0; k < st->n_needs; k++)
				needs[k].s = r->strs[(size_t)rand() % n_ids];
			st->needs = needs;
			r->lists = xreallocarray(r->lists, r->n_lists + 1,
			    sizeof *r->lists);
			r->lists[r->n_lists++] = needs;
		}
	}
}

/* The gating rule as stepup(5) states it, on the states alone: the
 * earliest need of step j not settled, or SIZE_MAX. */
static size_t
ref_blocker(const struct steps *ss, size_t j)
{
	const struct step	*st = &ss->v[j], *o;
	size_t			 k, m, b = SIZE_MAX;
	bool			 need, same_hop;

	for (k = 0; k < j && b == SIZE_MAX; k++) {
		o = &ss->v[k];
		if (step_state_settled(o->state))
			continue;
		need = st->rb == NULL || !st->rb->has_needs ||
		    o->kind == RB_CONFIRM;
		for (m = 0; !need && o->rb != NULL && m < st->rb->n_needs;
		    m++) {
			size_t q;

			if (strcmp(st->rb->needs[m].s, o->rb->id) != 0)
				continue;
			same_hop = false;
			for (q = 0; q < j; q++) {
				if (ss->v[q].rb != NULL && strcmp(ss->v[q].rb->id,
				    o->rb->id) == 0 && ss->v[q].hop >= 0 &&
				    ss->v[q].hop == st->hop)
					same_hop = true;
			}
			need = !same_hop || o->hop == st->hop;
		}
		if (need)
			b = k;
	}
	return b;
}

static void
check_gating(const struct steps *ss, unsigned seed, int op)
{
	size_t	j, b, want;
	bool	met;

	for (j = 0; j < ss->n; j++) {
		want = ref_blocker(ss, j);
		b = SIZE_MAX;
		met = steps_needs_met(ss, j, &b);
		if (met != (want == SIZE_MAX) || (!met && b != want))
			fail_msg("seed %u, change %d: step %zu (%s): needs met "
			    "%d, blocker %zu; the rule says %zu", seed, op, j,
			    ss->v[j].key, met, b, want);
		if ((ss->v[j].state == STEP_READY && !met) ||
		    (ss->v[j].state == STEP_PENDING && met))
			fail_msg("seed %u, change %d: step %zu (%s) is %s",
			    seed, op, j, ss->v[j].key,
			    step_state_name(ss->v[j].state));
	}
}

/* The property: after any change of any state, step_set's incremental
 * gating agrees with the rule computed from scratch, for every step,
 * blocker included, and steps_update changes nothing. */
static void
test_gating_property(void **state)
{
	struct random_rb	 r;
	struct steps		*ss;
	enum step_state		*before;
	unsigned		 seed;
	size_t			 j;
	int			 op;

	for (seed = 1; seed <= 400; seed++) {
		random_rb_new(&r, seed);
		ss = fixture_steps(r.f);
		before = xcalloc(ss->n + 1, sizeof *before);
		check_gating(ss, seed, -1);
		for (op = 0; op < 120; op++) {
			j = (size_t)rand() % ss->n;
			/* Mostly forward: settle the first ready ones. */
			if (rand() % 3 != 0)
				step_set(ss, j, rand() % 2 ? STEP_PASSED :
				    STEP_SKIPPED, NULL);
			else
				step_set(ss, j, (enum step_state)(rand() %
				    STEP__COUNT), "r");
			check_gating(ss, seed, op);
			for (j = 0; j < ss->n; j++)
				before[j] = ss->v[j].state;
			steps_update(ss);
			for (j = 0; j < ss->n; j++) {
				if (before[j] != ss->v[j].state)
					fail_msg("seed %u, change %d: "
					    "steps_update moved step %zu", seed,
					    op, j);
			}
		}
		free(before);
		steps_free(ss);
		random_rb_free(&r);
	}
}

/* n prepare steps: a confirm every 500th, every 7th naming the one
 * before it; settled one by one in run order. Returns the most steps
 * one state change rechecked; *stored: the indexes gating keeps. */
static unsigned long long
scale_run(size_t n, size_t *stored)
{
	struct random_rb	 r;
	struct fixture		*f;
	struct rb_step		*st;
	struct rb_str		*needs;
	struct steps		*ss;
	unsigned long long	 most = 0, was;
	size_t			 i;

	memset(&r, 0, sizeof r);
	f = r.f = xcalloc(1, sizeof *f);
	f->plan.from = "1";
	f->plan.to = "2";
	for (i = 0; i < n; i++) {
		st = add_step(f, RB_PHASE_PREPARE,
		    random_str(&r, xasprintf("s%zu", i)),
		    i % 500 == 499 ? RB_CONFIRM : RB_CHECK, "T");
		if (i % 7 == 6) {
			needs = xcalloc(1, sizeof *needs);
			needs[0].s = r.strs[i - 1];
			st->has_needs = true;
			st->needs = needs;
			st->n_needs = 1;
			if ((r.n_lists & (r.n_lists - 1)) == 0)
				r.lists = xreallocarray(r.lists, r.n_lists ==
				    0 ? 1 : 2 * r.n_lists, sizeof *r.lists);
			r.lists[r.n_lists++] = needs;
		}
	}
	ss = fixture_steps(f);
	assert_int_equal(ss->n, n);
	*stored = 0;
	for (i = 0; i < n; i++)
		*stored += ss->v[i].n_needs + ss->v[i].n_needed_by;
	for (i = 0; i < n; i++) {
		if (ss->v[i].state != STEP_READY)
			fail_msg("step %zu of %zu is %s in its turn", i + 1, n,
			    step_state_name(ss->v[i].state));
		was = ss->gate_checks;
		step_set(ss, i, STEP_PASSED, NULL);
		if (ss->gate_checks - was > most)
			most = ss->gate_checks - was;
	}
	assert_true(steps_done(ss));
	steps_free(ss);
	random_rb_free(&r);
	return most;
}

/* 10 000 steps: gating keeps a number of indexes linear in the steps (a
 * step without `needs` none: it needs an order), and a state change
 * rechecks about as many steps at 10 000 as at 1 000 (those listing the
 * confirm typed: about 500 / 7). */
static void
test_gating_scale(void **state)
{
	unsigned long long	small, big;
	size_t			stored_small, stored_big;

	small = scale_run(1000, &stored_small);
	big = scale_run(10000, &stored_big);
	if (stored_small > 4 * 1000 || stored_big > 4 * 10000)
		fail_msg("gating keeps %zu indexes for 1 000 steps, %zu for "
		    "10 000", stored_small, stored_big);
	if (big > small + small / 10 || big > 200)
		fail_msg("a state change rechecks %llu steps at 1 000, %llu "
		    "at 10 000", small, big);
}

static void
test_no_hops(void **state)
{
	struct fixture	*f = fixture_new();
	struct steps	*ss;

	f->plan.n_hops = 0;
	ss = fixture_steps(f);
	/* No hop: no per-hop step and no hop step. */
	assert_int_equal(ss->n, 4);
	assert_string_equal(ss->v[0].key, "idle");
	assert_string_equal(ss->v[3].key, "versions");
	steps_free(ss);
	fixture_free(f);
}

static void
test_state_names(void **state)
{
	int	st;

	for (st = 0; st < STEP__COUNT; st++)
		assert_int_equal(step_state_parse(step_state_name(st)), st);
	assert_string_equal(step_state_name(STEP_DONE), "done");
	assert_string_equal(step_state_words(STEP_DONE), "done by hand");
	assert_string_equal(step_state_name(STEP_IN_DOUBT), "in-doubt");
	assert_int_equal(step_state_parse("nope"), -1);
}

/* --- rolling blocks ------------------------------------------------------- */

/* Load a runbook from text (through a file), failing the test on error. */
static struct runbook *
roll_load(const char *text)
{
	struct runbook	*rb;
	struct rb_diags	 d;
	char		 path[] = "/tmp/test_steps.XXXXXX";
	int		 fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rb_diags_init(&d);
	rb = runbook_load(path, &d);
	if (rb == NULL) {
		rb_diags_print(&d, stderr);
		fail_msg("runbook_load failed");
	}
	rb_diags_free(&d);
	unlink(path);
	return rb;
}

/* A batch list's sizes over n hosts. */
static void
roll_sizes(const struct rb_roll *r, size_t n, const char *want)
{
	size_t	 sizes[64], nb, k;
	char	 got[256];
	int	 w = 0;

	nb = steps_roll_batches(r, n, sizes);
	got[0] = '\0';
	for (k = 0; k < nb; k++)
		w += snprintf(got + w, sizeof got - (size_t)w, "%s%zu",
		    k > 0 ? " " : "", sizes[k]);
	assert_string_equal(got, want);
}

/* batch: the sizes in order, the last repeated; a percentage of every
 * host rounded up, at least 1; none: one batch. */
static void
test_roll_batches(void **state)
{
	struct rb_count	canary[] = {
		{ 1, false, { 1, 1 } }, { 10, true, { 1, 1 } },
		{ 50, true, { 1, 1 } }
	};
	struct rb_count	two = { 2, false, { 1, 1 } };
	struct rb_count	third = { 30, true, { 1, 1 } };
	struct rb_roll	r;

	(void)state;
	memset(&r, 0, sizeof r);
	r.batch = canary;
	r.n_batch = 3;
	roll_sizes(&r, 10, "1 1 5 3");
	roll_sizes(&r, 7, "1 1 4 1");
	roll_sizes(&r, 1, "1");
	roll_sizes(&r, 2, "1 1");
	roll_sizes(&r, 0, "");
	r.batch = &two;
	r.n_batch = 1;
	roll_sizes(&r, 5, "2 2 1");
	r.batch = &third;
	roll_sizes(&r, 7, "3 3 1");
	roll_sizes(&r, 100, "30 30 30 10");
	r.n_batch = 0;
	roll_sizes(&r, 5, "5");
	/* max-fail's percentage rounds down. */
	assert_int_equal(rb_count_of(&third, 7, false), 2);
	assert_int_equal(rb_count_of(&canary[1], 7, false), 0);
	assert_int_equal(rb_count_of(&canary[1], 7, true), 1);
	assert_int_equal(rb_count_of(&two, 1, false), 1);
}

#define ROLL_RB "stepup: 1\nproduct: P\nversions:\n  scheme: semver\n" \
	"  installed: {ask: q}\n  available: [2.0.0]\n" \
	"hosts:\n  agents: [n1, n2, n3, n4]\n"

/* The hosts of a roll for the host table: each host once, at its first
 * step not settled, counted by that step's state. */
static void
test_group_hosts(void **state)
{
	static const char text[] = ROLL_RB
	    "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - roll: Upgrade the agents\n    id: agents\n    on: agents\n"
	    "    batch: [1, 2]\n    pause: true\n"
	    "    health: {check: Cluster healthy, run: 'true'}\n"
	    "    steps:\n"
	    "      - {id: drain, action: Drain, run: d, undo: u}\n"
	    "      - {id: up, action: Upgrade, run: x}\n"
	    "  - {id: after, check: After, run: 'true'}\n";
	struct runbook		*rb;
	struct plan		 plan;
	struct plan_hop		 hop = { 0 };
	struct step_env		 base = { NULL, 0, NULL };
	struct steps		*ss;
	struct steps_host	*h;
	size_t			 counts[STEP__COUNT], n, lo, hi;
	char			*cause = NULL, *where;

	(void)state;
	rb = roll_load(text);
	memset(&plan, 0, sizeof plan);
	plan.from = hop.from = "1.0.0";
	plan.to = hop.to = "2.0.0";
	hop.kind = "major";
	plan.hops = &hop;
	plan.n_hops = 1;
	step_env_set(&base, "STEPUP_TO", "2.0.0", false);
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	assert_string_equal(ss->v[7].key, "drain@2.0.0#n3");
	n = steps_group_hosts(ss, 7, &h, counts);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].host, "n1");
	assert_int_equal(h[0].at, 1);
	assert_string_equal(h[2].host, "n3");
	assert_int_equal(h[2].at, 7);
	assert_string_equal(h[3].host, "n4");
	assert_int_equal(h[3].at, 11);
	assert_int_equal(counts[STEP_PENDING], 4);
	free(h);
	/* n1 drained, its upgrade failed: it is at its upgrade. */
	step_set(ss, 0, STEP_PASSED, NULL);
	step_set(ss, 1, STEP_PASSED, NULL);
	step_set(ss, 2, STEP_FAILED, "exit 1");
	n = steps_group_hosts(ss, 12, &h, counts);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].at, 2);
	assert_int_equal(counts[STEP_FAILED], 1);
	assert_int_equal(counts[STEP_PENDING], 3);
	free(h);
	/* n1 failed within max-fail: it stays at the step that failed,
	 * its later steps skipped; it is not counted done. */
	step_set(ss, 2, STEP_TOLERATED, "exit 1");
	n = steps_group_hosts(ss, 5, &h, counts);
	assert_int_equal(h[0].at, 2);
	assert_int_equal(counts[STEP_TOLERATED], 1);
	free(h);
	where = steps_hosts_progress(counts, n);
	assert_string_equal(where, "0/4 done, 1 failed, 3 waiting");
	free(where);
	counts[STEP_PASSED] = 2;
	counts[STEP_RUNNING] = 1;
	counts[STEP_IN_DOUBT] = 1;
	counts[STEP_PENDING] = 0;
	counts[STEP_READY] = 0;
	where = steps_hosts_progress(counts, 5);
	assert_string_equal(where, "2/5 done, 1 running, 1 failed, 1 in doubt");
	free(where);
	/* The group's steps: the roll's, its health checks and pauses
	 * included, from any of them that runs on a host. */
	steps_group_span(ss, 7, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 13);
	steps_group_span(ss, 1, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 13);
	/* A step with no host has no host table, and is its own span. */
	assert_int_equal(steps_group_hosts(ss, 0, &h, counts), 0);
	assert_null(h);
	assert_int_equal(steps_group_hosts(ss, 3, &h, NULL), 0);
	steps_group_span(ss, 14, &lo, &hi);
	assert_int_equal(lo, 14);
	assert_int_equal(hi, 14);
	steps_free(ss);
	step_env_free(&base);
	runbook_free(rb);
}

/* A roll laid out: per batch each host's steps in order, the health
 * check ROLL~B, the pause ROLL~B~pause between batches; a host's step
 * after its step before, the hosts of a batch side by side, a batch
 * after the whole of the one before (an in-doubt host holds it). */
static void
test_roll_layout(void **state)
{
	static const char text[] = ROLL_RB
	    "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - roll: Upgrade the agents\n    id: agents\n    on: agents\n"
	    "    batch: [1, 2]\n    pause: true\n"
	    "    health: {check: Cluster healthy, run: 'true'}\n"
	    "    steps:\n"
	    "      - {id: drain, action: Drain, run: d, undo: u}\n"
	    "      - {id: up, action: Upgrade to $STEPUP_HOP_TO, run: x}\n"
	    "  - {id: after, check: After, run: 'true'}\n";
	static const char *const keys[] = {
		"go@2.0.0", "drain@2.0.0#n1", "up@2.0.0#n1", "agents~1@2.0.0",
		"agents~1~pause@2.0.0", "drain@2.0.0#n2", "up@2.0.0#n2",
		"drain@2.0.0#n3", "up@2.0.0#n3", "agents~2@2.0.0",
		"agents~2~pause@2.0.0", "drain@2.0.0#n4", "up@2.0.0#n4",
		"agents~3@2.0.0", "after@2.0.0", NULL
	};
	struct runbook	*rb;
	struct plan	 plan;
	struct plan_hop	 hop = { 0 };
	struct step_env	 base = { NULL, 0, NULL };
	struct steps	*ss, *rs;
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	rb = roll_load(text);
	memset(&plan, 0, sizeof plan);
	plan.from = "1.0.0";
	plan.to = "2.0.0";
	hop.from = "1.0.0";
	hop.to = "2.0.0";
	hop.kind = "major";
	plan.hops = &hop;
	plan.n_hops = 1;
	step_env_set(&base, "STEPUP_TO", "2.0.0", false);
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	for (i = 0; keys[i] != NULL; i++) {
		if (i >= ss->n)
			fail_msg("only %zu steps", ss->n);
		assert_string_equal(ss->v[i].key, keys[i]);
	}
	assert_int_equal(ss->n, i);
	assert_string_equal(ss->v[2].title, "Upgrade to 2.0.0 (on n1)");
	assert_string_equal(ss->v[3].title,
	    "Cluster healthy (after batch 1 of 3)");
	assert_int_equal(ss->v[3].kind, RB_CHECK);
	assert_null(ss->v[3].host);
	assert_string_equal(ss->v[4].title,
	    "Pause after batch 1 of 3: Upgrade the agents");
	assert_int_equal(ss->v[4].kind, RB_MANUAL);
	assert_string_equal(ss->v[4].text, "Batch 1 of 3 (n1) is done and "
	    "its health check passed. Look at the cluster, then tick this off "
	    "to start batch 2 (n2, n3).");
	assert_int_equal(ss->v[7].batch, 2);
	assert_ptr_equal(ss->v[7].roll, &rb->phases[RB_PHASE_HOP].rolls[0]);
	assert_string_equal(env_of(ss, "drain@2.0.0#n3", "STEPUP_HOST"), "n3");
	assert_string_equal(env_of(ss, "agents~2@2.0.0", "STEPUP_STEP"),
	    "agents");
	/* The key says the roll's id too. */
	step_env_free(&base);
	steps_key_env(&plan, "agents~2~pause@2.0.0", &base);
	assert_string_equal(step_env_get(&base, "STEPUP_STEP", NULL), "agents");
	assert_string_equal(step_env_get(&base, "STEPUP_HOP_TO", NULL),
	    "2.0.0");
	assert_ptr_equal(runbook_key_step(rb, "agents~2~pause"),
	    rb->phases[RB_PHASE_HOP].rolls[0].pause);
	assert_ptr_equal(runbook_key_step(rb, "agents~3"),
	    rb->phases[RB_PHASE_HOP].rolls[0].health);
	assert_ptr_equal(runbook_key_step(rb, "drain"),
	    &rb->phases[RB_PHASE_HOP].v[1]);
	assert_null(runbook_key_step(rb, "nope~1"));
	step_env_free(&base);
	step_env_set(&base, "STEPUP_TO", "2.0.0", false);
	/* No pause after the last batch. */
	assert_null(steps_find(ss, "agents~3~pause@2.0.0"));

	/* Gating. */
	assert_int_equal(ss->v[1].state, STEP_PENDING);
	step_set(ss, 0, STEP_PASSED, NULL);
	assert_int_equal(ss->v[1].state, STEP_READY);
	assert_int_equal(ss->v[2].state, STEP_PENDING);
	step_set(ss, 1, STEP_PASSED, NULL);
	assert_int_equal(ss->v[2].state, STEP_READY);
	assert_int_equal(ss->v[3].state, STEP_PENDING);
	step_set(ss, 2, STEP_PASSED, NULL);
	assert_int_equal(ss->v[3].state, STEP_READY);
	assert_int_equal(ss->v[5].state, STEP_PENDING);
	step_set(ss, 3, STEP_PASSED, NULL);
	assert_int_equal(ss->v[4].state, STEP_READY);
	assert_int_equal(ss->v[5].state, STEP_PENDING);
	step_set(ss, 4, STEP_PASSED, NULL);
	/* Batch 2: both hosts' first steps at once, each host's next after
	 * its own. */
	assert_int_equal(ss->v[5].state, STEP_READY);
	assert_int_equal(ss->v[7].state, STEP_READY);
	assert_int_equal(ss->v[6].state, STEP_PENDING);
	assert_int_equal(ss->v[8].state, STEP_PENDING);
	step_set(ss, 7, STEP_PASSED, NULL);
	assert_int_equal(ss->v[8].state, STEP_READY);
	assert_int_equal(ss->v[6].state, STEP_PENDING);
	step_set(ss, 8, STEP_PASSED, NULL);
	/* n2 in doubt: the health check and batch 3 wait. */
	step_set(ss, 5, STEP_RUNNING, NULL);
	step_set(ss, 5, STEP_IN_DOUBT, "was running");
	assert_int_equal(ss->v[9].state, STEP_PENDING);
	assert_int_equal(ss->v[11].state, STEP_PENDING);
	assert_false(steps_needs_met(ss, 11, NULL));
	step_set(ss, 5, STEP_PASSED, NULL);
	assert_int_equal(ss->v[6].state, STEP_READY);
	assert_int_equal(ss->v[9].state, STEP_PENDING);
	step_set(ss, 6, STEP_IN_DOUBT, "was running");
	assert_int_equal(ss->v[9].state, STEP_PENDING);
	step_set(ss, 6, STEP_PASSED, NULL);
	assert_int_equal(ss->v[9].state, STEP_READY);
	assert_int_equal(ss->v[11].state, STEP_PENDING);
	/* A failed health check stops the roll. */
	step_set(ss, 9, STEP_FAILED, "exit 1");
	assert_int_equal(ss->v[10].state, STEP_PENDING);
	assert_int_equal(ss->v[11].state, STEP_PENDING);
	step_set(ss, 9, STEP_PASSED, NULL);
	step_set(ss, 10, STEP_PASSED, NULL);
	assert_int_equal(ss->v[11].state, STEP_READY);
	assert_int_equal(ss->v[14].state, STEP_PENDING);
	for (i = 11; i < 14; i++)
		step_set(ss, i, STEP_PASSED, NULL);
	assert_int_equal(ss->v[14].state, STEP_READY);

	/* Rollback: each host's actions undone in reverse, latest batch
	 * first. */
	for (i = 0; i < ss->n; i++)
		ss->v[i].settled_seq = (long long)i + 1;
	rs = steps_new_rollback(ss, -1, &base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	assert_int_equal(rs->n, 9);
	assert_string_equal(rs->v[1].key, "undo:up@2.0.0#n4");
	assert_string_equal(rs->v[2].key, "undo:drain@2.0.0#n4");
	assert_string_equal(rs->v[2].run, "u");
	assert_string_equal(rs->v[2].host, "n4");
	assert_string_equal(rs->v[3].key, "undo:up@2.0.0#n3");
	assert_string_equal(rs->v[8].key, "undo:drain@2.0.0#n1");
	steps_free(rs);
	steps_free(ss);
	step_env_free(&base);
	runbook_free(rb);
}

/* A roll with forks 2 over a batch of 3: the batch laid out step by step,
 * each step's instances a fork group of which 2 run at once, each host's
 * next step needing its host's step before it only. */
static void
test_roll_forks(void **state)
{
	static const char text[] = ROLL_RB
	    "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - roll: Upgrade the agents\n    id: agents\n    on: agents\n"
	    "    batch: 3\n    forks: 2\n"
	    "    health: {check: Cluster healthy, run: 'true'}\n"
	    "    steps:\n"
	    "      - {id: drain, action: Drain, run: d, undo: u}\n"
	    "      - {id: up, action: Upgrade, run: x}\n";
	static const char *const keys[] = {
		"go@2.0.0", "drain@2.0.0#n1", "drain@2.0.0#n2",
		"drain@2.0.0#n3", "up@2.0.0#n1", "up@2.0.0#n2", "up@2.0.0#n3",
		"agents~1@2.0.0", "drain@2.0.0#n4", "up@2.0.0#n4",
		"agents~2@2.0.0", NULL
	};
	static const size_t first[] = { 0, 1, 1, 1, 4, 4, 4, 7, 8, 9, 10 };
	static const size_t n[] = { 1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1 };
	struct runbook	*rb;
	struct plan	 plan;
	struct plan_hop	 hop = { 0 };
	struct step_env	 base = { NULL, 0, NULL };
	struct steps	*ss;
	struct steps_host *h;
	char		*cause = NULL, *where;
	size_t		 i, counts[STEP__COUNT];

	(void)state;
	rb = roll_load(text);
	assert_int_equal(rb->phases[RB_PHASE_HOP].rolls[0].forks, 2);
	memset(&plan, 0, sizeof plan);
	plan.from = "1.0.0";
	plan.to = "2.0.0";
	hop.from = "1.0.0";
	hop.to = "2.0.0";
	hop.kind = "major";
	plan.hops = &hop;
	plan.n_hops = 1;
	step_env_set(&base, "STEPUP_TO", "2.0.0", false);
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	for (i = 0; keys[i] != NULL; i++) {
		if (i >= ss->n)
			fail_msg("only %zu steps", ss->n);
		assert_string_equal(ss->v[i].key, keys[i]);
		assert_int_equal(ss->v[i].forks_first, first[i]);
		assert_int_equal(ss->v[i].forks_n, n[i]);
	}
	assert_int_equal(ss->n, i);
	/* The group's bound is the roll's forks. */
	assert_int_equal(ss->v[1].rb->forks, 2);
	/* Each host's next step needs its own step before it. */
	for (i = 4; i < 7; i++) {
		assert_int_equal(ss->v[i].n_needs, 1);
		assert_int_equal(ss->v[i].needs[0], i - 3);
		assert_int_equal(ss->v[i].needs_before, 1);
		assert_int_equal(steps_host_next(ss, i - 3), i);
		assert_int_equal(steps_host_next(ss, i), SIZE_MAX);
	}
	assert_int_equal(steps_host_next(ss, 8), 9);
	assert_int_equal(ss->v[9].needs[0], 8);
	where = steps_roll_where(ss, 1);
	assert_string_equal(where, "roll agents (Upgrade the agents), batch 1 "
	    "of 2: n1, n2, n3");
	free(where);

	/* Gating: the hosts side by side, each host after itself. */
	assert_int_equal(ss->v[1].state, STEP_PENDING);
	step_set(ss, 0, STEP_PASSED, NULL);
	for (i = 1; i < 4; i++)
		assert_int_equal(ss->v[i].state, STEP_READY);
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	step_set(ss, 2, STEP_RUNNING, NULL);
	step_set(ss, 2, STEP_PASSED, NULL);
	assert_int_equal(ss->v[5].state, STEP_READY);
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	assert_int_equal(ss->v[6].state, STEP_PENDING);
	/* n1 in doubt holds back n1 only. */
	step_set(ss, 1, STEP_IN_DOUBT, "was running");
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	step_set(ss, 3, STEP_PASSED, NULL);
	assert_int_equal(ss->v[6].state, STEP_READY);
	step_set(ss, 5, STEP_PASSED, NULL);
	step_set(ss, 6, STEP_PASSED, NULL);
	assert_int_equal(ss->v[7].state, STEP_PENDING);
	step_set(ss, 1, STEP_PASSED, NULL);
	assert_int_equal(ss->v[4].state, STEP_READY);
	assert_int_equal(ss->v[7].state, STEP_PENDING);
	step_set(ss, 4, STEP_PASSED, NULL);
	assert_int_equal(ss->v[7].state, STEP_READY);
	assert_int_equal(ss->v[8].state, STEP_PENDING);
	step_set(ss, 7, STEP_PASSED, NULL);
	assert_int_equal(ss->v[8].state, STEP_READY);
	assert_int_equal(ss->v[9].state, STEP_PENDING);
	/* Its host table, laid out step by step: each host once, at its
	 * last step when all passed. */
	step_set(ss, 8, STEP_RUNNING, NULL);
	assert_int_equal(steps_group_hosts(ss, 5, &h, counts), 4);
	assert_string_equal(h[0].host, "n1");
	assert_int_equal(h[0].at, 4);
	assert_string_equal(h[1].host, "n2");
	assert_int_equal(h[1].at, 5);
	assert_string_equal(h[2].host, "n3");
	assert_int_equal(h[2].at, 6);
	assert_string_equal(h[3].host, "n4");
	assert_int_equal(h[3].at, 8);
	assert_int_equal(counts[STEP_PASSED], 3);
	assert_int_equal(counts[STEP_RUNNING], 1);
	free(h);
	steps_free(ss);
	step_env_free(&base);
	runbook_free(rb);
}

/* max-fail: a host's failure within it is tolerated and its host's later
 * steps in the batch are what to skip; one more is not. A step on many
 * hosts outside a roll takes it too. */
static void
test_roll_max_fail(void **state)
{
	static const char text[] = ROLL_RB
	    "prepare:\n  - {id: reach, check: Reachable, run: 'true', "
	    "on: agents, max-fail: 25%}\n"
	    "  - roll: Agents\n    id: agents\n    on: agents\n"
	    "    batch: 2\n    max-fail: 1\n"
	    "    health: {check: H, run: 'true'}\n"
	    "    steps:\n"
	    "      - {id: a, action: A, run: x}\n"
	    "      - {id: b, action: B, run: x}\n"
	    "      - {id: c, manual: C}\n";
	struct runbook	*rb;
	struct plan	 plan;
	struct step_env	 base = { NULL, 0, NULL };
	struct steps	*ss;
	char		*cause = NULL, *why = NULL;

	(void)state;
	rb = roll_load(text);
	memset(&plan, 0, sizeof plan);
	plan.from = "1.0.0";
	plan.to = "2.0.0";
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	/* reach#n1..n4, then a b c for n1, n2 (batch 1), agents~1, n3,
	 * n4, agents~2. */
	assert_int_equal(ss->n, 4 + 12 + 2);
	assert_string_equal(ss->v[4].key, "a#n1");
	assert_string_equal(ss->v[7].key, "a#n2");
	assert_string_equal(ss->v[10].key, "agents~1");
	assert_string_equal(ss->v[11].key, "a#n3");

	/* The check on every agent: 25% of 4 is one host. */
	assert_int_equal(ss->v[0].max_fail, 1);
	step_set(ss, 0, STEP_PASSED, NULL);
	assert_true(steps_fail_tolerated(ss, 1, &why));
	assert_string_equal(why, "the hosts of step 'reach' failed so far, "
	    "within its max-fail 1: n2");
	free(why);
	step_set(ss, 1, STEP_TOLERATED, "exit 1 on n2");
	assert_int_equal(ss->v[2].state, STEP_READY);
	assert_int_equal(steps_host_next(ss, 1), SIZE_MAX);
	assert_false(steps_fail_tolerated(ss, 2, &why));
	step_set(ss, 2, STEP_PASSED, NULL);
	step_set(ss, 3, STEP_PASSED, NULL);

	/* The roll: n1 fails its first step, within max-fail 1. */
	assert_int_equal(ss->v[4].state, STEP_READY);
	assert_int_equal(ss->v[7].state, STEP_READY);
	assert_true(steps_fail_tolerated(ss, 4, &why));
	assert_string_equal(why, "the hosts of roll 'agents' failed so far, "
	    "within its max-fail 1: n1");
	free(why);
	assert_int_equal(steps_host_next(ss, 4), 5);
	assert_int_equal(steps_host_next(ss, 5), 6);
	assert_int_equal(steps_host_next(ss, 6), SIZE_MAX);
	step_set(ss, 4, STEP_TOLERATED, "exit 1 on n1");
	step_set(ss, 5, STEP_SKIPPED, "n1 failed");
	step_set(ss, 6, STEP_SKIPPED, "n1 failed");
	step_set(ss, 7, STEP_PASSED, NULL);
	step_set(ss, 8, STEP_PASSED, NULL);
	step_set(ss, 9, STEP_PASSED, NULL);
	assert_int_equal(ss->v[10].state, STEP_READY);
	assert_false(steps_fail_tolerated(ss, 10, &why));
	step_set(ss, 10, STEP_PASSED, NULL);
	/* Batch 2 goes on. */
	assert_int_equal(ss->v[11].state, STEP_READY);
	assert_int_equal(ss->v[14].state, STEP_READY);
	/* A second host failing, in another batch, is one more than
	 * max-fail. */
	assert_false(steps_fail_tolerated(ss, 14, &why));
	step_set(ss, 14, STEP_FAILED, "exit 1 on n4");
	assert_int_equal(ss->v[15].state, STEP_PENDING);
	assert_int_equal(ss->v[17].state, STEP_PENDING);
	/* The stepup-added steps and steps on stepup's host never are. */
	steps_free(ss);
	step_env_free(&base);
	runbook_free(rb);
}

/* A roll in the hop phase is laid out per hop, its steps filtered by
 * their `when`; a hop none of its steps is for gets none of it. */
static void
test_roll_when(void **state)
{
	static const char text[] = ROLL_RB
	    "hop:\n  - roll: R\n    id: r\n    on: [n1, n2]\n"
	    "    health: {check: H, run: 'true'}\n    steps:\n"
	    "      - {id: a, action: A, run: x, when: major}\n"
	    "      - {id: b, action: B, run: x, when: [major, minor]}\n"
	    "  - {id: z, check: Z, run: x}\n";
	static const char *const keys[] = {
		"b@1.1.0#n1", "b@1.1.0#n2", "r~1@1.1.0", "z@1.1.0",
		"z@1.1.1",
		"a@2.0.0#n1", "b@2.0.0#n1", "a@2.0.0#n2", "b@2.0.0#n2",
		"r~1@2.0.0", "z@2.0.0", NULL
	};
	struct runbook	*rb;
	struct plan	 plan;
	struct plan_hop	 hops[3] = {
		{ "1.0.0", "1.1.0", "minor", false, NULL },
		{ "1.1.0", "1.1.1", "patch", false, NULL },
		{ "1.1.1", "2.0.0", "major", false, NULL },
	};
	struct step_env	 base = { NULL, 0, NULL };
	struct steps	*ss;
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	rb = roll_load(text);
	memset(&plan, 0, sizeof plan);
	plan.from = "1.0.0";
	plan.to = "2.0.0";
	plan.hops = hops;
	plan.n_hops = 3;
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	for (i = 0; keys[i] != NULL && i < ss->n; i++)
		assert_string_equal(ss->v[i].key, keys[i]);
	assert_int_equal(ss->n, i);
	assert_null(keys[i]);
	steps_free(ss);
	runbook_free(rb);
}

/* A roll's gating stays linear: over h hosts in batches of 10%, every
 * step passed in run order rechecks a few steps per change, the same at
 * 100 and at 1 000 hosts. */
static double
roll_scale_run(size_t hosts)
{
	struct runbook	*rb;
	struct plan	 plan;
	struct step_env	 base = { NULL, 0, NULL };
	struct steps	*ss;
	char		*text, *cause = NULL;
	size_t		 i;
	double		 per;

	text = xasprintf("stepup: 1\nproduct: P\nversions:\n  scheme: semver\n"
	    "  installed: {ask: q}\n  available: [2.0.0]\n"
	    "hosts:\n  agents: ['n[1:%zu]']\n"
	    "prepare:\n  - roll: R\n    id: r\n    on: agents\n"
	    "    batch: 10%%\n    max-fail: 1\n"
	    "    health: {check: H, run: 'true'}\n    steps:\n"
	    "      - {id: a, action: A, run: x}\n"
	    "      - {id: b, action: B, run: x}\n"
	    "      - {id: c, check: C, run: x}\n", hosts);
	rb = roll_load(text);
	free(text);
	memset(&plan, 0, sizeof plan);
	plan.from = "1.0.0";
	plan.to = "2.0.0";
	ss = steps_new(rb, &plan, &base, &cause);
	if (ss == NULL)
		fail_msg("steps_new: %s", cause);
	assert_int_equal(ss->n, 3 * hosts + 10);
	ss->gate_checks = 0;
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].state != STEP_READY)
			fail_msg("step %zu (%s) is not ready", i, ss->v[i].key);
		step_set(ss, i, STEP_PASSED, NULL);
	}
	per = (double)ss->gate_checks / (double)ss->n;
	steps_free(ss);
	runbook_free(rb);
	return per;
}

static void
test_roll_scale(void **state)
{
	double	small, big;

	(void)state;
	small = roll_scale_run(100);
	big = roll_scale_run(1000);
	if (big > small * 1.2 + 1 || big > 8)
		fail_msg("a state change rechecks %.1f steps at 100 hosts, "
		    "%.1f at 1 000", small, big);
}

/* --- rollback layout ------------------------------------------------------ */

/* on: one instance per host, in the pattern's order, keyed KEY#HOST, with
 * STEPUP_HOST and the host in the title; each host's instance after the
 * previous host's, even with needs (which mean every host's instance of
 * the step named); the rollback undoes each host's in reverse. */
static void
test_hosts(void **state)
{
	static struct rb_str	 needs_pre[] = { { "pre", { 0, 0 } } };
	struct fixture		*f = xcalloc(1, sizeof *f);
	struct rb_diags		 d;
	struct rb_step		*st;
	struct steps		*ss, *rs;
	struct step_env		 env = { NULL, 0, NULL };
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	f->rb.path = "/rb/c.yaml";
	f->rb.dir = "/rb";
	f->rb.product = "C";
	f->rb.inventory = inventory_new();
	rb_diags_init(&d);
	assert_int_equal(inventory_add_lines(f->rb.inventory, "c.yaml",
	    (struct rb_pos){ 1, 1 }, "n1\nn2\nn3\n", 9, "agents", &d), 0);
	assert_int_equal(inventory_finish(f->rb.inventory, "c.yaml", &d), 0);
	rb_diags_free(&d);
	st = add_step(f, RB_PHASE_PREPARE, "pre", RB_CHECK, "Reachable");
	st->run = "true";
	st->on.s = "agents";
	st = add_step(f, RB_PHASE_HOP, "up", RB_ACTION, "Upgrade to "
	    "$STEPUP_HOP_TO");
	st->run = "upgrade";
	st->undo = "downgrade";
	st->on.s = "n3,n1";
	st->has_needs = true;
	st->needs = needs_pre;
	st->n_needs = 1;
	st = add_step(f, RB_PHASE_HOP, "head", RB_ACTION, "Head");
	st->run = "z";
	f->plan.from = "1.0.0";
	f->plan.to = "2.0.0";
	add_hop(f, "1.0.0", "2.0.0", "major");
	step_env_set(&f->base, "STEPUP_TO", "2.0.0", false);

	ss = fixture_steps(f);
	assert_int_equal(ss->n, 6);
	assert_string_equal(ss->v[0].key, "pre#n1");
	assert_string_equal(ss->v[1].key, "pre#n2");
	assert_string_equal(ss->v[2].key, "pre#n3");
	assert_string_equal(ss->v[3].key, "up@2.0.0#n3");
	assert_string_equal(ss->v[4].key, "up@2.0.0#n1");
	assert_string_equal(ss->v[5].key, "head@2.0.0");
	assert_string_equal(ss->v[1].host, "n2");
	assert_null(ss->v[5].host);
	assert_string_equal(ss->v[3].title, "Upgrade to 2.0.0 (on n3)");
	assert_string_equal(ss->v[5].title, "Head");
	assert_string_equal(env_of(ss, "up@2.0.0#n1", "STEPUP_HOST"), "n1");
	assert_string_equal(env_of(ss, "up@2.0.0#n1", "STEPUP_STEP"), "up");
	assert_null(env_of(ss, "head@2.0.0", "STEPUP_HOST"));
	assert_ptr_equal(steps_find(ss, "pre#n3"), &ss->v[2]);

	/* Gating: the hosts one after another, needs or not. */
	assert_int_equal(ss->v[0].state, STEP_READY);
	assert_int_equal(ss->v[1].state, STEP_PENDING);
	step_set(ss, 0, STEP_PASSED, NULL);
	assert_int_equal(ss->v[1].state, STEP_READY);
	assert_int_equal(ss->v[2].state, STEP_PENDING);
	step_set(ss, 1, STEP_PASSED, NULL);
	step_set(ss, 2, STEP_PASSED, NULL);
	assert_int_equal(ss->v[3].state, STEP_READY);
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	step_set(ss, 3, STEP_PASSED, NULL);
	assert_int_equal(ss->v[4].state, STEP_READY);
	step_set(ss, 3, STEP_FAILED, "exit 1 on n3");
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	/* needs naming a step on hosts: every host's instance. */
	step_set(ss, 1, STEP_FAILED, NULL);
	step_set(ss, 3, STEP_PASSED, NULL);
	assert_int_equal(ss->v[4].state, STEP_PENDING);
	step_set(ss, 1, STEP_PASSED, NULL);
	assert_int_equal(ss->v[4].state, STEP_READY);

	/* The key says the host, with or without a hop. */
	steps_key_env(&f->plan, "undo:up@2.0.0#n3", &env);
	assert_string_equal(step_env_get(&env, "STEPUP_HOST", NULL), "n3");
	assert_string_equal(step_env_get(&env, "STEPUP_STEP", NULL), "up");
	assert_string_equal(step_env_get(&env, "STEPUP_HOP_TO", NULL), "2.0.0");
	assert_string_equal(step_env_get(&env, "STEPUP_HOP_FROM", NULL),
	    "1.0.0");
	step_env_free(&env);
	steps_key_env(&f->plan, "pre#n2", &env);
	assert_string_equal(step_env_get(&env, "STEPUP_HOST", NULL), "n2");
	assert_string_equal(step_env_get(&env, "STEPUP_STEP", NULL), "pre");
	assert_null(step_env_get(&env, "STEPUP_HOP_TO", NULL));
	step_env_free(&env);

	/* Rollback: each host's undo, latest first, on that host. */
	ss->v[3].settled_seq = 5;
	step_set(ss, 4, STEP_PASSED, NULL);
	ss->v[4].settled_seq = 6;
	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	assert_int_equal(rs->n, 3);
	assert_string_equal(rs->v[1].key, "undo:up@2.0.0#n1");
	assert_string_equal(rs->v[1].host, "n1");
	assert_string_equal(rs->v[1].run, "downgrade");
	assert_string_equal(rs->v[1].title, "Undo: Upgrade to 2.0.0 (on n1)");
	assert_string_equal(rs->v[2].key, "undo:up@2.0.0#n3");
	assert_string_equal(rs->v[2].host, "n3");
	assert_string_equal(step_env_get(&rs->v[2].env, "STEPUP_HOST", NULL),
	    "n3");
	steps_free(rs);
	for (i = 0; i < ss->n; i++)
		assert_true(ss->v[i].host == NULL || ss->v[i].rb->on.s != NULL);
	steps_free(ss);
	inventory_free(f->rb.inventory);
	fixture_free(f);
}

/* forks: the instances of a step on hosts need what the first one needs,
 * not the host's before them, so that they can run at once; the step
 * after them needs every one; a host that fails holds back the step after
 * them, not its fellows; with needs, the same; a rollback goes host by
 * host. */
static void
test_forks(void **state)
{
	static struct rb_str	 needs_pre[] = { { "pre", { 0, 0 } } };
	struct fixture		*f = xcalloc(1, sizeof *f);
	struct rb_diags		 d;
	struct rb_step		*st;
	struct steps		*ss, *rs;
	char			*cause = NULL;
	unsigned long long	 checks;
	size_t			 i;

	(void)state;
	f->rb.path = "/rb/c.yaml";
	f->rb.dir = "/rb";
	f->rb.product = "C";
	f->rb.inventory = inventory_new();
	rb_diags_init(&d);
	assert_int_equal(inventory_add_lines(f->rb.inventory, "c.yaml",
	    (struct rb_pos){ 1, 1 }, "n1\nn2\nn3\nn4\n", 12, "agents", &d),
	    0);
	assert_int_equal(inventory_finish(f->rb.inventory, "c.yaml", &d), 0);
	rb_diags_free(&d);
	st = add_step(f, RB_PHASE_PREPARE, "head", RB_ACTION, "Head");
	st->run = "true";
	st = add_step(f, RB_PHASE_PREPARE, "pre", RB_CHECK, "Reachable");
	st->run = "true";
	st->on.s = "agents";
	st->forks = 2;
	st = add_step(f, RB_PHASE_PREPARE, "up", RB_ACTION, "Upgrade");
	st->run = "upgrade";
	st->undo = "downgrade";
	st->on.s = "agents";
	st->forks = 3;
	st->has_needs = true;
	st->needs = needs_pre;
	st->n_needs = 1;
	st = add_step(f, RB_PHASE_PREPARE, "one", RB_ACTION, "One by one");
	st->run = "x";
	st->on.s = "n1,n2";
	st = add_step(f, RB_PHASE_PREPARE, "tail", RB_ACTION, "Tail");
	st->run = "z";
	f->plan.from = "1.0.0";
	f->plan.to = "2.0.0";

	ss = fixture_steps(f);
	assert_int_equal(ss->n, 12);
	assert_string_equal(ss->v[1].key, "pre#n1");
	for (i = 1; i <= 4; i++) {
		assert_int_equal(ss->v[i].forks_first, 1);
		assert_int_equal(ss->v[i].forks_n, 4);
	}
	assert_int_equal(ss->v[5].forks_first, 5);
	assert_int_equal(ss->v[8].forks_first, 5);
	assert_int_equal(ss->v[9].forks_n, 1);
	assert_int_equal(ss->v[10].forks_first, 10);
	assert_int_equal(ss->v[11].forks_n, 1);
	assert_int_equal(ss->v[0].forks_n, 1);

	/* None before the head's step passes; then all four at once. */
	for (i = 1; i <= 4; i++)
		assert_int_equal(ss->v[i].state, STEP_PENDING);
	checks = ss->gate_checks;
	step_set(ss, 0, STEP_PASSED, NULL);
	for (i = 1; i <= 4; i++)
		assert_int_equal(ss->v[i].state, STEP_READY);
	/* The step itself and the group, at most twice (once as the first
	 * step not settled moves into it, once as a roll's batch start may
	 * lie between): not the whole run. */
	assert_in_range(ss->gate_checks - checks, 0, 9);
	/* Reopened before the group: all of it waits again. */
	step_set(ss, 0, STEP_FAILED, NULL);
	for (i = 1; i <= 4; i++)
		assert_int_equal(ss->v[i].state, STEP_PENDING);
	step_set(ss, 0, STEP_PASSED, NULL);
	for (i = 1; i <= 4; i++)
		assert_int_equal(ss->v[i].state, STEP_READY);
	step_set(ss, 2, STEP_RUNNING, NULL);
	step_set(ss, 1, STEP_RUNNING, NULL);
	assert_int_equal(ss->v[3].state, STEP_READY);
	step_set(ss, 2, STEP_PASSED, NULL);
	step_set(ss, 1, STEP_FAILED, "exit 1 on n1");
	assert_int_equal(ss->v[3].state, STEP_READY);
	assert_int_equal(ss->v[4].state, STEP_READY);
	step_set(ss, 3, STEP_PASSED, NULL);
	step_set(ss, 4, STEP_PASSED, NULL);
	/* A failed host holds back what needs every host's instance. */
	for (i = 5; i <= 8; i++)
		assert_int_equal(ss->v[i].state, STEP_PENDING);
	step_set(ss, 1, STEP_PASSED, NULL);
	for (i = 5; i <= 8; i++)
		assert_int_equal(ss->v[i].state, STEP_READY);
	assert_int_equal(ss->v[9].state, STEP_PENDING);
	for (i = 5; i <= 8; i++) {
		assert_int_equal(ss->v[i].state, STEP_READY);
		step_set(ss, i, STEP_PASSED, NULL);
	}
	/* Without forks: one host after another. */
	assert_int_equal(ss->v[9].state, STEP_READY);
	assert_int_equal(ss->v[10].state, STEP_PENDING);
	step_set(ss, 9, STEP_PASSED, NULL);
	assert_int_equal(ss->v[10].state, STEP_READY);
	assert_int_equal(ss->v[11].state, STEP_PENDING);
	step_set(ss, 10, STEP_PASSED, NULL);
	assert_int_equal(ss->v[11].state, STEP_READY);

	/* Rollback: the undos one host after another. */
	for (i = 5; i <= 8; i++)
		ss->v[i].settled_seq = (long long)i;
	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	for (i = 0; i < rs->n; i++)
		assert_int_equal(rs->v[i].forks_n, 1);
	steps_free(rs);
	steps_free(ss);
	inventory_free(f->rb.inventory);
	fixture_free(f);
}

static void
test_rollback(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss = fixture_steps(f), *rs;
	struct rb_step		*st;
	char			*cause = NULL;
	size_t			 i;

	st = add_step(f, RB_PHASE_ROLLBACK, "restore", RB_ACTION,
	    "Restore $STEPUP_ARTIFACT_dump");
	st->run = "pg_restore";
	f->rb.phases[RB_PHASE_PREPARE].v[2].on_failure = "the dump may be partial";
	f->rb.phases[RB_PHASE_HOP].v[0].undo = "systemctl start x";

	/* Passed: dump (seq 10), stop@23.09.10 (seq 30), upgrade@23.09.10
	 * (seq 20); failed: patchup. */
	for (i = 0; i < 5; i++)
		ss->v[i].state = STEP_PASSED;
	ss->v[3].settled_seq = 10;
	ss->v[3].artifact_size = 5;
	memset(ss->v[3].artifact_sha256, 'a', 64);
	ss->v[5].state = STEP_PASSED;
	ss->v[5].settled_seq = 30;
	ss->v[6].state = STEP_PASSED;
	ss->v[6].settled_seq = 20;
	ss->v[7].state = STEP_FAILED;

	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	assert_true(rs->rollback);
	assert_int_equal(rs->n, 5);
	assert_string_equal(rs->v[0].key, "rollback-confirm");
	assert_int_equal(rs->v[0].kind, RB_CONFIRM);
	assert_string_equal(rs->v[0].phrase, "yes, roll back to 23.09.9");
	assert_string_equal(rs->v[1].key, "undo:stop@23.09.10");
	assert_int_equal(rs->v[1].kind, RB_ACTION);
	assert_true(rs->v[1].undo);
	assert_string_equal(rs->v[1].run, "systemctl start x");
	assert_string_equal(step_env_get(&rs->v[1].env, "STEPUP_HOP_TO", NULL),
	    "23.09.10");
	assert_string_equal(rs->v[2].key, "undo:upgrade@23.09.10");
	assert_int_equal(rs->v[2].kind, RB_MANUAL);
	assert_string_equal(rs->v[2].title, "upgrade@23.09.10 cannot be undone "
	    "automatically: Upgrade to 23.09.10");
	assert_null(rs->v[2].text);
	assert_string_equal(rs->v[3].key, "undo:dump");
	assert_string_equal(rs->v[3].run, "pg_restore \"$STEPUP_ARTIFACT_dump\"");
	assert_string_equal(rs->v[4].key, "restore");
	assert_string_equal(rs->v[4].title,
	    "Restore /var/backups/db-23.09.9.dump");
	assert_int_equal(rs->v[0].state, STEP_READY);
	assert_int_equal(rs->v[1].state, STEP_PENDING);
	assert_int_equal(rs->v[4].needs_before, 4);
	assert_int_equal(rs->v[4].n_needs, 0);
	steps_free(rs);
	steps_free(ss);
	fixture_free(f);
}

/* Hop 2 of 2 fails after its first two actions: a rollback may go back
 * to its start (only its done actions undone) or to where the upgrade
 * started; the phrase names the target, with the runbook's warning for
 * it; the rollback steps get STEPUP_ROLLBACK_TO. */
static void
test_rollback_hop(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss, *rs;
	struct rb_step		*st;
	char			*cause = NULL, *p;
	size_t			 i;

	(void)state;
	st = add_step(f, RB_PHASE_ROLLBACK, "restore", RB_ACTION, "Restore");
	st->run = "true";
	f->rb.rollback_warning[RB_ROLLBACK_START] = (char *)"writes are lost";
	ss = fixture_steps(f);
	/* A failure in hop 1: one target only. */
	for (i = 0; i < 6; i++)
		step_set(ss, i, STEP_PASSED, NULL);
	step_set(ss, 6, STEP_FAILED, "exit 1");
	assert_string_equal(ss->v[6].key, "upgrade@23.09.10");
	assert_int_equal(steps_rollback_hop(ss), -1);
	for (i = 6; i < 10; i++) {
		step_set(ss, i, STEP_PASSED, NULL);
		ss->v[i].settled_seq = (long long)i;
	}
	step_set(ss, 10, STEP_FAILED, "exit 1");
	assert_string_equal(ss->v[10].key, "schema@24.03.0");
	assert_int_equal(steps_rollback_hop(ss), 1);

	p = steps_rollback_phrase(ss, -1);
	assert_string_equal(p, "yes, roll back to 23.09.9, writes are lost");
	free(p);
	rs = steps_new_rollback(ss, 1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	assert_int_equal(rs->rollback_hop, 1);
	assert_string_equal(rs->rollback_to, "23.09.10");
	assert_string_equal(rs->v[0].phrase, "yes, roll back to 23.09.10");
	assert_non_null(strstr(rs->v[0].text, "type \"yes, roll back to "
	    "23.09.9, writes are lost\" instead"));
	assert_int_equal(rs->n, 4);
	assert_string_equal(rs->v[1].key, "undo:upgrade@24.03.0");
	assert_string_equal(rs->v[2].key, "undo:stop@24.03.0");
	assert_string_equal(rs->v[3].key, "restore");
	assert_string_equal(step_env_get(&rs->v[3].env, "STEPUP_ROLLBACK_TO",
	    NULL), "23.09.10");
	steps_free(rs);

	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	assert_non_null(rs);
	assert_int_equal(rs->rollback_hop, -1);
	assert_string_equal(rs->v[0].phrase, "yes, roll back to 23.09.9, "
	    "writes are lost");
	assert_non_null(strstr(rs->v[0].text, "type \"yes, roll back to "
	    "23.09.10\" instead"));
	/* Every done action: dump, hop 1's three, hop 2's two. */
	assert_int_equal(rs->n, 8);
	assert_string_equal(step_env_get(&rs->v[7].env, "STEPUP_ROLLBACK_TO",
	    NULL), "23.09.9");
	steps_free(rs);
	steps_free(ss);
	fixture_free(f);
}

/* The backup was marked done by hand without its artifact: the rollback
 * still undoes every done step, and the steps that would use the missing
 * artifact become manual steps saying it points to nothing and why. */
static void
test_rollback_missing(void **state)
{
	struct fixture		*f = fixture_new();
	struct steps		*ss = fixture_steps(f), *rs;
	struct rb_step		*st;
	const struct step	*r;
	char			*cause = NULL;
	size_t			 i;

	st = add_step(f, RB_PHASE_ROLLBACK, "restore", RB_ACTION, "Restore");
	st->run = "pg_restore \"$STEPUP_ARTIFACT_dump\"";
	st = add_step(f, RB_PHASE_ROLLBACK, "again", RB_ACTION, "Start");
	st->run = "systemctl start x";
	f->rb.phases[RB_PHASE_HOP].v[0].undo = "systemctl start x";
	for (i = 0; i < 6; i++) {
		ss->v[i].state = STEP_PASSED;
		ss->v[i].settled_seq = (long long)i + 1;
	}
	/* dump: failed (an empty file), then marked done by hand. */
	step_set(ss, 3, STEP_DONE, "no space (no artifact: "
	    "/var/backups/db-23.09.9.dump)");
	ss->v[6].state = STEP_FAILED;

	rs = steps_new_rollback(ss, -1, &f->base, &cause);
	if (rs == NULL)
		fail_msg("steps_new_rollback: %s", cause);
	/* confirm, undo:stop@23.09.10, undo:dump, restore, again */
	assert_int_equal(rs->n, 5);
	assert_string_equal(rs->v[1].key, "undo:stop@23.09.10");
	assert_int_equal(rs->v[1].kind, RB_ACTION);
	r = &rs->v[2];
	assert_string_equal(r->key, "undo:dump");
	assert_int_equal(r->kind, RB_MANUAL);
	assert_null(r->run);
	assert_string_equal(r->title, "Undo: Back up to /var/backups cannot "
	    "run: $STEPUP_ARTIFACT_dump points to nothing");
	r = &rs->v[3];
	assert_string_equal(r->key, "restore");
	assert_int_equal(r->kind, RB_MANUAL);
	assert_null(r->run);
	assert_string_equal(r->title, "Restore cannot run: "
	    "$STEPUP_ARTIFACT_dump points to nothing");
	assert_string_equal(r->text, "$STEPUP_ARTIFACT_dump points to "
	    "nothing: step dump (Back up to /var/backups) did not make "
	    "/var/backups/db-23.09.9.dump; it was marked done by hand without "
	    "it (no space (no artifact: /var/backups/db-23.09.9.dump)). Do by "
	    "hand what this step would do, or tick it off saying why not.");
	/* What does not need it still runs. */
	assert_string_equal(rs->v[4].key, "again");
	assert_int_equal(rs->v[4].kind, RB_ACTION);
	assert_string_equal(rs->v[4].run, "systemctl start x");
	steps_free(rs);
	steps_free(ss);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_rollback_hop),
		cmocka_unit_test(test_text_key_env),
		cmocka_unit_test(test_expand_fallback),
		cmocka_unit_test(test_env_envp),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_roll_batches),
		cmocka_unit_test(test_roll_layout),
		cmocka_unit_test(test_group_hosts),
		cmocka_unit_test(test_roll_forks),
		cmocka_unit_test(test_roll_max_fail),
		cmocka_unit_test(test_roll_scale),
		cmocka_unit_test(test_roll_when),
		cmocka_unit_test(test_env_shared),
		cmocka_unit_test(test_forks),
		cmocka_unit_test(test_layout_redeploy),
		cmocka_unit_test(test_layout_when_range),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_gating_default),
		cmocka_unit_test(test_gating_needs),
		cmocka_unit_test(test_gating_confirm),
		cmocka_unit_test(test_gating_property),
		cmocka_unit_test(test_gating_scale),
		cmocka_unit_test(test_no_hops),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_rollback_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
