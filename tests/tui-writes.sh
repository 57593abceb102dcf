# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-writes.sh: a frame goes to the terminal in one write, not one per
# cursor move (ncurses 6.4 does that until it has been suspended once):
# over ssh every write is a packet of its own.
. "$top_srcdir/tests/tui-lib.sh"
command -v strace >/dev/null 2>&1 || { echo "strace is not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }

i=1
while [ $i -le 200 ]; do printf 'entry %d\n' $i; i=$((i + 1)); done >"$TMP/doc"

# LeakSanitizer cannot run under ptrace: no leak check in this one (the
# sanitizer build's other tests have it).
tui_start w "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -e trace=write -e signal=none -o $TMP/trace $TUI_DRIVER reader $TMP/doc Document"
tui_wait w "entry 26" || finish
# The first key read also switches the keypad on: one write of its own.
tui_keys w j
tui_wait w "entry 27" || finish
sleep 0.3
before=$(grep -c '^write(1,' "$TMP/trace")
tui_keys w j
tui_wait w "entry 28" || finish
tui_keys w j
tui_wait w "entry 29" || finish
sleep 0.3
after=$(grep -c '^write(1,' "$TMP/trace")
[ $((after - before)) -eq 2 ] ||
	fail "two lines of scrolling took $((after - before)) writes: $(tail -n $((after - before + 1)) "$TMP/trace")"
tui_keys w Q
tui_wait w "[exit 1]"
finish
