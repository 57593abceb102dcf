#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-backend.ai.sh: the Backend.AI runbook's own commands, run for
# real by stepup in plain mode against stand-ins for pip, alembic, the
# backend.ai CLI, systemctl, psql and pg_dump/pg_restore: the upgrade
# 24.03.10 -> 24.03.11 -> 24.09.4 installs each release in turn, fills the
# missing revisions of 24.03.11 only in the major hop, and checks the
# versions the way pip and the agents spell them; a check catches running
# sessions; before the confirmation a check finds that a target's package
# lacks the revision history dump of the release it leaves (24.03.2 has
# 23.09.10's, not 23.09.11's); a failed schema upgrade rolls back to the
# backup and 24.03.10.
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/backend.ai.yaml"
STUB="$TMP/stub"; export STUB
V="$TMP/venv"
mkdir -p "$TMP/bin" "$V/bin" "$STUB/pkg" "$TMP/manager" "$TMP/backups"
unset TERM

# pip (through python -m pip): installed versions in $STUB/pkg, spelled
# the way pip normalises them (24.3.0 for 24.03.0).
# pip download writes a wheel whose listing (python -m zipfile -l) has
# the revision history dumps of that release, as the real ones have them
# (src/ai/backend/manager/models/alembic/revision_history/ at each tag).
cat >"$V/bin/python" <<'EOT'
#!/bin/sh
if [ "$1 $2" = "-m zipfile" ]; then
	echo "File Name                                             Modified             Size"
	while read -r d; do
		echo "ai/backend/manager/models/alembic/revision_history/$d.json 2024-05-01 00:00:00 9000"
	done <"$4"
	exit 0
fi
[ "$1 $2" = "-m pip" ] || { echo "python stand-in: $*" >&2; exit 2; }
shift 2
echo "pip $*" >>"$STUB/calls"
case $1 in
download)
	while [ $# -gt 0 ]; do
		case $1 in -d) dir=$2; shift ;; *==*) v=${1#*==} ;; esac
		shift
	done
	w="$dir/backend.ai_manager-$v-py3-none-any.whl"
	case $v in
	24.03.[2-9]|24.03.1[01]) echo 23.09.10 >"$w" ;;
	24.09.[4-9]|24.09.1*|24.12.*|25.*) printf '23.09.10\n24.03.11\n' >"$w" ;;
	*) : >"$w" ;;
	esac ;;
show)	[ -f "$STUB/pkg/$2" ] || exit 1
	printf 'Name: %s\nVersion: %s\n' "$2" "$(cat "$STUB/pkg/$2")" ;;
install)
	shift
	for a in "$@"; do
		case $a in
		*==*) echo "${a#*==}" | sed -E 's/(^|[.])0+([0-9])/\1\2/g' >"$STUB/pkg/${a%%==*}" ;;
		esac
	done ;;
