# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-rollback.sh: a failed action's R opens the rollback screen: what
# will be undone, latest first, the backup it uses (path, size, sha256,
# age) checked before anything runs, the typed phrase; then the rollback
# run goes through the same screens, and the summary says the old version
# is back. The widget's files are as they were before the upgrade.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
echo "widget data" >"$TMP/world/data"
cp -a "$TMP/world" "$TMP/before"
: >"$TMP/world/fail-2.0.0"	# install 2.0.0 fails: no space left

tui_start r "$TUI_RUN"
tui_begin r || finish
tui_to_confirm r || finish
tui_text r "yes, upgrade to 2.0.0"
tui_keys r Enter
tui_wait r "no space left on the widget" 300 || finish
[ "$(cat "$TMP/world/version")" = 1.1.0 ] || fail "hop 1 did not install 1.1.0"
tui_wait r ", R rolls back"
tui_keys r R
tui_wait r "Roll back Widget to 1.0.0 (run 1)" || finish
tui_wait r "yes, roll back to 1.0.0"
tui_expect r rollback-screen
sha=$(sha256sum "$TMP/world/backup-1.0.0" | cut -d' ' -f1)
tui_wait r "6 bytes, " && tui_wait r "sha256 $sha"
tui_text r "yes, roll back"		# not the phrase: nothing begins
tui_keys r Enter
tui_wait r "That is not the phrase: nothing has begun." || finish
[ "$(STEPUP_STATE_DIR=$TMP/state "$STEPUP" history 2>&1 | grep -c rollback)" = 0 ] ||
	fail "a rollback run began on a wrong phrase"
tui_text r "yes, roll back to 1.0.0"
tui_keys r Enter
# The undo follows the phrase by itself, like an upgrade's actions.
tui_wait r "2. Undo: Install 1.1.0" || finish
tui_wait r "passed: exit 0" 300 || finish
[ "$(cat "$TMP/world/version")" = 1.0.0 ] || fail "the undo did not put 1.0.0 back"
tui_keys r Enter
tui_wait r "3. manual  backup cannot be undone automatically" || finish
tui_expect r rollback-checklist
tui_keys r Enter
tui_wait r "t ticks it off" || finish
tui_keys r t
tui_wait r "A note for the journal?"
tui_keys r Enter
tui_wait r "4. action  Restore the version file" || finish
tui_keys r Enter
tui_wait r "ready: x runs it now" || finish
tui_keys r x
tui_wait r "Widget rolled back to 1.0.0: done (run 2)" 300 || finish
tui_wait r "Installed version: 1.0.0, the version restored."
tui_expect r rollback-summary
tui_keys r q
tui_wait r "stepup: done: Widget rolled back, run 2"
tui_wait r "[exit 1]"
rm -f "$TMP/world/fail-2.0.0" "$TMP/world/backup-1.0.0" "$TMP/world/token-seen"
diff -r "$TMP/before" "$TMP/world" >"$TMP/diff" 2>&1 ||
	fail "the widget's files are not as before the upgrade: $(cat "$TMP/diff")"
finish
