# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-resume-step.sh: the wizard killed between two steps (just after the
# check's outcome is journaled, STEPUP_TEST_KILL): the next one's start
# screen names the step the run resumes at (it said "(the start)"), and
# resuming lands there.
. "$top_srcdir/tests/tui-lib.sh"
tui_world

tui_start a "STEPUP_TEST_KILL=recorded:healthy $TUI_RUN"
tui_begin a || finish
tui_keys a Enter
tui_wait a "press a to acknowledge" || finish
tui_keys a a
tui_wait a "2. read    Release notes of 2.0.0" || finish
tui_keys a Enter
tui_wait a "press a to acknowledge" || finish
tui_keys a a
tui_wait a "[exit 137]" || finish

tui_start c "$TUI_RUN"
tui_wait c "An unfinished run of this runbook" || finish
tui_wait c "At step   go" || fail "the start screen does not name step go:
$(tui_capture c)"
tui_keys c Enter
tui_wait c "The API token?" || finish
tui_text c s3cret
tui_keys c Enter
tui_wait c "4. confirm Ready to upgrade eu-1" || finish
tui_capture c | grep -qE "3\. check +The widget is healthy +passed" || fail "the check is not shown passed:
$(tui_capture c)"
tui_keys c Q
tui_wait c "[exit 1]"
finish
