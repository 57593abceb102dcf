/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_probe.c: probe commands: exactly the given environment, stdout
 * captured and capped, stderr kept for the message, exit statuses,
 * signals and the timeout. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe.h"
#include "util.h"

static char *env[] = { "PATH=/usr/bin:/bin", "STEPUP_TO=24.03.0", NULL };

static void
run(const char *cmd, unsigned timeout, struct probe_result *res)
{
	char	*cause = NULL;

	if (probe_run(cmd, env, NULL, timeout, res, &cause) != 0)
		fail_msg("probe_run: %s", cause);
}

static void
test_output_and_env(void **state)
{
	struct probe_result	 res;
	char			*d;

	(void)state;
	/* Only the environment given: HOME is not passed on. */
	run("echo \"to=$STEPUP_TO home=${HOME-unset}\"; echo oops >&2", 0,
	    &res);
	assert_true(probe_ok(&res));
	assert_string_equal(res.out, "to=24.03.0 home=unset\n");
	assert_string_equal(res.err, "oops\n");
	probe_result_free(&res);

	/* The value stays data: no second round of shell expansion. */
	run("printf '%s\\n' \"$STEPUP_TO\" '$(false)'", 0, &res);
	assert_string_equal(res.out, "24.03.0\n$(false)\n");
	probe_result_free(&res);

	run("echo 'cannot reach the cluster' >&2; echo second >&2; exit 7", 0,
	    &res);
	assert_false(probe_ok(&res));
	assert_int_equal(res.status, 7);
	d = probe_describe(&res, 0);
	assert_string_equal(d, "exited with status 7: cannot reach the cluster");
	free(d);
	probe_result_free(&res);

	/* stdin is /dev/null: a command that reads it does not hang */
	run("cat; echo done", 0, &res);
	assert_string_equal(res.out, "done\n");
	probe_result_free(&res);
}

static void
test_cap(void **state)
{
	struct probe_result	res;

	(void)state;
	/* 2 MiB of output: the first MiB kept, the rest drained. */
	run("head -c 2097152 /dev/zero | tr '\\0' x; echo end >&2", 0, &res);
	assert_true(probe_ok(&res));
	assert_true(res.out_truncated);
	assert_int_equal(res.out_len, PROBE_MAX_OUT);
	assert_string_equal(res.err, "end\n");
	probe_result_free(&res);
}

static void
test_signal_and_timeout(void **state)
{
	struct probe_result	 res;
	char			*d;

	(void)state;
	run("kill -9 $$", 0, &res);
	assert_int_equal(res.status, -1);
	assert_int_equal(res.signal, 9);
	d = probe_describe(&res, 0);
	assert_string_equal(d, "was killed by signal 9");
	free(d);
	probe_result_free(&res);

	/* A command that outlives its timeout is killed, with its
	   children (the whole process group). */
	run("echo started; sleep 30 & sleep 30; echo never", 1, &res);
	assert_true(res.timed_out);
	assert_false(probe_ok(&res));
	assert_string_equal(res.out, "started\n");
	d = probe_describe(&res, 1);
	assert_string_equal(d, "timed out after 1 s");
	free(d);
	probe_result_free(&res);
}

static void
test_cannot_start(void **state)
{
	struct probe_result	 res;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(probe_run("true", env, "/nonexistent/dir", 0, &res,
	    &cause), 0);
	/* As for an action (spawn.h): 127 and why, on its stderr. */
	assert_int_equal(res.status, 127);
	assert_string_equal(res.err, "stepup: cannot change to the directory "
	    "/nonexistent/dir: No such file or directory\n");
	probe_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_env),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_signal_and_timeout),
		cmocka_unit_test(test_cannot_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
