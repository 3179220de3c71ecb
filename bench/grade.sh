#!/usr/bin/env bash
# Grading benchmark: a 5-problem worksheet (one problem per family) for
# classes of 1,000, 10,000 and 100,000 students, generated with `ionsheet
# generate --no-pdf`, every answer file filled in (most parts right, every
# third part wrong) and read from disk. Reports, on one core: the key's load
# time, submissions graded per second (best of 3 rounds), the time to
# render the gradebook and all feedback, and the whole `ionsheet grade`
# command (wall, CPU, peak memory, submissions per second of CPU end to
# end, the best of 3 runs) twice: without a database, and recording every
# submission and grade in the worksheet's database (the usual case: the
# database `generate` made, copied afresh before each run).
# Fails (issue 16) when, from 10,000 submissions on, the whole command
# grades fewer than 10,000 submissions per second of CPU, or when its peak
# memory reaches 100 MiB at 10,000 submissions (200 MB at 100,000: the key
# is read once, its students kept as records, 8 MiB of them in memory and
# the rest in a temporary file in TMPDIR; what grows is the gradebook).
# BENCH_SIZES="100 1000" picks sizes; BENCH_RUNS the runs of each command
# (3); IONSHEET_BIN another ionsheet, LIB another libionsheet.a, BENCH_BIN
# where the benchmark program goes.
# The files live under $TMPDIR: TMPDIR=/dev/shm leaves the disk out (on a
# slow disk, creating the feedback files dominates the command's time).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
ion=${IONSHEET_BIN:-$root/ionsheet}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sizes=${BENCH_SIZES:-"1000 10000 100000"}
runs=${BENCH_RUNS:-3}
status=0
bin=${BENCH_BIN:-build/bench/grade_bench}
mkdir -p "$(dirname "$bin")"
pkgs="sqlite3 libxml-2.0 libsodium libutf8proc"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -O2 -D_POSIX_C_SOURCE=200809L -Isrc $(pkg-config --cflags $pkgs) \
    -o "$bin" bench/grade_bench.c ${LIB:-build/libionsheet.a} $(pkg-config --libs $pkgs) -lhpdf -lgmp -lm
has_grade=0; "$ion" grade --help >/dev/null 2>&1 && has_grade=1

where=${TMPDIR:-/tmp}
echo "files (key, answer files, gradebook, feedback, database, the key's temporary file) under $where: $(stat -f -c %T "$where"), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-6s %9s %10s %10s %12s %9s %10s\n' students shapes graded key_load_s grade_cpu_s submissions/s us_each render_s
for n in $sizes; do
    db="$tmp/b$n.db"
    "$ion" --db "$db" --quiet init
    { echo "id,name"; for i in $(seq -w 1 "$n"); do echo "s$i,Student $i"; done; } >"$tmp/roster$n.csv"
    "$ion" --db "$db" --quiet roster import "$tmp/roster$n.csv" --course C
    "$ion" --db "$db" --quiet worksheet create w --course C \
        --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
    out="$tmp/out$n"
    "$ion" --db "$db" --quiet generate w --out "$out" --no-pdf
    # Fill in every answer file from the key: right answers, every third part wrong.
    mkdir -p "$out/in"
    awk -v dir="$out/in" '
        /<student / { match($0, /id="[^"]*"/); id = substr($0, RSTART + 4, RLENGTH - 5)
                      f = dir "/" id ".txt"; print "worksheet: w\nstudent: " id > f; k = 0 }
        /<part / && f { match($0, /id="[^"]*"/); part = substr($0, RSTART + 4, RLENGTH - 5)
                   match($0, / value="[^"]*"/); v = substr($0, RSTART + 8, RLENGTH - 9)
                   if (++k % 3 == 0) v = ($0 ~ /kind="numeric"/) ? v * 1.5 + 1 : "none"
                   print part ": " v >> f }
        /<\/student>/ { close(f) }' "$out/key.xml"
    "$bin" "$out/key.xml" "$out/in" 3
    if [ $has_grade = 1 ]; then
        cp "$db" "$tmp/generated.db"
        for with in none database; do
            best=""
            for _ in $(seq "$runs"); do
                if [ $with = database ]; then
                    cp "$tmp/generated.db" "$db"; rm -f "$db-wal" "$db-shm"; use=$db
                else
                    use=$tmp/none.db
                fi
                /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
                    "$ion" --db "$use" --quiet grade "$out/key.xml" "$out/in" >/dev/null 2>&1 || true
                read -r wall user sys kb <"$tmp/time"
                # the run with the least CPU (another process on the core
                # only ever adds to it), and the highest peak of all
                best=$(awk -v b="$best" -v w="$wall" -v u="$user" -v s="$sys" -v kb="$kb" 'BEGIN {
                    c = u + s; split(b, o, " ")
                    if (b == "" || c < o[2]) { o[1] = w; o[2] = c }
                    if (b != "" && o[3] > kb) kb = o[3]
                    print o[1], o[2], kb }')
            done
            read -r wall cpu kb <<<"$best"
            rate=$(awk -v n="$n" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')
            awk -v n="$n" -v w="$wall" -v c="$cpu" -v r="$rate" -v kb="$kb" -v with="$with" 'BEGIN {
                printf "  ionsheet grade, %s, %d files in, gradebook and %d feedback files out: %.2f s wall, %.2f s CPU (%d submissions/s of CPU), %.0f MiB peak\n",
                       with == "none" ? "no database" : "recording into the database", n, n, w, c, r, kb / 1024 }'
            limit=$(( n <= 10000 ? 100 * 1024 : n <= 100000 ? 200000000 / 1024 : 0 ))
            if [ "$limit" -gt 0 ] && [ "$kb" -ge "$limit" ]; then
                echo "FAIL: grading $n submissions ($with) peaked at $((kb / 1024)) MiB, at or over $((limit / 1024)) MiB"
                status=1
            fi
            if [ "$n" -ge 10000 ] && [ "$rate" -lt 10000 ]; then
                echo "FAIL: grading $n submissions ($with) at $rate submissions/s of CPU, under 10,000/s"
                status=1
            fi
        done
    fi
done
exit $status
