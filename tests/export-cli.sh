#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# export-cli.sh: stepup export of a planned checklist: the same bytes as
# the golden files, probing the installed version, -o, the refusals and
# usage errors with their exit statuses, and no secret in the output.
. "$top_srcdir/tests/lib.sh"

unset FILESTORE_ROOT FILESTORE_TOKEN SOURCE_DATE_EPOCH
cd "$top_srcdir" || exit 1
rbk=tests/data/export/filestore.yaml
# The checklist names the documents to read by absolute path: the golden
# files hold them without the directory the copy is in (a short one, so
# that the text wraps the same wherever the tree is).
mkdir -p "$TMP/g/tests/data/export"
cp -R tests/data/export/filestore.yaml tests/data/export/notes \
    "$TMP/g/tests/data/export/"
for f in txt md html; do
	(cd "$TMP/g" && expect_status 0 "$STEPUP" export "$rbk" --from 1.0.0 \
	    --format "$f" --date 2026-11-22 --host head-1
	exit $fails) || fail "export --format $f: $(cat "$TMP/err")"
	sed "s|$TMP/g/||g" "$TMP/out" >"$TMP/out.rel"
	cmp -s "$TMP/out.rel" "tests/data/export/checklist.$f" ||
	    fail "export --format $f differs from checklist.$f: $(diff "$TMP/out.rel" "tests/data/export/checklist.$f" | head -5)"
done

# The installed version is probed with the runbook's vars set; the
# secret's value never appears.
mkdir "$TMP/root"
echo 1.1.0 >"$TMP/root/VERSION"
FILESTORE_ROOT=$TMP/root FILESTORE_TOKEN=s3cret-value \
    expect_status 0 "$STEPUP" export "$rbk" --format md -o "$TMP/c.md"
expect_grep "$TMP/err" "stepup: checklist written to $TMP/c.md"
expect_grep "$TMP/c.md" "# Upgrade checklist: Filestore 1.1.0 → 2.0.0"
expect_grep "$TMP/c.md" "export root=$TMP/root"
expect_grep "$TMP/c.md" "# token: secret, asked at run time (never printed)"
grep -q s3cret "$TMP/c.md" && fail "the secret's value is in the checklist"
[ -s "$TMP/out" ] && fail "-o also wrote to stdout"

# $SOURCE_DATE_EPOCH gives the date.
SOURCE_DATE_EPOCH=0 expect_status 0 "$STEPUP" export "$rbk" --from 1.0.0
expect_grep "$TMP/out" "Date:     1970-01-01 00:00 UTC"

# A probe that fails says which and how, and what to do.
FILESTORE_ROOT=$TMP/nowhere expect_status 1 "$STEPUP" export "$rbk"
expect_grep "$TMP/err" "filestore.yaml:9:25: the versions.installed command exited with status 1: cat: "
expect_grep "$TMP/err" "No such file or directory; give the installed version with --from"

# Nothing to do; no allowed path; usage errors.
expect_status 0 "$STEPUP" export "$rbk" --from 2.0.0
expect_grep "$TMP/err" "stepup: Filestore 2.0.0 is installed: nothing to upgrade"
expect_status 0 "$STEPUP" export "$rbk" --from 3.0.0
expect_grep "$TMP/err" "stepup: Filestore 3.0.0 is installed: nothing to upgrade"
expect_status 2 "$STEPUP" export "$rbk" --from 0.9
expect_grep "$TMP/err" "stepup: The installed version '0.9' is not a valid semver version"
expect_status 3 "$STEPUP" export "$rbk" --from 2.0.0 --to 1.0.0
expect_grep "$TMP/err" "stepup: no allowed path from 2.0.0 to 1.0.0"
expect_status 2 "$STEPUP" export "$rbk" --from 1.0.0 --format pdf
expect_grep "$TMP/err" "stepup: unknown format 'pdf': use txt, md or html"
expect_status 2 "$STEPUP" export
expect_grep "$TMP/err" "stepup: no runbook (or --run ID) to export"
expect_status 2 "$STEPUP" export --run 3 --from 1.0.0
expect_grep "$TMP/err" "a run's report takes only --run"
expect_status 2 "$STEPUP" export --run x
expect_grep "$TMP/err" "--run wants a run id (a number), not 'x'"
expect_status 2 "$STEPUP" export --state-dir "$TMP/state" --run 42
expect_grep "$TMP/err" "stepup: there is no run 42: the journal $TMP/state/journal.db does not exist yet"
expect_status 2 "$STEPUP" export "$TMP/missing.yaml"
expect_status 1 "$STEPUP" export "$rbk" --from 1.0.0 -o "$TMP/no/such/dir/x.txt"
expect_grep "$TMP/err" "stepup: cannot write the export: $TMP/no/such/dir/x.txt"

# A policy that depends on an answer: --var gives it, the header names
# the conditional policy that applied; an asked one is not guessed.
W=tests/data/plan/conditional-rules.yaml
expect_status 2 "$STEPUP" export "$W" --from 22.05.8
expect_grep "$TMP/err" "stepup: the policy depends on the answer of ha (Is the database run in high availability?): give --var ha=VALUE"
expect_status 0 "$STEPUP" export "$W" --from 22.05.8 --var ha=yes
expect_grep "$TMP/out" "Conditional policy:  skip-series: 0, since ha is yes"
expect_grep "$TMP/out" "                     redeploy-at: 24.05.8, since ha is yes"
expect_grep "$TMP/out" "Hop 3 of 4: 23.11.10 → 24.05.8 (redeploy)"
expect_status 0 "$STEPUP" export "$W" --from 22.05.8 --var ha=no
grep -q "Conditional policy" "$TMP/out" && fail "no condition held, yet: $(head -12 "$TMP/out")"
expect_grep "$TMP/out" "Path:     22.05.8 → 23.11.10 (major) → 24.11.1 (major)"
expect_status 2 "$STEPUP" export "$W" --from 22.05.8 --var ha
expect_grep "$TMP/err" "stepup: --var takes NAME=VALUE, not 'ha'"
expect_status 2 "$STEPUP" export --run 3 --var ha=yes
expect_grep "$TMP/err" "a run's report takes only --run"
finish
