/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_runbook.c: the runbook loader on valid and malformed inputs, with
 * the exact message and position of every problem, and on hostile files
 * generated here (deep nesting, huge scalars, billion laughs). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "runbook.h"
#include "util.h"

/* Six lines every case below may start with. */
#define BASE "stepup: 1\nproduct: P\nversions:\n  scheme: semver\n" \
	"  installed: {ask: q}\n  available: [1.0.0]\n"
/* A valid phase, for cases about other parts. */
#define HOP "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Load a path; return what lint would print (caller frees). */
static char *
load_path(const char *path, struct runbook **rbp)
{
	struct rb_diags	 d;
	struct runbook	*rb;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	rb_diags_init(&d);
	rb = runbook_load(path, &d);
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

/* Load text as t.yaml. */
static char *
load_text(const char *text, size_t len, struct runbook **rbp)
{
	write_file("t.yaml", text, len);
	return load_path("t.yaml", rbp);
}

/* ---- table: input and the exact output ----------------------------------- */

struct tcase {
	const char	*yaml;
	const char	*want;
};

static const struct tcase cases[] = {
	/* 0: the smallest valid runbook */
	{ BASE HOP, "" },
	/* 1: empty file, and one with only a comment */
	{ "", "t.yaml: empty file: a runbook starts with 'stepup: 1'\n" },
	{ "# nothing\n\n",
	  "t.yaml: nothing but comments: a runbook starts with 'stepup: 1'\n" },
	{ "\n  \n", "t.yaml: empty file: a runbook starts with 'stepup: 1'\n" },
	/* 3: not a mapping */
	{ "- a\n", "t.yaml:1:1: a runbook is a YAML mapping (stepup: 1, "
	  "product: ..., versions: ..., steps), found a list\n" },
	/* 4: YAML syntax error, at libyaml's position */
	{ "stepup: 1\nproduct: [x\n",
	  "t.yaml:3:1: YAML syntax error: did not find expected ',' or ']' "
	  "(while parsing a flow sequence at line 2, column 10)\n" },
	/* 5: a tab in the indentation */
	{ "stepup: 1\nversions:\n\tscheme: semver\n",
	  "t.yaml:3:1: tab character in indentation: YAML indents with "
	  "spaces only\n" },
	/* 6: binary, invalid UTF-8, control characters */
	{ "stepup: 1\nproduct: \x01\n", "t.yaml:2:10: control character "
	  "U+0001 is not allowed in a runbook\n" },
	{ "stepup: 1\nproduct: caf\xc3\n", "t.yaml:2:13: invalid UTF-8 "
	  "(byte 0xc3): a runbook is a UTF-8 text file\n" },
	{ "stepup: 1\nproduct: \xc0\xaf\n", "t.yaml:2:10: invalid UTF-8 "
	  "(byte 0xc0): a runbook is a UTF-8 text file\n" },
	/* 9: several documents */
	{ BASE HOP "---\nstepup: 1\n", "t.yaml:9:1: a second YAML document "
	  "('---'): a runbook is one document\n" },
	/* 10: anchors are harmless, aliases refused */
	{ "stepup: 1\nproduct: &p P\ndescription: *p\n", "t.yaml:3:14: "
	  "YAML aliases (*p) are not allowed in a runbook: write the value "
	  "out\n" },
	/* 11: duplicate keys, reported at the second, the first kept */
	{ BASE "product: Q\n" HOP, "t.yaml:7:1: duplicate key 'product' "
	  "(first at line 2, column 1)\n" },
	/* 12: the format version */
	{ "stepup: 2\nproduct: P\nversions:\n  scheme: semver\n"
	  "  installed: {ask: q}\n  available: [1.0.0]\n" HOP,
	  "t.yaml:1:9: unsupported runbook format '2': this stepup reads "
	  "format 1\n" },
	/* 13: missing required keys, at the mapping */
	{ "product: P\n" HOP,
	  "t.yaml:1:1: missing 'stepup: 1' (the runbook format version)\n"
	  "t.yaml:1:1: missing 'versions' (scheme, installed, available)\n" },
	/* 14: unknown keys, with and without a suggestion */
	{ BASE HOP "prodcut: X\nfrobnicate: 1\n",
	  "t.yaml:9:1: unknown key 'prodcut' in the runbook; did you mean "
	  "'product'?\n"
	  "t.yaml:10:1: unknown key 'frobnicate' in the runbook (known keys: "
	  "stepup, product, description, versions, policy, vars, prepare, "
	  "hop, finish, rollback, rollback-warning, hosts, forks, inventory, "
	  "transport)\n" },
	/* 15: wrong types say what was expected and what was found */
	{ "stepup: 1\nproduct: {name: P}\nversions: [semver]\n" HOP,
	  "t.yaml:2:10: 'product' must be a string, found a mapping\n"
	  "t.yaml:3:11: 'versions' must be a mapping (scheme, series, "
	  "installed, available), found a list\n" },
	/* 16: versions */
	{ "stepup: 1\nproduct: P\nversions:\n  scheme: semvr\n"
	  "  series: minor\n  kinds: [a, b, c, d]\n"
	  "  installed: {command: x, ask: y}\n  available: []\n" HOP,
	  "t.yaml:4:11: 'scheme' must be semver, calver, pep440 or loose, "
	  "found 'semvr'; did you mean 'semver'?\n"
	  "t.yaml:5:11: 'series' must be major, major.minor or "
	  "major.minor.patch, found 'minor'; did you mean 'major'?\n"
	  "t.yaml:6:10: 'kinds' must be a list of 1 to 3 words (e.g. "
	  "[major, minor, patch]), found a longer list\n"
	  "t.yaml:7:3: 'installed' has both 'command' and 'ask': give "
	  "exactly one\n"
	  "t.yaml:8:14: 'available' lists no version\n" },
	/* 17: versions: missing parts, bad items */
	{ "stepup: 1\nproduct: P\nversions:\n  kinds: [Major, redeploy]\n"
	  "  available: [1.0, {v: 2}, 2 .0]\n" HOP,
	  "t.yaml:3:1: 'versions' needs 'scheme' (semver, calver, pep440 or "
	  "loose)\n"
	  "t.yaml:3:1: 'versions' needs 'installed' ({command: CMD} or "
	  "{ask: QUESTION})\n"
	  "t.yaml:4:11: a hop kind must be a lowercase word, found 'Major'\n"
	  "t.yaml:4:18: 'redeploy' is the kind of a redeploy hop; it cannot "
	  "name a version component\n"
	  "t.yaml:5:20: an available version must be a version string, found "
	  "a mapping\n"
	  "t.yaml:5:28: an available version '2 .0' has a space in it\n" },
	/* 19: policy */
	{ BASE HOP "policy:\n  within-series: consecutve\n  skip-series: yes\n"
	  "  required-stops: 1.0\n  redeploy-at: [{reason: r}]\n"
	  "  one-minor: true\n",
	  "t.yaml:10:18: 'within-series' must be any or consecutive, found "
	  "'consecutve'; did you mean 'consecutive'?\n"
	  "t.yaml:11:16: 'skip-series' must be true, false or the number of "
	  "series one hop may pass over, found 'yes'\n"
	  "t.yaml:12:19: 'required-stops' must be a list of versions or "
	  "{at: V, reason: TEXT}, found '1.0'\n"
	  "t.yaml:13:17: an item of 'redeploy-at' needs 'at' (the first "
	  "version past the boundary)\n"
	  "t.yaml:14:3: unknown key 'one-minor' in policy; did you mean "
	  "'one-minor-at-a-time'?\n" },
	/* 20: variable names and sources */
	{ BASE HOP "vars:\n  STEPUP_X: {ask: q}\n  1bad: {value: v}\n"
	  "  two: {ask: q, env: E}\n  none: {secret: true}\n"
	  "  fixed: {value: v, default: d}\n  str: text\n",
	  "t.yaml:10:3: variable name 'STEPUP_X': names starting with STEPUP_ "
	  "are stepup's own\n"
	  "t.yaml:11:3: variable name '1bad' must match [A-Za-z_][A-Za-z0-9_]* "
	  "(it is an environment variable)\n"
	  "t.yaml:12:22: variable 'two' has both 'ask' and 'env': give exactly "
	  "one\n"
	  "t.yaml:13:3: variable 'none' needs one of 'ask' (a question), "
	  "'value', 'env' (an environment variable), 'file' or 'command' (a "
	  "secret read from it)\n"
	  "t.yaml:14:21: variable 'fixed' has a 'value'; 'default' is for "
	  "'ask' and 'env'\n"
	  "t.yaml:15:8: variable 'str' must be a mapping ({ask: Q}, {value: V} "
	  "or {env: NAME}), found 'text'\n" },
	/* 21: patterns and choices */
	{ BASE HOP "vars:\n  a: {ask: q, pattern: \"x(\"}\n"
	  "  b: {ask: q, pattern: \"[0-9]+\", default: 12x}\n"
	  "  c: {ask: q, choices: [s, m], default: l}\n"
	  "  d: {ask: q, choices: []}\n  e: {env: 'not a name'}\n",
	  "t.yaml:10:24: 'pattern' is not a valid POSIX extended regular "
	  "expression: Unmatched ( or \\(\n"
	  "t.yaml:11:43: the default '12x' of variable 'b' does not match its "
	  "pattern\n"
	  "t.yaml:12:41: the default 'l' of variable 'c' is not one of its "
	  "choices\n"
	  "t.yaml:13:24: 'choices' must be a non-empty list of answers, found "
	  "an empty list\n"
	  "t.yaml:14:12: 'env' must name an environment variable "
	  "([A-Za-z_][A-Za-z0-9_]*), found 'not a name'\n" },
	/* 22: an empty phase, a phase of the wrong type */
	{ BASE HOP "prepare: []\nfinish:\nrollback: {id: x}\n",
	  "t.yaml:9:1: empty phase 'prepare': add steps or remove the key\n"
	  "t.yaml:10:1: empty phase 'finish': add steps or remove the key\n"
	  "t.yaml:11:11: 'rollback' must be a list of steps, found a mapping\n" },
	/* 23: only rollback steps is no runbook */
	{ BASE "rollback:\n  - {id: r, manual: Restore}\n",
	  "t.yaml:1:1: no steps: a runbook needs a 'prepare', 'hop' or "
	  "'finish' phase\n" },
	/* 24: steps that are not mappings, without id, with a bad id */
	{ BASE "hop:\n  - just words\n  - {check: c, run: r}\n"
	  "  - {id: Bad_Id, manual: m}\n",
	  "t.yaml:8:5: a step must be a mapping (id: ..., action: ...), "
	  "found 'just words'\n"
	  "t.yaml:9:5: a step needs an 'id'\n"
	  "t.yaml:10:10: step id 'Bad_Id' must match [a-z0-9][a-z0-9_-]*\n" },
	/* 25: no kind, two kinds, an empty title */
	{ BASE "hop:\n  - {id: a, run: r}\n  - {id: b, check: c, action: a, "
	  "run: r}\n  - {id: c, manual: \"  \"}\n  - {id: d, manual: [x]}\n",
	  "t.yaml:8:5: step 'a' has no kind: give one of read, check, action, "
	  "confirm or manual, with its title\n"
	  "t.yaml:9:23: step 'b' has both 'check' and 'action': a step has "
	  "exactly one kind\n"
	  "t.yaml:10:21: the title of step 'c' ('manual') is empty\n"
	  "t.yaml:11:21: the title of step 'd' ('manual') must be a string, "
	  "found a list\n" },
	/* 26: keys of other kinds, unknown step keys */
	{ BASE "hop:\n  - id: a\n    check: c\n    run: r\n    undo: u\n"
	  "    phrase: p\n    udno: x\n",
	  "t.yaml:11:5: 'undo' is only for action steps, and step 'a' is a "
	  "check step\n"
	  "t.yaml:12:5: 'phrase' is only for confirm steps, and step 'a' is a "
	  "check step\n"
	  "t.yaml:13:5: unknown key 'udno' in step 'a'; did you mean 'undo'?\n" },
	/* 27: what each kind needs */
	{ BASE "hop:\n  - {id: a, check: c}\n  - {id: b, action: a}\n"
	  "  - {id: c, confirm: Go}\n  - {id: d, confirm: Go, phrase: ''}\n"
	  "  - {id: e, read: r}\n  - {id: f, read: r, file: x, run: y}\n"
	  "  - {id: g, manual: m, run: x}\n",
	  "t.yaml:8:5: check step 'a' needs 'run' (the command)\n"
	  "t.yaml:9:5: action step 'b' needs 'run' (the command)\n"
	  "t.yaml:10:5: confirm step 'c' needs a non-empty 'phrase' (the "
	  "exact words to type)\n"
	  "t.yaml:11:34: 'phrase' must not be empty\n"
	  "t.yaml:12:5: read step 'e' needs one of 'file', 'run' or 'text' "
	  "(the document to read)\n"
	  "t.yaml:13:31: read step 'f' has both 'file' and 'run': give "
	  "exactly one document\n"
	  "t.yaml:14:24: 'run' is only for read, check and action steps, and "
	  "step 'g' is a manual step\n" },
	/* 28: timeouts, severity, booleans */
	{ BASE "hop:\n  - {id: a, check: c, run: r, timeout: 5x}\n"
	  "  - {id: b, check: c, run: r, timeout: 0}\n"
	  "  - {id: c, check: c, run: r, timeout: 8d}\n"
	  "  - {id: d, check: c, run: r, severity: error, optional: 1}\n"
	  "  - {id: e, action: a, run: r, undo: u, severity: warn}\n",
	  "t.yaml:8:40: 'timeout' must be seconds, or a duration like 90s, 10m "
	  "or 2h (at most a week), found '5x'\n"
	  "t.yaml:9:40: 'timeout' must be seconds, or a duration like 90s, 10m "
	  "or 2h (at most a week), found '0'\n"
	  "t.yaml:10:40: 'timeout' must be seconds, or a duration like 90s, "
	  "10m or 2h (at most a week), found '8d'\n"
	  "t.yaml:11:41: 'severity' must be fail or warn, found 'error'\n"
	  "t.yaml:11:58: 'optional' must be true or false, found '1'\n"
	  "t.yaml:12:41: 'severity' is only for check steps, and step 'e' is "
	  "an action step\n" },
	/* 29: per-hop and when belong to phases */
	{ BASE "prepare:\n  - {id: a, manual: m, when: major}\n"
	  "hop:\n  - {id: b, manual: m, per-hop: true}\n"
	  "  - {id: c, manual: m, when: [minor, mayor]}\n",
	  "t.yaml:8:24: 'when' is only for hop steps; step 'a' is a prepare "
	  "step\n"
	  "t.yaml:10:24: 'per-hop' is only for prepare and finish steps (hop "
	  "steps run for every hop already)\n"
	  "t.yaml:11:38: 'when: mayor' is not a hop kind of this runbook; "
	  "expected major, minor, patch or redeploy\n" },
	/* 30: when follows versions.kinds */
	{ "stepup: 1\nproduct: P\nversions:\n  scheme: calver\n"
	  "  kinds: [major, major, minor]\n  installed: {ask: q}\n"
	  "  available: [23.09.1]\nhop:\n  - {id: a, manual: m, when: patch}\n",
	  "t.yaml:9:30: 'when: patch' is not a hop kind of this runbook; "
	  "expected major, minor or redeploy\n" },
	/* 31: duplicate ids, in any phases */
	{ BASE "prepare:\n  - {id: a, manual: m}\nfinish:\n"
	  "  - {id: a, manual: n}\n",
	  "t.yaml:10:10: duplicate step id 'a' (first at line 8, column 10)\n" },
	/* 32: needs: unknown (with a guess), later phase, rollback */
	{ BASE "prepare:\n  - {id: backup, manual: m, needs: [bakup]}\n"
	  "  - {id: b, manual: m, needs: [later]}\n"
	  "  - {id: c, manual: m, needs: [r]}\n"
	  "finish:\n  - {id: later, manual: m}\n"
	  "rollback:\n  - {id: r, manual: m, needs: later}\n",
	  "t.yaml:8:37: step 'backup' needs 'bakup', which is not a step; did "
	  "you mean 'backup'?\n"
	  "t.yaml:9:32: prepare step 'b' needs 'later', a later finish step: a "
	  "step needs steps of its own phase or an earlier one\n"
	  "t.yaml:10:32: step 'c' needs 'r', a rollback step: rollback steps "
	  "need only rollback steps, and others no rollback step\n"
	  "t.yaml:14:31: step 'r' needs 'later', a finish step: rollback steps "
	  "need only rollback steps, and others no rollback step\n" },
	/* 33: needs cycles, including a step needing itself */
	{ BASE "hop:\n  - {id: a, manual: m, needs: [c]}\n"
	  "  - {id: b, manual: m, needs: [a]}\n"
	  "  - {id: c, manual: m, needs: [b]}\n"
	  "  - {id: d, manual: m, needs: [d]}\n",
	  "t.yaml:9:32: 'needs' forms a cycle: a -> c -> b -> a\n"
	  "t.yaml:11:32: 'needs' forms a cycle: d -> d\n" },
	/* 34: $NAMEs: STEPUP_ names must exist; others warn */
	{ BASE "vars:\n  backup_dir: {value: /b}\n"
	  "hop:\n  - {id: go, confirm: To $STEPUP_TOO, phrase: \"$backupdir\"}\n"
	  "  - id: a\n    action: x\n    run: |\n      true\n"
	  "      cp \"$STEPUP_ARTIFACT_dump\" \"${STEPUP_HOP_TO}\"\n"
	  "    undo: \"true\"\n",
	  "t.yaml:10:26: $STEPUP_TOO in the title of step 'go' is not a name "
	  "stepup sets; did you mean $STEPUP_TO?\n"
	  "t.yaml:10:48: warning: $backupdir in 'phrase' of step 'go' is not a "
	  "runbook variable; did you mean $backup_dir?\n"
	  "t.yaml:15:11: $STEPUP_ARTIFACT_dump in 'run' of step 'a': no step "
	  "with 'produces' has the id 'dump'\n" },
	/* 35: artifact names must not collide */
	{ BASE "hop:\n  - {id: a-b, action: x, run: r, produces: /x}\n"
	  "  - {id: a_b, action: y, run: r, produces: /y}\n",
	  "t.yaml:9:10: steps 'a-b' and 'a_b' would both pass their artifact "
	  "as $STEPUP_ARTIFACT_a_b: rename one\n" },
	/* 36: a mapping key that is not a string */
	{ "stepup: 1\n? [a]\n: b\n", "t.yaml:2:3: a mapping key must be a "
	  "plain string, found a list\n" },
	/* 37: a NUL written as an escape */
	{ "stepup: 1\nproduct: \"a\\0b\"\n", "t.yaml:2:10: a string holds a "
	  "NUL character (\\0)\n" },
	/* 38: boundaries and stops as {at, reason} */
	{ BASE HOP "policy:\n  no-upgrade-across:\n"
	  "    - {at: 2.0.0, reason: r, why: w}\n    - [2.0.0]\n",
	  "t.yaml:11:30: unknown key 'why' in an item of 'no-upgrade-across' "
	  "(known keys: at, reason, when)\n"
	  "t.yaml:12:7: an item of 'no-upgrade-across' must be a version or "
	  "{at: V, reason: TEXT}, found a list\n" },
	/* 39: installed and available of the wrong shapes */
	{ "stepup: 1\nproduct: P\nversions:\n  scheme: loose\n"
	  "  installed: uname -r\n  available: {cmd: x}\n" HOP,
	  "t.yaml:5:14: 'installed' must be a mapping, {command: CMD} or "
	  "{ask: QUESTION}, found 'uname -r'\n"
	  "t.yaml:6:3: 'available' needs 'command' (printing one version a "
	  "line), or give a list of versions\n"
	  "t.yaml:6:15: unknown key 'cmd' in available (known keys: "
	  "command)\n" },
	/* 41: a format version that is no scalar; quoted booleans (and a
	 * confirmation cannot be optional) */
	{ "stepup:\nproduct: P\nversions:\n  scheme: semver\n"
	  "  installed: {ask: q}\n  available: [1.0.0]\n"
	  "hop:\n  - {id: go, confirm: Go, phrase: yes, optional: 'true'}\n",
	  "t.yaml:1:8: 'stepup' must be the format version, 1; found nothing\n"
	  "t.yaml:8:50: confirm step 'go' cannot be optional: a confirmation "
	  "gates every step after it and is never skipped; remove "
	  "'optional'\n" },
	/* a confirm step is never optional; optional: false is fine */
	{ BASE "prepare:\n  - {id: a, confirm: A, phrase: a, optional: false}\n"
	  "  - id: go\n    confirm: Go\n    phrase: yes\n"
	  "    optional: true\n",
	  "t.yaml:12:15: confirm step 'go' cannot be optional: a "
	  "confirmation gates every step after it and is never skipped; "
	  "remove 'optional'\n" },
	/* 40: a name a variable is read from is known; another STEPUP_
	 * name that is no typo comes from the environment (a warning) */
	{ BASE "vars:\n  d: {env: STEPUP_DEMO_DIR}\n"
	  "hop:\n  - {id: a, check: c, run: 'ls \"$STEPUP_DEMO_DIR\" "
	  "\"$STEPUP_OTHER_THING\"'}\n",
	  "t.yaml:10:52: warning: $STEPUP_OTHER_THING in 'run' of step 'a' is "
	  "not a name stepup sets: it will come from stepup's environment\n" },
	/* issue 13: until, outputs, user */
	{ BASE "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, check: c, run: x, until: {interval: 5x, within: 10m}}\n",
	  "t.yaml:9:49: 'until: interval' must be seconds, or a duration "
	  "like 5s, 10m or 1h (at most a week), found '5x'\n" },
	{ BASE "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, check: c, run: x, until: {interval: 5m, within: "
	  "1m, timeout-means: later}}\n",
	  "t.yaml:9:38: 'until' of step 'a' waits 300 s between attempts "
	  "but gives up after 60 s: 'interval' must not be longer than "
	  "'within'\n"
	  "t.yaml:9:80: 'timeout-means' must be fail or warn, found 'later'\n" },
	{ BASE "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes, until: {interval: 1s, "
	  "within: 1m}, user: postgres}\n"
	  "  - {id: a, check: c, run: x, until: {within: 1m, every: 1s}}\n",
	  "t.yaml:8:40: 'until' is only for check and action steps, and "
	  "step 'go' is a confirm step\n"
	  "t.yaml:8:75: 'user' is only for check and action steps, and "
	  "step 'go' is a confirm step\n"
	  "t.yaml:9:31: 'until' needs 'interval' (a duration like 5s, "
	  "10m or 1h)\n"
	  "t.yaml:9:51: unknown key 'every' in 'until' (known keys: interval, "
	  "within, timeout-means, fail-on)\n" },
	{ BASE "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, check: c, run: x, until: {interval: 1s, within: 1m, "
	  "fail-on: [3, 0, 256, x, [1]]}}\n"
	  "  - {id: b, check: c, run: x, until: {interval: 1s, within: 1m, "
	  "fail-on: {a: 1}}}\n",
	  "t.yaml:9:78: 'until: fail-on' takes exit statuses from 1 to 255 "
	  "(0 is a pass), found '0'\n"
	  "t.yaml:9:81: 'until: fail-on' takes exit statuses from 1 to 255 "
	  "(0 is a pass), found '256'\n"
	  "t.yaml:9:86: 'until: fail-on' takes exit statuses from 1 to 255 "
	  "(0 is a pass), found 'x'\n"
	  "t.yaml:9:89: 'until: fail-on' takes exit statuses from 1 to 255 "
	  "(0 is a pass), found a list\n"
	  "t.yaml:10:74: 'until: fail-on' must be an exit status or a list "
	  "of them (1 to 255), found a mapping\n" },
	{ BASE "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, check: c, run: x, outputs: [lsn, {name: STEPUP_X}, "
	  "9z, {name: lsn}, {secret: true}]}\n"
	  "  - {id: b, action: \"B $lsn\", run: x, outputs: [lsn], on-failure: "
	  "none}\n",
	  "t.yaml:9:53: output 'STEPUP_X' of step 'a' must be a name "
	  "[A-Za-z_][A-Za-z0-9_]* (at most 128) that does not start with "
	  "STEPUP_\n"
	  "t.yaml:9:64: output '9z' of step 'a' must be a name [A-Za-z_][A-Za-z0-9_]* "
	  "(at most 128) that does not start with STEPUP_\n"
	  "t.yaml:9:75: step 'a' declares output 'lsn' twice\n"
	  "t.yaml:9:81: an item of 'outputs' needs a 'name'\n"
	  "t.yaml:10:24: $lsn in the title of step 'b' is an output of "
	  "step 'a': outputs reach commands (as environment variables), "
	  "not texts, which are laid out before any command runs\n"
	  "t.yaml:10:49: output 'lsn' of step 'b' is declared by step "
	  "'a' already (line 9): one step sets each value\n" },
	{ BASE "vars:\n"
	  "  v: {value: x}\n"
	  "hop:\n"
	  "  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, check: c, run: x, user: \"Post gres\", outputs: [v]}\n"
	  "  - {id: b, check: c, run: x, user: postgres, outputs: [w]}\n"
	  "  - {id: c, check: c, run: x, user: postgres, until: {interval: "
	  "1s, within: 1s, timeout-means: warn}, outputs: []}\n",
	  "t.yaml:11:37: 'user' of step 'a' must be a login name ([a-z_][a-z0-9_.-]*, "
	  "at most 32), found 'Post gres'\n"
	  "t.yaml:11:60: output 'v' of step 'a' is also a runbook variable: "
	  "give it another name\n"
	  "t.yaml:12:5: step 'b' runs as user 'postgres' and sets outputs: "
	  "a command run as another user cannot write $STEPUP_OUTPUT, "
	  "which is in stepup's state directory; print the value and "
	  "set it in a step of its own\n" },
	/* 41: derived values: a cycle, an unknown name, a STEPUP_ name not
	 * known yet, a secret in a value that is not, a bad ${, itself */
	{ BASE HOP "vars:\n  a: {value: \"$b/x\"}\n  b: {ask: q, default: "
	  "\"${c}y\"}\n  c: {env: C, default: $a}\n"
	  "  d: {value: \"$nope and $$literal\"}\n"
	  "  e: {ask: q, default: \"$STEPUP_TO/x\"}\n"
	  "  pw: {ask: q, secret: true}\n  f: {value: \"u:$pw\"}\n"
	  "  g: {value: \"${g\"}\n  h: {value: $h}\n",
	  "t.yaml:10:14: variable 'a' is part of a cycle of values: a -> b -> "
	  "c -> a\n"
	  "t.yaml:13:14: variable 'd' names $nope, which is not a variable of "
	  "this runbook (declare it under vars, e.g. {env: nope})\n"
	  "t.yaml:14:24: variable 'e' names $STEPUP_TO, which is not known "
	  "when variables are resolved (before the plan): only "
	  "$STEPUP_RUNBOOK_DIR is\n"
	  "t.yaml:16:14: variable 'f' names the secret $pw: a value made from "
	  "a secret must be secret too\n"
	  "t.yaml:17:14: variable 'g': \"${\" at column 1 is not followed by "
	  "a variable name and \"}\"\n"
	  "t.yaml:18:14: variable 'h' names itself\n" },
	/* 44: STEPUP_ROLLBACK_TO is set for rollback steps and undo
	 * commands only; rollback-warning is a text or {start, hop} */
	{ BASE "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: a, action: A, run: 'echo \"$STEPUP_ROLLBACK_TO\"', "
	  "undo: 'echo \"$STEPUP_ROLLBACK_TO\"'}\n"
	  "rollback:\n  - {id: r, action: R, run: 'echo \"$STEPUP_ROLLBACK_TO\"'}\n"
	  "rollback-warning: {start: s, hop: h, other: x}\n",
	  "t.yaml:9:36: warning: $STEPUP_ROLLBACK_TO in 'run' of step 'a' is "
	  "not a name stepup sets: it will come from stepup's environment\n"
	  "t.yaml:12:38: unknown key 'other' in rollback-warning (known keys: "
	  "start, hop)\n" },
	/* 46: secrets from a file or a command, and their checks */
	{ BASE "vars:\n  a: {file: /x, secret: false}\n  b: {command: c, default: d}\n"
	  "  c: {ask: q, check: chk}\n  d: {ask: q, secret: true, check: nope}\n"
	  "  e: {ask: q, secret: true, check: go}\n"
	  "  f: {ask: q, secret: true, check: late}\n  g: {file: \"$nothere/x\"}\n"
	  "prepare:\n  - {id: go, confirm: Go, phrase: yes}\n"
	  "  - {id: late, check: L, run: \"true\"}\n"
	  "  - {id: chk, check: C, run: \"true\"}\n",
	  "t.yaml:8:25: variable 'a' is read from a file: it is a secret "
	  "(remove 'secret: false')\n"
	  "t.yaml:9:19: variable 'b' has a 'command'; 'default' is for 'ask' "
	  "and 'env'\n"
	  "t.yaml:10:22: variable 'c': 'check' validates a secret; this "
	  "variable is not secret\n"
	  "t.yaml:10:22: variable 'c': its check 'chk' must be a prepare step "
	  "before the first confirm step, so that a wrong secret is found "
	  "before anything changes\n"
	  "t.yaml:11:36: variable 'd': its check 'nope' is not a step of the "
	  "runbook\n"
	  "t.yaml:12:36: variable 'e': 'go' is a confirm, not a check run "
	  "once\n"
	  "t.yaml:13:36: variable 'f': its check 'late' must be a prepare step "
	  "before the first confirm step, so that a wrong secret is found "
	  "before anything changes\n"
	  "t.yaml:14:13: variable 'g' names $nothere, which is not a variable "
	  "of this runbook (declare it under vars, e.g. {env: nothere})\n" },
	{ BASE HOP "rollback-warning: [x]\n",
	  "t.yaml:9:19: 'rollback-warning' must be a text or a mapping "
	  "{start: TEXT, hop: TEXT}, found a list\n" },
	/* hosts: and on: */
	{ BASE HOP "hosts: [a, b]\n", "t.yaml:9:8: hosts: a mapping of group "
	  "names to lists of hosts, not a list\n" },
	{ BASE HOP "hosts:\n", "t.yaml:9:1: 'hosts' is empty: give it groups "
	  "of host names (GROUP: [HOST...])\n" },
	{ BASE HOP "hosts:\n  web: [w1, -x]\n  db: [d1, nogroup:x]\n",
	  "t.yaml:10:13: '-x': a host name must not start with '-' or '.'\n"
	  "t.yaml:11:12: 'nogroup:x': a port after ':' is a number from 1 to "
	  "65535\n" },
	{ BASE HOP "hosts:\n  web: [w1]\n  all: [a]\n", "t.yaml:11:3: 'all' "
	  "is implicit (every host) and cannot be defined\n" },
	{ BASE "hop:\n  - {id: a, action: A, run: x, on: web}\n",
	  "t.yaml:8:36: step 'a' runs 'on' web, but the runbook has no 'hosts' "
	  "(GROUP: [HOST...]) or 'inventory' ({file: PATH} or {command: CMD}) "
	  "to find it in\n" },
	/* inventory: a file or a command, checked for its shape; the `on`
	 * of a runbook with one is checked at run time, but must read. */
	{ BASE HOP "inventory: [hosts.ini]\n", "t.yaml:9:12: 'inventory' "
	  "must be {file: PATH} (an Ansible inventory, INI or YAML) or "
	  "{command: CMD} (one host a line), found a list\n" },
	{ BASE HOP "inventory: {file: a.ini, command: ls}\n", "t.yaml:9:12: "
	  "'inventory' takes one of 'file' (an Ansible inventory) and "
	  "'command' (one host a line), not both\n" },
	{ BASE HOP "inventory: {}\n", "t.yaml:9:12: 'inventory' takes one of "
	  "'file' (an Ansible inventory) and 'command' (one host a line)\n" },
	{ BASE HOP "inventory: {file: a.ini, group: g}\n", "t.yaml:9:33: "
	  "'group' is for an inventory command, not a file\n" },
	{ BASE HOP "inventory: {command: ls, timeout: forever}\n",
	  "t.yaml:9:35: 'timeout' must be seconds, or a duration like 90s or "
	  "10m, found 'forever'\n" },
	{ BASE HOP "inventory: {command: ls, hosts: x}\n", "t.yaml:9:26: "
	  "unknown key 'hosts' in 'inventory' (known keys: file, command, "
	  "group, timeout)\n" },
	{ BASE "inventory: {file: a.ini}\n"
	  "hop:\n  - {id: a, action: A, run: x, on: 'web,&'}\n",
	  "t.yaml:9:36: 'on' of step 'a': '&' with nothing after it in the "
	  "host pattern 'web,&'\n" },
	{ BASE "hosts:\n  web: [w1, w2]\n  db: []\n"
	  "hop:\n  - {id: a, action: A, run: x, on: webs}\n"
	  "  - {id: b, check: B, run: x, on: db}\n"
	  "  - {id: c, check: C, run: x, on: [w1, {x: y}]}\n"
	  "  - {id: d, check: D, run: x, on: {x: y}}\n"
	  "  - {id: e, confirm: E, phrase: x, on: web}\n"
	  "  - {id: f, action: F, run: x, on: web, user: u}\n"
	  "  - {id: g, action: G, run: x, on: web, produces: /p}\n"
	  "  - {id: h, action: H, run: x, on: 'web:!w1', outputs: [O]}\n",
	  "t.yaml:11:36: 'on' of step 'a': the host pattern 'webs' matches no "
	  "host and no group\n"
	  "t.yaml:12:35: 'on' of step 'b': 'db' selects no host\n"
	  "t.yaml:13:40: an item of 'on' must be a host, a group or a pattern, "
	  "found a mapping\n"
	  "t.yaml:14:35: 'on' must be a host, a group, a pattern or a list of "
	  "them, found a mapping\n"
	  "t.yaml:15:36: 'on' is only for check and action steps, and step 'e' "
	  "is a confirm step\n"
	  "t.yaml:16:32: step 'f' cannot have both 'on' and 'user': 'user' is "
	  "for commands on stepup's host; on other hosts the user is your "
	  "ssh_config's (User)\n"
	  "t.yaml:17:32: step 'g' cannot have both 'on' and 'produces': "
	  "'produces' names a file on stepup's host, where the command does "
	  "not run\n"
	  "t.yaml:18:32: step 'h' cannot have both 'on' and 'outputs': "
	  "'outputs' are read from a file on stepup's host, where the command "
	  "does not run\n" },
	/* forks: with on, 1 to RB_FORKS_MAX */
	{ BASE "hosts:\n  web: [w1, w2]\n"
	  "hop:\n  - {id: a, action: A, run: x, on: web, forks: 0}\n"
	  "  - {id: b, action: B, run: x, on: web, forks: 65}\n"
	  "  - {id: c, action: C, run: x, on: web, forks: two}\n"
	  "  - {id: d, action: D, run: x, forks: 2}\n"
	  "  - {id: e, manual: E, forks: 2}\n",
	  "t.yaml:10:48: 'forks' must be how many hosts run at once, 1 to 64, "
	  "found '0'\n"
	  "t.yaml:11:48: 'forks' must be how many hosts run at once, 1 to 64, "
	  "found '65'\n"
	  "t.yaml:12:48: 'forks' must be how many hosts run at once, 1 to 64, "
	  "found 'two'\n"
	  "t.yaml:13:32: step 'd' has 'forks' but no 'on': 'forks' says how "
	  "many of the hosts it runs on run at once\n"
	  "t.yaml:14:24: 'forks' is only for check and action steps, and step "
	  "'e' is a manual step\n" },
	{ BASE HOP "forks: 3\n", "t.yaml:9:1: 'forks' says how many hosts of a "
	  "step with 'on' run at once, but the runbook has no 'hosts' or "
	  "'inventory'\n" },
	/* ... and hosts from an inventory alone are hosts */
	{ BASE HOP "inventory: {command: ls}\nforks: 3\n", "" },
	{ BASE HOP "hosts:\n  web: [w1]\nforks: [2]\n", "t.yaml:11:8: 'forks' "
	  "must be how many hosts run at once, 1 to 64, found a list\n" },
	/* transport: a list of strings, "{host}" exactly once, an element of
	 * its own and not the first; only with hosts */
	{ BASE HOP "transport: [kubectl, exec, \"{host}\", sh]\n",
	  "t.yaml:9:1: 'transport' says how hosts are reached, but the "
	  "runbook has no 'hosts' or 'inventory'\n" },
	{ BASE HOP "hosts:\n  web: [w1]\ntransport: []\n",
	  "t.yaml:11:12: 'transport' must be a list of arguments: the "
	  "program, its arguments and \"{host}\" as one of them (e.g. "
	  "[kubectl, exec, -i, \"{host}\", --, sh]), found an empty list\n" },
	{ BASE HOP "hosts:\n  web: [w1]\ntransport: kubectl exec {host} sh\n",
	  "t.yaml:11:12: 'transport' must be a list of arguments: the "
	  "program, its arguments and \"{host}\" as one of them (e.g. "
	  "[kubectl, exec, -i, \"{host}\", --, sh]), found "
	  "'kubectl exec {host} sh'\n" },
	{ BASE HOP "hosts:\n  web: [w1]\n"
	  "transport: [docker, exec, \"pod-{host}\", sh]\n",
	  "t.yaml:11:12: 'transport' has no \"{host}\" argument: it says "
	  "where the host's name goes\n"
	  "t.yaml:11:27: 'transport' argument 'pod-{host}': \"{host}\" is an "
	  "argument of its own, never part of one\n" },
	{ BASE HOP "hosts:\n  web: [w1]\n"
	  "transport: [k, \"{host}\", \"{host}\", {a: b}, ~, [sh]]\n",
	  "t.yaml:11:26: 'transport' has a second \"{host}\" (the first at "
	  "line 11, column 16): the host is one argument\n"
	  "t.yaml:11:36: 'transport' must be a string, found a mapping\n"
	  "t.yaml:11:44: 'transport' must be a string, found nothing\n"
	  "t.yaml:11:47: 'transport' must be a string, found a list\n" },
	{ BASE HOP "hosts:\n  web: [w1]\ntransport:\n  - \"{host}\"\n  - sh\n",
	  "t.yaml:12:5: 'transport' starts with the program to run, not "
	  "\"{host}\"\n" },
	/* roll: and max-fail */
	{ BASE "hosts:\n  web: [w1]\nhop:\n  - {roll: R, id: "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "
	  "on: web, batch: {n: 1}, steps: [{id: s1, manual: M}]}\n",
	  "t.yaml:10:19: roll id '"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' must match "
	  "[a-z0-9][a-z0-9_-]* (at most 56 characters)\n"
	  "t.yaml:10:94: 'batch' of a roll must be a number of hosts, a "
	  "percentage or a list of them, found a mapping\n" },

	{ BASE "hosts:\n  web: [w1]\nhop:\n  - {roll: R, id: r1, on: web, "
	  "health: {check: H, run: x, when: major, needs: s1, per-hop: true}, "
	  "steps: [{id: s1, action: A, run: x}]}\n",
	  "t.yaml:10:59: the health check of roll 'r1' runs on stepup's host "
	  "after each batch: it takes no 'when'\n"
	  "t.yaml:10:72: the health check of roll 'r1' runs on stepup's host "
	  "after each batch: it takes no 'needs'\n"
	  "t.yaml:10:83: 'per-hop' is only for prepare and finish steps (hop "
	  "steps run for every hop already)\n"
	  "t.yaml:10:83: the health check of roll 'r1' runs on stepup's host "
	  "after each batch: it takes no 'per-hop'\n" },

	{ BASE
	  "hosts:\n"
	  "  web: [w1, w2, w3]\n"
	  "hop:\n"
	  "  - {roll: R, id: r1, on: web, batch: [0, 10, \"150%\", x, "
	  "[1]], max-fail: \"-1\", pause: maybe, "
	  "steps: [{id: s1, action: A, run: x}]}\n"
	  "  - {roll: \"\", id: \"R2\", on: webs, batch: [], bogus: 1, "
	  "steps: []}\n"
	  "  - {roll: R3, steps: {id: a}}\n"
	  "  - {roll: R4, id: r4, on: web, health: [x], steps: [{id: "
	  "s2, read: D, text: t}, {id: s3, check: C, run: x, on: web, "
	  "needs: s1, per-hop: true, max-fail: 1}, {roll: X, id: "
	  "nest}, x]}\n"
	  "  - {roll: R5, id: r5, on: web, health: {id: h, action: H, "
	  "run: x, on: web}, steps: [{id: s4, confirm: C, phrase: "
	  "p}]}\n"
	  "  - {roll: R6, id: s1, on: web, max-fail: 101%, "
	  "steps: [{id: s5, manual: M}]}\n"
	  "  - {roll: R7, id: r1, on: web, health: {check: H}, steps: "
	  "[{id: s6, manual: M}]}\n"
	  "  - {id: s7, check: C, run: x, max-fail: 1}\n"
	  "  - {id: s8, check: C, run: x, on: web, max-fail: \"1.5\"}\n"
	  "rollback:\n"
	  "  - {roll: R8, id: r8, on: web, steps: [{id: s9, manual: "
	  "M}]}\n",
	  "t.yaml:10:40: 'batch' takes a number of hosts (1 to 100000) "
	  "or a percentage of them (1% to 100%), found '0'\n"
	  "t.yaml:10:47: 'batch' takes a number of hosts (1 to 100000) "
	  "or a percentage of them (1% to 100%), found '150%'\n"
	  "t.yaml:10:55: 'batch' takes a number of hosts (1 to 100000) "
	  "or a percentage of them (1% to 100%), found 'x'\n"
	  "t.yaml:10:58: 'batch' takes a number of hosts (1 to 100000) "
	  "or a percentage of them (1% to 100%), found a list\n"
	  "t.yaml:10:74: 'max-fail' takes a number of hosts (0 to "
	  "100000) or a percentage of them (0% to 100%), found '-1'\n"
	  "t.yaml:10:87: 'pause' must be true or false, found "
	  "'maybe'\n"
	  "t.yaml:11:12: the title of a roll ('roll') must be a "
	  "non-empty string, found ''\n"
	  "t.yaml:11:20: roll id 'R2' must match [a-z0-9][a-z0-9_-]* "
	  "(at most 56 characters)\n"
	  "t.yaml:11:30: 'on' of a roll: the host pattern 'webs' "
	  "matches no host and no group\n"
	  "t.yaml:11:43: 'batch' of a roll is an empty list: give "
	  "sizes, like [1, 10%, 50%]\n"
	  "t.yaml:11:47: unknown key 'bogus' in a roll (known keys: "
	  "roll, id, on, batch, max-fail, forks, health, pause, steps)\n"
	  "t.yaml:11:57: a roll needs 'steps': the checks, actions and "
	  "manual steps each host goes through\n"
	  "t.yaml:12:5: a roll needs an 'id'\n"
	  "t.yaml:12:5: a roll needs 'on' (the hosts it rolls "
	  "through)\n"
	  "t.yaml:12:23: 'steps' of a roll must be a list of steps, "
	  "found a mapping\n"
	  "t.yaml:13:41: 'health' of roll 'r4' must be a check step "
	  "{check: TITLE, run: COMMAND}, found a list\n"
	  "t.yaml:13:54: step 's2' of roll 'r4' is a read step: a "
	  "roll's steps are checks, actions and manual steps (put a "
	  "confirmation before the roll)\n"
	  "t.yaml:13:109: a step of roll 'r4' takes no 'on': it runs "
	  "on each host of the roll's batch\n"
	  "t.yaml:13:118: a step of roll 'r4' takes no 'needs': it "
	  "runs after its host's step before it\n"
	  "t.yaml:13:129: a step of roll 'r4' takes no 'per-hop': the "
	  "roll's steps run once per hop or once\n"
	  "t.yaml:13:129: 'per-hop' is only for prepare and finish "
	  "steps (hop steps run for every hop already)\n"
	  "t.yaml:13:144: a step of roll 'r4' takes no 'max-fail': the "
	  "roll's 'max-fail' counts its hosts\n"
	  "t.yaml:13:159: a roll within roll 'r4': rolls do not nest; "
	  "put one after the other\n"
	  "t.yaml:13:179: a step must be a mapping (id: ..., action: "
	  "...), found 'x'\n"
	  "t.yaml:14:41: the health check of roll 'r5' must be a check "
	  "(check: TITLE), not an action\n"
	  "t.yaml:14:42: the health check of roll 'r5' has no 'id' of "
	  "its own: it is r5~BATCH\n"
	  "t.yaml:14:68: the health check of roll 'r5' runs on "
	  "stepup's host after each batch: it takes no 'on'\n"
	  "t.yaml:14:86: step 's4' of roll 'r5' is a confirm step: a "
	  "roll's steps are checks, actions and manual steps (put a "
	  "confirmation before the roll)\n"
	  "t.yaml:15:5: roll id 's1' is also the id of a step (line "
	  "10, column 107)\n"
	  "t.yaml:15:43: 'max-fail' takes a number of hosts (0 to "
	  "100000) or a percentage of them (0% to 100%), found '101%'\n"
	  "t.yaml:16:5: duplicate roll id 'r1' (first at line 10)\n"
	  "t.yaml:16:41: the health check of roll 'r1' needs 'run' "
	  "(the command)\n"
	  "t.yaml:17:32: 'max-fail' of step 's7' says how many of its "
	  "hosts may fail, and it has no 'on'\n"
	  "t.yaml:18:51: 'max-fail' takes a number of hosts (0 to "
	  "100000) or a percentage of them (0% to 100%), found '1.5'\n"
	  "t.yaml:20:5: roll 'r8' is in 'rollback': a roll's steps are "
	  "undone per host by the rollback itself\n" },

	/* A roll's forks: 1 to RB_FORKS_MAX, the roll's and not its steps'
	 * or its health check's. */
	{ BASE
	  "hosts:\n"
	  "  web: [w1, w2, w3]\n"
	  "hop:\n"
	  "  - {roll: R, id: r1, on: web, forks: 0, steps: [{id: s1, "
	  "manual: M}]}\n"
	  "  - {roll: R, id: r2, on: web, forks: many, steps: [{id: s2, "
	  "manual: M}]}\n"
	  "  - {roll: R, id: r3, on: web, forks: 65, steps: [{id: s3, "
	  "manual: M}]}\n"
	  "  - {roll: R, id: r4, on: web, forks: 2, health: {check: H, "
	  "run: x, forks: 2}, steps: [{id: s4, action: A, run: x, forks: "
	  "2}]}\n",
	  "t.yaml:10:39: 'forks' must be how many hosts run at once, 1 "
	  "to 64, found '0'\n"
	  "t.yaml:11:39: 'forks' must be how many hosts run at once, 1 "
	  "to 64, found 'many'\n"
	  "t.yaml:12:39: 'forks' must be how many hosts run at once, 1 "
	  "to 64, found '65'\n"
	  "t.yaml:13:69: the health check of roll 'r4' has 'forks' but "
	  "no 'on': 'forks' says how many of the hosts it runs on run at "
	  "once\n"
	  "t.yaml:13:69: the health check of roll 'r4' runs on stepup's "
	  "host after each batch: it takes no 'forks'\n"
	  "t.yaml:13:116: a step of roll 'r4' takes no 'forks': the "
	  "roll's 'forks' says how many hosts of a batch run at once\n"
	  "t.yaml:13:116: step 's4' has 'forks' but no 'on': 'forks' says "
	  "how many of the hosts it runs on run at once\n" },
};

static void
test_case(void **state)
{
	const struct tcase	*tc = *state;
	char			*out;

	out = load_text(tc->yaml, strlen(tc->yaml), NULL);
	if (strcmp(out, tc->want) != 0)
		print_error("input:\n%s\n", tc->yaml);
	assert_string_equal(out, tc->want);
	free(out);
}

/* ---- valid runbooks: what the model holds -------------------------------- */

static void
test_full(void **state)
{
	struct runbook		*rb;
	const struct rb_step	*st;
	const struct rb_var	*v;
	char			*out, dir[PATH_MAX];

	(void)state;
	out = load_path(TOP_SRCDIR "/tests/data/runbooks/full.yaml", &rb);
	assert_string_equal(out, "");
	free(out);
	assert_non_null(rb);
	assert_int_equal(rb->format, 1);
	assert_string_equal(rb->product, "Example Cluster");
	assert_string_equal(rb->description,
	    "A made-up product, for stepup's own tests.\n");
	assert_int_equal(strlen(rb->sha256), 64);
	/* Absolute and resolved, at load. */
	assert_non_null(realpath(TOP_SRCDIR "/tests/data/runbooks", dir));
	assert_string_equal(rb->dir, dir);

	assert_int_equal(rb->versions.scheme, RB_SCHEME_CALVER);
	assert_int_equal(rb->versions.series, 2);
	assert_string_equal(rb->versions.kinds[0], "major");
	assert_string_equal(rb->versions.kinds[1], "major");
	assert_string_equal(rb->versions.kinds[2], "minor");
	assert_string_equal(rb->versions.installed.command,
	    "example --version | awk '{print $NF}'");
	assert_null(rb->versions.installed.ask);
	assert_int_equal(rb->versions.available.n_list, 7);
	/* YAML would call 24.10 a float: the source text is kept. */
	assert_string_equal(rb->versions.available.list[5].s, "24.10");
	assert_int_equal(rb->versions.available.list[5].pos.line, 11);
	assert_int_equal(rb->versions.available.list[5].pos.col, 60);

	assert_int_equal(rb->policy.within_series, RB_WITHIN_CONSECUTIVE);
	assert_int_equal(rb->policy.leave_series, RB_LEAVE_FROM_LATEST);
	assert_false(rb->policy.skip_series);
	assert_false(rb->policy.one_minor);
	assert_int_equal(rb->policy.n_required_stops, 1);
	assert_string_equal(rb->policy.required_stops[0].at.s, "23.09.1");
	assert_int_equal(rb->policy.n_redeploy_at, 1);
	assert_string_equal(rb->policy.redeploy_at[0].at.s, "24.03.0");
	assert_null(rb->policy.redeploy_at[0].reason);
	assert_int_equal(rb->policy.n_no_across, 1);
	assert_string_equal(rb->policy.no_across[0].at.s, "25.03.0");
	assert_string_equal(rb->policy.no_across[0].reason,
	    "the storage format changes");

	assert_int_equal(rb->n_vars, 4);
	assert_non_null(v = runbook_var(rb, "backup_dir"));
	assert_int_equal(v->source, RB_VAR_ASK);
	assert_string_equal(v->ask, "Where do database backups go?");
	assert_string_equal(v->def, "/var/backups/example");
	assert_string_equal(v->pattern, "/[^ ]*");
	assert_non_null(v = runbook_var(rb, "db_password"));
	assert_int_equal(v->source, RB_VAR_ENV);
	assert_string_equal(v->env, "EXAMPLE_DB_PASSWORD");
	assert_true(v->secret);
	assert_null(v->def);
	assert_non_null(v = runbook_var(rb, "flavour"));
	assert_int_equal(v->n_choices, 2);
	assert_string_equal(v->choices[1], "large");
	assert_non_null(v = runbook_var(rb, "site"));
	assert_int_equal(v->source, RB_VAR_VALUE);
	assert_string_equal(v->value, "eu-1");
	assert_null(runbook_var(rb, "nope"));

	assert_int_equal(rb->phases[RB_PHASE_PREPARE].n, 4);
	assert_int_equal(rb->phases[RB_PHASE_HOP].n, 4);
	assert_int_equal(rb->phases[RB_PHASE_FINISH].n, 2);
	assert_int_equal(rb->phases[RB_PHASE_ROLLBACK].n, 1);
	assert_int_equal(rb->phases[RB_PHASE_HOP].pos.line, 52);

	assert_non_null(st = runbook_step(rb, "notes"));
	assert_int_equal(st->kind, RB_READ);
	assert_int_equal(st->phase, RB_PHASE_PREPARE);
	assert_string_equal(st->title, "Release notes of every hop");
	assert_string_equal(st->file, "notes/$STEPUP_HOP_TO.md");
	assert_true(st->per_hop);
	assert_false(st->has_needs);

	assert_non_null(st = runbook_step(rb, "idle"));
	assert_int_equal(st->kind, RB_CHECK);
	assert_int_equal(st->severity, RB_SEV_WARN);
	assert_int_equal(st->timeout, 30);
	assert_string_equal(st->hint,
	    "terminate them with example session kill --all");

	assert_non_null(st = runbook_step(rb, "go"));
	assert_int_equal(st->kind, RB_CONFIRM);
	assert_string_equal(st->phrase, "yes, upgrade");

	assert_non_null(st = runbook_step(rb, "dump"));
	assert_int_equal(st->kind, RB_ACTION);
	assert_string_equal(st->run, "mkdir -p \"$backup_dir\"\n"
	    "pg_dump example > \"$backup_dir/example-$STEPUP_FROM.sql\"\n");
	assert_int_equal(st->run_at.pos.line, 47);
	assert_int_equal(st->run_at.pos.col, 7);
	assert_true(st->run_at.exact);
	assert_string_equal(st->produces,
	    "$backup_dir/example-$STEPUP_FROM.sql");
	assert_int_equal(st->undo_at.pos.line, 50);
	assert_int_equal(st->undo_at.pos.col, 11);
	assert_true(st->undo_at.exact);
	assert_int_equal(st->timeout, 600);
	assert_int_equal(st->pos.line, 44);
	assert_int_equal(st->pos.col, 5);
	assert_int_equal(st->id_pos.line, 44);
	assert_int_equal(st->id_pos.col, 9);

	assert_non_null(st = runbook_step(rb, "manager"));
	assert_int_equal(st->timeout, 7200);
	assert_string_equal(st->on_failure,
	    "The manager is stopped; start the old version again.");

	assert_non_null(st = runbook_step(rb, "revisions"));
	assert_true(st->has_needs);
	assert_int_equal(st->n_needs, 1);
	assert_string_equal(st->needs[0].s, "manager");
	assert_int_equal(st->n_when, 1);
	assert_string_equal(st->when[0].s, "major");

	assert_non_null(st = runbook_step(rb, "redeploy"));
	assert_int_equal(st->kind, RB_MANUAL);
	assert_int_equal(st->n_when, 1);
	assert_string_equal(st->when[0].s, "redeploy");
	assert_true(st->optional);

	assert_non_null(st = runbook_step(rb, "restore"));
	assert_int_equal(st->phase, RB_PHASE_ROLLBACK);
	assert_null(runbook_step(rb, "nope"));
	runbook_free(rb);
}

/* Defaults of everything optional. */
/* forks: the runbook's for each step on hosts that says none, a step's
 * own over it, none for a step on stepup's host; 0 when not given. */
static void
test_forks(void **state)
{
	static const char	 text[] = BASE "hosts:\n  web: [w1, w2]\n"
	    "forks: 5\nhop:\n"
	    "  - {id: a, action: A, run: x, on: web}\n"
	    "  - {id: b, action: B, run: x, on: web, forks: 2}\n"
	    "  - {id: c, action: C, run: x}\n";
	static const char	 none[] = BASE "hosts:\n  web: [w1, w2]\nhop:\n"
	    "  - {id: a, action: A, run: x, on: web}\n";
	struct runbook		*rb;
	char			*out;

	(void)state;
	out = load_text(text, strlen(text), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rb->forks, 5);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].forks, 5);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[1].forks, 2);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[2].forks, 0);
	runbook_free(rb);
	out = load_text(none, strlen(none), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].forks, 0);
	runbook_free(rb);
}

