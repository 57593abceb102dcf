#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-wait.sh: issue 13's first half in plain mode: a check retried until
# it passes (until), one line per attempt, a kill between two attempts
# resumed from the first attempt's time, a wait that runs out as a warning;
# values a step sets (outputs) given to later steps, masked when secret,
# journaled, restored on resume, refused when missing or malformed; a
# step run as another user (runuser as root, sudo -n otherwise).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/wait/wait.yaml"
[ "$(id -u)" = 0 ] || { echo "needs root (runuser, setpriv)" >&2; exit 77; }
command -v runuser >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 ||
	{ echo "runuser and setpriv are needed" >&2; exit 77; }
echo 7 >"$WORLD/leader"
echo 3 >"$WORLD/answers-at"
echo s3cr3t-tok >"$WORLD/token"

# A. The wait: attempts 1 and 2 fail, 3 passes; a line for each. The
# token step's values reach the later steps, the secret one masked.
stepup_plain "$TMP/a" "yes, upgrade" run
[ "$status" = 0 ] || fail "A: exit $status: $(tail -5 "$TMP/a")"
# (How long to the next is the clock's: an attempt followed by another
# says "next in", whatever the seconds.)
expect_grep "$TMP/a" "~ 4 attempt 1: exit 1 (next in "
expect_grep "$TMP/a" "s left to wait): try 1"
expect_grep "$TMP/a" "~ 4 attempt 2: exit 1 (next in "
expect_line "$TMP/a" "~ 4 attempt 3: exit 0: try 3"
expect_line "$TMP/a" "= 4 passed: exit 0"
expect_line "$TMP/a" "  set: token=********"
expect_line "$TMP/a" "  set: leader=node-7"
expect_line "$TMP/a" "  | restarting node-7 with token ********"
expect_line "$TMP/a" "  | leader node-7 ok"
[ "$(cat "$WORLD/token-seen")" = s3cr3t-tok ] || fail "A: the finish step saw token '$(cat "$WORLD/token-seen")'"
[ "$(sql "select detail from events where kind = 'output' and step = 'token'")" = \
  "$(printf 'token=********\nleader=node-7')" ] || fail "A: output event: $(sql "select * from events where kind = 'output'")"
[ "$(sql "select count(*) from events where detail like '%s3cr3t%'")" = 0 ] || fail "A: the secret is in the journal"
grep -r s3cr3t "$STATE/runs/1/"*.log >/dev/null && fail "A: the secret is in a log"
[ "$(sql "select count(*) from actions where run = 1 and step = 'back@2.0.0'")" = 3 ] || fail "A: attempts of back"
[ "$(sql "select detail from events where run = 1 and kind = 'start' and step = 'back@2.0.0' order by seq desc limit 1" | head -1)" = \
  'attempt 3 (waiting until it passes, since attempt 1): echo x >>"$world/tries"' ] ||
	fail "A: start events: $(sql "select detail from events where kind = 'start'")"
[ "$(sql "select state from step_states where run = 1 and step = 'back@2.0.0'")" = passed ] || fail "A: back's state"
"$STEPUP" show 1 >"$TMP/show" 2>&1
"$STEPUP" export "$RUNBOOK" --run 1 --format txt >"$TMP/report" 2>&1 || fail "A: export: $(cat "$TMP/report")"
expect_grep "$TMP/report" "leader=node-7"
expect_grep "$TMP/report" "token=********"

# B. Killed between two attempts: the resumed run goes on waiting, counting
# from attempt 1; the values set before the kill (the secret one read back
# from its output file) still reach the later steps.
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"; rm -f "$WORLD/token-seen"
printf '%s\n' "yes, upgrade" run | STEPUP_TEST_KILL=recorded:back@2.0.0 "$STEPUP" run --plain "$RUNBOOK" >"$TMP/b1" 2>&1
[ $? = 137 ] || fail "B: not killed at the boundary: $(tail -3 "$TMP/b1")"
[ "$(sql "select state from step_states where step = 'back@2.0.0'")" = running ] || fail "B: back is not running"
stepup_plain "$TMP/b2" resume
[ "$status" = 0 ] || fail "B: resumed run exits $status: $(tail -5 "$TMP/b2")"
expect_grep "$TMP/b2" "~ 4 attempt 2: exit 1 (next in "
expect_line "$TMP/b2" "~ 4 attempt 3: exit 0: try 3"
[ "$(sql "select count(*) from events where kind = 'start' and detail like 'attempt _ (waiting until it passes, since attempt 1)%'")" = 2 ] ||
	fail "B: the resumed wait: $(sql "select detail from events where kind = 'start'")"
