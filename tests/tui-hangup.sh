# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-hangup.sh: the terminal goes away mid-action (tmux kills the pane,
# as a dropped ssh connection does): stepup leaves, the run is journaled
# as paused, and the action goes on by itself to its end.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/hold"

tui_start h "$TUI_RUN"
tui_begin h || finish
tui_to_confirm h || finish
tui_text h "yes, upgrade to 2.0.0"
tui_keys h Enter
tui_wait h "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
shpid=$(tui_on h display -p -t h '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -n 1)
tui_on h kill-server
n=100
while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -0 "$pid" 2>/dev/null && fail "stepup is still running without its terminal"

: >"$TMP/world/release"
n=100
while [ "$(cat "$TMP/world/version")" != 1.1.0 ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ "$(cat "$TMP/world/version")" = 1.1.0 ] || fail "the action did not go on without the wizard"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1
expect_grep "$TMP/show" "paused while a command runs on"
finish
