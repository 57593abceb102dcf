#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-kubeadm.sh: the kubeadm runbook against stand-ins for kubectl
# and curl: the catalog is the installed version and the newest patch of
# each later minor (dl.k8s.io's stable-1.M.txt), the plan goes one minor
# at a time, --direct refuses a skipped minor, and a dry run shows each
# hop's commands for its own version.
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
case \$1 in
version) echo "Client Version: v1.30.14"; echo "Kustomize Version: v5.0.4"
	echo "Server Version: \$(cat "$S/server")" ;;
esac
EOT
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
expect_grep "$TMP/out" "(the newest of 4 available releases)"
# any patch of a minor to any of the next: the installed 1.28.3 need not
# go through 1.28.15
expect_grep "$TMP/out" "  1. 1.28.3 -> 1.29.15  (minor)"
expect_grep "$TMP/out" "     1.29.15: minor versions are upgraded one at a time"
expect_grep "$TMP/out" "     steps: repo, kubeadm, kubeadm-version, plan, apply, other-control-planes, drain, kubelet, node-ready, uncordon, workers, verify"
expect_grep "$TMP/out" "  2. 1.29.15 -> 1.30.14  (minor)"
# a patch hop keeps the package repository of its minor
expect_status 0 "$STEPUP" plan "$RB" --to 1.28.15
expect_grep "$TMP/out" "  1. 1.28.3 -> 1.28.15  (patch)"
expect_grep "$TMP/out" "     steps: kubeadm, kubeadm-version, plan, apply, other-control-planes, drain, kubelet, node-ready, uncordon, workers, verify"

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
finish
