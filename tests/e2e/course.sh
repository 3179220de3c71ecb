#!/usr/bin/env bash
# Running a course: course list, roster list/remove, worksheet
# list/show/edit/delete, worksheet names per course, a version-1 database
# upgraded in place.
set -u
. "$(dirname "$0")/common.bash"

ion --quiet init || no "init"
ion --quiet roster import tests/data/roster-sample.csv --course PHYS2 || no "roster PHYS2"
head -4 tests/data/roster-sample.csv >"$tmp/bio.csv"
ion --quiet roster import "$tmp/bio.csv" --course BIO101 || no "roster BIO101"

# course list: one line per course, counts aligned under their header.
ion course list >"$tmp/out" || no "course list"
grep -Eq '^course +students +withdrawn +worksheets +created$' "$tmp/out" || no "course list header: $(cat "$tmp/out")"
grep -Eq '^BIO101 +3 +0 +0 +20[0-9-]+T' "$tmp/out" || no "course list BIO101: $(cat "$tmp/out")"
grep -Eq '^PHYS2 +14 +0 +0 ' "$tmp/out" || no "course list PHYS2"

# roster list: every student, UTF-8 names, columns by display width.
ion roster list --course PHYS2 >"$tmp/out" || no "roster list"
[ "$(wc -l <"$tmp/out")" = 15 ] || no "roster list: 14 students and a header expected"
python3 - "$tmp/out" <<'EOF' || no "roster list columns are not aligned by display width"
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 0 if unicodedata.combining(c) else 1 for c in s)
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
cols = {width(l[:l.index(e)]) for l in lines for e in [l.split('  ')[-1]] if '@' in e}
# the e-mail column starts at the same display column on every line with one
starts = set()
for l in lines[1:]:
    parts = l.split('@')[0].rsplit(' ', 1)
    if len(parts) == 2 and '@' in l:
        starts.add(width(parts[0]) + 1)
sys.exit(0 if len(starts) == 1 else 1)
EOF
ion roster list --course NOPE 2>"$tmp/err"; [ $? = 3 ] || no "roster list of an unknown course should exit 3"
grep -q "unknown course 'NOPE'" "$tmp/err" || no "unknown course message"
ion roster list 2>/dev/null; [ $? = 2 ] || no "roster list without --course should exit 2"

# The same worksheet name in two courses; commands need --course then.
ion --quiet worksheet create week3 --course PHYS2 --problems nernst-k,ghk-kna --title "Week 3" --due 2026-12-01 || no "week3 PHYS2"
ion --quiet worksheet create week3 --course BIO101 --problems nernst-k || no "week3 BIO101 (names are per course)"
ion --quiet worksheet create week3 --course BIO101 --problems nernst-k 2>"$tmp/err"; [ $? = 3 ] || no "a duplicate in one course should exit 3"
grep -q "already exists in course 'BIO101'" "$tmp/err" || no "duplicate message: $(cat "$tmp/err")"
ion generate week3 --no-pdf --out "$tmp/w3" 2>"$tmp/err"; [ $? != 0 ] || no "an ambiguous name was generated"
grep -q "worksheet 'week3' is in courses BIO101, PHYS2: give --course" "$tmp/err" || no "ambiguity message: $(cat "$tmp/err")"
ion --quiet generate week3 --course PHYS2 --no-pdf --out "$tmp/w3" || no "generate --course"
[ "$(q "select count(distinct student_id) from instances where course_id='PHYS2' and worksheet='week3'")" = 14 ] || no "14 students generated"
[ "$(q "select count(*) from instances where course_id='BIO101'")" = 0 ] || no "BIO101's week3 was generated too"

# worksheet list and show.
ion worksheet list >"$tmp/out" || no "worksheet list"
grep -Eq '^BIO101 +week3 +1 +0 +0 +week3$' "$tmp/out" || no "worksheet list BIO101: $(cat "$tmp/out")"
grep -Eq '^PHYS2 +week3 +2026-12-01 +2 +14 +0 +Week 3$' "$tmp/out" || no "worksheet list PHYS2: $(cat "$tmp/out")"
[ "$(ion worksheet list --course BIO101 | wc -l)" = 2 ] || no "worksheet list --course"
ion worksheet show week3 --course PHYS2 >"$tmp/out" || no "worksheet show"
grep -q '^worksheet week3 of course PHYS2$' "$tmp/out" || no "show header"
grep -Eq '^1 +nernst-k +v1 +3 +Potassium equilibrium potential$' "$tmp/out" || no "show problem 1: $(cat "$tmp/out")"
grep -q '^generated for 14 students; 0 submissions' "$tmp/out" || no "show usage"
ion --lang zh worksheet show week3 --course PHYS2 | grep -q '钾离子的平衡电位' || no "show --lang zh titles"
ion worksheet show week9 2>/dev/null; [ $? = 3 ] || no "show of an unknown worksheet should exit 3"

