#!/usr/bin/env bash
# ionsheet serve stopped in the middle of a storm of submissions (8
# clients, each answer unique), once by each of SIGKILL, SIGTERM and
# SIGINT: the database passes integrity_check, every submission that got a
# 2xx answer is recorded, none half-written (each has its 3 grades, no
# grade without its submission). After SIGTERM and SIGINT the server has
# also stopped within 2 s with exit status 0. During the SIGTERM storm
# `grade` records an answer file in the same database.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
ion() { "$bin" --db "$tmp/db" "$@"; }
ion init >/dev/null
{ echo "id,name"; for i in $(seq -w 1 40); do echo "s0$i,Student $i"; done; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C >/dev/null
ion worksheet create w --course C --due 2099-01-01 --problems nernst-k,ghk-kna >/dev/null
ion generate w --out "$tmp/w" --no-pdf >/dev/null || { echo "FAIL: generate"; exit 1; }
parts=$(( $(grep -o '<part id="[0-9][a-z]"' "$tmp/w/key.xml" | wc -l) / 40 ))  # each student's: 1a, 1b, 2a

# storm SIGNAL RUN: a server, 8 clients submitting for 1.5 s, then SIGNAL.
# The answers of run RUN are -(50+5*RUN).NNNN: unique, and apart from the
# other runs'.
storm() {
    local sig=$1 run=$2
    serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { no "$sig: serve did not start: $(cat "$tmp/log")"; return; }
    sed "s#http://127.0.0.1:8080#$base#" "$tmp/w/links.csv" >"$tmp/links.csv"
    if [ "$sig" = TERM ]; then  # `grade` of an answer file in the middle of the storm
        { echo "worksheet: w"; echo "student: s001"; echo "1a: -71 mV"; } >"$tmp/by-file.txt"
        (sleep 0.7; ion --quiet grade "$tmp/w/key.xml" "$tmp/by-file.txt" --csv "$tmp/g.csv" --feedback "$tmp/fb" \
            >/dev/null 2>"$tmp/grade.err"; echo $? >"$tmp/grade.rc") &
    fi
    timeout 60 python3 - "$tmp/links.csv" "$pid" "$tmp/ok.txt" "$sig" "$run" <<'PY' || no "$sig: the storm did not run"
import csv, http.client, os, re, signal, sys, threading, time, urllib.parse
links = [r['url'] for r in csv.DictReader(open(sys.argv[1]))]
pid, okfile, sig, run = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
forms = []
for url in links:
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    c.request('GET', u.path)
    page = c.getresponse().read().decode()
    forms.append((u.hostname, u.port, u.path, re.search(r'name="csrf" value="([^"]+)"', page).group(1)))
ok, lock, n = [], threading.Lock(), [0]
def client(k):
    while True:
        with lock:
            n[0] += 1
            i = n[0]
        host, port, path, csrf = forms[i % len(forms)]
        answer = '%.4f' % (-(50 + 5 * run) - i / 10000)  # unique: the submission's fingerprint
        body = urllib.parse.urlencode({'csrf': csrf, '1a': answer + ' mV', '1b': 'inward'})
        try:
            c = http.client.HTTPConnection(host, port, timeout=5)
            c.request('POST', path, body, {'Content-Type': 'application/x-www-form-urlencoded'})
            status = c.getresponse().status
        except Exception:
            return  # the server is gone
        if 200 <= status < 300:
            with lock:
                ok.append(answer)
threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
for t in threads:
    t.start()
time.sleep(1.5)
os.kill(pid, signal.Signals['SIG' + sig])
t = time.monotonic()
def running():  # a process that has exited is a zombie until the shell waits
    try:
        return open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:  # gone, or going (ESRCH while it is reaped)
        return False
while running() and time.monotonic() - t < 10:
    time.sleep(0.01)
stopped = time.monotonic() - t
for t in threads:
    t.join()
open(okfile, 'w').write('\n'.join(ok) + '\n')
print('serve_crash: SIG%s after %d submissions answered 2xx: stopped in %.2f s' % (sig, len(ok), stopped))
if sig != 'KILL' and stopped > 2:
    sys.exit('FAIL: still running %.1f s after SIG%s' % (stopped, sig))
PY
    if [ "$sig" = TERM ]; then
        wait $!
        [ "$(cat "$tmp/grade.rc")" = 0 ] || no "grade during the storm: $(cat "$tmp/grade.err")"
        [ "$(sqlite3 "$tmp/db" "select count(*) from submissions where source_file like '%by-file.txt'")" = 1 ] ||
            no "grade's submission during the storm is not recorded"
    fi
    case $(ps -o stat= -p "$pid") in "" | Z*) ;; *) no "$sig: the server still runs"; kill -9 "$pid" ;; esac
    { wait "$pid"; } 2>/dev/null
    local rc=$?
    pid=
    case $sig in KILL) [ $rc = 137 ] || no "KILL: exit status $rc" ;;
                 *) [ $rc = 0 ] || no "$sig: exit status $rc, not 0: $(tail -3 "$tmp/log")" ;; esac
    [ "$(sqlite3 "$tmp/db" 'pragma integrity_check')" = ok ] || no "$sig: integrity_check"
    sqlite3 "$tmp/db" "select answer from grades where part_id = '1a'" | sed 's/ mV$//' | sort -u >"$tmp/recorded.txt"
    sort -u "$tmp/ok.txt" | grep . >"$tmp/acked.txt"
    [ "$(wc -l <"$tmp/acked.txt")" -ge 20 ] || no "$sig: fewer than 20 submissions before the signal: $(wc -l <"$tmp/acked.txt")"
    local lost
    lost=$(comm -23 "$tmp/acked.txt" "$tmp/recorded.txt" | wc -l)
    [ "$lost" = 0 ] || no "$sig: $lost submissions answered 2xx are not recorded"
    local half
    half=$(sqlite3 "$tmp/db" "select (select count(*) from submissions s
              where (select count(*) from grades g where g.submission_id = s.id) <> $parts)
            + (select count(*) from grades g where g.submission_id not in (select id from submissions))")
    [ "$half" = 0 ] || no "$sig: $half submissions half-written"
}
[ "$parts" = 3 ] || no "parts per student in the key: $parts"
storm KILL 0 2>"$tmp/stderr"  # without bash's word on the killed job
grep -v ' Killed ' "$tmp/stderr" >&2
storm TERM 1
storm INT 2
[ $fail = 0 ] && echo "serve_crash: SIGKILL, SIGTERM, SIGINT: integrity_check ok, every acknowledged submission recorded, none half-written"
exit $fail
