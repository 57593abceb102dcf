#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# lint.sh: stepup lint on fixtures: exit statuses, messages at the right
# line:column, warnings, shellcheck findings at the runbook's line, hostile
# files; and every shipped runbook passes.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/runbooks

# Valid runbooks: exit 0, nothing printed.
expect_status 0 "$STEPUP" lint "$D/full.yaml" "$D/minimal.yaml"
[ -s "$TMP/err" ] && fail "lint of valid runbooks printed: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "lint of valid runbooks printed: $(cat "$TMP/out")"

# Usage errors.
expect_status 2 "$STEPUP" lint
expect_grep "$TMP/err" "no runbook to check"
expect_status 2 "$STEPUP" lint --bogus "$D/minimal.yaml"
expect_status 0 "$STEPUP" lint --help
expect_grep "$TMP/out" "Usage: stepup lint"

# Several files: every one is checked, the status is 2 if any is bad.
printf 'stepup: 1\nprodcut: X\n' >"$TMP/bad.yaml"
expect_status 2 "$STEPUP" lint "$TMP/bad.yaml" "$D/minimal.yaml" "$TMP/bad.yaml"
expect_grep "$TMP/err" "$TMP/bad.yaml:2:1: unknown key 'prodcut' in the runbook; did you mean 'product'?"
[ "$(grep -c "unknown key 'prodcut'" "$TMP/err")" = 2 ] ||
	fail "both bad files should be reported: $(cat "$TMP/err")"

# Every problem, not just the first, in file order.
expect_status 2 "$STEPUP" lint "$D/errors.yaml"
cat >"$TMP/want" <<EOT
$D/errors.yaml:5:11: 'scheme' must be semver, calver, pep440 or loose, found 'semvar'; did you mean 'semver'?
$D/errors.yaml:9:5: confirm step 'go' needs a non-empty 'phrase' (the exact words to type)
$D/errors.yaml:11:5: check step 'idle' needs 'run' (the command)
$D/errors.yaml:12:5: unknown key 'title' in step 'idle': a step's kind is its key and the title its value (e.g. action: TITLE)
$D/errors.yaml:14:9: duplicate step id 'go' (first at line 9, column 9)
$D/errors.yaml:16:66: step 'up' needs 'idel', which is not a step; did you mean 'idle'?
$D/errors.yaml:17:1: empty phase 'finish': add steps or remove the key
EOT
diff "$TMP/want" "$TMP/err" >"$TMP/diff" || fail "errors.yaml: $(cat "$TMP/diff")"

# Warnings: exit 0, printed with "warning:".
expect_status 0 "$STEPUP" lint --no-shellcheck "$D/warnings.yaml"
cat >"$TMP/want" <<EOT
$D/warnings.yaml:9:5: warning: action 'early' comes before the first confirm step: the operator has not agreed to change anything yet
$D/warnings.yaml:14:5: warning: action 'bare' has neither 'undo' nor 'on-failure': say how to recover when it fails
$D/warnings.yaml:16:5: warning: action 'snap' produces '/var/tmp/snap', but no rollback step uses \$STEPUP_ARTIFACT_snap
EOT
diff "$TMP/want" "$TMP/err" >"$TMP/diff" || fail "warnings.yaml: $(cat "$TMP/diff")"

# shellcheck findings at the runbook's line and column: a one-line
# command, and line 3 of a literal block. Runbook variables and STEPUP_*
# names are not reported as unassigned.
if command -v shellcheck >/dev/null 2>&1; then
	expect_status 2 "$STEPUP" lint "$D/shell.yaml"
	expect_grep "$TMP/err" "$D/shell.yaml:15:16: warning: shellcheck: Double quote to prevent globbing and word splitting. [SC2086] (in 'run' of step 'one')"
	expect_grep "$TMP/err" "$D/shell.yaml:33:7: shellcheck: Couldn't find 'fi' for this 'if'. [SC1046] (in 'run' of step 'block')"
	expect_grep "$TMP/err" "$D/shell.yaml:20:17: warning: shellcheck: Use \"\${var:?}\" to ensure this never expands to /* . [SC2115] (in 'run' of step 'slash')"
	grep -q "step 'quiet'" "$TMP/err" && fail "a disable directive was not honoured: $(cat "$TMP/err")"
	grep -q "referenced but not assigned" "$TMP/err" &&
		fail "runbook variables reported as unassigned: $(cat "$TMP/err")"
	expect_status 0 "$STEPUP" lint --no-shellcheck "$D/shell.yaml"
