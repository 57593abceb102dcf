#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-kubeadm.sh: the kubeadm runbook against stand-ins for kubectl,
# hostname and curl: the catalog is the installed version and the newest
# patch of each later minor (dl.k8s.io's stable-1.M.txt), the plan goes
# one minor at a time, --direct refuses a skipped minor, the other nodes
# (control plane nodes first, not this one) are rolled through one at a
# time after this node, and a dry run shows each hop's commands for its
# own version, on this node and on each other node.
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/kubeadm.yaml"
S="$TMP/stub"
mkdir -p "$TMP/bin" "$S"
unset TERM
echo v1.28.3 >"$S/server"
# (a probe's environment is only PATH, HOME and a few more: the stubs
# carry their directory)
cat >"$TMP/bin/kubectl" <<EOT
#!/bin/sh
case "\$1 \$2 \$3 \$4" in
version*) echo "Client Version: v1.30.14"; echo "Kustomize Version: v5.0.4"
	echo "Server Version: \$(cat "$S/server")" ;;
"get nodes -l node-role.kubernetes.io/control-plane") printf 'cp-1\\ncp-2\\n' ;;
"get nodes -l !node-role.kubernetes.io/control-plane") printf 'w-1\\nw-2\\nw-3\\n' ;;
*) echo "kubectl stand-in: \$*" >&2; exit 2 ;;
esac
EOT
printf '#!/bin/sh\necho cp-1\n' >"$TMP/bin/hostname"
chmod +x "$TMP/bin/hostname"
cat >"$TMP/bin/curl" <<'EOT'
#!/bin/sh
for a; do url=$a; done
case $url in
*/stable-1.28.txt) printf v1.28.15 ;;
*/stable-1.29.txt) printf v1.29.15 ;;
*/stable-1.30.txt) printf v1.30.14 ;;
*/CHANGELOG-*) echo "# v1.30.14"; echo "notes" ;;
*) echo "curl: (22) The requested URL returned error: 404" >&2; exit 22 ;;
esac
EOT
chmod +x "$TMP/bin/kubectl" "$TMP/bin/curl"
PATH="$TMP/bin:$PATH"; export PATH S

expect_status 0 "$STEPUP" plan "$RB"
expect_grep "$TMP/out" "Kubernetes (kubeadm): 1.28.3 -> 1.30.14 in 2 hops."
# The other nodes, from kubectl: control plane nodes first, this one left
# out.
expect_grep "$TMP/out" "Hosts: 4 from the command "
expect_grep "$TMP/out" "': cp-2 w-1 w-2 w-3"
roll="roll other-nodes (node-repo, node-kubeadm, upgrade-node, node-drain, node-kubelet, node-kubelet-up, node-uncordon; 4 hosts in 4 batches: cp-2 | w-1 | w-2 | w-3; a health check after each; max-fail 0)"
expect_grep "$TMP/out" "(the newest of 4 available releases)"
# any patch of a minor to any of the next: the installed 1.28.3 need not
# go through 1.28.15
expect_grep "$TMP/out" "  1. 1.28.3 -> 1.29.15  (minor)"
expect_grep "$TMP/out" "     1.29.15: minor versions are upgraded one at a time"
expect_grep "$TMP/out" "     steps: repo, kubeadm, kubeadm-version, plan, apply, drain, kubelet, node-ready, uncordon, $roll, verify"
expect_grep "$TMP/out" "  2. 1.29.15 -> 1.30.14  (minor)"
# a patch hop keeps the package repository of its minor
expect_status 0 "$STEPUP" plan "$RB" --to 1.28.15
expect_grep "$TMP/out" "  1. 1.28.3 -> 1.28.15  (patch)"
# (and the nodes' repositories too)
expect_grep "$TMP/out" "     steps: kubeadm, kubeadm-version, plan, apply, drain, kubelet, node-ready, uncordon, roll other-nodes (node-kubeadm, upgrade-node, node-drain, node-kubelet, node-kubelet-up, node-uncordon; 4 hosts in 4 batches: cp-2 | w-1 | w-2 | w-3; a health check after each; max-fail 0), verify"

