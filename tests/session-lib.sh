# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# session-lib.sh: helpers for the plain-mode tests (tests/plain-*.sh),
# sourced after tests/lib.sh. A "world" is the directory the test
# runbook's actions change; the state dir holds the journal.
RUNBOOK="$top_srcdir/tests/data/session/upgrade.yaml"
WORLD="$TMP/world"
STATE="$TMP/state"
DB="$STATE/journal.db"
STEPUP_TEST_WORLD="$WORLD"; export STEPUP_TEST_WORLD
STEPUP_STATE_DIR="$STATE"; export STEPUP_STATE_DIR
unset TERM
mkdir -p "$WORLD"
echo 1.0.0 >"$WORLD/version"

# stepup_plain OUT ANSWERS...: run a plain-mode session with one answer a
# line; prints nothing, leaves its exit status in $status.
stepup_plain() {
	out=$1; shift
	printf '%s\n' "$@" | "$STEPUP" run --plain "$RUNBOOK" >"$out" 2>"$out.err"
	status=$?
}

# sql QUERY: ask the journal with the sqlite3 command-line tool.
sql() {
	sqlite3 -batch -noheader "$DB" "$1"
}

# wait_for FILE: until it exists (at most ~20 s, then fail, and release
# any held action so that nothing is left waiting).
# (At most a minute: a run over ssh on a loaded machine takes its time
# to get there; a test that passes never waits that long.)
wait_for() {
	n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		[ $n -gt 1200 ] && { fail "$1 never appeared"; : >"$WORLD/release"; return 1; }
		sleep 0.05
	done
	return 0
}

# children PID: the pids of PID's children, one a line (a supervisor's
# command, or the ssh client it runs). A PID that is empty, not a number,
# 0 or 1 fails the test and gives none: never the children of init,
# which a kill would take for the test's (as root, everything running).
children() {
	case $1 in
	'' | *[!0-9]* | 0 | 1)
		fail "no process to look under: '$1'"
		return 1 ;;
	esac
	ps -o pid= --ppid "$1" | tr -d ' '
}

# kill_tree PID: SIGKILL PID and its children (see children).
kill_tree() {
	kids=$(children "$1") || return 1
	# shellcheck disable=SC2086 # a pid a word
	kill -KILL "$1" $kids 2>/dev/null
	return 0
}

# wait_grep FILE STRING: until FILE has a line with STRING.
wait_grep() {
	n=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 1200 ] && { fail "$1 never said '$2': $(tail -5 "$1")"; : >"$WORLD/release"; return 1; }
		sleep 0.05
	done
	return 0
}

# expect_line FILE LINE: FILE has exactly this line.
expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(head -c 1500 "$1")"
}

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 is not installed" >&2; exit 77; }
