#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-read-g.sh: G typed together with the Enter that opens a read step
# goes to the end of the document as the reader shows it (a short one
# whole, from its first line), not to its last line alone at the top:
# the reader is drawn, and knows its size, before G reaches it.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
tui_start g "$TUI_RUN"
tui_begin g || finish
# One write: Enter and G arrive together.
tui_text g "$(printf '\rG')"
tui_wait g "The last line of 1.1.0." || finish
tui_wait g "# Widget 1.1.0" 30 || finish
tui_keys g Q
tui_wait g "[exit "
finish
