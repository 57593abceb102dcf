#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-backend.ai.sh: the Backend.AI runbook's own commands, run for
# real by stepup in plain mode against stand-ins for pip, alembic, the
# backend.ai CLI, systemctl, psql and pg_dump/pg_restore, its three compute
# nodes reached through real sshd on loopback (sshd-lib.sh), listed by the
# manager's agents table (the inventory command): the upgrade
# 24.03.10 -> 24.03.11 -> 24.09.4 installs each release in turn, rolls the
# agents one node at a time in the minor hop (the manager's agent list
# checked after each), stops every agent before the manager and starts
# them after it in the major hop, fills the missing revisions of 24.03.11
# only in the major hop, and checks the versions the way pip and the
# agents spell them; a check catches running sessions; before the
# confirmation a check finds that a target's package lacks the revision
# history dump of the release it leaves (24.03.2 has 23.09.10's, not
# 23.09.11's); an agent that does not come back stops the roll before the
# next batch; a failed schema upgrade rolls back to the backup and
# 24.03.10, the agents too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

RB="$top_srcdir/runbooks/backend.ai.yaml"
STUB="$TMP/stub"; export STUB
V="$TMP/venv"
mkdir -p "$TMP/bin" "$V/bin" "$STUB/pkg" "$TMP/manager" "$TMP/backups"
unset TERM

# The compute nodes: node1..node3, whose commands find the stand-ins of
# $TMP/bin too. Each stand-in keeps a node's state apart by
# $STEPUP_HOST, which stepup sets for a command on a host.
SSHD_EXTRA="SetEnv PATH=$TMP/bin:/usr/bin:/bin"
sshd_start 3
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR
NODES="node1 node2 node3"

# pip (through python -m pip): installed versions in $STUB/pkg (on a
# node, $STUB/pkg-NODE), spelled the way pip normalises them (24.3.0 for
# 24.03.0).
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
pkg=$STUB/pkg${STEPUP_HOST:+-$STEPUP_HOST}
echo "${STEPUP_HOST:+$STEPUP_HOST: }pip $*" >>"$STUB/calls"
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
show)	[ -f "$pkg/$2" ] || exit 1
	printf 'Name: %s\nVersion: %s\n' "$2" "$(cat "$pkg/$2")" ;;
install)
	shift
	for a in "$@"; do
		case $a in
		*==*) echo "${a#*==}" | sed -E 's/(^|[.])0+([0-9])/\1\2/g' >"$pkg/${a%%==*}" ;;
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
# systemctl: on a node, the agent runs while $STUB/up-NODE exists (and
# does not start when $STUB/start-fails-NODE does).
cat >"$TMP/bin/systemctl" <<'EOT'
#!/bin/sh
if [ -z "${STEPUP_HOST:-}" ]; then
	echo "systemctl $*" >>"$STUB/calls"
	[ "$1" = is-active ] && echo active
	exit 0
fi
echo "$STEPUP_HOST: systemctl $*" >>"$STUB/calls"
case $1 in
stop) rm -f "$STUB/up-$STEPUP_HOST" ;;
start) [ ! -e "$STUB/start-fails-$STEPUP_HOST" ] || { echo "Job for $2 failed" >&2; exit 1; }
	: >"$STUB/up-$STEPUP_HOST" ;;
is-active) [ -e "$STUB/up-$STEPUP_HOST" ] && echo active || { echo inactive; exit 3; } ;;
esac
EOT
# psql: the manager database; its agents table lists a node ALIVE, at the
# version of its backend.ai-agent package, while its agent runs.
cat >"$TMP/bin/psql" <<'EOT'
#!/bin/sh
echo "psql $PGUSER@$PGHOST:$PGPORT/$PGDATABASE" >>"$STUB/calls"
alive() {
	for n in node1 node2 node3; do
		[ -e "$STUB/up-$n" ] && echo "$n $(cat "$STUB/pkg-$n/backend.ai-agent")"
	done
}
case "$*" in
*"FROM kernels"*) cat "$STUB/kernels" ;;
*"substring(addr"*) alive | cut -d' ' -f1 ;;
*"count(*) FROM agents"*) alive | wc -l ;;
*"id, addr, version FROM agents"*) alive | awk '{ print "i-" $1, "tcp://" $1 ":6001", $2 }' ;;
*"id, version FROM agents"*) alive | awk '{ print "i-" $1, $2 }' ;;
*) echo "psql stand-in: $*" >&2; exit 2 ;;
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

