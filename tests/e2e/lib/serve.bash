# Sourced by the tests/e2e/serve*.sh scripts (not a test itself), from the
# top of the checkout: the binary to test ($bin), a private folder ($tmp)
# removed at exit with the server ($pid) still running then, no() for a
# failed check (fail=1), and serve_start.
bin=${IONSHEET_BIN:-./ionsheet}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

# serve_start DB OUT LOG [ARGS...]: `ionsheet serve` on a free port of the
# loopback, stdout to OUT, stderr to LOG. Sets pid, iurl (the instructor's
# link) and base (http(s)://127.0.0.1:PORT); 1 when not started within 5 s.
serve_start() {
    local db=$1 out=$2 log=$3
    shift 3
    rm -f "$out"  # not an earlier server's line
    "$bin" --db "$db" serve --listen 127.0.0.1:0 "$@" >"$out" 2>"$log" &
    pid=$!
    for _ in $(seq 50); do grep -qs '^instructor: ' "$out" && break; sleep 0.1; done
    iurl=$(sed -n 's/^instructor: //p' "$out")
    base=$(echo "$iurl" | sed 's#^\(https\{0,1\}://[^/]*\)/.*#\1#')
    [ -n "$iurl" ]
}
