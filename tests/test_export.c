/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_export.c: the export renderers (text, Markdown, HTML) against golden
 * files, line breaking of commands, escaping, shell quoting.
 * STEPUP_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
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

#include "export.h"
#include "journal.h"
#include "plan.h"
#include "runbook.h"
#include "steps.h"
#include "util.h"

static char *
data_path(const char *name)
{
	const char	*top = getenv("top_srcdir");

	/* Absolute: test_checklist changes directory. */
	return xasprintf("%s/tests/data/export/%s", top != NULL ? top : ".",
	    name);
}

static void	fits_80(const char *);

/* data_path() for the test's whole life. */
static const char *
data_path_static(const char *name)
{
	static char	*p;

	free(p);
	p = data_path(name);
	return p;
}

/* Compare text with a golden file, line by line so that a failure names
 * the first line that differs. */
static void
golden(const char *name, const char *text)
{
	char		*path = data_path(name), *want, *cause = NULL;
	size_t		 len, line = 1, i;
	const char	*e;

	if (getenv("STEPUP_UPDATE_GOLDEN") != NULL) {
		assert_int_equal(export_write_file(path, text, &cause), 0);
		free(path);
		return;
	}
	want = file_read(path, 1 << 22, &len, &cause);
	if (want == NULL)
		fail_msg("%s", cause);
	for (i = 0; want[i] != '\0' && want[i] == text[i]; i++) {
		if (want[i] == '\n')
			line++;
	}
	if (want[i] != text[i]) {
		e = strchr(text + i, '\n');
		fail_msg("%s differs at line %zu: got \"%.*s\"", path, line,
		    e != NULL ? (int)(e - (text + i)) : (int)strlen(text + i),
		    text + i);
	}
	free(want);
	free(path);
}

/* A document like a checklist, with everything awkward in it: long
 * commands, quotes, markup characters, UTF-8, a long unbreakable word. */
