/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_inventory.c: hosts and groups from Ansible INI and YAML inventories,
 * a runbook's hosts: mapping and a command's output; host ranges expanded
 * as Ansible expands them; host patterns as --limit reads them; and
 * hostile input: huge ranges, cycles in children, undefined and empty
 * groups, bad names, each reported at file:line:col. */
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

#include "inventory.h"
#include "inventory-cmd.h"
#include "runbook.h"
#include "util.h"
#include "yamltree.h"

/* Every diagnostic as "FILE:LINE:COL: [warning: ]msg\n". */
static char *
diags_text(const struct rb_diags *d)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < d->n; i++)
		buf_printf(&b, "%s:%d:%d: %s%s\n", d->v[i].file,
		    d->v[i].pos.line, d->v[i].pos.col,
		    d->v[i].level == RB_WARNING ? "warning: " : "",
		    d->v[i].msg);
	return buf_take(&b);
}

static void
expect_diag(const struct rb_diags *d, const char *want)
{
	char	*t = diags_text(d);

	if (strstr(t, want) == NULL)
		fail_msg("diagnostics lack '%s':\n%s", want, t);
	free(t);
}

/* The hosts a pattern selects, space-separated; or "ERROR: cause". */
static char *
sel(const struct inventory *inv, const char *pattern)
{
	struct inv_sel	 s;
	struct buf	 b;
	char		*cause;
	size_t		 i;

	buf_init(&b);
	buf_puts(&b, "");
	if (inventory_select(inv, pattern, &s, &cause) != 0) {
		buf_printf(&b, "ERROR: %s", cause);
		free(cause);
		return buf_take(&b);
	}
	for (i = 0; i < s.n; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "",
		    inv->hosts[s.v[i]].name);
	inventory_sel_free(&s);
	return buf_take(&b);
}

static void
expect_sel(const struct inventory *inv, const char *pattern,
    const char *want)
{
	char	*got = sel(inv, pattern);

	if (strcmp(got, want) != 0)
		fail_msg("pattern '%s': got '%s', want '%s'", pattern, got,
		    want);
	free(got);
}

static struct inventory *
load(const char *file, const char *text, struct rb_diags *d, size_t *errors)
{
	struct inventory	*inv = inventory_new();

	rb_diags_init(d);
	*errors = inventory_load_text(inv, file, text, strlen(text),
	    INV_AUTO, d);
	*errors += inventory_finish(inv, file, d);
	return inv;
}

static const char ini[] =
    "# the cluster\n"
    "mail.example.com\n"
    "\n"
    "[web]\n"
    "web[01:03] ansible_user=deploy  # the front ends\n"
    "lb:2222\n"
    "; a comment too\n"
    "[db]\n"
    "db-[a:c]\n"
    "web02\n"
    "[db:vars]\n"
    "port=5432\n"
    "[compute]\n"
    "node[1:9:4]\n"
    "[empty]\n"
    "[prod:children]\n"
    "web\n"
    "db\n"
    "empty\n";

static void
test_ini(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;
	long			 h;

	inv = load("hosts.ini", ini, &d, &errors);
	assert_int_equal(errors, 0);
	/* One note for every variable, at the first. */
	assert_int_equal(d.n, 1);
	expect_diag(&d, "hosts.ini:5:1: warning: inventory variables are "
	    "ignored");
	expect_sel(inv, "all", "mail.example.com web01 web02 web03 lb "
	    "db-a db-b db-c node1 node5 node9");
	expect_sel(inv, "web", "web01 web02 web03 lb");
	expect_sel(inv, "db", "db-a db-b db-c web02");
	expect_sel(inv, "prod", "web01 web02 web03 lb db-a db-b db-c");
	expect_sel(inv, "ungrouped", "mail.example.com");
	expect_sel(inv, "empty", "");
	h = inventory_host(inv, "lb");
	assert_true(h >= 0);
	assert_int_equal(inv->hosts[h].port, 2222);
	assert_int_equal(inv->hosts[h].pos.line, 6);
	assert_true(inventory_group(inv, "prod") >= 0);
	assert_int_equal(inventory_group(inv, "nosuch"), -1);
	inventory_free(inv);
	rb_diags_free(&d);
}

