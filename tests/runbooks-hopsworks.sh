#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-hopsworks.sh: the Hopsworks.ai (Azure) runbook's own commands,
# run for real by stepup in plain mode against stand-ins for the Azure CLI
# and the Hopsworks.ai API (az and curl earlier on PATH, sleep made
# instant): the permissions check names the missing snapshot action; an
# upgrade is followed until the cluster runs the new version, then its
# workers are recreated as they were (removed, then added with the same
# configurations, through the API); an upgrade error fails the step, and
# the guided rollback follows the console's rollback until the old
# cluster runs again. The API key never shows.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "python3 missing: skipped"; exit 77; }
RB="$top_srcdir/runbooks/hopsworks-azure.yaml"
STUB="$TMP/stub"; export STUB
mkdir -p "$TMP/bin" "$STUB"
unset TERM
HOPSWORKSAI_API_KEY=k3y-not-to-show; export HOPSWORKSAI_API_KEY

cat >"$TMP/bin/az" <<'EOT'
#!/bin/sh
echo "az $*" >>"$STUB/calls"
case "$*" in
*"account show"*) echo "Subscription    Id    User"; echo "test    0000    ops@example.org" ;;
*"vm get-instance-view"*) cat "$STUB/vm-state" ;;
*"role definition list"*) cat "$STUB/actions" ;;
*) echo "az stand-in: unexpected: $*" >&2; exit 2 ;;
esac
EOT
# curl: the API key arrives on stdin as a header, never as an argument;
# the cluster's states are served one after another from cluster.N, the
# last one for good; a change of its workers is logged with its body.
cat >"$TMP/bin/curl" <<'EOT'
#!/bin/sh
method=GET body=
for a in "$@"; do
	case $prev in -X) method=$a ;; --data-binary) body=$a ;; esac
	prev=$a url=$a
done
echo "curl $*" >>"$STUB/calls"
grep -qx 'x-api-key: k3y-not-to-show' || { echo "no API key header" >&2; exit 22; }
case $url in
*/api/clusters/cluster-1/workers)
	echo "$method $body" >>"$STUB/workers"
	echo '{"code": 200, "status": "ok"}' ;;
*/api/clusters/hopsworks/versions/AZURE)
	echo '{"payload": {"versions": [{"version": "2.5.0", "upgradableFromVersion": "2.4.0", "releaseNotesUrl": "https://example.org/2.5"}, {"version": "3.0.0", "upgradableFromVersion": "2.5.0"}]}}' ;;
*/api/clusters/cluster-1)
	n=$(cat "$STUB/n" 2>/dev/null || echo 0)
	cat "$STUB/cluster.$n"
	[ -e "$STUB/cluster.$((n + 1))" ] && echo "$((n + 1))" >"$STUB/n"
	exit 0 ;;
*) echo "curl stand-in: unexpected: $url" >&2; exit 22 ;;
esac
EOT
printf '#!/bin/sh\nexit 0\n' >"$TMP/bin/sleep"
chmod +x "$TMP/bin/az" "$TMP/bin/curl" "$TMP/bin/sleep"
PATH="$TMP/bin:$PATH"; export PATH

