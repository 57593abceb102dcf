# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-plan-target.sh: the plan screen's t types another target. One not in
# the catalog, or older than the installed one, is refused with the reason
# and the plan stays; one of the catalog is planned for, or shows the rule
# that forbids it and the nearest allowed target; the run begins for the
# target chosen.
. "$top_srcdir/tests/tui-lib.sh"

tui_start p "PACH_TEST_INSTALLED=1.9.0 STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/plan/pachyderm.yaml --to 2.1.0"
tui_wait p "Refused by the runbook's policy (rule: no-upgrade-across)" || finish
tui_keys p t
tui_wait p "Another target (Enter plans for it, Esc keeps this one):" || finish
tui_text p "3.0.0"
tui_keys p Enter
tui_wait p "The target version 3.0.0 is not in the catalog" || finish
tui_expect p plan-target-unknown
tui_text p "1.8.5"
tui_keys p Enter
tui_wait p "1.9.0 -> 1.8.5 is a downgrade" || finish
tui_wait p "Refused by the runbook's policy (rule: no-upgrade-across)"
tui_text p "1.13.0"
tui_keys p Enter
tui_wait p "Target     1.13.0" || finish
tui_wait p "Enter: begin the run"
tui_expect p plan-target
# Back to a target the policy forbids: the rule and the nearest again.
tui_keys p t
tui_text p "2.0.0"
tui_keys p Enter
tui_wait p "The nearest allowed target is 1.13.0" || finish
tui_wait p "No upgrade path leads from 1.9.0 to 2.0.0"
tui_keys p t
tui_text p "1.13.0"
tui_keys p Enter
tui_wait p "Target     1.13.0" || finish
tui_keys p Enter
tui_wait p "Back up with pachctl extract" || finish
tui_keys p Q
tui_wait p "[exit 1]"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" history >"$TMP/history" 2>&1
expect_grep "$TMP/history" "1.9.0 -> 1.13.0"
finish
