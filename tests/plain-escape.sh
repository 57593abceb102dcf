#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-escape.sh: a terminal nothing can write to. Sequences that set the
# terminal's title (OSC 0), write the clipboard (OSC 52), make it type a
# reply (CSI 6n), the same as a C1 control (U+009B) and bytes that are not
# UTF-8 come from every source (a variable in a title and a hint, a
# command's output, a document, the operator's answers kept in the
# journal, the runbook's own path) and go through every output (plain
# mode, show, history, export txt/md/html of the checklist and of the
# report, lint's diagnostics, error messages): none arrives raw, each is
# shown as ^[, \u009b or \xff. The loader refuses a control character
# written as a YAML escape.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

EVIL=$(printf 'T\033]0;pwned\007C\033]52;c;cHduZWQ=\007Q\033[6nK\302\2336nB\377E')
SHOWN='T^[]0;pwned^GC^[]52;c;cHduZWQ=^GQ^[[6nK\u009b6nB\xffE'
STEPUP_TEST_LABEL=$EVIL; export STEPUP_TEST_LABEL
# The runbook's own directory is named with the sequences.
DIR="$TMP/dir$(printf '\033]0;dir\007')"
mkdir -p "$DIR"
RUNBOOK="$DIR/evil.yaml"
printf '%s\n' "$EVIL" "second line" >"$DIR/notes.txt"
cat >"$RUNBOOK" <<'EOF'
stepup: 1
product: Evil
versions:
  scheme: semver
  installed: {command: 'cat "$world/version"'}
  available: [1.0.0, 2.0.0]
vars:
  world: {env: STEPUP_TEST_WORLD}
  label: {env: STEPUP_TEST_LABEL}
prepare:
  - id: notes
    read: The notes
    file: notes.txt
  - id: look
    check: Look at $label
    run: printf '%s\n' "out $label"
  - id: tell
    manual: Tell the team
    optional: true
  - id: go
    confirm: Go on
    phrase: yes
hop:
  - id: install
    action: Install $label
    run: printf '%s\n' "$STEPUP_HOP_TO" > "$world/version"; printf '%s\n' "$label"
finish:
  - id: never
    check: Never passes
    run: test -e "$world/never"
EOF

# raw FILE: say which terminal controls FILE holds raw, if any: C0 ESC
# and BEL, a C1 control encoded in UTF-8 (C2 80..9F), a byte 0xFF.
raw() {
	od -An -v -tx1 "$1" | tr -s ' \n' '\n\n' | awk '
		$0 == "1b" || $0 == "07" || $0 == "ff" { print "byte " $0; bad = 1 }
		prev == "c2" && $0 >= "80" && $0 <= "9f" { print "C1 c2 " $0; bad = 1 }
		{ prev = $0 }
		END { exit bad ? 0 : 1 }' | sort -u | tr '\n' ' '
}

# clean FILE WHAT: FILE holds no raw control.
clean() {
	r=$(raw "$1")
	[ -z "$r" ] || fail "$2: raw terminal controls reach the terminal: $r"
}

# 1. Plain mode: the document, the title and output from a variable, the
# path in the header; answers with the sequences are journaled.
printf '%s\n' ack "skip $EVIL" "wrong $EVIL" yes quit |
    "$STEPUP" run --plain "$RUNBOOK" >"$TMP/plain" 2>"$TMP/plain.err"
clean "$TMP/plain" "plain mode"
clean "$TMP/plain.err" "plain mode's errors"
expect_grep "$TMP/plain" "  | $SHOWN"
expect_grep "$TMP/plain" "[2/6] check: Look at $SHOWN"
expect_grep "$TMP/plain" "  | out $SHOWN"
expect_grep "$TMP/plain" "[5/6] action: Install $SHOWN"
expect_grep "$TMP/plain" "= 3 skipped: $SHOWN"
expect_grep "$TMP/plain" "dir^[]0;dir^G/evil.yaml"

# 2. show and history read them back from the journal.
expect_status 0 "$STEPUP" show 1
clean "$TMP/out" "show"
expect_grep "$TMP/out" "did not match: wrong $SHOWN"
expect_grep "$TMP/out" "tell                         skipped   $SHOWN"
expect_status 0 "$STEPUP" history
clean "$TMP/out" "history"
expect_grep "$TMP/out" "dir^[]0;dir^G/evil.yaml"