static struct export_doc *
sample_doc(void)
{
	struct export_doc	*d;
	struct export_section	*s;
	struct export_item	*it;

	d = export_doc_new("Upgrade checklist: Demo <DB> 1.0 → 2.0");
	export_doc_head(d, "Product", "Demo <DB> & friends");
	export_doc_head(d, "From → to", "1.0 → 2.0");
	export_doc_head(d, "Path", "1.0 → 1.1 (minor: 1.0 is left only from "
	    "its latest release), then 1.1 → 2.0 (major)");
	export_doc_head(d, "Date", "2026-11-22");
	export_doc_head(d, "Host", "head-1");

	s = export_doc_section(d, "Prepare", NULL);
	it = export_section_item(s, "Read the release notes of 1.1",
	    "read · notes · hop 1.0 → 1.1", EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Read", EXPORT_PROSE, "notes/1.1.md");
	it = export_section_item(s, "Back up the *database* to `dump`",
	    "action · dump", EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE,
	    "export backup_dir='/var/backups/demo db'\n"
	    "pg_dump --format=custom --file "
	    "\"$backup_dir/demo-$STEPUP_FROM.dump\" "
	    "--no-owner --no-privileges demo_production_database\n"
	    "echo 'a single-quoted string that is long enough to need a break "
	    "somewhere inside it'");
	export_item_field(it, "Produces", EXPORT_PROSE,
	    "/var/backups/demo db/demo-1.0.dump");
	export_item_field(it, "Undo", EXPORT_CODE, "rm -f \"$backup_dir/x\"");
	export_item_field(it, "If it fails", EXPORT_PROSE,
	    "Nothing has changed yet. Free some space in the backup directory "
	    "and retry; https://example.org/a/very/long/url/that/cannot/be/"
	    "broken/at/a/space/anywhere/at/all/really is the guide.\n"
	    "- A second line that starts like a list item.");
	it = export_section_item(s, "Confirm", "confirm · go",
	    EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Type exactly", EXPORT_PHRASE,
	    "yes, upgrade to 2.0");

	s = export_doc_section(d, "Rollback",
	    "If the upgrade fails: the undo of every action that passed, "
	    "in reverse, then these steps.");
	it = export_section_item(s, "Restore the backup", "action · restore",
	    EXPORT_BOX_FAILED, "failed (exit 3)");
	export_item_field(it, "Run", EXPORT_CODE,
	    "pg_restore --clean \"$STEPUP_ARTIFACT_dump\"");
	it = export_section_item(s, "Start the service", "action · start",
	    EXPORT_BOX_DONE, "passed");
	export_doc_signoff(d, "Operator");
	export_doc_signoff(d, "Reviewer");
	export_doc_footer(d, "Made by stepup from demo.yaml.");
	return d;
}

static void
test_golden(void **state)
{
	struct export_doc	*d = sample_doc();
	char			*t;

	(void)state;
	t = export_render(d, EXPORT_TXT);
	golden("doc.txt", t);
	free(t);
	t = export_render(d, EXPORT_MD);
	golden("doc.md", t);
	free(t);
	t = export_render(d, EXPORT_HTML);
	golden("doc.html", t);
	free(t);
	export_doc_free(d);
}

/* Display width of a UTF-8 line. */
static size_t
cols(const char *s, size_t n)
{
	size_t	i, w = 0;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static void
fits_80(const char *t)
{
	const char	*p, *nl;

	for (p = t; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (cols(p, nl - p) > 80)
			fail_msg("line wider than 80: \"%.*s\"",
			    (int)(nl - p), p);
	}
}

static void
test_txt_fits_80(void **state)
{
	struct export_doc	*d = sample_doc();
	char			*t;

	(void)state;
	t = export_render(d, EXPORT_TXT);
	fits_80(t);
	free(t);
	export_doc_free(d);
}

/* The shell joins the broken command back into the original: a "\" at the
 * end of a line, then the deeper indent, stand for the one blank. */
static void
test_txt_code_break_pastes(void **state)
{
	struct export_doc	*d = export_doc_new("t");
	struct export_item	*it;
	const char		*cmd = "pg_dump --format=custom --file "
	    "\"$backup_dir/demo with spaces $STEPUP_FROM.dump\" --no-owner "
	    "--no-privileges demo_production_database";
	char			*t;

	(void)state;
	it = export_section_item(export_doc_section(d, "S", NULL), "x", NULL,
	    EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE, cmd);
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t,
	    "         pg_dump --format=custom --file \\\n"
	    "             \"$backup_dir/demo with spaces $STEPUP_FROM.dump\" "
	    "--no-owner \\\n"
	    "             --no-privileges demo_production_database\n"));
	free(t);
	export_doc_free(d);

	/* A comment is continued as a comment: a backslash would make its
	 * next line a command. */
	d = export_doc_new("t");
	it = export_section_item(export_doc_section(d, "S", NULL), "x", NULL,
	    EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE, "systemctl stop example  "
	    "# stops the manager; the workers keep their sessions until they "
	    "time out");
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t,
	    "         systemctl stop example  # stops the manager; the workers "
	    "keep their\n"
	    "             # sessions until they time out\n"));
	free(t);
	export_doc_free(d);
}

/* A comment whose only break is right after its "#" (a long word, a URL)
 * must still end: each continuation takes more than the "# " it adds.
 * This looped forever, filling memory, on a shipped runbook. */
static void
test_txt_comment_long_word(void **state)
{
	struct export_doc	*d = export_doc_new("t");
	struct export_item	*it;
	struct buf		 cmd;
	char			*t;
	int			 i;

	(void)state;
	buf_init(&cmd);
	buf_puts(&cmd, "# ");
	for (i = 0; i < 150; i++)
		buf_putc(&cmd, 'a' + i % 26);
	buf_puts(&cmd, "\n#\t");
	for (i = 0; i < 150; i++)
		buf_putc(&cmd, 'A' + i % 26);
	buf_puts(&cmd, "\n'");
	for (i = 0; i < 150; i++)
		buf_putc(&cmd, 'x');
	buf_puts(&cmd, "'");
	it = export_section_item(export_doc_section(d, "S", NULL), "x", NULL,
	    EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE, cmd.data);
	t = export_render(d, EXPORT_TXT);
	fits_80(t);
	assert_non_null(strstr(t, "# abcdefghij"));
	assert_non_null(strstr(t, "uvwxyzabcdefghijklmnopqrst"));
	free(t);
	buf_free(&cmd);
	export_doc_free(d);
}

/* Indenting a here-document or a string across lines would change the
 * command: such a command is shown from the first column, as is. */
