#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-read-text.sh: a read step whose document is its `text` is paged
# like a file (variables expanded), acknowledged, and the run goes on; an
# optional action after the confirmation is not run unasked: it waits for
# "run" or "skip".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/session/textread.yaml"

stepup_plain "$TMP/out" ack "yes, upgrade to 2.0.0" "skip not needed here"
[ "$status" = 0 ] || fail "exited $status: $(tail -5 "$TMP/out") $(cat "$TMP/out.err")"
expect_grep "$TMP/out" "Only the head node is upgraded to 2.0.0."
expect_grep "$TMP/out" "Recreate the workers afterwards."
grep -q "has no document" "$TMP/out" && fail "the text was not taken as the document"
[ "$(cat "$WORLD/version")" = 2.0.0 ] || fail "the run did not go on to the action"
[ "$(sql "select count(*) from events where kind = 'ack'")" = 1 ] ||
	fail "the acknowledgement is not journaled: $(sql "select kind from events")"
[ -e "$WORLD/tidied" ] && fail "the optional action ran unasked"
[ "$(sql "select count(*) from events where kind = 'skip'")" = 1 ] ||
	fail "the skip is not journaled: $(sql "select kind from events")"
finish