# No minor skipped, whatever the catalog has.
expect_status 3 "$STEPUP" plan "$RB" --to 1.30.14 --direct
expect_grep "$TMP/out" "(one-minor-at-a-time):"
expect_grep "$TMP/out" "  1.28.3 -> 1.30.14 is not allowed as one hop: 1.28.3 -> 1.30.14 skips 1.29,"

# A dry run: each hop's own versions reach its commands.
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
printf '%s\n' cp-1 "" "" "yes, upgrade to 1.30.14" |
	"$STEPUP" run --plain --dry-run "$RB" >"$TMP/dry" 2>"$TMP/dry.err" ||
	fail "the dry run failed: $(tail -5 "$TMP/dry") $(cat "$TMP/dry.err")"
expect_grep "$TMP/dry" "= dry run: nothing was executed"
expect_grep "$TMP/dry" "action: kubeadm upgrade apply v1.29.15"
expect_grep "$TMP/dry" "  command: sudo kubeadm upgrade apply -y \"v\$STEPUP_HOP_TO\""
expect_grep "$TMP/dry" "  STEPUP_HOP_TO=1.30.14"
expect_grep "$TMP/dry" "action: Drain cp-1"
# After the kubelet's restart, the node is waited for until Ready.
expect_grep "$TMP/dry" "check: cp-1 is Ready again"
expect_grep "$TMP/dry" "  until it passes: every 5 s, for at most 300 s (then it fails)"
# The backup directory's default is derived from the node's name.
expect_grep "$TMP/dry" "? var backup_dir: Where the copy of /etc/kubernetes goes (default: /var/backups/kubernetes/cp-1)"
expect_grep "$TMP/dry" "action: Copy /etc/kubernetes to /var/backups/kubernetes/cp-1"
# This node first, then each other node, one at a time: kubeadm upgrade
# node there, the drain and the uncordon by hand here.
order=$(sed -n '/^\[[0-9]*\/[0-9]*\] [a-z]*: .*1\.29\.15\|^\[[0-9]*\/[0-9]*\] [a-z]*: \(kubeadm upgrade node\|Drain\|Uncordon\|Every node\)/p' "$TMP/dry" |
	sed 's/^\[[0-9/]*\] //' | sed -n '3,18p' | tr '\n' '|')
want="action: Point the Kubernetes packages at the 1.29.15 repository|action: Upgrade kubeadm to 1.29.15|check: kubeadm is v1.29.15|action: kubeadm upgrade apply v1.29.15|action: Drain cp-1|action: Upgrade kubelet and kubectl on cp-1 to 1.29.15|action: Uncordon cp-1|action: Point the node's Kubernetes packages at the 1.29.15 repository (on cp-2)|action: Upgrade kubeadm on the node to 1.29.15 (on cp-2)|action: kubeadm upgrade node (on cp-2)|manual: Drain the node (on cp-2)|action: Upgrade kubelet and kubectl on the node to 1.29.15 (on cp-2)|check: The node's kubelet runs v1.29.15 (on cp-2)|manual: Uncordon the node (on cp-2)|check: Every node is Ready (after batch 1 of 4)|action: Point the node's Kubernetes packages at the 1.29.15 repository (on w-1)|"
[ "$order" = "$want" ] || fail "the order of the nodes' steps: $order"
expect_grep "$TMP/dry" "  in roll other-nodes (Upgrade the other nodes, one at a time), batch 4 of 4: w-3"
expect_grep "$TMP/dry" "  on host: w-3 (through ssh)"
# The checklist says how to drain each node, by its name.
expect_status 0 "$STEPUP" export "$RB" --to 1.29.15 --format txt -o "$TMP/list.txt"
tr '\n' ' ' <"$TMP/list.txt" | tr -s ' ' | grep -qF "Drain the node (on w-2) manual · node-drain@1.29.15#w-2 Instructions: On this control plane node: kubectl drain w-2 --ignore-daemonsets." ||
	fail "the checklist does not say how to drain w-2: $(grep -A3 'Drain the node (on w-2)' "$TMP/list.txt")"

# The nodes from an inventory file instead.
expect_status 0 "$STEPUP" plan "$RB" --inventory "$top_srcdir/tests/data/inventory/kubeadm.ini"
expect_grep "$TMP/out" "Hosts: 4 from $top_srcdir/tests/data/inventory/kubeadm.ini: cp-2 cp-3 worker-1 worker-2"
finish