static void
test_defaults(void **state)
{
	static const char	 text[] = BASE HOP;
	struct runbook		*rb;
	char			*out, cwd[PATH_MAX];

	(void)state;
	out = load_text(text, strlen(text), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_non_null(rb);
	/* Made absolute at load: the working directory, where t.yaml is. */
	assert_non_null(realpath(".", cwd));
	assert_string_equal(rb->dir, cwd);
	assert_true(strncmp(rb->abspath, cwd, strlen(cwd)) == 0);
	assert_string_equal(rb->abspath + strlen(cwd), "/t.yaml");
	assert_int_equal(rb->versions.scheme, RB_SCHEME_SEMVER);
	assert_int_equal(rb->versions.series, 2);
	assert_string_equal(rb->versions.kinds[0], "major");
	assert_string_equal(rb->versions.kinds[1], "minor");
	assert_string_equal(rb->versions.kinds[2], "patch");
	assert_string_equal(rb->versions.installed.ask, "q");
	assert_int_equal(rb->policy.within_series, RB_WITHIN_ANY);
	assert_int_equal(rb->policy.leave_series, RB_LEAVE_FROM_ANY);
	assert_int_equal(rb->policy.skip_series, RB_SKIP_ANY);
	assert_false(rb->policy.one_minor);
	assert_null(rb->description);
	assert_int_equal(rb->n_vars, 0);
	assert_int_equal(rb->phases[RB_PHASE_PREPARE].n, 0);
	assert_int_equal(rb->phases[RB_PHASE_PREPARE].pos.line, 0);
	assert_int_equal(rb->phases[RB_PHASE_HOP].n, 1);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].timeout, 0);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].severity, RB_SEV_FAIL);
	runbook_free(rb);
}