else
	echo "shellcheck is not installed: its test is skipped" >&2
	expect_status 0 "$STEPUP" lint "$D/shell.yaml"
	expect_grep "$TMP/err" "shellcheck is not installed"
fi
# Without shellcheck on PATH, lint says so and still checks the rest.
mkdir "$TMP/nobin"
expect_status 0 env PATH="$TMP/nobin" "$STEPUP" lint "$D/shell.yaml"
expect_grep "$TMP/err" "stepup: shellcheck is not installed: commands were not checked"

# Hostile files: one clear message naming the file, status 2, no crash.
printf '' >"$TMP/empty.yaml"
expect_status 2 "$STEPUP" lint "$TMP/empty.yaml"
expect_grep "$TMP/err" "$TMP/empty.yaml: empty file: a runbook starts with 'stepup: 1'"
expect_status 2 "$STEPUP" lint "$TMP"
expect_grep "$TMP/err" "$TMP: is a directory, not a file"
expect_status 2 "$STEPUP" lint "$TMP/missing.yaml"
expect_grep "$TMP/err" "stepup: cannot open the runbook $TMP/missing.yaml: No such file or directory"
mkfifo "$TMP/fifo.yaml"
expect_status 2 "$STEPUP" lint "$TMP/fifo.yaml"
expect_grep "$TMP/err" "$TMP/fifo.yaml: not a regular file"
expect_status 2 "$STEPUP" lint /dev/zero
expect_grep "$TMP/err" "/dev/zero: not a regular file"
head -c 3000 /bin/sh >"$TMP/binary.yaml"
expect_status 2 "$STEPUP" lint "$TMP/binary.yaml"
expect_grep "$TMP/err" "binary data (a NUL byte): a runbook is a UTF-8 text file"
[ "$(wc -l <"$TMP/err")" = 1 ] || fail "binary file: more than one line: $(cat "$TMP/err")"
awk 'BEGIN { printf "a: "; for (i = 0; i < 100000; i++) printf "["; print "" }' \
	>"$TMP/deep.yaml"
expect_status 2 "$STEPUP" lint "$TMP/deep.yaml"
expect_grep "$TMP/err" "$TMP/deep.yaml:1:67: mappings and lists nested deeper than 64 levels"
awk 'BEGIN { printf "a: "; for (i = 0; i < 1200000; i++) printf "xxxxxxxxxxxxxxxxx"; print "" }' \
	>"$TMP/big.yaml"
expect_status 2 "$STEPUP" lint "$TMP/big.yaml"
expect_grep "$TMP/err" "$TMP/big.yaml: 20400004 bytes: too large for a runbook (at most 4 MiB)"
{
	echo 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
	for i in 1 2 3 4 5 6 7 8 9; do
		j=$((i - 1))
		echo "l$i: &l$i [*l$j, *l$j, *l$j, *l$j, *l$j, *l$j, *l$j, *l$j, *l$j]"
	done
} >"$TMP/laughs.yaml"
expect_status 2 "$STEPUP" lint "$TMP/laughs.yaml"
expect_grep "$TMP/err" "$TMP/laughs.yaml:2:10: YAML aliases (*l0) are not allowed in a runbook: write the value out"

# The complete example of stepup-runbook(5) is a valid runbook.
sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$top_srcdir/man/stepup-runbook.5" |
	sed '1,/^\.Bd/d; $d' | sed 's/\\e/\\/g; s/\\&//g' >"$TMP/example.yaml"
grep -q '^stepup: 1$' "$TMP/example.yaml" || fail "no example in stepup-runbook(5)"
mkdir "$TMP/notes"
for v in 23.09.1 24.03.0 24.03.1; do echo "# $v" >"$TMP/notes/$v.md"; done
expect_status 0 "$STEPUP" lint "$TMP/example.yaml"
[ -s "$TMP/err" ] && fail "the example of stepup-runbook(5): $(cat "$TMP/err")"