static void
test_txt_verbatim(void **state)
{
	struct export_doc	*d = export_doc_new("t");
	struct export_item	*it;
	char			*t;

	(void)state;
	it = export_section_item(export_doc_section(d, "S", NULL), "x", NULL,
	    EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE,
	    "cat >/etc/x.conf <<EOF\nkey = 1\nEOF");
	export_item_field(it, "Undo", EXPORT_CODE,
	    "awk '$1 == 1 {\n  print }' f  # it's fine");
	export_item_field(it, "Check", EXPORT_CODE, "echo 'a' \"b\"  # x<<y");
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t, "       Run: (from the first column, as is)\n"
	    "cat >/etc/x.conf <<EOF\nkey = 1\nEOF\n"));
	assert_non_null(strstr(t, "       Undo: (from the first column, as "
	    "is)\nawk '$1 == 1 {\n  print }' f  # it's fine\n"));
	assert_non_null(strstr(t, "       Check:\n         echo 'a' \"b\"  "
	    "# x<<y\n"));
	free(t);
	export_doc_free(d);
}

static void
test_escaping(void **state)
{
	struct export_doc	*d;
	struct export_item	*it;
	char			*t;

	(void)state;
	d = export_doc_new("<script>alert('x')</script>");
	it = export_section_item(export_doc_section(d, "S & T", NULL),
	    "a <b> & \"c\"", NULL, EXPORT_BOX_EMPTY, NULL);
	export_item_field(it, "Run", EXPORT_CODE, "echo '</pre><b>' && x");
	export_item_field(it, "Type exactly", EXPORT_PHRASE, "a `b` c");
	t = export_render(d, EXPORT_HTML);
	assert_null(strstr(t, "<script>"));
	assert_null(strstr(t, "<b>"));
	assert_non_null(strstr(t, "<title>&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt;</title>"));
	assert_non_null(strstr(t, "<pre>echo &#39;&lt;/pre&gt;&lt;b&gt;&#39; "
	    "&amp;&amp; x</pre>"));
	assert_non_null(strstr(t, "<h2>S &amp; T</h2>"));
	free(t);
	t = export_render(d, EXPORT_MD);
	assert_non_null(strstr(t, "# \\<script\\>alert('x')\\</script\\>\n"));
	assert_non_null(strstr(t, "- [ ] **1. a \\<b\\> \\& \"c\"**\n"));
	assert_non_null(strstr(t, "  Type exactly: `` a `b` c ``\n"));
	free(t);
	export_doc_free(d);
}

static void
test_shell_quote(void **state)
{
	char	*q;

	(void)state;
	q = export_shell_quote("/var/backups/x-1.0");
	assert_string_equal(q, "/var/backups/x-1.0");
	free(q);
	q = export_shell_quote("it's $(touch /tmp/pwned)");
	assert_string_equal(q, "'it'\\''s $(touch /tmp/pwned)'");
	free(q);
	q = export_shell_quote("");
	assert_string_equal(q, "''");
	free(q);
}

static void
test_save(void **state)
{
	char	 dir[] = "/tmp/test_export.XXXXXX", *path = NULL, *cause = NULL;
	char	*want, *text;
	size_t	 len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(export_save(dir, "Demo DB/1.0 → 2.0", EXPORT_MD,
	    "# x\n", &path, &cause), 0);
	want = xasprintf("%s/exports/Demo_DB_1.0_____2.0.md", dir);
	assert_string_equal(path, want);
	text = file_read(path, 100, &len, &cause);
	assert_string_equal(text, "# x\n");
	free(text);
	unlink(path);
	free(path);
	free(want);
	want = xasprintf("%s/exports", dir);
	rmdir(want);
	free(want);
	/* A state directory that is not there: said, nothing written. */
	assert_int_equal(export_save("/nonexistent/x", "r", EXPORT_TXT, "",
	    &path, &cause), -1);
	assert_null(path);
	assert_string_equal(cause, "cannot create /nonexistent/x/exports: No "
	    "such file or directory");
	free(cause);
	rmdir(dir);
}

static void
test_format_parse(void **state)
{
	enum export_format	f;

	(void)state;
	assert_int_equal(export_format_parse("md", &f), 0);
	assert_int_equal(f, EXPORT_MD);
	assert_int_equal(export_format_parse("html", &f), 0);
	assert_int_equal(f, EXPORT_HTML);
	assert_int_equal(export_format_parse("text", &f), 0);
	assert_int_equal(f, EXPORT_TXT);
	assert_int_equal(export_format_parse("pdf", &f), -1);
	assert_string_equal(export_format_ext(EXPORT_HTML), "html");
}

/* The plan the planner makes for filestore.yaml from 1.0.0 to 2.0.0,
 * written out so that this test does not depend on it. */
