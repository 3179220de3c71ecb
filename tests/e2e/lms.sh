#!/usr/bin/env bash
# LMS-shaped CSVs: a Moodle participants download and a Canvas gradebook
# export (tests/data/, written after their documented formats) imported as
# rosters, recognised from their headers; grade --csv --format moodle|canvas
# [--excel] read back with Python's csv module; a Canvas gradebook written
# by ionsheet imported again as a roster.
set -u
. "$(dirname "$0")/common.bash"

ion --quiet init || no "init"

# Moodle: ids from ID number, names joined (Chinese family name first), the
# teacher skipped.
ion roster import tests/data/moodle-participants.csv --course PHYS2 >"$tmp/out" || no "Moodle roster"
grep -q "^imported 4 students into course PHYS2 from a Moodle participants file, ids from its 'ID number' column (4 new, 0 updated); 1 row skipped (not a student)$" "$tmp/out" \
    || no "Moodle summary: $(cat "$tmp/out")"
[ "$(q "select group_concat(id || '=' || name || '=' || email, ';') from (select * from students where course_id='PHYS2' order by id)")" = \
  "s001=Ada Li=ada.li@example.org;s002=张伟=zhang.wei@example.org;s011=Siobhán O'Brien=siobhan.obrien@example.org;s014=Søren Kierkegaard=soren.k@example.org" ] \
    || no "Moodle students: $(q "select id, name, email from students where course_id='PHYS2'")"
ion roster import tests/data/moodle-participants.csv --course X --id-column nope 2>"$tmp/err"; [ $? = 3 ] || no "an unknown --id-column should exit 3"
grep -q "moodle-participants.csv:1: nope: no such column for --id-column" "$tmp/err" || no "--id-column message: $(cat "$tmp/err")"
ion roster import tests/data/moodle-participants.csv --course X --id-column "Email address" >/dev/null 2>"$tmp/err"; [ $? = 3 ] || no "e-mail ids should be refused"
[ "$(grep -c "may only use letters" "$tmp/err")" = 4 ] || no "one message per refused e-mail id: $(cat "$tmp/err")"

# Canvas: ids from SIS User ID, "Last, First" turned round, the Points
# Possible row and the test student skipped; --id-column ID takes Canvas's.
ion roster import tests/data/canvas-gradebook.csv --course BIO1 >"$tmp/out" || no "Canvas roster"
grep -q "from a Canvas gradebook export, ids from its 'SIS User ID' column (3 new, 0 updated); 2 rows skipped" "$tmp/out" || no "Canvas summary: $(cat "$tmp/out")"
[ "$(q "select group_concat(id || '=' || name, ';') from (select * from students where course_id='BIO1' order by id)")" = \
  "s001=Ada Li;s002=Wei Zhang;s012=François Dubois-Lefèvre" ] || no "Canvas students: $(q "select id, name from students where course_id='BIO1'")"
ion roster import tests/data/canvas-gradebook.csv --course BIO2 --id-column ID >"$tmp/out" || no "Canvas --id-column ID"
grep -q "ids from its 'ID' column" "$tmp/out" || no "--id-column summary"
[ "$(q "select group_concat(id) from students where course_id='BIO2'")" = "4102,4103,4104" ] || no "Canvas ids from ID"

# Grade a worksheet of the Moodle course, then the LMS gradebooks.
ion --quiet worksheet create week1 --course PHYS2 --problems nernst-k,ghk-kna --title "Week 1: Nernst" || no "worksheet"
ion --quiet generate week1 --out "$tmp/w1" --no-pdf || no "generate"
mkdir "$tmp/sub"
python3 - "$tmp/w1/key.xml" "$tmp/w1/answers" "$tmp/sub" <<'EOF' || no "answers filled"
import sys, re, xml.etree.ElementTree as ET
key, blank, out = sys.argv[1:]
ns = {'k': re.match(r'\{(.*)\}', ET.parse(key).getroot().tag).group(1)}
for st in ET.parse(key).getroot().iter('{%s}student' % ns['k']):
    sid = st.get('id')
    if sid not in ('s001', 's002'):
        continue  # s011 and s014 hand in nothing
    text = open(f'{blank}/{sid}.txt', encoding='utf-8').read()
    for p in st.iter('{%s}part' % ns['k']):
        text = re.sub(r'^(%s:).*$' % p.get('id'), r'\g<1> ' + p.get('value'), text, flags=re.M)
    open(f'{out}/{sid}.txt', 'w', encoding='utf-8').write(text)
