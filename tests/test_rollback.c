/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_rollback.c: the rollback model: order and content of what will be
 * undone, the artifacts each step uses, their check (unchanged, changed,
 * gone, never recorded), ages, and the closing summary. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "plan.h"
#include "rollback.h"
#include "runbook.h"
#include "steps.h"
#include "util.h"

static struct plan_hop hops[] = {
	{ "1.0.0", "1.1.0", "minor", false, NULL },
	{ "1.1.0", "2.0.0", "major", false, NULL },
};
static struct plan plan = { "1.0.0", "2.0.0", hops, 2, { NULL, 0 } };

struct fixture {
	char		 dir[64];
	char		*backup;
	struct rb_diags	 diags;
	struct runbook	*rb;
	struct step_env	 env;
	struct steps	*up;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	const char	*top = getenv("top_srcdir");
	char		*path, *cause = NULL;
	FILE		*fp;

	strcpy(f->dir, "/tmp/test_rollback.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	rb_diags_init(&f->diags);
	path = xasprintf("%s/tests/data/export/filestore.yaml",
	    top != NULL ? top : ".");
	f->rb = runbook_load(path, &f->diags);
	free(path);
	assert_non_null(f->rb);
	step_env_set(&f->env, "STEPUP_FROM", "1.0.0", false);
	step_env_set(&f->env, "STEPUP_TO", "2.0.0", false);
	step_env_set(&f->env, "root", "/srv/filestore", false);
	step_env_set(&f->env, "backup_dir", f->dir, false);
	step_env_set(&f->env, "token", "hunter2", true);
	f->up = steps_new(f->rb, &plan, &f->env, &cause);
	if (f->up == NULL)
		fail_msg("%s", cause);
	f->backup = xasprintf("%s/filestore-1.0.0.tar", f->dir);
	fp = fopen(f->backup, "w");
	assert_non_null(fp);
	fputs("a backup\n", fp);
	fclose(fp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->backup);
	rmdir(f->dir);
	free(f->backup);
	steps_free(f->up);
	step_env_free(&f->env);
	runbook_free(f->rb);
	rb_diags_free(&f->diags);
	free(f);
	return 0;
}

/* Pass the upgrade's steps up to (not including) key `stop`, as a session
 * would, recording the backup's size and sha256 when it passes. */
static void
pass_until(struct fixture *f, const char *stop)
{
	struct step	*st;
	size_t		 i;

	for (i = 0; i < f->up->n; i++) {
		st = &f->up->v[i];
		if (strcmp(st->key, stop) == 0) {
			step_set(f->up, i, STEP_FAILED, "exit 3");
			break;
		}
		step_set(f->up, i, STEP_PASSED, NULL);
		st->settled_seq = (long long)i + 1;
		st->ended = 1000 + (long long)i;
		if (strcmp(st->key, "backup") == 0) {
			st->artifact_size = 9;
			assert_int_equal(sha256_file(f->backup,
			    st->artifact_sha256), 0);
		}
	}
}

static void
test_model(void **state)
{
	struct fixture		*f = *state;
	struct steps		*back;
	struct rollback_model	*m;
	char			*cause = NULL, *text, *want;

	pass_until(f, "migrate@2.0.0");
	back = steps_new_rollback(f->up, -1, &f->env, &cause);
	if (back == NULL)
		fail_msg("%s", cause);
	m = rollback_model_new(f->up, back);
	assert_string_equal(m->restore, "1.0.0");
	assert_string_equal(m->phrase, "yes, roll back to 1.0.0");
	/* Latest first: stop@2.0.0, then hop 1's start, install, migrate
	 * (by hand), stop, then backup (by hand: no undo), then restore
	 * and left from the runbook. */
	assert_int_equal(m->n_entries, 8);
	assert_string_equal(m->entries[0].step->key, "undo:stop@2.0.0");
	assert_string_equal(m->entries[1].step->key, "undo:start@1.1.0");
	assert_string_equal(m->entries[3].step->key, "undo:migrate@1.1.0");
	assert_false(m->entries[3].automatic);
	assert_string_equal(m->entries[3].on_failure,
	    "data.txt may be half migrated; restore the backup.");
	assert_string_equal(m->entries[6].step->key, "restore");
	assert_int_equal(m->n_manual, 3);
	assert_int_equal(m->n_artifacts, 1);
	assert_int_equal(m->entries[6].n_artifacts, 1);
	assert_string_equal(m->artifacts[0].path, f->backup);
	assert_string_equal(m->artifacts[0].var, "STEPUP_ARTIFACT_backup");
	assert_int_equal(m->artifacts[0].size, 9);

	text = rollback_describe(m, 1004 + 7260);
	want = xasprintf("  %s (STEPUP_ARTIFACT_backup, from step backup)\n"
	    "    9 bytes, 2 h 1 min old, sha256 ", f->backup);
	assert_non_null(strstr(text, want));
	free(want);
	/* Numbered as the run: its confirmation is step 1. */
	assert_non_null(strstr(text, "Rolling back Filestore to 1.0.0: 8 "
	    "steps, latest first; 3 by hand.\n"
	    "  1. Confirm the rollback: its phrase, asked next\n"
	    "  2. "));
	assert_non_null(strstr(text, "  5. migrate@1.1.0 cannot be undone "
	    "automatically: Migrate the data to 1.1.0\n"
	    "       by hand: data.txt may be half migrated; restore the "
	    "backup.\n"));
	free(text);

	/* Unchanged: verified. */
	assert_int_equal(rollback_verify(m, &cause), 0);
	assert_int_equal(m->artifacts[0].check, ROLLBACK_OK);
	/* Changed: stopped, with both sums. */
	{
		FILE *fp = fopen(f->backup, "a");

		fputs("x", fp);
		fclose(fp);
	}
	assert_int_equal(rollback_verify(m, &cause), -1);
	assert_int_equal(m->artifacts[0].check, ROLLBACK_CHANGED);
	want = xasprintf("the rollback relies on an artifact that cannot be "
	    "trusted, so nothing was run:\n%s (STEPUP_ARTIFACT_backup): it "
	    "changed since it was made: 10 bytes, sha256 ", f->backup);
	if (strncmp(cause, want, strlen(want)) != 0)
		fail_msg("got: %s", cause);
	free(want);
	free(cause);
	/* Gone. */
	unlink(f->backup);
	assert_int_equal(rollback_verify(m, &cause), -1);
	assert_int_equal(m->artifacts[0].check, ROLLBACK_MISSING);
	assert_non_null(strstr(cause, "(STEPUP_ARTIFACT_backup): it is gone"));
	free(cause);

	rollback_model_free(m);
	steps_free(back);
}

/* Failed before the backup was made: the restore step would use a file
 * that the upgrade never recorded, so it does not run: it is a step for
 * a human, saying that $STEPUP_ARTIFACT_backup points to nothing and why;
 * what else there is to undo is still offered, and nothing the rollback
 * runs relies on an untrusted file. */
static void
test_unrecorded(void **state)
{
	struct fixture		*f = *state;
	struct steps		*back;
	struct rollback_model	*m;
	char			*cause = NULL, *text, *want;

	pass_until(f, "backup");
	back = steps_new_rollback(f->up, -1, &f->env, &cause);
	assert_non_null(back);
	m = rollback_model_new(f->up, back);
	assert_int_equal(m->n_entries, 2);
	assert_string_equal(m->entries[0].step->key, "restore");
	assert_false(m->entries[0].automatic);
	assert_int_equal(m->n_artifacts, 0);
	assert_int_equal(rollback_verify(m, &cause), 0);
	text = rollback_describe(m, 2000);
	want = xasprintf("  2. Restore the backup of 1.0.0 cannot run: "
	    "$STEPUP_ARTIFACT_backup points to nothing\n"
	    "       by hand: $STEPUP_ARTIFACT_backup points to nothing: step "
	    "backup (Back up the data) did not make %s; failed (exit 3). Do "
	    "by hand what this step would do, or tick it off saying why "
	    "not.\n", f->backup);
	if (strstr(text, want) == NULL)
		fail_msg("got:\n%s", text);
	free(want);
	free(text);
	rollback_model_free(m);
	steps_free(back);
}

/* The backup failed and was marked done by hand, its absence typed: the
 * rollback undoes every done step (the hops' and the backup's, latest
 * first) and only the restore that needs the backup is left to a human,
 * saying so; the rest is verified and runs. */
static void
test_missing_done(void **state)
{
	struct fixture		*f = *state;
	struct steps		*back;
	struct rollback_model	*m;
	struct step		*st;
	char			*cause = NULL, *text, *want;
	size_t			 i;

	pass_until(f, "backup");
	st = (struct step *)steps_find(f->up, "backup");
	step_set(f->up, st->index, STEP_DONE, "disk full (no artifact: x)");
	st->settled_seq = (long long)st->index + 1;
	/* Hop 1 passes; hop 2's migrate fails. */
	for (i = st->index + 1; i < f->up->n; i++) {
		if (strcmp(f->up->v[i].key, "migrate@2.0.0") == 0) {
			step_set(f->up, i, STEP_FAILED, "exit 3");
			break;
		}
		step_set(f->up, i, STEP_PASSED, NULL);
		f->up->v[i].settled_seq = (long long)i + 1;
	}
	back = steps_new_rollback(f->up, -1, &f->env, &cause);
	assert_non_null(back);
	m = rollback_model_new(f->up, back);
	/* stop@2.0.0, start, install, migrate (by hand), stop, backup (by
	 * hand: no undo), restore (cannot run), left */
	assert_int_equal(m->n_entries, 8);
	assert_string_equal(m->entries[0].step->key, "undo:stop@2.0.0");
	assert_true(m->entries[0].automatic);
	assert_string_equal(m->entries[5].step->key, "undo:backup");
	assert_string_equal(m->entries[6].step->key, "restore");
	assert_false(m->entries[6].automatic);
	assert_int_equal(rollback_verify(m, &cause), 0);
	text = rollback_describe(m, 2000);
	want = xasprintf("Restore the backup of 1.0.0 cannot run: "
	    "$STEPUP_ARTIFACT_backup points to nothing\n"
	    "       by hand: $STEPUP_ARTIFACT_backup points to nothing: step "
	    "backup (Back up the data) did not make %s; it was marked done by "
	    "hand without it (disk full (no artifact: x)).", f->backup);
	if (strstr(text, want) == NULL)
		fail_msg("got:\n%s", text);
	free(want);
	free(text);
	rollback_model_free(m);
	steps_free(back);
}

static void
test_summary(void **state)
{
	struct fixture		*f = *state;
	struct steps		*back;
	struct rollback_model	*m;
	char			*cause = NULL, *s;
	size_t			 i;

	pass_until(f, "migrate@1.1.0");
	back = steps_new_rollback(f->up, -1, &f->env, &cause);
	assert_non_null(back);
	m = rollback_model_new(f->up, back);
	for (i = 0; i < back->n; i++)
		step_set(back, i, strcmp(back->v[i].key, "restore") == 0 ?
		    STEP_DONE : STEP_PASSED, strcmp(back->v[i].key,
		    "restore") == 0 ? "restored from tape" : NULL);
	s = rollback_summary(m, back, "1.0.0");
	assert_non_null(strstr(s, "Rollback to 1.0.0: every step settled.\n"
	    "Installed version: 1.0.0, the version restored.\n"
	    "Left to a human, or done by one:\n"));
	assert_non_null(strstr(s, ". Restore the backup of 1.0.0: done by "
	    "hand (restored from tape)\n"));
	assert_non_null(strstr(s, ". Check that the service runs 1.0.0 "
	    "again: ticked off\n     The restored service is left stopped"));
	free(s);
	s = rollback_summary(m, back, "1.1.0");
	assert_non_null(strstr(s, "Installed version: 1.1.0, NOT 1.0.0: the "
	    "rollback did not bring the old version back.\n"));
	free(s);
	rollback_model_free(m);
	steps_free(back);
}

static void
test_age(void **state)
{
	char	*s;

	(void)state;
	s = rollback_age(100, 130);
	assert_string_equal(s, "30 s old");
	free(s);
	s = rollback_age(0, 130);
	assert_string_equal(s, "of unknown age");
	free(s);
	s = rollback_age(0 + 1, 1 + 2 * 86400 + 5);
	assert_string_equal(s, "2 days old");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrecorded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_done, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test(test_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