/* skip-series takes a number of series as well as true or false. */
static void
test_skip_series_number(void **state)
{
	static const char	 two[] = BASE HOP "policy: {skip-series: 2}\n";
	static const char	 bad[] = BASE HOP "policy: {skip-series: -1}\n";
	struct runbook		*rb;
	char			*out;

	(void)state;
	out = load_text(two, strlen(two), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rb->policy.skip_series, 2);
	runbook_free(rb);
	{
		static const char to[] = BASE HOP "policy:\n  skip-series: 1\n"
		    "  skip-series-to: [{to: \">=2.0.0\", skip: 2}, "
		    "{to: \"2.0\", skip: 1}]\n";

		out = load_text(to, strlen(to), &rb);
		assert_string_equal(out, "t.yaml:11:51: 'to': range '2.0': "
		    "'2.0' does not start with >=, >, <=, <, = or !=\n");
		free(out);
		assert_null(rb);
	}
	out = load_text(bad, strlen(bad), &rb);
	assert_string_equal(out, "t.yaml:9:23: 'skip-series' must be true, "
	    "false or the number of series one hop may pass over, found "
	    "'-1'\n");
	free(out);
	assert_null(rb);
}

/* policy.levels: rules per coarser level, and what is wrong with them. */
static void
test_levels(void **state)
{
	static const char	 good[] = BASE HOP "policy:\n  levels:\n"
	    "    major: {leave: from-latest-minor, skip: 0, enter-at: "
	    "[1.0.0, 2.0.x]}\n";
	static const char	 bad[] = BASE HOP "policy:\n  levels:\n"
	    "    major.minor: {leave: from-latest}\n"
	    "    major: {leave: latest, skip: some, enter: [1.0.0]}\n";
	struct runbook		*rb;
	char			*out;

	(void)state;
	out = load_text(good, strlen(good), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rb->policy.n_levels, 1);
	assert_int_equal(rb->policy.levels[0].parts, 1);
	assert_int_equal(rb->policy.levels[0].leave,
	    RB_LEAVE_FROM_LATEST_MINOR);
	assert_int_equal(rb->policy.levels[0].skip, 0);
	assert_int_equal(rb->policy.levels[0].n_enter_at, 2);
	assert_string_equal(rb->policy.levels[0].enter_at[1].at.s, "2.0.x");
	runbook_free(rb);
	out = load_text(bad, strlen(bad), &rb);
	assert_string_equal(out, "t.yaml:11:5: level 'major.minor' must be "
	    "coarser than versions.series, whose rules are the policy's own "
	    "keys\n"
	    "t.yaml:12:20: 'leave' must be from-any, from-latest or "
	    "from-latest-minor, found 'latest'\n"
	    "t.yaml:12:34: 'skip' must be true, false or the number of series "
	    "one hop may pass over, found 'some'\n"
	    "t.yaml:12:40: unknown key 'enter' in level 'major'; did you mean "
	    "'enter-at'?\n");
	free(out);
	assert_null(rb);
}

