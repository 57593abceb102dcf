#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-in-doubt.sh: stepup and an action's supervisor both die while it
# runs; resumed in the wizard, the action is in doubt, and its screen
# shows what the operator needs to judge it (issue 13): the log's last
# lines and the path of the whole log, with the ways on (retry, done).
. "$top_srcdir/tests/tui-lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
tui_world
RB=$top_srcdir/tests/data/tui/upgrade.yaml
: >"$TMP/world/hold"
mkfifo "$TMP/in"
env -u TERM STEPUP_TEST_WORLD="$TMP/world" STEPUP_STATE_DIR="$TMP/state" \
    "$STEPUP" run --plain "$RB" <"$TMP/in" >"$TMP/plain" 2>&1 &
pid=$!
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" >"$TMP/in" &
n=0
while [ ! -e "$TMP/world/held" ]; do
	n=$((n + 1)); [ $n -gt 400 ] && { fail "the action never held: $(tail -3 "$TMP/plain")"; finish; }
	sleep 0.05
done
kill -KILL $pid
wait $pid 2>/dev/null
sup=$(sqlite3 -batch -noheader "$TMP/state/journal.db" "select pid from actions where step = 'install@1.1.0'")
child=$(ps -o pid= --ppid "$sup" | tr -d ' ')
kill -KILL "$sup" $child
rm -f "$TMP/world/hold" "$TMP/world/held"

tui_start d "$TUI_RUN"
tui_wait d "An unfinished run of this runbook" || finish
tui_keys d Enter
tui_wait d "The API token?" || finish
tui_text d s3cret
tui_keys d Enter
tui_wait d "Step 6" || finish
tui_keys d Enter
tui_wait d "installing 1.1.0 on eu-1" || finish
tui_wait d "in doubt: it was running when stepup stopped" || finish
# The path, one line however the pane wraps it.
tui_on d capture-pane -p -J -t d | tr -d '\n' | tr -s ' ' | grep -qF "all of it: $TMP/state/runs/1/install@1.1.0.1.log)" ||
	fail "no log path: $(tui_capture d)"
tui_keys d r
tui_wait d "PASS  9. The widget reports 2.0.0" 300 || finish
tui_keys d Q
tui_wait d "[exit"
finish
