# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-export.sh: w on the plan and summary screens asks for the format,
# one key each (t text, m Markdown, h HTML), writes the checklist or the
# report next to the journal and says where; the file is what stepup
# export --format writes (the same bytes, with the same date). Esc writes
# nothing.
. "$top_srcdir/tests/tui-lib.sh"
rm -rf "$TMP/world" "$TMP/state"
mkdir -p "$TMP/world" "$TMP/state"
echo 1.0.0 >"$TMP/world/version"
RB=$top_srcdir/tests/data/tui/checks/gadget.yaml
SOURCE_DATE_EPOCH=1795000000; export SOURCE_DATE_EPOCH
STEPUP_TEST_WORLD=$TMP/world; export STEPUP_TEST_WORLD
STEPUP_STATE_DIR=$TMP/state; export STEPUP_STATE_DIR
EXPORTS=$TMP/state/exports

tui_start e "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $RB"
tui_wait e "Enter: begin the run" || finish
tui_keys e w
tui_wait e "In which format?" || finish
tui_expect e export-formats
tui_keys e m
tui_wait e "Checklist written to $EXPORTS/Gadget-1.0.0-2.0.0-checklist.md" || finish
tui_keys e w
tui_wait e "In which format?" || finish
tui_keys e h
tui_wait e "Checklist written to $EXPORTS/Gadget-1.0.0-2.0.0-checklist.html" || finish
tui_keys e w
tui_wait e "In which format?" || finish
tui_keys e Escape		# nothing written
tui_wait e "Enter: begin the run" || finish
for f in md html; do
	"$STEPUP" export "$RB" --from 1.0.0 --format $f >"$TMP/cli.$f" 2>"$TMP/err" ||
		fail "stepup export --format $f: $(cat "$TMP/err")"
	cmp -s "$TMP/cli.$f" "$EXPORTS/Gadget-1.0.0-2.0.0-checklist.$f" ||
		fail "the checklist in $f differs from stepup export's: $(diff "$TMP/cli.$f" "$EXPORTS/Gadget-1.0.0-2.0.0-checklist.$f" | head -5)"
done
[ -e "$EXPORTS/Gadget-1.0.0-2.0.0-checklist.txt" ] && fail "Esc wrote the checklist as text"

# Through the run to the summary, then its report, as HTML.
tui_keys e Enter
tui_wait e "1. manual  Tell the users" || finish
tui_keys e Enter
tui_wait e "t ticks it off" || finish
tui_keys e t
tui_wait e "A note for the journal?" || finish
tui_keys e Enter
tui_wait e "PASS  5. The gadget's name resolves" 300 || finish
tui_keys e Enter
tui_wait e "6. confirm Upgrade the gadget" || finish
tui_keys e Enter
tui_wait e "To go on, type exactly:" || finish
tui_text e "yes, upgrade"
tui_keys e Enter
tui_wait e "Gadget upgraded 1.0.0 → 2.0.0: done (run 1)" 300 || finish
tui_keys e w
tui_wait e "Write the report of this run" || finish
tui_keys e h
tui_wait e "Report written to $EXPORTS/run-1-report.html" || finish
tui_keys e q
tui_wait e "[exit 0]" || finish
"$STEPUP" export --run 1 --format html >"$TMP/cli-report.html" 2>"$TMP/err" ||
	fail "stepup export --run 1: $(cat "$TMP/err")"
cmp -s "$TMP/cli-report.html" "$EXPORTS/run-1-report.html" ||
	fail "the report differs from stepup export's: $(diff "$TMP/cli-report.html" "$EXPORTS/run-1-report.html" | head -5)"
expect_grep "$EXPORTS/run-1-report.html" "<html"
finish
