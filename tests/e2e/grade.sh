#!/usr/bin/env bash
# ionsheet grade: the shipped submissions against the hand-written key
# (tests/data/grade/key.xml), hostile files, outputs, and a real database
# (init, roster, worksheet, generate, then grading twice).
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-./ionsheet}
if ! "$bin" grade --help >/dev/null 2>&1; then
    echo "SKIP: $bin has no grade command (add {\"grade\", cmd_grade} to src/cli/main.c)"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
ion() { "$bin" --db "$tmp/no.db" "$@"; }
key=tests/data/grade/key.xml
subs=tests/data/submissions

# ---- every shipped submission: graded or refused with one line each ----
ion grade "$key" "$subs" --csv "$tmp/book.csv" --feedback "$tmp/fb" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "refused files should give exit 1, got $rc"
[ -e "$tmp/no.db" ] && no "grade created a database"
for f in other-worksheet.txt unknown-student.txt empty.txt binary.png doctype.xml external-entity.xml; do
    n=$(grep -c "^ionsheet: $subs/$f[:]" "$tmp/err")
    [ "$n" = 1 ] || no "$f: expected one message line, got $n: $(cat "$tmp/err")"
done
grep -q "^ionsheet: $subs/other-worksheet.txt:1: this submission is for worksheet 'week6'" "$tmp/err" || no "other worksheet message"
grep -q "^ionsheet: $subs/unknown-student.txt:2: unknown student 's042'" "$tmp/err" || no "unknown student message"
grep -q "^ionsheet: $subs/class.csv:3: unknown student 's999'" "$tmp/err" || no "unknown student row in the class CSV"
grep -q "^ionsheet: $subs/class.csv:2: student s003, part 1c: 'abc' is not a number" "$tmp/err" || no "unreadable answer message"
grep -q "^ionsheet: $subs/external-entity.xml:3: entity 'xxe' not defined" "$tmp/err" || no "entity message: $(grep external "$tmp/err")"
grep -qi "passwd\|root:" "$tmp/out" "$tmp/err" "$tmp/book.csv" && no "something outside was read"
[ "$(grep -vc '^ionsheet: ' "$tmp/err")" = 0 ] || no "stderr lines not in the message format: $(cat "$tmp/err")"

# book_is FILE ROW...: the gradebook at FILE is the header and these rows.
book_is() {
    local f=$1; shift
    [ "$(cat "$f")" = "$(printf '%s\r\n' "student,name,total,max,percent,1a,1b,1c,1d,2a,2b" "$@")" ] ||
        no "gradebook $f: $(cat "$f")"
}
book_is "$tmp/book.csv" "s001,Ada Li,11,11,100.0,2,1,2,1,3,2" \
    's002,"Zoë ""Z"" Ångström, Jr",6.75,11,61.4,0,1,2,1,0.75,2' "s003,李静,5,11,45.5,0,0,invalid,0,3,2"
grep -q "3 students, 3 graded, 0 missing" "$tmp/out" || no "summary: $(cat "$tmp/out")"
grep -q "hardest parts: 1a" "$tmp/out" || no "hardest parts: $(cat "$tmp/out")"
grep -q "90-100% |#" "$tmp/out" || no "histogram: $(cat "$tmp/out")"
[ "$(ls "$tmp/fb" | tr '\n' ' ')" = "s001.txt s002.txt s003.txt " ] || no "feedback files: $(ls "$tmp/fb")"
grep -q "carried forward from 1a" "$tmp/fb/s002.txt" || no "carried forward in s002's feedback"
grep -q "The ratio is inverted" "$tmp/fb/s002.txt" || no "mistake feedback in s002's feedback"
grep -q "^1c   invalid  0 / 2" "$tmp/fb/s003.txt" || no "invalid part in s003's feedback"

