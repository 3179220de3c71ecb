# Shared by tests/e2e/crash.sh and tests/e2e/concurrent.sh (sourced; not a
# test itself, hence not *.sh): a scratch directory, a database with
# classes and worksheets, reference runs, and the checks on a database.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
bin=${IONSHEET_BIN:-$root/ionsheet}
if ! "$bin" grade --help >/dev/null 2>&1; then
    echo "SKIP: $bin has no grade command"
    exit 0
fi
# Files in tmpfs when there is one: a killed process loses nothing that the
# kernel already holds, whatever the file system, and the disk would only
# slow the test down.
tmp=$(mktemp -d -p "${CRASH_TMPDIR:-/dev/shm}" 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
q() { sqlite3 "$1" "$2" 2>&1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Runs a command and sets ms to its wall time.
timed() { local t0 r; t0=$(now_ms); "$@"; r=$?; ms=$(( $(now_ms) - t0 )); return $r; }
problems=nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl

# Adds course COURSE with N students s0001... and a 5-problem worksheet
# NAME to database DB (created on first use).
add_class() { # db, course, n, worksheet
    [ -e "$1" ] || "$bin" --db "$1" --quiet init || no "init"
    { echo "id,name"; for i in $(seq -w 1 "$3"); do echo "$2$i,Student $i of $2"; done; } >"$tmp/roster-$2.csv"
    "$bin" --db "$1" --quiet roster import "$tmp/roster-$2.csv" --course "$2" || no "roster import $2"
    "$bin" --db "$1" --quiet worksheet create "$4" --course "$2" --problems $problems || no "worksheet create $4"
}

# Copies a closed database (no -wal or -shm beside it) to $2, removing what
# an earlier trial left there.
fresh_db() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; }

# Answer files filled in from a key (file $1) into directory $2: most parts
# right, every third part wrong.
fill_answers() {
    mkdir -p "$2"
    awk -v dir="$2" '
        /<answer-key / { match($0, /worksheet="[^"]*"/); ws = substr($0, RSTART + 11, RLENGTH - 12) }
        /<student / { match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5)
                      f = dir "/" id ".txt"; print "worksheet: " ws "\nstudent: " id > f; k = 0 }
        /<part / && f { match($0, /id="[^"]*"/); part = substr($0, RSTART + 4, RLENGTH - 5)
                   match($0, / value="[^"]*"/); v = substr($0, RSTART + 8, RLENGTH - 9)
                   if (++k % 3 == 0) v = ($0 ~ /kind="numeric"/) ? v * 1.5 + 1 : "none"
                   print part ": " v >> f }
        /<\/student>/ { close(f) }' "$1"
}
# Parts per student in key $1.
key_parts() { awk '/<student /{s++} /<part /&&s==1{p++} END{print p}' "$1"; }

instances() { q "$1" "select count(*) from instances where worksheet = '$2'"; }
db_ok() { # database, what
    local r
    r=$(q "$1" "pragma integrity_check"); [ "$r" = ok ] || no "$2: integrity_check: $r"
    r=$(q "$1" "pragma foreign_key_check"); [ -z "$r" ] || no "$2: foreign_key_check: $r"
}
# "SUBMISSIONS GRADES" recorded for worksheet $2.
counts() {
    q "$1" "select (select count(*) from submissions where worksheet = '$2') || ' ' ||
                   (select count(*) from grades g join submissions s on s.id = g.submission_id
                    where s.worksheet = '$2')"
}
# Every recorded grade of worksheet $2, in a fixed order.
grade_rows() {
    q "$1" "select s.student_id, g.part_id, g.answer, g.score, g.max_score, g.verdict, g.feedback
            from grades g join submissions s on s.id = g.submission_id
            where s.worksheet = '$2' order by s.student_id, g.part_id"
}
# The same files, names and bytes in both trees (dot files included).
same_tree() { # reference, tree, what
    local d
    d=$(diff -rq "$1" "$2" 2>&1) || no "$3: the files differ from an uninterrupted run's: $(echo "$d" | head -3)"
}
