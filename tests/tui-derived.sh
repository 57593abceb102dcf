#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-derived.sh: derived values in the wizard (issue 13): the questions
# come in the order the values need (base before dump, whatever the
# runbook's order), each default shown expanded with the answers before
# it, and the confirmation names the derived value.
. "$top_srcdir/tests/tui-lib.sh"
W=$TMP/world
mkdir -p "$W"
echo 1.0.0 >"$W/version"
tui_start d "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/values/derived.yaml"
tui_wait d "Enter: answer the runbook" || finish
tui_keys d Enter
tui_wait d "Which base directory?" || finish
tui_wait d "$W/srv" || finish
tui_text d "$TMP/base"
tui_keys d Enter
tui_wait d "Where does the dump go?" || finish
# Its default, from the answer just given ($$ a literal $).
tui_wait d "$TMP/base/out/dump-\$.sql" || finish
tui_keys d Enter
tui_wait d "Upgrade, writing to $TMP/base/out" || finish
tui_keys d Q
tui_wait d "[exit"
finish
