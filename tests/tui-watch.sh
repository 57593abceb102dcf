#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-watch.sh: a second stepup on a runbook another wizard holds opens
# the wizard read-only: every screen names the holder, it follows the run
# step by step (the running action's screen with its output), no key in
# it changes the journal, and it says so when the run is done; a watcher
# of a finished run shows it read-only; when the holder dies, the watcher
# says the lock is free and T resumes the run, following its action.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/hold"		# install waits until $world/release exists
dump() { sqlite3 "$TMP/state/journal.db" .dump; }

tui_start a "$TUI_RUN"
tui_begin a || finish

# The watcher, before the confirmation: the checklist, read-only.
tui_start b "$TUI_RUN"
tui_wait b "read-only: held by " || finish
tui_capture b | grep -q "read-only: held by [^ ]*@[^ ]*, pid [0-9]*, since [0-9][0-9]:[0-9][0-9] UTC  (T: take over)" ||
	fail "the watcher does not name the holder: $(tui_capture b)"
tui_wait b "1. read    Release notes of 1.1.0"

tui_to_confirm a || finish
tui_text a "yes, upgrade to 2.0.0"
tui_keys a Enter
tui_wait a "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

# It follows: the running action's screen and its output.
tui_wait b "6. Install 1.1.0" || finish
tui_wait b "installing 1.1.0 on eu-1"
tui_wait b "read-only: held by "

# No key changes anything.
dump >"$TMP/dump1"
for k in x r m s c t a e R Enter Escape x a t s; do
	tui_keys b "$k"
	sleep 0.1
done
tui_text b "yes, upgrade to 2.0.0"
tui_keys b Enter
sleep 0.5
tui_wait b "read-only: held by " || finish
dump >"$TMP/dump2"
cmp -s "$TMP/dump1" "$TMP/dump2" || fail "a key in the watcher changed the journal: $(diff "$TMP/dump1" "$TMP/dump2" | head)"
[ -e "$TMP/world/release" ] && fail "something released the action"
tui_capture a | grep -q "running (attempt 1)" || fail "the holder's screen changed: $(tui_capture a)"

: >"$TMP/world/release"
tui_wait b "PASS  9. The widget reports 2.0.0" 300 || finish
tui_wait a "PASS  9. The widget reports 2.0.0" 300 || finish
tui_keys a Enter
tui_wait a "10. manual  Tell the team" || finish
tui_keys a Enter
tui_wait a "Post in the team channel" || finish
tui_keys a t
tui_wait a "A note for the journal?" || finish
tui_text a "posted"
tui_keys a Enter
tui_wait a "Widget upgraded 1.0.0 → 2.0.0: done (run 1)" 300 || finish
tui_wait b "read-only: run 1 is done" 300 || finish
tui_keys a Q
tui_wait a "[exit 0]" || finish
tui_keys b Q
tui_wait b "[exit 0]"
tui_capture b | grep -q "stepup: stopped watching run 1 (read-only: run 1 is done)" ||
	fail "the watcher does not say how it left: $(tui_capture b)"
[ "$(sqlite3 "$TMP/state/journal.db" "select count(*) from actions where step = 'install@1.1.0'")" = 1 ] ||
	fail "install ran more than once"

# A finished run, watched: read-only, T takes nothing over.
tui_start c "STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP watch 1"
tui_wait c "read-only: run 1 is done" || finish
tui_wait c "9. check   The widget reports 2.0.0"
tui_keys c T
tui_wait c "there is nothing to take over"
tui_keys c Q
tui_wait c "[exit 0]"

# The holder dies mid-action: the watcher says the lock is free, and T
# takes the run over through the normal resume, which follows the action.
tui_world
: >"$TMP/world/hold"
tui_start e "$TUI_RUN"
tui_begin e || finish
tui_to_confirm e || finish
tui_text e "yes, upgrade to 2.0.0"
tui_keys e Enter
tui_wait e "running (attempt 1)" 300 || finish
tui_start f "$TUI_RUN"
tui_wait f "installing 1.1.0 on eu-1" || finish
shpid=$(tui_on e display -p -t e '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -n 1)
kill -KILL "$pid"
tui_wait f "read-only: the lock is free (its holder's stepup is gone): run 1 can be taken over (resumed)" 300 || finish
tui_keys f T
tui_wait f "Nobody holds the run now. Take it over and resume it?" || finish
tui_keys f y
tui_wait f "An unfinished run of this runbook" || finish
tui_keys f Enter
tui_wait f "The API token?" || finish
tui_text f s3cret
tui_keys f Enter
tui_wait f "running (attempt 1)" || finish
: >"$TMP/world/release"
tui_wait f "PASS  9. The widget reports 2.0.0" 300 || finish
[ "$(sqlite3 "$TMP/state/journal.db" "select count(*) from actions where step = 'install@1.1.0'")" = 1 ] ||
	fail "install ran twice"
[ "$(sqlite3 "$TMP/state/journal.db" "select group_concat(how, ',') from (select how from holders order by gen)")" = "began,resumed" ] ||
	fail "holders: $(sqlite3 "$TMP/state/journal.db" "select * from holders")"
tui_keys f Q
tui_wait f "[exit 1]"
finish
