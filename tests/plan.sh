#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plan.sh: stepup plan on fixture runbooks: the Backend.AI guide's allowed
# and forbidden paths, text and --json, refusals and their exit statuses,
# probe commands that work, fail or print garbage, and invalid runbooks.
. "$top_srcdir/tests/lib.sh"

D="$top_srcdir/tests/data/plan"
B="$D/backendai.yaml"

# The guide's allowed paths, exactly.
expect_status 0 "$STEPUP" plan "$B" --from 23.09.10 --to 24.03.0
expect_grep "$TMP/out" "Backend.AI: 23.09.10 -> 24.03.0 in 1 hop."
expect_grep "$TMP/out" "  1. 23.09.10 -> 24.03.0  (major)"
expect_grep "$TMP/out" "     steps: stop-manager, manager, schema, revisions"
expect_status 0 "$STEPUP" plan "$B" --from 23.09.10
expect_grep "$TMP/out" "Backend.AI: 23.09.10 -> 24.03.5 in 1 hop."
expect_grep "$TMP/out" "target 24.03.5 (the newest of 29 available releases)"
expect_status 0 "$STEPUP" plan "$B" --from 23.09.9 --to 24.03.0
expect_grep "$TMP/out" "  1. 23.09.9 -> 23.09.10  (minor)"
expect_grep "$TMP/out" "     23.09.10: a series is left only from its latest release"
expect_grep "$TMP/out" "     steps: stop-manager, manager, schema"
expect_grep "$TMP/out" "  2. 23.09.10 -> 24.03.0  (major)"
expect_status 0 "$STEPUP" plan "$B" --from 23.03.11 --to 24.03.0
expect_grep "$TMP/out" "Backend.AI: 23.03.11 -> 24.03.0 in 12 hops."
expect_grep "$TMP/out" "  1. 23.03.11 -> 23.09.0  (major)"
expect_grep "$TMP/out" "     23.09.0: a series on the way is entered at its first release"
expect_grep "$TMP/out" "  2. 23.09.0 -> 23.09.1  (minor)"
expect_grep "$TMP/out" "     23.09.5: within a series every release is installed in turn"
expect_grep "$TMP/out" " 12. 23.09.10 -> 24.03.0  (major)"
[ "$(grep -c -- ' -> ' "$TMP/out")" = 13 ] || fail "12 hops and a title: $(cat "$TMP/out")"

# The guide's forbidden hops: --direct refuses with the rule and the path.
expect_status 3 "$STEPUP" plan "$B" --from 23.09.9 --to 24.03.0 --direct
expect_grep "$TMP/out" "Backend.AI: 23.09.9 -> 24.03.0 refused by the runbook's policy (leave-series):"
expect_grep "$TMP/out" "release, 23.09.10 (leave-series: from-latest). The allowed path takes 2"
expect_grep "$TMP/out" "The allowed path instead:"
expect_status 3 "$STEPUP" plan "$B" --from 23.03.0 --to 24.03.0 --direct
expect_grep "$TMP/out" "refused by the runbook's policy (skip-series):"
expect_grep "$TMP/out" "23.09 series, and no series may be skipped (skip-series: false); and"
expect_status 0 "$STEPUP" plan "$B" --from 23.09.10 --to 24.03.5 --direct
expect_grep "$TMP/out" "Backend.AI: 23.09.10 -> 24.03.5 is allowed as one hop."

# --json: one stable object.
expect_status 0 "$STEPUP" plan "$B" --from 23.09.9 --to 24.03.0 --json
expect_grep "$TMP/out" '"result": "planned",'
expect_grep "$TMP/out" '  "format": 1,'
expect_grep "$TMP/out" '{"from": "23.09.9", "to": "23.09.10", "kind": "minor", "redeploy": false, "reason": "23.09.10: a series is left only from its latest release", "steps": ["stop-manager", "manager", "schema"]},'
expect_grep "$TMP/out" '{"from": "23.09.10", "to": "24.03.0", "kind": "major", "redeploy": false, "reason": null, "steps": ["stop-manager", "manager", "schema", "revisions"]}'
expect_grep "$TMP/out" '"refusal": null'
expect_status 3 "$STEPUP" plan "$B" --from 23.09.9 --to 24.03.0 --direct --json
expect_grep "$TMP/out" '"result": "refused",'
expect_grep "$TMP/out" '"hops": [],'
expect_grep "$TMP/out" '"rule": "leave-series",'
expect_grep "$TMP/out" '"nearest": [],'
expect_grep "$TMP/out" '      {"from": "23.09.9", "to": "23.09.10", "kind": "minor"'
if command -v python3 >/dev/null 2>&1; then
	python3 -m json.tool "$TMP/out" >/dev/null || fail "--json is not JSON: $(cat "$TMP/out")"
