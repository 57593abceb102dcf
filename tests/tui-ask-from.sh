# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-ask-from.sh: a runbook that asks for the installed version: the
# question comes first, the plan follows from the answer, and an answer
# that is no version is refused on the plan screen with the reason.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
mkdir -p "$TMP/rb"
cp -R "$top_srcdir/tests/data/tui/notes" "$TMP/rb/"
sed 's|^  installed: .*|  installed: {ask: Which version is installed?}|' \
    "$top_srcdir/tests/data/tui/upgrade.yaml" >"$TMP/rb/ask.yaml"
grep -q "installed: {ask:" "$TMP/rb/ask.yaml" || { fail "sed did not apply"; finish; }
run="STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $TMP/rb/ask.yaml"

tui_start a "$run"
tui_wait a "Which version is installed?" || finish
tui_text a "1.1.0"
tui_keys a Enter
tui_wait a "Installed  1.1.0" || finish
tui_wait a "hop 1  1.1.0 → 2.0.0  (major)"
tui_keys a q
tui_wait a "[exit 1]"

tui_start b "$run"
tui_wait b "Which version is installed?" || finish
tui_text b "0.5"
tui_keys b Enter
tui_wait b "Refused by the runbook's policy (rule: invalid-version)" || finish
tui_wait b "The installed version '0.5' is not a valid semver version"
tui_keys b q
tui_wait b "[exit 3]"
finish