# Chinese feedback where the key has it.
ion --lang zh grade "$key" "$subs/s002.xml" --csv "$tmp/zh.csv" --feedback "$tmp/zh" >/dev/null 2>&1 || no "zh grading"
grep -q "浓度比写反了" "$tmp/zh/s002.txt" || no "zh feedback: $(cat "$tmp/zh/s002.txt")"
# Every heading and note in Chinese too (issue 14 item 7).
for said in "^学生：" "^总分：" "你的答案：89.06 mV" "参考答案：" "沿用 1a 的结果"; do
    grep -q "$said" "$tmp/zh/s002.txt" || no "zh feedback lacks '$said': $(cat "$tmp/zh/s002.txt")"
done
grep -qE "your answer|key:|carried forward|^Student|^Total|^Submission|^Worksheet| right | wrong " "$tmp/zh/s002.txt" &&
    no "English left in the zh feedback: $(cat "$tmp/zh/s002.txt")"
grep -q "^s001,Ada Li,0,11,0.0,missing" "$tmp/zh.csv" || no "missing student row: $(cat "$tmp/zh.csv")"

# ---- all good: exit 0; outputs beside the key by default; --quiet ----
cp "$key" "$tmp/key.xml"
ion --quiet grade "$tmp/key.xml" "$subs/s001.txt" "$subs/s002.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || no "good files should give exit 0, got $rc: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && no "--quiet printed: $(cat "$tmp/out")"
[ -f "$tmp/gradebook.csv" ] && [ -f "$tmp/feedback/s001.txt" ] || no "default outputs beside the key"
# A directory holding the key and the gradebook: those two are not
# submissions; an old gradebook under another name is refused.
mkdir "$tmp/d" && cp "$key" "$subs/s001.txt" "$tmp/d/"
ion grade "$tmp/d/key.xml" "$tmp/d" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || no "grading a directory with the key in it: exit $rc: $(cat "$tmp/err")"
cp "$tmp/d/gradebook.csv" "$tmp/d/old.csv"
ion grade "$tmp/d/key.xml" "$tmp/d" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "an old gradebook among the submissions: exit $rc"
grep -q "old.csv:1: this is a gradebook, not a submission" "$tmp/err" || no "old gradebook message: $(cat "$tmp/err")"

# ---- oversized, missing, usage ----
{ echo "student: s001"; head -c 1100000 /dev/zero | tr '\0' '#'; } >"$tmp/big.txt"
ion grade "$key" "$tmp/big.txt" "$subs/s001.txt" --csv "$tmp/b.csv" --feedback "$tmp/b" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "oversized file: exit $rc"
grep -q "big.txt: the file is larger than 1048576 bytes" "$tmp/err" || no "oversized message: $(cat "$tmp/err")"
grep -q "^s001,Ada Li,11," "$tmp/b.csv" || no "the good file beside an oversized one was not graded"
ion grade "$key" "$tmp/nothing-here.txt" --csv "$tmp/b.csv" --feedback "$tmp/b" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "missing file: exit $rc"
ion grade "$key" 2>/dev/null; [ $? = 2 ] || no "no submissions should be a usage error"
ion grade "$key" "$subs" --bogus 2>/dev/null; [ $? = 2 ] || no "unknown option should be a usage error"
ion grade "$subs/doctype.xml" "$subs" 2>"$tmp/err"; rc=$?
[ $rc = 3 ] || no "a bad key should exit 3, got $rc"
[ "$(wc -l <"$tmp/err")" = 1 ] || no "bad key: one line: $(cat "$tmp/err")"

