#!/usr/bin/env bash
# make demo: the whole flow of SPEC.md "Set-up" on the shipped data.
set -eu
cd "$(dirname "$0")/.."
out=out/demo
db=$out/ionsheet.db
rm -rf "$out"
mkdir -p "$out"
ion() { ./ionsheet --db "$db" "$@"; }

echo "== the compute core"
./ionsheet calc nernst z=1 out=4mM in=140mM T=37C
./ionsheet calc drive z=-1 V_m=-70mV E=-64mV

echo "== a new bank from problems/"
ion init
ion bank check --samples 500

echo "== a class and a five-problem worksheet"
ion roster import tests/data/roster-sample.csv --course PHYS2
ion worksheet create week5 --course PHYS2 --title "Week 5: the resting potential" --due 2027-06-30 \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
ion generate week5 --out "$out/week5"
ion --lang zh generate week5 --out "$out/week5-zh"

echo "== sample submissions, graded"
python3 tests/data/demo_submissions.py "$out/week5/key.xml" "$out/submissions"
# A refused file makes grade exit 1: expected here, the demo goes on.
ion grade "$out/week5/key.xml" "$out/submissions" --csv "$out/gradebook.csv" --feedback "$out/feedback" || true

echo
echo "== where everything is"
echo "database:            $db"
echo "answer key:          $out/week5/key.xml"
echo "student worksheets:  $out/week5/students/*.pdf (Chinese: $out/week5-zh/students/)"
echo "whole class:         $out/week5/class.pdf"
echo "worked solutions:    $out/week5/solutions.pdf"
echo "blank answer files:  $out/week5/answers/*.txt"
echo "submissions:         $out/submissions/"
echo "gradebook:           $out/gradebook.csv"
echo "feedback:            $out/feedback/"
echo "students' web links: $out/week5/links.csv"
echo
echo "== on the web: start the server on the demo database with"
echo "    ./ionsheet --db $db serve"
echo "then open the 'instructor:' link it prints (the gradebook), a student's link"
echo "from $out/week5/links.csv (their worksheet, to answer in the browser), or"
echo "http://127.0.0.1:8080/drill (the drill); Ctrl-C stops it."
