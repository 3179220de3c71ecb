#!/usr/bin/env bash
# Issue 14: refused files and conflicts are recorded in the database, so
# `ionsheet gradebook` and the web's gradebook say what `grade` said (the
# same cells, the same reasons, exit 1), in Chinese too; a later valid
# submission, from a file or from the web, supersedes them. A free port.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
ion() { "$bin" --db "$tmp/db" "$@"; }

ion init >/dev/null 2>&1 || { echo "FAIL: init"; exit 1; }
printf 'id,name\ns001,Ada Li\ns002,Ben Ode\ns003,Cai Lun\ns004,Dee Ray\ns005,Eve Sun\ns006,Fay Wu\n' >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C1 >/dev/null || no "roster import"
ion worksheet create w1 --course C1 --problems nernst-k >/dev/null || no "worksheet create"
ion generate w1 --out "$tmp/w1" --no-pdf >/dev/null 2>&1 || no "generate"
key=$tmp/w1/key.xml
# The key's value of a part (1a, a number in mV; 1b, a choice) for a
# student, so that answers can be right.
value() { awk -v id="$1" -v part="${2:-1a}" '/<student /{s=($0 ~ "id=\""id"\"")} s && $0 ~ "part id=\""part"\"" {match($0, /value="[^"]*"/); print substr($0, RSTART+7, RLENGTH-8); exit}' "$key"; }
answers() { printf 'worksheet: w1\nstudent: %s\n1a: %s mV\n1b: %s\n' "$1" "$(value "$1")" "$(value "$1" 1b)"; }

# ---- a directory as students hand it in ----
in=$tmp/in; mkdir "$in"
# s001 is claimed by two files: a conflict.
answers s001 >"$in/a.txt"
printf 'worksheet: w1\nstudent: s001\n1a: 12\n' >"$in/b.txt"
# s002: a .docx renamed .txt; s003: UTF-16 without a byte order mark.
printf 'PK\003\004\024\000\006\000word/document.xml' >"$in/s002.txt"
printf 'worksheet: w1\nstudent: s003\n1a: -90\n' | iconv -f UTF-8 -t UTF-16LE >"$in/s003.txt"
# s004 is graded, 1a given twice in two notations (one reading: right);
# s006 gives 1a twice, differently (ambiguous: invalid); s005 hands in
# nothing.
{ answers s004; echo "1a: $(value s004)"; } >"$in/s004.txt"
{ answers s006; echo "1a: 1 V"; } >"$in/s006.txt"
ion grade "$key" "$in" --csv "$tmp/grade.csv" --feedback "$tmp/fb" >/dev/null 2>"$tmp/grade.err"; rc=$?
[ $rc = 1 ] || no "grade: exit $rc, expected 1"
row() { grep "^$1," "$2" | tr -d '\r'; }
[ "$(row s001 "$tmp/grade.csv")" = "s001,Ada Li,0,3,0.0,conflict,conflict" ] || no "grade s001: $(row s001 "$tmp/grade.csv")"
[ "$(row s002 "$tmp/grade.csv")" = "s002,Ben Ode,0,3,0.0,refused,refused" ] || no "grade s002: $(row s002 "$tmp/grade.csv")"
[ "$(row s003 "$tmp/grade.csv")" = "s003,Cai Lun,0,3,0.0,refused,refused" ] || no "grade s003: $(row s003 "$tmp/grade.csv")"
[ "$(row s004 "$tmp/grade.csv")" = "s004,Dee Ray,3,3,100.0,2,1" ] || no "grade s004: $(row s004 "$tmp/grade.csv")"
[ "$(row s005 "$tmp/grade.csv")" = "s005,Eve Sun,0,3,0.0,missing,missing" ] || no "grade s005: $(row s005 "$tmp/grade.csv")"
[ "$(row s006 "$tmp/grade.csv")" = "s006,Fay Wu,1,3,33.3,invalid,1" ] || no "grade s006: $(row s006 "$tmp/grade.csv")"
grep -q "s006.txt:3: student s006, part 1a: ambiguous: answered twice, and the answers differ (lines 3 and 5)" "$tmp/grade.err" ||
    no "ambiguous message: $(cat "$tmp/grade.err")"
grep -q "ambiguous: answered twice" "$tmp/fb/s006.txt" || no "s006's feedback: $(cat "$tmp/fb/s006.txt")"

