#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-takeover.sh: bob takes a run over from alice mid-action: the phrase
# names alice, the takeover is journaled (who, from whom, why), alice's
# wizard turns read-only within a second and says who took over, bob's
# resumes and follows the action alice started, which runs once and whose
# status is recorded once; stepup show lists both holders in order.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/hold"
DB=$TMP/state/journal.db
q() { sqlite3 -batch -noheader "$DB" "$1"; }

tui_start a "SUDO_USER=alice $TUI_RUN"
tui_begin a || finish
tui_to_confirm a || finish
tui_text a "yes, upgrade to 2.0.0"
tui_keys a Enter
tui_wait a "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

tui_start b "SUDO_USER=bob STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP takeover $top_srcdir/tests/data/tui/upgrade.yaml"
tui_wait b "To take the run over, type exactly:" || finish
tui_wait b "take over from alice"
tui_text b "take over from bob"
tui_keys b Enter
tui_wait b "That is not the phrase; type exactly: take over from alice" || finish
tui_keys b C-u
tui_text b "take over from alice"
tui_keys b Enter
tui_wait b "Why? (journaled with the takeover)" || finish
tui_text b "shift change"
tui_keys b Enter
# Alice's wizard notices, lets go, and says who took over.
tui_wait a "bob on " 30 || finish
tui_wait a "took it over from alice at"
tui_keys a j			# the message goes; the footer says it
tui_wait a "read-only: taken over by bob@" || finish
tui_wait b "An unfinished run of this runbook" || finish
tui_keys b Enter
tui_wait b "The API token?" || finish
tui_text b s3cret
tui_keys b Enter
tui_wait b "running (attempt 1)" || finish
tui_wait b "6. Install 1.1.0"
tui_capture b | grep -q "read-only" && fail "bob's wizard is read-only: $(tui_capture b)"
# Nothing alice presses does anything now.
tui_keys a c
sleep 0.3
tui_keys a y
sleep 0.3
[ "$(q "select count(*) from events where kind = 'cancel'")" = 0 ] || fail "alice could cancel after the takeover"

: >"$TMP/world/release"
tui_wait b "PASS  9. The widget reports 2.0.0" 300 || finish
tui_wait a "PASS  9. The widget reports 2.0.0" 300
[ "$(q "select count(*) from actions where step = 'install@1.1.0'")" = 1 ] || fail "install@1.1.0 ran twice"
[ "$(q "select count(*) from events where kind = 'exit' and step = 'install@1.1.0'")" = 1 ] ||
	fail "install@1.1.0's exit recorded $(q "select count(*) from events where kind = 'exit' and step = 'install@1.1.0'") times"
[ "$(q "select operator from events where kind = 'exit' and step = 'install@1.1.0'")" = bob ] ||
	fail "install@1.1.0's exit was not recorded by bob"
[ "$(q "select count(*) from events where kind = 'takeover'")" = 1 ] || fail "the takeover is not journaled once"
q "select detail from events where kind = 'takeover'" | grep -q "^bob took run 1 over from alice@[^ ]*, pid [0-9]*, since .*: shift change$" ||
	fail "takeover event: $(q "select detail from events where kind = 'takeover'")"
# After the takeover, alice journaled nothing.
t=$(q "select seq from events where kind = 'takeover'")
[ "$(q "select count(*) from events where seq > $t and operator = 'alice'")" = 0 ] ||
	fail "alice wrote after the takeover: $(q "select seq, kind from events where seq > $t and operator = 'alice'")"
[ "$(q "select group_concat(operator || ':' || how, ' ') from (select * from holders order by gen)")" = "alice:began bob:took over" ] ||
	fail "holders: $(q "select * from holders")"

"$STEPUP" --state-dir "$TMP/state" show 1 >"$TMP/show" 2>&1 || true
STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1
grep -q "^  1 alice on .* (pid [0-9]*) began it at " "$TMP/show" || fail "show lacks the first holder: $(cat "$TMP/show")"
grep -q "^  2 bob on .* (pid [0-9]*) took it over from alice at .*: shift change$" "$TMP/show" ||
	fail "show lacks the second holder: $(cat "$TMP/show")"

tui_keys a Q
tui_wait a "[exit 1]" || finish
tui_capture a | tr -d '\n' | grep -Eq "took it over from alice at .*: shift change; this ?stepup let go of run 1" ||
	fail "alice's stepup does not say who took over: $(tui_capture a)"
tui_keys b Q
tui_wait b "[exit 1]"
finish
