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

# skip WHY: the test cannot run here: skipped (exit 77), except in CI,
# which installs everything a test needs (.ci/packages): there it fails.
skip() {
	if [ "${CI:-}" = true ]; then
		printf 'FAIL: %s\n' "$*" >&2
		exit 1
	fi
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

# need_sshd: real OpenSSH, its server ($SSHD_BIN, by default
# /usr/sbin/sshd) and its client, is here; else the test is skipped.
need_sshd() {
	[ -x "${SSHD_BIN:-/usr/sbin/sshd}" ] ||
		skip "no ${SSHD_BIN:-/usr/sbin/sshd} (Debian's openssh-server)"
	command -v ssh >/dev/null 2>&1 || skip "no ssh (openssh-client)"
}

# procs_naming TEXT: the pids of the processes whose command line holds
# TEXT (a path of the test's own), one a line.
procs_naming() {
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$1" || continue
		p=${f#/proc/}
		echo "${p%/cmdline}"
	done
}

finish() {
	[ "$fails" = 0 ] || { printf '%d failure(s)\n' "$fails" >&2; exit 1; }
	exit 0
}
