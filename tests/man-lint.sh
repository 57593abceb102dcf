#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# man-lint.sh: both man pages are clean under mandoc -Tlint.
. "$top_srcdir/tests/lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "mandoc is not installed (Debian package mandoc)" >&2
	exit 77
fi
for page in "$top_srcdir/man/stepup.1" "$top_srcdir/man/stepup-runbook.5"; do
	# STYLE is mandoc's own taste (e.g. its list of operating systems);
	# WARNING and above are real problems.
	if ! mandoc -Tlint -W warning "$page" >"$TMP/lint" 2>&1; then
		fail "mandoc -Tlint $page: $(cat "$TMP/lint")"
	fi
done
finish
