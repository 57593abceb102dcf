#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# completion.sh: the bash completion (completion/stepup) completes the
# commands, the common and each command's options, the themes and runbook
# files, asking the stepup under test, as an operator pressing Tab would.
. "$top_srcdir/tests/lib.sh"

command -v bash >/dev/null 2>&1 || { echo "bash missing: skipped"; exit 77; }
mkdir -p "$TMP/bin" "$TMP/work/rb/sub"
ln -s "$STEPUP" "$TMP/bin/stepup"
: >"$TMP/work/rb/a.yaml"
: >"$TMP/work/rb/b.yml"
: >"$TMP/work/rb/notes.txt"
STEPUP_THEMES_DIR=$top_srcdir/themes; export STEPUP_THEMES_DIR

# complete WORD...: the completions of the last word, one a line.
complete_words() {
	(cd "$TMP/work" && PATH="$TMP/bin:$PATH" bash -c '
		. "$1/completion/stepup"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_stepup
		printf "%s\n" "${COMPREPLY[@]}"' sh "$top_srcdir" "$@") | sort
}
# expect WANT WORD...: the completions are exactly WANT (one a line).
expect() {
	want=$1; shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}

expect "plan" stepup pl
expect "rb
recover
rollback
run" stepup r
# Every command --help lists, and the runbooks beside.
got=$(complete_words stepup "")
for c in run plan lint rollback export history show recover; do
	printf '%s\n' "$got" | grep -qx "$c" || fail "stepup <Tab> lacks $c: $got"
done
printf '%s\n' "$got" | grep -qx "rb" || fail "stepup <Tab> lacks the directory rb: $got"
expect "--state-dir" stepup --st
expect "--from" stepup plan --fr
expect "--direct" stepup --no-color plan --di
expect "--no-color
--no-shellcheck" stepup lint --no-
expect "--format" stepup export --form
expect "default
high-contrast
monochrome" stepup --theme ""
expect "high-contrast" stepup plan x.yaml --theme hi
expect "html
md
txt" stepup export x.yaml --format ""
expect "rb/a.yaml
rb/b.yml
rb/sub" stepup plan rb/
expect "rb/a.yaml
rb/b.yml
rb/sub" stepup --state-dir /tmp lint rb/
expect "" stepup show ""
expect "" stepup recover ""
# An option's argument is what its help names it: a file, words to pick
# from, or free text (nothing to complete, not a runbook).
expect "rb/a.yaml
rb/b.yml
rb/notes.txt
rb/sub" stepup export x.yaml -o rb/
expect "rb/a.yaml
rb/b.yml
rb/notes.txt
rb/sub" stepup export x.yaml --output rb/
expect "" stepup takeover --reason ""
expect "" stepup plan --var ""
expect "rb" stepup takeover --reason why r
expect "rb/a.yaml
rb/b.yml
rb/sub" stepup --no-color plan --var a=b --from 1.0 rb/
finish
