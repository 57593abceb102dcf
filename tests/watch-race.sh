#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# watch-race.sh: takeovers that race. Two operators take a run over from
# alice at the same instant: one gets it, the other is told it changed
# hands; alice's wizard turns read-only; the action in flight runs once.
# Then a takeover while alice is typing the confirmation: her wizard goes
# read-only, her phrase is never journaled, bob confirms and finishes.
# Always exactly one holder, no step run twice.
. "$top_srcdir/tests/tui-lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 is not installed"; exit 77; }
RB=$top_srcdir/tests/data/tui/upgrade.yaml
DB=$TMP/state/journal.db
q() { sqlite3 -batch -noheader "$DB" "$1"; }
take() {	# take NAME: a plain takeover by NAME, stdin the fifo $TMP/NAME.in
	SUDO_USER=$1 STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state \
	    "$STEPUP" takeover --plain --reason "$1 takes the night shift" "$RB" \
	    <"$TMP/$1.in" >"$TMP/$1.out" 2>&1
	echo $? >"$TMP/$1.st"
}
wait_file_grep() {	# FILE TEXT
	n=600
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || { fail "$1 never said '$2': $(cat "$1" 2>/dev/null)"; return 1; }
		sleep 0.05
	done
}

# --- two at once ---------------------------------------------------------
tui_world
: >"$TMP/world/hold"
tui_start a "SUDO_USER=alice $TUI_RUN"
tui_begin a || finish
tui_to_confirm a || finish
tui_text a "yes, upgrade to 2.0.0"
tui_keys a Enter
tui_wait a "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

mkfifo "$TMP/bob.in" "$TMP/carol.in"
exec 3<>"$TMP/bob.in" 4<>"$TMP/carol.in"
take bob & bp=$!
take carol & cp=$!
wait_file_grep "$TMP/bob.out" "type exactly: take over from alice"
wait_file_grep "$TMP/carol.out" "type exactly: take over from alice"
printf 'take over from alice\nresume\ns3cret\ntick done\n' >&3
printf 'take over from alice\nresume\ns3cret\ntick done\n' >&4

tui_wait a "took it over from alice at" 50 || finish
n=100
while [ $n -gt 0 ] && [ ! -e "$TMP/bob.st" ] && [ ! -e "$TMP/carol.st" ]; do sleep 0.1; n=$((n - 1)); done
sleep 0.5
[ "$(q "select count(*) from holders")" = 2 ] || fail "holders: $(q "select * from holders")"
[ "$(q "select count(*) from events where kind = 'takeover'")" = 1 ] || fail "takeovers: $(q "select detail from events where kind = 'takeover'")"
winner=$(q "select operator from holders where gen = 2")
case $winner in bob) loser=carol ;; carol) loser=bob ;; *) fail "no winner: $winner"; loser=none ;; esac
[ "$(cat "$TMP/$loser.st" 2>/dev/null)" = 1 ] || fail "$loser was not refused: $(cat "$TMP/$loser.out")"
grep -qF "run 1 has changed hands meanwhile" "$TMP/$loser.out" || fail "$loser was not told: $(cat "$TMP/$loser.out")"
: >"$TMP/world/release"
wait $bp $cp
[ "$(cat "$TMP/$winner.st")" = 0 ] || fail "$winner's run exited $(cat "$TMP/$winner.st"): $(tail "$TMP/$winner.out")"
[ "$(cat "$TMP/world/version")" = 2.0.0 ] || fail "the widget is not at 2.0.0"
[ "$(q "select count(*) from actions where step = 'install@1.1.0'")" = 1 ] || fail "install@1.1.0 ran twice"
[ "$(q "select count(*) from events where kind = 'exit' and step = 'install@1.1.0'")" = 1 ] || fail "install@1.1.0's exit recorded twice"
t=$(q "select seq from events where kind = 'takeover'")
[ "$(q "select count(*) from events where run = 1 and seq > $t and operator != '$winner'")" = 0 ] ||
	fail "someone but $winner wrote after the takeover: $(q "select seq, operator, kind from events where seq > $t and operator != '$winner'")"
[ "$(q "select count(*) from (select step from actions group by run, step having count(*) > 1)")" = 0 ] || fail "a step ran twice"
tui_keys a Q
tui_wait a "[exit 0]"	# the run is done (by the new holder)
exec 3>&- 4>&-
rm -f "$TMP"/*.in "$TMP"/*.st "$TMP"/*.out

# --- while alice confirms ------------------------------------------------
tui_world
tui_start d "SUDO_USER=alice $TUI_RUN"
tui_begin d || finish
tui_to_confirm d || finish
tui_text d "yes, upgr"
mkfifo "$TMP/bob.in"
exec 3<>"$TMP/bob.in"
take bob & bp=$!
wait_file_grep "$TMP/bob.out" "type exactly: take over from alice"
printf 'take over from alice\n' >&3
tui_wait d "took it over from alice at" 50 || finish
tui_text d "ade to 2.0.0"
tui_keys d Enter
sleep 0.5
[ "$(q "select count(*) from events where kind = 'phrase'")" = 0 ] || fail "alice's phrase was journaled after the takeover: $(q "select operator, detail from events where kind = 'phrase'")"
printf 'resume\ns3cret\nyes, upgrade to 2.0.0\ntick done\n' >&3
wait $bp
[ "$(cat "$TMP/bob.st")" = 0 ] || fail "bob's run exited $(cat "$TMP/bob.st"): $(tail "$TMP/bob.out")"
[ "$(q "select operator || ': ' || detail from events where kind = 'phrase'")" = "bob: typed: yes, upgrade to 2.0.0" ] ||
	fail "phrases: $(q "select operator, detail from events where kind = 'phrase'")"
[ "$(q "select count(*) from (select step from actions group by run, step having count(*) > 1)")" = 0 ] || fail "a step ran twice"
[ "$(q "select count(*) from events where operator = 'alice' and seq > (select seq from events where kind = 'takeover')")" = 0 ] ||
	fail "alice wrote after the takeover"
tui_wait d "read-only: " || finish
tui_keys d Q
tui_wait d "[exit 0]"
exec 3>&-
finish
