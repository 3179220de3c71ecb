#!/usr/bin/env bash
# Small things seen in a week of use (issue 18): bank list aligned by
# display width, "1 template from 1 file", a bad placeholder reported at its
# own line, bank check of a file that does not parse without "checked 0
# templates", no "feedback//", student ids matched whatever their case.
set -u
. "$(dirname "$0")/common.bash"

ion --quiet init || no "init"

# bank list: every column starts at the same display column (⁺, ², 钾).
ion bank list >"$tmp/list" || no "bank list"
grep -q '⁺' "$tmp/list" || no "no title with a superscript to test"
python3 - "$tmp/list" <<'EOF' || no "bank list columns are not aligned: $(head -3 "$tmp/list")"
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
lines = [l for l in open(sys.argv[1], encoding='utf-8').read().splitlines() if '  ' in l]
header = lines[0]
col = width(header[:header.index('languages')])
for l in lines[1:]:
    i = l.rindex('  ') + 2
    assert width(l[:i]) == col, (l, width(l[:i]), col)
EOF

# Import counts in the singular.
cat >"$tmp/one.xml" <<'EOF'
<problems xmlns="urn:ionsheet:problem:1">
  <problem id="one-k" topic="nernst" difficulty="1">
    <title xml:lang="en">One template</title>
    <param name="Ko" unit="mM" min="2" max="10" step="0.1"/>
    <param name="Ki" unit="mM" min="100" max="160" step="1"/>
    <let name="EK" unit="mV">nernst(1, Ko, Ki, 37[C])</let>
    <text xml:lang="en">A neuron has [K]o = {Ko} and
      [K]i = {Ki}.</text>
    <part id="a" kind="numeric" unit="mV" tol-abs="0.5" points="2">
      <text xml:lang="en">Calculate E<sub>K</sub>.</text>
      <answer>EK</answer>
    </part>
  </problem>
</problems>
EOF
ion bank import "$tmp/one.xml" >"$tmp/out" || no "import one"
grep -q '^imported 1 template from 1 file (1 new' "$tmp/out" || no "singular: $(cat "$tmp/out")"

# A bad placeholder on line 8 (inside a text that starts on line 7), and
# one in a part's text on line 10.
sed 's/{Ki}\./{Kii}./' "$tmp/one.xml" >"$tmp/bad.xml"
ion bank import "$tmp/bad.xml" 2>"$tmp/err"; [ $? = 3 ] || no "a bad placeholder should exit 3"
grep -q "^ionsheet: $tmp/bad.xml:8: template one-k: unknown placeholder {Kii}$" "$tmp/err" || no "placeholder line: $(cat "$tmp/err")"
sed 's/E<sub>K<\/sub>\./E<sub>K<\/sub> in {unit}./' "$tmp/one.xml" >"$tmp/bad2.xml"
ion bank check "$tmp/bad2.xml" 2>"$tmp/err" >/dev/null; [ $? = 3 ] || no "bank check of a bad placeholder should exit 3"
grep -q "bad2.xml:10: template one-k: unknown placeholder {unit}" "$tmp/err" || no "part placeholder line: $(cat "$tmp/err")"

# bank check of a file that does not parse: its error, exit 3, no summary of
# nothing; with a good file beside it, the summary says not all was read.
printf '<problems\n' >"$tmp/broken.xml"
ion bank check "$tmp/broken.xml" >"$tmp/out" 2>"$tmp/err"; [ $? = 3 ] || no "an unparseable file should exit 3"
[ -s "$tmp/out" ] && no "bank check printed a summary of nothing: $(cat "$tmp/out")"
grep -q "broken.xml" "$tmp/err" || no "no message naming the file"
ion bank check "$tmp/one.xml" "$tmp/broken.xml" --samples 50 >"$tmp/out" 2>/dev/null; [ $? = 3 ] || no "exit 3 with one bad file of two"
grep -q '^checked 1 template with 50 samples each: 1 well posed, 0 failing (0 rules broken); not everything could be read' "$tmp/out" \
    || no "summary with an unreadable file: $(cat "$tmp/out")"

# grade: no "feedback//"; a submission naming S001 is s001's.
ion --quiet roster import tests/data/roster-sample.csv --course PHYS2 || no "roster"
ion --quiet worksheet create w1 --course PHYS2 --problems one-k || no "worksheet"
ion --quiet generate w1 --no-pdf --out "$tmp/w1" || no "generate"
sed 's/^student: s001$/student: S001/' "$tmp/w1/answers/s001.txt" >"$tmp/upper.txt"
grep -q '^student: S001$' "$tmp/upper.txt" || no "the answer file has no student line to change"
ion grade "$tmp/w1/key.xml" "$tmp/upper.txt" --feedback "$tmp/fb/" --csv "$tmp/gb.csv" >"$tmp/out" 2>"$tmp/err" || no "grade S001: $(cat "$tmp/err")"
grep -q 'feedback//' "$tmp/out" && no "feedback// in the summary"
grep -q "^feedback: $tmp/fb/$" "$tmp/out" || no "feedback line: $(grep feedback "$tmp/out")"
grep -q '^s001,' "$tmp/gb.csv" && ! grep -q '^s001,.*missing' "$tmp/gb.csv" || no "S001 was not graded as s001: $(cat "$tmp/gb.csv" | head -3)"
[ "$(sqlite3 "$db" "select student_id from submissions")" = s001 ] || no "the submission is not recorded for s001"
# generate --student S001 after the whole class: s001 once in the key (the
# named id is taken as the roster has it, so the merge meets it).
ion --quiet generate w1 --no-pdf --out "$tmp/w1" --student S001 --student s001 || no "generate --student S001"
[ "$(grep -c 'student id="s001"' "$tmp/w1/key.xml")" = 1 ] || no "s001 is in the key $(grep -c 'student id="s001"' "$tmp/w1/key.xml") times"
[ "$(grep -c '<student ' "$tmp/w1/key.xml")" = 14 ] || no "the key should keep the 14 students"
ion worksheet show w1 | grep -q '^feedback on the web: immediate$' || no "worksheet show: the feedback policy"
exit $fail