[ "$(cat "$WORLD/token-seen")" = s3cr3t-tok ] || fail "B: the resumed run lost the secret output: '$(cat "$WORLD/token-seen")'"
expect_line "$TMP/b2" "  | leader node-7 ok"

# C. A declared value not set fails the step, naming it; an undeclared one
# is a note; a NUL is refused.
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"
: >"$WORLD/no-leader"; : >"$WORLD/extra"
stepup_plain "$TMP/c" quit
expect_line "$TMP/c" "! 1 failed: exit 0, but it did not set its output 'leader' (a line leader=VALUE in \$STEPUP_OUTPUT)"
[ "$(sql "select detail from events where kind = 'note' and step = 'token'")" = \
  "line 2 sets 'extra', which step token does not declare in 'outputs': ignored" ] ||
	fail "C: note: $(sql "select detail from events where kind = 'note'")"
rm -f "$WORLD/no-leader" "$WORLD/extra"; : >"$WORLD/nul"
stepup_plain "$TMP/c2" resume retry quit
expect_line "$TMP/c2" "! 1 failed: exit 0, but \$STEPUP_OUTPUT holds a NUL byte: a value is one line of text, refused"
rm -f "$WORLD/nul"

# F. An interrupt during a wait offers to stop waiting: the attempt under
# way (held here) is the last, and its failure ends the wait, saying so.
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"; rm -f "$WORLD/held" "$WORLD/release"
echo 1000 >"$WORLD/answers-at"; : >"$WORLD/hold-2"
mkfifo "$TMP/f.fifo"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/f.fifo" >"$TMP/f" 2>&1 &
pid=$!
exec 3>"$TMP/f.fifo"
printf '%s\n' "yes, upgrade" >&3
wait_for "$WORLD/held"
kill -INT $pid
wait_grep "$TMP/f" "? 4 cancel: cancel the running command? [yes, no, stop: stop waiting]"
printf '%s\n' stop >&3
wait_grep "$TMP/f" "> 4 stopped waiting: no more attempts"
: >"$WORLD/release"
wait_grep "$TMP/f" "? 4 check: it failed"
# Rolled back: the undo gets the values the upgrade's steps set.
printf '%s\n' rollback "yes, roll back to 1.0.0" >&3
exec 3>&-
wait $pid
expect_line "$TMP/f" "! 4 failed: the wait ran out (1h00m) after 2 attempts, stopped by the operator: exit 1"
expect_line "$TMP/f" "  | undo on node-7"
[ "$(sql "select count(*) from actions where step = 'back@2.0.0'")" = 2 ] || fail "F: an attempt after the stop"
echo 3 >"$WORLD/answers-at"; rm -f "$WORLD/hold-2" "$WORLD/held" "$WORLD/release"

# G. An exit status named in fail-on ends the wait at once: the condition
# will not come, so no attempt follows it, and the step fails saying so.
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"; echo 2 >"$WORLD/broken-at"
stepup_plain "$TMP/g" "yes, upgrade" quit
expect_grep "$TMP/g" "~ 4 attempt 1: exit 1 (next in "
expect_line "$TMP/g" "! 4 failed: stopped waiting: exit status 3 is one of 'fail-on' (the condition will not come), after 2 attempts: exit 3"
[ "$(sql "select count(*) from actions where step = 'back@2.0.0'")" = 2 ] || fail "G: an attempt after a fail-on status"
[ "$(sql "select state from step_states where step = 'back@2.0.0'")" = failed ] || fail "G: back is not failed"
grep -F "? 4 check: it failed [" "$TMP/g" | grep -q accept && fail "G: a fail-on failure offered as a warning to accept"
STEPUP_STATE_DIR="$TMP/g-state" "$STEPUP" run --dry-run --from 1.0.0 "$RUNBOOK" >"$TMP/g-dry" 2>&1 </dev/null
expect_line "$TMP/g-dry" "  fails at once on exit status: 3"
rm -f "$WORLD/broken-at"