fi
expect_status 0 "$STEPUP" plan "$B" --from 24.03.5 --json
expect_grep "$TMP/out" '"result": "nothing-to-do",'

# Refusals and nothing to do.
expect_status 0 "$STEPUP" plan "$B" --from 24.03.5
expect_grep "$TMP/out" "Backend.AI: 24.03.5 is installed (given with --from) and is the target (the newest of 29 available releases): nothing to do."
# Installed newer than anything available: nothing to do, not a downgrade.
expect_status 0 "$STEPUP" plan "$B" --from 24.09.0
expect_grep "$TMP/out" "Backend.AI: 24.09.0 is installed (given with --from) and is the target (nothing newer is available: the newest release is 24.03.5): nothing to do."
expect_status 3 "$STEPUP" plan "$B" --from 24.09.0 --to 24.03.5
expect_grep "$TMP/out" "(downgrade):"
expect_status 3 "$STEPUP" plan "$B" --from 24.03.1 --to 23.09.10
expect_grep "$TMP/out" "(downgrade):"
expect_grep "$TMP/out" "24.03.1 -> 23.09.10 is a downgrade: 23.09.10 is older than 24.03.1."
expect_status 3 "$STEPUP" plan "$B" --from 23.09.10 --to 23.09.11
expect_grep "$TMP/out" "(not-in-catalog):"
expect_grep "$TMP/out" "the nearest are 23.09.10 and 24.03.0."
expect_status 3 "$STEPUP" plan "$B" --from 23.09.10 --to 23.09.11 --json
expect_grep "$TMP/out" '"nearest": ["23.09.10", "24.03.0"],'

# One minor at a time counts version numbers: a gap in the catalog is a
# refusal naming what is missing, with or without --direct.
G="$D/minor-gap.yaml"
expect_status 3 "$STEPUP" plan "$G" --from 1.18.0 --to 1.26.5
expect_grep "$TMP/out" "Gap: 1.18.0 -> 1.26.5 refused by the runbook's policy (one-minor-at-a-time):"
expect_grep "$TMP/out" "No upgrade path leads from 1.18.0 to 1.26.5: 1.18.5 -> 1.26.0 skips 1.19,"
expect_grep "$TMP/out" "  1.20, 1.21, 1.22, 1.23, 1.24 and 1.25, and minor versions are upgraded one"
expect_grep "$TMP/out" "  at a time (one-minor-at-a-time); none of them is in the catalog of"
expect_status 3 "$STEPUP" plan "$G" --from 1.18.5 --to 1.26.0 --direct
expect_grep "$TMP/out" "(one-minor-at-a-time):"
expect_status 3 "$STEPUP" plan "$G" --from 1.26.0 --to 1.29.2 --direct --json
expect_grep "$TMP/out" 'skips 1.27 and 1.28, and minor versions are upgraded one at a time (one-minor-at-a-time); 1.27 is not in the catalog'
expect_grep "$TMP/out" '"nearest": ["1.26.5"],'

# Conditional stops: taken when an answer says so; stepup plan needs it.
C="$D/conditional.yaml"
expect_status 2 "$STEPUP" plan "$C" --from 16.0.0
expect_grep "$TMP/err" "stepup: the policy depends on the answer of big_db (Is the CI database over 100 GB?): give --var big_db=VALUE"
expect_status 0 "$STEPUP" plan "$C" --from 16.0.0 --var big_db=yes
expect_grep "$TMP/out" "Cond: 16.0.0 -> 17.0.0 in 3 hops."
expect_grep "$TMP/out" "     16.3.9: a required stop (16.3.x: the newest 16.3 release), taken since big_db is yes: a long batched migration"
expect_grep "$TMP/out" "     steps: up, reindex"
expect_status 0 "$STEPUP" plan "$C" --from 16.0.0 --var big_db=no
expect_grep "$TMP/out" "Cond: 16.0.0 -> 17.0.0 in 2 hops."
expect_grep "$TMP/out" "  1. 16.0.0 -> 16.11.2  (minor)"
# hop steps chosen by the hop's target release and by an answer
expect_grep "$TMP/out" "     steps: up, bg"
expect_status 0 "$STEPUP" plan "$C" --from 16.0.0 --var big_db=no --json
expect_grep "$TMP/out" '"steps": ["up", "bg"]}'
expect_status 0 "$STEPUP" plan "$C" --from 16.0.0 --to 16.3.9 --var big_db=yes
expect_grep "$TMP/out" "     steps: up, reindex"
expect_status 2 "$STEPUP" plan "$C" --from 16.0.0 --var big_db