static struct plan_hop filestore_hops[] = {
	{ "1.0.0", "1.1.0", "minor", false,
	  "1.1.0: a series is left only from its latest release" },
	{ "1.1.0", "2.0.0", "major", false, NULL },
};
static struct plan filestore_plan = { "1.0.0", "2.0.0", filestore_hops, 2,
    { NULL, 0 } };

static void
test_checklist(void **state)
{
	struct rb_diags			 diags;
	struct runbook			*rb;
	struct step_env			 env = { NULL, 0, NULL };
	struct steps			*ss, *rollback;
	struct export_doc		*d;
	const struct export_meta	 meta = { "2026-11-22", "head-1" };
	char				*cause = NULL, *t;
	const char			*top = getenv("top_srcdir");

	(void)state;
	rb_diags_init(&diags);
	/* Relative paths, the same wherever the tree is: the golden files
	 * hold them. */
	if (top != NULL)
		assert_int_equal(chdir(top), 0);
	rb = runbook_load("tests/data/export/filestore.yaml", &diags);
	if (rb == NULL)
		rb_diags_print(&diags, stderr);
	assert_non_null(rb);
	/* The loader made the directory absolute; the golden files hold the
	 * documents' paths relative to the tree (export-cli.sh likewise). */
	free(rb->dir);
	rb->dir = xstrdup("tests/data/export");
	export_checklist_env(rb, &filestore_plan, NULL, &env);
	assert_string_equal(step_env_get(&env, "token", NULL), "<token>");
	ss = steps_new(rb, &filestore_plan, &env, &cause);
	if (ss == NULL)
		fail_msg("%s", cause);
	rollback = export_checklist_rollback(rb, &filestore_plan, &env, &cause);
	if (rollback == NULL)
		fail_msg("%s", cause);
	d = export_checklist(ss, rollback, &meta);
	t = export_render(d, EXPORT_TXT);
	golden("checklist.txt", t);
	fits_80(t);
	free(t);
	t = export_render(d, EXPORT_MD);
	golden("checklist.md", t);
	free(t);
	t = export_render(d, EXPORT_HTML);
	golden("checklist.html", t);
	/* A secret never appears, not even its default. */
	assert_null(strstr(t, "hunter2"));
	free(t);
	export_doc_free(d);
	steps_free(rollback);
	steps_free(ss);
	step_env_free(&env);
	runbook_free(rb);
	rb_diags_free(&diags);
}

/* A failed upgrade and its rollback, as the journal holds them; times
 * fixed so that the report is always the same. */
#define T0	1795311000LL	/* 2026-11-22 01:30:00 UTC */

