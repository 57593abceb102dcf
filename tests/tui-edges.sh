#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-edges.sh: no text runs off a screen's edge silently (issue 15). At
# 80x24 and 60x16 every screen is captured and checked with tui_uncut (a
# line that reaches the last column must end with an ellipsis: one that
# fills the width without it was cut silently):
#  - over the demo and the four product runbooks: the plan, its help, the
#    export question, the questions, the checklist and the steps it opens;
#  - the runbook picker over the shipped runbooks (long product names);
#  - a whole run of the terminal tests' runbook: plan, questions,
#    checklist, history, reader (and a search that finds nothing: a
#    footer message), checks, confirm (and a wrong phrase), run, manual,
#    summary, its export question, the rollback screen, the start screen
#    of an unfinished run, and the footer's warning of a refused shell.
. "$top_srcdir/tests/tui-lib.sh"

# settle NAME: until the pane stays the same for a moment (bounded).
settle() {
	tui_capture "$1" >"$TMP/a"
	n=20
	while [ $n -gt 0 ]; do
		sleep 0.1
		tui_capture "$1" >"$TMP/b"
		cmp -s "$TMP/a" "$TMP/b" && return 0
		mv "$TMP/b" "$TMP/a"
		n=$((n - 1))
	done
}

# edge_start NAME COLS ROWS CMD: run CMD in a COLSxROWS session NAME.
edge_start() {
	es_name=$1 es_cols=$2 es_rows=$3; shift 3
	TUI_NAMES="$TUI_NAMES $es_name"
	tui_on "$es_name" new-session -d -s "$es_name" -x "$es_cols" -y "$es_rows" \
	    "env TERM=screen-256color LC_ALL=C.UTF-8 $* ; st=\$?; printf '\\r\\n[exit %s]\\r\\n' \"\$st\"; exec sleep 600"
	tui_on "$es_name" set-option -g window-size manual >/dev/null 2>&1
	tui_on "$es_name" resize-window -t "$es_name" -x "$es_cols" -y "$es_rows" >/dev/null 2>&1
}

# edge NAME COLS ROWS WHAT: the pane, settled, has no line cut silently.
edge() {
	settle "$1"
	tui_uncut "$1" "$2" "$3" "$4"
}

sizes="80x24 60x16"

