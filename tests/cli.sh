#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# cli.sh: --help, --version and usage errors follow GNU conventions, and
# --help lists only commands that exist; one option parser before and after
# the command, abbreviations and "did you mean" alike at every level, the
# same exit status for the same thing in every command, and themes checked
# wherever --theme is taken (issue 15).
. "$top_srcdir/tests/lib.sh"

expect_status 0 "$STEPUP" --version
expect_grep "$TMP/out" "stepup "
expect_status 0 "$STEPUP" --help
expect_grep "$TMP/out" "Usage: stepup [RUNBOOK]"
cp "$TMP/out" "$TMP/help"
# Every command --help names is one that exists (not "unknown command").
for cmd in $(sed -n 's/^  stepup \([a-z]*\).*/\1/p' "$TMP/help"); do
	"$STEPUP" "$cmd" --help >"$TMP/out" 2>&1 || fail "stepup $cmd --help failed"
	grep -q "unknown command" "$TMP/out" && fail "--help lists $cmd, which is unknown"
done
expect_status 2 "$STEPUP" no-such-command
expect_grep "$TMP/err" "unknown command 'no-such-command'"
expect_grep "$TMP/err" "Try 'stepup --help'"
expect_status 2 "$STEPUP"

# -V is --version, and --version works after any command, with the licence.
for v in -V --version "plan --version" "lint -V" "show --version" \
    "export --version" "history -V" "run --version" "rollback -V"; do
	# shellcheck disable=SC2086
	expect_status 0 "$STEPUP" $v
	expect_grep "$TMP/out" "stepup "
	expect_grep "$TMP/out" "ISC licence"
done

# An unknown option: GNU's words, stepup's prefix, exit 2, for the top
# level and every command alike.
expect_status 2 "$STEPUP" --bogus
grep -qx "stepup: unrecognized option '--bogus'" "$TMP/err" || fail "top level --bogus: $(cat "$TMP/err")"
for cmd in $(sed -n 's/^  stepup \([a-z]*\).*/\1/p' "$TMP/help"); do
	expect_status 2 "$STEPUP" "$cmd" --bogus x
	grep -qx "stepup: unrecognized option '--bogus'" "$TMP/err" || fail "$cmd --bogus: $(cat "$TMP/err")"
	expect_grep "$TMP/err" "Try 'stepup $cmd --help'"
	expect_status 2 "$STEPUP" "$cmd" -Q x
	grep -qx "stepup: invalid option -- 'Q'" "$TMP/err" || fail "$cmd -Q: $(cat "$TMP/err")"
done
expect_status 2 "$STEPUP" plan --form 1.0.0 x.yaml
expect_grep "$TMP/err" "stepup: unrecognized option '--form'; did you mean '--from'?"
expect_status 2 "$STEPUP" plan --state-dir
expect_grep "$TMP/err" "stepup: option '--state-dir' requires an argument"
expect_status 2 "$STEPUP" --no-color=yes plan
expect_grep "$TMP/err" "stepup: option '--no-color' doesn't allow an argument"
expect_status 2 "$STEPUP" export -o
expect_grep "$TMP/err" "stepup: option requires an argument -- 'o'"

# An unknown command: the nearest one, from the loader's "did you mean".
expect_status 2 "$STEPUP" pln
expect_grep "$TMP/err" "stepup: unknown command 'pln'; did you mean 'plan'?"
expect_status 2 "$STEPUP" histroy
expect_grep "$TMP/err" "did you mean 'history'?"

# Abbreviations alike at every level: a prefix naming one command or
# option is it, one naming several is refused with the possibilities.
S="$TMP/state"
expect_status 0 "$STEPUP" hist --state "$S"
expect_grep "$TMP/out" "No runs recorded in $S yet."
expect_status 2 "$STEPUP" r
expect_grep "$TMP/err" "stepup: command 'r' is ambiguous; possibilities: 'run' 'rollback'"
expect_status 2 "$STEPUP" plan --t 1.0.0 x.yaml
expect_grep "$TMP/err" "stepup: option '--t' is ambiguous; possibilities: '--to' '--theme'"

