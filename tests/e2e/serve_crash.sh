#!/usr/bin/env bash
# ionsheet serve killed with SIGKILL in the middle of a storm of
# submissions (8 clients, each answer unique): the database passes
# integrity_check and every submission that got a 2xx answer is recorded.
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-./ionsheet}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
ion() { "$bin" --db "$tmp/db" "$@"; }
ion init >/dev/null
{ echo "id,name"; for i in $(seq -w 1 40); do echo "s0$i,Student $i"; done; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C >/dev/null
ion worksheet create w --course C --due 2099-01-01 --problems nernst-k,ghk-kna >/dev/null
ion generate w --out "$tmp/w" --no-pdf >/dev/null || { echo "FAIL: generate"; exit 1; }
"$bin" --db "$tmp/db" serve --listen 127.0.0.1:0 >"$tmp/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q '^instructor: ' "$tmp/out" && break; sleep 0.1; done
base=$(sed -n 's#^instructor: \(http://[^/]*\)/.*#\1#p' "$tmp/out")
sed -i "s#http://127.0.0.1:8080#$base#" "$tmp/w/links.csv"
python3 - "$tmp/w/links.csv" "$pid" "$tmp/ok.txt" <<'PY' || no "the storm did not run"
import csv, http.client, os, re, signal, sys, threading, time, urllib.parse
links = [r['url'] for r in csv.DictReader(open(sys.argv[1]))]
pid, okfile = int(sys.argv[2]), sys.argv[3]
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
        answer = '%.3f' % (-50 - i / 1000)  # unique: the submission's fingerprint
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
os.kill(pid, signal.SIGKILL)
for t in threads:
    t.join()
open(okfile, 'w').write('\n'.join(ok) + '\n')
print('serve_crash: %d submissions answered 2xx before SIGKILL' % len(ok))
PY
{ wait "$pid"; } 2>/dev/null; pid=
[ "$(sqlite3 "$tmp/db" 'pragma integrity_check')" = ok ] || no "integrity_check after SIGKILL"
sqlite3 "$tmp/db" "select answer from grades where part_id = '1a'" | sed 's/ mV$//' | sort -u >"$tmp/recorded.txt"
sort -u "$tmp/ok.txt" | grep . >"$tmp/acked.txt"
[ "$(wc -l <"$tmp/acked.txt")" -ge 20 ] || no "fewer than 20 submissions before the kill: $(wc -l <"$tmp/acked.txt")"
lost=$(comm -23 "$tmp/acked.txt" "$tmp/recorded.txt" | wc -l)
[ "$lost" = 0 ] || no "$lost submissions answered 2xx are not recorded"
[ $fail = 0 ] && echo "serve_crash: integrity_check ok, every acknowledged submission recorded ($(wc -l <"$tmp/acked.txt"))"
exit $fail