/* A policy item's `when` names a variable and answers it can have. */
static void
test_policy_when(void **state)
{
	static const char	 good[] = BASE HOP "vars:\n"
	    "  big: {ask: Big?, choices: [yes, no]}\npolicy:\n"
	    "  required-stops: [{at: 1.0.x, when: {big: yes}}]\n";
	static const char	 bad[] = BASE HOP "vars:\n"
	    "  big: {ask: Big?, choices: [yes, no]}\npolicy:\n"
	    "  required-stops: [{at: 1.0.0, when: {big: maybe}},"
	    " {at: 1.1.0, when: {huge: yes}}, {at: 1.2.0, when: yes}]\n";
	struct runbook		*rb;
	char			*out;

	(void)state;
	out = load_text(good, strlen(good), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rb->policy.required_stops[0].n_when, 1);
	assert_string_equal(rb->policy.required_stops[0].when[0].var.s, "big");
	assert_string_equal(rb->policy.required_stops[0].when[0].values[0],
	    "yes");
	runbook_free(rb);
	out = load_text(bad, strlen(bad), &rb);
	assert_string_equal(out, "t.yaml:12:39: 'when: big': 'maybe' is not "
	    "one of the variable's choices\n"
	    "t.yaml:12:72: 'when: huge': there is no variable huge in 'vars'\n"
	    "t.yaml:12:103: 'when' must be a mapping of a variable to its "
	    "answer (or a list of answers), found 'yes'\n");
	free(out);
	assert_null(rb);
}

