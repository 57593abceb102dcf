/* test_runbook.c: the runbook loader on valid and malformed inputs, with
 * the exact message and position of every problem. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "runbook.h"
#include "util.h"

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Load text as t.yaml; return what lint would print (caller frees). */
static char *
load_text(const char *text, size_t len, struct runbook **rbp)
{
	struct rb_diags	 d;
	struct runbook	*rb;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	write_file("t.yaml", text, len);
	rb_diags_init(&d);
	rb = runbook_load("t.yaml", &d);
	assert_non_null(f = open_memstream(&out, &outlen));
	rb_diags_print(&d, f);
	fclose(f);
	if (rb != NULL)
		assert_int_equal(d.n_errors, 0);
	else
		assert_true(d.n_errors > 0);
	rb_diags_free(&d);
	if (rbp != NULL)
		*rbp = rb;
	else
		runbook_free(rb);
	return out;
}

static void
test_full(void **state)
{
	struct runbook	*rb;
	char		*out;
	char		*text;
	size_t		 len;
	char		*cause = NULL;

	(void)state;
	text = file_read(TOP_SRCDIR "/tests/data/runbooks/full.yaml", 1 << 20,
	    &len, &cause);
	assert_non_null(text);
	out = load_text(text, len, &rb);
	assert_string_equal(out, "");
	assert_non_null(rb);
	assert_string_equal(rb->product, "Example Cluster");
	assert_int_equal(rb->versions.scheme, RB_SCHEME_CALVER);
	assert_int_equal(rb->versions.series, 2);
	assert_string_equal(rb->versions.kinds[1], "major");
	assert_string_equal(rb->versions.available.list[5].s, "1.10");
	runbook_free(rb);
	free(out);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
	};
	char	dir[] = "/tmp/test_runbook.XXXXXX";
	int	rc;

	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return 99;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink("t.yaml");
	chdir("/");
	rmdir(dir);
	return rc;
}
