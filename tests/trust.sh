#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# trust.sh: run as root, stepup refuses a runbook, a file it names or a
# state directory that someone else could change (as sudo and sshd's
# StrictModes do), and follows no link planted in its state directory:
# each case is planted, refused with a message naming the file, its
# owner, its mode and the fix, and nothing is written outside.
. "$top_srcdir/tests/lib.sh"
if [ "$(id -u)" != 0 ]; then
	echo "trust.sh: skipped: it plants files owned by nobody, which only root can (CI runs it as root)" >&2
	exit 77
fi
id nobody >/dev/null 2>&1 || { echo "trust.sh: skipped: no user nobody" >&2; exit 77; }
unset TERM STEPUP_STATE_DIR XDG_STATE_HOME SUDO_UID SUDO_GID
umask 022

# setup NAME: a runbook in $R (its notes and its script beside it), a
# state directory path $S (not made), and $OUT, a directory elsewhere
# that must stay empty.
setup() {
	D=$TMP/$1 R=$TMP/$1/rb S=$TMP/$1/state OUT=$TMP/$1/elsewhere
	mkdir -p "$R/notes" "$OUT"
	cat >"$R/rb.yaml" <<'YAML'
stepup: 1
product: Trust
versions:
  scheme: semver
  installed: {command: 'echo 1.0.0'}
  available: [1.0.0, 1.1.0]
prepare:
  - id: notes
    read: Notes
    file: notes.md
  - id: hop-notes
    read: Notes of $STEPUP_HOP_TO
    file: notes/$STEPUP_HOP_TO.md
    per-hop: true
hop:
  - id: install
    action: Install
    run: '"$STEPUP_RUNBOOK_DIR/install.sh" > "$STEPUP_RUNBOOK_DIR/installed"'
YAML
	echo "the notes" >"$R/notes.md"
	echo "the notes of 1.1.0" >"$R/notes/1.1.0.md"
	printf '#!/bin/sh\necho installed\n' >"$R/install.sh"
	chmod 755 "$R/install.sh"
}

# run_it: the wizard in plain mode, every answer given; $status, $D/out.
run_it() {
	printf 'ack\nack\nrun\n' | "$STEPUP" run --plain --state-dir "$S" \
		"$R/rb.yaml" >"$D/out" 2>&1
	status=$?
}

# refused WANT TEXT...: exit status WANT, each TEXT in the output, and the
# command never ran.
refused() {
	want=$1; shift
	[ "$status" = "$want" ] || fail "$D: exit $status, want $want: $(head -c 800 "$D/out")"
	for t in "$@"; do
		grep -qF -- "$t" "$D/out" || fail "$D: no '$t' in: $(head -c 800 "$D/out")"
	done
	[ ! -e "$R/installed" ] || fail "$D: the action ran"
}

# untouched: nothing was written in $OUT.
untouched() {
	[ -z "$(ls -A "$OUT")" ] || fail "$D: written through a link: $(ls -lA "$OUT")"
}

# 0. As it should be: it runs (and so does a runbook in a sticky /tmp).
setup ok
run_it
[ "$status" = 0 ] || fail "ok: exit $status: $(head -c 800 "$D/out")"
[ -e "$R/installed" ] || fail "ok: the action did not run"

# A state directory reached through a link of root's (/var/lib/stepup
# -> /srv/stepup) is fine: links are refused inside it, not on the way.
setup state-via-link
mkdir "$D/real"
ln -s "$D/real" "$S"
run_it
[ "$status" = 0 ] || fail "state-via-link: exit $status: $(head -c 800 "$D/out")"
"$STEPUP" history --state-dir "$S" >"$D/history" 2>&1 ||
	fail "state-via-link: history: $(cat "$D/history")"

