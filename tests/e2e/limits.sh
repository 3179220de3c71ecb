#!/usr/bin/env bash
# Limits and refusals of issue 19 (items 5, 11, 12, 13) and issue 14.5:
#   - a long --out (over 1,023 bytes) is used whole, never truncated; one
#     over PATH_MAX is refused with a message;
#   - points over 1,000 are refused, in `worksheet create` and in a key;
#   - a roster's good rows are imported beside a 64 KiB field, a NUL byte,
#     Windows-reserved ids and ids starting with '-', which are refused;
#   - `calc nernst out=1e308M` says out of range, not "must be positive";
#   - `bank import` of an empty directory (UBSan: qsort of NULL);
#   - `generate --student` adds a late student and keeps the class's key,
#     class.pdf and solutions.pdf whole, byte-identical for the others.
set -u
. "$(dirname "$0")/common.bash"
export IONSHEET_HOME=$PWD
ion() { "$bin" --db "$tmp/t.db" --quiet "$@"; }

ion init || no "init"
{ echo "id,name"; for i in 1 2 3 4 5 6; do echo "s00$i,Student $i"; done; } >"$tmp/r.csv"
ion roster import "$tmp/r.csv" --course C || no "roster"
ion worksheet create w --course C --problems nernst-k,ghk-kna || no "worksheet"