static struct journal_run up_run = {
	7, JOURNAL_RUN_UPGRADE, 0, "/srv/runbooks/filestore.yaml",
	"7b568d20cda8d72085a6959a59a25786a3a732bd99ea79182d756aa216800f51",
	"Filestore", "1.0.0", "2.0.0", "1.0.0 -> 2.0.0\n"
	"1.0.0\t1.1.0\tminor\t-\t1.1.0: a series is left only from its latest "
	"release\n1.1.0\t2.0.0\tmajor\t-\t\n",
	"alice from 192.0.2.7", "head-1", T0, T0 + 125, JOURNAL_RUN_FAILED,
	false, NULL, NULL, NULL
};
static struct journal_step_state up_steps[] = {
	{ "notes@1.1.0", "passed", NULL, T0 + 10 },
	{ "present", "passed", NULL, T0 + 11 },
	{ "go", "passed", NULL, T0 + 20 },
	{ "backup", "passed", NULL, T0 + 24 },
	{ "stop@1.1.0", "passed", NULL, T0 + 25 },
	{ "migrate@1.1.0", "failed", "exit 3", T0 + 125 },
	{ "announce", "skipped", "nobody is awake", T0 + 30 },
};
static struct journal_event up_events[] = {
	{ 7, 1, T0, "alice from 192.0.2.7", JOURNAL_EV_BEGIN, NULL, NULL },
	{ 7, 2, T0, "alice from 192.0.2.7", JOURNAL_EV_VARS, NULL,
	  "root=/srv/filestore\nbackup_dir=/var/backups/filestore\n"
	  "token=hunter2" },
	{ 7, 3, T0 + 10, "alice from 192.0.2.7", JOURNAL_EV_ACK, "notes@1.1.0",
	  NULL },
	{ 7, 4, T0 + 20, "alice from 192.0.2.7", JOURNAL_EV_PHRASE, "go",
	  "typed: yes, upgrade to 2.0.0" },
	{ 7, 5, T0 + 30, "alice from 192.0.2.7", JOURNAL_EV_SKIP, "announce",
	  "nobody is awake" },
	{ 7, 6, T0 + 125, "alice from 192.0.2.7", JOURNAL_EV_END, NULL,
	  "failed" },
};
static struct journal_action up_actions[] = {
	{ 7, "present", 1, 100, 1, "/s/runs/7/present.1.log", "/s/x", T0 + 11,
	  T0 + 11, true, 0, 0, false, false, NULL, 0, NULL },
	{ 7, "backup", 1, 101, 1, "/s/runs/7/backup.1.log", "/s/x", T0 + 21,
	  T0 + 24, true, 0, 0, false, false,
	  "/var/backups/filestore/filestore-1.0.0.tar", 10240,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ 7, "migrate@1.1.0", 1, 102, 1, "/s/runs/7/migrate%401.1.0.1.log",
	  "/s/x", T0 + 26, T0 + 27, true, 3, 0, false, false, NULL, 0, NULL },
	{ 7, "migrate@1.1.0", 2, 103, 1, "/s/runs/7/migrate%401.1.0.2.log",
	  "/s/x", T0 + 60, T0 + 125, true, -1, 15, true, false, NULL, 0, NULL },
};
static struct journal_run rb_run = {
	8, JOURNAL_RUN_ROLLBACK, 7, "/srv/runbooks/filestore.yaml",
	"7b568d20cda8d72085a6959a59a25786a3a732bd99ea79182d756aa216800f51",
	"Filestore", "2.0.0", "1.0.0", "1.0.0 -> 2.0.0\n"
	"1.0.0\t1.1.0\tminor\t-\t\n1.1.0\t2.0.0\tmajor\t-\t\n", "bob", "head-1",
	T0 + 200,
	T0 + 4000, JOURNAL_RUN_DONE, false, NULL, NULL, NULL
};
static struct journal_step_state rb_steps[] = {
	{ "rollback-confirm", "passed", NULL, T0 + 210 },
	{ "undo:stop@1.1.0", "passed", NULL, T0 + 211 },
	{ "restore", "done", "restored by hand from tape", T0 + 3990 },
};
static struct journal_event rb_events[] = {
	{ 8, 1, T0 + 205, "bob", JOURNAL_EV_PHRASE, "rollback-confirm",
	  "did not match: yes roll back" },
	{ 8, 2, T0 + 210, "bob", JOURNAL_EV_PHRASE, "rollback-confirm",
	  "typed: yes, roll back to 1.0.0" },
	{ 8, 3, T0 + 3990, "bob", JOURNAL_EV_MARK_DONE, "restore",
	  "restored by hand from tape" },
};
static struct journal_action rb_actions[] = {
	{ 8, "undo:stop@1.1.0", 1, 200, 1, "/s/runs/8/undo%3astop.1.log",
	  "/s/y", T0 + 211, T0 + 211, true, 0, 0, false, false, NULL, 0,
	  NULL },
};

static void
test_report(void **state)
{
	struct rb_diags			 diags;
	struct runbook			*rb;
	struct export_doc		*d;
	const struct export_meta	 meta = { "2026-11-22", "head-1" };
	struct export_run		 up = { &up_run, up_steps,
	    nitems(up_steps), up_events, nitems(up_events), up_actions,
	    nitems(up_actions), NULL, NULL };
	struct export_run		 back = { &rb_run, rb_steps,
	    nitems(rb_steps), rb_events, nitems(rb_events), rb_actions,
	    nitems(rb_actions), NULL, NULL };
	char				*t;
	enum export_format		 f;
	const char			*names[] = { "report.txt", "report.md",
					    "report.html" };

	(void)state;
	rb_diags_init(&diags);
	rb = runbook_load(data_path_static("filestore.yaml"), &diags);
	assert_non_null(rb);
	d = export_report(rb, &up, &back, &meta);
	for (f = EXPORT_TXT; f <= EXPORT_HTML; f++) {
		t = export_render(d, f);
		golden(names[f], t);
		if (f == EXPORT_TXT)
			fits_80(t);
		/* The secret var's value, even unmasked in the record. */
		assert_null(strstr(t, "hunter2"));
		free(t);
	}
	export_doc_free(d);
	/* A rollback run's own report lists its own steps (not its
	 * upgrade's, never reached), its undo titles expanded as the
	 * rollback laid them out. */
	d = export_report(rb, &back, NULL, &meta);
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t,
	    "Rollback report: Filestore 2.0.0 → 1.0.0"));
	assert_non_null(strstr(t, "[x] 1. Confirm the rollback\n"));
	assert_non_null(strstr(t, "[x] 2. Undo: "));
	assert_non_null(strstr(t, "3. Restore"));
	assert_null(strstr(t, "not reached"));
	assert_null(strstr(t, "$STEPUP_"));
	free(t);
	export_doc_free(d);
	/* Without the runbook: keys instead of titles, nothing missing. */
	d = export_report(NULL, &up, NULL, &meta);
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t, "[!] 6. migrate@1.1.0\n"));
	free(t);
	t = export_render(d, EXPORT_MD);
	assert_non_null(strstr(t, "  Confirmed: by alice from 192.0.2.7 at "
	    "2026-11-22 01:30:20 UTC: typed: yes, upgrade to 2.0.0\n"));
	free(t);
	export_doc_free(d);
	runbook_free(rb);
	rb_diags_free(&diags);
}