# 1. A world-writable runbook.
setup ww-runbook
chmod 666 "$R/rb.yaml"
run_it
refused 2 "$R/rb.yaml: not trusted: $R/rb.yaml is writable by others (owner root, mode 0666); fix: chmod go-w $R/rb.yaml"
[ ! -e "$S/journal.db" ] || fail "$D: a journal was made"
expect_status 2 "$STEPUP" lint "$R/rb.yaml"
expect_grep "$TMP/err" "fix: chmod go-w $R/rb.yaml"

# 2. A runbook in a world-writable directory without the sticky bit.
setup ww-dir
chmod 777 "$R"
run_it
refused 2 "$R is writable by others and has no sticky bit (owner root, mode 0777); fix: chmod go-w $R"
# ... two levels up, too (StrictModes walks up to /).
setup ww-up
chmod 777 "$D"
run_it
refused 2 "$D is writable by others and has no sticky bit (owner root, mode 0777)"
# The sticky bit makes it safe, as /tmp: others cannot replace our files.
setup sticky
chmod 1777 "$R"
run_it
[ "$status" = 0 ] || fail "sticky: exit $status: $(head -c 800 "$D/out")"

# 3. A runbook owned by another user.
setup nobody-runbook
chown nobody "$R/rb.yaml"
run_it
refused 2 "$R/rb.yaml is owned by nobody (mode 0644), not by root or the operator root; fix: chown root $R/rb.yaml"

# ... or reached through a link another user owns (which could point
# elsewhere once checked).
setup nobody-link
ln -s "$R/rb.yaml" "$R/link.yaml"
chown -h nobody "$R/link.yaml"
printf 'ack\nack\nrun\n' | "$STEPUP" run --plain --state-dir "$S" \
	"$R/link.yaml" >"$D/out" 2>&1
status=$?
refused 2 "$R/link.yaml is a symbolic link owned by nobody, not by root or the operator; fix: chown -h root $R/link.yaml"
# ... unless sudo(8) says it ran us for that user (SUDO_UID).
setup sudo-runbook
chown nobody "$R/rb.yaml"
SUDO_UID=$(id -u nobody) run_it
[ "$status" = 0 ] || fail "sudo-runbook: exit $status: $(head -c 800 "$D/out")"
# Writable by a group not root's nor the operator's: refused; by root's: fine.
setup group-runbook
chgrp "$(id -gn nobody)" "$R/rb.yaml"
chmod 664 "$R/rb.yaml"
run_it
refused 2 "$R/rb.yaml is writable by its group $(id -gn nobody) (owner root, mode 0664); fix: chmod go-w $R/rb.yaml"
setup root-group-runbook
chgrp 0 "$R/rb.yaml"
chmod 664 "$R/rb.yaml"
run_it
[ "$status" = 0 ] || fail "root-group-runbook: exit $status: $(head -c 800 "$D/out")"

# 4. A world-writable note it names, a per-hop note, and its script.
setup ww-note
chmod 666 "$R/notes.md"
run_it
refused 2 "the document $R/notes.md is not trusted: $R/notes.md is writable by others (owner root, mode 0666); fix: chmod go-w $R/notes.md"
setup ww-hop-note
chmod 666 "$R/notes/1.1.0.md"
run_it
refused 1 "the document $R/notes/1.1.0.md is not trusted: $R/notes/1.1.0.md is writable by others (owner root, mode 0666)"
grep -qF "the notes of 1.1.0" "$D/out" && fail "$D: the untrusted note was shown"
setup ww-script
chmod 777 "$R/install.sh"
run_it
refused 2 "the script $R/install.sh is not trusted: $R/install.sh is writable by others (owner root, mode 0777); fix: chmod go-w $R/install.sh"
setup nobody-script-dir
chown nobody "$R/notes"
mv "$R/install.sh" "$R/notes/install.sh"
sed -i 's|RUNBOOK_DIR/install.sh|RUNBOOK_DIR/notes/install.sh|' "$R/rb.yaml"
run_it
refused 2 "$R/notes is owned by nobody (mode 0755), not by root or the operator root; fix: chown root $R/notes"

