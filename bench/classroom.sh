#!/usr/bin/env bash
# Opening a generated worksheet as the server does (src/classroom.c: the
# students, their tokens, every sheet generated again from its seed and
# the answer key made of them), for classes of BENCH_CLASSROOM_SIZES
# (500 2000 10000) on a 5-problem worksheet: `ionsheet gradebook` with no
# submission recorded (the worksheet opened, then an empty gradebook), and
# `ionsheet serve` from its start until it listens (it opens every
# worksheet then). CPU seconds (user + system) and peak RSS, the best of
# BENCH_RUNS (3). The database under $TMPDIR (TMPDIR=/dev/shm: tmpfs).
# IONSHEET_BIN times another build (the one before a change). Fails only
# when a command fails.
set -eu
cd "$(dirname "$0")/.."
ion=${IONSHEET_BIN:-$PWD/ionsheet}
sizes=${BENCH_CLASSROOM_SIZES:-500 2000 10000}
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
hz=$(getconf CLK_TCK)

echo "bench/classroom.sh: $ion, files in $(df --output=fstype "$tmp" | tail -1), best of $runs"
printf '%-9s %-10s %10s %12s %12s\n' students command "cpu s" "µs/student" "peak MiB"
for n in $sizes; do
    db=$tmp/db$n
    "$ion" --db "$db" --quiet init
    { echo "id,name"; for i in $(seq -w 1 "$n"); do echo "s$i,Student $i"; done; } >"$tmp/roster.csv"
    "$ion" --db "$db" --quiet roster import "$tmp/roster.csv" --course C
    "$ion" --db "$db" --quiet worksheet create w --course C --due 2099-01-01 \
        --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
    "$ion" --db "$db" --quiet generate w --out "$tmp/w$n" --no-pdf

    best_cpu= best_kb=
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%U %S %M' -o "$tmp/t" "$ion" --db "$db" --quiet gradebook w --csv "$tmp/gb.csv"
        read -r u s kb <"$tmp/t"
        cpu=$(echo "$u + $s" | bc)
        if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc)" = 1 ]; then best_cpu=$cpu; fi
        if [ -z "$best_kb" ] || [ "$kb" -lt "$best_kb" ]; then best_kb=$kb; fi
    done
    [ "$(head -c 8 "$tmp/gb.csv")" = "student," ] || { echo "gradebook wrote no CSV"; exit 1; }
    printf '%-9s %-10s %10.2f %12.0f %12.1f\n' "$n" gradebook "$best_cpu" \
        "$(echo "$best_cpu * 1000000 / $n" | bc -l)" "$(echo "$best_kb / 1024" | bc -l)"

    best_cpu= best_kb=
    for _ in $(seq "$runs"); do
        : >"$tmp/out" # emptied here: the server's own redirection may come after the first look
        "$ion" --db "$db" serve --listen 127.0.0.1:0 >>"$tmp/out" 2>"$tmp/err" &
        pid=$!
        for _ in $(seq 600); do grep -q '^instructor: ' "$tmp/out" && break; sleep 0.05; done
        grep -q "^instructor: " "$tmp/out" || { echo "serve did not start: $(cat "$tmp/err")"; exit 1; }
        ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
        kill "$pid"
        wait "$pid" || true
        pid=
        cpu=$(echo "$ticks / $hz" | bc -l)
        if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc)" = 1 ]; then best_cpu=$cpu; fi
        if [ -z "$best_kb" ] || [ "$kb" -lt "$best_kb" ]; then best_kb=$kb; fi
    done
    printf '%-9s %-10s %10.2f %12.0f %12.1f\n' "$n" "serve" "$best_cpu" \
        "$(echo "$best_cpu * 1000000 / $n" | bc -l)" "$(echo "$best_kb / 1024" | bc -l)"
    rm -rf "$db" "$db"-* "$tmp/w$n"
done
