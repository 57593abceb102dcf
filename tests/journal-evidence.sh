#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# journal-evidence.sh: a journal that lost records (its -wal truncated or
# deleted, journal.db emptied or gone) after finished actions is refused,
# saying what was lost, with exit 1 and nothing run; stepup recover rebuilds
# the outcomes from the files beside it once the phrase is typed, and the
# resumed run never runs a finished action again. A row edited with sqlite3
# breaks the events chain at that event, in stepup show and every export.
# The evidence file (format 2) is rewritten in place and ends with the
# sha256 of the rest; one that does not match is read as no evidence, and
# a file of format 1 (no hash) is still read.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

INSTALL1='install@1.1.0'

# crash: run until install@1.1.0 holds (notes, healthy and backup done),
# noting the -wal's size once the run has begun ($early); kill the wizard
# with SIGKILL (no checkpoint), let the action finish. Keeps a copy in
# $TMP/crashed.
crash() {
	rm -rf "$STATE" "$TMP/fifo"
	echo 1.0.0 >"$WORLD/version"
	rm -f "$WORLD/release" "$WORLD/held" "$WORLD/backup-1.0.0"
	: >"$WORLD/hold"
	mkfifo "$TMP/fifo"
	"$STEPUP" run --plain "$RUNBOOK" <"$TMP/fifo" >"$TMP/crash.out" 2>&1 &
	pid=$!
	exec 3>"$TMP/fifo"
	printf '%s\n' "" tok >&3
	wait_grep "$TMP/crash.out" "? 1 read: acknowledge"
	early=$(wc -c <"$DB-wal")
	ino=$(stat -c %i "$STATE/runs/1/evidence")
	printf '%s\n' ack ack "yes, upgrade to 2.0.0" >&3
	wait_for "$WORLD/held"
	wait_grep "$TMP/crash.out" "> 6 running (attempt 1)"
	kill -KILL $pid
	wait $pid 2>/dev/null
	exec 3>&-
	: >"$WORLD/release"
	n=0
	while [ ! -e "$STATE/runs/1/$INSTALL1.1.status" ]; do
		n=$((n + 1)); [ $n -gt 400 ] && { fail "the action did not finish"; break; }
		sleep 0.05
	done
	rm -f "$WORLD/hold" "$WORLD/held" "$WORLD/release"
	[ -s "$DB-wal" ] || fail "test bug: no -wal after the kill"
	# Rewritten in place at each commit since, and sealed by its hash.
	ev=$STATE/runs/1/evidence
	[ "$(stat -c %i "$ev")" = "$ino" ] || fail "the evidence was replaced, not rewritten in place"
	[ "$(head -n 1 "$ev")" = "stepup evidence 2" ] || fail "evidence format: $(head -n 1 "$ev")"
	[ "$(tail -n 1 "$ev")" = "sha256 $(head -n -1 "$ev" | sha256sum | cut -c1-64)" ] ||
		fail "the evidence's last line is not the sha256 of the rest: $(cat "$ev")"
	[ "$(sed -n 's/^seq //p' "$ev")" -ge 3 ] || fail "test bug: the evidence saw few events: $(cat "$ev")"
	rm -rf "$TMP/crashed" "$TMP/crashed-world"
	cp -a "$STATE" "$TMP/crashed"
	cp -a "$WORLD" "$TMP/crashed-world"
}

# restore: the state and the world as the crash left them.
restore() {
	rm -rf "$STATE" "$WORLD"
	cp -a "$TMP/crashed" "$STATE"
	cp -a "$TMP/crashed-world" "$WORLD"
}

# refused NAME: stepup run refuses the damaged journal: exit 1, saying so,
# and nothing ran (no second attempt of any step, the world untouched).
refused() {
	printf '%s\n' resume tok ack ack "yes, upgrade to 2.0.0" "tick done" |
		"$STEPUP" run --plain "$RUNBOOK" >"$TMP/$1.out" 2>"$TMP/$1.err"
	st=$?
	[ "$st" = 1 ] || fail "$1: stepup run exited $st, want 1: $(tail -5 "$TMP/$1.out") $(cat "$TMP/$1.err")"
	expect_grep "$TMP/$1.err" "nothing was run"
	expect_grep "$TMP/$1.err" "stepup recover"
	ls "$STATE/runs/1/" | grep -q '\.2\.' &&
		fail "$1: a step ran a second time: $(ls "$STATE/runs/1")"
	[ "$(cat "$WORLD/version")" = 1.1.0 ] || fail "$1: the world changed: $(cat "$WORLD/version")"
	grep -q '^\[' "$TMP/$1.out" && fail "$1: steps were shown: $(head -20 "$TMP/$1.out")"
}

