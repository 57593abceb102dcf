#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-qhub.sh: the QHub runbook's own commands, run for real by
# stepup in plain mode on a real qhub-config.yaml in a git repository,
# against stand-ins for qhub, kubectl, curl and pip: the old cluster moves
# to the old domain, qhub upgrade runs on the original configuration, the
# project is renamed, the new cluster cannot deploy until the operator
# lifts prevent_deploy, then deploys on the original domain, and the
# render is committed; the JupyterHub database is copied first.
. "$top_srcdir/tests/lib.sh"

command -v git >/dev/null 2>&1 || { echo "git missing: skipped"; exit 77; }
RB="$top_srcdir/runbooks/qhub.yaml"
S="$TMP/stub" C="$TMP/repo"
mkdir -p "$TMP/bin" "$S" "$C" "$TMP/backups"
unset TERM

cat >"$TMP/bin/qhub" <<'EOT'
#!/bin/sh
cfg=$3
echo "qhub $1 $(sed -n 's/^project_name: //p' "$cfg") $(sed -n 's/^domain: //p' "$cfg") $(cat "$S/qhub-version")" >>"$S/calls"
case $1 in
deploy) if grep -q '^prevent_deploy: true' "$cfg"; then echo "deployment prevented by prevent_deploy"; exit 1; fi ;;
upgrade) cp "$cfg" "$cfg.old.backup"; echo '{"users": []}' >qhub-users-import.json
	sed -i "s/^qhub_version: .*/qhub_version: $(cat "$S/qhub-version")/" "$cfg"
	echo "prevent_deploy: true" >>"$cfg" ;;
render) mkdir -p .github/workflows; echo "on: push" >.github/workflows/qhub-ops.yaml ;;
esac
EOT
cat >"$TMP/bin/python" <<'EOT'
#!/bin/sh
echo "python $*" >>"$S/calls"
for a in "$@"; do case $a in qhub==*) echo "${a#qhub==}" >"$S/qhub-version" ;; esac; done
EOT
cat >"$TMP/bin/kubectl" <<'EOT'
#!/bin/sh
echo "kubectl $*" >>"$S/calls"
case "$*" in
*"-o name"*) echo "pod/hub-765c9488d6-8z4nj" ;;
*"get pods"*) echo "hub-765c9488d6-8z4nj 1/1 Running" ;;
*exec*) printf 'SQLite format 3\000hub database' ;;
esac
EOT
printf '#!/bin/sh\necho "curl $*" >>"%s/calls"\necho "{\\"version\\": \\"1.5.0\\"}"\n' "$S" >"$TMP/bin/curl"
for f in "$TMP/bin/"*; do
	sed "s|\$S|$S|g" "$f" >"$f.tmp" && mv "$f.tmp" "$f" && chmod +x "$f"
done
PATH="$TMP/bin:$PATH"; export PATH
echo 0.3.14 >"$S/qhub-version"
cat >"$C/qhub-config.yaml" <<'EOT'
project_name: myqhub
provider: aws
domain: qhub.example.org
qhub_version: 0.3.14
EOT
git -C "$C" init -q && git -C "$C" add . &&
	git -C "$C" -c user.name=t -c user.email=t@example.org commit -qm "0.3.14" || fail "git"
GIT_AUTHOR_NAME=ops; GIT_AUTHOR_EMAIL=ops@example.org
GIT_COMMITTER_NAME=ops; GIT_COMMITTER_EMAIL=ops@example.org
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

run() {
	printf '%s\n' "$@" | "$STEPUP" run --plain --state-dir "$TMP/state" --from 0.3.14 "$RB" >"$TMP/out" 2>&1
	status=$?
}

# Up to the safeguard: the run waits for the operator to lift it.
run "$C" "$TMP/bin/python" "" qhub.example.org qhub-old.example.org myqhubnew "" yes "$TMP/backups" \
	"tick read" "yes, redeploy QHub 0.4.0" "tick nfs tar in s3://b/2026-01-01.tar" run \
	run run run run run run "skip later"
expect_grep "$TMP/out" "? 18 manual: tick it off when done [tick [NOTE], shell, quit]"
grep -q "^= 18 passed" "$TMP/out" && fail "the safeguard was lifted without the operator"
[ "$(head -c 15 "$TMP/backups/jupyterhub-0.3.14-1.sqlite")" = "SQLite format 3" ] ||
	fail "no copy of the JupyterHub database"
expect_grep "$C/qhub-config.yaml.old.backup" "domain: qhub.example.org"
expect_grep "$C/qhub-config.yaml" "project_name: myqhubnew"
expect_grep "$C/qhub-config.yaml" "domain: qhub.example.org"
expect_grep "$C/qhub-config.yaml" "prevent_deploy: true"
# Ticked without lifting it: the check after it says so, nothing deploys.
run resume "tick done"
expect_grep "$TMP/out" "! 19 failed: exit 1"
grep -c '^qhub deploy' "$S/calls" | grep -qx 1 || fail "the new cluster deployed with the safeguard on"
sed -i '/^prevent_deploy:/d' "$C/qhub-config.yaml"

# The operator lifted it: the new cluster deploys, the render is committed.
run resume retry run run run "skip not pushed yet" "tick" "tick" "tick" "tick" "tick" "skip keep it"
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -30 "$TMP/out")"
grep '^qhub' "$S/calls" >"$TMP/calls"
cat >"$TMP/want" <<'EOT'
qhub deploy myqhub qhub-old.example.org 0.3.14
qhub upgrade myqhub qhub.example.org 0.4.0
qhub deploy myqhubnew qhub.example.org 0.4.0
qhub render myqhubnew qhub.example.org 0.4.0
EOT
diff -u "$TMP/want" "$TMP/calls" >"$TMP/diff" || fail "qhub ran: $(cat "$TMP/diff")"
[ "$(git -C "$C" log -1 --format=%s)" = "First render of 0.4.0" ] || fail "no render commit"
git -C "$C" show --stat HEAD | grep -q '.github/workflows/qhub-ops.yaml' || fail "the workflow files are not committed"
expect_grep "$TMP/out" "= done: QHub upgraded"
finish
