# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-signals.sh: Ctrl-C during an action asks before cancelling it (the
# action never gets the keyboard's SIGINT); the shell escape leaves
# curses, runs $SHELL in the state directory and comes back, journaled;
# SIGTERM outside an action restores the terminal and pauses the run.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/hold"

tui_start s "SHELL=/bin/sh $TUI_RUN"
tui_begin s || finish
tui_to_confirm s || finish
tui_text s "yes, upgrade to 2.0.0"
tui_keys s Enter
tui_wait s "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

# Ctrl-C asks; "n" keeps it running.
tui_keys s C-c
tui_wait s "Cancel step 6, \"Install 1.1.0\"?" || finish
tui_expect s signals-cancel-ask
tui_keys s n
tui_wait s "running (attempt 1)"
# Ctrl-C again, "y": cancelled (SIGTERM to its group), it failed.
tui_keys s C-c
tui_wait s "Cancel step 6"
tui_keys s y
tui_wait s "failed: " 100 || finish
tui_wait s "r retries, ! opens a shell"

# The shell escape, in the state directory, then back.
tui_keys s !
tui_wait s "with the environment of step 6" || finish
tui_text s 'echo "in $PWD"; exit'
tui_keys s Enter
tui_wait s "Back from the shell (journaled)." || finish
tui_wait s "r retries"

# SIGTERM: the terminal is restored and the run paused.
shpid=$(tui_on s display -p -t s '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -n 1)
kill -TERM "$pid"
tui_wait s "stepup: paused: run 1 is unfinished" || finish
tui_wait s "[exit 1]"

STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1
expect_grep "$TMP/show" "cancel"
expect_grep "$TMP/show" "back from the shell"
finish