# recovered NAME: the phrase refused, then typed: the outcomes are
# journaled; resuming reads them, runs no finished action again, and
# finishes the upgrade.
recovered() {
	printf 'yes\n' | "$STEPUP" recover >"$TMP/$1.rec0" 2>&1
	st=$?
	[ "$st" = 1 ] || fail "$1: recover without the phrase exited $st, want 1"
	expect_grep "$TMP/$1.rec0" "nothing was journaled"
	printf 'rebuild the journal\n' | "$STEPUP" recover >"$TMP/$1.rec" 2>&1
	st=$?
	[ "$st" = 0 ] || fail "$1: recover exited $st: $(cat "$TMP/$1.rec")"
	expect_grep "$TMP/$1.rec" "backup, attempt 1, which the journal never recorded: exit 0"
	expect_grep "$TMP/$1.rec" "install@1.1.0, attempt 1, which the journal never recorded: exit 0"
	expect_grep "$TMP/$1.rec" "= rebuilt: run 1"
	[ "$(sql "select count(*) from events where run = 1 and kind = 'recover'")" = 1 ] ||
		fail "$1: the recovery was not journaled"
	printf 'rebuild the journal\n' | "$STEPUP" recover >"$TMP/$1.rec2" 2>&1 ||
		fail "$1: a second recover failed: $(cat "$TMP/$1.rec2")"
	expect_grep "$TMP/$1.rec2" "nothing to recover"
	printf '%s\n' resume tok ack ack "yes, upgrade to 2.0.0" "tick done" |
		"$STEPUP" run --plain "$RUNBOOK" >"$TMP/$1.res" 2>&1
	st=$?
	[ "$st" = 0 ] || fail "$1: the resumed run exited $st: $(tail -20 "$TMP/$1.res")"
	expect_line "$TMP/$1.res" "= done: Widget upgraded, run 1"
	for f in backup "$INSTALL1"; do
		[ -e "$STATE/runs/1/$f.2.log" ] && fail "$1: $f ran a second time"
	done
	[ "$(sql "select group_concat(exit_code || '/' || finished) from actions where run = 1 and step in ('backup', 'install@1.1.0')")" = "0/1,0/1" ] ||
		fail "$1: outcomes: $(sql "select step, attempt, exit_code, finished from actions where run = 1")"
	[ "$(cat "$WORLD/version")" = 2.0.0 ] || fail "$1: version $(cat "$WORLD/version")"
	"$STEPUP" show 1 >"$TMP/$1.show" 2>&1 || fail "$1: show: $(cat "$TMP/$1.show")"
	expect_grep "$TMP/$1.show" "journal: events chain intact"
	expect_grep "$TMP/$1.show" "recover"
}

# 1. The -wal truncated back to just after the run began: the journal
# forgets the finished backup and install, and today resumes at step 1
# and runs them again.
crash
truncate -s "$early" "$DB-wal"
rm -f "$DB-shm"
[ "$(sql "select count(*) from events where run = 1 and kind = 'start'")" = 0 ] ||
	fail "test bug: the truncated journal still has start events"
refused truncated
expect_grep "$TMP/truncated.err" "is behind its evidence"
expect_grep "$TMP/truncated.err" "backup, attempt 1, which the journal never recorded: exit 0"
expect_grep "$TMP/truncated.err" "install@1.1.0, attempt 1, which the journal never recorded: exit 0"
expect_grep "$TMP/truncated.err" "the journal's events end at"
recovered truncated

# 1b. The -wal corrupted after that point: SQLite stops at the first frame
# whose checksum fails, which is the same loss.
restore
printf 'not a frame of the journal, but garbage over it' |
	dd of="$DB-wal" bs=1 seek=$((early + 100)) conv=notrunc 2>/dev/null
rm -f "$DB-shm"
refused corrupted
expect_grep "$TMP/corrupted.err" "is behind its evidence"
expect_grep "$TMP/corrupted.err" "install@1.1.0, attempt 1, which the journal never recorded: exit 0"

# 1c. The same loss, the evidence written by an older stepup (format 1:
# no hash line): still read, and the loss still found.
restore
ev=$STATE/runs/1/evidence
{ echo "stepup evidence 1"; sed '1d;$d' "$ev"; } >"$TMP/ev1"
cat "$TMP/ev1" >"$ev"
truncate -s "$early" "$DB-wal"
rm -f "$DB-shm"
refused format1
expect_grep "$TMP/format1.err" "the journal's events end at"
expect_grep "$TMP/format1.err" "saw event"

