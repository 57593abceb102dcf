#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-inject.sh: a version or an answer such as "1.0; touch pwned" or
# "$(touch pwned)" never runs: values reach commands only as environment
# variables, and stepup's own $NAME expansion interprets nothing else.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
P="$TMP/pwned"

for v in "1.0; touch $P" "\$(touch $P)" "\`touch $P\`" "1.0.0 && touch $P"; do
	echo 1.0.0 >"$WORLD/version"
	printf '%s\n' "" tok | "$STEPUP" run --plain --from "$v" "$RUNBOOK" >"$TMP/out" 2>&1
	st=$?
	[ "$st" = 3 ] || [ "$st" = 2 ] || fail "--from '$v' exited $st: $(tail -3 "$TMP/out")"
	printf '%s\n' "" tok | "$STEPUP" run --plain --to "$v" "$RUNBOOK" >"$TMP/out" 2>&1
	st=$?
	[ "$st" = 3 ] || [ "$st" = 2 ] || fail "--to '$v' exited $st: $(tail -3 "$TMP/out")"
	# The installed-version probe printing it.
	printf '%s\n' "$v" >"$WORLD/version"
	printf '%s\n' "" tok | "$STEPUP" run --plain "$RUNBOOK" >"$TMP/out" 2>&1
	st=$?
	# A probe that prints something else than a version fails (exit 1),
	# naming what it printed.
	[ "$st" = 1 ] || fail "installed '$v' exited $st: $(tail -3 "$TMP/out")"
	expect_grep "$TMP/out" "the versions.installed command printed '$v', which is not a valid semver version"
	[ -e "$P" ] && { fail "'$v' ran"; rm -f "$P"; }
done
[ "$(sql "select count(*) from runs")" = 0 ] || fail "a refused plan began a run"

# Answers: passed to the commands as they are, shown as they are.
echo 1.0.0 >"$WORLD/version"
tok="\$(touch $P); \`touch $P\` || touch $P"
stepup_plain "$TMP/out" "" "$tok" ack ack "yes, upgrade to 2.0.0" "tick \$(touch $P)"
[ "$status" = 0 ] || fail "upgrade exited $status: $(tail -5 "$TMP/out")"
[ -e "$P" ] && fail "an answer ran"
[ "$(cat "$WORLD/token-seen")" = "token=$tok" ] || fail "token reached the command as: $(cat "$WORLD/token-seen")"
[ "$(sql "select reason from step_states where step = 'tell'")" = "\$(touch $P)" ] ||
	fail "note: $(sql "select reason from step_states where step = 'tell'")"
finish