static void
test_ranges(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;

	inv = load("r", "[a]\nn[08:10]\nr[1:2]-[a:b]\nx[:2]\nq[y:B]\n"
	    "[b]\nz[9:11]\n", &d, &errors);
	assert_int_equal(errors, 0);
	expect_sel(inv, "a", "n08 n09 n10 r1-a r1-b r2-a r2-b x0 x1 x2 "
	    "qy qz qA qB");
	expect_sel(inv, "b", "z9 z10 z11");
	inventory_free(inv);
	rb_diags_free(&d);
	/* Letters run a-z then A-Z: Z before a is an empty range. */
	inv = load("r", "[a]\nq[Z:a]\n", &d, &errors);
	assert_int_equal(errors, 1);
	expect_diag(&d, "r:2:1: 'q[Z:a]': a host range's start comes after "
	    "its end");
	inventory_free(inv);
	rb_diags_free(&d);
	inv = load("r", "[a]\nn[01:100]\nn[5:1]\nn[1:]\nn[1:x]\n"
	    "n[1:4:0]\n  n[1:2:3:4]\n", &d, &errors);
	assert_int_equal(errors, 6);
	expect_diag(&d, "r:2:1: 'n[01:100]': a zero-padded host range needs "
	    "its end as wide as its start");
	expect_diag(&d, "r:3:1: 'n[5:1]': a host range's start comes after");
	expect_diag(&d, "r:4:1: 'n[1:]': a host range needs its end");
	expect_diag(&d, "r:5:1: 'n[1:x]': a host range is of numbers or of "
	    "single letters");
	expect_diag(&d, "r:6:1: 'n[1:4:0]': a host range's step is a number");
	expect_diag(&d, "r:7:3: 'n[1:2:3:4]': a host range is [start:end]");
	assert_int_equal(inv->nhosts, 0);
	inventory_free(inv);
	rb_diags_free(&d);
}

/* Huge ranges are refused whole before anything is expanded. */
static void
test_huge(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;

	inv = load("big", "[a]\nn[1:999999999999999999]\n"
	    "m[1:100000][1:100000][1:100000]\nok[1:3]\n", &d, &errors);
	assert_int_equal(errors, 2);
	expect_diag(&d, "big:2:1: 'n[1:999999999999999999]' expands to more "
	    "hosts than the 100000 an inventory may hold: not expanded");
	expect_diag(&d, "big:3:1: 'm[1:100000][1:100000][1:100000]' expands "
	    "to more hosts");
	expect_sel(inv, "all", "ok1 ok2 ok3");
	inventory_free(inv);
	rb_diags_free(&d);
	/* The cap holds across lines too: the host past it is refused. */
	inv = load("big", "[a]\nn[1:100000]\nextra\n", &d, &errors);
	assert_int_equal(errors, 1);
	expect_diag(&d, "big:3:1: more than 100000 hosts");
	assert_int_equal(inv->nhosts, INV_MAX_HOSTS);
	inventory_free(inv);
	rb_diags_free(&d);
}

