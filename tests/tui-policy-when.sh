#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-policy-when.sh: in the wizard, a policy that depends on an answer
# (a conditional required stop) has its question asked before the plan
# screen, after the installed version, and the plan shows the stop taken
# and why.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
run="STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/plan/conditional.yaml"

tui_start a "$run"
tui_wait a "Which version is installed?" || finish
tui_text a "16.0.0"
tui_keys a Enter
tui_wait a "Is the CI database over 100 GB?" || finish
tui_text a "yes"
tui_keys a Enter
tui_wait a "Installed  16.0.0" || finish
tui_wait a "hop 1  16.0.0 → 16.3.9  (minor)  16.3.9: a required stop (16.3.x: the newest 16.3 release)" || finish
tui_wait a "Required stops: 16.11.x 16.3.x (when big_db=yes)." || finish
tui_wait a "required-stops: 16.3.x, since big_db is yes" || finish
tui_keys a q
tui_wait a "[exit 1]"

# Conditional scalar rules: the policy shown is the one that applies
# (no series skipped, not the fallback's one), with the conditions that
# gave it.
run="STEPUP_STATE_DIR=$TMP/state2 $STEPUP run $top_srcdir/tests/data/plan/conditional-rules.yaml"
tui_start b "$run"
tui_wait b "Which version is installed?" || finish
tui_text b "22.05.8"
tui_keys b Enter
tui_wait b "Is the database run in high availability?" || finish
tui_text b "yes"
tui_keys b Enter
tui_wait b "hop 1  22.05.8 → 23.02.7  (major)  23.02.7: no series is skipped, since ha is yes" || finish
tui_wait b "No series is skipped. Crossing 24.05.8 needs a redeploy: a new replica set." || finish
tui_wait b "Conditional policy" || finish
tui_wait b "skip-series: 0, since ha is yes" || finish
tui_wait b "redeploy-at: 24.05.8, since ha is yes" || finish
tui_keys b q
tui_wait b "[exit 1]"
finish
