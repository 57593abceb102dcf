# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-typing.sh: where a line of text is typed (another target on the plan
# screen, the questions, a reason on the ask screen), every letter is typed,
# q and ? among them, and the footer says the keys that work there: Enter
# gives the text, Bksp erases, F1 is help and Esc leaves the line. F1 shows
# those keys; Esc goes back.
. "$top_srcdir/tests/tui-lib.sh"
tui_world

tui_start t "$TUI_RUN"
tui_wait t "Enter: answer the runbook" || finish
tui_keys t t
tui_wait t "Another target (Enter plans for it, Esc keeps this one):" || finish
tui_text t "q?"
tui_wait t "> q?" || finish
tui_expect t typing-plan-target
tui_keys t Escape			# keeps this target
tui_wait_gone t "Another target" || finish
tui_wait t " Enter open  t target  w export" || finish

tui_keys t Enter
tui_wait t "Which site is this?" || finish
tui_text t "q?"
tui_wait t "> q?" || finish
tui_expect t typing-questions
tui_keys t F1
tui_wait t "Everywhere a line is typed" || finish
tui_expect t typing-help
tui_keys t q				# the help is no line: q goes back
tui_wait t "> q?" || finish
tui_keys t BSpace BSpace Enter		# the default, eu-1
tui_wait t "The API token?" || finish
tui_text t s3cret
tui_keys t Enter
tui_wait t "Release notes of 1.1.0" || finish
tui_keys t Q
tui_wait t "[exit 1]" || finish

# A reason on the ask screen (abandoning the run left unfinished).
tui_start a "$TUI_RUN"
tui_wait a "An unfinished run of this runbook" || finish
tui_keys a A
tui_wait a "Why is it abandoned?" || finish
tui_text a "q"
tui_wait a "> q" || finish
tui_expect a typing-ask
tui_keys a Escape			# back, nothing abandoned
tui_wait_gone a "Why is it abandoned?" || finish
tui_wait a "An unfinished run of this runbook" || finish
tui_keys a Q
tui_wait a "[exit 1]"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" history >"$TMP/history" 2>&1
grep -q abandoned "$TMP/history" && fail "Esc abandoned the run: $(cat "$TMP/history")"
finish
