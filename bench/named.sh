#!/usr/bin/env bash
# `generate --student` given once per student (issue 19.8: 40,000 named
# students took 6.9 s, growing with the square of the count): a class of N
# (5 problems, --no-pdf) generated whole, then with every student named on
# the command line, for N = 10,000 and 40,000. Reports CPU seconds and
# microseconds per student of both; fails when naming the students costs
# more than twice the whole class, or when the cost per named student grows
# by more than half from the smaller class to the larger.
# BENCH_NAMED_SIZES picks the sizes; IONSHEET_BIN another ionsheet. Files
# under $TMPDIR (TMPDIR=/dev/shm: tmpfs).
set -eu
cd "$(dirname "$0")/.."
ion=${IONSHEET_BIN:-$PWD/ionsheet}
export IONSHEET_HOME=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sizes=${BENCH_NAMED_SIZES:-"10000 40000"}
status=0
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$tmp/time"; }
printf '%-9s %14s %12s %14s %12s\n' students whole_cpu_s us_each named_cpu_s us_each
prev=""
for n in $sizes; do
    db="$tmp/n$n.db"
    "$ion" --db "$db" --quiet init
    { echo "id,name"; for i in $(seq -w 1 "$n"); do echo "s$i,Student $i"; done; } >"$tmp/r.csv"
    "$ion" --db "$db" --quiet roster import "$tmp/r.csv" --course C
    "$ion" --db "$db" --quiet worksheet create w --course C \
        --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
    cp "$db" "$tmp/named.db"
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$ion" --db "$db" --quiet generate w --out "$tmp/whole" --no-pdf
    whole=$(cpu)
    args=()
    for i in $(seq -w 1 "$n"); do args+=(--student "s$i"); done
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$ion" --db "$tmp/named.db" --quiet generate w --out "$tmp/named" \
        --no-pdf "${args[@]}"
    named=$(cpu)
    cmp -s "$tmp/whole/key.xml" "$tmp/named/key.xml" || { echo "named.sh: the keys differ at $n"; status=1; }
    each=$(awk -v t="$named" -v n="$n" 'BEGIN { printf "%.1f", t / n * 1e6 }')
    awk -v n="$n" -v w="$whole" -v t="$named" 'BEGIN {
        printf "%-9d %14.2f %12.1f %14.2f %12.1f\n", n, w, w / n * 1e6, t, t / n * 1e6 }'
    if awk -v w="$whole" -v t="$named" 'BEGIN { exit !(t > 2 * w + 0.2) }'; then
        echo "named.sh: naming $n students costs more than twice the whole class"; status=1
    fi
    if [ -n "$prev" ] && awk -v a="$prev" -v b="$each" 'BEGIN { exit !(b > 1.5 * a + 5) }'; then
        echo "named.sh: the cost per named student grew from $prev to $each us"; status=1
    fi
    prev=$each
    rm -rf "$tmp/whole" "$tmp/named" "$tmp/named.db" "$db"
done
exit $status