# 5. A world-writable state directory, and one owned by nobody.
setup ww-state
mkdir -m 777 "$S"
run_it
refused 1 "the state directory $S is not trusted: $S is writable by others and has no sticky bit (owner root, mode 0777); fix: chmod go-w $S"
[ ! -e "$S/journal.db" ] || fail "$D: a journal was made"
setup nobody-state
mkdir "$S"
chown nobody "$S"
run_it
refused 1 "the state directory $S is not trusted: $S is owned by nobody (mode 0755), not by root or the operator root; fix: chown root $S"
[ ! -e "$S/journal.db" ] || fail "$D: a journal was made"

# 6. A dangling journal.db link: nothing is created where it points.
setup journal-link
mkdir "$S"
ln -s "$OUT/journal.db" "$S/journal.db"
run_it
refused 1 "$S/journal.db is a symbolic link to $OUT/journal.db (owner root)" "fix: rm $S/journal.db"
untouched
# ... nor its -wal beside a real journal.
setup wal-link
mkdir "$S"
run_it
rm -f "$R/installed" "$S/journal.db-wal"
ln -s "$OUT/journal.db-wal" "$S/journal.db-wal"
run_it
refused 1 "$S/journal.db-wal is a symbolic link to $OUT/journal.db-wal"
untouched

# 7. runs/N linked to a directory elsewhere: no log, status or pid file
# is written through it.
setup runs-link
mkdir -p "$S/runs"
ln -s "$OUT" "$S/runs/1"
run_it
refused 1 "$S/runs/1 is a symbolic link to $OUT (owner root)" "fix: rm $S/runs/1"
untouched
# ... nor through runs/ itself.
setup runs-dir-link
mkdir "$S"
ln -s "$OUT" "$S/runs"
run_it
refused 1 "$S/runs is a symbolic link to $OUT (owner root)"
untouched

# 8. locks linked elsewhere: no lock file is made through it.
setup locks-link
mkdir "$S"
ln -s "$OUT" "$S/locks"
run_it
refused 1 "$S/locks is a symbolic link to $OUT (owner root)" "fix: rm $S/locks"
untouched

# 9. Not root, the same rules: refused, not warned (stepup(1)). A
# directory of nobody's own, outside $TMP (which only root may enter).
if command -v setpriv >/dev/null 2>&1; then
	N=$(mktemp -d "${TMPDIR:-/tmp}/stepup-trust.XXXXXX")
	trap 'rm -rf "$TMP" "$N"' EXIT
	setup as-nobody
	mv "$R" "$N/rb"
	R=$N/rb S=$N/state
	chown -R nobody "$N"
	chmod 666 "$R/rb.yaml"
	printf 'ack\nack\nrun\n' | setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups env HOME="$N" "$STEPUP" run --plain --state-dir "$S" \
		"$R/rb.yaml" >"$D/out" 2>&1
	status=$?
	refused 2 "$R/rb.yaml is writable by others (owner nobody, mode 0666); fix: chmod go-w $R/rb.yaml"
	chmod 644 "$R/rb.yaml"
	chmod 777 "$N"
	printf 'ack\nack\nrun\n' | setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups env HOME="$N" "$STEPUP" run --plain --state-dir "$S" \
		"$R/rb.yaml" >"$D/out" 2>&1
	status=$?
	refused 2 "$N is writable by others and has no sticky bit (owner nobody, mode 0777)"
	chmod 755 "$N"
	printf 'ack\nack\nrun\n' | setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups env HOME="$N" "$STEPUP" run --plain --state-dir "$S" \
		"$R/rb.yaml" >"$D/out" 2>&1
	[ $? = 0 ] || fail "as nobody, a runbook of nobody's own: $(head -c 800 "$D/out")"
	[ -e "$R/installed" ] || fail "as nobody: the action did not run"
fi

finish