# cluster N STATE VERSION [UPGRADE-TO] [ERROR]: what the API says, Nth,
# with the workers $WORKERS.
W='[{"instanceType": "Standard_D8s_v3", "diskSize": 256, "count": 2}, {"instanceType": "Standard_NC6s_v3", "diskSize": 512, "count": 1}]'
WORKERS=$W
cluster() {
	up=null err=
	[ -n "${4:-}" ] && up="{\"from\": \"2.4.0\", \"to\": \"$4\"}"
	[ -n "${5:-}" ] && err=", \"errorMessage\": \"$5\""
	printf '{"payload": {"cluster": {"id": "cluster-1", "name": "prod", "state": "%s", "version": "%s", "upgradeInProgress": %s%s, "clusterConfiguration": {"head": {"instanceType": "Standard_D8s_v3", "diskSize": 512}, "workers": %s}}}}\n' \
		"$2" "$3" "$up" "$err" "$WORKERS" >"$STUB/cluster.$1"
}
# world: a running 2.4.0 cluster whose role has every permission.
world() {
	rm -rf "$STUB"/* "$TMP/state"
	echo "VM running" >"$STUB/vm-state"
	printf '%s\n' Microsoft.Compute/virtualMachines/read Microsoft.Compute/snapshots/write \
		Microsoft.Compute/snapshots/read Microsoft.Compute/snapshots/delete \
		Microsoft.Compute/disks/beginGetAccess/action >"$STUB/actions"
	echo 0 >"$STUB/n"
	cluster 0 running 2.4.0
}
# hops ANSWERS...: stepup run, 2.4.0 -> 2.5.0, the answers one a line.
hops() {
	printf '%s\n' cluster-1 rg-1 head-vm hopsworks-role "$@" |
		"$STEPUP" run --plain --state-dir "$TMP/state" --from 2.4.0 --to 2.5.0 "$RB" >"$TMP/out" 2>&1
	status=$?
}
expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(tail -c 2000 "$1")"
}

# A missing snapshot permission: the check names it, with the guide's fix.
world
grep -v beginGetAccess "$STUB/actions" >"$STUB/a" && mv "$STUB/a" "$STUB/actions"
hops ack
expect_line "$TMP/out" "  | ok: Microsoft.Compute/snapshots/delete"
expect_line "$TMP/out" "  | MISSING: Microsoft.Compute/disks/beginGetAccess/action"
expect_grep "$TMP/out" "  hint: Step 2 of the guide: in the Azure portal"
grep -q '^= [0-9]* passed: confirmed' "$TMP/out" && fail "confirmed with a permission missing"
# A wildcard grants them all.
world
printf 'Microsoft.Compute/*\n' >"$STUB/actions"
hops ack quit
expect_line "$TMP/out" "  | ok: Microsoft.Compute/disks/beginGetAccess/action"

# The upgrade, followed until the cluster runs 2.5.0; then its workers
# recreated: the cluster without them, then with them again.
world
cluster 1 updating 2.4.0 2.5.0
cluster 2 updating 2.4.0 2.5.0
cluster 3 running 2.5.0
cluster 4 running 2.5.0
WORKERS='[]' cluster 5 running 2.5.0
cluster 6 running 2.5.0
hops ack "yes, upgrade cluster to 2.5.0" "tick clicked Upgrade" "tick 2.5.0 shown" run run
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -30 "$TMP/out")"
expect_line "$TMP/out" "  | 2 x Standard_D8s_v3, 256 GB disk"
expect_line "$TMP/out" "  | 2 worker configuration(s)"
expect_grep "$TMP/out" "state running, 0 worker(s)"
expect_grep "$TMP/out" "state running, workers {'Standard_D8s_v3': 2, 'Standard_NC6s_v3': 1} (before: {'Standard_D8s_v3': 2, 'Standard_NC6s_v3': 1})"
body='{"workers": [{"instanceType": "Standard_D8s_v3", "diskSize": 256, "count": 2}, {"instanceType": "Standard_NC6s_v3", "diskSize": 512, "count": 1}]}'
printf '%s\n' "DELETE $body" "POST $body" >"$TMP/want"
diff -u "$TMP/want" "$STUB/workers" >"$TMP/diff" || fail "the workers were not recreated as they were: $(cat "$TMP/diff")"
expect_line "$TMP/out" "  | Hopsworks 2.5.0"
expect_line "$TMP/out" "  | release notes: https://example.org/2.5"
expect_grep "$TMP/out" " state updating, version 2.4.0, upgrading 2.4.0 -> 2.5.0"
expect_grep "$TMP/out" " state running, version 2.5.0"
expect_grep "$TMP/out" "= done: Hopsworks (Hopsworks.ai, Azure) upgraded"
grep -q k3y-not-to-show "$TMP/out" "$STUB/calls" && fail "the API key was shown or passed as an argument"
grep -rq k3y-not-to-show "$TMP/state" && fail "the API key was journaled"

# An upgrade error: the step fails with the API's message; the guided
# rollback follows the console's rollback until the cluster is stopped,
# then until it runs again.
world
cluster 1 updating 2.4.0 2.5.0
cluster 2 error 2.4.0 2.5.0 "disk snapshot failed"
cluster 3 updating 2.4.0 2.5.0
cluster 4 stopped 2.4.0
cluster 5 running 2.4.0
hops ack "yes, upgrade cluster to 2.5.0" "tick clicked Upgrade" rollback "yes, roll back to 2.4.0" \
	"tick clicked Rollback" "tick clicked Start"
[ "$status" = 1 ] || fail "the rolled-back upgrade exited $status, want 1: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" " state error, version 2.4.0, upgrading 2.4.0 -> 2.5.0, error: disk snapshot failed"
expect_grep "$TMP/out" "  hint: Error 1, missing permissions:"
expect_grep "$TMP/out" " state stopped, version 2.4.0"
# (waited for until it runs: one line per attempt, its last line of output)
expect_grep "$TMP/out" " attempt 1: exit 0: state running version 2.4.0"
expect_grep "$TMP/out" "= done: Hopsworks (Hopsworks.ai, Azure) rolled back"
finish
