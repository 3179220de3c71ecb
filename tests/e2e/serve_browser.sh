#!/usr/bin/env bash
# ionsheet serve in headless chromium (tests/e2e/serve_browser.py): the
# student's page filled and submitted, the drill, the instructor's
# gradebook, screenshots at desktop and 360-px width in English and Chinese.
# SERVE_SHOTS=DIR keeps the screenshots there (README's come from it).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
for need in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$need" ] || { echo "FAIL: $need missing (make deps installs chromium and chromium-driver)"; exit 1; }
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || { echo "FAIL: python3-selenium missing"; exit 1; }
ion() { "$bin" --db "$tmp/db" "$@"; }
ion init >/dev/null
{ echo "id,name,email"; echo "s001,Ada Li,ada@example.org"; echo "s002,张伟,zw@example.org"
  echo "s003,<b>Bold</b> Name,"; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course PHYS2 >/dev/null
ion worksheet create w1 --course PHYS2 --title "Week 5: the resting potential" --due 2099-12-01 \
    --problems nernst-k,ghk-kna,drive-cl >/dev/null
ion generate w1 --out "$tmp/w1" --no-pdf >/dev/null || { echo "FAIL: generate"; exit 1; }
serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { echo "FAIL: serve did not start: $(cat "$tmp/log")"; exit 1; }
# links.csv points at the default address: the test's server is elsewhere
sed -i "s#http://127.0.0.1:8080#$base#" "$tmp/w1/links.csv"
shots=${SERVE_SHOTS:-$tmp/shots}
mkdir -p "$shots"
timeout 300 /usr/bin/python3 tests/e2e/serve_browser.py "$base" "$iurl" "$tmp" "$shots"
rc=$?
kill "$pid"; wait "$pid"; pid=
exit $rc
