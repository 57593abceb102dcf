#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-lint.sh: every shipped runbook passes stepup lint with nothing
# to say: no error, no warning, no shellcheck finding (when shellcheck is
# installed).
. "$top_srcdir/tests/lib.sh"

n=0
for rb in "$top_srcdir"/runbooks/*.yaml; do
	n=$((n + 1))
	expect_status 0 "$STEPUP" lint "$rb"
	[ -s "$TMP/err" ] && fail "lint $rb: $(cat "$TMP/err")"
	[ -s "$TMP/out" ] && fail "lint $rb printed: $(cat "$TMP/out")"
done
[ "$n" = 8 ] || fail "$n runbooks in runbooks/, want 8 (the demo and the seven products)"
finish
