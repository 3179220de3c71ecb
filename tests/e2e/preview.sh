#!/usr/bin/env bash
# bank preview: a template as a student sees it and its solutions, in the
# terminal or as a PDF, in English and Chinese, from a database with no
# course, roster or worksheet, storing nothing.
set -u
. "$(dirname "$0")/common.bash"

ion --quiet init || no "init"
before=$(sqlite3 "$db" .dump | sha256sum)

# The terminal: the student's page has no answer, the solutions have the
# answer bank show gives for the same seed.
ion bank preview nernst-k --seed 7 >"$tmp/out" || no "preview"
page=$(sed '/Worked solutions/,$d' "$tmp/out")
solutions=$(sed -n '/Worked solutions/,$p' "$tmp/out")
echo "$page" | grep -q '^Preview: nernst-k (seed 7)$' || no "page header: $(echo "$page" | head -1)"
echo "$page" | grep -q 'Answer: ________ mV' || no "the page should show an empty numeric answer"
key=$(ion bank show nernst-k --seed 7 | sed -n 's/^  answer: \(-[0-9.]*\) mV.*/\1/p' | head -1)
[ -n "$key" ] || no "bank show gave no answer"
echo "$page" | grep -q -- "${key#-}" && no "the student's page shows the answer $key"
echo "$solutions" | grep -q "Answer: −${key#-}" || no "the solutions do not show $key: $solutions"
echo "$solutions" | grep -q '^Solution: ' || no "no worked solution"
[ "$(ion bank preview nernst-k --seed 7 | sha256sum)" = "$(sha256sum <"$tmp/out")" ] || no "the same seed printed something else"
[ "$(ion bank preview nernst-k --seed 8 | sha256sum)" = "$(sha256sum <"$tmp/out")" ] && no "another seed printed the same"
ion --lang zh bank preview nernst-k --seed 7 | grep -q '钾离子的平衡电位' || no "--lang zh before the command"
ion --lang zh bank preview nernst-k --seed 7 | head -1 | grep -qx '预览：nernst-k（种子 7）' || no "the page header in Chinese"
ion bank preview nernst-k --seed 7 --lang zh | grep -q '详细解答' || no "--lang zh after the command"

# The PDF: two pages, the worksheet then the solutions, private.
ion bank preview ghk-kna --seed 3 --pdf "$tmp/p.pdf" >"$tmp/out" || no "preview --pdf"
grep -q "wrote $tmp/p.pdf" "$tmp/out" || no "preview --pdf says: $(cat "$tmp/out")"
[ "$(pdfinfo "$tmp/p.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" = 2 ] || no "the PDF should have 2 pages"
[ "$(stat -c %a "$tmp/p.pdf")" = 600 ] || no "the PDF holds solutions: mode 600, not $(stat -c %a "$tmp/p.pdf")"
pdftotext -f 1 -l 1 "$tmp/p.pdf" - | grep -q 'Problem 1' || no "page 1 is not the worksheet"
pdftotext -f 2 -l 2 "$tmp/p.pdf" - | grep -q 'Worked solutions' || no "page 2 is not the solutions"
key=$(ion bank show ghk-kna --seed 3 | sed -n 's/^  answer: -\([0-9.]*\) mV.*/\1/p' | head -1)
pdftotext -f 2 -l 2 "$tmp/p.pdf" - | grep -q "$key" || no "the solutions page does not show $key"
pdftotext -f 1 -l 1 "$tmp/p.pdf" - | grep -q "$key" && no "the worksheet page shows the answer"
ion --lang zh bank preview donnan-concentrations --pdf "$tmp/zh.pdf" >/dev/null || no "preview --pdf zh"
pdftotext "$tmp/zh.pdf" - | grep -q '唐南平衡' || no "the Chinese PDF has no Chinese title"
pdftotext "$tmp/zh.pdf" - | grep -q '^预览：donnan-concentrations' || no "the Chinese PDF's header is not Chinese"
pdffonts "$tmp/zh.pdf" 2>&1 | grep -qi 'error' && no "pdffonts complains about the Chinese PDF"
# Characters only the solution prints (因, 而, 比 ...) are in the fonts too,
# not drawn as '?'.
ion --lang zh bank preview synapse-egaba-hco3 --seed 1 --pdf "$tmp/zh2.pdf" >/dev/null || no "preview --pdf zh (synapse)"
pdftotext "$tmp/zh2.pdf" - | grep -q '?' && no "the Chinese solution has '?' for characters: $(pdftotext "$tmp/zh2.pdf" - | grep -m1 '?')"
pdftotext "$tmp/zh2.pdf" - | grep -q '因' || no "the Chinese solution lacks 因"

# Nothing stored; errors.
[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ] || no "preview changed the database"
ion bank preview no-such-template 2>"$tmp/err"; [ $? = 2 ] || no "an unknown template should exit 2"
grep -q "no-such-template" "$tmp/err" || no "unknown template message: $(cat "$tmp/err")"
ion bank preview nernst-k --seed x 2>/dev/null; [ $? = 2 ] || no "a bad seed should exit 2"
ion bank preview nernst-k --seed -1 2>/dev/null; [ $? = 2 ] || no "a negative seed should exit 2"
ion bank preview nernst-k --lang fr 2>/dev/null; [ $? = 2 ] || no "an unknown language should exit 2"
mkdir "$tmp/ro"; chmod 500 "$tmp/ro"
if [ "$(id -u)" != 0 ]; then
    ion bank preview nernst-k --pdf "$tmp/ro/x.pdf" 2>/dev/null; [ $? = 4 ] || no "an unwritable PDF should exit 4"
fi
ion bank preview nernst-k --pdf "$tmp/missing/dir/x.pdf" >/dev/null || no "the PDF's directory is made"
[ -s "$tmp/missing/dir/x.pdf" ] || no "no PDF in a new directory"
exit $fail
