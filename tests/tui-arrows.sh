#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-arrows.sh: a cursor key in either mode is an arrow: ESC [ B (the
# normal cursor mode some terminals and ssh clients send whatever the
# application asks) and ESC O B (the application mode) both scroll the
# reader a line; neither is read as Esc, which would leave it.
. "$top_srcdir/tests/tui-lib.sh"

i=1
while [ $i -le 120 ]; do echo "line $i"; i=$((i + 1)); done >"$TMP/doc"
tui_start a "$TUI_DRIVER" reader "$TMP/doc" Document
tui_wait a "line 20" || finish
sleep 0.3
# last LINE: the last line of the document shown
last() { tui_capture a | grep '^line [0-9]*$' | tail -n 1 | cut -d' ' -f2; }
top=$(last)
# Down, normal mode: one line on, still in the reader.
tui_keys a -H 1b 5b 42
tui_wait a "line $((top + 1))" || finish
# Down, application mode.
tui_keys a -H 1b 4f 42
tui_wait a "line $((top + 2))" || finish
# Up in both modes: back where it began.
tui_keys a -H 1b 5b 41
tui_keys a -H 1b 4f 41
tui_wait_gone a "line $((top + 1))" || finish
[ "$(last)" = "$top" ] || fail "two ups after two downs: at line $(last), want $top"
tui_capture a | grep -q "\[exit" && fail "the arrows left the reader: $(tui_capture a)"
tui_capture a | grep -qF "Document" || fail "the reader is gone: $(tui_capture a)"
tui_keys a Q
tui_wait a "[exit "
finish
