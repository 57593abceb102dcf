#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-memory.sh: plain mode's memory stays flat whatever a command
# writes: 1 GiB in lines of 1000 bytes, and 256 MiB without a newline
# (shown in pieces of 65536 bytes); peak RSS under 16 MB, every byte shown.
. "$top_srcdir/tests/lib.sh"
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is not installed" >&2; exit 77; }
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
unset TERM

# The output is counted as it goes by (2.3 GB would not fit a test's
# disk budget): lines of each kind, and every other line kept.
printf '%s\n' 1.0.0 go |
	/usr/bin/time -f %M -o "$TMP/rss" "$STEPUP" run --plain \
	"$top_srcdir/tests/data/perf/big.yaml" 2>"$TMP/err" |
	awk -v other="$TMP/other" '
		/^  \| 0+$/ && length($0) == 1003 { lines++; next }
		/^  \| 0+$/ { short++; shortlen = length($0); next }
		/^  \| x+$/ && length($0) == 65540 { pieces++; next }
		{ print >other }
		END { printf "%d %d %d %d\n", lines, short, shortlen, pieces }' >"$TMP/counts"
read -r lines short shortlen pieces <"$TMP/counts"
# 1073741824 = 1073741 lines of 1000 bytes (with the newline) + 824 bytes
[ "$lines" = 1073741 ] || fail "lines of 999 bytes shown: $lines, want 1073741"
[ "$short" = 1 ] && [ "$shortlen" = 828 ] ||
	fail "the last line (824 bytes, no newline): $short of length $shortlen"
[ "$pieces" = 4096 ] || fail "pieces of 65536 bytes: $pieces, want 4096"
expect_grep "$TMP/other" "= 2 passed: exit 0"
expect_grep "$TMP/other" "= 3 passed: exit 0"
expect_grep "$TMP/other" "= done: Big upgraded, run 1"
rss=$(tail -n 1 "$TMP/rss")
# Under AddressSanitizer its own shadow memory and quarantine come on top
# (about 20 MB here); an output kept in memory would still be hundreds.
limit=16384
ldd "$STEPUP" 2>/dev/null | grep -q 'libasan' && limit=65536
[ "$rss" -lt "$limit" ] || fail "peak RSS of stepup run --plain: $rss kB, want under $limit"
finish