static void
test_ini_errors(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;

	inv = load("bad.ini",
	    "[web]\n"
	    "a\n"
	    "[web:kids]\n"
	    "b\n"
	    "[x:children]\n"
	    "web\n"
	    "ghost\n"
	    "[y:children]\n"
	    "x\n"
	    "[web:children]\n"
	    "  y\n"
	    "[z]\n"
	    "h1 novalue\n"
	    "-bad\n"
	    "h\xc3\xa9\n"
	    "h:99999\n"
	    "h:1:2\n"
	    "[9lives]\n"
	    "[ok] junk\n"
	    "[self:children]\n"
	    "self\n", &d, &errors);
	expect_diag(&d, "bad.ini:3:1: the section [web:kids] has an unknown "
	    "type: 'kids'");
	expect_diag(&d, "bad.ini:7:1: the group 'ghost' is named as a child "
	    "but never defined");
	expect_diag(&d, "bad.ini:11:3: the group 'y' as a child of 'web' "
	    "makes a cycle");
	expect_diag(&d, "bad.ini:13:1: after the host 'h1', key=value "
	    "variables or a comment, not 'novalue'");
	expect_diag(&d, "bad.ini:14:1: '-bad': a host name must not start "
	    "with '-'");
	expect_diag(&d, "bad.ini:15:1: 'h\xc3\xa9': a host name holds only");
	expect_diag(&d, "bad.ini:16:1: 'h:99999': a port after ':' is a "
	    "number from 1 to 65535");
	expect_diag(&d, "bad.ini:17:1: 'h:1:2': more than one ':'");
	expect_diag(&d, "bad.ini:18:1: '9lives': a group name starts with a "
	    "letter");
	expect_diag(&d, "bad.ini:19:1: text after a section header: 'junk'");
	expect_diag(&d, "bad.ini:21:1: the group 'self' as a child of 'self' "
	    "makes a cycle");
	assert_int_equal(errors, 11);
	/* What is right is kept, b (under the bad section) is not. */
	expect_sel(inv, "all", "a");
	inventory_free(inv);
	rb_diags_free(&d);
	inv = inventory_new();
	errors = inventory_load_text(inv, "nul", "[a]\nx\n\0y\n", 8, INV_INI,
	    &d);
	assert_int_equal(errors, 1);
	expect_diag(&d, "nul:3:1: a NUL byte: not a text file");
	inventory_free(inv);
	rb_diags_free(&d);
}

static void
test_yaml(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;
	static const char	 y[] =
	    "all:\n"
	    "  hosts:\n"
	    "    mail.example.com:\n"
	    "  children:\n"
	    "    web:\n"
	    "      hosts:\n"
	    "        web[1:2]:\n"
	    "          http_port: 80\n"
	    "        lb:2200:\n"
	    "    db:\n"
	    "      hosts: {db1: , db2: }\n"
	    "      vars: {x: 1}\n"
	    "    prod:\n"
	    "      children:\n"
	    "        web:\n"
	    "        db:\n"
	    "          hosts:\n"
	    "            db3:\n"
	    "    empty:\n";

	inv = load("inv.yml", y, &d, &errors);
	assert_int_equal(errors, 0);
	expect_diag(&d, "inv.yml:8:11: warning: inventory variables are "
	    "ignored");
	expect_sel(inv, "all", "mail.example.com web1 web2 lb db1 db2 db3");
	expect_sel(inv, "prod", "web1 web2 lb db1 db2 db3");
	expect_sel(inv, "ungrouped", "mail.example.com");
	expect_sel(inv, "empty", "");
	assert_int_equal(inv->hosts[inventory_host(inv, "lb")].port, 2200);
	inventory_free(inv);
	rb_diags_free(&d);

	/* No extension: sniffed from the first line. */
	inv = load("hosts", "---\nweb:\n  hosts:\n    a:\n", &d, &errors);
	assert_int_equal(errors, 0);
	expect_sel(inv, "web", "a");
	inventory_free(inv);
	rb_diags_free(&d);

	inv = load("bad.yaml",
	    "all:\n"
	    "  children:\n"
	    "    a:\n"
	    "      host:\n"
	    "        x:\n"
	    "    b:\n"
	    "      hosts: [y]\n"
	    "    c:\n"
	    "      children:\n"
	    "        d:\n"
	    "          children:\n"
	    "            c:\n"
	    "    e: [1]\n"
	    "    f:\n"
	    "      children:\n"
	    "        all:\n", &d, &errors);
	expect_diag(&d, "bad.yaml:4:7: unknown key 'host' in the group 'a' "
	    "(hosts, children or vars)");
	expect_diag(&d, "bad.yaml:7:14: the hosts of 'b' are a mapping of "
	    "host names, not a list");
	expect_diag(&d, "bad.yaml:12:13: the group 'c' as a child of 'd' "
	    "makes a cycle");
	expect_diag(&d, "bad.yaml:13:8: the group 'e' is a mapping");
	expect_diag(&d, "bad.yaml:16:9: 'all' cannot be a child group");
	assert_int_equal(errors, 5);
	inventory_free(inv);
	rb_diags_free(&d);

	inv = load("list.yml", "- a\n- b\n", &d, &errors);
	assert_int_equal(errors, 1);
	expect_diag(&d, "list.yml:1:1: an inventory is a mapping of groups");
	inventory_free(inv);
	rb_diags_free(&d);
}

