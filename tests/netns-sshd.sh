#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# netns-sshd.sh: two nodes, each a real sshd in a network namespace of its
# own (ip netns, a veth pair to this host), upgraded side by side in plain
# mode; node2's link is cut mid-command. ssh's keepalive ends its ssh, the
# question to node2 gives up at its connect timeout with what ssh said,
# and node2's step is in doubt (neither failed nor passed) while node1's
# passes; resumed with the link still cut, it stays in doubt, nothing run
# again; with the link back, the resumed run reads from node2 how the
# command ended there, and the command ran once on node2 (its marker
# files, the journal, stepup show, and the ssh argument vectors: one
# attempt, each question with its short connect timeout). As root only:
# skipped (77) otherwise, or where network namespaces cannot be made.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/netns.yaml
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

# Where the kernel or the container gives no namespaces (CI's may not),
# skipped even in CI; anything else it lacks is lib.sh's skip.
netns_skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}
[ "$(id -u)" = 0 ] || skip "not root: network namespaces need root"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"

# Names of this run's own: namespace $NS-k, veth $HOSTIF$k here and
# $NSIF$k in the namespace (at most 15 bytes), 10.231.k.0/30 between.
NS=stepup$$
HOSTIF=su$$h
NSIF=su$$n
# Every node's namespace gone, with what still runs in it (a command of
# a node the test left behind), and this host's end of its veth.
netns_down() {
	for k in 1 2; do
		pids=$(ip netns pids "$NS-$k" 2>/dev/null)
		# shellcheck disable=SC2086 # a pid a word
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$NS-$k" 2>/dev/null
		ip link del "$HOSTIF$k" 2>/dev/null
	done
}
# A run still under way (the test interrupted) is stopped first.
run_pid=
trap '[ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null; sshd_stop; netns_down; rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM

ip netns add "$NS-1" 2>"$TMP/netns.err" ||
	netns_skip "no network namespace: $(cat "$TMP/netns.err")"
for k in 1 2; do
	[ "$k" = 1 ] || ip netns add "$NS-$k" ||
		{ fail "ip netns add $NS-$k"; finish; }
	ip link add "$HOSTIF$k" type veth peer name "$NSIF$k" 2>"$TMP/netns.err" ||
		netns_skip "no veth pair: $(cat "$TMP/netns.err")"
	{ ip link set "$NSIF$k" netns "$NS-$k" &&
	    ip addr add "10.231.$k.1/30" dev "$HOSTIF$k" &&
	    ip link set "$HOSTIF$k" up &&
	    ip netns exec "$NS-$k" ip addr add "10.231.$k.2/30" dev "$NSIF$k" &&
	    ip netns exec "$NS-$k" ip link set "$NSIF$k" up &&
	    ip netns exec "$NS-$k" ip link set lo up; } ||
		{ fail "the link to $NS-$k"; finish; }
	# The node's address is never asked for (ARP), so that a cut link
	# drops what is sent, as a dead switch or a node without power do,
	# instead of the quick "No route to host" of an unanswered ARP.
	mac=$(ip netns exec "$NS-$k" cat "/sys/class/net/$NSIF$k/address")
	ip neigh replace "10.231.$k.2" lladdr "$mac" dev "$HOSTIF$k" \
	    nud permanent || { fail "the neighbour 10.231.$k.2"; finish; }
done

sshd_start 0
sshd_netns 1 "$NS-1" 10.231.1.2
sshd_netns 2 "$NS-2" 10.231.2.2
# stepup's ssh through one that writes down each argument vector.
SSH_REAL=$(command -v ssh)
mkdir "$TMP/bin"
cat >"$TMP/bin/ssh" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$TMP/ssh-argv"
exec "$SSH_REAL" "\$@"
EOF
chmod +x "$TMP/bin/ssh"
PATH=$TMP/bin:$PATH; export PATH
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR
N1=upgrade@2.0.0#node1
N2=upgrade@2.0.0#node2

# 1. node2's link is cut while its command runs: its ssh ends by the
# keepalive; the question to node2 gives up at its connect timeout, saying
# so, and node2's step is in doubt; node1's passes beside it.
printf '%s\n' "yes, upgrade to 2.0.0" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1 &
run_pid=$!
wait_for "$WORLD/started-node2"
ip netns exec "$NS-2" ip link set "${NSIF}2" down || fail "cannot cut node2's link"
wait "$run_pid"
st=$?
run_pid=
[ "$st" = 1 ] || fail "the run with node2 cut exited $st: $(tail -20 "$TMP/out1")"
expect_grep "$TMP/out1" "ssh to node2 ended: exit 255; node2 cannot be reached through ssh (ssh: connect to host 10.231.2.2 port 22: Connection timed out): whether the command ran there is unknown"
expect_line "$TMP/out1" "= 2 passed on node1: exit 0"
expect_line "$TMP/out1" "? 3 action: its outcome is unknown (node2 has not said how it ended) [retry, done REASON, shell, rollback, quit]"
[ "$(sql "select state from step_states where step = '$N2'")" = in-doubt ] ||
	fail "node2 after the cut: $(sql "select step, state, reason from step_states")"