rm "$TMP/notes/24.03.0.md"
expect_status 0 "$STEPUP" lint "$TMP/example.yaml"
expect_grep "$TMP/err" "$TMP/example.yaml:23:5: warning: read step 'notes': notes/24.03.0.md does not exist"

# until, outputs (issue 13): an unknown duration and an interval longer
# than the wait are errors; an output used before the step that sets it
# is a warning (used after it, in a later step, is fine).
cat >"$TMP/wait.yaml" <<'EOT'
stepup: 1
product: P
versions: {scheme: semver, installed: {ask: q}, available: [1.0.0]}
prepare:
  - {id: go, confirm: Go, phrase: yes}
  - {id: early, check: c, run: 'test -n "$lsn"'}
  - {id: lsn, check: c, run: 'echo "lsn=1" >>"$STEPUP_OUTPUT"', outputs: [lsn]}
  - {id: late, check: c, run: 'test -n "$lsn"', until: {interval: 5s, within: 1m}}
  - {id: none, check: c, run: 'echo "x=1" >>"$STEPUP_OUTPUT"'}
EOT
expect_status 0 "$STEPUP" lint "$TMP/wait.yaml"
[ "$(cat "$TMP/err")" = "$TMP/wait.yaml:6:5: warning: step 'early' uses \$lsn before step 'lsn' sets it
$TMP/wait.yaml:9:5: warning: step 'none' writes \$STEPUP_OUTPUT but declares no 'outputs': it is not set for it, and its values would be ignored" ] ||
	fail "an output used before it is set: $(cat "$TMP/err")"
sed -e 's/interval: 5s/interval: 5 seconds/' "$TMP/wait.yaml" >"$TMP/wait2.yaml"
expect_status 2 "$STEPUP" lint "$TMP/wait2.yaml"
expect_grep "$TMP/err" "$TMP/wait2.yaml:8:67: 'until: interval' must be seconds, or a duration like 5s, 10m or 1h (at most a week), found '5 seconds'"
sed -e 's/interval: 5s/interval: 2m/' "$TMP/wait.yaml" >"$TMP/wait3.yaml"
expect_status 2 "$STEPUP" lint "$TMP/wait3.yaml"
expect_grep "$TMP/err" "'until' of step 'late' waits 120 s between attempts but gives up after 60 s: 'interval' must not be longer than 'within'"

# An inventory file is read as a run reads it, and each `on:` checked
# against it: warnings (a run may find another file), at the step's line;
# a file that is not there is named.
mkdir -p "$TMP/inv"
printf '[web]\nw1\n' >"$TMP/inv/cluster.ini"
cat >"$TMP/inv/rb.yaml" <<'EOT'
stepup: 1
product: P
versions: {scheme: semver, installed: {ask: q}, available: [1.0.0]}
inventory: {file: cluster.ini}
prepare:
  - {id: go, confirm: Go, phrase: yes}
  - {id: a, action: A, run: x, undo: y, on: agents}
EOT
expect_status 0 "$STEPUP" lint "$TMP/inv/rb.yaml"
expect_grep "$TMP/err" "$TMP/inv/rb.yaml:7:45: warning: 'on' of step a: the host pattern 'agents' matches no host and no group in the inventory ($TMP/inv/cluster.ini)"
printf '[agents]\nw1\n' >"$TMP/inv/cluster.ini"
expect_status 0 "$STEPUP" lint "$TMP/inv/rb.yaml"
[ -s "$TMP/err" ] && fail "lint with the group in the file: $(cat "$TMP/err")"
rm "$TMP/inv/cluster.ini"
expect_status 0 "$STEPUP" lint "$TMP/inv/rb.yaml"
expect_grep "$TMP/err" "$TMP/inv/rb.yaml:4:19: warning: the inventory file $TMP/inv/cluster.ini: No such file or directory"

# Every shipped runbook passes (the loop is fine when there are none).
for rb in "$top_srcdir"/runbooks/*.yaml; do
	[ -e "$rb" ] || continue
	expect_status 0 "$STEPUP" lint "$rb"
done
finish
