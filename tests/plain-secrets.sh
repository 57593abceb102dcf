#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-secrets.sh: secrets read from a file (refused unless only the
# operator can read it) and from a command (through spawn.c), read at
# start and again on resume, never journaled nor logged; the file's
# secret names a check that runs before the confirmation, so a wrong
# password stops the run before anything changes, and that check runs
# again on resume, when the secret is read again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/values/secret.yaml"

echo hunter2 >"$WORLD/right-pw"
echo tok-123 >"$WORLD/token-source"
umask 077

# A. A file others can read is refused, before anything.
echo hunter2 >"$WORLD/pw"; chmod 644 "$WORLD/pw"
stepup_plain "$TMP/a" yes
[ "$status" = 2 ] || fail "A: a readable secret file: exit $status, want 2"
expect_line "$TMP/a" "! variable db_password: a secret file is refused: $WORLD/pw is readable by others (mode 0644); fix: chmod o-rwx $WORLD/pw"
chmod 600 "$WORLD/pw"

# B. A wrong password: its check fails before the confirmation; fixed,
# the resumed run reads it again and goes on.
echo wrong >"$WORLD/pw"
stepup_plain "$TMP/b1" quit
[ "$status" = 1 ] || fail "B: exit $status"
expect_line "$TMP/b1" "! 1 failed: exit 1"
[ "$(sql "select count(*) from step_states where step = 'go' and state = 'passed'")" = 0 ] ||
	fail "B: confirmed with a wrong password"
echo hunter2 >"$WORLD/pw"
stepup_plain "$TMP/b2" resume retry yes
[ "$status" = 0 ] || fail "B: the resumed run exited $status: $(tail -5 "$TMP/b2")"
expect_line "$TMP/b2" "= 1 passed: exit 0"
expect_line "$TMP/b2" "  | the token is ********"
printf '%s\n' hunter2 tok-123 >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/seen" || fail "B: the command got: $(cat "$WORLD/seen")"
sqlite3 "$DB" .dump | grep -q "hunter2\|tok-123" && fail "B: a secret is in the journal"
grep -rq "hunter2\|tok-123" "$STATE" && fail "B: a secret is in the state directory"

# C. The password changed while the run was paused after the
# confirmation: the check runs again on resume, and nothing else does.
rm -rf "$STATE" "$WORLD/seen"; echo 1.0.0 >"$WORLD/version"
: >"$WORLD/fail-2.0.0"
stepup_plain "$TMP/c1" yes quit
expect_line "$TMP/c1" "! 3 failed: exit 3"
rm -f "$WORLD/fail-2.0.0"
echo hunter3 >"$WORLD/pw"
stepup_plain "$TMP/c2" resume retry
[ "$status" = 1 ] || fail "C: exit $status, want 1"
expect_grep "$TMP/c2" "the secret db_password does not pass its check 'pw-ok' (exited with status 1): nothing was resumed"
[ -e "$WORLD/seen" ] && fail "C: the action ran with a wrong secret"
[ "$(sql "select count(*) from events where kind = 'probe' and detail like 'check pw-ok of the secret db_password:%'")" = 1 ] ||
	fail "C: the check is not journaled: $(sql "select kind, detail from events where kind = 'probe'")"

# D. A link to the file, a failing command: said, nothing begins.
rm -rf "$STATE"; echo hunter2 >"$WORLD/pw-real"
rm "$WORLD/pw"; ln -s "$WORLD/pw-real" "$WORLD/pw"
stepup_plain "$TMP/d0" yes
[ "$status" = 2 ] || fail "D: a link: exit $status, want 2"
expect_grep "$TMP/d0" "(a secret is never read through a symbolic link)"
rm "$WORLD/pw"; mv "$WORLD/pw-real" "$WORLD/pw"
rm "$WORLD/token-source"
stepup_plain "$TMP/d" yes
[ "$status" = 2 ] || fail "D: exit $status, want 2"
expect_grep "$TMP/d" "! variable api_token: its command exited with status 1"
finish
