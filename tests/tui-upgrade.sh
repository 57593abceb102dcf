# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-upgrade.sh: a whole upgrade in the wizard, from the plan to the
# summary, on tests/data/tui/upgrade.yaml whose actions are real
# commands; a wrong confirmation phrase is refused and said; the journal
# holds every act. w writes the plan's checklist and the run's report next
# to the journal, and R on the summary offers the rollback screen.
. "$top_srcdir/tests/tui-lib.sh"
tui_world

tui_start u "$TUI_RUN"
tui_wait u "Enter: answer the runbook" || finish
tui_expect u upgrade-plan
tui_keys u w
tui_wait u "In which format?" || finish
tui_keys u t
tui_wait u "Checklist written to $TMP/state/exports/Widget-1.0.0-2.0.0-checklist.txt" || finish
for t in "Release notes of 1.1.0" "The widget is healthy" "Back up the widget's version" \
    "Install 2.0.0" "Migrate the data to 2.0.0" "Tell the team" "Restore the version file"; do
	expect_grep "$TMP/state/exports/Widget-1.0.0-2.0.0-checklist.txt" "$t"
done
tui_begin u || finish
tui_expect u upgrade-checklist
tui_to_confirm u || finish
tui_expect u upgrade-confirm

# A wrong phrase: said, journaled, and nothing runs.
tui_text u "yes, upgrade to 3.0.0"
tui_keys u Enter
tui_wait u 'that is not the phrase'
tui_expect u upgrade-confirm-wrong
[ -e "$TMP/world/backup-1.0.0" ] && fail "the backup ran after a wrong phrase"

# The right one: the actions run one after another, then the last check.
tui_text u "yes, upgrade to 2.0.0"
tui_keys u Enter
tui_wait u "PASS  9. The widget reports 2.0.0" 300 || finish
tui_keys u Enter
tui_wait u "10. manual  Tell the team"
tui_keys u Enter
tui_wait u "Post in the team channel that eu-1 runs 2.0.0, with the time it took"
# Instructions longer than the screen is wide are wrapped, not cut.
tui_wait u "  you on the way."
tui_keys u t
tui_wait u "A note for the journal?"
tui_text u "posted in #ops"
tui_keys u Enter
# The last check runs by itself, and the summary follows.
tui_wait u "Widget upgraded 1.0.0 → 2.0.0: done (run 1)"
tui_expect u upgrade-summary
tui_keys u w
tui_wait u "In which format?" || finish
tui_keys u t
tui_wait u "Report written to $TMP/state/exports/run-1-report.txt" || finish
for t in "Release notes of 2.0.0" "Install 1.1.0" "Migrate the data to 2.0.0" \
    "posted in #ops" "Enough free disk left"; do
	expect_grep "$TMP/state/exports/run-1-report.txt" "$t"
done
grep -q s3cret "$TMP/state/exports/run-1-report.txt" && fail "the secret is in the report"
tui_keys u R			# a problem found the next morning
tui_wait u "Roll back Widget to 1.0.0 (run 1)" || finish
tui_wait u "Undo: Install 2.0.0"
tui_keys u Escape		# not now: back to the summary
tui_wait u "Widget upgraded 1.0.0 → 2.0.0: done (run 1)"
tui_keys u q
tui_wait u "stepup: done: Widget upgraded, run 1"
tui_wait u "[exit 0]"

[ "$(cat "$TMP/world/version")" = 2.0.0 ] || fail "the widget is not at 2.0.0"
[ "$(cat "$TMP/world/data")" = "migrated to 2.0.0" ] || fail "no migration"
[ "$(cat "$TMP/world/token-seen")" = "token=s3cret" ] || fail "the secret did not reach the command"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1 || fail "stepup show 1 failed"
expect_grep "$TMP/show" "yes, upgrade to 3.0.0"
expect_grep "$TMP/show" "posted in #ops"
grep -q s3cret "$TMP/show" && fail "the secret is in the journal"
finish
