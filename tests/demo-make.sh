#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-make.sh: `make demo`, as the README's first line ends, creates a
# fresh demo cluster with its workloads running and its nodes up (an sshd
# each) and opens the wizard on it with the upgrade planned; leaving the
# wizard stops the workloads and the nodes' sshd and says where the
# cluster is and how to go on.
. "$top_srcdir/tests/tui-lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
command -v "${MAKE:-make}" >/dev/null 2>&1 || { echo "make missing: skipped"; exit 77; }
need_sshd
ctl="$top_srcdir/runbooks/demo/democtl"
trap 'for s in $TUI_NAMES; do tmux -L "$TUI_SOCK-$s" kill-server >/dev/null 2>&1; done
	for d in "$TMP"/stepup-demo.*/cluster; do
		[ -d "$d" ] || continue
		"$ctl" -d "$d" stop-nodes >/dev/null 2>&1
		"$ctl" -d "$d" stop-workloads >/dev/null 2>&1
	done
	rm -rf "$TMP"' EXIT

cat >"$TMP/demo.sh" <<SCRIPT
cd "$top_builddir" && TMPDIR="$TMP" ${MAKE:-make} -s demo
SCRIPT
tui_start d sh "$TMP/demo.sh"
tui_wait d "Upgrade plan" 600 || finish
tui_wait d "1.0.0 ─patch─▶ 1.0.1 ─minor─▶ 1.1.0 ─major─▶ 2.0.0" || finish
cluster=$(ls -d "$TMP"/stepup-demo.*/cluster)
[ -d "$cluster" ] || { fail "no demo cluster under $TMP"; finish; }
"$ctl" -d "$cluster" workloads-running || fail "the demo's workloads do not run"
[ "$("$ctl" -d "$cluster" version)" = 1.0.0 ] || fail "the demo cluster is not at 1.0.0"
"$ctl" -d "$cluster" agents-healthy 1.0.0 >"$TMP/agents" ||
	fail "the demo's nodes are not up: $(cat "$TMP/agents")"
pids=$(cat "$cluster"/nodes/node*/sshd.pid)
[ "$(echo $pids | wc -w)" = 3 ] || fail "not three sshd pid files: $pids"
tui_keys d Q
tui_wait d "[exit" || finish
"$ctl" -d "$cluster" workloads-running && fail "leaving make demo left the workloads running"
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "leaving make demo left sshd $p running"; done
[ -z "$(procs_naming "$cluster")" ] || fail "processes left: $(procs_naming "$cluster")"
tui_wait d "The demo cluster stays in $TMP/stepup-demo."
finish
