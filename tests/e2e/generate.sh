#!/usr/bin/env bash
# roster import, worksheet create and generate, end to end: files, key
# validity, reproducibility, subsets, Chinese, PDFs read back with poppler.
set -u
. "$(dirname "$0")/common.bash"
# A key value as the PDFs print it: 4 significant figures, a true minus.
as_shown() { printf '%#.4g' "$1" | sed 's/^-/−/'; }

ion --quiet init || no "init"
# Titles take inline markup: typeset in PDFs, Unicode on terminals.
ion bank list --topic ghk | grep -q "from K⁺ and Na⁺ permeabilities" || no "bank list title markup: $(ion bank list --topic ghk | grep ghk-kna)"
ion --quiet roster import tests/data/roster-sample.csv --course PHYS2 || no "roster import"
ion --quiet worksheet create week5 --course PHYS2 --title "Week 5" --due 2026-12-01 \
    --problems nernst-k,ghk-kna,pump-offset,donnan-concentrations,drive-cl || no "worksheet create"
ion worksheet create week5 --course PHYS2 --problems nernst-k 2>"$tmp/err"; [ $? != 0 ] || no "duplicate worksheet accepted"
grep -q "already exists" "$tmp/err" || no "duplicate worksheet message: $(cat "$tmp/err")"
ion worksheet create other --course PHYS2 --problems nope 2>"$tmp/err"; [ $? != 0 ] || no "unknown template accepted"
grep -q "unknown template 'nope'" "$tmp/err" || no "unknown template message: $(cat "$tmp/err")"

out="$tmp/a"
ion generate week5 --out "$out" >"$tmp/log" 2>"$tmp/err" || { no "generate failed"; cat "$tmp/err"; }
[ -s "$tmp/err" ] && no "generate printed to stderr without a terminal: $(cat "$tmp/err")"
students=$(tail -n +2 tests/data/roster-sample.csv | wc -l)
[ "$(ls "$out/students" | wc -l)" = "$students" ] || no "expected $students student PDFs"
[ "$(ls "$out/answers" | wc -l)" = "$students" ] || no "expected $students answer files"
xmllint --nonet --noout --schema schema/answer-key.xsd "$out/key.xml" 2>"$tmp/err" || no "key.xml invalid: $(cat "$tmp/err")"
[ "$(grep -c '<student ' "$out/key.xml")" = "$students" ] || no "key has the wrong number of students"
[ "$(sqlite3 "$db" "select count(*) from instances where worksheet='week5'")" = $((students * 5)) ] \
    || no "database holds the wrong number of instances"

# Byte-identical on a second run, into another directory.
ion --quiet generate week5 --out "$tmp/b" || no "second generate"
for f in key.xml class.pdf solutions.pdf students/s002.pdf answers/s011.txt; do
    cmp -s "$out/$f" "$tmp/b/$f" || no "$f differs between two runs"
done

