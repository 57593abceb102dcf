#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-edges.sh: no text runs off a screen's edge silently (issue 15). At
# 80x24 and 60x16, over the demo and the four product runbooks, the first
# screens of a run (the plan, the questions, the checklist and the step it
# opens) are captured, and a line that reaches the last column must end
# with an ellipsis: one that fills the width without it was cut silently.
# The header and footer bars, which span the width by design, are left out.
. "$top_srcdir/tests/tui-lib.sh"

# overflow NAME COLS ROWS WHAT: fail for each cut line of the pane.
overflow() {
	tui_capture "$1" >"$TMP/cap"
	row=0
	while IFS= read -r line; do
		row=$((row + 1))
		[ "$row" = 1 ] || [ "$row" = "$3" ] && continue
		w=$(printf '%s\n' "$line" | wc -L)
		[ "$w" -lt "$2" ] && continue
		case $line in
		*…) continue ;;
		esac
		# A rule of box drawing is not text.
		printf '%s\n' "$line" | grep -q '[[:alnum:]]' || continue
		fail "$4 at ${2}x$3, row $row runs off the edge: '$line'"
	done <"$TMP/cap"
}

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

mkdir -p "$TMP/demo"
for spec in demo.yaml:1.0.0 backend.ai.yaml:23.09.9 \
    hopsworks-azure.yaml:2.4.0 pachyderm.yaml:1.7.0 qhub.yaml:0.3.14; do
	rb=${spec%%:*}
	from=${spec#*:}
	for size in 80x24 60x16; do
		cols=${size%x*}
		rows=${size#*x}
		name=$(echo "${rb%.yaml}-$size" | tr -c 'a-z0-9\n' '-')
		TUI_NAMES="$TUI_NAMES $name"
		tui_on "$name" new-session -d -s "$name" -x "$cols" -y "$rows" \
		    "env TERM=screen-256color LC_ALL=C.UTF-8 STEPUP_DEMO_DIR=$TMP/demo $STEPUP run --state-dir $TMP/state-$name --from $from $top_srcdir/runbooks/$rb; exec sleep 600"
		tui_on "$name" set-option -g window-size manual >/dev/null 2>&1
		tui_on "$name" resize-window -t "$name" -x "$cols" -y "$rows" >/dev/null 2>&1
		tui_wait "$name" "stepup ·" || continue
		for screen in 1 2 3 4 5; do
			settle "$name"
			overflow "$name" "$cols" "$rows" "$rb, screen $screen"
			tui_keys "$name" Enter
		done
		tui_keys "$name" Q
		tui_on "$name" kill-server >/dev/null 2>&1
	done
done
finish
