#!/usr/bin/env bash
# Bank check benchmark: `ionsheet bank check --samples N` over the shipped
# bank (every template of problems/, imported by `init`), for N = 2,000 (the
# default) and 20,000. Each sample draws a variant (params, requires), works
# out its lets, answers and mistakes and applies every rule of "Well-posed
# variants". Reports wall and CPU time, variants checked per second of CPU
# and microseconds per variant. BENCH_CHECK_SAMPLES picks the Ns;
# IONSHEET_BIN another ionsheet.
set -eu
cd "$(dirname "$0")/.."
ion=${IONSHEET_BIN:-$PWD/ionsheet}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db="$tmp/bank.db"
"$ion" --db "$db" --quiet init
printf '%-9s %-9s %10s %8s %8s %12s %10s\n' templates samples variants wall_s cpu_s variants/s us_each
for n in ${BENCH_CHECK_SAMPLES:-2000 20000}; do
    rc=0
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$ion" --db "$db" bank check --samples "$n" >"$tmp/out" || rc=$?
    [ $rc = 0 ] || { echo "bench/check.sh: bank check failed (exit $rc)"; cat "$tmp/out"; exit 1; }
    templates=$(sed -n 's/^checked \([0-9]*\) templates.*/\1/p' "$tmp/out")
    read -r wall user sys <"$tmp/time"
    awk -v t="$templates" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
        v = t * n; c = u + s; if (c <= 0) c = 0.005
        printf "%-9d %-9d %10d %8.2f %8.2f %12.0f %10.2f\n", t, n, v, w, c, v / c, 1e6 * c / v }'
done