# The demo and the product runbooks.
mkdir -p "$TMP/demo"
for spec in demo.yaml:1.0.0 backend.ai.yaml:23.09.9 \
    hopsworks-azure.yaml:2.4.0 pachyderm.yaml:1.7.0 qhub.yaml:0.3.14; do
	rb=${spec%%:*}
	from=${spec#*:}
	for size in $sizes; do
		cols=${size%x*}
		rows=${size#*x}
		name=$(echo "${rb%.yaml}-$size" | tr -c 'a-z0-9\n' '-')
		# A runbook that asks the product for its nodes gets them
		# from an inventory file instead (no product here).
		inv=
		[ -e "$top_srcdir/tests/data/inventory/${rb%.yaml}.ini" ] &&
			inv="--inventory $top_srcdir/tests/data/inventory/${rb%.yaml}.ini"
		edge_start "$name" "$cols" "$rows" "STEPUP_DEMO_DIR=$TMP/demo $STEPUP run --state-dir $TMP/state-$name --from $from $inv $top_srcdir/runbooks/$rb"
		tui_wait "$name" "stepup ·" || continue
		edge "$name" "$cols" "$rows" "$rb, the plan"
		tui_keys "$name" F1
		edge "$name" "$cols" "$rows" "$rb, the plan's help"
		tui_keys "$name" q
		tui_keys "$name" w
		edge "$name" "$cols" "$rows" "$rb, the export question"
		tui_keys "$name" Escape
		for screen in 1 2 3 4 5; do
			settle "$name"
			tui_keys "$name" Enter
			edge "$name" "$cols" "$rows" "$rb, screen $screen after the plan"
		done
		tui_keys "$name" Q
		tui_on "$name" kill-server >/dev/null 2>&1
	done
done

# The runbook picker, over the shipped runbooks.
for size in $sizes; do
	cols=${size%x*}
	rows=${size#*x}
	edge_start "pick-$size" "$cols" "$rows" "STEPUP_RUNBOOKS_DIR=$top_srcdir/runbooks STEPUP_STATE_DIR=$TMP/state-pick $STEPUP"
	tui_wait "pick-$size" "Shipped runbooks" || continue
	edge "pick-$size" "$cols" "$rows" "the picker"
	tui_keys "pick-$size" F1
	edge "pick-$size" "$cols" "$rows" "the picker's help"
	tui_keys "pick-$size" q Q
	tui_on "pick-$size" kill-server >/dev/null 2>&1
done

# A whole run, every screen on the way.
for size in $sizes; do
	cols=${size%x*}
	rows=${size#*x}
	sn=run-$size
	w=$TMP/world-$size
	mkdir -p "$w"
	echo 1.0.0 >"$w/version"
	run="STEPUP_TEST_WORLD=$w STEPUP_STATE_DIR=$TMP/state-$sn $STEPUP run $top_srcdir/tests/data/tui/upgrade.yaml"
	edge_start "$sn" "$cols" "$rows" "$run"
	tui_wait "$sn" "Upgrade plan" || continue
	edge "$sn" "$cols" "$rows" "the plan"
	tui_keys "$sn" "!"
	tui_wait "$sn" "The shell escape" || continue
	edge "$sn" "$cols" "$rows" "the footer's warning"
	tui_keys "$sn" Enter
	tui_wait "$sn" "Which site is this?" || continue
	edge "$sn" "$cols" "$rows" "the questions"
	tui_keys "$sn" Enter
	tui_wait "$sn" "The API token?" || continue
	tui_text "$sn" s3cret
	tui_keys "$sn" Enter
	tui_wait "$sn" "Release notes of 1.1.0" || continue
	edge "$sn" "$cols" "$rows" "the checklist"
	tui_keys "$sn" H
	tui_wait "$sn" "Past runs" || continue
	edge "$sn" "$cols" "$rows" "the history"
	tui_keys "$sn" q
	tui_wait "$sn" "Release notes of 1.1.0" || continue
	tui_keys "$sn" Enter
	tui_wait "$sn" "press a to acknowledge" || continue
	edge "$sn" "$cols" "$rows" "the reader"
	tui_keys "$sn" /
	tui_text "$sn" "a text that is nowhere in these release notes at all"
	tui_keys "$sn" Enter
	tui_wait "$sn" "Pattern not found" || continue
	edge "$sn" "$cols" "$rows" "the reader's footer message"
	tui_keys "$sn" a
	tui_wait "$sn" "Release notes of 2.0.0" || continue
	tui_keys "$sn" Enter
	tui_wait "$sn" "press a to acknowledge" || continue
	tui_keys "$sn" a
	tui_wait "$sn" "PASS" || continue
	edge "$sn" "$cols" "$rows" "the checks"
	tui_keys "$sn" Enter
	tui_wait "$sn" "Ready to upgrade eu-1" || continue
	tui_keys "$sn" Enter
	tui_wait "$sn" "type exactly:" || continue
	edge "$sn" "$cols" "$rows" "the confirmation"
	tui_text "$sn" "yes, upgrade to 3.0.0"
	tui_keys "$sn" Enter
	tui_wait "$sn" "that is not the phrase" || continue
	edge "$sn" "$cols" "$rows" "a wrong phrase"
	tui_text "$sn" "yes, upgrade to 2.0.0"
	tui_keys "$sn" Enter
	tui_wait "$sn" "The widget reports 2.0.0" 300 || continue
	edge "$sn" "$cols" "$rows" "a check's screen"
	tui_keys "$sn" Enter
	tui_wait "$sn" "Tell the team" || continue
	tui_keys "$sn" Enter
	tui_wait "$sn" "Post in the team channel" || continue
	edge "$sn" "$cols" "$rows" "the manual step"
	tui_keys "$sn" t
	tui_wait "$sn" "A note for the journal?" || continue
	edge "$sn" "$cols" "$rows" "the note's question"
	tui_keys "$sn" Enter
	tui_wait "$sn" "done (run 1)" 300 || continue
	edge "$sn" "$cols" "$rows" "the summary"
	tui_keys "$sn" w
	tui_wait "$sn" "In which format?" || continue
	edge "$sn" "$cols" "$rows" "the summary's export question"
	tui_keys "$sn" Escape
	tui_keys "$sn" R
	tui_wait "$sn" "Roll back Widget" || continue
	edge "$sn" "$cols" "$rows" "the rollback screen"
	tui_keys "$sn" Escape
	tui_wait "$sn" "done (run 1)" || continue
	tui_keys "$sn" q
	tui_wait "$sn" "[exit 0]" || continue
	tui_on "$sn" kill-server >/dev/null 2>&1

	# A failed action: its run screen, then the start screen of the
	# unfinished run.
	sn=fail-$size
	echo 1.0.0 >"$w/version"
	: >"$w/fail-1.1.0"
	printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" quit |
	    env -u TERM STEPUP_TEST_WORLD="$w" STEPUP_STATE_DIR="$TMP/state-$sn" \
	    "$STEPUP" run --plain "$top_srcdir/tests/data/tui/upgrade.yaml" >"$TMP/$sn.plain" 2>&1
	grep -q "failed: exit 3" "$TMP/$sn.plain" || { fail "no failure to show: $(tail -3 "$TMP/$sn.plain")"; continue; }
	rm -f "$w/fail-1.1.0"
	edge_start "$sn" "$cols" "$rows" "STEPUP_TEST_WORLD=$w STEPUP_STATE_DIR=$TMP/state-$sn $STEPUP run $top_srcdir/tests/data/tui/upgrade.yaml"
	tui_wait "$sn" "unfinished run" || continue
	edge "$sn" "$cols" "$rows" "the start screen"
	tui_keys "$sn" Enter
	tui_wait "$sn" "The API token?" || continue
	tui_text "$sn" s3cret
	tui_keys "$sn" Enter
	tui_wait "$sn" "Step 6 failed" || continue
	edge "$sn" "$cols" "$rows" "the checklist at a failure"
	tui_keys "$sn" Enter
	tui_wait "$sn" "no space left on the widget" || continue
	edge "$sn" "$cols" "$rows" "a failed action's screen"
	tui_keys "$sn" Q
	tui_wait "$sn" "[exit" || continue
	tui_on "$sn" kill-server >/dev/null 2>&1
done
finish
