# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-checks-wrap.sh: the checks screen wraps a check's title and its hint
# instead of cutting them at the edge of the screen: the whole hint can be
# read at 100x30 and at the smallest size, 60x16, where the list scrolls
# (Space and b by page, j past the last check by line).
. "$top_srcdir/tests/tui-lib.sh"
rm -rf "$TMP/world" "$TMP/state"
mkdir -p "$TMP/world" "$TMP/state"
echo 1.0.0 >"$TMP/world/version"
: >"$TMP/world/busy"		# the pre-flight check "quiet" fails

tui_start k "STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/tui/checks/gadget.yaml"
tui_wait k "Enter: begin the run" || finish
tui_keys k Enter
tui_wait k "1. manual  Tell the users" || finish
tui_keys k Enter
tui_wait k "t ticks it off" || finish
# Text wraps by columns, not bytes: a line of two-byte letters is as long
# as any other, and no letter is split.
tui_wait k "END-OF-TEXT." || finish
n=$(tui_capture k | awk '/ééééé/ { n = gsub(/ééééé/, "&"); if (n > max) max = n } END { print max + 0 }')
[ "$n" -ge 14 ] || fail "a wrapped line of two-byte letters holds $n words; the screen has room for 15: $(tui_capture k)"
tui_capture k | LC_ALL=C grep -q "$(printf '\303[^\251]')" && fail "a letter was split: $(tui_capture k)"
tui_keys k t
tui_wait k "A note for the journal?" || finish
tui_keys k Enter
tui_wait k "FAIL  3. No job is running" 300 || finish
tui_wait k "The whole of this hint must be readable, down to END-OF-HINT." || finish
tui_expect k checks-wrap

# The smallest size: the failed check's top in view, then the rest of its
# hint a page further, and back.
tui_resize k 60 16
tui_wait k "rows 1-" || finish
tui_expect k checks-wrap-small
tui_keys k Space
tui_wait k "END-OF-HINT." || finish
tui_expect k checks-wrap-small-end
tui_keys k b
tui_wait k "rows 1-" || finish
tui_wait_gone k "END-OF-HINT." || finish
tui_keys k j j j		# the last check, then line by line past it
tui_wait k "END-OF-HINT." || finish
tui_resize k 100 30
tui_wait_gone k "rows " || finish
tui_keys k Q
tui_wait k "[exit 1]"
finish
