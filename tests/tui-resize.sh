# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-resize.sh: a terminal made too small shows what size is needed,
# keys other than quitting wait, and the screen comes back on resize.
. "$top_srcdir/tests/tui-lib.sh"

i=1
while [ $i -le 60 ]; do echo "entry $i"; i=$((i + 1)); done >"$TMP/doc"

tui_start z "$TUI_DRIVER" reader "$TMP/doc" Document
tui_wait z "entry 26" || finish
tui_capture z >"$TMP/before"
tui_resize z 50 12
tui_wait z "Make the terminal larger"
tui_wait z "(need 60x16, have 50x12)"
tui_keys z G			# ignored while too small
tui_resize z 100 30
tui_wait z "entry 26"
tui_capture z >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "the screen after the resize differs:
$(diff "$TMP/before" "$TMP/after")"
# A size in between is drawn at that size.
tui_resize z 70 20
tui_wait z "entry 16"
tui_wait_gone z "entry 17" 20
tui_keys z Q
tui_wait z "[exit 1]"

# Not a UTF-8 locale: ASCII glyphs, the terminal's own line drawing.
tui_start c "LC_ALL=C $TUI_DRIVER reader $TMP/doc Document"
tui_wait c " stepup - Driver  1.0 -> 2.0" || finish
tui_keys c Q
tui_wait c "[exit 1]"
finish
