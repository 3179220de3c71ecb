#!/usr/bin/env bash
# ionsheet serve under load, with Debian's wrk on loopback only, bounded in
# time (about a minute and a half): worksheet-page views and recorded
# submissions at 200 concurrent connections (requests/s, p50/p99 latency,
# failures, the server's CPU per request and how busy the machine was:
# other processes on it lower the first figures), then memory: the server's
# peak RSS after a warm-up, after 100,000 further page views and
# submissions, and after 100,000 more. A class of 500 students, a 5-problem
# worksheet; the database under $TMPDIR (TMPDIR=/dev/shm: tmpfs). Targets
# (issue 13): >= 5,000 views/s, >= 1,000 submissions/s, p99 < 50 ms, flat
# memory; the script prints them beside the figures and fails only when
# requests fail or the last 100,000 requests raise the peak by over 10%.
# BENCH_SECONDS (10) per run, BENCH_CONNECTIONS (200), IONSHEET_BIN.
set -eu
cd "$(dirname "$0")/.."
ion=${IONSHEET_BIN:-$PWD/ionsheet}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-200}
command -v wrk >/dev/null || { echo "bench/serve.sh: needs wrk (apt-get install wrk)"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
db=$tmp/db
"$ion" --db "$db" --quiet init
{ echo "id,name"; for i in $(seq -w 1 500); do echo "s$i,Student $i"; done; } >"$tmp/roster.csv"
"$ion" --db "$db" --quiet roster import "$tmp/roster.csv" --course C
"$ion" --db "$db" --quiet worksheet create w --course C --due 2099-01-01 \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
"$ion" --db "$db" --quiet generate w --out "$tmp/w" --no-pdf
"$ion" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q '^instructor: ' "$tmp/out" && break; sleep 0.1; done
base=$(sed -n 's#^instructor: \(http://[^/]*\)/.*#\1#p' "$tmp/out")

# Every student's path and CSRF field, for wrk's Lua scripts.
python3 - "$tmp/w/links.csv" "$base" "$tmp/targets.lua" <<'PY'
import csv, re, sys, urllib.request
rows = list(csv.DictReader(open(sys.argv[1])))
out = open(sys.argv[3], 'w')
out.write('targets = {\n')
for r in rows:
    path = '/s/' + r['url'].rsplit('/s/', 1)[1]
    page = urllib.request.urlopen(sys.argv[2] + path).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    out.write('  {"%s", "%s"},\n' % (path, csrf))
out.write('}\n')
PY
report='
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
              summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, bad))
end'
printf '%s\n' "dofile(\"$tmp/targets.lua\")" 'local i = 0' 'request = function()' '  i = i + 1' \
    '  return wrk.format("GET", targets[i % #targets + 1][1])' 'end' "$report" >"$tmp/view.lua"
# A new answer each time: a new submission row, not the same one again
# (wrk's threads each count on their own: the thread's number tells them apart).
printf '%s\n' "dofile(\"$tmp/targets.lua\")" 'local threads = 0' \
    'setup = function(thread) threads = threads + 1; thread:set("tid", threads) end' \
    'local i = 0' 'request = function()' '  i = i + 1' \
    '  local t = targets[i % #targets + 1]' \
    '  local body = "csrf=" .. t[2] .. "&1a=" .. string.format("-%d.%d%06d", 60 + i % 30, tid, i) ..' \
    '    "+mV&1b=inward&2a=-65&3a=-60&4a=20&4b=170&5a=10&5b=outward&5c=in"' \
    '  return wrk.format("POST", t[1], {["Content-Type"] = "application/x-www-form-urlencoded"}, body)' \
    'end' "$report" >"$tmp/submit.lua"

rss() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status"; } # the peak: RSS itself goes up and down by a few MB
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; } # busy, idle (ticks)
# The CPU of this script's children (wrk), in ticks (times in this shell:
# a subshell's own children have used none).
mine() { awk -v hz="$hz" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
    print int(hz * (60 * (u[1] + s[1]) + u[2] + s[2]) + 0.5) }' "$tmp/times"; }
hz=$(getconf CLK_TCK)
count=0
run() { # label script seconds
    local c0 c1 line b0 b1 w0 w1
    times >"$tmp/times"
    c0=$(cpu) b0=$(busy) w0=$(mine)
    line=$(wrk -t2 -c"$conns" -d"$3s" --timeout 5s -s "$2" "$base" | grep '^RESULT')
    times >"$tmp/times"
    c1=$(cpu) b1=$(busy) w1=$(mine)
    set -- "$1" ${line#RESULT }
    count=$((count + $2))
    awk -v l="$1" -v n="$2" -v r="$3" -v p50="$4" -v p99="$5" -v bad="$6" -v cpu=$((c1 - c0)) -v hz="$hz" \
        -v b0="$b0" -v b1="$b1" -v wrk=$((w1 - w0)) 'BEGIN {
        split(b0, x, " "); split(b1, y, " "); busy = y[1] - x[1]; all = busy + y[2] - x[2]
        printf "%-12s %9d %10.0f %8.2f %8.2f %6d %14.1f %7.0f %7.0f %7.0f\n", l, n, r, p50, p99, bad, 1e6 * cpu / hz / n,
            100 * cpu / all, 100 * wrk / all, 100 * (busy - cpu - wrk) / all }'
    [ "$6" = 0 ] || { echo "bench/serve.sh: $6 requests failed in $1" >&2; exit 1; }
}
echo "ionsheet serve on $base, $conns connections, database on $(df --output=fstype "$tmp" | tail -1) ($tmp), $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); server, wrk, others: shares of the machine's CPU (%) in each run"
printf '%-12s %9s %10s %8s %8s %6s %14s %7s %7s %7s\n' run requests per_s p50_ms p99_ms failed server_cpu_us server wrk others
run warm-up "$tmp/view.lua" 2 >/dev/null
run warm-up "$tmp/submit.lua" 2 >/dev/null
rss0=$(rss)
count=0
run page-views "$tmp/view.lua" "$secs"
run submissions "$tmp/submit.lua" "$secs"
recorded=$(sqlite3 "$db" 'select count(*) from submissions')
# Memory: the peak RSS after 100,000 further requests (views and
# submissions) and again after 100,000 more. SQLite's page caches (2 MB a
# connection, 4 connections) fill as the database grows, so the first
# stretch may add a few MB; a leak keeps growing.
more() { # until count passes $1
    while [ "$count" -lt "$1" ]; do
        run more-views "$tmp/view.lua" 4
        run more-submits "$tmp/submit.lua" 2
    done >/dev/null
}
more $((count + 100000)); rss1=$(rss); n1=$count
more $((n1 + 100000)); rss2=$(rss)
echo "submissions recorded: $recorded after the timed runs, $(sqlite3 "$db" 'select count(*) from submissions') in all;" \
     "integrity_check: $(sqlite3 "$db" 'pragma integrity_check')"
awk -v a="$rss0" -v b="$rss1" -v c="$rss2" -v n1="$n1" -v n2="$count" 'BEGIN {
    printf "server memory (peak RSS): %.1f MiB after the warm-up, %.1f MiB after %d requests, %.1f MiB after %d (%.2fx over the last %d)\n",
        a / 1024, b / 1024, n1, c / 1024, n2, c / b, n2 - n1
    exit c > 1.1 * b }' || { echo "bench/serve.sh: the server's memory grows" >&2; exit 1; }
echo "targets: >= 5000 page views/s, >= 1000 submissions/s, p99 < 50 ms at 200 connections"
kill "$pid"
wait "$pid" || true
pid=
