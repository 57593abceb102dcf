#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# layers.sh: the tree is the architecture's map (doc/ARCHITECTURE.md): a
# file includes headers of its own layer or of the layers it may use,
# never one above it. model < engine, frame; engine, frame < screens;
# screens < cli.
. "$top_srcdir/tests/lib.sh"

cd "$top_srcdir" || exit 1
# Which layer each header is in.
for f in src/model/*.h src/engine/*.h src/cli/*.h src/frame/*.h screens/*.h; do
	case $f in
	screens/*) l=screens ;;
	*) l=${f#src/}; l=${l%%/*} ;;
	esac
	printf '%s %s\n' "${f##*/}" "$l"
done >"$TMP/layer"
[ -s "$TMP/layer" ] || fail "no header found in the layers' folders"
may() {
	case $1 in
	model) echo "model" ;;
	engine) echo "engine model" ;;
	frame) echo "frame model" ;;
	screens) echo "screens frame engine model" ;;
	cli) echo "cli screens frame engine model" ;;
	esac
}
n=0
for f in src/*/*.[ch] screens/*.[ch]; do
	case $f in
	screens/*) me=screens ;;
	*) me=${f#src/}; me=${me%%/*} ;;
	esac
	ok=$(may "$me")
	[ -n "$ok" ] || { fail "$f is in no layer"; continue; }
	n=$((n + 1))
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		hl=$(awk -v h="${h##*/}" '$1 == h { print $2 }' "$TMP/layer")
		[ -n "$hl" ] || continue	# config.h and the like
		case " $ok " in
		*" $hl "*) ;;
		*) fail "$f ($me) includes $h ($hl), a layer above it" ;;
		esac
	done
done
[ "$n" -gt 50 ] || fail "only $n source files found in the layers"
# Nothing is left flat in src/.
for f in src/*.[ch]; do
	[ -e "$f" ] && fail "$f is in no layer's folder"
done
finish