# 3. Exports: the checklist and the report, in every format.
for f in txt md html; do
	# (Markdown puts a backslash before a bracket.)
	expect_status 0 "$STEPUP" export "$RUNBOOK" --from 1.0.0 --format "$f"
	clean "$TMP/out" "export checklist --format $f"
	expect_grep "$TMP/out" "0;pwned^GC^"
	expect_grep "$TMP/out" '\u009b6nB\xffE'
	expect_status 0 "$STEPUP" export --run 1 "$RUNBOOK" --format "$f"
	clean "$TMP/out" "export --run --format $f"
	expect_grep "$TMP/out" "0;pwned^GC^"
	expect_grep "$TMP/out" '\u009b6nB\xffE'
	expect_status 0 "$STEPUP" export --run 1 "$RUNBOOK" --format "$f" \
	    -o "$TMP/report.$f"
	clean "$TMP/report.$f" "export --run --format $f -o"
	clean "$TMP/err" "export's message"
done

# 4. Errors and diagnostics that quote a path or a value.
expect_status 2 "$STEPUP" run --plain "$DIR/missing$EVIL.yaml"
clean "$TMP/err" "a runbook that is not there"
expect_grep "$TMP/err" "missing$SHOWN.yaml"
for json in "" --json; do
	"$STEPUP" plan "$RUNBOOK" --from "1.0$EVIL" $json >"$TMP/out" 2>"$TMP/err"
	clean "$TMP/out" "plan $json"
	clean "$TMP/err" "plan $json"
	grep -qF '\u009b6nB' "$TMP/out" "$TMP/err" ||
		fail "plan $json does not quote the version: $(cat "$TMP/out" "$TMP/err")"
done
# A probe's output quoted in its error.
cp "$WORLD/version" "$TMP/version"
printf '1.0%s\n' "$EVIL" >"$WORLD/version"
for json in "" --json; do
	expect_status 1 "$STEPUP" plan "$RUNBOOK" $json
	clean "$TMP/out" "plan $json, a probe's output"
	clean "$TMP/err" "plan $json, a probe's output"
	expect_grep "$TMP/err" "the versions.installed command printed '1.0$SHOWN'"
done
cp "$TMP/version" "$WORLD/version"
printf 'stepup: 1\nproduct: Evil\nfrobnicate: 1\n' >"$DIR/bad.yaml"
expect_status 2 "$STEPUP" lint --no-shellcheck "$DIR/bad.yaml"
clean "$TMP/out" "lint's diagnostics"
clean "$TMP/err" "lint's diagnostics"
grep -qF "dir^[]0;dir^G/bad.yaml:3:1: " "$TMP/out" "$TMP/err" ||
	fail "lint does not name the file, escaped: $(cat "$TMP/out" "$TMP/err")"

# 5. The loader refuses control characters written as YAML escapes, in a
# title, a hint, a phrase, wherever a string is: file:line:col, exit 2.
# esc RUN-LINE HINT PHRASE: a runbook with those three strings.
esc() {
	printf 'stepup: 1\nproduct: Evil\nversions:\n  scheme: semver\n'
	printf '  installed: {ask: "Which?"}\n  available: [1.0.0, 2.0.0]\n'
	printf 'prepare:\n  - id: look\n    check: %s\n' "$1"
	printf '    run: "true"\n    hint: %s\n' "$2"
	printf '  - id: go\n    confirm: Go\n    phrase: %s\n' "$3"
}
esc '"Look \e]0;x\a"' ok yes >"$TMP/esc1.yaml"
esc '"Look \x1b[6n"' ok yes >"$TMP/esc2.yaml"
esc '"Look \u009b6n"' ok yes >"$TMP/esc3.yaml"
esc Look '"see \e]52;c;eA==\a"' yes >"$TMP/esc4.yaml"
esc Look ok '"yes\x07"' >"$TMP/esc5.yaml"
for n in 1:9:12:001B 2:9:12:001B 3:9:12:009B 4:11:11:001B 5:14:13:0007; do
	f=${n%%:*}; at=${n#*:}; at=${at%:*}; cp=${n##*:}
	expect_status 2 "$STEPUP" lint --no-shellcheck "$TMP/esc$f.yaml"
	expect_grep "$TMP/err" "esc$f.yaml:$at: a string holds control character U+$cp"
	clean "$TMP/err" "lint of esc$f.yaml"
	expect_status 2 "$STEPUP" run --plain "$TMP/esc$f.yaml"
	expect_grep "$TMP/err" "esc$f.yaml:$at: a string holds control character U+$cp"
done
# Written as they are (not as escapes), they were refused already.
printf 'stepup: 1\nproduct: "Evil \033]0;x\007"\n' >"$TMP/esc6.yaml"
expect_status 2 "$STEPUP" lint --no-shellcheck "$TMP/esc6.yaml"
expect_grep "$TMP/err" "esc6.yaml:2:16: control character U+001B is not allowed in a runbook"

finish
