# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-confirm-text.sh: the confirm screen shows the confirm step's own
# text (the runbook author's last warning), expanded, above what happens
# next and the phrase to type.
. "$top_srcdir/tests/tui-lib.sh"

mkdir -p "$TMP/world"
echo 1.0.0 >"$TMP/world/version"
tui_start c "env STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/values/hops.yaml"
tui_wait c "Enter: begin the run" || finish
tui_keys c Enter
tui_wait c "1. confirm Upgrade the widget" || finish
tui_keys c Enter
tui_wait c "To go on, type exactly:" || finish
tui_wait_row c 5 "Last warning before the first change, to 1.2.0."
tui_wait c "What happens next:"
finish
