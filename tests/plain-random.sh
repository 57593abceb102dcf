#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-random.sh: random answer lines fed to plain mode never start an
# action before its confirmation is in the journal. The journal's event
# order is checked with the sqlite3 tool over many seeded runs, some with
# a failing action (retry, done, rollback answers), some resumed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
SHELL=/bin/true; export SHELL

seed=1
while [ $seed -le 40 ]; do
	echo 1.0.0 >"$WORLD/version"
	rm -f "$WORLD"/fail-*
	[ $((seed % 3)) = 0 ] && : >"$WORLD/fail-2.0.0"
	[ $((seed % 3)) = 1 ] && : >"$WORLD/fail-1.1.0"
	awk -v seed=$seed 'BEGIN {
		srand(seed)
		n = split("ack|run|retry|skip because|done by hand|tick ok|" \
		    "accept|yes, roll back to 1.0.0|rollback|resume|" \
		    "yes, upgrade to 2.0.0", useful, "|")
		m = split("cancel|yes, upgrade to 1.1.0|yes, upgrade to 2.0.0 |" \
		    "abandon test|abandon|skip|done||  ack|RUN|y|yes|shell|" \
		    "confirm yes, upgrade to 2.0.0|eu-1|us-1|tok|tick|quit", \
		    noise, "|")
		for (i = 0; i < 60; i++) {
			r = rand()
			if (r < 0.01) print "quit"
			else if (r < 0.10) printf "%c%c%c\n", 33 + int(rand() * 90), 33 + int(rand() * 90), 33 + int(rand() * 90)
			else if (r < 0.60) print useful[1 + int(rand() * n)]
			else print noise[1 + int(rand() * m)]
		}
	}' >"$TMP/in.$seed"
	timeout 60 "$STEPUP" run --plain "$RUNBOOK" <"$TMP/in.$seed" >"$TMP/out.$seed" 2>&1
	st=$?
	case $st in
	0|1) ;;
	*) fail "seed $seed: exit $st: $(tail -5 "$TMP/out.$seed")" ;;
	esac
	seed=$((seed + 1))
done

# Every start of an action comes after the exact phrase of its run's
# confirm step was journaled.
bad=$(sql "select e.run || ':' || e.seq || ':' || e.step from events e
	join runs r on r.id = e.run
	where e.kind = 'start'
	  and e.step not in ('healthy', 'versions')
	  and not exists (select 1 from events p where p.run = e.run
	    and p.seq < e.seq and p.kind = 'phrase'
	    and p.step = case r.kind when 'rollback' then 'rollback-confirm' else 'go' end
	    and p.detail like 'typed: %')")
[ -z "$bad" ] || fail "actions started before their confirmation: $bad"
# ... and a mismatched phrase never counts. (A random answer to the secret
# question may be the phrase itself: the journal then masks it.)
[ "$(sql "select count(*) from events where kind = 'phrase' and detail like 'typed: %'
	and detail not in ('typed: yes, upgrade to 2.0.0', 'typed: yes, roll back to 1.0.0',
	'typed: ********')")" = 0 ] ||
	fail "a wrong phrase was accepted"
# Not vacuous: actions did start, phrases did mismatch, runs resumed.
[ "$(sql "select count(*) from events where kind = 'start' and step like 'install@%'")" -gt 3 ] ||
	fail "too few actions started to mean anything"
[ "$(sql "select count(*) from events where kind = 'phrase' and detail like 'did not match: %'")" -gt 3 ] ||
	fail "too few mismatched phrases"
[ "$(sql "select count(*) from events where kind = 'resume'")" -gt 3 ] || fail "too few resumes"
finish
