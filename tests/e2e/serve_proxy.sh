#!/usr/bin/env bash
# ionsheet serve --proxy (behind nginx on the same machine): the client's
# address for the wrong-token limit and the access log comes from X-Real-IP,
# only with --proxy and from a loopback peer, only when it is an IPv4 or
# IPv6 address. Without --proxy the header is ignored. Loopback, a free
# port each run, about 200 requests.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
ion() { "$bin" --db "$tmp/db" "$@"; }
get() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }

ion init >/dev/null || { echo "FAIL: init"; exit 1; }
{ echo "id,name,email"; echo "s001,Ada Li,"; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C1 >/dev/null
ion worksheet create w1 --course C1 --due 2099-01-01 --problems nernst-k >/dev/null
ion generate w1 --out "$tmp/w1" --no-pdf >/dev/null || no "generate"
t1=$(grep '^s001,' "$tmp/w1/links.csv" | sed 's#.*/s/##' | tr -d '\r')
wrong() { for i in $(seq 31); do get "$@" "$base/s/BBBBBBBBBBBBBBBBBBBBB$i" >/dev/null; done; }

# ---- with --proxy: each X-Real-IP its own count ----
serve_start "$tmp/db" "$tmp/out" "$tmp/log" --proxy || { no "not started: $(cat "$tmp/log")"; exit 1; }
wrong -H 'X-Real-IP: 192.0.2.1'
[ "$(get -H 'X-Real-IP: 192.0.2.1' "$base/s/$t1")" = 429 ] || no "--proxy: 31 wrong tokens from 192.0.2.1 not limited"
[ "$(get -H 'X-Real-IP: 192.0.2.2' "$base/s/$t1")" = 200 ] || no "--proxy: 192.0.2.2 limited by 192.0.2.1's wrong tokens"
[ "$(get "$base/s/$t1")" = 200 ] || no "--proxy: the proxy's own address limited by 192.0.2.1's wrong tokens"
grep -q '^[^ ]* 192\.0\.2\.1 "GET /s/~" 404' "$tmp/log" || no "--proxy: the log has not the client's address: $(tail -3 "$tmp/log")"
grep -q '^[^ ]* 192\.0\.2\.2 "GET /s/~" 200' "$tmp/log" || no "--proxy: the log has not 192.0.2.2"
get -H 'X-Real-IP: 2001:DB8:0:0::7' "$base/" >/dev/null
grep -q '^[^ ]* 2001:db8::7 "GET /"' "$tmp/log" || no "--proxy: an IPv6 X-Real-IP not logged as inet_ntop writes it"

# garbage is not used (the peer's address instead) and not logged
long=$(printf '1%.0s' $(seq 300))
: >"$tmp/log.before"; cp "$tmp/log" "$tmp/log.before"
for bad in '<script>' "$long" '1.2.3.4, 5.6.7.8' '192.0.2.9x' '192.0.2.9/24' '192.0.2.9%0a' '::ffff:192.0.2.9x' '010.0.0.1'; do
    [ "$(get -H "X-Real-IP: $bad" "$base/")" = 200 ] || no "--proxy: X-Real-IP '$bad' refused"
done
# two headers: neither is used
get -H 'X-Real-IP: 192.0.2.9' -H 'X-Real-IP: 192.0.2.10' "$base/" >/dev/null
sleep 0.2
new=$(diff "$tmp/log.before" "$tmp/log" | sed -n 's/^> //p')
[ "$(echo "$new" | grep -c '"GET /"')" = 9 ] || no "--proxy: garbage requests' log lines: $new"
echo "$new" | grep '"GET /"' | grep -v '^[^ ]* 127\.0\.0\.1 "GET /"' && no "--proxy: garbage X-Real-IP used"
grep -qF -e '<script>' -e '5.6.7.8' -e '192.0.2.9' -e '192.0.2.10' -e "$long" "$tmp/log" && no "--proxy: garbage X-Real-IP in the log"
# garbage counts against the peer (the proxy) like a request without the header
wrong -H 'X-Real-IP: <script>'
[ "$(get "$base/s/$t1")" = 429 ] || no "--proxy: wrong tokens with a garbage X-Real-IP not counted against the peer"
[ "$(get -H 'X-Real-IP: 192.0.2.3' "$base/s/$t1")" = 200 ] || no "--proxy: 192.0.2.3 limited by the peer's count"
stop() { kill "$pid"; wait "$pid"; local rc=$?; pid=; [ $rc = 0 ] || no "serve's exit status $rc: $(tail -3 "$1")"; }
stop "$tmp/log"

# ---- without --proxy: the header is ignored, one count for everybody ----
serve_start "$tmp/db" "$tmp/out" "$tmp/log2" || { no "not started: $(cat "$tmp/log2")"; exit 1; }
wrong -H 'X-Real-IP: 192.0.2.1'
[ "$(get -H 'X-Real-IP: 192.0.2.2' "$base/s/$t1")" = 429 ] || no "without --proxy: X-Real-IP trusted"
grep -q '192\.0\.2' "$tmp/log2" && no "without --proxy: X-Real-IP in the log"
grep -q '^[^ ]* 127\.0\.0\.1 "GET /s/~" 429' "$tmp/log2" || no "without --proxy: log line: $(tail -2 "$tmp/log2")"
stop "$tmp/log2"

# ---- the option is in the usage ----
"$bin" serve --help 2>&1 | grep -q -e '--proxy' || no "--proxy not in serve --help"
[ $fail = 0 ] && echo "serve_proxy: ok"
exit $fail