# ---- the database says the same: the table, the reasons, exit 1 ----
ion gradebook w1 >"$tmp/book.csv" 2>"$tmp/book.err"; rc=$?
[ $rc = 1 ] || no "gradebook with refused and conflict: exit $rc, expected 1"
cmp -s "$tmp/grade.csv" "$tmp/book.csv" || no "gradebook differs from grade --csv: $(diff "$tmp/grade.csv" "$tmp/book.csv")"
# Each reason grade printed (the file's name, not its path) is on the
# gradebook's line for that student, and in the feedback file.
reason() { grep "$in/$1:" "$tmp/grade.err" | sed "s#^ionsheet: $in/$1:[0-9]*: ##"; }
for f in s002.txt s003.txt; do
    why=$(reason $f)
    [ -n "$why" ] || no "grade said nothing about $f: $(cat "$tmp/grade.err")"
    grep -qxF "ionsheet: student ${f%.txt}: refused: $f: $why" "$tmp/book.err" ||
        no "gradebook's reason for $f: $(cat "$tmp/book.err") (grade: $why)"
    grep -qF "$f: ${why:0:40}" "$tmp/fb/${f%.txt}.txt" || no "feedback of ${f%.txt}: $(cat "$tmp/fb/${f%.txt}.txt")"
done
grep -q "a Word, OpenDocument or zip file" "$tmp/book.err" || no "the .docx reason: $(cat "$tmp/book.err")"
grep -q "UTF-16 text without a byte order mark" "$tmp/book.err" || no "the UTF-16 reason: $(cat "$tmp/book.err")"
grep -qxF "ionsheet: student s001: in conflict: a.txt:1, b.txt:1" "$tmp/book.err" || no "conflict line: $(cat "$tmp/book.err")"
grep -q "claimed by a.txt:1, b.txt:1" "$tmp/grade.err" || no "grade's conflict message: $(cat "$tmp/grade.err")"
[ "$(wc -l <"$tmp/book.err")" = 3 ] || no "three students not graded: $(cat "$tmp/book.err")"
# In Chinese: the reason in Chinese, as in the Chinese feedback.
ion --lang zh gradebook w1 >/dev/null 2>"$tmp/zh.err"
grep -q "^ionsheet: 学生 s002：提交未被接收：s002.txt：这是 Word、OpenDocument 或 zip 文件" "$tmp/zh.err" || no "zh reason: $(cat "$tmp/zh.err")"
grep -q "^ionsheet: 学生 s001：提交有冲突：a.txt:1, b.txt:1" "$tmp/zh.err" || no "zh conflict: $(cat "$tmp/zh.err")"
# The database keeps a code, in no language: grading in Chinese and
# reading in English gives English (and the reverse, above: graded in
# English, read in Chinese).
[ "$(sqlite3 "$tmp/db" "select reason from submissions where student_id = 's002'")" = "s002.txt: docx" ] ||
    no "s002's stored reason: $(sqlite3 "$tmp/db" "select reason from submissions where student_id = 's002'")"
cp "$tmp/db" "$tmp/db.zh"
mkdir "$tmp/in.zh"; printf '%%PDF-1.4\n' >"$tmp/in.zh/s005.txt"
"$bin" --db "$tmp/db.zh" --lang zh grade "$key" "$tmp/in.zh" --csv "$tmp/zh.csv" --feedback "$tmp/fb.zh" >/dev/null 2>"$tmp/zh.grade.err"
grep -qF "s005.txt:1: 这是 PDF，不是纯文本" "$tmp/zh.grade.err" || no "grade --lang zh's reason: $(cat "$tmp/zh.grade.err")"
grep -qF "这是 PDF，不是纯文本" "$tmp/fb.zh/s005.txt" || no "zh feedback of s005: $(cat "$tmp/fb.zh/s005.txt")"
"$bin" --db "$tmp/db.zh" gradebook w1 >/dev/null 2>"$tmp/en.err"
grep -qxF "ionsheet: student s005: refused: s005.txt: a PDF, not plain text: write the answers in the answer file" "$tmp/en.err" ||
    no "English gradebook after grade --lang zh: $(cat "$tmp/en.err")"
grep -q "[^ -~]" "$tmp/en.err" && no "Chinese in the English gradebook: $(cat "$tmp/en.err")"
"$bin" --db "$tmp/db.zh" --lang zh gradebook w1 >/dev/null 2>"$tmp/zh2.err"
grep -qF "学生 s005：提交未被接收：s005.txt：这是 PDF" "$tmp/zh2.err" || no "zh gradebook after grade --lang zh: $(cat "$tmp/zh2.err")"
[ "$(sqlite3 "$tmp/db" "select student_id || ':' || status from submissions where status != 'graded' order by student_id")" = \
  "$(printf 's001:conflict\ns002:refused\ns003:refused')" ] || no "status rows: $(sqlite3 "$tmp/db" 'select * from submissions')"
# Grading the same directory again records nothing new.
n=$(sqlite3 "$tmp/db" "select count(*) from submissions")
ion grade "$key" "$in" --csv "$tmp/again.csv" --feedback "$tmp/fb" >/dev/null 2>&1
[ "$(sqlite3 "$tmp/db" "select count(*) from submissions")" = "$n" ] || no "grading again duplicated rows"
ion gradebook w1 2>/dev/null | cmp -s - "$tmp/grade.csv" || no "gradebook after grading again"

