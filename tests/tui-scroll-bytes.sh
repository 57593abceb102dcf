# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-scroll-bytes.sh: one line of scrolling in the pager sends the
# terminal the new line, a scroll of the text band and the changed digit
# of the position, and no colour change: an operator over a slow ssh link
# pays for every byte (bench/tui-scroll measures it beside less).
. "$top_srcdir/tests/tui-lib.sh"
command -v script >/dev/null 2>&1 || { echo "script(1) is not installed: skipped"; exit 77; }

i=1
while [ $i -le 200 ]; do
	printf '%07d %s\n' $i "the line of text that scrolls into view here, ninety-nine bytes wide with its number and all" 
	i=$((i + 1))
done | cut -c1-99 >"$TMP/doc"

tui_start s "script -qefc '$TUI_DRIVER reader $TMP/doc Document' $TMP/raw"
tui_wait s "line 1  " || finish
sleep 0.3
before=$(wc -c <"$TMP/raw")
tui_keys s j
tui_wait s "line 2  " || finish
tui_wait s "0000027 the line" || finish
sleep 0.3
after=$(wc -c <"$TMP/raw")
tail -c "$((after - before))" "$TMP/raw" >"$TMP/step"
n=$(wc -c <"$TMP/step")
# 99 bytes of text; what else is needed is about 40 (set the scroll
# region, scroll, reset it, two moves, one digit).
[ "$n" -le 145 ] || fail "one line of scrolling sent $n bytes: $(od -c "$TMP/step" | head -20)"
grep -q "0000027 the line" "$TMP/step" || fail "the new line was not what was sent"
if LC_ALL=C grep -qE "$(printf '\033')\[[0-9;]*m" "$TMP/step"; then
	fail "one line of scrolling changed colours: $(od -c "$TMP/step" | head -20)"
fi
tui_keys s Q
tui_wait s "[exit 1]"
finish