/* A runbook's hosts: mapping, through the loader's own tree. */
static void
test_tree(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	struct yt_node		*root;
	size_t			 errors;
	static const char	 rb[] =
	    "hosts:\n"
	    "  managers: [mgr1, mgr2]\n"
	    "  agents:\n"
	    "    - agent[01:03]\n"
	    "    - mgr2\n"
	    "  everything: [agents, managers, extra]\n"
	    "  spare:\n";

	rb_diags_init(&d);
	root = yt_parse("rb.yaml", rb, strlen(rb), &d);
	assert_non_null(root);
	inv = inventory_new();
	errors = inventory_add_tree(inv, "rb.yaml", root->vals[0], &d);
	errors += inventory_finish(inv, "rb.yaml", &d);
	assert_int_equal(errors, 0);
	expect_sel(inv, "everything", "extra agent01 agent02 agent03 mgr2 "
	    "mgr1");
	expect_sel(inv, "managers:agents", "mgr1 mgr2 agent01 agent02 "
	    "agent03");
	expect_sel(inv, "spare", "");
	inventory_free(inv);
	yt_free(root);
	rb_diags_free(&d);

	static const char bad[] =
	    "hosts:\n"
	    "  all: [a]\n"
	    "  a: [b]\n"
	    "  b: [c, {x: 1}]\n"
	    "  c: [a]\n"
	    "  d: x\n"
	    "  e: [-x]\n";

	root = yt_parse("rb.yaml", bad, strlen(bad), &d);
	inv = inventory_new();
	errors = inventory_add_tree(inv, "rb.yaml", root->vals[0], &d);
	expect_diag(&d, "rb.yaml:2:3: 'all' is implicit (every host) and "
	    "cannot be defined");
	expect_diag(&d, "rb.yaml:4:10: a host name or a group name, not a "
	    "mapping");
	expect_diag(&d, "rb.yaml:5:7: the group 'a' as a child of 'c' makes "
	    "a cycle");
	expect_diag(&d, "rb.yaml:6:6: the group 'd' is a list of host names, "
	    "not 'x'");
	expect_diag(&d, "rb.yaml:7:7: '-x': a host name must not start");
	assert_int_equal(errors, 5);
	inventory_free(inv);
	yt_free(root);
	rb_diags_free(&d);
}

static void
test_command(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	struct rb_pos		 at = { 3, 14 };
	size_t			 errors;

	rb_diags_init(&d);
	inv = inventory_new();
	errors = inventory_add_command(inv, "rb.yaml", at, NULL,
	    "printf 'a1\\n\\n# note\\n  a2  \\r\\na1\\n'", "agents", NULL, 10,
	    &d);
	assert_int_equal(errors, 0);
	expect_sel(inv, "agents", "a1 a2");
	errors = inventory_add_command(inv, "rb.yaml", at, NULL,
	    "echo fine; echo 'no such' >&2; exit 3", NULL, NULL, 10, &d);
	assert_int_equal(errors, 1);
	expect_diag(&d, "rb.yaml:3:14: the inventory command exited 3: no "
	    "such");
	errors = inventory_add_command(inv, "rb.yaml", at, NULL,
	    "printf 'ok\\nbad host\\n-x\\n'", NULL, NULL, 10, &d);
	assert_int_equal(errors, 2);
	expect_diag(&d, "rb.yaml:3:14: line 2 of the inventory command's "
	    "output, 'bad host': a host name holds only");
	expect_diag(&d, "rb.yaml:3:14: line 3 of the inventory command's "
	    "output, '-x'");
	/* A group name that cannot be one is refused before the command
	 * runs. */
	errors = inventory_add_command(inv, "rb.yaml", at, NULL,
	    "touch inventory-cmd-ran", "bad group", NULL, 10, &d);
	assert_int_equal(errors, 1);
	assert_int_equal(access("inventory-cmd-ran", F_OK), -1);
	errors = inventory_add_command(inv, "rb.yaml", at, NULL, "sleep 30", NULL,
	    NULL, 1, &d);
	assert_int_equal(errors, 1);
	expect_diag(&d, "the inventory command took more than 1 seconds");
	expect_sel(inv, "all", "a1 a2 ok");
	inventory_free(inv);
	rb_diags_free(&d);
}