# Conditional scalar rules: skip-series narrowed by an answer, a redeploy
# boundary only then; the plan names what applied and why.
W="$D/conditional-rules.yaml"
expect_status 2 "$STEPUP" plan "$W" --from 22.05.8
expect_grep "$TMP/err" "stepup: the policy depends on the answer of ha"
expect_status 0 "$STEPUP" plan "$W" --from 22.05.8 --var ha=yes
expect_grep "$TMP/out" "Window: 22.05.8 -> 24.11.1 in 4 hops."
expect_grep "$TMP/out" "Conditional policy:"
expect_grep "$TMP/out" "  skip-series: 0, since ha is yes"
expect_grep "$TMP/out" "  redeploy-at: 24.05.8, since ha is yes"
expect_grep "$TMP/out" "     23.02.7: no series is skipped, since ha is yes"
expect_grep "$TMP/out" "  3. 23.11.10 -> 24.05.8  (redeploy)"
expect_status 0 "$STEPUP" plan "$W" --from 22.05.8 --var ha=no
expect_grep "$TMP/out" "Window: 22.05.8 -> 24.11.1 in 2 hops."
grep -q "Conditional policy" "$TMP/out" && fail "no condition held, yet: $(cat "$TMP/out")"
expect_status 3 "$STEPUP" plan "$W" --from 22.05.8 --direct --var ha=yes
expect_grep "$TMP/out" "  23.02, 23.11 and 24.05 series, and no series may be skipped (skip-series:"
expect_grep "$TMP/out" "  0), since ha is yes. The allowed path takes 4 hops: 22.05.8 -> 23.02.7 ->"
expect_status 0 "$STEPUP" plan "$W" --from 22.05.8 --var ha=yes --json
expect_grep "$TMP/out" '    {"rule": "skip-series", "value": "0", "since": "ha is yes"},'
expect_grep "$TMP/out" '    {"rule": "redeploy-at", "value": "24.05.8", "since": "ha is yes"}'
if command -v python3 >/dev/null 2>&1; then
	python3 -m json.tool "$TMP/out" >/dev/null || fail "--json is not JSON: $(cat "$TMP/out")"
fi
expect_status 0 "$STEPUP" plan "$W" --from 22.05.8 --var ha=no --json
expect_grep "$TMP/out" '  "conditions": [],'

# Pachyderm: probes for both versions, a redeploy hop with its own steps,
# and a boundary with no way across.
P="$D/pachyderm.yaml"
expect_status 0 "$STEPUP" plan "$P" --to 1.13.0
expect_grep "$TMP/out" "Installed 1.7.14 (reported by versions.installed.command)"
expect_grep "$TMP/out" "  1. 1.7.14 -> 1.13.0  (redeploy)"
expect_grep "$TMP/out" "     steps: new-cluster, migrate"
expect_status 3 "$STEPUP" plan "$P"
expect_grep "$TMP/out" "Pachyderm: 1.7.14 -> 2.1.0 refused by the runbook's policy (no-upgrade-across):"
expect_grep "$TMP/out" "  No upgrade path leads from 1.7.14 to 2.1.0: 2.0.0 cannot be reached in"
expect_grep "$TMP/out" "  place or by a redeploy from 1.x: no documented path leads from below 2.0.0"
expect_grep "$TMP/out" "The path to the nearest reachable version:"
expect_status 3 "$STEPUP" plan "$P" --direct
expect_grep "$TMP/out" "  No other path leads there either (no-upgrade-across); the nearest version"
expect_grep "$TMP/out" "The path to the nearest reachable version:"
expect_status 3 "$STEPUP" plan "$P" --json
expect_grep "$TMP/out" '"nearest": ["1.13.0"],'
expect_grep "$TMP/out" '{"from": "1.7.14", "to": "1.13.0", "kind": "redeploy", "redeploy": true, "reason": null, "steps": ["new-cluster", "migrate"]}'
PACH_TEST_INSTALLED=2.0.0 expect_status 0 "$STEPUP" plan "$P"
expect_grep "$TMP/out" "  1. 2.0.0 -> 2.1.0  (minor)"
expect_grep "$TMP/out" "     steps: extract, undeploy"

