#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# readme.sh: the README's Quick start has exactly two command lines, and
# .ci/run runs the second one as written.
. "$top_srcdir/tests/lib.sh"

sed -n '/^## Quick start/,/^## /p' "$top_srcdir/README.md" |
	sed -n '/^```sh$/,/^```$/p' | sed '1d;$d' >"$TMP/lines"
[ "$(wc -l <"$TMP/lines")" = 2 ] || fail "Quick start has $(wc -l <"$TMP/lines") lines, want 2"
test_line=$(sed -n 2p "$TMP/lines")
grep -qxF -- "$test_line" "$top_srcdir/.ci/run" ||
	fail ".ci/run does not run the README's test line: $test_line"
finish