# ---- issue 14: conflicts, refused files, invalid answers, messy notations ----
m="$tmp/messy"; mkdir "$m"
# s002's answers in b.txt, claiming s001, whose own file is a.txt: a conflict.
printf 'student: s001\n1a: -95.0 mV\n' >"$m/a.txt"
printf 'student: s001\n1a: 12\n' >"$m/b.txt"
# s002 hands in a .docx renamed .txt: refused, with its reason.
printf 'PK\003\004\024\000\006\000word/document.xml' >"$m/s002.txt"
# s003 writes from Notepad (UTF-16 with a BOM), with notations of all kinds
# (1a: full-width "－６８．４ mv."), and a word for a letter in 2b: invalid.
printf '\xef\xbb\xbfstudent: s003\n1a = \xef\xbc\x8d\xef\xbc\x96\xef\xbc\x98\xef\xbc\x8e\xef\xbc\x94 mv.\n1b) inward\n1c: approx -9.6\n1d: in\n2a: - 5 mV\n2b: seven\n' |
    iconv -f UTF-8 -t UTF-16 >"$m/s003-notepad.txt"
ion grade "$key" "$m" --csv "$tmp/m.csv" --feedback "$tmp/mf" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "conflict and refused: exit $rc, expected 1"
book_is "$tmp/m.csv" "s001,Ada Li,0,11,0.0,conflict,conflict,conflict,conflict,conflict,conflict" \
    's002,"Zoë ""Z"" Ångström, Jr",0,11,0.0,refused,refused,refused,refused,refused,refused' \
    "s003,李静,9,11,81.8,2,1,2,1,3,invalid"
grep -q "^ionsheet: $m/b.txt:1: conflict: student s001 is claimed by a.txt:1, b.txt:1: neither is graded" "$tmp/err" ||
    no "conflict message: $(cat "$tmp/err")"
grep -q "^ionsheet: $m/s002.txt:1: a Word, OpenDocument or zip file" "$tmp/err" || no "refused message: $(cat "$tmp/err")"
grep -q "3 students, 1 graded, 0 missing, 1 refused, 1 in conflict" "$tmp/out" || no "summary: $(cat "$tmp/out")"
grep -q "More than one file claims to be your submission" "$tmp/mf/s001.txt" && grep -q "a.txt:1, b.txt:1" "$tmp/mf/s001.txt" ||
    no "conflict feedback: $(cat "$tmp/mf/s001.txt")"
grep -q "Your submission was refused" "$tmp/mf/s002.txt" && grep -q "a Word, OpenDocument or zip file" "$tmp/mf/s002.txt" ||
    no "refused feedback: $(cat "$tmp/mf/s002.txt")"
grep -q "No submission was received" "$tmp/mf/s002.txt" && no "a refused file told the student nothing was received"
ion --lang zh grade "$key" "$m" --csv "$tmp/mz.csv" --feedback "$tmp/mzf" >/dev/null 2>&1
grep -q "你的提交未被接收" "$tmp/mzf/s002.txt" && grep -q "s002.txt：这是 Word、OpenDocument 或 zip 文件" "$tmp/mzf/s002.txt" ||
    no "refused feedback in Chinese: $(cat "$tmp/mzf/s002.txt")"
grep -q "^2b   invalid  0 / 2" "$tmp/mf/s003.txt" || no "invalid part in s003's feedback: $(cat "$tmp/mf/s003.txt")"
# A file named after one student that says another: both in conflict.
printf 'student: s003\n1a: -95\n' >"$tmp/s001.txt"
ion grade "$key" "$tmp/s001.txt" "$subs/s002.xml" --csv "$tmp/n.csv" --feedback "$tmp/nf" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || no "file named after another student: exit $rc"
grep -q "^s001,.*,conflict,conflict" "$tmp/n.csv" && grep -q "^s003,.*,conflict,conflict" "$tmp/n.csv" ||
    no "named-after conflict: $(cat "$tmp/n.csv")"
grep -q "^s002,.*,6.75,11," "$tmp/n.csv" || no "the other student is still graded: $(cat "$tmp/n.csv")"
grep -q "named after student s001 but says student s003" "$tmp/err" || no "named-after message: $(cat "$tmp/err")"
# A class CSV separated by semicolons with decimal commas (a German Excel).
printf 'Student;Name;1a;1b;1c;1d;2a;2b\r\ns001;Ada;-95,0;outward;25;out;-5;C\r\n' >"$tmp/de.csv"
ion grade "$key" "$tmp/de.csv" --csv "$tmp/de-book.csv" --feedback "$tmp/def" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || no "semicolon CSV: exit $rc: $(cat "$tmp/err")"
grep -q "^s001,Ada Li,11,11,100.0" "$tmp/de-book.csv" || no "semicolon CSV graded: $(cat "$tmp/de-book.csv")"