/* A scalar policy rule may be a value, {value: V, when: {VAR: ANSWER}},
 * or a list of them: the unconditional one is the field's value. */
static void
test_policy_rules_when(void **state)
{
	static const char	 good[] = BASE HOP "vars:\n"
	    "  big: {ask: Big?, choices: [yes, no]}\npolicy:\n"
	    "  skip-series: [{value: 2, when: {big: yes}}, false]\n"
	    "  within-series: {value: consecutive, when: {big: [yes, no]}}\n"
	    "  one-minor-at-a-time: true\n"
	    "  skip-series-to: [{to: \">=2.0.0\", skip: 1, when: {big: no}}]\n"
	    "  levels:\n    major: {leave: [{value: from-latest, when: "
	    "{big: yes}}]}\n";
	static const char	 bad[] = BASE HOP "vars:\n"
	    "  big: {ask: Big?, choices: [yes, no]}\npolicy:\n"
	    "  skip-series: [true, 1]\n"
	    "  leave-series: [{when: {big: yes}}, [from-latest]]\n"
	    "  within-series: [{value: some, when: {big: yes}}]\n"
	    "  one-minor-at-a-time: [{value: true, when: {big: maybe}}]\n"
	    "  skip-series-to: [{to: \">=2.0.0\", skip: 1, when: {huge: no}}]\n"
	    "  levels:\n    major: {skip: []}\n";
	struct runbook		*rb;
	const struct rb_policy	*p;
	char			*out;

	(void)state;
	out = load_text(good, strlen(good), &rb);
	assert_string_equal(out, "");
	free(out);
	p = &rb->policy;
	/* the fields hold what applies without a condition */
	assert_int_equal(p->skip_series, 0);
	assert_int_equal(p->within_series, RB_WITHIN_ANY);
	assert_true(p->one_minor);
	assert_int_equal(p->levels[0].leave, RB_LEAVE_FROM_ANY);
	assert_int_equal(p->rules[RB_RULE_SKIP].n_items, 2);
	assert_int_equal(p->rules[RB_RULE_SKIP].items[0].value, 2);
	assert_string_equal(p->rules[RB_RULE_SKIP].items[0].text, "2");
	assert_string_equal(p->rules[RB_RULE_SKIP].items[0].when[0].var.s,
	    "big");
	assert_int_equal(p->rules[RB_RULE_SKIP].items[1].n_when, 0);
	assert_int_equal(p->rules[RB_RULE_WITHIN].items[0].when[0].n_values, 2);
	assert_int_equal(p->rules[RB_RULE_ONE_MINOR].n_items, 1);
	assert_int_equal(p->skip_to[0].n_when, 1);
	assert_int_equal(p->levels[0].rules[RB_RULE_LEAVE].items[0].value,
	    RB_LEAVE_FROM_LATEST);
	runbook_free(rb);
	out = load_text(bad, strlen(bad), &rb);
	assert_string_equal(out, "t.yaml:12:23: 'skip-series' has a second "
	    "item without 'when': only one value applies when no condition "
	    "holds\n"
	    "t.yaml:13:18: an item of 'leave-series' needs 'value' (the "
	    "rule's value when its 'when' holds)\n"
	    "t.yaml:13:38: an item of 'leave-series' must be a value or "
	    "{value: V, when: {VAR: ANSWER}}, found a list\n"
	    "t.yaml:14:27: 'within-series' must be any or consecutive, found "
	    "'some'\n"
	    "t.yaml:15:46: 'when: big': 'maybe' is not one of the variable's "
	    "choices\n"
	    "t.yaml:16:52: 'when: huge': there is no variable huge in 'vars'\n"
	    "t.yaml:18:19: 'skip' must be a value, {value: V, when: {VAR: "
	    "ANSWER}} or a list of them, found an empty list\n");
	free(out);
	assert_null(rb);
}

