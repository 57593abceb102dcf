# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-journal-late.sh: on a host's first run the wizard draws its first
# frame before it creates the journal (which syncs the disk), and a
# journal that cannot be created then still ends the wizard with the
# reason, the terminal restored and status 1.
. "$top_srcdir/tests/tui-lib.sh"
command -v script >/dev/null 2>&1 || { echo "script(1) is not installed: skipped"; exit 77; }

# A first run: the plan is drawn, and the journal is there by the time
# the plan has been worked out.
tui_world
tui_start a "$TUI_RUN"
tui_wait a "Enter: answer the runbook" || finish
[ -f "$TMP/state/journal.db" ] || fail "no journal after the first frame"
tui_keys a q
tui_wait a "[exit 1]"

# The journal's place is a link into nowhere: creating it is refused
# after the first frame (stepup follows no link in its state directory).
# script(1) keeps what the terminal was sent.
tui_world
ln -s "$TMP/nowhere/journal.db" "$TMP/state/journal.db"
tui_start b "script -qec '$TUI_RUN' $TMP/raw"
tui_wait b "[exit 1]" || finish
tui_wait b "stepup: cannot open the journal $TMP/state/journal.db"
grep -q "Upgrade plan" "$TMP/raw" ||
	fail "the first frame was not drawn before the journal was created"
# The message comes after the wizard has left the screen.
p=$(grep -abo "Upgrade plan" "$TMP/raw" | head -n 1 | cut -d: -f1)
m=$(grep -abo "cannot open the journal" "$TMP/raw" | head -n 1 | cut -d: -f1)
[ -n "$p" ] && [ -n "$m" ] && [ "$p" -lt "$m" ] ||
	fail "the message ($m) is not after the first frame ($p)"
tui_capture b | grep -q "Upgrade plan" && fail "the wizard's screen was left behind"
finish
