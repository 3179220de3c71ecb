#!/usr/bin/env bash
# ionsheet serve against slow clients (slowloris), on the loopback:
# - 50 clients dribbling one header byte a second (some from the request
#   line's first byte, one after a first request on a kept-alive connection)
#   are cut at the 15-s request deadline, though never silent long enough
#   for the idle timeout;
# - a request sent slowly but whole within the deadline is answered;
# - 400 connections from one address (127.0.0.2) are held, the 401st is
#   refused (the per-address limit) while 127.0.0.1 is still served;
# - a normal request succeeds at once meanwhile and after.
# About 20 s; a free port each run.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
"$bin" --db "$tmp/db" init >/dev/null || { echo "FAIL: init"; exit 1; }
serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { echo "FAIL: serve did not start: $(cat "$tmp/log")"; exit 1; }
timeout 60 python3 - "$base" 15 <<'PY' || no "slow clients"
import selectors, socket, sys, threading, time, urllib.request
base, deadline = sys.argv[1], float(sys.argv[2])
host, port = base.split('//')[1].split(':')
port = int(port)
failures = []

def normal(when):
    t = time.monotonic()
    try:
        r = urllib.request.urlopen(base + '/', timeout=3)
        r.read()
        took = time.monotonic() - t
        if r.status != 200 or took > 1:
            failures.append('%s: a normal request: %d in %.2f s' % (when, r.status, took))
        return took
    except Exception as e:
        failures.append('%s: a normal request failed: %r' % (when, e))
        return -1

def read_response(s):
    """One whole response from a blocking socket: its status."""
    data = b''
    while b'\r\n\r\n' not in data:
        data += s.recv(4096)
    head, body = data.split(b'\r\n\r\n', 1)
    length = [int(l.split(b':')[1]) for l in head.split(b'\r\n') if l.lower().startswith(b'content-length:')][0]
    while len(body) < length:
        body += s.recv(4096)
    return int(head.split()[1])

# a slow but honest client: its request in 6 pieces over 6 s, answered
def honest():
    try:
        s = socket.create_connection((host, port), timeout=10)
        for piece in [b'GET / HT', b'TP/1.1\r\n', b'Host: x\r\n', b'Accept: */*\r\n', b'User-Agent: slow\r\n', b'\r\n']:
            s.sendall(piece)
            time.sleep(1.2)
        status = read_response(s)
        if status != 200:
            failures.append('the honest slow client got %d' % status)
    except Exception as e:
        failures.append('the honest slow client: %r' % e)
honest_thread = threading.Thread(target=honest)
honest_thread.start()

# 50 slow clients: 25 from the first byte of the request line, 24 after it,
# one after a first whole request on its kept-alive connection
sel = selectors.DefaultSelector()
slow = {}
line = b'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '
for k in range(50):
    s = socket.create_connection((host, port), timeout=5)
    if k == 49:
        s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        if read_response(s) != 200:
            failures.append('the kept-alive client\'s first request')
    s.setblocking(False)
    sent = 0 if k < 25 else len(line) - 1
    slow[s] = {'start': time.monotonic(), 'sent': sent, 'closed': None}
    sel.register(s, selectors.EVENT_READ)
t0 = time.monotonic()

def closed(s):
    slow[s]['closed'] = time.monotonic() - slow[s]['start']
    sel.unregister(s)
    s.close()

# 400 connections from 127.0.0.2 are held; the 401st is closed at once
def per_address():
    held = []
    for _ in range(401):
        c = socket.socket()
        c.bind(('127.0.0.2', 0))
        c.settimeout(3)
        c.connect((host, port))
        held.append(c)
    time.sleep(0.5)
    refused = 0
    for c in held:
        c.setblocking(False)
        try:
            refused += c.recv(1) == b''
        except BlockingIOError:
            pass
        except ConnectionResetError:
            refused += 1
    if refused != 1:
        failures.append('of 401 connections from one address %d were refused, not 1' % refused)
    normal('beside 400 connections from 127.0.0.2')
    for c in held:
        c.close()

checks = {1.0: per_address, 4.0: lambda: normal('at 4 s'), 10.0: lambda: normal('at 10 s')}
next_byte = t0
while sel.get_map() and time.monotonic() - t0 < deadline + 5:
    now = time.monotonic()
    for at in sorted(checks):
        if now - t0 >= at:
            checks.pop(at)()
    if now >= next_byte:  # one more byte on each open slow connection
        next_byte += 1
        for s, st in list(slow.items()):
            if st['closed'] is None:
                b = line[st['sent']:st['sent'] + 1] or b'a'
                try:
                    s.send(b)
                    st['sent'] += 1
                except OSError:
                    closed(s)
    for key, _ in sel.select(timeout=0.1):
        try:
            if key.fileobj.recv(4096) == b'':
                closed(key.fileobj)
        except OSError:
            closed(key.fileobj)
honest_thread.join()
times = sorted(st['closed'] for st in slow.values() if st['closed'] is not None)
if len(times) != 50:
    failures.append('%d of 50 slow clients still open after %.0f s' % (50 - len(times), deadline + 5))
elif times[0] < deadline - 0.5 or times[-1] > deadline + 2:
    failures.append('slow clients cut after %.2f to %.2f s, not at the %g-s deadline' % (times[0], times[-1], deadline))
after = normal('after the slow clients')
for f in failures:
    print('FAIL:', f)
if times:
    print('serve_slow: %d slow clients cut after %.2f-%.2f s; a normal request after them took %.0f ms'
          % (len(times), times[0], times[-1], after * 1000))
sys.exit(1 if failures else 0)
PY
grep -q 'closed [0-9]* connections\{0,1\}: no whole request within 15 s' "$tmp/log" || no "no log line for the cut connections"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ $rc = 0 ] || no "exit status $rc after SIGTERM"
[ $fail = 0 ] && echo "serve_slow: all checks passed"
exit $fail