esac
EOT
cat >"$V/bin/alembic" <<'EOT'
#!/bin/sh
echo "alembic $* (in $(pwd))" >>"$STUB/calls"
case $1 in
current|heads) echo "4f5a6b7c8d9e (head)" ;;
upgrade) [ ! -e "$STUB/alembic-fails" ] || { echo "sqlalchemy.exc.ProgrammingError: column exists"; exit 1; } ;;
esac
EOT
cat >"$V/bin/backend.ai" <<'EOT'
#!/bin/sh
echo "backend.ai $* (in $(pwd))" >>"$STUB/calls"
EOT
cat >"$TMP/bin/systemctl" <<'EOT'
#!/bin/sh
echo "systemctl $*" >>"$STUB/calls"
[ "$1" = is-active ] && echo active
exit 0
EOT
cat >"$TMP/bin/psql" <<'EOT'
#!/bin/sh
echo "psql $PGUSER@$PGHOST:$PGPORT/$PGDATABASE" >>"$STUB/calls"
case "$*" in
*"FROM kernels"*) cat "$STUB/kernels" ;;
*"FROM agents"*) echo "i-agent1 24.09.4" ;;
esac
EOT
cat >"$TMP/bin/pg_dump" <<'EOT'
#!/bin/sh
echo "pg_dump $*" >>"$STUB/calls"
while [ $# -gt 0 ]; do [ "$1" = -f ] && { echo "dump of $PGDATABASE" >"$2"; }; shift; done
EOT
cat >"$TMP/bin/pg_restore" <<'EOT'
#!/bin/sh
echo "pg_restore $*" >>"$STUB/calls"
EOT
printf '#!/bin/sh\necho "changelog of $STEPUP_HOP_TO"\n' >"$TMP/bin/curl"
# The installed-version probe runs with a clean environment: the
# stand-ins name their state directory themselves.
for f in "$V/bin/"* "$TMP/bin/"*; do
	sed "s|\$STUB|$STUB|g" "$f" >"$f.tmp" && mv "$f.tmp" "$f" && chmod +x "$f"
done
PATH="$TMP/bin:$PATH"; export PATH
BACKEND_AI_VENV=$V; export BACKEND_AI_VENV

world() {
	rm -rf "$STUB"/* "$TMP/state" "$TMP/backups"/*
	mkdir -p "$STUB/pkg"
	for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
		echo 24.3.10 >"$STUB/pkg/$p"
	done
	echo 0 >"$STUB/kernels"
}
# upgrade ANSWERS...: stepup run to $TO (24.09.4); the questions get the
# stand-ins' places, then ANSWERS one a line.
TO=24.09.4
upgrade() {
	printf '%s\n' "$TMP/manager" "" "" "" "$TMP/backups" "" "" "" "" "$@" |
		"$STEPUP" run --plain --state-dir "$TMP/state" --to "$TO" "$RB" >"$TMP/out" 2>&1
	status=$?
}

# Sessions still running: the check says how many and does not pass.
world
echo 2 >"$STUB/kernels"
upgrade ack ack "tick told them" "tick"
expect_grep "$TMP/out" "  | 2 kernel(s) not terminated"
grep -q '^= [0-9]* passed: confirmed' "$TMP/out" && fail "confirmed with sessions running"

# The whole upgrade, from the version pip reports (24.3.10, probed).
world
# After the manual steps of the first hop, each action asks before it runs.
upgrade ack ack "tick told them" "tick all terminated" "yes, upgrade to 24.09.4" \
	"tick agents at 24.03.11" "tick nothing" run run run run run run \
	"tick agents at 24.09.4" "tick nothing" "tick told them"
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" "== plan: 24.03.10 -> 24.09.4, 2 hops"
expect_grep "$TMP/out" "  | a minor hop: no missing revisions to fill"
expect_grep "$TMP/out" "  | revision history of 24.03.11: present"
expect_grep "$TMP/out" "= done: Backend.AI upgraded"
expect_grep "$TMP/out" "check: The manager's API answers again"
for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
	[ "$(cat "$STUB/pkg/$p")" = 24.9.4 ] || fail "$p is $(cat "$STUB/pkg/$p")"
done
grep -E '^(pip install|alembic upgrade|backend.ai|pg_dump|systemctl (stop|start))' "$STUB/calls" |
	sed "s|$TMP|<TMP>|g" >"$TMP/calls"
cat >"$TMP/want" <<EOT
pg_dump -Fc -f <TMP>/backups/backend.ai-24.03.10-1.dump.part
systemctl stop backendai-manager backendai-storage-proxy backendai-webserver
pip install -U backend.ai-manager==24.03.11
alembic upgrade head (in <TMP>/manager)
pip install -U backend.ai-storage-proxy==24.03.11 backend.ai-webserver==24.03.11 backend.ai-client==24.03.11
systemctl start backendai-manager backendai-storage-proxy backendai-webserver
systemctl stop backendai-manager backendai-storage-proxy backendai-webserver
pip install -U backend.ai-manager==24.09.4
alembic upgrade head (in <TMP>/manager)
backend.ai mgr schema apply-missing-revisions 24.03.11 (in <TMP>/manager)
pip install -U backend.ai-storage-proxy==24.09.4 backend.ai-webserver==24.09.4 backend.ai-client==24.09.4
systemctl start backendai-manager backendai-storage-proxy backendai-webserver
EOT
diff -u "$TMP/want" "$TMP/calls" >"$TMP/diff" || fail "the commands run: $(cat "$TMP/diff")"
[ -s "$TMP/backups/backend.ai-24.03.10-1.dump" ] || fail "no database backup"

# A target whose package lacks the dump of the release the major hop
# leaves: 24.03.2 has 23.09.10's, and the 23.09 series is left from its
# latest release, 23.09.11. The check says so before the confirmation,
# and what to do; nothing has changed.
world
for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
	echo 23.9.10 >"$STUB/pkg/$p"
done
TO=24.03.2
upgrade ack ack "tick told them" "tick all terminated"
expect_grep "$TMP/out" "  | backend.ai-manager 24.03.2 has no revision history of 23.09.11; it has:"
expect_grep "$TMP/out" "  | 23.09.10"
tr '\n' ' ' <"$TMP/out" | tr -s ' ' | grep -qF "apply-missing-revisions cannot run for this hop: the target's package has no dump of the release the hop leaves. Plan to a target whose package has it" ||
	fail "the check does not say what to do: $(tail -20 "$TMP/out")"
grep -q '^= [0-9]* passed: confirmed' "$TMP/out" && fail "confirmed although the step cannot run"
grep -q 'pip install\|pg_dump' "$STUB/calls" && fail "something changed: $(cat "$STUB/calls")"
TO=24.09.4

# The schema upgrade fails in the major hop: the rollback undoes what
# passed, restores the backup and reinstalls 24.03.10.
world
upgrade ack ack "tick told them" "tick all terminated" "yes, upgrade to 24.09.4" \
	"tick agents at 24.03.11" "tick nothing" run
touch "$STUB/alembic-fails"
printf '%s\n' resume run run rollback "yes, roll back to 24.03.10, writes to the manager database since the backup are lost" "tick restored below" \
	run run run run run run run "tick agents back" |
	"$STEPUP" run --plain --state-dir "$TMP/state" --to 24.09.4 "$RB" >"$TMP/out" 2>&1
status=$?
[ "$status" = 1 ] || fail "the rolled-back upgrade exited $status, want 1: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" "  | sqlalchemy.exc.ProgrammingError: column exists"
expect_grep "$TMP/out" "= done: Backend.AI rolled back"
expect_grep "$STUB/calls" "pg_restore --clean --if-exists --single-transaction -d backend $TMP/backups/backend.ai-24.03.10-1.dump"
# The schema revision the upgrade started from (an output of
# schema-current, journaled, restored on resume) checks the restore.
expect_grep "$TMP/out" "  | schema after the restore: 4f5a6b7c8d9e; before the upgrade: 4f5a6b7c8d9e"
for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
	[ "$(cat "$STUB/pkg/$p")" = 24.3.10 ] || fail "after the rollback $p is $(cat "$STUB/pkg/$p")"
done
grep -q 'apply-missing-revisions' "$STUB/calls" && fail "missing revisions filled after a failed schema upgrade"
finish