# edit: title, due, points; problems refused once generated.
ion worksheet edit week3 --course PHYS2 --title "Week 3: Nernst and GHK" --due 2026-12-08T09:00 --points 4,6 >"$tmp/out" || no "edit"
grep -q "run 'ionsheet generate week3 --course PHYS2' again" "$tmp/out" || no "edit should say to regenerate: $(cat "$tmp/out")"
[ "$(q "select title || '|' || due from worksheets where course_id='PHYS2'")" = "Week 3: Nernst and GHK|2026-12-08T09:00" ] || no "title and due not changed"
[ "$(q "select group_concat(points) from worksheet_problems where course_id='PHYS2'")" = "4.0,6.0" ] || no "points not changed"
ion worksheet edit week3 --course PHYS2 --problems ghk-kna 2>"$tmp/err"; [ $? = 3 ] || no "problems of a generated worksheet changed"
grep -q "generated for 14 students: its problems can no longer change" "$tmp/err" || no "problems refusal: $(cat "$tmp/err")"
ion worksheet edit week3 --course BIO101 --problems ghk-kna,nernst-na --due "" >/dev/null || no "problems of an ungenerated worksheet"
[ "$(q "select group_concat(template_id) from worksheet_problems where course_id='BIO101'")" = "ghk-kna,nernst-na" ] || no "BIO101 problems"
ion worksheet edit week3 --course PHYS2 --due 2026-02-30 2>/dev/null; [ $? = 3 ] || no "a bad due date should exit 3"
ion worksheet edit week3 --course PHYS2 2>/dev/null; [ $? = 2 ] || no "edit without a change should exit 2"
ion --quiet generate week3 --course PHYS2 --no-pdf --out "$tmp/w3" || no "regenerate after edit"
grep -q 'id="2a".* points="6"' "$tmp/w3/key.xml" || no "the regenerated key has the new points"

# A submission, then roster remove: withdrawn (kept) or deleted.
cp "$tmp/w3/answers/s001.txt" "$tmp/s001.txt"
ion grade "$tmp/w3/key.xml" "$tmp/s001.txt" >/dev/null || no "grade s001"
ion roster remove S001 s002 --course PHYS2 >"$tmp/out" || no "roster remove"
grep -q "^withdrew s001 from course PHYS2: kept, with their submissions and grades$" "$tmp/out" || no "withdrawn message: $(cat "$tmp/out")"
grep -q "^removed s002 from course PHYS2$" "$tmp/out" || no "removed message"
[ "$(q "select count(*) from students where course_id='PHYS2' and id='s002'")" = 0 ] || no "s002 still there"
[ "$(q "select count(*) from instances where course_id='PHYS2' and student_id='s002'")" = 0 ] || no "s002's problems still there"
[ "$(q "select count(*) from grades g join submissions s on s.id = g.submission_id where s.student_id='s001'")" -gt 0 ] || no "s001's grades lost"
ion roster list --course PHYS2 | grep -Eq '^s001 .*withdrawn 20' || no "roster list marks s001 withdrawn"
ion course list | grep -Eq '^PHYS2 +12 +1 +1 ' || no "course list counts the withdrawn"
ion roster remove s999 --course PHYS2 2>"$tmp/err"; [ $? = 3 ] || no "an unknown student should exit 3"
grep -q "no student 's999' in course 'PHYS2'" "$tmp/err" || no "unknown student message"
ion --quiet generate week3 --course PHYS2 --no-pdf --out "$tmp/w3b" || no "generate after remove"
[ -e "$tmp/w3b/answers/s001.txt" ] && no "a withdrawn student got a new worksheet"
[ "$(ls "$tmp/w3b/answers" | wc -l)" = 12 ] || no "12 students on the roster get the worksheet"
ion --quiet roster import tests/data/roster-sample.csv --course PHYS2 || no "re-import"
[ "$(q "select count(*) from students where course_id='PHYS2' and withdrawn is null")" = 14 ] || no "re-import puts students back"

# delete: refused with submissions, --force says what goes.
ion worksheet delete week3 --course PHYS2 2>"$tmp/err"; [ $? = 3 ] || no "delete with submissions should be refused"
grep -q "has 1 submission from 1 student ([0-9]* graded parts\{0,1\}): --force deletes them too" "$tmp/err" || no "delete refusal: $(cat "$tmp/err")"
[ "$(q "select count(*) from worksheets")" = 2 ] || no "a refused delete deleted"
ion worksheet delete week3 --course PHYS2 --force >"$tmp/out" || no "delete --force"
grep -q "deleted worksheet week3 with 1 submission from 1 student ([0-9]* graded parts\{0,1\}) and the problems generated for 13 students" "$tmp/out" \
    || no "delete --force message: $(cat "$tmp/out")"
[ "$(q "select count(*) from submissions") $(q "select count(*) from grades") $(q "select count(*) from instances")" = "0 0 0" ] || no "delete left rows"
ion worksheet delete week3 >/dev/null || no "the name is BIO101's alone now: no --course needed"
[ "$(q "select count(*) from worksheets")" = 0 ] || no "BIO101 week3 not deleted"
[ -e "$tmp/w3/key.xml" ] || no "delete removed files"
[ "$(q 'pragma integrity_check')" = ok ] || no "integrity"
[ "$(q 'pragma foreign_key_check' | wc -l)" = 0 ] || no "foreign keys"

# A database of schema version 1 is upgraded when opened, its data kept.
old="$tmp/v1.db"
sqlite3 "$old" <tests/data/bank-v1.sql
sqlite3 "$old" "PRAGMA application_id = 1229934163; PRAGMA user_version = 1;
  INSERT INTO settings VALUES ('secret', zeroblob(32));
  INSERT INTO courses (id) VALUES ('PHYS2');
  INSERT INTO students VALUES ('PHYS2', 's1', 'Ada', NULL);"
"$bin" --db "$old" init --problems tests/data/problems-test.xml >/dev/null || no "init of a version-1 database"
"$bin" --db "$old" --quiet worksheet create week1 --course PHYS2 --problems t-nernst-k || no "worksheet in the upgraded database"
[ "$(sqlite3 "$old" 'pragma user_version')" = 7 ] || no "not upgraded to version 7"
"$bin" --db "$old" roster list --course PHYS2 | grep -q '^s1  *Ada' || no "the student survived the upgrade"
exit $fail
