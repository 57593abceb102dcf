#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-make-exit.sh: `make demo` (here in plain mode, its answers piped)
# exits 0 after a finished upgrade and after a finished rollback, saying
# what to do next only when a run is left unfinished (issue 15). Every
# time, and after a Ctrl-C too, the sshd of every demo node is gone once
# make ends: the pids their pid files named no longer run, and no
# process names the demo's directory (issue 12).
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
command -v "${MAKE:-make}" >/dev/null 2>&1 || { echo "make missing: skipped"; exit 77; }
command -v setsid >/dev/null 2>&1 || { echo "setsid missing: skipped"; exit 77; }
need_sshd
ctl="$top_srcdir/runbooks/demo/democtl"
trap 'for d in "$TMP"/stepup-demo.*/cluster; do
		[ -d "$d" ] || continue
		"$ctl" -d "$d" stop-nodes >/dev/null 2>&1
		"$ctl" -d "$d" stop-workloads >/dev/null 2>&1
	done
	[ -n "${make_pid:-}" ] && kill -KILL "-$make_pid" 2>/dev/null
	rm -rf "$TMP"' EXIT
unset TERM SSH_AUTH_SOCK

# demo NAME ANSWERS...: make demo with these answers; $status, $TMP/NAME.
demo() {
	name=$1; shift
	printf '%s\n' "$@" | (cd "$top_builddir" && TMPDIR="$TMP" \
	    ${MAKE:-make} -s demo) >"$TMP/$name" 2>&1
	status=$?
}

# nodes_gone NAME: after make demo, no demo node's sshd runs: no pid file
# is left, and no process has the demo directory on its command line.
nodes_gone() {
	for d in "$TMP"/stepup-demo.*/cluster/nodes; do
		[ -d "$d" ] || fail "$1: make demo made no nodes"
		[ -f "$d/ssh_config" ] || fail "$1: no ssh_config in $d"
		for p in "$d"/node*/sshd.pid; do
			[ -e "$p" ] && fail "$1: $p is left: $(cat "$p")"
		done
	done
	left=$(procs_naming "$TMP/stepup-demo.")
	[ -z "$left" ] || fail "$1: processes left after make demo: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
}

demo ok "" ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" "tick nothing else" run
[ "$status" = 0 ] || fail "make demo after a finished upgrade exited $status: $(tail -5 "$TMP/ok")"
expect_grep "$TMP/ok" "= done: stepup demo cluster upgraded"
expect_grep "$TMP/ok" "  | node3: agent upgraded from 1.1.0 to 2.0.0"
expect_grep "$TMP/ok" "The demo cluster stays in $TMP/stepup-demo."
grep -q "To go on" "$TMP/ok" && fail "a finished upgrade is told to go on: $(tail -3 "$TMP/ok")"
# democtl status, after the nodes were stopped: the agents where the
# upgrade left them.
grep -q "^node[123]: *agent 2.0.0; sshd stopped$" "$TMP/ok" ||
	fail "make demo's closing status: $(tail -12 "$TMP/ok")"
[ "$(grep -c "^node[123]: *agent 2.0.0; sshd stopped$" "$TMP/ok")" = 3 ] ||
	fail "not every agent is at 2.0.0: $(tail -12 "$TMP/ok")"
nodes_gone ok
rm -rf "$TMP"/stepup-demo.*

demo rolled yes ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" rollback "yes, roll back to 1.0.0"
[ "$status" = 0 ] || fail "make demo after a finished rollback exited $status: $(tail -5 "$TMP/rolled")"
expect_grep "$TMP/rolled" "== rollback: run 2"
grep -q "To go on" "$TMP/rolled" && fail "a finished rollback is told to go on: $(tail -3 "$TMP/rolled")"
nodes_gone rolled
rm -rf "$TMP"/stepup-demo.*

# Left unfinished: make fails (its own status, 2, for stepup's 1), and
# says how to go on: the nodes first.
demo left "" ack
[ "$status" != 0 ] || fail "make demo left unfinished exited 0"
expect_grep "$TMP/left" "To go on with the run: "
expect_grep "$TMP/left" "/democtl -d $TMP/stepup-demo."
expect_grep "$TMP/left" "/cluster start-nodes, then"
expect_grep "$TMP/left" "  STEPUP_DEMO_DIR=$TMP/stepup-demo."
expect_grep "$TMP/left" "/cluster STEPUP_SSH_CONFIG=$TMP/stepup-demo."
nodes_gone left
rm -rf "$TMP"/stepup-demo.*

# No sshd: make demo says which package is missing, starts no wizard,
# and leaves no workload running.
DEMOCTL_SSHD=$TMP/no-sshd; export DEMOCTL_SSHD
demo nosshd ""
unset DEMOCTL_SSHD
[ "$status" != 0 ] || fail "make demo without sshd exited 0"
expect_grep "$TMP/nosshd" "democtl: no sshd at $TMP/no-sshd: the demo's nodes need OpenSSH's server (Debian: apt-get install openssh-server)"
grep -q "== stepup" "$TMP/nosshd" && fail "the wizard started without nodes"
"$ctl" -d "$(echo "$TMP"/stepup-demo.*/cluster)" workloads-running >/dev/null &&
	fail "make demo without sshd left the workloads running"
rm -rf "$TMP"/stepup-demo.*

# A Ctrl-C at a question: the terminal's SIGINT reaches make, its shell
# and stepup (a process group of their own here, as in a terminal); the
# nodes are stopped all the same.
mkfifo "$TMP/in"
(cd "$top_builddir" && TMPDIR="$TMP" exec setsid ${MAKE:-make} -s demo) \
    <"$TMP/in" >"$TMP/int" 2>&1 &
make_pid=$!
exec 3>"$TMP/in"
printf '\n' >&3
n=0
until grep -qF "? 1 read: acknowledge" "$TMP/int"; do
	n=$((n + 1))
	[ "$n" -lt 600 ] || { fail "make demo never asked: $(tail -5 "$TMP/int")"; break; }
	sleep 0.1
done
pids=$(cat "$TMP"/stepup-demo.*/cluster/nodes/node*/sshd.pid)
[ "$(echo $pids | wc -w)" = 3 ] || fail "not three sshd pid files: $pids"
for p in $pids; do kill -0 "$p" 2>/dev/null || fail "node sshd $p does not run"; done
kill -INT "-$make_pid"
exec 3>&-
wait "$make_pid"
make_pid=
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "sshd $p outlived make demo's Ctrl-C"; done
expect_grep "$TMP/int" "The demo cluster stays in $TMP/stepup-demo."
nodes_gone int
finish
