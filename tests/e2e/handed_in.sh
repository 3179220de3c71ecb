#!/usr/bin/env bash
# Issue 14's acceptance with files as students hand them in, against a
# generated worksheet of five templates (tests/e2e/handed_in.py writes them
# from the key): a Notepad UTF-16 file with every kind of notation, one in
# Chinese units, a real .docx renamed .txt, a German Excel CSV (semicolons,
# decimal commas, BOM), a part answered twice (one reading, and two), a
# UTF-16 file without a BOM. `grade` and `gradebook` say the same.
set -u
. "$(dirname "$0")/common.bash"

ion init >/dev/null 2>&1 || { echo "FAIL: init"; exit 1; }
printf 'id,name\ns01,Ana\ns02,Bo\ns03,Cy\ns04,Di\ns05,Ed\ns06,Flo\ns07,Gus\n' >"$tmp/r.csv"
ion roster import "$tmp/r.csv" --course A >/dev/null || no "roster import"
ion worksheet create wk --course A \
    --problems nernst-k,donnan-product,drive-cl,concept-leak-channels,ghk-hyperkalemia >/dev/null || no "worksheet create"
ion generate wk --out "$tmp/wk" --no-pdf >/dev/null 2>&1 || no "generate"
python3 tests/e2e/handed_in.py "$tmp/wk/key.xml" "$tmp/in" || no "writing the files"

ion grade "$tmp/wk/key.xml" "$tmp/in" --csv "$tmp/g.csv" --feedback "$tmp/fb" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "grade: exit $rc, expected 1 (two files refused)"
row() { grep "^$1," "$tmp/g.csv" | tr -d '\r'; }
full="14,14,100.0,2,1,1,1,2,1,2,1,1,1,1"
for s in s01 s02 s04 s05; do
    [ "$(row $s | cut -d, -f3-)" = "$full" ] || no "$s not full marks: $(row $s); $(grep -v '^ ' "$tmp/fb/$s.txt" | grep -B3 -A3 -E 'wrong|invalid|partial|blank' | head -20)"
done
[ "$(row s03 | cut -d, -f3-6)" = "0,14,0.0,refused" ] || no "s03 (a .docx): $(row s03)"
[ "$(row s07 | cut -d, -f3-6)" = "0,14,0.0,refused" ] || no "s07 (UTF-16 without a BOM): $(row s07)"
[ "$(row s06 | cut -d, -f3-7)" = "2,14,14.3,2,0" ] && [ "$(row s06 | cut -d, -f8)" = invalid ] || no "s06: $(row s06)"
grep -q "^ionsheet: $tmp/in/s03.txt:1: a Word, OpenDocument or zip file" "$tmp/err" || no "the .docx message: $(cat "$tmp/err")"
grep -q "^ionsheet: $tmp/in/s07.txt:1: UTF-16 text without a byte order mark" "$tmp/err" || no "the UTF-16 message"
grep -q "s06.txt:5: student s06, part 2a: ambiguous: answered twice" "$tmp/err" || no "the ambiguous message"
[ "$(grep -c s06.txt "$tmp/err")" = 1 ] || no "1a's two roundings were not one answer: $(grep s06 "$tmp/err")"
grep -q "your answer: .* | .* V" "$tmp/fb/s06.txt" || no "s06's feedback shows both answers: $(grep 'your answer' "$tmp/fb/s06.txt" | head -2)"
grep -q "carried forward\|^5c   right" "$tmp/fb/s01.txt" || no "s01's 5c from its own rounded 5a, 5b: $(grep -A4 '^5c' "$tmp/fb/s01.txt")"
grep -q "7 students, 5 graded, 0 missing, 2 refused" "$tmp/out" || no "summary: $(head -1 "$tmp/out")"

# The database says the same.
ion gradebook wk >"$tmp/book.csv" 2>"$tmp/book.err"; rc=$?
[ $rc = 1 ] || no "gradebook: exit $rc, expected 1"
cmp -s "$tmp/g.csv" "$tmp/book.csv" || no "gradebook differs from grade: $(diff "$tmp/g.csv" "$tmp/book.csv")"
[ "$(cut -d: -f2- "$tmp/book.err" | sed 's/^ //' | sort)" = \
  "$(printf 'student s03: refused: s03.txt: a Word, OpenDocument or zip file, not plain text: save it as plain text\nstudent s07: refused: s07.txt: UTF-16 text without a byte order mark: save it as UTF-8')" ] ||
    no "gradebook's reasons: $(cat "$tmp/book.err")"

[ $fail = 0 ] && echo "handed_in: all passed"
exit $fail