# ---- a long --out ----
long="$tmp"
while [ ${#long} -lt 1500 ]; do long="$long/$(printf 'd%.0s' $(seq 1 200))"; done
ion generate w --out "$long" --no-pdf 2>"$tmp/err" || no "a ${#long}-byte --out: $(cat "$tmp/err")"
[ -s "$long/key.xml" ] && [ -s "$long/answers/s001.txt" ] || no "a ${#long}-byte --out: the files are not there"
toolong="$long"
while [ ${#toolong} -lt 4200 ]; do toolong="$toolong/$(printf 'e%.0s' $(seq 1 200))"; done
ion generate w --out "$toolong" --no-pdf 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a ${#toolong}-byte --out: exit $rc"
grep -q "output directory path of ${#toolong} bytes" "$tmp/err" || no "a too long --out: $(cat "$tmp/err")"
printf 'worksheet: w\nstudent: s001\n1a: -90 mV\n' >"$tmp/s001.txt"
ion grade "$long/key.xml" "$tmp/s001.txt" --csv "$long/book.csv" --feedback "$long/fb" 2>"$tmp/err"
[ $? -le 1 ] || no "grade into a long path: $(cat "$tmp/err")"
[ -s "$long/book.csv" ] && [ -s "$long/fb/s001.txt" ] || no "grade into a long path: the files are not there"

# ---- points ----
ion worksheet create w2 --course C --problems nernst-k --points 1e308 2>"$tmp/err"; rc=$?
[ $rc != 0 ] || no "--points 1e308 accepted"
grep -q "invalid points" "$tmp/err" || no "--points 1e308: $(cat "$tmp/err")"
ion worksheet create w3 --course C --problems nernst-k --points 1000 || no "--points 1000 refused"
sed '0,/points="[0-9.]*"/s//points="1e308"/' "$long/key.xml" >"$tmp/bigkey.xml"
ion grade "$tmp/bigkey.xml" "$tmp/s001.txt" --csv "$tmp/b.csv" --feedback "$tmp/fb" 2>"$tmp/err"; rc=$?
[ $rc = 3 ] || no "a key with points=1e308: exit $rc"
grep -q "points 1e+308 out of range" "$tmp/err" || no "a key with points=1e308: $(cat "$tmp/err")"

# ---- roster: good rows beside bad ones ----
python3 - "$tmp/bad.csv" <<'EOF'
import sys
rows = ["id,name", "g001,Good One", "b001," + "x" * 70000, "b002,Nul\x00Byte", "CON,Con", "aux.txt,Aux",
        "-rf,Dash", "com1,Com", "LPT9,Lpt", "g002,Good Two", "COM10,Good Three", "console,Good Four"]
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
EOF
ion roster import "$tmp/bad.csv" --course R 2>"$tmp/err"
got=$(sqlite3 "$tmp/t.db" "select group_concat(id, ' ') from (select id from students where course_id = 'R' order by id)")
[ "$got" = "COM10 console g001 g002" ] || no "roster: imported '$got'"
[ "$(grep -c '^ionsheet: .*bad.csv:[0-9]*: ' "$tmp/err")" = 7 ] || no "roster: 7 refused rows expected: $(cat "$tmp/err")"
grep -q "bad.csv:3: field longer than 65536 bytes" "$tmp/err" || no "roster: the long field"
grep -q "bad.csv:4: NUL byte" "$tmp/err" || no "roster: the NUL byte"
grep -q "'aux.txt' is a reserved file name on Windows" "$tmp/err" || no "roster: aux.txt"
grep -q "'-rf' must not start with '-'" "$tmp/err" || no "roster: -rf"

# ---- calc: an overflow is not a sign error ----
"$bin" calc nernst z=1 out=1e308M in=140mM 2>"$tmp/err"; rc=$?
[ $rc = 3 ] || no "calc out=1e308M: exit $rc"
grep -q "out: out of range" "$tmp/err" || no "calc out=1e308M: $(cat "$tmp/err")"

# ---- an empty problems directory ----
mkdir "$tmp/empty"
ion bank import "$tmp/empty" 2>"$tmp/err"; rc=$?
[ $rc -le 1 ] || no "bank import of an empty directory: exit $rc: $(cat "$tmp/err")"

# ---- generate --student: a late student keeps the class's documents whole ----
"$bin" --db "$tmp/t.db" --quiet roster import "$tmp/r.csv" --course L || no "roster L"
ion worksheet create late --course L --problems nernst-k || no "worksheet late"
cp "$tmp/t.db" "$tmp/full.db"
"$bin" --db "$tmp/full.db" --quiet generate late --out "$tmp/full" || no "generate the whole class"
# The class without s006, then s006 alone, late.
sqlite3 "$tmp/t.db" "delete from students where course_id = 'L' and id = 's006'"
ion generate late --out "$tmp/l" || no "generate without s006"
sqlite3 "$tmp/t.db" "insert into students (course_id, id, name) values ('L', 's006', 'Student 6')"
cp "$tmp/l/students/s001.pdf" "$tmp/s001-before.pdf"
ion generate late --student s006 --out "$tmp/l" 2>"$tmp/err" || no "generate --student s006: $(cat "$tmp/err")"
cmp -s "$tmp/full/key.xml" "$tmp/l/key.xml" || no "after --student s006, key.xml differs from the whole class's"
for f in class.pdf solutions.pdf students/s006.pdf answers/s006.txt; do
    cmp -s "$tmp/full/$f" "$tmp/l/$f" || no "after --student s006, $f differs from the whole class's"
done
cmp -s "$tmp/s001-before.pdf" "$tmp/l/students/s001.pdf" || no "--student s006 rewrote s001's worksheet"
ion generate late --student s003 --student s003 --out "$tmp/l" || no "generate --student s003 twice"
cmp -s "$tmp/full/key.xml" "$tmp/l/key.xml" || no "after --student s003 (twice), key.xml is not the class's"
# A student removed from the roster leaves the class's key, as a whole run
# would leave them out.
# (s004 handed something in first: removed, they are kept as withdrawn.)
printf 'worksheet: late\nstudent: s004\n1a: -90 mV\n' >"$tmp/s004.txt"
ion grade "$tmp/l/key.xml" "$tmp/s004.txt" --csv "$tmp/l4.csv" --feedback "$tmp/l4fb" 2>/dev/null
ion roster remove s004 --course L >/dev/null || no "roster remove s004"
[ -n "$(sqlite3 "$tmp/t.db" "select withdrawn from students where course_id = 'L' and id = 's004'")" ] ||
    no "s004 was not kept as withdrawn"
"$bin" --db "$tmp/t.db" --quiet generate late --out "$tmp/l-whole" --no-pdf || no "whole run after a removal"
ion generate late --student s001 --out "$tmp/l" --no-pdf || no "--student s001 after a removal"
cmp -s "$tmp/l-whole/key.xml" "$tmp/l/key.xml" || no "after a removal, --student's key is not a whole run's"
grep -q 'id="s004"' "$tmp/l/key.xml" && no "a removed student is still in the key"
printf 'worksheet: late\nstudent: s002\n1a: -90 mV\n' >"$tmp/s002.txt"
ion grade "$tmp/l/key.xml" "$tmp/s002.txt" --csv "$tmp/lb.csv" --feedback "$tmp/lfb" 2>"$tmp/err"
[ $? -le 1 ] || no "grading the class after a late student: $(cat "$tmp/err")"

[ $fail = 0 ] && echo "limits: all passed"
exit $fail
