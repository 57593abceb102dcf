# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# lib.sh: helpers shared by the shell tests. Sourced, never run.
# The test harness exports STEPUP, top_srcdir and top_builddir.

: "${STEPUP:?run through make check}"
: "${top_srcdir:?run through make check}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/stepup-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	fails=$((fails + 1))
}

# expect_status WANT CMD...: run CMD, compare its exit status.
expect_status() {
	want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" = "$want" ] || fail "$* exited $got, want $want; stderr: $(head -c 500 "$TMP/err")"
}

# expect_grep FILE PATTERN: the file holds a line matching the fixed string.
expect_grep() {
	grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 800 "$1")"
}

finish() {
	[ "$fails" = 0 ] || { printf '%d failure(s)\n' "$fails" >&2; exit 1; }
	exit 0
}
