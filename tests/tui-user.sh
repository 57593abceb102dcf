#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-user.sh: a check run as another user (user: nobody) in the wizard
# (issue 13): its screen says as whom it runs, and its output shows the
# log's first line saying through what (runuser, stepup being root).
. "$top_srcdir/tests/tui-lib.sh"
[ "$(id -u)" = 0 ] || { echo "needs root (runuser)"; exit 77; }
command -v runuser >/dev/null 2>&1 || { echo "runuser is needed"; exit 77; }
W=$TMP/world
mkdir -p "$W"
chmod 755 "$TMP"
echo 1.0.0 >"$W/version"
tui_start u "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/wait/ranout.yaml"
tui_wait u "Enter: begin the run" || finish
tui_keys u Enter
tui_wait u "PASS  1. The check runs as nobody" || finish
tui_keys u o
tui_wait u "as user: nobody" || finish
tui_wait u "[stepup] running as nobody, through runuser" || finish
tui_wait u "I am nobody, world $W" || finish
tui_keys u Q
tui_wait u "[exit"
finish
