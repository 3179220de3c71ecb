#!/usr/bin/env bash
# Generation benchmark: a 5-problem worksheet (one problem per family) for
# classes of 100, 1,000 and 10,000 students. Reports wall and CPU time,
# time per worksheet, peak memory and output size, for the key and the
# database alone (--no-pdf) and for everything (key, database, every PDF).
# BENCH_SIZES picks the class sizes, IONSHEET_BIN another ionsheet; the
# files live under $TMPDIR (TMPDIR=/dev/shm leaves the disk out).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
ion=${IONSHEET_BIN:-$root/ionsheet}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sizes=${BENCH_SIZES:-"100 1000 10000"}
printf '%-8s %-10s %9s %9s %12s %10s %10s\n' students output wall_s cpu_s ms_per_sheet peak_MiB size_MiB
for n in $sizes; do
    db="$tmp/b$n.db"
    "$ion" --db "$db" --quiet init
    { echo "id,name"; for i in $(seq -w 1 "$n"); do echo "s$i,Student $i"; done; } >"$tmp/roster$n.csv"
    "$ion" --db "$db" --quiet roster import "$tmp/roster$n.csv" --course C
    "$ion" --db "$db" --quiet worksheet create w --course C \
        --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
    for mode in key pdf; do
        flag=""; [ $mode = key ] && flag=--no-pdf
        out="$tmp/out$n$mode"
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
            "$ion" --db "$db" --quiet generate w --out "$out" $flag
        read -r wall user sys kb <"$tmp/time"
        [ $mode = pdf ] && { [ -n "${first_kb:-}" ] || { first_kb=$kb; first_n=$n; }; last_kb=$kb; last_n=$n; }
        size=$(du -sk "$out" | awk '{print $1}')
        awk -v n="$n" -v m="$mode" -v w="$wall" -v u="$user" -v s="$sys" -v kb="$kb" -v sz="$size" 'BEGIN {
            label = m == "key" ? "key+db" : "all+pdf";
            printf "%-8d %-10s %9.3f %9.3f %12.3f %10.1f %10.1f\n", n, label, w, u + s, 1000 * (u + s) / n, kb / 1024, sz / 1024 }'
    done
done
# Memory must stay flat: the largest class may not need twice the smallest's.
if [ "${first_n:-}" != "${last_n:-}" ]; then
    awk -v a="$first_kb" -v b="$last_kb" -v na="$first_n" -v nb="$last_n" 'BEGIN {
        printf "peak memory with every PDF: %.1f MiB at %d students, %.1f MiB at %d (%.2fx)\n", a / 1024, na, b / 1024, nb, b / a
        exit b > 2 * a }' || { echo "generate.sh: memory grows with the class" >&2; exit 1; }
fi
