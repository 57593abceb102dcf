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

# Each command's options, as its --help lists them (from its entry's
# table), are in its subsection of stepup(1), with an argument when they
# take one and with their letter; and every option that subsection's
# synopsis and lists name is one the command takes. The common options
# likewise in COMMON OPTIONS.
MAN=$top_srcdir/man/stepup.1
# options [COMMAND]: "NAME arg|- LETTER|-", one a line.
options() {
	"$STEPUP" "$@" --help | awk '
	    /^ +-[A-Za-z], --[a-z]/ { l = substr($1, 2, 1); o = $2 }
	    /^ +--[a-z]/ { l = "-"; o = $1 }
	    o != "" { n = split(substr(o, 3), p, "="); print p[1], (n > 1 ? "arg" : "-"), l; o = "" }'
}
# section TITLE: a section or subsection of stepup(1), without its title.
section() {
	awk -v t="$1" '$0 == t { on = 1; next } /^\.S[sh] / { on = 0 } on' "$MAN"
}
# man_checks WHAT OPTIONS-FILE SECTION-FILE [ALSO-FILE]
man_checks() {
	while read -r name arg letter; do
		m="Fl \\-$(printf '%s' "$name" | sed 's/-/\\-/g')"
		grep -qF "$m" "$3" || fail "$1 takes --$name, which its part of stepup(1) does not name"
		if [ "$arg" = arg ]; then
			grep -qE "$(printf '%s' "$m" | sed 's/\\/\\\\/g') (Ar|Cm) " "$3" ||
			    fail "$1 --$name takes an argument; stepup(1) names none"
		else
			grep -qE "$(printf '%s' "$m" | sed 's/\\/\\\\/g') Ar " "$3" &&
			    fail "$1 --$name takes no argument; stepup(1) gives it one"
		fi
		[ "$letter" = - ] || grep -qF "Fl $letter " "$3" ||
		    fail "$1 --$name is also -$letter; stepup(1) does not say so"
	done <"$2"
	for name in $(grep -E '^\.(Op|It) Fl ' "$3" | grep -oE 'Fl \\-[a-z\\-]+' |
	    sed 's/^Fl \\-//; s/\\-/-/g' | sort -u); do
		cat "$2" ${4:+"$4"} | grep -q "^$name " ||
		    fail "stepup(1) gives $1 the option --$name, which it does not take"
	done
}
options >"$TMP/common.opts"
[ "$(wc -l <"$TMP/common.opts")" -ge 5 ] || fail "stepup --help lists no common options: $(cat "$TMP/common.opts")"
section ".Sh COMMON OPTIONS" >"$TMP/common.man"
man_checks "every command" "$TMP/common.opts" "$TMP/common.man"
for cmd in $(sed -n 's/^  stepup \([a-z]*\).*/\1/p' "$TMP/help"); do
	section ".Ss $cmd" >"$TMP/$cmd.man"
	[ -s "$TMP/$cmd.man" ] || { fail "stepup(1) has no subsection for $cmd"; continue; }
	options "$cmd" | grep -vxF -f "$TMP/common.opts" >"$TMP/$cmd.opts"
	man_checks "stepup $cmd" "$TMP/$cmd.opts" "$TMP/$cmd.man" "$TMP/common.opts"
done
# The commands in the order of --help, as stepup(1) says they are.
sed -n 's/^  stepup \([a-z]*\).*/\1/p' "$TMP/help" >"$TMP/order.help"
sed -n 's/^\.Ss \([a-z]*\)$/\1/p' "$MAN" | grep -xF -f "$TMP/order.help" >"$TMP/order.man"
cmp -s "$TMP/order.help" "$TMP/order.man" || fail "stepup(1) lists the commands in another order than --help: $(diff "$TMP/order.help" "$TMP/order.man")"

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

# Why a command could not open its run: the runbook's own diagnostics as
# they are (FILE:LINE:COL: ...), anything else after "stepup: ".
printf 'stepup: 1\nproduct: X\n' >"$TMP/bad.yaml"
for cmd in run rollback watch takeover; do
	expect_status 2 "$STEPUP" "$cmd" --plain --state-dir "$TMP/s2" "$TMP/bad.yaml"
	grep -qx "$TMP/bad.yaml:1:1: missing 'versions' (scheme, installed, available)" "$TMP/err" ||
	    fail "$cmd bad.yaml: $(cat "$TMP/err")"
done
expect_status 2 "$STEPUP" watch --plain --state-dir "$TMP/s2" "$top_srcdir/runbooks/demo.yaml"
grep -qx "stepup: no journal in $TMP/s2 yet: nothing to watch" "$TMP/err" ||
    fail "watch without a journal: $(cat "$TMP/err")"

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