# Probes that fail or print garbage: exit 1, saying which and where.
R="$D/badprobe.yaml"
expect_status 0 "$STEPUP" plan "$R"
expect_grep "$TMP/out" "Probed: 1.0 -> 1.2 in 1 hop."
PROBE_FAIL=1 expect_status 1 "$STEPUP" plan "$R"
expect_grep "$TMP/err" "badprobe.yaml:7:15: the versions.installed command exited with status 7: cannot reach the cluster"
PROBE_EXTRA=x.y expect_status 1 "$STEPUP" plan "$R"
expect_grep "$TMP/err" "badprobe.yaml:8:25: the versions.available command printed no usable catalog: 'x.y' is not a valid loose version: it does not start with a number"
PROBE_FAIL=1 expect_status 0 "$STEPUP" plan "$R" --from 1.1
expect_grep "$TMP/out" "Probed: 1.1 -> 1.2 in 1 hop."

# Pre-releases are in the catalog only when named by --from or --to.
X="$D/prerelease.yaml"
expect_status 0 "$STEPUP" plan "$X" --from 23.09.10
expect_grep "$TMP/out" "Prerelease: 23.09.10 -> 24.03.1 in 1 hop."
expect_grep "$TMP/out" "(the newest of 3 available releases)"
expect_status 0 "$STEPUP" plan "$X" --from 23.09.10 --to 24.03.0rc1
expect_grep "$TMP/out" "  1. 23.09.10 -> 24.03.0rc1  (major)"
expect_status 0 "$STEPUP" plan "$X" --from 24.03.0rc1
expect_grep "$TMP/out" "  1. 24.03.0rc1 -> 24.03.0  (patch)"
expect_grep "$TMP/out" "  2. 24.03.0 -> 24.03.1  (patch)"

# --json names the run's hosts (after --limit) and, per hop, the hosts of
# each step with `on` outside a roll, and how many at once.
H=$top_srcdir/tests/data/hosts/fanout.yaml
expect_status 0 "$STEPUP" plan "$H" --from 1.0.0 --limit node1,node3 --json
expect_grep "$TMP/out" '  "hosts": {"from": "hosts:", "limit": "node1,node3", "names": ["node1", "node3"]},'
expect_grep "$TMP/out" '"on": {"agent": {"hosts": ["node1", "node3"], "forks": 2}}'
expect_status 0 "$STEPUP" plan "$W" --from 22.05.8 --var ha=no --json
expect_grep "$TMP/out" '  "hosts": null,'
grep -q '"on":' "$TMP/out" && fail "a runbook without hosts has steps on hosts: $(cat "$TMP/out")"

# Usage and invalid runbooks: exit 2.
expect_status 2 "$STEPUP" plan "$B"
expect_grep "$TMP/err" "backendai.yaml asks for the installed version (\"Which version of Backend.AI is installed?\"): give it with --from VERSION"
expect_status 2 "$STEPUP" plan "$B" --from 23.09.9 --to latest
expect_grep "$TMP/err" "stepup: --to 'latest' is not a valid calver version: it does not start with a number"
expect_status 2 "$STEPUP" plan
expect_grep "$TMP/err" "stepup: missing RUNBOOK"
expect_status 2 "$STEPUP" plan "$B" "$P"
expect_status 2 "$STEPUP" plan "$B" --bogus
expect_status 2 "$STEPUP" plan "$D/badversions.yaml" --from 1.0.0
expect_grep "$TMP/err" "badversions.yaml:6:22: '1.1' is not a valid semver version: it has 2 numbers, not MAJOR.MINOR.PATCH"
expect_grep "$TMP/err" "badversions.yaml:8:27: warning: required stop '1.5.0' is not in the available list"
expect_grep "$TMP/err" "badversions.yaml:9:23: '2.0.x' is not a valid semver version: a dot is not followed by a number"
expect_status 2 "$STEPUP" plan "$D/no-such-runbook.yaml" --from 1.0.0
finish
