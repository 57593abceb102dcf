#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-escape.sh: the wizard draws a document's terminal controls in the
# same visible form as plain mode and the exports (escape.h): OSC 0, OSC
# 52 and CSI 6n as ^[..., a C1 control as \u009b, a byte that is not
# UTF-8 as \xff; none of them is in what is sent to the terminal.
. "$top_srcdir/tests/tui-lib.sh"
command -v script >/dev/null 2>&1 || { echo "script(1) is not installed: skipped"; exit 77; }

printf 'T\033]0;pwned\007C\033]52;c;cHduZWQ=\007Q\033[6nK\302\2336nB\377E\n' >"$TMP/doc"
printf 'tab\there\n' >>"$TMP/doc"
tui_start s "script -qefc '$TUI_DRIVER reader $TMP/doc Document' $TMP/raw"
tui_wait s 'T^[]0;pwned^GC^[]52;c;cHduZWQ=^GQ^[[6nK\u009b6nB\xffE' || finish
tui_wait s 'tab     here' || finish
tui_keys s Q
tui_wait s "[exit 1]"
for seq in '\033]0;' '\033]52;' '\033\[6n' '\302\233' '\377'; do
	if LC_ALL=C grep -q "$(printf "$seq")" "$TMP/raw"; then
		fail "the terminal was sent $seq: $(od -c "$TMP/raw" | head -20)"
	fi
done
finish
