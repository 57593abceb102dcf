# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# bench/lib.sh: what the bench scripts share: the clock (date's
# nanoseconds, no interpreter started per reading) and the best of
# several runs (the machine is shared, and noise only ever adds).
# STEPUP_BENCH_RUNS sets how many runs (default 3).

bench_runs=${STEPUP_BENCH_RUNS:-3}
case $bench_runs in
''|*[!0-9]*|0) echo "bench: STEPUP_BENCH_RUNS=$bench_runs is not a count of runs (1 or more)" >&2; exit 2 ;;
esac

# now: the wall clock in nanoseconds
now() { date +%s%N; }

# elapsed T0 T1: the seconds between two readings of now
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'; }

# best CMD...: runs CMD bench_runs times; CMD prints one line of numbers
# (times, counts, sizes); prints the smallest of each field over the runs
best() {
	_bi=0
	_bout=
	while [ $_bi -lt "$bench_runs" ]; do
		_bout="$_bout$("$@")
"
		_bi=$((_bi + 1))
	done
	printf '%s' "$_bout" | awk '
		{ for (i = 1; i <= NF; i++) if (NR == 1 || $i + 0 < m[i] + 0) m[i] = $i; if (NF > n) n = NF }
		END { for (i = 1; i <= n; i++) printf "%s%s", m[i], (i < n ? " " : "\n") }'
}

# load: the load average over 1, 5 and 15 minutes
load() { cut -d' ' -f1-3 /proc/loadavg; }