# ---- a real database: generate, fill in the answer files, grade twice ----
db="$tmp/bank.db"; dbion() { "$bin" --db "$db" "$@"; }
dbion init >/dev/null 2>&1 || no "init"
dbion roster import tests/data/roster-sample.csv --course PHYS2 >/dev/null || no "roster import"
dbion worksheet create w1 --course PHYS2 --problems nernst-k,pump-offset,concept-leak-channels >/dev/null || no "worksheet create"
dbion generate w1 --out "$tmp/w1" >/dev/null 2>&1 || no "generate"
if [ -f "$tmp/w1/key.xml" ]; then
    # Every student answers 1a with the key's value and 2a with a wrong one.
    fill() {
        local id=$1 v
        v=$(awk -v id="$id" '/<student /{s=($0 ~ "id=\""id"\"")} s && /part id="1a"/{match($0, /value="[^"]*"/); print substr($0, RSTART+7, RLENGTH-8); exit}' "$tmp/w1/key.xml")
        sed -e "s/^1a: *$/1a: $v mV/" -e "s/^2a: *$/2a: 12345/" "$tmp/w1/answers/$id.txt" >"$tmp/w1/in/$id.txt"
    }
    mkdir -p "$tmp/w1/in"
    for f in "$tmp/w1/answers/"*.txt; do fill "$(basename "$f" .txt)"; done
    dbion grade "$tmp/w1/key.xml" "$tmp/w1/in" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] || no "grading generated answers: exit $rc: $(cat "$tmp/err")"
    grep -q "recorded 14 submissions" "$tmp/out" || no "recorded: $(cat "$tmp/out")"
    subs1=$(sqlite3 "$db" "select count(*) from submissions"); grades1=$(sqlite3 "$db" "select count(*) from grades")
    right=$(sqlite3 "$db" "select count(*) from grades where part_id='1a' and verdict='right'")
    [ "$right" = 14 ] || no "1a right for every student: $right"
    dbion grade "$tmp/w1/key.xml" "$tmp/w1/in" >/dev/null 2>&1 || no "re-grading"
    subs2=$(sqlite3 "$db" "select count(*) from submissions"); grades2=$(sqlite3 "$db" "select count(*) from grades")
    [ "$subs1:$grades1" = "$subs2:$grades2" ] || no "re-grading duplicated rows: $subs1:$grades1 -> $subs2:$grades2"
    [ "$subs1" = 14 ] || no "14 submissions expected, got $subs1"
    # A key the database does not know: nothing recorded, exit 4, and no
    # output either (one order everywhere: neither half of a failed run).
    dbion grade "$key" "$subs/s001.txt" --csv "$tmp/x.csv" --feedback "$tmp/x" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc = 4 ] || no "unknown worksheet in the database: exit $rc"
    [ "$(sqlite3 "$db" "select count(*) from submissions")" = 14 ] || no "a failed run recorded something"
    [ -e "$tmp/x.csv" ] && no "a run the database refused wrote a gradebook"
    [ -n "$(ls -A "$tmp/x" 2>/dev/null)" ] && no "a run the database refused left feedback: $(ls -A "$tmp/x")"
    [ "$(sqlite3 "$db" 'pragma integrity_check')" = ok ] || no "database integrity"
    # A late student (issue 14 item 5): generated alone, then the whole
    # class graded together: nobody refused, nobody in conflict.
    printf 'id,name\ns015,Late Comer\n' >"$tmp/late.csv"
    dbion roster import "$tmp/late.csv" --course PHYS2 >/dev/null || no "roster import (late)"
    dbion generate w1 --student s015 --out "$tmp/w1" >/dev/null 2>&1 || no "generate --student s015"
    fill s015
    dbion grade "$tmp/w1/key.xml" "$tmp/w1/in" --csv "$tmp/late-book.csv" --feedback "$tmp/late-fb" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] || no "grading the class with a late student: exit $rc: $(cat "$tmp/err")"
    grep -q "15 students, 15 graded, 0 missing" "$tmp/out" || no "late student summary: $(cat "$tmp/out")"
    grep -Eq "refused|conflict" "$tmp/late-book.csv" && no "late student: $(grep -E 'refused|conflict' "$tmp/late-book.csv")"
    [ "$(sqlite3 "$db" "select count(*) from grades g join submissions s on s.id = g.submission_id where g.part_id = '1a' and g.verdict = 'right' and s.student_id = 's015'")" = 1 ] ||
        no "the late student's 1a was not recorded right"