/* A hop step's when as a mapping: kind, from and to ranges, answers. */
static void
test_hop_when_map(void **state)
{
	static const char	 good[] = "stepup: 1\nproduct: P\nversions:\n"
	    "  scheme: semver\n  installed: {ask: q}\n  available: [1.0.0]\n"
	    "vars:\n  big: {ask: Big?, choices: [yes, no]}\nhop:\n"
	    "  - {id: go, confirm: Go, phrase: yes, when: {kind: [minor, major],"
	    " to: \">=1.2.0\", from: \"<2.0.0\", big: yes}}\n";
	static const char	 bad[] = "stepup: 1\nproduct: P\nversions:\n"
	    "  scheme: semver\n  installed: {ask: q}\n  available: [1.0.0]\n"
	    "hop:\n"
	    "  - {id: go, confirm: Go, phrase: yes, when: {to: \">=1.2\", "
	    "from: [1], huge: yes, kind: mayor}}\n";
	struct runbook		*rb;
	const struct rb_step	*st;
	char			*out;

	(void)state;
	out = load_text(good, strlen(good), &rb);
	assert_string_equal(out, "");
	free(out);
	st = &rb->phases[RB_PHASE_HOP].v[0];
	assert_int_equal(st->n_when, 2);
	assert_string_equal(st->when_to.s, ">=1.2.0");
	assert_string_equal(st->when_from.s, "<2.0.0");
	assert_int_equal(st->n_when_vars, 1);
	assert_true(runbook_step_runs_on(rb, st, "minor", "1.1.0", "1.2.0",
	    NULL, NULL) == false);
	runbook_free(rb);
	out = load_text(bad, strlen(bad), &rb);
	assert_string_equal(out, "t.yaml:8:51: 'when: to': range '>=1.2': "
	    "'1.2' is not a valid semver version: it has 2 numbers, not "
	    "MAJOR.MINOR.PATCH\n"
	    "t.yaml:8:66: 'when: from' must be a version range such as "
	    "\">=24.03\", found a list\n"
	    "t.yaml:8:71: 'when: huge': there is no variable huge in 'vars'\n"
	    "t.yaml:8:88: 'when: mayor' is not a hop kind of this runbook; "
	    "expected major, minor, patch or redeploy\n");
	free(out);
	assert_null(rb);
}

