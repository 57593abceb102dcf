#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# man-env.sh: every environment variable the code reads (each getenv() name
# in src/ and screens/) is in stepup(1)'s ENVIRONMENT section, and the
# installed page names this build's data directory, not a token (issue 15).
. "$top_srcdir/tests/lib.sh"

sed -n '/^\.Sh ENVIRONMENT$/,/^\.Sh /p' "$top_srcdir/man/stepup.1" >"$TMP/env"
[ -s "$TMP/env" ] || fail "stepup(1) has no ENVIRONMENT section"
grep -ohE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$top_srcdir"/src/*/*.c \
    "$top_srcdir"/screens/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u >"$TMP/names"
[ -s "$TMP/names" ] || fail "no getenv() found in the code"
while read -r name; do
	grep -qE "^\.It Ev (.* )?$name( ,|$| )" "$TMP/env" ||
	    fail "stepup(1)'s ENVIRONMENT lacks $name, which the code reads"
done <"$TMP/names"

# The page as installed: the data directory substituted (make builds it).
: "${pkgdatadir:?run through make check}"
page=${top_builddir:-.}/stepup.1
[ -f "$page" ] || fail "make did not build $page"
grep -q '@pkgdatadir@' "$page" && fail "$page still holds @pkgdatadir@"
expect_grep "$page" ".Pa $pkgdatadir/themes"
expect_grep "$page" ".It Pa $pkgdatadir/runbooks"
finish
