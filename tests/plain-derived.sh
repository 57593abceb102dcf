#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-derived.sh: a variable's value or default names other variables:
# the questions come each after those their defaults name (base before
# dump, though written after it), the default shown is expanded, and the
# commands, the titles and the journal get the derived values.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/values/derived.yaml"

stepup_plain "$TMP/out" "" "" yes
[ "$status" = 0 ] || fail "exited $status: $(tail -5 "$TMP/out") $(cat "$TMP/out.err")"
expect_line "$TMP/out" "? var base: Which base directory? (default: $WORLD/srv)"
expect_line "$TMP/out" "? var dump: Where does the dump go? (default: $WORLD/srv/out/dump-\$.sql)"
[ "$(grep -n '? var' "$TMP/out" | head -1 | cut -d' ' -f3)" = "base:" ] ||
	fail "base was not asked first: $(grep '? var' "$TMP/out")"
expect_grep "$TMP/out" "Upgrade, writing to $WORLD/srv/out"
printf '%s\n' "$WORLD/srv/out" "$WORLD/srv/out/dump-\$.sql" >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/paths" || fail "the command got: $(cat "$WORLD/paths")"
sql "select detail from events where kind = 'vars'" | grep -qxF "out=$WORLD/srv/out" ||
	fail "the derived value is not journaled: $(sql "select detail from events where kind = 'vars'")"

# An answer changes what is derived from it.
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"
stepup_plain "$TMP/out2" /b "" yes
[ "$status" = 0 ] || fail "second run exited $status: $(tail -5 "$TMP/out2")"
expect_line "$TMP/out2" "? var dump: Where does the dump go? (default: /b/out/dump-\$.sql)"
printf '%s\n' /b/out "/b/out/dump-\$.sql" >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/paths" || fail "the command got: $(cat "$WORLD/paths")"
finish