# 1d. A torn evidence file (its hash does not match: cut mid-rewrite, or
# edited): no evidence, never a false alarm; the attempts' files still
# show the loss.
restore
sed -i 's/^seq .*/seq 999/' "$ev"
truncate -s "$early" "$DB-wal"
rm -f "$DB-shm"
refused torn
expect_grep "$TMP/torn.err" "install@1.1.0, attempt 1, which the journal never recorded: exit 0"
grep -q "saw event" "$TMP/torn.err" && fail "torn: a torn evidence file was believed: $(cat "$TMP/torn.err")"

# 2. The -wal deleted: the whole run is gone from the journal (today:
# a new run, as if nothing had happened).
restore
rm -f "$DB-wal" "$DB-shm"
refused deleted
expect_grep "$TMP/deleted.err" "the journal has lost the whole run"
"$STEPUP" history >"$TMP/history.out" 2>"$TMP/history.err" || fail "history: $(cat "$TMP/history.err")"
expect_grep "$TMP/history.err" "is behind its evidence, which shows more than this"
[ "$(sql "select count(*) from runs")" = 0 ] || fail "deleted: a run was recorded: $(sql "select * from runs")"
recovered deleted

# 3. journal.db emptied (0 bytes) or removed: never silently re-created.
restore
rm -f "$DB-wal" "$DB-shm"
: >"$DB"
refused empty
expect_grep "$TMP/empty.err" "is missing or empty, but runs are recorded beside it"
[ -s "$DB" ] && fail "empty: the 0-byte journal was re-created"
rm -f "$DB"
refused missing
expect_grep "$TMP/missing.err" "is missing or empty, but runs are recorded beside it"
[ -e "$DB" ] && fail "missing: the journal was re-created"
recovered missing

# 4. An event edited with sqlite3 (its trigger dropped first): the chain
# breaks at that event, in show and in every format of the report.
rm -rf "$STATE"
echo 1.0.0 >"$WORLD/version"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" "tick done" |
	"$STEPUP" run --plain "$RUNBOOK" >"$TMP/tamper.out" 2>&1 ||
	fail "tamper: the run did not finish: $(tail -5 "$TMP/tamper.out")"
"$STEPUP" show 1 >"$TMP/show.ok" 2>&1
expect_grep "$TMP/show.ok" "journal: events chain intact ("
grep -q "stale" "$TMP/show.ok" && fail "fresh evidence said stale: $(cat "$TMP/show.ok")"

# 5. An evidence file left behind the journal (its write after a commit
# failed: here, an older copy put back) is not silent: show and the
# report say it is stale, and from which event.
cp -p "$STATE/runs/1/evidence" "$TMP/evidence.now"
h2=$(sql "select hash from events where run = 1 and seq = 2")
# (Sealed again, as a write of its own would have left it: format 2's last
# line is the sha256 of the rest.)
sed -e 's/^seq .*/seq 2/' -e "s/^hash .*/hash $h2/" -e '/^sha256 [0-9a-f]*$/d' "$TMP/evidence.now" >"$TMP/evidence.old"
{ cat "$TMP/evidence.old"; printf 'sha256 %s\n' "$(sha256sum <"$TMP/evidence.old" | cut -d' ' -f1)"; } >"$STATE/runs/1/evidence"
"$STEPUP" show 1 >"$TMP/show.stale" 2>&1
expect_grep "$TMP/show.stale" "is stale (it was last written at event 2 of "
"$STEPUP" export --run 1 --format txt "$RUNBOOK" >"$TMP/report.stale" 2>&1 ||
	fail "export stale: $(cat "$TMP/report.stale")"
tr '\n' ' ' <"$TMP/report.stale" | tr -s ' ' | grep -qF "evidence file $STATE/runs/1/evidence is stale" ||
	fail "the report does not say the evidence is stale: $(grep -i -A2 journal "$TMP/report.stale")"
cp -p "$TMP/evidence.now" "$STATE/runs/1/evidence"

sqlite3 "$DB" "DROP TRIGGER events_no_update; UPDATE events SET detail = 'nothing to see' WHERE run = 1 AND seq = 3"
"$STEPUP" show 1 >"$TMP/show.bad" 2>&1
expect_grep "$TMP/show.bad" "journal: events chain broken at event 3:"
for fmt in txt md html; do
	"$STEPUP" export --run 1 --format $fmt "$RUNBOOK" >"$TMP/report.$fmt" 2>&1 ||
		fail "export $fmt: $(cat "$TMP/report.$fmt")"
	tr '\n' ' ' <"$TMP/report.$fmt" | tr -s ' ' | grep -qF "events chain broken at event 3:" ||
		fail "the $fmt report does not say where the chain breaks: $(grep -i -A1 journal "$TMP/report.$fmt")"
done
finish
