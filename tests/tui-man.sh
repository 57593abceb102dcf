# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-man.sh: stepup(1)'s lists of keys and colour roles are the key and
# role tables themselves (tests/tui-driver prints them), so that the man
# page cannot drift from what the wizard does.
. "$top_srcdir/tests/lib.sh"

driver=${top_builddir:-.}/tests/tui-driver
man=$top_srcdir/man/stepup.1
"$driver" keys >"$TMP/keys" || fail "tui-driver keys failed"
"$driver" roles >"$TMP/roles" || fail "tui-driver roles failed"
sed -n '/^\.Ss Keys$/,/^\.Ss Themes$/p' "$man" | sed '1d;$d' >"$TMP/man-keys"
sed -n '/^Screens draw through colour roles, never colours:$/,/^\.Pp$/p' "$man" |
    sed '1d;$d' >"$TMP/man-roles"
diff -u "$TMP/keys" "$TMP/man-keys" >"$TMP/d1" ||
    fail "stepup(1)'s keys are not the key table (paste tests/tui-driver keys):
$(cat "$TMP/d1")"
diff -u "$TMP/roles" "$TMP/man-roles" >"$TMP/d2" ||
    fail "stepup(1)'s colour roles are not the role table:
$(cat "$TMP/d2")"
finish
