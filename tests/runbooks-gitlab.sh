#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-gitlab.sh: the GitLab runbook against stand-ins for dpkg-query
# and apt-cache: the plan goes through the required upgrade stops, each
# the newest release of its line, and through a conditional one only when
# the answer says the instance needs it (stepup plan wants that answer);
# a dry run asks the questions before the plan and shows the 17.0 step
# only on the hop that crosses 17.0.
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/gitlab.yaml"
S="$TMP/stub"
mkdir -p "$TMP/bin" "$S"
unset TERM
echo 16.0.10-ee.0 >"$S/installed"
# (a probe's environment is only PATH, HOME and a few more: the stubs
# carry their directory)
cat >"$TMP/bin/dpkg-query" <<EOT
#!/bin/sh
cat "$S/installed"
EOT
cat >"$TMP/bin/apt-cache" <<'EOT'
#!/bin/sh
for v in 17.11.7 17.11.1 17.8.7 17.5.5 17.3.7 17.1.8 17.0.0 16.11.10 \
    16.10.5 16.7.10 16.3.9 16.2.11 16.1.8 16.0.10; do
	echo " $2 | $v-ee.0 | https://packages.gitlab.com/gitlab/gitlab-ee/ubuntu jammy/main amd64 Packages"
done
EOT
chmod +x "$TMP/bin/dpkg-query" "$TMP/bin/apt-cache"
PATH="$TMP/bin:$PATH"; export PATH
no="--var multiple_web_nodes=no --var lots_of_users=no --var large_pipeline_variables=no --var large_pipeline_messages=no"

# shellcheck disable=SC2086
expect_status 0 "$STEPUP" plan "$RB" $no --var npm_packages=no
expect_grep "$TMP/out" "GitLab: 16.0.10 -> 17.11.7 in 7 hops."
expect_grep "$TMP/out" "  1. 16.0.10 -> 16.3.9  (minor)"
expect_grep "$TMP/out" "     16.3.9: a required stop (16.3.x: the newest 16.3 release)"
expect_grep "$TMP/out" "  3. 16.7.10 -> 16.11.10  (minor)"
expect_grep "$TMP/out" "  4. 16.11.10 -> 17.3.7  (major)"
expect_grep "$TMP/out" "     steps: migrations, grafana, install, version"
expect_grep "$TMP/out" "  5. 17.3.7 -> 17.5.5  (minor)"
expect_grep "$TMP/out" "     steps: migrations, install, version"
expect_grep "$TMP/out" "  7. 17.8.7 -> 17.11.7  (minor)"

# A conditional stop, taken when the answer says so, and why.
# shellcheck disable=SC2086
expect_status 0 "$STEPUP" plan "$RB" $no --var npm_packages=yes --to 16.3.9
expect_grep "$TMP/out" "  1. 16.0.10 -> 16.1.8  (minor)"
expect_grep "$TMP/out" "     16.1.8: a required stop (16.1.x: the newest 16.1 release), taken since npm_packages is yes: required only for instances with NPM packages in their package registry"
expect_grep "$TMP/out" "  2. 16.1.8 -> 16.3.9  (minor)"

# Without the answer, stepup plan does not guess.
expect_status 2 "$STEPUP" plan "$RB"
expect_grep "$TMP/err" "give --var multiple_web_nodes=VALUE"

# A dry run: the questions come before the plan.
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
printf '%s\n' "" no no yes no no |
	"$STEPUP" run --plain --dry-run --to 17.3.7 "$RB" >"$TMP/dry" 2>"$TMP/dry.err" ||
	fail "the dry run failed: $(tail -5 "$TMP/dry") $(cat "$TMP/dry.err")"
expect_grep "$TMP/dry" "? var large_pipeline_variables: Does this instance have a large pipeline variables history? [yes, no]"
expect_grep "$TMP/dry" "== plan: 16.0.10 -> 17.3.7, 5 hops"
expect_grep "$TMP/dry" "==   hop 1: 16.0.10 -> 16.2.11 (minor): 16.2.11: a required stop (16.2.x: the newest 16.2 release), taken since large_pipeline_variables is yes: required only for instances with large pipeline variables history"
expect_grep "$TMP/dry" "manual: Remove the bundled Grafana settings from gitlab.rb"
expect_grep "$TMP/dry" "= dry run: nothing was executed"
# What wants root runs as root (user: root), not through a sudo pasted in.
expect_grep "$TMP/dry" "  command: gitlab-backup create BACKUP=\"stepup-\$STEPUP_RUN_ID\" &&"
expect_grep "$TMP/dry" "  as user: root"
# The background migrations are waited for, asked again every minute.
expect_grep "$TMP/dry" "  until it passes: every 60 s, for at most 43200 s (then it fails)"
grep -q 'command: sudo ' "$TMP/dry" && fail "a command still pastes sudo: $(grep -n 'command: sudo' "$TMP/dry")"
[ "$(grep -c '^\[.*manual: Remove the bundled Grafana' "$TMP/dry")" = 1 ] ||
	fail "the Grafana step is not on the 17.0 hop alone: $(grep -n 'Grafana\|hop' "$TMP/dry")"
finish