/* A value made from one known only when the run begins is shown as a
 * comment, never as an assignment that would paste a wrong path. */
static void
test_checklist_runid(void **state)
{
	struct rb_diags			 diags;
	struct runbook			*rb;
	struct plan_hop			 hop = { "1.0.0", "1.0.1", "patch",
					    false, NULL };
	struct plan			 plan = { "1.0.0", "1.0.1", &hop, 1,
					    { NULL, 0 } };
	struct export_doc		*d;
	char				*cause = NULL, *t;

	(void)state;
	rb_diags_init(&diags);
	rb = runbook_load(data_path_static("runid.yaml"), &diags);
	assert_non_null(rb);
	d = export_checklist_plan(rb, &plan, NULL, NULL, &cause);
	if (d == NULL)
		fail_msg("%s", cause);
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t,
	    "       Produces: /var/tmp/dump-<STEPUP_RUN_ID>\n"
	    "       Undo:\n"
	    "         # STEPUP_ARTIFACT_dump: set when the run begins:\n"
	    "         # /var/tmp/dump-<STEPUP_RUN_ID>\n"
	    "         rm -f \"$STEPUP_ARTIFACT_dump\"\n"));
	assert_null(strstr(t, "export STEPUP_ARTIFACT_dump"));
	free(t);
	export_doc_free(d);
	runbook_free(rb);
	rb_diags_free(&diags);
}

/* A roll's checklist: each step says its batch, and the first step of a
 * batch its hosts; the health check comes after each batch. */
static void
test_checklist_roll(void **state)
{
	struct rb_diags			 diags;
	struct runbook			*rb;
	struct plan_hop			 hop = { "1.0.0", "2.0.0", "major",
					    false, NULL };
	struct plan			 plan = { "1.0.0", "2.0.0", &hop, 1,
					    { NULL, 0 } };
	struct export_doc		*d;
	char				*cause = NULL, *t;

	(void)state;
	rb_diags_init(&diags);
	rb = runbook_load(TOP_SRCDIR "/tests/data/hosts/roll.yaml", &diags);
	if (rb == NULL)
		rb_diags_print(&diags, stderr);
	assert_non_null(rb);
	d = export_checklist_plan(rb, &plan, NULL, NULL, &cause);
	if (d == NULL)
		fail_msg("%s", cause);
	t = export_render(d, EXPORT_TXT);
	assert_non_null(strstr(t, "[ ] 6. Drain the agent (on node2)\n"
	    "       action \xc2\xb7 drain@2.0.0#node2\n"
	    "       On host: node2: its commands run there, through ssh\n"
	    "       Batch: roll agents (Upgrade the agents), batch 2 of 3: "
	    "node2, node3\n"));
	assert_non_null(strstr(t, "[ ] 9. Drain the agent (on node3)\n"
	    "       action \xc2\xb7 drain@2.0.0#node3\n"
	    "       On host: node3: its commands run there, through ssh\n"
	    "       Batch: roll agents (Upgrade the agents), batch 2 of 3\n"));
	assert_non_null(strstr(t, "[ ] 12. The cluster is healthy (after batch "
	    "2 of 3)\n"));
	fits_80(t);
	free(t);
	export_doc_free(d);
	runbook_free(rb);
	rb_diags_free(&diags);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_checklist_runid),
		cmocka_unit_test(test_checklist_roll),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_txt_fits_80),
		cmocka_unit_test(test_txt_code_break_pastes),
		cmocka_unit_test(test_txt_comment_long_word),
		cmocka_unit_test(test_txt_verbatim),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_shell_quote),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_save),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
