#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-make-exit.sh: `make demo` (here in plain mode, its answers piped)
# exits 0 after a finished upgrade and after a finished rollback, saying
# what to do next only when a run is left unfinished (issue 15).
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
command -v "${MAKE:-make}" >/dev/null 2>&1 || { echo "make missing: skipped"; exit 77; }
ctl="$top_srcdir/runbooks/demo/democtl"
trap 'for d in "$TMP"/stepup-demo.*/cluster; do [ -d "$d" ] && "$ctl" -d "$d" stop-workloads >/dev/null 2>&1; done
	rm -rf "$TMP"' EXIT
unset TERM

# demo NAME ANSWERS...: make demo with these answers; $status, $TMP/NAME.
demo() {
	name=$1; shift
	printf '%s\n' "$@" | (cd "$top_builddir" && TMPDIR="$TMP" \
	    ${MAKE:-make} -s demo) >"$TMP/$name" 2>&1
	status=$?
}

demo ok "" ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" "tick nothing else" run
[ "$status" = 0 ] || fail "make demo after a finished upgrade exited $status: $(tail -5 "$TMP/ok")"
expect_grep "$TMP/ok" "= done: stepup demo cluster upgraded"
expect_grep "$TMP/ok" "The demo cluster stays in $TMP/stepup-demo."
grep -q "To go on" "$TMP/ok" && fail "a finished upgrade is told to go on: $(tail -3 "$TMP/ok")"

demo rolled yes ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" rollback "yes, roll back to 1.0.0"
[ "$status" = 0 ] || fail "make demo after a finished rollback exited $status: $(tail -5 "$TMP/rolled")"
expect_grep "$TMP/rolled" "== rollback: run 2"
grep -q "To go on" "$TMP/rolled" && fail "a finished rollback is told to go on: $(tail -3 "$TMP/rolled")"

# Left unfinished: make fails (its own status, 2, for stepup's 1), and
# says how to go on.
demo left "" ack
[ "$status" != 0 ] || fail "make demo left unfinished exited 0"
expect_grep "$TMP/left" "To go on with the run: STEPUP_DEMO_DIR=$TMP/stepup-demo."
finish
