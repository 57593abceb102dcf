# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-plan-refused.sh: a target the policy forbids: the plan screen names
# the rule, says why, and offers the nearest allowed target; nothing can
# begin, and stepup exits 3.
. "$top_srcdir/tests/tui-lib.sh"

tui_start p "PACH_TEST_INSTALLED=1.9.0 STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/plan/pachyderm.yaml --to 2.1.0"
tui_wait p "Refused by the runbook's policy" || finish
tui_expect p plan-refused
tui_keys p Enter		# nothing to begin
tui_wait p "Refused by the runbook's policy"
tui_keys p q
tui_wait p "[exit 3]"
finish
