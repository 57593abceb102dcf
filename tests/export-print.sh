#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# export-print.sh: the exported HTML prints: rendered by headless Chromium
# to PDF on Letter and on A4, every step's title is on the pages, every
# command is there whole (wrapped, not clipped), no word lies outside its
# page, and no step is split across two pages. Skipped (77) without
# chromium or poppler-utils.
. "$top_srcdir/tests/lib.sh"

command -v chromium >/dev/null 2>&1 || { echo "chromium not installed"; exit 77; }
command -v pdftotext >/dev/null 2>&1 || { echo "pdftotext not installed"; exit 77; }

# html_unescape: the entities export_render() writes, back to text.
html_unescape() {
	sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' \
	    -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'
}

# to_pdf HTML PDF [PAPER]: print with Chromium, optionally forcing a paper
# size through an extra @page rule.
to_pdf() {
	src=$1
	if [ -n "${3:-}" ]; then
		src=$TMP/paper.html
		sed "s|</style>|@page { size: $3; }\n</style>|" "$1" >"$src"
	fi
	prof=$(mktemp -d "$TMP/chromium.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$prof" \
	    --no-pdf-header-footer --print-to-pdf="$2" "file://$src" \
	    >"$TMP/chromium.log" 2>&1
	[ -s "$2" ] || fail "chromium made no PDF of $1: $(tail -3 "$TMP/chromium.log")"
}

# check HTML PAPER: everything above, for one file on one paper size.
check() {
	html=$1 paper=$2 pdf=$TMP/out.pdf
	rm -f "$pdf"
	to_pdf "$html" "$pdf" "$paper"
	[ -s "$pdf" ] || return
	pdfinfo "$pdf" >"$TMP/info"
	case $paper in
	letter) expect_grep "$TMP/info" "pts (letter)" ;;
	A4) expect_grep "$TMP/info" "pts (A4)" ;;
	esac
	pages=$(sed -n 's/^Pages: *//p' "$TMP/info")
	pdftotext "$pdf" "$TMP/pdf.txt"
	tr -s ' \n' '  ' <"$TMP/pdf.txt" >"$TMP/flat.txt"
	# Blanks and hyphens aside: pdftotext joins a line that ends in "-"
	# to the next as if the word were hyphenated.
	tr -d ' \n-' <"$TMP/pdf.txt" >"$TMP/squeezed.txt"

	# Every step's title, as one run of words.
	grep -o '<h3>.*</h3>' "$html" | sed 's|.*</span>||' | html_unescape >"$TMP/titles"
	[ -s "$TMP/titles" ] || fail "$html has no step titles"
	while IFS= read -r t; do
		grep -qF -- "$t" "$TMP/flat.txt" ||
		    fail "$paper: step title '$t' not in the PDF"
	done <"$TMP/titles"

	# Every command whole: the same characters, whatever the wrapping.
	awk '/<pre>/ { p = 1; c = ""; sub(/.*<pre>/, "") }
	     p && /<\/pre>/ { sub(/<\/pre>.*/, ""); gsub(/[ \t-]/, ""); print c $0; p = 0 }
	     p { gsub(/[ \t-]/, ""); c = c $0 }' "$html" |
	    html_unescape | fold -w 60 >"$TMP/code"
	while IFS= read -r c; do
		grep -qF -- "$c" "$TMP/squeezed.txt" ||
		    fail "$paper: command text '$c' cut off in the PDF"
	done <"$TMP/code"

	# No word outside its page.
	pdftotext -bbox "$pdf" - | awk '
	    /<page / { match($0, /width="[0-9.]+"/); w = substr($0, RSTART + 7, RLENGTH - 8) + 0
		       match($0, /height="[0-9.]+"/); h = substr($0, RSTART + 8, RLENGTH - 9) + 0 }
	    /<word / { match($0, /xMax="[0-9.]+"/); x = substr($0, RSTART + 6, RLENGTH - 7) + 0
		       match($0, /yMax="[0-9.]+"/); y = substr($0, RSTART + 6, RLENGTH - 7) + 0
		       if (x > w || y > h || $0 ~ /Min="-/) print }' >"$TMP/outside"
	[ -s "$TMP/outside" ] && fail "$paper: words outside the page: $(head -3 "$TMP/outside")"

	# No step split: its title and its last line are on the same page.
	i=1
	while [ "$i" -le "$pages" ]; do
		pdftotext -f "$i" -l "$i" "$pdf" - | tr -s ' \n' '  ' >"$TMP/page$i"
		i=$((i + 1))
	done
	n=0
	awk '/<div class="step">/ { s = 1; t = ""; last = ""; next }
	     s && /<h3>/ { t = $0 }
	     s && /<div class="field">|<p class="tags">/ { last = $0 }
	     s && /^<\/div>$/ { print t "\t" last; s = 0 }' "$html" |
	while IFS='	' read -r t last; do
		t=$(printf '%s\n' "$t" | sed 's|.*</span>||' | html_unescape)
		last=$(printf '%s\n' "$last" | html_unescape | cut -c1-30)
		pt= pl=
		i=1
		while [ "$i" -le "$pages" ]; do
			[ -z "$pt" ] && grep -qF -- "$t" "$TMP/page$i" && pt=$i
			[ -z "$pl" ] && [ -n "$pt" ] && grep -qF -- "$last" "$TMP/page$i" && pl=$i
			i=$((i + 1))
		done
		[ "$pt" = "$pl" ] || echo "step '$t' starts on page $pt, ends on page $pl"
	done >"$TMP/split"
	[ -s "$TMP/split" ] && fail "$paper: $(cat "$TMP/split")"
	: $((n += 1))
}

for paper in letter A4; do
	check "$top_srcdir/tests/data/export/doc.html" "$paper"
	check "$top_srcdir/tests/data/export/report.html" "$paper"
done

# A checklist made by stepup export, long enough to fill pages.
if true; then
	"$STEPUP" export "$top_srcdir/tests/data/export/filestore.yaml" --from 1.0.0 \
	    --to 2.0.0 --format html --date 2026-11-22 --host head-1 \
	    -o "$TMP/long.html" 2>"$TMP/err" || fail "export failed: $(cat "$TMP/err")"
	for paper in letter A4; do
		check "$TMP/long.html" "$paper"
	done
fi
finish
