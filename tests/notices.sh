#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# notices.sh: every source file carries the copyright notice and the
# licence's name (LICENSE holds its text), as Debian's copyright file
# says: the C sources and headers, the shell tests and libraries, the
# benchmarks, the demo's scripts, the completions and the build files.
. "$top_srcdir/tests/lib.sh"

cd "$top_srcdir" || exit 1
[ -f LICENSE ] || fail "no LICENSE file"
grep -q '^Copyright (c) 2026 the stepup authors' LICENSE ||
	fail "LICENSE does not name the copyright holder"
n=0
for f in $(find src screens tests bench runbooks completion -type f \( \
    -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' -o \
    -perm -u+x \) ! -path 'tests/data/*' ! -name '*.o' \
    ! -name 'test_*[!c]' ! -name '*-driver' ! -name '*.log' \
    ! -name '*.trs' 2>/dev/null) Makefile.am configure.ac \
    completion/stepup completion/_stepup; do
	[ -f "$f" ] || continue
	case $f in
	*.c|*.h|*.sh|*.py|Makefile.am|configure.ac|completion/*|bench/*|runbooks/*) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	head -4 "$f" | grep -q 'Copyright (c) 2026 the stepup authors' ||
		fail "$f: no copyright notice in its first lines"
	head -4 "$f" | grep -q 'SPDX-License-Identifier: ISC' ||
		fail "$f: no licence identifier in its first lines"
done
[ "$n" -gt 150 ] || fail "only $n source files found"
finish