# Student files: names, ids and the printed values are the key's.
pdftotext -layout "$out/students/s001.pdf" "$tmp/s001.txt"
grep -q "Ada Li" "$tmp/s001.txt" || no "s001.pdf lacks the student's name"
grep -q "s001" "$tmp/s001.txt" || no "s001.pdf lacks the student id"
ko=$(xmllint --xpath 'string(//*[local-name()="student"][@id="s001"]/*[@n="1"]/*[@name="Ko"]/@value)' "$out/key.xml")
grep -q "$ko mM" "$tmp/s001.txt" || no "s001.pdf does not print [K]o = $ko mM from the key"
grep -q "Page 1 of" "$tmp/s001.txt" || no "no page footer"
grep -q "<su[bp]>\|&lt;" "$tmp/s001.txt" && no "raw markup printed on s001.pdf"
pdftotext "$out/students/s002.pdf" - | grep -q "张伟" || no "a Chinese name is missing on an English sheet"
pdftotext "$out/students/s011.pdf" - | grep -q "O'Brien, Siobhán \"Shiv\"" || no "a name with quotes and a comma"
# Arabic and Hebrew names in DejaVu Sans, joined and right to left: poppler
# gives them back in reading order, as presentation forms (NFKC undoes them)
# between bidi controls. Only such sheets embed the font.
he="$tmp/he.csv"; printf 'id,name\nh001,דוד כהן\n' >"$he"
ion --quiet roster import "$he" --course PHYS2 || no "roster import (Hebrew)"
ion --quiet generate week5 --student h001 --out "$tmp/he" || no "generate h001"
names() { pdftotext "$1" - 2>/dev/null | python3 -c 'import signal, sys, unicodedata
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # grep -q stops reading early
print(unicodedata.normalize("NFKC", sys.stdin.read()).translate({c: None for c in range(0x202A, 0x202F)}))'; }
names "$out/students/s004.pdf" | grep -q "محمد علي" || no "s004.pdf lacks the Arabic name: $(names "$out/students/s004.pdf" | grep -m1 -v '^[ -~]*$')"
names "$out/students/s005.pdf" | grep -q "فاطمة الزهراء" || no "s005.pdf lacks the Arabic name"
names "$tmp/he/students/h001.pdf" | grep -q "דוד כהן" || no "h001.pdf lacks the Hebrew name"
names "$out/students/s013.pdf" | grep -q "Nguyễn Thị Minh Khai" || no "s013.pdf lacks the Vietnamese name"
pdffonts "$out/students/s004.pdf" | grep -q DejaVuSans || no "s004.pdf does not embed DejaVu Sans"
# Its ToUnicode table is one readers accept (libharu's own made poppler warn).
pdftotext "$out/students/s004.pdf" /dev/null 2>"$tmp/pt"
[ -s "$tmp/pt" ] && no "poppler complains about s004.pdf: $(head -1 "$tmp/pt")"
pdffonts "$out/students/s001.pdf" | grep -q DejaVu && no "a Latin-only sheet embeds DejaVu: $(pdffonts "$out/students/s001.pdf")"

# class.pdf: every student, each starting on a new page.
pages=0; for f in "$out"/students/*.pdf; do pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/{print $2}'))); done
[ "$(pdfinfo "$out/class.pdf" | awk '/^Pages:/{print $2}')" = "$pages" ] || no "class.pdf page count"
size=$(stat -c %s "$out/students/s001.pdf"); [ "$size" -lt 20000 ] || no "student PDF is $size bytes"

# Solutions: answers equal to the key's, with the ladder figure.
pdftotext -layout "$out/solutions.pdf" "$tmp/sol.txt"
grep -q "Potentials (mV)" "$tmp/sol.txt" || no "no potential ladder in the solutions"
# The answer is shown with its 4 significant figures (%.2f gave 5 when |1a| >= 100 mV).
v=$(xmllint --xpath 'string(//*[local-name()="student"][@id="s001"]/*[@n="1"]/*[@id="1a"]/@value)' "$out/key.xml")
shown=$(as_shown "$v")
grep -q -- "$shown mV" "$tmp/sol.txt" || no "solutions do not show 1a = $shown mV (key $v)"

# Large and small answers print as powers of ten, never as "e+07".
ion --quiet worksheet create caps --course PHYS2 --problems concept-capacitor || no "worksheet caps"
# (The whole class: one student's two answers may both fall in the plain range,
# 8114000 and 0.0001600, for about one seed in twenty.)
ion --quiet generate caps --out "$tmp/caps" || no "generate caps"
pdftotext "$tmp/caps/solutions.pdf" - >"$tmp/caps.txt"
grep -q "Answer [0-9.]* × 10" "$tmp/caps.txt" || no "no power of ten in the capacitor solutions"
grep -q "[0-9]e[-+][0-9]" "$tmp/caps.txt" && no "e-notation in the solutions: $(grep "[0-9]e[-+][0-9]" "$tmp/caps.txt" | head -1)"

# A GHK problem with K, Na and Cl: all three equilibrium potentials (the key's
# lets) and V_m on the ladder.
ion --quiet worksheet create ghk3 --course PHYS2 --problems ghk-kna-cl || no "worksheet ghk3"
ion --quiet generate ghk3 --student s001 --out "$tmp/ghk3" || no "generate ghk3"
pdftotext -raw "$tmp/ghk3/solutions.pdf" - >"$tmp/ghk3.txt"
# A v2 key gives a problem's lets in problem/@lets, in the order of its
# template's <let> elements.
names=$(xmllint --xpath "//*[local-name()='template']/*[local-name()='let']/@name" "$tmp/ghk3/key.xml" | grep -o '"[^"]*"' | tr -d '"')
lets=$(xmllint --xpath "string(//*[local-name()='problem']/@lets)" "$tmp/ghk3/key.xml")
for e in EK ENa ECl; do
    i=$(echo "$names" | grep -n -x "$e" | cut -d: -f1)
    v=$(echo "$lets" | tr ' ' '\n' | sed -n "${i}p")
    shown=$(as_shown "$v")
    grep -q -- "$shown mV" "$tmp/ghk3.txt" || no "ladder lacks $e = $shown mV (key $v)"
done

# Subsets and unknown students.
ion --quiet generate week5 --student s003 --student s005 --out "$tmp/c" || no "generate --student"
[ "$(ls "$tmp/c/students")" = "$(printf 's003.pdf\ns005.pdf')" ] || no "subset files: $(ls "$tmp/c/students")"
cmp -s "$tmp/c/answers/s003.txt" "$out/answers/s003.txt" || no "a subset student's values differ"
ion generate week5 --student nobody --out "$tmp/d" 2>"$tmp/err"; [ $? = 2 ] || no "unknown student should exit 2"
grep -q "nobody" "$tmp/err" || no "unknown student message"

# A file that cannot be written is an I/O error (exit 4), and no key appears.
mkdir -p "$tmp/e/answers/s003.txt"
ion generate week5 --no-pdf --out "$tmp/e" 2>"$tmp/err"; [ $? = 4 ] || no "unwritable answer file should exit 4"
grep -q "s003.txt" "$tmp/err" || no "unwritable answer file message: $(cat "$tmp/err")"
[ -e "$tmp/e/key.xml" ] && no "a failed generate left a key.xml"
# With PDFs: class.pdf and solutions.pdf are written as the students come,
# under temporary names that a failed run removes.
rm -rf "$tmp/e2"; mkdir -p "$tmp/e2/answers/s003.txt"
ion generate week5 --out "$tmp/e2" 2>"$tmp/err"; [ $? = 4 ] || no "unwritable answer file (PDFs) should exit 4"
left=$(ls -A "$tmp/e2" | grep -v -x -e answers -e students)
[ -n "$left" ] && no "a failed generate left: $left"
[ -n "$(ls -A "$out" | grep -v -x -e answers -e students -e key.xml -e links.csv -e class.pdf -e solutions.pdf)" ] \
    && no "generate left other files: $(ls -A "$out")"

# An unsafe id put into the database by hand never becomes a file name.
cp "$db" "$tmp/evil.db"
sqlite3 "$tmp/evil.db" "insert into students (course_id, id, name) values ('PHYS2', 'zz/../../evil', 'E')"
"$bin" --db "$tmp/evil.db" generate week5 --no-pdf --out "$tmp/ev/a" 2>"$tmp/err"; [ $? = 3 ] || no "an unsafe id in the database should exit 3"
grep -q "not used as a file name" "$tmp/err" || no "unsafe id message: $(cat "$tmp/err")"

# A database that refuses the instances is a database error (exit 4), and
# no key appears.
cp "$db" "$tmp/refuse.db"
sqlite3 "$tmp/refuse.db" "create trigger refuse before insert on instances begin select raise(abort, 'refused by a test'); end"
"$bin" --db "$tmp/refuse.db" generate week5 --no-pdf --out "$tmp/rf" 2>"$tmp/err"; [ $? = 4 ] || no "a database error should exit 4: $(cat "$tmp/err")"
grep -q "refused by a test" "$tmp/err" || no "database error message: $(cat "$tmp/err")"
[ -e "$tmp/rf/key.xml" ] && no "a generate that failed in the database left a key.xml"
[ -e "$tmp/ev/evil.txt" ] && no "an unsafe id wrote outside answers/"

# On a terminal: a progress bar, and an error on a line of its own.
if command -v script >/dev/null; then
    { echo id,name; for i in $(seq 100 199); do echo "t$i,T $i"; done; } >"$tmp/many.csv"
    "$bin" --db "$tmp/evil.db" --quiet roster import "$tmp/many.csv" --course PHYS2
    script -qc "'$bin' --db '$tmp/evil.db' generate week5 --no-pdf --out '$tmp/tty'" /dev/null | tr '\r' '\n' >"$tmp/tty.txt"
    grep -q '^\[=* *\] [0-9]*/' "$tmp/tty.txt" || no "no progress bar on a terminal"
    grep -q '^ionsheet: .*not used as a file name' "$tmp/tty.txt" || no "error not on its own line: $(tail -c 300 "$tmp/tty.txt")"
fi

# Chinese worksheets.
ion --quiet --lang zh generate week5 --student s002 --out "$tmp/zh" || no "generate --lang zh"
pdftotext "$tmp/zh/students/s002.pdf" - | grep -q "钾" || no "Chinese worksheet lacks Chinese text"
# Its answer file: comments in Chinese, the fields the grader reads as ever.
zh_answers="$tmp/zh/answers/s002.txt"
grep -q "^# 请在每个冒号后写答案" "$zh_answers" || no "zh answer file intro: $(head -3 "$zh_answers")"
grep -q "^# 1a：一个数值，单位 mV$" "$zh_answers" || no "zh answer file part comment: $(cat "$zh_answers")"
grep -qE "Write each|a number|one of|one letter" "$zh_answers" && no "English left in the zh answer file: $(cat "$zh_answers")"
grep -q "^worksheet: week5$" "$zh_answers" && grep -q "^1a: $" "$zh_answers" || no "zh answer file fields"
grep -q "^# 1a: a number in mV$" "$out/answers/s003.txt" || no "en answer file part comment: $(cat "$out/answers/s003.txt")"
exit $fail