# world [VERSION]: the cluster at VERSION (pip's spelling; 24.3.10 by
# default), every agent running, nothing journaled.
world() {
	rm -rf "$STUB"/* "$TMP/state" "$TMP/backups"/* "$STEPUP_REMOTE_DIR"
	mkdir -p "$STUB/pkg"
	for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
		echo "${1:-24.3.10}" >"$STUB/pkg/$p"
	done
	for n in $NODES; do
		mkdir -p "$STUB/pkg-$n"
		echo "${1:-24.3.10}" >"$STUB/pkg-$n/backend.ai-agent"
		: >"$STUB/up-$n"
	done
	echo 0 >"$STUB/kernels"
}
# upgrade ANSWERS...: stepup run to $TO (24.09.4); the questions get the
# stand-ins' places, then ANSWERS one a line.
TO=24.09.4
upgrade() {
	printf '%s\n' "$TMP/manager" "" "" "" "" "" "" "$TMP/backups" "" "" "" "" "$@" |
		"$STEPUP" run --plain --state-dir "$TMP/state" --to "$TO" "$RB" >"$TMP/out" 2>&1
	status=$?
}

# Sessions still running: the check says how many and does not pass.
world
echo 2 >"$STUB/kernels"
upgrade ack ack "tick told them" "tick"
expect_grep "$TMP/out" "  | 2 kernel(s) not terminated"
grep -q '^= [0-9]* passed: confirmed' "$TMP/out" && fail "confirmed with sessions running"

# The whole upgrade, from the version pip reports (24.3.10, probed). The
# minor hop's roll runs on by itself after the confirmation; after the
# manual steps that end it, each action asks before it runs: on each node
# the major hop's stop, package installation and start.
world
upgrade ack ack "tick told them" "tick all terminated" "yes, upgrade to 24.09.4" \
	"tick none" "tick nothing" run run run run run run run run run run run run run run run \
	"tick none" "tick nothing" "tick told them"
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" "== plan: 24.03.10 -> 24.09.4, 2 hops"
grep -q "^== hosts: 3, from the command 'psql .*FROM agents WHERE status = 'ALIVE'.*': node1 node2 node3$" "$TMP/out" ||
	fail "the hosts are not the manager's agents: $(grep '^== hosts' "$TMP/out")"
expect_grep "$TMP/out" "  | a minor hop: no missing revisions to fill"
expect_grep "$TMP/out" "  | revision history of 24.03.11: present"
expect_grep "$TMP/out" "== roll agents (Upgrade the agents, a few nodes at a time), batch 2 of 3: node2"
expect_grep "$TMP/out" "~ 24 attempt 1: exit 0: 3 of 3 agent(s) alive"
expect_grep "$TMP/out" "= done: Backend.AI upgraded"
expect_grep "$TMP/out" "check: The manager's API answers again"
for p in backend.ai-manager backend.ai-storage-proxy backend.ai-webserver backend.ai-client; do
	[ "$(cat "$STUB/pkg/$p")" = 24.9.4 ] || fail "$p is $(cat "$STUB/pkg/$p")"
done
for n in $NODES; do
	[ "$(cat "$STUB/pkg-$n/backend.ai-agent")" = 24.9.4 ] || fail "the agent of $n is $(cat "$STUB/pkg-$n/backend.ai-agent")"
done
sed "s|$TMP|<TMP>|g" "$STUB/calls" >"$TMP/all"
grep -E '^(pip install|alembic upgrade|backend.ai|pg_dump|systemctl (stop|start))' "$TMP/all" >"$TMP/calls"
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
# Each node: stopped, upgraded and started once per hop, on that node.
for n in $NODES; do
	grep "^$n: \(pip install\|systemctl st\)" "$TMP/all" >"$TMP/calls"
	printf '%s\n' "$n: systemctl stop backendai-agent" \
		"$n: pip install -U backend.ai-agent==24.03.11" \
		"$n: systemctl start backendai-agent" \
		"$n: systemctl stop backendai-agent" \
		"$n: pip install -U backend.ai-agent==24.09.4" \
		"$n: systemctl start backendai-agent" >"$TMP/want"
	diff -u "$TMP/want" "$TMP/calls" >"$TMP/diff" || fail "the commands run on $n: $(cat "$TMP/diff")"
done
# before LINE N LINE2 N2: the Nth line that is LINE comes before the N2th
# that is LINE2, in the order the commands ran.
before() {
	a=$(grep -nxF -- "$1" "$TMP/all" | sed -n "$2p" | cut -d: -f1)
	b=$(grep -nxF -- "$3" "$TMP/all" | sed -n "$4p" | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] ||
		fail "'$1' ($2) ran at line ${a:-none}, not before '$3' ($4) at ${b:-none}"
}
manager_start="systemctl start backendai-manager backendai-storage-proxy backendai-webserver"
# The minor hop: the manager first, then a rolling upgrade, one node done
# (and the manager's list checked) before the next is stopped.
before "$manager_start" 1 "node1: systemctl stop backendai-agent" 1
before "node1: systemctl start backendai-agent" 1 "node2: systemctl stop backendai-agent" 1
before "node2: systemctl start backendai-agent" 1 "node3: systemctl stop backendai-agent" 1
# The major hop: no rolling upgrade; every agent stopped before the
# manager, upgraded after the other components, started after the
# manager.
for n in $NODES; do
	before "$n: systemctl stop backendai-agent" 2 "pip install -U backend.ai-manager==24.09.4" 1
	before "pip install -U backend.ai-storage-proxy==24.09.4 backend.ai-webserver==24.09.4 backend.ai-client==24.09.4" 1 \
		"$n: pip install -U backend.ai-agent==24.09.4" 1
	before "$manager_start" 2 "$n: systemctl start backendai-agent" 2
done

# An agent that does not start stops the roll there (max-fail 0): node1
# is upgraded, node2 failed, node3 untouched, the health check after the
# batch not run.
world
touch "$STUB/start-fails-node2"
upgrade ack ack "tick told them" "tick all terminated" "yes, upgrade to 24.09.4"
expect_grep "$TMP/out" "  | Job for backendai-agent failed"
expect_grep "$TMP/out" "! 27 failed: exit 1 on node2"
grep -q "after batch 2 of 3" "$TMP/out" && fail "the health check ran after a failed batch"
grep -q "^node3:" "$STUB/calls" && fail "node3 was touched after node2 failed: $(grep '^node3:' "$STUB/calls")"
[ "$(cat "$STUB/pkg-node1/backend.ai-agent")" = 24.3.11 ] || fail "node1 was not upgraded"

# A target whose package lacks the dump of the release the major hop
# leaves: 24.03.2 has 23.09.10's, and the 23.09 series is left from its
# latest release, 23.09.11. The check says so before the confirmation,
# and what to do; nothing has changed.
world 23.9.10
TO=24.03.2
upgrade ack ack "tick told them" "tick all terminated"
expect_grep "$TMP/out" "  | backend.ai-manager 24.03.2 has no revision history of 23.09.11; it has:"
expect_grep "$TMP/out" "  | 23.09.10"
tr '\n' ' ' <"$TMP/out" | tr -s ' ' | grep -qF "apply-missing-revisions cannot run for this hop: the target's package has no dump of the release the hop leaves. Plan to a target whose package has it" ||
	fail "the check does not say what to do: $(tail -20 "$TMP/out")"
grep -q '^= [0-9]* passed: confirmed' "$TMP/out" && fail "confirmed although the step cannot run"
grep -q 'pip install\|pg_dump' "$STUB/calls" && fail "something changed: $(cat "$STUB/calls")"
TO=24.09.4

# The schema upgrade fails in the major hop, its agents stopped: the
# rollback undoes what passed, on the head node and on each node, latest
# first (the agents' roll node by node backwards), restores the backup and
# reinstalls 24.03.10.
world
upgrade ack ack "tick told them" "tick all terminated" "yes, upgrade to 24.09.4" \
	"tick none" "tick nothing" run run run run
touch "$STUB/alembic-fails"
printf '%s\n' resume run run rollback "yes, roll back to 24.03.10, writes to the manager database since the backup are lost" "tick restored below" \
	run run run run run run run "tick others back" |
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
for n in $NODES; do
	[ "$(cat "$STUB/pkg-$n/backend.ai-agent")" = 24.3.10 ] || fail "after the rollback the agent of $n is $(cat "$STUB/pkg-$n/backend.ai-agent")"
	[ -e "$STUB/up-$n" ] || fail "after the rollback the agent of $n is stopped"
done
sed -n '/^pip install backend.ai-manager==24.03.11$/,$p' "$STUB/calls" | grep '^node[0-9]: \(pip install\|systemctl st\)' >"$TMP/calls"
cat >"$TMP/want" <<EOT
node3: systemctl start backendai-agent
node2: systemctl start backendai-agent
node1: systemctl start backendai-agent
node3: systemctl stop backendai-agent
node3: pip install backend.ai-agent==24.03.10
node3: systemctl start backendai-agent
node2: systemctl stop backendai-agent
node2: pip install backend.ai-agent==24.03.10
node2: systemctl start backendai-agent
node1: systemctl stop backendai-agent
node1: pip install backend.ai-agent==24.03.10
node1: systemctl start backendai-agent
EOT
diff -u "$TMP/want" "$TMP/calls" >"$TMP/diff" || fail "the rollback on the nodes: $(cat "$TMP/diff")"
grep -q 'apply-missing-revisions' "$STUB/calls" && fail "missing revisions filled after a failed schema upgrade"
finish
