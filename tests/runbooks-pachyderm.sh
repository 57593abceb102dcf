#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-pachyderm.sh: the Pachyderm runbook's own commands, run for
# real by stepup in plain mode against stand-ins for pachctl, kubectl,
# curl, sudo and dpkg: 1.8.0 -> 1.9.0 in place extracts the state,
# undeploys, installs pachctl 1.9.0, redeploys with exactly the saved
# deploy arguments (split on spaces; shell patterns refused) and checks the pods and
# versions; the arguments, secret, are never shown or journaled. A redeploy
# that fails is rolled back: the old pachctl and deployment come back.
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/pachyderm.yaml"
S="$TMP/stub"
mkdir -p "$TMP/bin" "$S" "$TMP/backups"
unset TERM

cat >"$TMP/bin/pachctl" <<'EOT'
#!/bin/sh
echo "pachctl $*" >>"$S/calls"
case $1 in
version)
	echo "COMPONENT           VERSION"
	echo "pachctl             $(cat "$S/client")"
	[ "${2:-}" = --client-only ] && exit 0
	[ -e "$S/deployed" ] || { echo "context deadline exceeded" >&2; exit 1; }
	echo "pachd               $(cat "$S/pachd")" ;;
undeploy) rm -f "$S/deployed" ;;
deploy)
	shift
	for a in "$@"; do echo "[$a]"; done >"$S/deploy-args"
	if [ -e "$S/deploy-fails" ]; then
		rm -f "$S/deploy-fails"
		echo 'Error from server (Forbidden): pods is forbidden'; exit 1
	fi
	cp "$S/client" "$S/pachd"; touch "$S/deployed" ;;
extract) echo "extracted state of pachd $(cat "$S/pachd")" ;;
list) echo "NAME CREATED SIZE"; cat "$S/repos" 2>/dev/null ;;
restore) cat >"$S/restored" ;;
esac
EOT
cat >"$TMP/bin/kubectl" <<'EOT'
#!/bin/sh
echo "kubectl $*" >>"$S/calls"
case $1 in
wait) [ -e "$S/deployed" ] ;;
get) echo "NAME READY STATUS"; echo "pachd-1 1/1 Running" ;;
esac
EOT
cat >"$TMP/bin/curl" <<'EOT'
#!/bin/sh
out=
while [ $# -gt 0 ]; do case $1 in -o) out=$2; shift ;; *) url=$1 ;; esac; shift; done
echo "curl $url" >>"$S/calls"
if [ -n "$out" ]; then echo "$url" >"$out"; else printf '## 1.9.0\n- notes of 1.9.0\n## 1.8.0\n'; fi
EOT
printf '#!/bin/sh\n"$@"\n' >"$TMP/bin/sudo"
cat >"$TMP/bin/dpkg" <<'EOT'
#!/bin/sh
echo "dpkg $*" >>"$S/calls"
sed -n 's|.*/pachctl_\(.*\)_amd64.deb$|\1|p' "$2" >"$S/client"
EOT
# Commands run with a clean environment: the stand-ins name their state
# directory themselves.
for f in "$TMP/bin/"*; do
	sed "s|\$S|$S|g" "$f" >"$f.tmp" && mv "$f.tmp" "$f" && chmod +x "$f"
done
PATH="$TMP/bin:$PATH"; export PATH

world() {
	rm -rf "$S"/* "$TMP/state" "$TMP/backups"/*
	echo 1.8.0 >"$S/client"; echo 1.8.0 >"$S/pachd"; touch "$S/deployed"
}
ARGS='google my-bucket 10 --dynamic-etcd-nodes=1'
# upgrade ANSWERS...: stepup run to 1.9.0 with deploy arguments holding a
# shell pattern (refused), then the right ones, and the backup folder;
# then ANSWERS one a line.
upgrade() {
	printf '%s\n' "$ARGS --x=*; rm -rf /" "$ARGS" "$TMP/backups" "$@" |
		"$STEPUP" run --plain --state-dir "$TMP/state" --to 1.9.0 "$RB" >"$TMP/out" 2>&1
	status=$?
}

world
upgrade ack "tick paused" "yes, upgrade to 1.9.0" "tick restarted"
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" "== plan: 1.8.0 -> 1.9.0, 1 hop"
expect_grep "$TMP/out" "! deploy_args must match the pattern [A-Za-z0-9_./:=@,+ -]+"
expect_grep "$TMP/out" "  | - notes of 1.9.0"
expect_grep "$TMP/out" "= done: Pachyderm upgraded"
[ "$(cat "$S/pachd")" = 1.9.0 ] || fail "pachd is $(cat "$S/pachd")"
printf '[google]\n[my-bucket]\n[10]\n[--dynamic-etcd-nodes=1]\n' |
	cmp -s - "$S/deploy-args" || fail "deploy arguments: $(cat "$S/deploy-args")"
grep -E '^(pachctl (undeploy|deploy|extract)|curl https://github|dpkg)' "$S/calls" |
	sed "s|/tmp/[^ ]*|<FILE>|g" >"$TMP/calls"
cat >"$TMP/want" <<EOT
pachctl extract
pachctl undeploy
curl https://github.com/pachyderm/pachyderm/releases/download/v1.9.0/pachctl_1.9.0_amd64.deb
dpkg -i <FILE>
pachctl deploy $ARGS
EOT
diff -u "$TMP/want" "$TMP/calls" >"$TMP/diff" || fail "the commands run: $(cat "$TMP/diff")"
grep -q "extracted state of pachd 1.8.0" "$TMP/backups/pachyderm-1.8.0-1.backup" ||
	fail "no extract in the backup folder"
grep -q "my-bucket" "$TMP/out" && fail "the secret deploy arguments were shown"
grep -rq "my-bucket" "$TMP/state" && fail "the secret deploy arguments were journaled"

# The redeploy fails: the rollback undeploys what is left, puts pachctl
# 1.8.0 back and redeploys 1.8.0 with the same arguments.
world
touch "$S/deploy-fails"
printf 'images 2 days ago 1.2GiB\n' >"$S/repos"
upgrade ack "tick paused" "yes, upgrade to 1.9.0" rollback "yes, roll back to 1.8.0"
expect_grep "$TMP/out" "  | Error from server (Forbidden): pods is forbidden"
expect_grep "$TMP/out" "== rollback: run 2"
[ "$status" = 1 ] || fail "the rolled-back upgrade exited $status, want 1: $(tail -30 "$TMP/out")"
expect_grep "$TMP/out" "= done: Pachyderm rolled back, run 2"
expect_grep "$TMP/out" "  | pachd lists 1 repo(s): its metadata is there, nothing to restore"
[ -e "$S/restored" ] && fail "the extract was restored over metadata that was there"
[ "$(cat "$S/client")" = 1.8.0 ] || fail "pachctl is $(cat "$S/client") after the rollback"
[ "$(cat "$S/pachd")" = 1.8.0 ] && [ -e "$S/deployed" ] || fail "pachd 1.8.0 is not deployed again"
printf '[google]\n[my-bucket]\n[10]\n[--dynamic-etcd-nodes=1]\n' |
	cmp -s - "$S/deploy-args" || fail "redeployed with: $(cat "$S/deploy-args")"

# Lost metadata: the rollback restores the extract.
world
touch "$S/deploy-fails"
upgrade ack "tick paused" "yes, upgrade to 1.9.0" rollback "yes, roll back to 1.8.0"
expect_grep "$TMP/out" "  | pachd lists no repo: restoring the extract"
grep -q "extracted state of pachd 1.8.0" "$S/restored" 2>/dev/null || fail "the extract was not restored"
finish