EOF
ion grade "$tmp/w1/key.xml" "$tmp/sub" --csv "$tmp/moodle.csv" --format moodle >/dev/null || no "grade --format moodle"
ion grade "$tmp/w1/key.xml" "$tmp/sub" --csv "$tmp/canvas.csv" --format canvas --excel >/dev/null || no "grade --format canvas --excel"
ion grade "$tmp/w1/key.xml" "$tmp/sub" --csv "$tmp/plain.csv" >/dev/null || no "grade (plain)"
ion grade "$tmp/w1/key.xml" "$tmp/sub" --format excel 2>/dev/null; [ $? = 2 ] || no "an unknown --format should exit 2"
max=$(python3 -c "import csv; r=list(csv.DictReader(open('$tmp/plain.csv'))); print(r[0]['max'])")
python3 - "$tmp" "$max" <<'EOF' || no "the LMS gradebooks do not read back"
import csv, sys
tmp, mx = sys.argv[1], sys.argv[2]
m = list(csv.reader(open(f'{tmp}/moodle.csv', encoding='utf-8', newline='')))
assert m[0] == ['ID number', 'Email address', 'Week 1: Nernst'], m[0]
rows = {r[0]: r for r in m[1:]}
assert set(rows) == {'s001', 's002', 's011', 's014'}, rows
assert rows['s001'][1:] == ['ada.li@example.org', mx], rows['s001']   # full marks, e-mail from the roster
assert rows['s002'][2] == mx
assert rows['s011'][1:] == ['siobhan.obrien@example.org', ''], rows['s011']  # missing: no grade
raw = open(f'{tmp}/canvas.csv', 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), raw[:8]
c = list(csv.reader(open(f'{tmp}/canvas.csv', encoding='utf-8-sig', newline='')))
assert c[0] == ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Week 1: Nernst'], c[0]
assert c[1][0].strip() == 'Points Possible' and c[1][5] == mx, c[1]
rows = {r[2]: r for r in c[2:]}
assert rows['s002'][0] == '张伟' and rows['s002'][4] == 'PHYS2' and rows['s002'][5] == mx, rows['s002']
assert rows['s014'][5] == '', rows['s014']
assert not open(f'{tmp}/moodle.csv', 'rb').read().startswith(b'\xef\xbb\xbf')
EOF
# `gradebook` (from the database) writes the same files with the same writer.
ion gradebook week1 --format moodle >"$tmp/gb-moodle.csv" || no "gradebook --format moodle"
cmp -s "$tmp/gb-moodle.csv" "$tmp/moodle.csv" || no "gradebook and grade disagree (moodle): $(diff "$tmp/gb-moodle.csv" "$tmp/moodle.csv" | head -5)"
ion gradebook week1 --format canvas --excel --csv "$tmp/gb-canvas.csv" || no "gradebook --format canvas --excel"
cmp -s "$tmp/gb-canvas.csv" "$tmp/canvas.csv" || no "gradebook and grade disagree (canvas)"
ion gradebook week1 --format xml 2>/dev/null; [ $? = 2 ] || no "gradebook: an unknown --format should exit 2"

# The Canvas gradebook ionsheet wrote is a roster Canvas-shaped again.
ion roster import "$tmp/canvas.csv" --course AGAIN >"$tmp/out" || no "our Canvas gradebook as a roster"
grep -q "from a Canvas gradebook export, ids from its 'SIS User ID' column (4 new" "$tmp/out" || no "round trip: $(cat "$tmp/out")"
[ "$(q "select group_concat(id) from students where course_id='AGAIN'")" = "s001,s002,s011,s014" ] || no "round trip ids"
exit $fail
