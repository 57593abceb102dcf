# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-reattach.sh: a second stepup while one runs watches it read-only,
# naming the holder; the first killed (SIGKILL) mid-action, a new one offers to
# resume, reattaches to the action still running, and follows it on.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/hold"		# install waits until $world/release exists

tui_start a "$TUI_RUN"
tui_begin a || finish
tui_to_confirm a || finish
tui_text a "yes, upgrade to 2.0.0"
tui_keys a Enter
tui_wait a "6. Install 1.1.0" 300 || finish
tui_wait a "running (attempt 1)"
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -e "$TMP/world/held" ] || { fail "install never started"; finish; }

# A second operator on a terminal watches, read-only, naming the holder's
# pid (plain mode exits 4: plain-kill.sh).
tui_start b "$TUI_RUN"
tui_wait b "read-only: held by " || finish
tui_capture b | grep -q "pid [0-9]" || fail "the watcher does not name the holder's pid:
$(tui_capture b)"
tui_keys b Q
tui_wait b "[exit 1]" || finish

# The wizard dies; the action does not.
shpid=$(tui_on a display -p -t a '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -n 1)
[ -n "$pid" ] || { fail "no stepup under the first pane"; finish; }
kill -KILL "$pid"
tui_wait a "[exit 137]"
[ -e "$TMP/world/release" ] && fail "release exists already"
# The action began an hour ago, as far as the journal knows: the elapsed
# time after reattaching counts from there, not from the reattach.
sqlite3 "$TMP/state/journal.db" "update actions set started = started - 3600 where step = 'install@1.1.0'; update step_states set updated = updated - 3600 where step = 'install@1.1.0'"

tui_start c "$TUI_RUN"
tui_wait c "An unfinished run of this runbook" || finish
tui_wait c "At step   install@1.1.0"
tui_expect c reattach-start
# The history, from here: the run, then its events; q goes back.
tui_keys c H
tui_wait c "Past runs (newest first)" || finish
tui_wait c "upgrade  running        1.0.0 → 2.0.0"
tui_keys c Enter
tui_wait c "Run 1: Widget 1.0.0 → 2.0.0, running"
tui_wait c "start     install@1.1.0: attempt 1 (after the confirmation)"
tui_keys c q
tui_wait c "Past runs (newest first)"
tui_keys c q
tui_wait c "An unfinished run of this runbook"
tui_keys c Enter
tui_wait c "The API token?" || finish		# secrets are asked again
tui_text c s3cret
tui_keys c Enter
tui_wait c "running (attempt 1)" || finish
tui_wait c "6. Install 1.1.0"
tui_capture c | grep -q "running (attempt 1), 36[0-9][0-9]s elapsed" ||
	fail "the elapsed time does not count from the action's start: $(tui_capture c | grep elapsed)"
tui_capture c | grep -qF "installing 1.1.0 on eu-1" || fail "the output so far is not shown"
: >"$TMP/world/release"
tui_wait c "PASS  9. The widget reports 2.0.0" 300 || finish
tui_keys c Q
tui_wait c "[exit 1]"
[ "$(cat "$TMP/world/version")" = 2.0.0 ] || fail "the widget is not at 2.0.0"
finish