# D. A wait that runs out, with timeout-means: warn, is accepted; killed
# between two attempts and resumed after its window, it has run out.
RUNBOOK="$top_srcdir/tests/data/wait/ranout.yaml"
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"
stepup_plain "$TMP/d" "yes, upgrade" accept
[ "$status" = 0 ] || fail "D: exit $status: $(tail -5 "$TMP/d")"
expect_grep "$TMP/d" "! 4 failed: the wait ran out (2s) after "
expect_line "$TMP/d" "? 4 check: it failed [retry, accept, shell, rollback, quit]"
expect_line "$TMP/d" "= 4 passed: warning accepted"
rm -rf "$STATE"; echo 1.0.0 >"$WORLD/version"
printf '%s\n' "yes, upgrade" | STEPUP_TEST_KILL=recorded:synced@2.0.0 "$STEPUP" run --plain "$RUNBOOK" >"$TMP/d1" 2>&1
[ $? = 137 ] || fail "D: not killed at the boundary: $(tail -3 "$TMP/d1")"
sleep 3
stepup_plain "$TMP/d2" resume quit
[ "$(sql "select reason from step_states where step = 'synced@2.0.0'")" = "the wait ran out (2s) after 1 attempt: exit 1" ] ||
	fail "D: resumed past its window: $(sql "select * from step_states where step = 'synced@2.0.0'")"
expect_line "$TMP/d2" "? 4 check: it failed [retry, accept, shell, rollback, quit]"
[ "$(sql "select count(*) from actions where step = 'synced@2.0.0'")" = 1 ] || fail "D: a resumed wait past its window ran again"

# E. user: as root, through runuser; the start event names the user (its
# operator is who ran stepup).
expect_grep "$TMP/d" "  | [stepup] running as nobody, through runuser"
expect_grep "$TMP/d" "  | I am nobody, world $WORLD"
[ "$(sql "select operator || ': ' || detail from events where kind = 'start' and step = 'whoami'")" = \
  "$(id -un): attempt 1 (read-only, runs without asking) as user nobody through runuser: echo \"I am \$(id -un), world \$world\"" ] ||
	fail "E: start event: $(sql "select operator, detail from events where step = 'whoami'")"
# Not root: through sudo -n, which without a sudoers entry fails at once,
# saying so (a stand-in sudo here: none is installed in CI).
U="$TMP/u"; mkdir -p "$U/bin" "$U/world" "$U/state"; chmod 755 "$TMP" "$U"
cat >"$U/bin/sudo" <<'EOS'
#!/bin/sh
printf '%s\n' "$@" >"$STEPUP_TEST_WORLD/sudo-args"
echo "sudo: a password is required" >&2
exit 1
EOS
chmod 755 "$U/bin/sudo"; cp "$RUNBOOK" "$U/"; chmod 644 "$U/ranout.yaml"
echo 1.0.0 >"$U/world/version"; chown -R nobody "$U/world" "$U/state"
printf 'quit\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$U" PATH="$U/bin:$PATH" \
	STEPUP_TEST_WORLD="$U/world" STEPUP_STATE_DIR="$U/state" "$STEPUP" run --plain "$U/ranout.yaml" >"$TMP/e" 2>&1
expect_line "$TMP/e" "  | [stepup] running as nobody, through sudo -n"
expect_line "$TMP/e" "  | sudo: a password is required"
expect_line "$TMP/e" "! 1 failed: exit 1"
[ "$(head -6 "$U/world/sudo-args" | tr '\n' ' ')" = "-n --preserve-env=world,STEPUP_FROM,STEPUP_TO,STEPUP_RUN_ID,STEPUP_RUNBOOK_DIR,STEPUP_STEP -u nobody -- /bin/sh " ] ||
	fail "E: sudo's arguments: $(cat "$U/world/sudo-args")"
[ "$(sed -n 7,8p "$U/world/sudo-args")" = "$(printf '%s\n' -c 'echo "I am $(id -un), world $world"')" ] ||
	fail "E: the command is not one argument: $(cat "$U/world/sudo-args")"
finish
