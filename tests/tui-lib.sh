# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-lib.sh: the terminal-test harness, sourced after lib.sh. It runs
# the real binary in a detached tmux session (own server socket, fixed
# size 100x30), sends keys, waits with a bounded poll until the pane
# shows a text, and compares captured screens with tests/data/tui/*.txt,
# masking only what legitimately varies (times, temporary paths). Set
# STEPUP_TUI_UPDATE=1 to write the expected screens instead.

. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipped"; exit 77; }

TUI_SOCK=stepup-test-$$
TUI_DRIVER=${top_builddir:-.}/tests/tui-driver
TUI_DATA=$top_srcdir/tests/data/tui
TUI_NAMES=
trap 'for s in $TUI_NAMES; do tmux -L "$TUI_SOCK-$s" kill-server >/dev/null 2>&1; done; rm -rf "$TMP"' EXIT

# One tmux server per session (NAME): tmux 3.3a may die when a second
# session of another size is made on a server whose window-size is manual.
tui_on() {
	s=$1; shift
	tmux -u -L "$TUI_SOCK-$s" -f /dev/null "$@"
}

# tui_start NAME CMD...: run CMD in a new 100x30 session NAME. When CMD
# ends the pane says "[exit STATUS]" on a line of its own (the shell's
# "Killed" notice, as long as the paths in it, may leave the cursor
# anywhere, and a terminal left raw by a killed program does not return
# the carriage on \n) and stays.
tui_start() {
	name=$1; shift
	TUI_NAMES="$TUI_NAMES $name"
	tui_on "$name" new-session -d -s "$name" -x 100 -y 30 \
	    "env TERM=screen-256color LC_ALL=C.UTF-8 $* ; st=\$?; printf '\\r\\n[exit %s]\\r\\n' \"\$st\"; exec sleep 600"
	tui_on "$name" set-option -g window-size manual >/dev/null 2>&1
	tui_on "$name" resize-window -t "$name" -x 100 -y 30 >/dev/null 2>&1
}

# tui_keys NAME KEY...: tmux send-keys.
tui_keys() {
	name=$1; shift
	tui_on "$name" send-keys -t "$name" "$@"
}

# tui_text NAME TEXT...: type the text literally.
tui_text() {
	name=$1; shift
	tui_on "$name" send-keys -t "$name" -l "$*"
}

# tui_resize NAME COLS ROWS
tui_resize() {
	tui_on "$1" resize-window -t "$1" -x "$2" -y "$3"
}

tui_capture() {
	tui_on "$1" capture-pane -p -t "$1"
}

# tui_wait NAME TEXT [TENTHS]: until the pane shows TEXT (fixed string),
# at most TENTHS tenths of a second (default 100); fails with the screen.
tui_wait() {
	n=${3:-100}
	while [ "$n" -gt 0 ]; do
		if tui_capture "$1" | grep -qF -- "$2"; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	fail "pane $1 never showed '$2'; it shows:
$(tui_capture "$1")"
	return 1
}

# tui_wait_gone NAME TEXT [TENTHS]: until TEXT is no longer shown.
tui_wait_gone() {
	n=${3:-100}
	while [ "$n" -gt 0 ]; do
		if ! tui_capture "$1" | grep -qF -- "$2"; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	fail "pane $1 still shows '$2'"
	return 1
}

# tui_wait_row NAME ROW TEXT [TENTHS]: until screen row ROW (1-based)
# holds TEXT (fixed string); fails with the screen.
tui_wait_row() {
	n=${4:-100}
	while [ "$n" -gt 0 ]; do
		if tui_capture "$1" | sed -n "$2p" | grep -qF -- "$3"; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	fail "row $2 of pane $1 never showed '$3'; it shows:
$(tui_capture "$1")"
	return 1
}