/* The lines of a command's output, read by the model alone (no process):
 * a NUL byte in a line, more than ten bad lines, a group made on first use. */
static void
test_lines(void **state)
{
	static const char	 out[] = "n1\nn\0x\n#c\n\n n2 \n";
	struct rb_diags		 d;
	struct inventory	*inv;
	struct rb_pos		 at = { 7, 3 };
	struct buf		 many;
	size_t			 errors, k;

	(void)state;
	rb_diags_init(&d);
	inv = inventory_new();
	errors = inventory_add_lines(inv, "rb.yaml", at, out, sizeof out - 1,
	    "nodes", &d);
	assert_int_equal(errors, 1);
	expect_diag(&d, "rb.yaml:7:3: line 2 of the inventory command's output "
	    "holds a NUL byte");
	expect_sel(inv, "nodes", "n1 n2");
	buf_init(&many);
	for (k = 0; k < 30; k++)
		buf_puts(&many, "bad name\n");
	errors = inventory_add_lines(inv, "rb.yaml", at, many.data, many.len,
	    NULL, &d);
	assert_int_equal(errors, 10);
	buf_free(&many);
	expect_sel(inv, "all", "n1 n2");
	inventory_free(inv);
	rb_diags_free(&d);
}

static void
test_patterns(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;

	inv = load("hosts.ini", ini, &d, &errors);
	assert_int_equal(errors, 0);
	/* Union in the order written, no duplicates. */
	expect_sel(inv, "db:web", "db-a db-b db-c web02 web01 web03 lb");
	expect_sel(inv, "db,web", "db-a db-b db-c web02 web01 web03 lb");
	expect_sel(inv, "web:&db", "web02");
	expect_sel(inv, "web:!db", "web01 web03 lb");
	/* Exclusions and intersections come after every plain term,
	 * wherever they are written. */
	expect_sel(inv, "!db:web", "web01 web03 lb");
	expect_sel(inv, "&db:prod:!web", "db-a db-b db-c");
	/* With no plain term, all is first. */
	expect_sel(inv, "!prod", "mail.example.com node1 node5 node9");
	expect_sel(inv, "*", "mail.example.com web01 web02 web03 lb db-a "
	    "db-b db-c node1 node5 node9");
	expect_sel(inv, "node*:web0?", "node1 node5 node9 web01 web02 web03");
	expect_sel(inv, "d*", "db-a db-b db-c web02");	/* the group db */
	expect_sel(inv, "~(web|db)0[13]", "web01 web03");
	expect_sel(inv, "web[0]", "web01");
	expect_sel(inv, "web[-1]", "lb");
	expect_sel(inv, "web[1:2]", "web02 web03");
	expect_sel(inv, "web[2:]", "web03 lb");
	expect_sel(inv, "lb, mail.example.com", "lb mail.example.com");
	expect_sel(inv, "empty", "");
	expect_sel(inv, "web:!empty", "web01 web02 web03 lb");
	expect_sel(inv, "weeb", "ERROR: the host pattern 'weeb' matches no "
	    "host and no group");
	expect_sel(inv, "web:!nosuch*", "ERROR: the host pattern 'nosuch*' "
	    "matches no host and no group");
	expect_sel(inv, "web:!", "ERROR: '!' with nothing after it in the "
	    "host pattern 'web:!'");
	expect_sel(inv, " : ", "ERROR: an empty host pattern");
	expect_sel(inv, "web[9]", "ERROR: the subscript [9] of 'web' is past "
	    "its 4 host(s)");
	expect_sel(inv, "~(", "ERROR: the host pattern '~(': Unmatched ( or \\(");
	inventory_free(inv);
	rb_diags_free(&d);
}