# ---- the web's gradebook says the same ----
serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { no "serve did not start: $(cat "$tmp/log")"; exit 1; }
ck=$(curl -s -D - -o /dev/null "$iurl" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
curl -s -b "$ck" "$base/instructor/w1" >"$tmp/page.html"
curl -s -b "$ck" "$base/instructor/w1/gradebook.csv" >"$tmp/web.csv"
cmp -s "$tmp/web.csv" "$tmp/grade.csv" || no "the web's CSV differs: $(diff "$tmp/web.csv" "$tmp/grade.csv")"
grep -q '<td class="refused">refused</td>' "$tmp/page.html" || no "no refused cell on the page"
grep -q '<td class="conflict">conflict</td>' "$tmp/page.html" || no "no conflict cell on the page"
grep -q 'Refused or in conflict' "$tmp/page.html" || no "no refused list on the page"
grep -qF "student s002: refused: s002.txt: a Word, OpenDocument or zip file" "$tmp/page.html" || no "no reason on the page"
grep -qF "student s001: in conflict: a.txt:1, b.txt:1" "$tmp/page.html" || no "no conflict files on the page"
# The not-submitted list is s005's alone.
sed -n 's#.*<h2>Not submitted</h2><ul>\(.*\)</ul><h2>Refused.*#\1#p' "$tmp/page.html" >"$tmp/missing"
grep -q 's005' "$tmp/missing" && ! grep -q 's00[1-3]' "$tmp/missing" || no "not-submitted list: $(cat "$tmp/missing")"
curl -s -b "$ck" "$base/instructor/w1/student/s002" >"$tmp/history.html"
grep -qF '<p class="status">refused: s002.txt: a Word' "$tmp/history.html" || no "history: $(cat "$tmp/history.html")"

# ---- a later valid submission supersedes: s003 on the web ----
token() { grep "^$1," "$tmp/w1/links.csv" | sed 's#.*/s/##' | tr -d '\r'; }
t3=$(token s003)
curl -s "$base/s/$t3" >"$tmp/s3.html"
# The student's own page says what became of the file, not "your latest answers".
grep -qF "Your latest hand-in, received" "$tmp/s3.html" && grep -qF "was refused: s003.txt: UTF-16 text without a byte order mark" "$tmp/s3.html" ||
    no "s003's page: $(grep -o '<p class="note"[^<]*' "$tmp/s3.html")"
curl -s "$base/s/$(token s001)" | grep -qF "is in conflict with another file (a.txt:1, b.txt:1)" || no "s001's page says nothing of the conflict"
curl -s "$base/s/$(token s002)?lang=zh" | grep -qF "未被接收：s002.txt：这是 Word、OpenDocument 或 zip 文件" || no "s002's page in Chinese"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$tmp/s3.html" | sed 's/.*value="//;s/"$//')
[ "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" --data-urlencode "1a=$(value s003) mV" --data-urlencode "1b=$(value s003 1b)" "$base/s/$t3")" = 200 ] ||
    no "s003's web submission"
[ "$(ion gradebook w1 2>/dev/null | row s003 -)" = "s003,Cai Lun,3,3,100.0,2,1" ] || no "s003 after the web: $(ion gradebook w1 2>&1)"
kill "$pid"; wait "$pid" 2>/dev/null; pid=

# ---- and from files: s001 and s002 hand in again, the same second ----
rm "$in/b.txt" "$in/s003.txt"
answers s002 >"$in/s002.txt"
ion --quiet grade "$key" "$in" --csv "$tmp/grade2.csv" --feedback "$tmp/fb2" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || no "grading the fixed files: exit $rc: $(cat "$tmp/err")"
ion gradebook w1 >"$tmp/book2.csv" 2>"$tmp/book2.err"; rc=$?
[ $rc = 0 ] || no "gradebook once everything is graded: exit $rc: $(cat "$tmp/book2.err")"
[ -s "$tmp/book2.err" ] && no "gradebook still reports: $(cat "$tmp/book2.err")"
for s in s001 s002 s003 s004; do
    [ "$(row $s "$tmp/book2.csv" | cut -d, -f3-)" = "3,3,100.0,2,1" ] || no "$s after handing in again: $(row $s "$tmp/book2.csv")"
done
[ "$(row s005 "$tmp/book2.csv")" = "s005,Eve Sun,0,3,0.0,missing,missing" ] || no "s005: $(row s005 "$tmp/book2.csv")"
[ "$(sqlite3 "$tmp/db" 'pragma integrity_check')" = ok ] || no "integrity"
[ "$(sqlite3 "$tmp/db" 'pragma foreign_key_check' | wc -l)" = 0 ] || no "foreign keys"

[ $fail = 0 ] && echo "status: all passed"
exit $fail
