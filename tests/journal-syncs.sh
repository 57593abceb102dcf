#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# journal-syncs.sh: what one action costs in syncs, counted with strace:
# stepup makes one durable commit before the fork (its start) and one
# after its exit (its outcome); the supervisor syncs the status file and
# its directory (the only record of the end while no stepup runs). The
# supervisor's pid, journaled after the fork, is not synced.
. "$top_srcdir/tests/lib.sh"
command -v strace >/dev/null 2>&1 || { echo "strace is not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
unset TERM

# runbook N: N quick actions after a confirmation
runbook() {
	printf 'stepup: 1\nproduct: Syncs\nversions:\n  scheme: semver\n'
	printf "  installed: {command: 'echo 1.0.0'}\n  available: [1.0.0, 2.0.0]\n"
	printf 'prepare:\n  - id: go\n    confirm: Go\n    phrase: go\nhop:\n'
	i=1
	while [ $i -le "$1" ]; do
		printf '  - id: a%d\n    action: Action %d\n    run: "true"\n    on-failure: Nothing.\n' $i $i
		i=$((i + 1))
	done
}

# syncs N: "STEPUP OTHERS", the syncs of stepup itself and of the
# processes it started, for a whole run of N actions
syncs() {
	runbook "$1" >"$TMP/rb$1.yaml"
	mkdir -p "$TMP/state$1"
	printf 'go\n' | ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    STEPUP_STATE_DIR="$TMP/state$1" strace -f -e trace=fsync,fdatasync,sync_file_range,msync \
	    -e signal=none -o "$TMP/trace$1" "$STEPUP" run --plain "$TMP/rb$1.yaml" >"$TMP/out$1" 2>&1 ||
		fail "a run of $1 actions failed: $(tail -n 5 "$TMP/out$1")"
	main=$(head -n 1 "$TMP/trace$1" | cut -d' ' -f1)
	own=$(grep -E "^$main +(fsync|fdatasync|sync_file_range|msync)\(" "$TMP/trace$1" | wc -l)
	all=$(grep -E "^[0-9]+ +(fsync|fdatasync|sync_file_range|msync)\(" "$TMP/trace$1" | wc -l)
	echo "$own $((all - own))"
}

read -r own2 other2 <<EOF2
$(syncs 2)
EOF2
read -r own5 other5 <<EOF2
$(syncs 5)
EOF2
[ $(((own5 - own2) % 3)) = 0 ] && [ $(((own5 - own2) / 3)) = 2 ] ||
	fail "stepup syncs $(((own5 - own2) / 3)) times an action ($own2 for 2 actions, $own5 for 5), want 2: $(cat "$TMP/trace5")"
[ $(((other5 - other2) / 3)) = 2 ] ||
	fail "the supervisor syncs $(((other5 - other2) / 3)) times an action, want 2"
expect_grep "$TMP/out5" "= 6 passed: exit 0"
finish