tui_mask() {
	sed -e "s|$TMP|<TMP>|g" -e "s|$top_srcdir|<SRC>|g" \
	    -e 's/[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/<TIME>/g' \
	    -e 's/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/<DATE>/g' \
	    -e 's/ by [^ ]* on [^ ]*$/ by <OPERATOR> on <HOST>/' \
	    -e 's/[0-9][0-9]* \(s\|min\|h [0-9]* min\|days*\) old/<AGE> old/g' \
	    -e 's/[0-9a-f]\{20,\}/<SHA>/g' \
	    -e 's/[0-9][0-9]*m [0-9][0-9]s/<ELAPSED>/g; s/ [0-9][0-9]*s elapsed/ <ELAPSED> elapsed/g'
}

# tui_expect NAME SCREEN: the pane, masked, is tests/data/tui/SCREEN.txt.
tui_expect() {
	tui_capture "$1" | tui_mask >"$TMP/screen.txt"
	if [ -n "${STEPUP_TUI_UPDATE:-}" ]; then
		cp "$TMP/screen.txt" "$TUI_DATA/$2.txt"
		return 0
	fi
	if ! diff -u "$TUI_DATA/$2.txt" "$TMP/screen.txt" >"$TMP/diff"; then
		fail "screen $2 differs:
$(cat "$TMP/diff")"
	fi
}

# tui_uncut NAME COLS ROWS WHAT: fail for each line of the pane (a
# COLSxROWS one) that was cut silently: one that reaches the last column
# must end with an ellipsis. The header and footer bars (the first and
# last rows), which span the width by design, and rules of box drawing
# are left out.
tui_uncut() {
	tui_capture "$1" >"$TMP/uncut"
	uncut_row=0
	while IFS= read -r uncut_line; do
		uncut_row=$((uncut_row + 1))
		[ "$uncut_row" = 1 ] || [ "$uncut_row" = "$3" ] && continue
		[ "$(printf '%s\n' "$uncut_line" | wc -L)" -lt "$2" ] && continue
		case $uncut_line in
		*…) continue ;;
		esac
		printf '%s\n' "$uncut_line" | grep -q '[[:alnum:]]' || continue
		fail "$4 at ${2}x$3, row $uncut_row runs off the edge: '$uncut_line'"
	done <"$TMP/uncut"
}

# tui_world: a fresh "cluster" (tests/data/tui/upgrade.yaml's $world,
# at 1.0.0) and state directory; $TUI_RUN is the stepup command line.
tui_world() {
	rm -rf "$TMP/world" "$TMP/state"
	mkdir -p "$TMP/world" "$TMP/state"
	echo 1.0.0 >"$TMP/world/version"
	TUI_RUN="STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/tui/upgrade.yaml"
}

# tui_begin NAME: from the plan through the questions to the checklist
# (site: the default; token: s3cret).
tui_begin() {
	tui_wait "$1" "Enter: answer the runbook" || return 1
	tui_keys "$1" Enter
	tui_wait "$1" "Which site is this?" || return 1
	tui_keys "$1" Enter
	tui_wait "$1" "The API token?" || return 1
	tui_text "$1" s3cret
	tui_keys "$1" Enter
	tui_wait "$1" "Release notes of 1.1.0"
}

# tui_to_confirm NAME: read both notes (the check then runs by itself),
# and stop at the confirmation.
tui_to_confirm() {
	tui_keys "$1" Enter
	tui_wait "$1" "press a to acknowledge" || return 1
	tui_keys "$1" a
	tui_wait "$1" "2. read    Release notes of 2.0.0" || return 1
	tui_keys "$1" Enter
	tui_wait "$1" "press a to acknowledge" || return 1
	tui_keys "$1" a
	tui_wait "$1" "PASS  3. The widget is healthy" || return 1
	tui_keys "$1" Enter
	tui_wait "$1" "4. confirm Ready to upgrade eu-1" || return 1
	tui_keys "$1" Enter
	tui_wait "$1" "To go on, type exactly:"
}