# The common options before the command as well as after it.
expect_status 0 "$STEPUP" --state-dir "$S" history
expect_grep "$TMP/out" "No runs recorded in $S yet."
expect_status 0 "$STEPUP" --no-color --state-dir "$S" plan \
    "$top_srcdir/tests/data/plan/backendai.yaml" --from 23.09.10 --json
expect_grep "$TMP/out" '"format": 1,'

# A file that cannot be read is that, not an invitation to read the format;
# every command says it in the same words, after the same prefix.
for cmd in plan lint export run rollback history; do
	expect_status 2 "$STEPUP" "$cmd" --state-dir "$S" "$TMP/nosuch.yaml"
	[ "$(cat "$TMP/err")" = "stepup: cannot open the runbook $TMP/nosuch.yaml: No such file or directory" ] ||
		fail "$cmd nosuch.yaml says: $(cat "$TMP/err")"
done
expect_status 2 "$STEPUP" "$TMP/nosuch.yaml"
expect_grep "$TMP/err" "stepup: cannot open the runbook $TMP/nosuch.yaml: No such file or directory"
printf 'stepup: 1\n' >"$TMP/locked.yaml"
chmod 000 "$TMP/locked.yaml"
if ! cat "$TMP/locked.yaml" >/dev/null 2>&1; then
	for cmd in plan lint run; do
		expect_status 2 "$STEPUP" "$cmd" --state-dir "$S" "$TMP/locked.yaml"
		expect_grep "$TMP/err" "stepup: cannot open the runbook $TMP/locked.yaml: Permission denied"
	done
fi

# No such run: the same status from show and export --run, with or without
# a journal.
expect_status 2 "$STEPUP" show --state-dir "$S" 7
expect_status 2 "$STEPUP" export --state-dir "$S" --run 7
cp -R "$top_srcdir/tests/data/paths" "$TMP/rb" && chmod -R u+w "$TMP/rb"
printf 'ack\nrun\n' | TERM= "$STEPUP" run --plain \
    --state-dir "$S" --from 1.0.0 "$TMP/rb/relative.yaml" \
    >"$TMP/run.out" 2>&1 || fail "a run to have a journal: $(cat "$TMP/run.out")"
expect_status 0 "$STEPUP" show --state-dir "$S" 1
expect_status 2 "$STEPUP" show --state-dir "$S" 7
expect_grep "$TMP/err" "stepup: there is no run 7"
expect_status 2 "$STEPUP" export --state-dir "$S" --run 7
expect_grep "$TMP/err" "stepup: there is no run 7"

# Themes: listed; an unknown one, or one with mistakes, is an error
# wherever --theme is taken, every mistake said with file:line.
STEPUP_THEMES_DIR=$top_srcdir/themes; export STEPUP_THEMES_DIR
expect_status 0 "$STEPUP" --theme list
printf 'default\nhigh-contrast\nmonochrome\n' | cmp -s - "$TMP/out" || fail "--theme list: $(cat "$TMP/out")"
expect_status 0 "$STEPUP" history --theme high-contrast --state-dir "$S"
for cmd in plan lint export history run; do
	expect_status 2 "$STEPUP" "$cmd" --theme nosuch x.yaml
	expect_grep "$TMP/err" "stepup: theme 'nosuch': "
	expect_grep "$TMP/err" "Try 'stepup --theme list'"
done
STEPUP_THEME=nosuch expect_status 2 "$STEPUP" lint x.yaml
expect_grep "$TMP/err" "stepup: theme 'nosuch': "
printf 'title = (red, blue)\nselction = (black, cyan)\n# fine\nfooter = (purple, blue)\nborder blue\n' >"$TMP/bad.theme"
expect_status 2 "$STEPUP" --theme "$TMP/bad.theme" plan x.yaml
expect_grep "$TMP/err" "stepup: $TMP/bad.theme:2: unknown role 'selction' (did you mean 'selection'?)"
expect_grep "$TMP/err" "stepup: $TMP/bad.theme:4: unknown colour 'purple'"
expect_grep "$TMP/err" "stepup: $TMP/bad.theme:5: expected ROLE = (FOREGROUND, BACKGROUND[, ATTRIBUTE...])"
finish
