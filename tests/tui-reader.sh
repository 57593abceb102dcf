# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-reader.sh: the reader in a real terminal: less keys, search, the
# position indicator, help from the key table, and an acknowledgement
# refused until the end of the document has been shown.
. "$top_srcdir/tests/tui-lib.sh"

i=1
while [ $i -le 120 ]; do
	case $i in
	37) echo "line $i: fixed a crash when the manager restarts" ;;
	90) echo "line $i: another Crash, with a capital" ;;
	*) echo "line $i: ordinary change" ;;
	esac
	i=$((i + 1))
done >"$TMP/notes.md"

tui_start r "$TUI_DRIVER" reader "$TMP/notes.md" "'Release notes of 2.0'"
tui_wait r "Release notes of 2.0" || finish
tui_expect r reader-top

# Acknowledging before the end is refused, and says why.
tui_keys r a
tui_wait r "Not yet: read to the end first"
tui_expect r reader-ack-refused

# Paging, then search forward (smart case) and backward.
tui_keys r Space
tui_wait r "line 29: ordinary change"
tui_keys r j
tui_wait r "line 30:" && tui_wait_gone r "line 2: "
tui_keys r / && tui_text r crash && tui_keys r Enter
# The match was already in view: wait for it on the first line (the
# first text row), not merely anywhere on the screen.
tui_wait_row r 3 "line 37: fixed a crash"
tui_keys r n
tui_wait_row r 3 "line 90: another Crash"
# N searches backward: from line 90 back to the match at line 37.
tui_keys r N
tui_wait_row r 3 "line 37: fixed a crash"
tui_keys r / && tui_text r nowhere && tui_keys r Enter
tui_wait r "Pattern not found: nowhere"
# While a search is typed, the footer has the line's keys (q is a
# letter there), F1 is still help, and Esc leaves the line.
tui_keys r / && tui_text r quiet
tui_wait r "Enter search  Bksp erase" || finish
tui_wait r "F1 help  Esc back"
tui_capture r | tail -n 1 | grep -q "q back" && fail "the search line's footer offers q"
tui_keys r F1
tui_wait r "Search for the text typed" || finish
tui_keys r q
tui_wait r "/quiet" || finish
tui_keys r Escape
tui_wait_gone r "/quietq"
tui_wait r "Space page"

# The end, then acknowledgement works even after going back to the top.
tui_keys r G
tui_wait r "(END)"
tui_expect r reader-end
tui_keys r g
tui_wait r "line 1: ordinary change"
tui_wait r "press a to acknowledge"

# Help lists the keys of the reader from the key table; ? is search
# backward here, F1 is help.
tui_keys r F1
tui_wait r "Keys on this screen"
tui_expect r reader-help
tui_keys r q
tui_wait r "Release notes of 2.0"

tui_keys r a
tui_wait r "driver: status 0, acknowledged"
tui_wait r "[exit 0]"

# A theme with a mistake: said with its file and line, and the default
# theme is used.
printf 'title = (red, blue)\nselction = (black, cyan)\n' >"$TMP/bad.theme"
tui_start t "STEPUP_THEME=$TMP/bad.theme" "$TUI_DRIVER" reader "$TMP/notes.md"
# (A footer message too long for the row ends with an ellipsis.)
tui_wait t "$TMP/bad.theme:2: unknown role 'selction' (did you mean 'selection'?); using th"
tui_capture t | grep -q "using th.*…$\|using the default theme" ||
    fail "the theme's message is cut silently: $(tui_capture t | tail -1)"
tui_keys t Q
tui_wait t "[exit 1]"

# NO_COLOR: attributes only, no colour at all; colours otherwise.
tui_start n "NO_COLOR=1" "$TUI_DRIVER" reader "$TMP/notes.md"
tui_wait n "acknowledging needs the end shown first" || finish
tui_on n capture-pane -e -p -t n >"$TMP/mono"
grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m" "$TMP/mono" &&
    fail "NO_COLOR: the screen has colours: $(grep -c . "$TMP/mono")"
grep -q "$(printf '\033')\[7m\|$(printf '\033')\[[0-9;]*;7m" "$TMP/mono" ||
    fail "NO_COLOR: no reverse video for the header"
tui_keys n Q
tui_start k "$TUI_DRIVER" reader "$TMP/notes.md"
tui_wait k "acknowledging needs the end shown first" || finish
tui_on k capture-pane -e -p -t k >"$TMP/colour"
grep -q "$(printf '\033')\[[0-9;]*4[0-7]m" "$TMP/colour" ||
    fail "the default theme draws no background colour"
tui_keys k Q

# A document that cannot be read is an error, before curses.
tui_start m "$TUI_DRIVER" reader "$TMP/missing.md"
tui_wait m "stepup: $TMP/missing.md: No such file or directory"
tui_wait m "[exit 1]"
finish
