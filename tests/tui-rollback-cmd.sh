# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-rollback-cmd.sh: `stepup rollback` on a terminal is the wizard's
# rollback screen. A failed upgrade of a runbook whose actions change real
# files (tests/data/export/filestore.yaml): with its backup changed since
# the upgrade recorded it, the screen says so and nothing runs; with the
# backup as it was, the typed phrase begins the rollback run, its steps go
# through the usual screens, the summary says the old version is back,
# and the files are as they were before the upgrade.
. "$top_srcdir/tests/tui-lib.sh"

RUNBOOK=$top_srcdir/tests/data/export/filestore.yaml
ROOT=$TMP/root
mkdir "$ROOT"
echo 1.0.0 >"$ROOT/VERSION"
printf 'format 1.0.0\nsome data\n' >"$ROOT/data.txt"
touch "$ROOT/RUNNING" "$ROOT/BREAK-2.0.0"
cp -a "$ROOT" "$TMP/before"
ENVS="FILESTORE_ROOT=$ROOT STEPUP_STATE_DIR=$TMP/state"

# The upgrade, in plain mode, fails migrating to 2.0.0 after hop 1.
printf '%s\n' "$TMP/backups" ack ack "yes, upgrade to 2.0.0" quit |
    env -u TERM FILESTORE_ROOT="$ROOT" STEPUP_STATE_DIR="$TMP/state" \
    "$STEPUP" run --plain "$RUNBOOK" >"$TMP/up" 2>&1
grep -qF "! 11 failed: exit 3" "$TMP/up" || fail "the upgrade did not fail at 11: $(tail -5 "$TMP/up")"
[ "$(cat "$ROOT/VERSION")" = 1.1.0 ] || fail "VERSION after hop 1: $(cat "$ROOT/VERSION")"
cp -a "$ROOT" "$TMP/after-upgrade"
TAR=$TMP/backups/filestore-1.0.0.tar
cp -p "$TAR" "$TMP/tar.good"

# A backup changed since: stopped before anything runs.
printf 'x' >>"$TAR"
tui_start c "env $ENVS $STEPUP rollback $RUNBOOK"
tui_wait c "Roll back Filestore to 1.0.0 (run 1)" || finish
tui_wait c "Stopped before anything ran: nothing was rolled back."
tui_expect c rollback-changed
tui_keys c q
tui_wait c "stepup: nothing was rolled back; run 1 is as it was" || finish
tui_wait c "[exit 1]"
diff -r "$TMP/after-upgrade" "$ROOT" >"$TMP/diff" 2>&1 ||
	fail "a refused rollback changed files: $(cat "$TMP/diff")"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" history >"$TMP/history" 2>&1
grep -q rollback "$TMP/history" && fail "a rollback run began: $(cat "$TMP/history")"

# The backup as it was: the rollback, step by step.
cp -p "$TMP/tar.good" "$TAR"
tui_start r "env $ENVS $STEPUP rollback $RUNBOOK"
tui_wait r "Every artifact checked out. To roll back, type exactly:" || finish
tui_expect r rollback-cmd
# Narrow, the title gives way to where the view is (issue 15): cut with an
# ellipsis, the position whole, never one over the other.
tui_resize r 60 20
tui_wait r "rows 1-" || finish
title=$(tui_capture r | sed -n 3p)
case $title in
"  Roll back File"*"…  rows 1-"*" of "*" (Up Down PgUp PgDn)") ;;
*) fail "the rollback title and its position collide at 60 columns: '$title'; $(tui_capture r)" ;;
esac
# Narrow and short, every row of the list is wrapped, never cut (with or
# without an ellipsis), page after page; the confirmation is step 1.
for size in "60 20" "60 16"; do
	tui_resize r $size
	tui_wait r "1. Confirm the rollback: the phrase below" || finish
	pages=0
	while :; do
		sleep 0.2
		tui_uncut r $size "the rollback screen, page $pages"
		tui_capture r >"$TMP/page"
		sed -n '4,$p' "$TMP/page" | grep -n '…$' >"$TMP/cut" &&
			fail "a row of the rollback list is cut at $size: $(cat "$TMP/cut"); $(cat "$TMP/page")"
		pos=$(sed -n 3p "$TMP/page" | sed -n 's/.*rows [0-9]*-\([0-9]*\) of \([0-9]*\).*/\1 \2/p')
		[ -n "$pos" ] || { fail "no position at $size: $(cat "$TMP/page")"; break; }
		[ "${pos% *}" = "${pos#* }" ] && break
		pages=$((pages + 1))
		[ $pages -gt 12 ] && { fail "the list never ends at $size"; break; }
		tui_keys r NPage
	done
	# The last row, the backup's sha256, is whole across its rows.
	tr -d ' \n' <"$TMP/page" | grep -qF "$(sha256sum "$TAR" | cut -c1-64)" ||
		fail "the last page at $size lacks the whole sha256: $(cat "$TMP/page")"
	for p in $(seq $pages); do tui_keys r PPage; done
done
tui_resize r 100 30
tui_wait r "Roll back Filestore to 1.0.0 (run 1)" || finish
tui_text r "yes, roll back to 1.0.0"
tui_keys r Enter
# The undos up to the first step by hand run by themselves.
tui_wait r "4. Undo: Install 1.1.0" 300 || finish
tui_wait r "passed: exit 0" 300 || finish
[ "$(cat "$ROOT/VERSION")" = 1.0.0 ] || fail "the undo did not put VERSION back"
tui_keys r Enter

# tick N TITLE: open the manual step N and tick it off.
tick() {
	tui_wait r "$1. manual  $2" || return 1
	tui_keys r Enter
	tui_wait r "t ticks it off" || return 1
	tui_keys r t
	tui_wait r "A note for the journal?" || return 1
	tui_keys r Enter
}
# run N TITLE: open the action N and run it.
run() {
	tui_wait r "$1. action  $2" || return 1
	tui_keys r Enter
	tui_wait r "ready: x runs it now" || return 1
	tui_keys r x
	tui_wait r "passed: exit 0" 300 || return 1
	tui_keys r Enter
}
tick 5 "migrate@1.1.0 cannot be undone" || finish
run 6 "Undo: Stop the service" || finish
tick 7 "backup cannot be undone" || finish
run 8 "Restore the backup of 1.0.0" || finish
tick 9 "Check that the service runs 1.0.0" || finish
tui_wait r "Filestore rolled back to 1.0.0: done (run 2)" 300 || finish
tui_wait r "Installed version: 1.0.0, the version restored."
tui_keys r q
tui_wait r "stepup: done: Filestore rolled back, run 2" || finish
tui_wait r "Installed version: 1.0.0, the version restored."
tui_wait r "[exit 0]"
rm "$ROOT/BREAK-2.0.0"
rm "$TMP/before/BREAK-2.0.0"
diff -r "$TMP/before" "$ROOT" >"$TMP/diff" 2>&1 ||
	fail "the files are not as before the upgrade: $(cat "$TMP/diff")"
finish
