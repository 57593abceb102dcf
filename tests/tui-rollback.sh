# tui-rollback.sh: a failed action offers to roll back; the rollback run
# goes through the same screens: its confirmation, the undo of every
# action that passed, in reverse, then the runbook's rollback steps.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
: >"$TMP/world/fail-1.1.0"	# install 1.1.0 fails: no space left

tui_start r "$TUI_RUN"
tui_begin r || finish
tui_to_confirm r || finish
tui_text r "yes, upgrade to 2.0.0"
tui_keys r Enter
tui_wait r "no space left on the widget" 300 || finish
tui_wait r ", R rolls back"
tui_keys r R
tui_wait r "Roll back what this run has done?" || finish
tui_keys r y
tui_wait r "Rollback" || finish
tui_expect r rollback-checklist
tui_keys r Enter
tui_wait r "yes, roll back to 1.0.0" || finish
tui_text r "yes, roll back to 1.0.0"
tui_keys r Enter
tui_wait r "2. manual  backup cannot be undone automatically" || finish
tui_keys r Enter
tui_wait r "t ticks it off" || finish
tui_keys r t
tui_wait r "A note for the journal?"
tui_keys r Enter
tui_wait r "3. action  Restore the version file" || finish
tui_keys r Enter
tui_wait r "ready: x runs it now" || finish
tui_expect r rollback-ready
tui_keys r x
tui_wait r "Widget rolled back to 1.0.0: done (run 2)" 300 || finish
tui_keys r q
tui_wait r "stepup: done: Widget rolled back, run 2"
tui_wait r "[exit 1]"
[ "$(cat "$TMP/world/version")" = 1.0.0 ] || fail "the widget is not back at 1.0.0"
finish
