#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-secrets.sh: secrets from a file and from a command in the wizard
# (issue 13): a file others can read is refused before anything, saying
# how to fix it; a wrong password fails its check before the confirmation
# (nothing after it can begin); fixed, the resumed run reads it again, the
# check passes on retry, and the command gets both secrets, its log
# neither.
. "$top_srcdir/tests/tui-lib.sh"
W=$TMP/world
mkdir -p "$W"
umask 077
echo 1.0.0 >"$W/version"
echo hunter2 >"$W/right-pw"
echo tok-123 >"$W/token-source"
RUN="STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/values/secret.yaml"

echo hunter2 >"$W/pw"; chmod 644 "$W/pw"
tui_start a "$RUN"
tui_wait a "a secret file is refused" || finish
tui_on a capture-pane -p -J -t a | tr -d '\n' | tr -s ' ' | grep -qF "fix: chmod o-rwx $W/pw" ||
	fail "no fix said: $(tui_capture a)"
tui_on a capture-pane -p -J -t a | tr -d '\n' | tr -s ' ' | grep -qF "is readable by others (mode 0644)" ||
	fail "no reason said: $(tui_capture a)"
tui_keys a q
tui_wait a "[exit" || finish
[ -e "$TMP/state/journal.db" ] && [ "$(sqlite3 -batch -noheader "$TMP/state/journal.db" "select count(*) from runs" 2>/dev/null || echo 0)" != 0 ] &&
	fail "a run began with a refused secret file"

chmod 600 "$W/pw"
echo wrong >"$W/pw"
tui_start b "$RUN"
tui_wait b "Enter: begin the run" || finish
tui_keys b Enter
tui_wait b "FAIL  1. The database password is right" || finish
tui_wait b "Put the right password in the file, then retry." || finish
tui_wait b "A failure blocks the run. Nothing has changed yet" || finish
# Fixed: a secret is read at start and on resume, so the run is left and
# resumed; the password is read again and its check passes.
echo hunter2 >"$W/pw"
tui_keys b Q
tui_wait b "[exit 1]" || finish
tui_start c "$RUN"
tui_wait c "An unfinished run of this runbook" || finish
tui_keys c Enter
tui_wait c "Step 1 failed" || finish
tui_keys c Enter
tui_wait c "FAIL  1. The database password is right" || finish
tui_keys c r
tui_wait c "PASS  1. The database password is right" 300 || finish
tui_keys c Enter
tui_wait c "2. confirm Upgrade" || finish
tui_keys c Enter
tui_wait c "type exactly:" || finish
tui_text c "yes"
tui_keys c Enter
tui_wait c "Vault upgraded 1.0.0 → 2.0.0: done (run 1)" 300 || finish
# Both secrets reached the command, and neither its log nor the journal.
[ "$(cat "$W/seen")" = "$(printf 'hunter2\ntok-123')" ] || fail "the command saw: $(cat "$W/seen")"
grep -qxF "the token is ********" "$TMP/state/runs/1/use@2.0.0.1.log" ||
	fail "the log: $(cat "$TMP/state/runs/1/use@2.0.0.1.log")"
grep -rq "tok-123\|hunter2" "$TMP/state/runs" && fail "a secret is in the run's files"
tui_keys c Q
tui_wait c "[exit"
finish