[ "$(sql "select state from step_states where step = '$N1'")" = passed ] ||
	fail "node1 beside the cut: $(sql "select step, state, reason from step_states")"
[ "$(cat "$WORLD/ended-node1")" = x ] || fail "node1 ended $(wc -l <"$WORLD/ended-node1") times"
# Cut off, node2's command goes on to its end.
wait_for "$WORLD/ended-node2"

# 2. Resumed with the link still cut: node2 is asked again and does not
# answer; its step stays in doubt, saying so, and nothing runs again.
printf '%s\n' resume >"$TMP/in2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in2" >"$TMP/out2" 2>&1
st=$?
[ "$st" = 1 ] || fail "the run resumed with node2 cut exited $st: $(tail -20 "$TMP/out2")"
again="asked again: node2 cannot be reached through ssh (ssh: connect to host 10.231.2.2 port 22: Connection timed out): whether the command ran there is still unknown"
expect_line "$TMP/out2" "  why: $again"
expect_line "$TMP/out2" "? 3 action: its outcome is unknown (node2 has not said how it ended) [retry, done REASON, shell, rollback, quit]"
[ "$(sql "select reason from step_states where step = '$N2'")" = "$again" ] ||
	fail "node2's reason while cut: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from events where step = '$N2' and kind = 'note' and detail = '$again'")" = 1 ] ||
	fail "no note of the question while cut: $(sql "select kind, detail from events where step = '$N2'")"
[ "$(sql "select state from step_states where step = '$N2'")" = in-doubt ] ||
	fail "node2 resumed while cut: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from actions where step = '$N2'")" = 1 ] ||
	fail "node2's attempts while cut: $(sql "select step, attempt from actions")"

# 3. The link is back: the resumed run asks node2, records the exit
# status it kept, and goes on; node2's command ran once.
ip netns exec "$NS-2" ip link set "${NSIF}2" up || fail "cannot bring node2's link back"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in2" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run resumed with node2 back exited $st: $(tail -20 "$TMP/out3")"
expect_line "$TMP/out3" "= done: Cluster upgraded, run 1"
for h in node1 node2; do
	[ "$(cat "$WORLD/started-$h")" = x ] || fail "$h started $(wc -l <"$WORLD/started-$h") times"
	[ "$(cat "$WORLD/ended-$h")" = x ] || fail "$h ended $(wc -l <"$WORLD/ended-$h") times"
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h: $(cat "$WORLD/version-$h")"
	[ "$(sql "select count(*) from actions where step = 'upgrade@2.0.0#$h'")" = 1 ] ||
		fail "$h's attempts: $(sql "select step, attempt from actions")"
done
[ "$(sql "select state from step_states where step = '$N2'")" = passed ] ||
	fail "node2 with its link back: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from events where step = '$N2' and kind = 'in-doubt'")" = 1 ] ||
	fail "node2's in-doubt events: $(sql "select kind, detail from events where step = '$N2'")"
[ "$(sql "select count(*) from events where step = '$N2' and detail like '%node2 says attempt 1 exited 0%'")" = 1 ] ||
	fail "no note of node2's answer: $(sql "select kind, detail from events where step = '$N2'")"
# One ssh to node2 ran the command: the attempt's, connecting within 20
# s; three asked about it (after the cut, and on each resume), each
# giving up on connecting after 5 s, as remote_ssh_init has it.
n=$(grep -c "ConnectTimeout=20 .* node2 sh -s$" "$TMP/ssh-argv")
[ "$n" = 1 ] || fail "$n attempts' ssh to node2: $(cat "$TMP/ssh-argv")"
n=$(grep -c "ConnectTimeout=5 .* node2 sh -s$" "$TMP/ssh-argv")
[ "$n" = 3 ] || fail "$n questions' ssh to node2: $(cat "$TMP/ssh-argv")"
expect_grep "$TMP/ssh-argv" "-o ServerAliveInterval=5 -o ServerAliveCountMax=3 node2 sh -s"
# stepup show says it too: node2 passed, by its one attempt, exit 0.
"$STEPUP" show 1 >"$TMP/show" 2>&1 || fail "show: $(cat "$TMP/show")"
grep -Eq "^  $N2 +passed *$" "$TMP/show" || fail "show's steps: $(cat "$TMP/show")"
[ "$(grep -Ec "^  $N2 +attempt " "$TMP/show")" = 1 ] ||
	fail "show's commands of node2: $(cat "$TMP/show")"
grep -Eq "^  $N2 +attempt 1: exit 0, log " "$TMP/show" ||
	fail "show's attempt on node2: $(cat "$TMP/show")"
finish