else
    no "generate wrote no key"
fi

# ---- '&' in a name comes back as '&' (19.4), not '&#38;' ----
amp="$tmp/amp"; mkdir -p "$amp"
"$bin" --db "$amp/t.db" --quiet init || no "init (amp)"
printf 'id,name\ns001,Tom & Jerry <x>\n' >"$amp/r.csv"
"$bin" --db "$amp/t.db" --quiet roster import "$amp/r.csv" --course C || no "roster (amp)"
"$bin" --db "$amp/t.db" --quiet worksheet create w --course C --problems nernst-k || no "worksheet (amp)"
"$bin" --db "$amp/t.db" --quiet generate w --out "$amp/o" --no-pdf || no "generate (amp)"
printf 'worksheet: w\nstudent: s001\n1a: -90 mV\n' >"$amp/s001.txt"
"$bin" --db "$amp/t.db" --quiet grade "$amp/o/key.xml" "$amp/s001.txt" --csv "$amp/b.csv" --feedback "$amp/fb"
grep -q '^s001,Tom & Jerry <x>,' "$amp/b.csv" || no "'&' in the gradebook: $(grep s001 "$amp/b.csv")"
grep -q '^Student: Tom & Jerry <x> (s001)' "$amp/fb/s001.txt" || no "'&' in the feedback: $(grep Student "$amp/fb/s001.txt")"

# ---- repeated messages are capped per file (issue 19.10) ----
{ echo "student,1a,1z"; for i in $(seq 1 500); do echo "s001,-94.1,$i"; done; } >"$tmp/many.csv"
ion grade "$key" "$tmp/many.csv" --csv "$tmp/many-book.csv" --feedback "$tmp/many-fb" >/dev/null 2>"$tmp/err"
n=$(grep -c "many.csv" "$tmp/err")
[ "$n" -le 11 ] || no "500 rows with an unknown part gave $n messages (10 and a count expected)"
grep -q "many.csv: [0-9]* more messages about this file not shown" "$tmp/err" || no "no count of the messages not shown: $(tail -2 "$tmp/err")"

# ---- the feedback names the submission's file, never its path (19.7) ----
grep -q "^Submission: s001.txt$" "$tmp/fb/s001.txt" || no "feedback submission line: $(grep Submission "$tmp/fb/s001.txt")"
grep -rq "$PWD\|$subs/" "$tmp/fb" && no "a path in the feedback: $(grep -r "$subs/" "$tmp/fb" | head -1)"

# ---- private outputs (19.6): the gradebook 0600, feedback by the umask ----
[ "$(stat -c %a "$tmp/book.csv")" = 600 ] || no "gradebook mode $(stat -c %a "$tmp/book.csv")"
[ "$(stat -c %a "$tmp/fb/s001.txt")" = "$(printf '%o' $(( 0666 & ~$(umask) )))" ] || no "feedback mode $(stat -c %a "$tmp/fb/s001.txt")"

[ $fail = 0 ] && echo "grade: all passed"
exit $fail
