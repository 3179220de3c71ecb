#!/usr/bin/env bash
# Concurrent writers on one database (WAL, one writer at a time; the others
# wait for the lock). Each case must end with every command successful, the
# database intact, every row recorded once and the same files as alone:
#   - two `grade` processes of the same files at once;
#   - two `grade` processes of the two halves of a class at once;
#   - `grade` of one worksheet while `generate` writes another;
#   - `grade` while another writer holds the lock longer than SQLite's
#     old 5 s wait (it used to fail with "database is locked").
source "$(dirname "$0")/crash_common.bash"
n=${CONCURRENT_STUDENTS:-400}

base="$tmp/base.db"
add_class "$base" s "$n" w
add_class "$base" t 300 w2
gen_db="$tmp/gen.db"
fresh_db "$base" "$gen_db"
"$bin" --db "$gen_db" --quiet generate w --out "$tmp/w" --no-pdf || no "generate"
key="$tmp/w/key.xml"
subs="$tmp/subs"
fill_answers "$key" "$subs"
want_counts="$n $((n * $(key_parts "$key")))"
mkdir -p "$tmp/ref"
fresh_db "$gen_db" "$tmp/graded.db"
"$bin" --db "$tmp/graded.db" --quiet grade "$key" "$subs" --csv "$tmp/ref/book.csv" \
    --feedback "$tmp/ref/fb" 2>"$tmp/err" || no "reference grade: $(cat "$tmp/err")"
grade_rows "$tmp/graded.db" w >"$tmp/rows.ref"
"$bin" --db "$tmp/graded.db" --quiet generate w2 --out "$tmp/w2ref" || no "reference generate w2"
[ $fail = 0 ] || exit 1

db="$tmp/t.db"
# Both graders' exit codes, then the database's state.
check_db() { # what, exit codes "rc1:rc2"
    [ "$2" = 0:0 ] || no "$1: exit codes $2: $(cat "$tmp/err1" "$tmp/err2")"
    db_ok "$db" "$1"
    [ "$(counts "$db" w)" = "$want_counts" ] || no "$1: recorded $(counts "$db" w), not $want_counts"
    grade_rows "$db" w | cmp -s - "$tmp/rows.ref" || no "$1: the recorded grades differ"
}

# Two graders at once on a fresh copy of the database, then the checks:
# what, and for each grader its answer files, gradebook and feedback folder.
two_graders() { # what subs1 csv1 fb1 subs2 csv2 fb2
    local p1 p2 r1 r2
    fresh_db "$gen_db" "$db"
    "$bin" --db "$db" --quiet grade "$key" "$2" --csv "$3" --feedback "$4" 2>"$tmp/err1" &
    p1=$!
    "$bin" --db "$db" --quiet grade "$key" "$5" --csv "$6" --feedback "$7" 2>"$tmp/err2" &
    p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    check_db "$1" "$r1:$r2"
}

# Two graders of the same files.
mkdir -p "$tmp/c1" "$tmp/c2"
two_graders "two graders of the same files" "$subs" "$tmp/c1/book.csv" "$tmp/c1/fb" \
    "$subs" "$tmp/c2/book.csv" "$tmp/c2/fb"
same_tree "$tmp/ref" "$tmp/c1" "two graders of the same files (1)"
same_tree "$tmp/ref" "$tmp/c2" "two graders of the same files (2)"

# Two graders of the two halves of the class.
mkdir -p "$tmp/h1" "$tmp/h2"
ls "$subs" | head -n $((n / 2)) | while read -r f; do cp "$subs/$f" "$tmp/h1/"; done
ls "$subs" | tail -n +$((n / 2 + 1)) | while read -r f; do cp "$subs/$f" "$tmp/h2/"; done
two_graders "two graders of two halves" "$tmp/h1" "$tmp/h1.csv" "$tmp/hf1" "$tmp/h2" "$tmp/h2.csv" "$tmp/hf2"

# A grader while generate (with PDFs) writes another worksheet.
fresh_db "$gen_db" "$db"
"$bin" --db "$db" --quiet generate w2 --out "$tmp/w2" 2>"$tmp/err1" &
p1=$!
"$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$tmp/g.csv" --feedback "$tmp/gfb" 2>"$tmp/err2" &
p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check_db "grade during generate" "$r1:$r2"
[ "$(instances "$db" w2)" = 1500 ] || no "grade during generate: $(instances "$db" w2) instances of w2"
same_tree "$tmp/w2ref" "$tmp/w2" "generate during grade"

# A writer that holds the lock for 6 s: grade waits, then records.
fresh_db "$gen_db" "$db"
sqlite3 "$db" "begin immediate" ".shell sleep 6" "commit" >/dev/null 2>&1 &
p1=$!
sleep 0.3
timed "$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$tmp/l.csv" --feedback "$tmp/lfb" 2>"$tmp/err2"; r2=$?
wait $p1; r1=$?
[ "$ms" -ge 5000 ] || no "the sqlite3 shell did not hold the lock (grade took $ms ms)"
check_db "grade waiting 6 s for the lock" "$r1:$r2"
exit $fail
