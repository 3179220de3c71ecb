#!/usr/bin/env bash
# The answer key v2 (schema/answer-key.xsd): generate writes it valid and
# small, and grade grades a class the same from its v2 key as from the v1
# key of the same class (tests/data/grade/v2: both keys were generated from
# one database, key-v1.xml by the build before v2; random answers from
# tests' own generator, one student with carried-forward work), in English
# and Chinese.
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-$PWD/ionsheet}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }
d=tests/data/grade/v2

xmllint --nonet --noout --schema schema/answer-key.xsd "$d/key-v2.xml" 2>"$tmp/err" || no "key-v2.xml invalid: $(cat "$tmp/err")"
xmllint --nonet --noout --schema schema/answer-key-1.xsd "$d/key-v1.xml" 2>"$tmp/err" || no "key-v1.xml invalid: $(cat "$tmp/err")"
xmllint --nonet --noout --schema schema/answer-key.xsd "$d/key-v1.xml" 2>/dev/null && no "the v2 schema takes a v1 key"

for lang in en zh; do
    for v in v1 v2; do
        "$bin" --db "$tmp/none.db" --lang $lang grade "$d/key-$v.xml" "$d/submissions" \
            --csv "$tmp/$lang-$v.csv" --feedback "$tmp/$lang-fb-$v" >"$tmp/$lang-$v.out" 2>"$tmp/$lang-$v.err" \
            || no "grade $v ($lang) exited $?: $(head -3 "$tmp/$lang-$v.err")"
    done
    cmp -s "$tmp/$lang-v1.csv" "$tmp/$lang-v2.csv" || no "$lang: the gradebooks of the v1 and v2 keys differ: $(diff "$tmp/$lang-v1.csv" "$tmp/$lang-v2.csv" | head -4)"
    diff -r "$tmp/$lang-fb-v1" "$tmp/$lang-fb-v2" >"$tmp/diff" || no "$lang: the feedback of the v1 and v2 keys differs: $(head -6 "$tmp/diff")"
    sed "s/-v1//g" "$tmp/$lang-v1.out" >"$tmp/$lang-v1.sum"; sed "s/-v2//g" "$tmp/$lang-v2.out" >"$tmp/$lang-v2.sum"
    cmp -s "$tmp/$lang-v1.sum" "$tmp/$lang-v2.sum" || no "$lang: the summaries differ: $(diff "$tmp/$lang-v1.sum" "$tmp/$lang-v2.sum" | head -4)"
    [ "$(ls "$tmp/$lang-fb-v2" | wc -l)" = 12 ] || no "$lang: not 12 feedback files"
done
grep -q "carried forward from 2a" "$tmp/en-fb-v2/s01.txt" || no "no carried-forward credit from the v2 key"
# Issue 19 item 4: an & in a name is an & in the gradebook and the feedback.
grep -q '^s12,李华 & Co,' "$tmp/en-v2.csv" || no "the name with & in the gradebook: $(grep '^s12' "$tmp/en-v2.csv" | cut -c1-30)"
grep -q '^Student: 李华 & Co (s12)' "$tmp/en-fb-v2/s12.txt" || no "the name with & in the feedback"
grep -q "volts\|ratio\|kelvin\|log" "$tmp/en-fb-v2/"*.txt || no "no mistake feedback at all"
grep -q "浓度\|单位\|开尔文" "$tmp/zh-fb-v2/"*.txt || no "no Chinese mistake feedback"
diff -r "$tmp/en-fb-v2" "$tmp/zh-fb-v2" >/dev/null && no "the Chinese feedback is the English one"

# generate writes v2: valid, at most 3 KB a student (the benchmark's
# worksheet), numbers exact, and a right answer file scores full marks.
"$bin" --db "$tmp/g.db" --quiet init
{ echo "id,name"; for i in $(seq -w 1 60); do echo "s$i,Student $i"; done; } >"$tmp/r.csv"
"$bin" --db "$tmp/g.db" --quiet roster import "$tmp/r.csv" --course C
"$bin" --db "$tmp/g.db" --quiet worksheet create w --course C \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
"$bin" --db "$tmp/g.db" --quiet generate w --out "$tmp/o" --no-pdf || no "generate"
key=$tmp/o/key.xml
xmllint --nonet --noout --schema schema/answer-key.xsd "$key" 2>"$tmp/err" || no "generated key invalid: $(cat "$tmp/err")"
grep -q 'xmlns="urn:ionsheet:answer-key:2"' "$key" || no "generate does not write a v2 key"
[ "$(grep -c '<template ' "$key")" = 5 ] || no "not one template section per template"
per=$(awk '/<student /{on=1} on{n += length($0) + 1} END{print int(n / 60)}' "$key")
[ "$per" -le 3000 ] || no "the key holds $per bytes a student (over 3 KB)"
# every numeric value reads back as a double printed with at most 17 digits
awk 'match($0, / value="[-0-9.e+]*"/) { v = substr($0, RSTART + 8, RLENGTH - 9); gsub(/[-.]|e.*/, "", v); sub(/^0+/, "", v)
     if (length(v) > 17) { print; exit 1 } }' "$key" >"$tmp/long" || no "a value with more than 17 digits: $(cat "$tmp/long")"
mkdir -p "$tmp/in"
awk -v dir="$tmp/in" '
    /<student / { match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5)
                  f = dir "/" id ".txt"; print "worksheet: w\nstudent: " id > f }
    /<student /, /<\/student>/ { if ($0 ~ /<part /) { match($0, /id="[^"]*"/); p = substr($0, RSTART + 4, RLENGTH - 5)
                  match($0, / value="[^"]*"/); print p ": " substr($0, RSTART + 8, RLENGTH - 9) >> f } }
    /<\/student>/ { close(f) }' "$key"
"$bin" --db "$tmp/none.db" grade "$key" "$tmp/in" --csv "$tmp/g.csv" --feedback "$tmp/gfb" >/dev/null 2>&1 || no "grading the generated key"
awk -F, 'NR > 1 && $5 != 100 { bad = 1 } END { exit bad }' "$tmp/g.csv" || no "right answers from the v2 key do not all score 100%: $(head -3 "$tmp/g.csv")"

# Issue 19 item 1: a sheet of zeros earns nothing (the volts mistakes,
# E/1000, are judged within their own precision, not within 0.5 mV).
mkdir -p "$tmp/zeros"
awk -v dir="$tmp/zeros" '
    /<student / { match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5)
                  f = dir "/" id ".txt"; print "worksheet: w\nstudent: " id > f }
    /<student /, /<\/student>/ { if ($0 ~ /<part .*kind="numeric"/) { match($0, /id="[^"]*"/)
                  print substr($0, RSTART + 4, RLENGTH - 5) ": 0" >> f } }
    /<\/student>/ { close(f) }' "$key"
"$bin" --db "$tmp/none.db" grade "$key" "$tmp/zeros" --csv "$tmp/z.csv" --feedback "$tmp/zfb" >/dev/null 2>&1 || no "grading zeros"
awk -F, 'NR > 1 && $3 != 0 { bad = 1 } END { exit bad }' "$tmp/z.csv" || no "a sheet of zeros earns points: $(awk -F, 'NR > 1 && $3 != 0' "$tmp/z.csv" | head -2)"

[ $fails = 0 ] && echo "key v2: all checks passed"
exit $((fails > 0))
