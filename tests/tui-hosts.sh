#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-hosts.sh: the host table at 80x24 with 500 hosts, through a
# runbook's `transport:` (a stand-in that runs sh in a directory of the
# host's): a roll of a canary and then the other 499, 50 at once,
# max-fail 1. The table says how many hosts are in each state, follows
# the host that needs looking at, scrolls, opens one host's step with
# its log, and nothing on it is cut silently; the checklist shows the
# roll as one row with its progress, which opens the table again, and
# so does the summary.
. "$top_srcdir/tests/tui-lib.sh"

HOSTS=$TMP/hosts
FAKE=$TMP/fake-exec
W=$TMP/world
mkdir -p "$W" "$HOSTS" "$TMP/state"
echo 1.0.0 >"$W/version"
: >"$W/hold-n499"
: >"$W/fail-n250"
printf '%s\n' '#!/bin/sh' \
    'mkdir -p "'"$HOSTS"'/$1/tmp" || exit 1' \
    'HOME="'"$HOSTS"'/$1" TMPDIR="'"$HOSTS"'/$1/tmp" exec sh' >"$FAKE"
chmod +x "$FAKE"
RUNBOOK=$TMP/wide.yaml
{
	printf '%s\n' 'stepup: 1' 'product: Wide' 'versions:' '  scheme: semver' \
	    "  installed: {command: 'cat \"\$world/version\"'}" \
	    '  available: [1.0.0, 2.0.0]' 'vars:' \
	    '  world: {env: STEPUP_TEST_WORLD}' 'hosts:'
	printf '  nodes: [n001'
	i=2
	while [ $i -le 500 ]; do printf ', n%03d' $i; i=$((i + 1)); done
	printf ']\n'
	printf '%s\n' "transport: [\"$FAKE\", \"{host}\"]" 'prepare:' \
	    '  - id: go' '    confirm: Ready to upgrade' \
	    '    phrase: yes, upgrade to $STEPUP_TO' 'hop:' \
	    '  - roll: Upgrade the nodes' '    id: nodes' '    on: nodes' \
	    '    batch: [1, 100%]' '    forks: 50' '    max-fail: 1' \
	    '    health:' '      check: The cluster is healthy' \
	    "      run: 'true'" '    steps:' '      - id: upgrade' \
	    '        action: Upgrade the node to $STEPUP_HOP_TO' \
	    '        run: |' \
	    '          echo "upgrading $STEPUP_HOST to $STEPUP_HOP_TO"' \
	    '          if [ -e "$world/hold-$STEPUP_HOST" ]; then while [ ! -e "$world/release" ]; do sleep 0.1; done; fi' \
	    '          if [ -e "$world/fail-$STEPUP_HOST" ]; then echo "disk full on $STEPUP_HOST" >&2; exit 4; fi' \
	    '          echo "$STEPUP_HOP_TO" >"$world/version-$STEPUP_HOST"' \
	    '          echo "now at $STEPUP_HOP_TO"' \
	    '        undo: rm -f "$world/version-$STEPUP_HOST"' \
	    '  - id: head' '    action: Record the new version on the head node' \
	    '    run: echo "$STEPUP_HOP_TO" >"$world/version"' \
	    '    undo: echo 1.0.0 >"$world/version"'
} >"$RUNBOOK"

tui_start h "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state" \
    "$STEPUP run $RUNBOOK"
tui_resize h 80 24
tui_wait h "Enter: begin the run" || finish
tui_keys h Enter
tui_wait h "Ready to upgrade" || finish
tui_keys h Enter
tui_wait h "To go on, type exactly:" || finish
tui_text h "yes, upgrade to 2.0.0"
tui_keys h Enter

# The table: the canary passed, then 499 at once, n250 failed within
# max-fail, n499 held; the counts at the top, the held host followed.
tui_wait_row h 2 "2. roll nodes: Upgrade the nodes" || finish
tui_wait_row h 3 "500 hosts, batch 2 of 2, at most 50 at once: 498/500 done, 1 running, 1 failed" 900 || finish
tui_wait_row h 5 "HOST STATE     STEP              TIME  LAST OUTPUT" || finish
tui_wait h "n499, step 501 (upgrade): running." || finish
tui_capture h | grep -q '^ ◐ n499 running   upgrade  *[0-9]*s  upgrading n499 to 2.0.0$' ||
	fail "n499's row: $(tui_capture h)"
tui_uncut h 80 24 "the host table" || finish

# Moved to the top: the canary, with its last line of output; Tab
# follows the run again.
tui_keys h g
tui_wait_row h 6 " ✓ n001 passed    upgrade" || finish
tui_wait h "n001, step 2 (upgrade): passed." || finish
tui_capture h | sed -n 6p | grep -q 'now at 2.0.0$' || fail "n001's last output: $(tui_capture h)"
tui_wait h "Tab follows the run again." || finish
tui_keys h Tab
tui_wait h "n499, step 501 (upgrade): running." || finish

# Down to n250 (the 250th row): failed within max-fail, its error the
# last line; Enter opens its step with the whole log, Esc comes back.
tui_keys h g
tui_keys h -N 249 j
tui_wait h "n250, step 252 (upgrade): failed, within max-fail" || finish
tui_capture h | grep -q '^ ✗ n250 tolerated upgrade  *[0-9]*s  disk full on n250 *$' ||
	fail "n250's row: $(tui_capture h)"
tui_keys h Enter
tui_wait_row h 2 "252. Upgrade the node to 2.0.0 (on n250)" || finish
tui_wait h "upgrading n250 to 2.0.0" || finish
tui_wait h "disk full on n250" || finish
tui_keys h Escape
tui_wait h "n250, step 252 (upgrade): failed, within max-fail" || finish

# The checklist: the roll is one row with its progress, the step after
# it the next row; Enter opens the table again.
tui_keys h Escape
tui_wait h "2. roll    Upgrade the nodes: 498/500 done, 1 running, 1 failed" || finish
tui_wait h "504. action  Record the new version on the head node" || finish
tui_capture h | grep -q "(on n0" && fail "the checklist lists the hosts one by one: $(tui_capture h)"
tui_uncut h 80 24 "the checklist" || finish
tui_keys h Enter
tui_wait_row h 3 "500 hosts, batch 2 of 2, at most 50 at once: 498/500 done, 1 running, 1 failed" || finish

# Released: the roll ends, the health check and the head step run.
: >"$W/release"
tui_wait h "Wide upgraded 1.0.0 → 2.0.0: done" 600 || finish
# The summary too: the roll is one row with its outcome.
tui_wait h "2. roll    Upgrade the nodes: 499/500 done, 1 failed" || finish
tui_wait h "504. action  Record the new version on the head node" || finish
tui_capture h | grep -q "(on n0" && fail "the summary lists the hosts one by one: $(tui_capture h)"
sql() { sqlite3 -batch -noheader "$TMP/state/journal.db" "$1"; }
[ "$(sql "select count(*) from step_states where step like 'upgrade@2.0.0#n%' and state = 'passed'")" = 499 ] ||
	fail "not 499 hosts passed: $(sql "select state, count(*) from step_states group by state")"
[ "$(sql "select state from step_states where step = 'upgrade@2.0.0#n250'")" = tolerated ] ||
	fail "n250: $(sql "select state, reason from step_states where step = 'upgrade@2.0.0#n250'")"
[ "$(cat "$W/version")" = 2.0.0 ] || fail "the head step did not run"
finish