/* A host and a group of the same name: the group wins, as in Ansible. */
static void
test_same_name(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	size_t			 errors;

	inv = load("s", "x\n[x]\ny\n", &d, &errors);
	assert_int_equal(errors, 0);
	expect_sel(inv, "x", "y");
	expect_sel(inv, "all", "x y");
	inventory_free(inv);
	rb_diags_free(&d);
}

/* From a file on disk, its form told by its name; a missing file is an
 * error naming it. */
static void
test_file(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv;
	struct inv_sel		 s;
	char			 dir[] = "/tmp/test_inventory.XXXXXX", *path;
	FILE			*f;

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/inv.yaml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("agents:\n  hosts:\n    a[1:2]:\n", f);
	fclose(f);
	rb_diags_init(&d);
	inv = inventory_new();
	assert_int_equal(inventory_load_file(inv, path, INV_AUTO, &d), 0);
	inventory_group_hosts(inv, (size_t)inventory_group(inv, "agents"), &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(inv->hosts[s.v[1]].name, "a2");
	inventory_sel_free(&s);
	/* Read as INI, the same text is a host "agents:" with a bad port. */
	assert_int_equal(inventory_load_file(inv, path, INV_INI, &d), 3);
	unlink(path);
	assert_int_equal(inventory_load_file(inv, path, INV_AUTO, &d), 1);
	expect_diag(&d, path);
	inventory_free(inv);
	rb_diags_free(&d);
	rmdir(dir);
	free(path);
}

/* The INI text of an inventory reads back to the same hosts, ports,
 * groups, children and order, whatever form it came from (this is how a
 * run journals its hosts). */
static void
test_ini_text(void **state)
{
	static const char	 yaml[] =
	    "all:\n  hosts:\n    lone:\n  children:\n    web:\n      hosts:\n"
	    "        w[1:2]:\n        lb:2222:\n    prod:\n      children:\n"
	    "        web:\n        db:\n    db:\n      hosts:\n        d1:\n";
	struct rb_diags		 d;
	struct inventory	*inv, *back;
	char			*text, *again, *cause = NULL;
	size_t			 errors;
	const char		*pats[] = { "all", "web", "prod", "db",
				    "ungrouped", "prod:!db", "web[-1]", NULL };
	size_t			 i;

	(void)state;
	inv = load("inv.yaml", yaml, &d, &errors);
	assert_int_equal(errors, 0);
	text = inventory_ini(inv);
	assert_string_equal(text, "lone\n[web]\nw1\nw2\nlb:2222\n[prod]\n"
	    "[prod:children]\nweb\ndb\n[db]\nd1\n");
	back = inventory_from_ini("journal", text, NULL, &cause);
	assert_non_null(back);
	for (i = 0; pats[i] != NULL; i++) {
		char *a = sel(inv, pats[i]), *b = sel(back, pats[i]);

		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	assert_int_equal(back->hosts[inventory_host(back, "lb")].port, 2222);
	again = inventory_ini(back);
	assert_string_equal(again, text);
	free(again);
	inventory_free(back);
	/* Not INI: said, with where it came from. */
	assert_null(inventory_from_ini("journal", "[a:children]\nnope\n", NULL,
	    &cause));
	assert_non_null(strstr(cause, "journal"));
	assert_non_null(strstr(cause, "'nope' is named as a child but never "
	    "defined"));
	free(cause);
	free(text);
	inventory_free(inv);
	rb_diags_free(&d);
}

/* --limit: every later selection is narrowed, subscripts still count the
 * whole group (as Ansible's), a limit selecting nothing is refused, and
 * so is a second one; the INI text keeps every host. */
static void
test_limit(void **state)
{
	struct rb_diags		 d;
	struct inventory	*inv, *back;
	char			*cause = NULL, *text, *line;
	size_t			 errors;

	(void)state;
	inv = load("inv.ini", ini, &d, &errors);
	assert_int_equal(errors, 0);
	assert_int_equal(inventory_limit(inv, "nothere*", &cause), -1);
	assert_string_equal(cause, "the host pattern 'nothere*' matches no "
	    "host and no group");
	free(cause);
	assert_int_equal(inventory_limit(inv, "web:!lb", &cause), 0);
	expect_sel(inv, "all", "web01 web02 web03");
	expect_sel(inv, "db", "web02");
	expect_sel(inv, "web[0]", "web01");
	/* lb is out, but web[-1] is lb: it selects nothing, no error. */
	expect_sel(inv, "web[-1]", "");
	expect_sel(inv, "compute", "");
	assert_int_equal(inventory_count(inv), 3);
	line = inventory_hosts_line(inv);
	assert_string_equal(line, "web01 web02 web03");
	free(line);
	/* One limit: what narrows further is the pattern itself. */
	assert_int_equal(inventory_limit(inv, "db", &cause), -1);
	assert_string_equal(cause, "one limit at a time (there is 'web:!lb' "
	    "already)");
	free(cause);
	assert_string_equal(inv->limit, "web:!lb");
	text = inventory_ini(inv);
	assert_non_null(strstr(text, "lb:2222\n"));
	back = inventory_from_ini("journal", text, inv->limit, &cause);
	assert_non_null(back);
	expect_sel(back, "all", "web01 web02 web03");
	inventory_free(back);
	free(text);
	inventory_free(inv);
	rb_diags_free(&d);
}

/* A pattern checked without hosts: its terms and regular expressions. */
static void
test_pattern_check(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(inventory_pattern_check("agents:!node1", &cause), 0);
	assert_int_equal(inventory_pattern_check("~node[0-9]+", &cause), 0);
	assert_int_equal(inventory_pattern_check("a,!", &cause), -1);
	assert_string_equal(cause, "'!' with nothing after it in the host "
	    "pattern 'a,!'");
	free(cause);
	assert_int_equal(inventory_pattern_check("~(", &cause), -1);
	assert_non_null(strstr(cause, "the host pattern '~(': "));
	free(cause);
}

static struct runbook *
rb_write_load(const char *dir, const char *name, const char *text,
    struct rb_diags *d)
{
	char		*path = xasprintf("%s/%s", dir, name);
	FILE		*f;
	struct runbook	*rb;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	rb_diags_init(d);
	rb = runbook_load(path, d);
	free(path);
	return rb;
}

#define RB_HEAD	"stepup: 1\nproduct: P\nversions:\n  scheme: semver\n" \
	"  installed: {ask: V?}\n  available: [1.0.0, 2.0.0]\n"

/* The hosts of a run resolved from the runbook's `hosts:` and its
 * `inventory:` file (relative to the runbook), or --inventory instead,
 * or a command; each `on:` checked then, at its line; --limit last. */
static void
test_resolve(void **state)
{
	char			 dir[] = "/tmp/test_inventory.XXXXXX", *path;
	struct rb_diags		 d;
	struct runbook		*rb;
	struct inventory	*inv;
	struct inv_where	 w;
	char			*text, *source, *t;
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/cluster.ini", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("[managers]\nm1\n[workers]\nw[1:2]\n[agents:children]\n"
	    "managers\nworkers\n", f);
	fclose(f);
	/* `agents` is only in the file: the runbook loads, its `on:` is
	 * checked once the hosts are resolved. */
	rb = rb_write_load(dir, "rb.yaml", RB_HEAD
	    "inventory: {file: cluster.ini}\nhosts:\n  head: [h1]\n"
	    "  managers: [m0]\n"
	    "hop:\n  - {id: a, action: A, run: x, on: agents}\n"
	    "  - {id: b, action: B, run: x, on: 'head:managers'}\n", &d);
	assert_non_null(rb);
	assert_int_equal(d.n_errors, 0);
	rb_diags_free(&d);
	memset(&w, 0, sizeof w);
	rb_diags_init(&d);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    0);
	assert_string_equal(source, path);
	/* A group both name has the hosts of both. */
	expect_sel(inv, "managers", "m0 m1");
	expect_sel(inv, "agents", "m0 m1 w1 w2");
	expect_sel(inv, "all", "h1 m0 m1 w1 w2");
	assert_string_equal(text, "[head]\nh1\n[managers]\nm0\nm1\n[workers]\n"
	    "w1\nw2\n[agents]\n[agents:children]\nmanagers\nworkers\n");
	inventory_free(inv);
	free(text);
	free(source);
	/* --limit narrows; one that selects nothing is an error. */
	w.limit = "w2";
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    0);
	expect_sel(inv, "agents", "w2");
	inventory_free(inv);
	free(text);
	free(source);
	w.limit = "x*";
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	assert_null(inv);
	expect_diag(&d, "rb.yaml:0:0: --limit x*: the host pattern 'x*' "
	    "matches no host and no group");
	rb_diags_free(&d);
	/* --inventory replaces the file, not `hosts:`: here it has no
	 * `agents`, and the step's `on:` says so at its line. */
	t = xasprintf("%s/other.ini", dir);
	assert_non_null(f = fopen(t, "w"));
	fputs("[managers]\nm9\n", f);
	fclose(f);
	w.limit = NULL;
	w.file = t;
	rb_diags_init(&d);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	expect_diag(&d, "rb.yaml:12:36: 'on' of step a: the host pattern "
	    "'agents' matches no host and no group in the inventory (");
	rb_diags_free(&d);
	unlink(t);
	free(t);
	/* A file that is not there is said where it is named. */
	rb_diags_init(&d);
	w.file = "/nonexistent/x.ini";
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	expect_diag(&d, "rb.yaml:0:0: --inventory /nonexistent/x.ini: No such "
	    "file or directory");
	w.file = NULL;
	unlink(path);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	expect_diag(&d, "rb.yaml:7:19: the inventory file ");
	expect_diag(&d, "cluster.ini: No such file or directory");
	rb_diags_free(&d);
	runbook_free(rb);

	/* A command, in the runbook's directory, into its group. */
	rb = rb_write_load(dir, "cmd.yaml", RB_HEAD
	    "inventory: {command: cat hosts.txt, group: agents, timeout: 5}\n"
	    "hop:\n  - {id: a, action: A, run: x, on: agents}\n", &d);
	assert_non_null(rb);
	assert_int_equal(rb->inv_source.timeout, 5);
	rb_diags_free(&d);
	t = xasprintf("%s/hosts.txt", dir);
	assert_non_null(f = fopen(t, "w"));
	fputs("n1\nn2\n", f);
	fclose(f);
	memset(&w, 0, sizeof w);
	rb_diags_init(&d);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    0);
	assert_string_equal(source, "the command 'cat hosts.txt'");
	expect_sel(inv, "agents", "n1 n2");
	inventory_free(inv);
	free(text);
	free(source);
	/* The command fails: an error at the command, no hosts. */
	unlink(t);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	assert_null(inv);
	expect_diag(&d, "cmd.yaml:7:22: the inventory command exited 1: cat: "
	    "hosts.txt:");
	rb_diags_free(&d);
	free(t);
	runbook_free(rb);

	/* No hosts at all: nothing, and a limit is an error. */
	rb = rb_write_load(dir, "none.yaml", RB_HEAD
	    "hop:\n  - {id: a, action: A, run: x}\n", &d);
	assert_non_null(rb);
	rb_diags_free(&d);
	rb_diags_init(&d);
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    0);
	assert_null(inv);
	w.limit = "a";
	assert_int_equal(inventory_resolve(rb, &w, &inv, &text, &source, &d),
	    1);
	expect_diag(&d, "--limit a: the runbook has no hosts");
	rb_diags_free(&d);
	runbook_free(rb);
	t = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(t), 0);
	free(t);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_yaml),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_same_name),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_ini_text),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_pattern_check),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