/* A kinds list shorter than 3 repeats its last word; "90" is seconds. */
static void
test_kinds_short(void **state)
{
	static const char	 text[] = "stepup: 1\nproduct: P\nversions:\n"
	    "  scheme: loose\n  series: major\n  kinds: [big, small]\n"
	    "  installed: {command: cat /etc/v}\n  available: {command: x}\n"
	    "hop:\n  - {id: a, check: c, run: r, timeout: 90, when: small}\n";
	struct runbook		*rb;
	char			*out;

	(void)state;
	out = load_text(text, strlen(text), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_non_null(rb);
	assert_int_equal(rb->versions.series, 1);
	assert_string_equal(rb->versions.kinds[0], "big");
	assert_string_equal(rb->versions.kinds[1], "small");
	assert_string_equal(rb->versions.kinds[2], "small");
	assert_string_equal(rb->versions.available.command, "x");
	assert_null(rb->versions.available.list);
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].timeout, 90);
	runbook_free(rb);
}

/* ---- lint warnings ------------------------------------------------------- */

/* Derived values resolve each after the vars it names, otherwise in file
 * order; a pattern is checked on the value, not on "$name"; a var only
 * another var names is used. */
static void
test_derived(void **state)
{
	static const char	 text[] = BASE
	    "vars:\n  out: {value: \"$base/out\"}\n"
	    "  dump: {ask: q, default: \"${out}/dump-$$\", pattern: \"/.*\"}\n"
	    "  base: {ask: q, default: /srv}\n"
	    "  lone: {value: x}\n  docs: {value: \"$STEPUP_RUNBOOK_DIR/d\"}\n"
	    "hop:\n  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - {id: a, action: a, run: 'ls \"$dump\" \"$docs\"', undo: u}\n";
	struct rb_diags		 d;
	struct runbook		*rb;
	size_t			 i;
	static const char *const want[] = { "base", "out", "dump", "lone",
	    "docs" };

	(void)state;
	write_file("t.yaml", text, strlen(text));
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	for (i = 0; i < 5; i++)
		assert_string_equal(rb->vars[rb->var_order[i]].name, want[i]);
	assert_int_equal(rb->vars[1].n_uses, 1);
	assert_int_equal(rb->vars[1].uses[0], 0);
	assert_int_equal(rb->vars[4].n_uses, 0);
	/* out and base are named only by other vars: not unused; lone is */
	assert_int_equal(runbook_lint(rb, &d), 1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "variable 'lone' is not used: no "
	    "command or text mentions $lone");
	rb_diags_free(&d);
	runbook_free(rb);
}

static void
test_lint_warnings(void **state)
{
	static const char	 text[] = BASE
	    "vars:\n  unused: {ask: q}\n  PGHOST: {value: h}\n"
	    "  used: {env: U}\n"
	    "prepare:\n  - {id: early, action: a, run: r, undo: u}\n"
	    "  - {id: go, confirm: Go, phrase: yes}\n"
	    "hop:\n  - {id: bare, action: a, run: r}\n"
	    "  - {id: dump, action: a, run: r, undo: u, produces: /x}\n"
	    "  - {id: snap-1, action: a, run: r, undo: u, produces: /y}\n"
	    "  - {id: agents, manual: 'Redeploy on ${used}', when: redeploy}\n"
	    "rollback:\n  - {id: back, action: b, run: 'restore "
	    "\"$STEPUP_ARTIFACT_snap_1\"', on-failure: f}\n";
	struct rb_diags		 d;
	struct runbook		*rb;
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	write_file("t.yaml", text, strlen(text));
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	assert_int_equal(runbook_lint(rb, &d), 5);
	assert_int_equal(d.n_errors, 0);
	assert_non_null(f = open_memstream(&out, &len));
	rb_diags_print(&d, f);
	fclose(f);
	assert_string_equal(out,
	    "t.yaml:8:3: warning: variable 'unused' is not used: no command or "
	    "text mentions $unused\n"
	    "t.yaml:12:5: warning: action 'early' comes before the first "
	    "confirm step: the operator has not agreed to change anything "
	    "yet\n"
	    "t.yaml:15:5: warning: action 'bare' has neither 'undo' nor "
	    "'on-failure': say how to recover when it fails\n"
	    "t.yaml:16:5: warning: action 'dump' produces '/x', but no "
	    "rollback step uses $STEPUP_ARTIFACT_dump\n"
	    "t.yaml:18:55: warning: step 'agents' is for redeploy hops, but "
	    "the policy has no 'redeploy-at': there are none\n");
	free(out);
	rb_diags_free(&d);
	runbook_free(rb);
}

/* until, outputs and user in the model; lint warns of an output used
 * before the step that sets it (its own run, or an earlier step's), not
 * of one used after it or in an undo (which runs in the rollback). */
/* hosts: builds the inventory; on: keeps its pattern, a list joined. */
static void
test_hosts_on(void **state)
{
	static const char text[] = BASE
	    "hosts:\n  web: [w1, w2]\n  db: [d1]\n  back: [db]\n"
	    "hop:\n  - {id: a, action: A, run: x, on: [web, d1]}\n"
	    "  - {id: b, check: B, run: x, on: 'back'}\n"
	    "  - {id: c, check: C, run: x}\n";
	struct runbook	*rb;
	char		*out;

	(void)state;
	out = load_text(text, strlen(text), &rb);
	assert_string_equal(out, "");
	free(out);
	assert_non_null(rb);
	assert_non_null(rb->inventory);
	assert_string_equal(rb->phases[RB_PHASE_HOP].v[0].on.s, "web,d1");
	assert_int_equal(rb->phases[RB_PHASE_HOP].v[0].on.pos.line, 12);
	assert_string_equal(rb->phases[RB_PHASE_HOP].v[1].on.s, "back");
	assert_null(rb->phases[RB_PHASE_HOP].v[2].on.s);
	runbook_free(rb);
}

static void
test_wait_keys(void **state)
{
	static const char	 text[] = BASE
	    "prepare:\n  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - {id: early, check: c, run: 'echo \"${lsn}\"'}\n"
	    "hop:\n  - id: lsn\n    check: c\n"
	    "    run: 'echo \"lsn=$lsn\" >>\"$STEPUP_OUTPUT\"'\n"
	    "    outputs: [lsn, {name: tok, secret: true}]\n"
	    "    until: {interval: 5s, within: 10m, timeout-means: warn, "
	    "fail-on: [3, 255]}\n"
	    "  - {id: up, action: a, run: 'x \"$lsn\"', undo: 'y \"$tok\"',"
	    " user: postgres}\n";
	const struct rb_step	*st;
	struct rb_diags		 d;
	struct runbook		*rb;
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	write_file("t.yaml", text, strlen(text));
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	assert_int_equal(d.n_errors, 0);
	assert_non_null(st = runbook_step(rb, "lsn"));
	assert_int_equal(st->until.interval, 5);
	assert_int_equal(st->until.within, 600);
	assert_int_equal(st->until.timeout_means, RB_SEV_WARN);
	assert_true(rb_until_fails_on(&st->until, 3));
	assert_true(rb_until_fails_on(&st->until, 255));
	assert_false(rb_until_fails_on(&st->until, 1));
	assert_false(rb_until_fails_on(&st->until, 0));
	assert_false(rb_until_fails_on(&st->until, 256));
	assert_int_equal(st->n_outputs, 2);
	assert_string_equal(st->outputs[0].name, "lsn");
	assert_false(st->outputs[0].secret);
	assert_string_equal(st->outputs[1].name, "tok");
	assert_true(st->outputs[1].secret);
	assert_null(st->user);
	assert_non_null(st = runbook_step(rb, "up"));
	assert_string_equal(st->user, "postgres");
	assert_int_equal(st->until.interval, 0);
	assert_int_equal(runbook_lint(rb, &d), 2);
	assert_non_null(f = open_memstream(&out, &len));
	rb_diags_print(&d, f);
	fclose(f);
	assert_string_equal(out,
	    "t.yaml:9:5: warning: step 'early' uses $lsn before step 'lsn' "
	    "sets it\n"
	    "t.yaml:11:5: warning: step 'lsn' uses $lsn before step 'lsn' "
	    "sets it (it is its own output)\n");
	free(out);
	rb_diags_free(&d);
	runbook_free(rb);
}

/* A step whose `needs` leaves out a confirm step before it is gated by
 * it anyway; lint says so, and only for those (a need that waits for the
 * confirmation itself, directly or through a step after it, is fine). */
static void
test_lint_gate(void **state)
{
	static const char	 text[] = BASE
	    "prepare:\n  - {id: pre, check: c, run: r}\n"
	    "  - {id: go, confirm: Go, phrase: yes}\n"
	    "  - {id: early, action: a, run: r, undo: u, needs: []}\n"
	    "  - {id: named, action: a, run: r, undo: u, needs: [go]}\n"
	    "  - {id: via, check: c, run: r, needs: [named]}\n"
	    "hop:\n  - {id: up, action: a, run: r, undo: u, needs: pre}\n"
	    "finish:\n  - {id: last, check: c, run: r}\n";
	struct rb_diags		 d;
	struct runbook		*rb;
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	write_file("t.yaml", text, strlen(text));
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	assert_int_equal(runbook_lint(rb, &d), 2);
	assert_non_null(f = open_memstream(&out, &len));
	rb_diags_print(&d, f);
	fclose(f);
	assert_string_equal(out,
	    "t.yaml:10:5: warning: step 'early' comes after confirm step "
	    "'go', which its 'needs' leaves out: it waits for that "
	    "confirmation all the same (a confirmation gates every step "
	    "after it)\n"
	    "t.yaml:14:5: warning: step 'up' comes after confirm step 'go', "
	    "which its 'needs' leaves out: it waits for that confirmation "
	    "all the same (a confirmation gates every step after it)\n");
	free(out);
	rb_diags_free(&d);
	runbook_free(rb);
}

/* A variable that only a `when` names (of the policy or of a hop step)
 * is used: lint does not call it a question asked for nothing. */
static void
test_lint_when_vars(void **state)
{
	static const char	 text[] = "stepup: 1\nproduct: P\nversions:\n"
	    "  scheme: semver\n  installed: {ask: q}\n  available: [1.0.0]\n"
	    "vars:\n  big: {ask: q}\n  npm: {ask: q}\n  unused: {ask: q}\n"
	    "policy:\n  required-stops: [{at: 1.0.x, when: {big: yes}}]\n"
	    "hop:\n  - {id: go, confirm: Go, phrase: yes, when: {npm: yes}}\n";
	struct rb_diags		 d;
	struct runbook		*rb;

	(void)state;
	write_file("t.yaml", text, strlen(text));
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	assert_int_equal(runbook_lint(rb, &d), 1);
	assert_string_equal(d.v[0].msg, "variable 'unused' is not used: no "
	    "command or text mentions $unused");
	rb_diags_free(&d);
	runbook_free(rb);
}

/* A read step's file is looked for next to the runbook. */
static void
test_lint_files(void **state)
{
	static const char	 text[] = "stepup: 1\nproduct: P\nversions:\n"
	    "  scheme: semver\n  installed: {ask: q}\n"
	    "  available: [1.0.0, 1.1.0, 2.0.0]\nprepare:\n"
	    "  - {id: a, read: A, file: here.md}\n"
	    "  - {id: b, read: B, file: gone.md}\n"
	    "  - {id: c, read: C, file: 'n/${STEPUP_HOP_TO}.md', per-hop: true}\n"
	    "  - {id: d, read: D, file: 'n/$STEPUP_HOP_TO-$lang.md'}\n"
	    "  - {id: go, confirm: Go, phrase: go}\n";
	struct rb_diags		 d;
	struct runbook		*rb;
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	write_file("t.yaml", text, strlen(text));
	write_file("here.md", "x\n", 2);
	assert_int_equal(mkdir("n", 0700), 0);
	write_file("n/2.0.0.md", "x\n", 2);
	write_file("n/1.0.0.md", "x\n", 2);
	rb_diags_init(&d);
	assert_non_null(rb = runbook_load("t.yaml", &d));
	assert_int_equal(runbook_lint(rb, &d), 2);
	assert_non_null(f = open_memstream(&out, &len));
	rb_diags_print(&d, f);
	fclose(f);
	assert_string_equal(out,
	    "t.yaml:9:5: warning: read step 'b': gone.md does not exist\n"
	    "t.yaml:10:5: warning: read step 'c': n/1.1.0.md does not exist\n"
	    "t.yaml:11:46: warning: $lang in 'file' of step 'd' is not a "
	    "runbook variable: it will come from stepup's environment\n");
	free(out);
	rb_diags_free(&d);
	runbook_free(rb);
	unlink("here.md");
	unlink("n/2.0.0.md");
	unlink("n/1.0.0.md");
	rmdir("n");
}

static void
test_artifact_env(void **state)
{
	char	*s;

	(void)state;
	s = runbook_artifact_env("db-dump-2");
	assert_string_equal(s, "STEPUP_ARTIFACT_db_dump_2");
	free(s);
	assert_string_equal(rb_kind_name(RB_CONFIRM), "confirm");
	assert_string_equal(rb_phase_name(RB_PHASE_ROLLBACK), "rollback");
}

/* ---- hostile files, generated -------------------------------------------- */

static void
expect_text(const char *text, size_t len, const char *want)
{
	char	*out;

	out = load_text(text, len, NULL);
	assert_string_equal(out, want);
	free(out);
}

static void
test_deep_nesting(void **state)
{
	size_t	 n = 100000, i;
	char	*s;

	(void)state;
	s = xmalloc(2 * n + 16);
	memcpy(s, "a: ", 3);
	for (i = 0; i < n; i++)
		s[3 + i] = '[';
	s[3 + n] = '\n';
	expect_text(s, n + 4, "t.yaml:1:67: mappings and lists nested deeper "
	    "than 64 levels\n");
	/* Block style: "- - - - ..." */
	for (i = 0; i < n; i++) {
		s[2 * i] = '-';
		s[2 * i + 1] = ' ';
	}
	s[2 * n] = 'x';
	expect_text(s, 2 * n + 1, "t.yaml:1:129: mappings and lists nested "
	    "deeper than 64 levels\n");
	free(s);
}

static void
test_huge_scalar(void **state)
{
	size_t	 n = 20 * 1024 * 1024;
	char	*s;

	(void)state;
	s = xmalloc(n);
	memset(s, 'x', n);
	memcpy(s, "product: ", 9);
	expect_text(s, n, "t.yaml: 20971520 bytes: too large for a runbook "
	    "(at most 4 MiB)\n");
	free(s);
}

static void
test_too_many_nodes(void **state)
{
	size_t	 n = 150000, i;
	char	*s;

	(void)state;
	s = xmalloc(4 * n + 16);
	memcpy(s, "a:\n", 3);
	for (i = 0; i < n; i++)
		memcpy(s + 3 + 4 * i, "- x\n", 4);
	expect_text(s, 3 + 4 * n, "t.yaml:99999:3: more than 100000 YAML "
	    "nodes: too large for a runbook\n");
	free(s);
}

static void
test_billion_laughs(void **state)
{
	struct buf	b;
	int		i, j;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "stepup: 1\nl0: &l0 [lol, lol, lol, lol, lol]\n");
	for (i = 1; i < 10; i++) {
		buf_printf(&b, "l%d: &l%d [", i, i);
		for (j = 0; j < 10; j++)
			buf_printf(&b, "%s*l%d", j > 0 ? ", " : "", i - 1);
		buf_puts(&b, "]\n");
	}
	expect_text(b.data, b.len, "t.yaml:3:10: YAML aliases (*l0) are not "
	    "allowed in a runbook: write the value out\n");
	buf_free(&b);
}

static void
test_many_problems(void **state)
{
	struct buf	 b;
	char		*out, *last;
	size_t		 lines = 0;
	int		 i;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "stepup: 1\n");
	for (i = 0; i < 1500; i++)
		buf_printf(&b, "k%d: 1\n", i);
	out = load_text(b.data, b.len, NULL);
	for (last = out; (last = strchr(last, '\n')) != NULL; last++)
		lines++;
	assert_int_equal(lines, 101);
	assert_non_null(strstr(out, "t.yaml: 1403 more problems not shown\n"));
	free(out);
	buf_free(&b);
}

/* Long names are refused or cut short in messages. */
static void
test_long_names(void **state)
{
	struct buf	b;
	char		a100[101], x200[201], k300[301];

	(void)state;
	memset(a100, 'a', 100);
	a100[100] = '\0';
	memset(x200, 'x', 200);
	x200[200] = '\0';
	memset(k300, 'k', 300);
	k300[300] = '\0';
	buf_init(&b);
	buf_printf(&b, BASE "hop:\n  - {id: %s, manual: m}\n"
	    "  - {id: b, manual: m, needs: [%s]}\n", a100, x200);
	expect_text(b.data, b.len, "t.yaml:8:10: a step id of 100 characters: "
	    "at most 64\n"
	    "t.yaml:9:32: step 'b' needs 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxx...', which is not a step\n");
	buf_free(&b);
	buf_init(&b);
	buf_printf(&b, "stepup: 1\n%s: 1\n", k300);
	expect_text(b.data, b.len, "t.yaml:2:1: a key of 300 characters: a key "
	    "is a name of at most 256\n");
	buf_free(&b);
}

/* A text of 190 000 $NAMEs is checked in bounded time and memory. */
static void
test_many_refs(void **state)
{
	struct buf	 b;
	char		*out;
	int		 i;

	(void)state;
	buf_init(&b);
	buf_puts(&b, BASE "hop:\n  - id: a\n    manual: m\n    text: ");
	for (i = 0; i < 190000; i++)
		buf_puts(&b, "$STEPUP_ARTIFACT_x ");
	buf_puts(&b, "\n");
	out = load_text(b.data, b.len, NULL);
	assert_non_null(strstr(out, "t.yaml:10:11: $STEPUP_ARTIFACT_x in 'text' "
	    "of step 'a': no step with 'produces' has the id 'x'\n"
	    "t.yaml:10:30: $STEPUP_ARTIFACT_x"));
	assert_non_null(strstr(out, "t.yaml: more than 9900 further problems "
	    "not shown\n"));
	free(out);
	buf_free(&b);
}

static void
test_paths(void **state)
{
	char	*out;

	(void)state;
	assert_int_equal(mkdir("d.yaml", 0700), 0);
	out = load_path("d.yaml", NULL);
	assert_string_equal(out, "d.yaml: is a directory, not a file\n");
	free(out);
	rmdir("d.yaml");
	out = load_path("missing.yaml", NULL);
	assert_string_equal(out, "missing.yaml: No such file or directory\n");
	free(out);
	write_file("t.yaml", "a\0b", 3);
	out = load_path("t.yaml", NULL);
	assert_string_equal(out, "t.yaml:1:2: binary data (a NUL byte): a "
	    "runbook is a UTF-8 text file\n");
	free(out);
}

/* A byte order mark and CRLF line ends are fine. */
static void
test_bom_crlf(void **state)
{
	static const char	text[] = "\xef\xbb\xbfstepup: 1\r\nproduct: P\r\n"
	    "versions: {scheme: semver, installed: {ask: q}, available: [1]}\r\n"
	    "hop:\r\n  - {id: a, manual: m}\r\n  - {id: a, manual: m}\r\n";

	(void)state;
	expect_text(text, strlen(text), "t.yaml:6:10: duplicate step id 'a' "
	    "(first at line 5, column 10)\n");
}

int
main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_forks),
		cmocka_unit_test(test_skip_series_number),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_policy_when),
		cmocka_unit_test(test_policy_rules_when),
		cmocka_unit_test(test_hop_when_map),
		cmocka_unit_test(test_lint_when_vars),
		cmocka_unit_test(test_kinds_short),
		cmocka_unit_test(test_lint_warnings),
		cmocka_unit_test(test_lint_gate),
		cmocka_unit_test(test_hosts_on),
		cmocka_unit_test(test_wait_keys),
		cmocka_unit_test(test_lint_files),
		cmocka_unit_test(test_artifact_env),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_scalar),
		cmocka_unit_test(test_too_many_nodes),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_many_problems),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_derived),
		cmocka_unit_test(test_many_refs),
		cmocka_unit_test(test_bom_crlf),
	};
	struct CMUnitTest	*tests;
	char			 dir[] = "/tmp/test_runbook.XXXXXX";
	char			*names[nitems(cases)];
	size_t			 i, n = 0;
	int			 rc;

	tests = xcalloc(nitems(cases) + nitems(fixed), sizeof *tests);
	for (i = 0; i < nitems(cases); i++) {
		names[i] = xasprintf("case %zu", i);
		tests[n].name = names[i];
		tests[n].test_func = test_case;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	for (i = 0; i < nitems(fixed); i++)
		tests[n++] = fixed[i];
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return 99;
	rc = _cmocka_run_group_tests("runbook", tests, n, NULL, NULL);
	unlink("t.yaml");
	if (chdir("/") == 0)
		rmdir(dir);
	for (i = 0; i < nitems(cases); i++)
		free(names[i]);
	free(tests);
	return rc;
}
