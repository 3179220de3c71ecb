#!/usr/bin/env bash
# The database file (issue 19.6, 19.9): created 0600 with its -wal and -shm
# (it holds the course secret); its errors name the file and the
# operation; a command that only reads opens it read-only (a read-only file
# system is fine); a damaged page is exit 4 for every command; `ulimit -f`
# is a message, not a silent SIGXFSZ.
set -u
. "$(dirname "$0")/common.bash"
export IONSHEET_HOME=$PWD
trap 'umount "$tmp/ro" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"

# ---- modes ----
(umask 022; "$bin" --db a.db --quiet init) || no "init"
"$bin" --db a.db --quiet roster import "$IONSHEET_HOME/tests/data/roster-sample.csv" --course C || no "roster"
"$bin" --db a.db --quiet worksheet create w --course C --problems nernst-k,ghk-kna || no "worksheet"
# -wal and -shm exist while the database is open: their modes then.
sqlite3 a.db "select count(*) from templates;" ".shell stat -c '%n %a' a.db a.db-wal a.db-shm" >modes 2>&1
[ "$(grep -c ' 600$' modes)" = 3 ] || no "database modes (600 expected): $(cat modes)"
"$bin" --db a.db --quiet generate w --out o --no-pdf || no "generate"
[ "$(stat -c %a o/key.xml)" = 600 ] || no "key.xml is $(stat -c %a o/key.xml)"

# ---- messages name the file ----
echo "not a database at all, but long enough to be read as one by SQLite....." >notdb
"$bin" --db notdb bank list >/dev/null 2>err; rc=$?
[ $rc = 4 ] || no "not a database: exit $rc"
grep -q "^ionsheet: notdb: .*not a database" err || no "not a database: $(cat err)"

# ---- read-only ----
mkdir ro
if mount -t tmpfs -o size=4m tmpfs ro 2>/dev/null; then
    cp a.db ro/
    mount -o remount,ro ro
    "$bin" --db ro/a.db bank list >out 2>err || no "bank list on a read-only file system: $(cat err)"
    grep -q "^nernst-k " out || no "bank list on a read-only file system printed: $(head -3 out)"
    "$bin" --db ro/a.db bank show nernst-k >/dev/null 2>err || no "bank show read-only: $(cat err)"
    "$bin" --db ro/a.db roster import "$IONSHEET_HOME/tests/data/roster-sample.csv" --course C 2>err; rc=$?
    [ $rc = 4 ] || no "a write on a read-only file system: exit $rc"
    grep -q "^ionsheet: ro/a.db: .*read-only file system" err || no "read-only message: $(cat err)"
    umount ro
else
    echo "database.sh: cannot mount a tmpfs (not root?): read-only part skipped"
fi

# ---- a damaged page: exit 4 from every command, never 3 ----
pages=$(( $(stat -c %s a.db) / 4096 ))
bad=0
for pg in $(seq 2 $((pages - 1))); do
    cp a.db b.db
    printf '\x0d\xff\xff%.0s' $(seq 1 30) | dd of=b.db bs=1 seek=$((pg * 4096)) conv=notrunc status=none
    for c in "bank list" "bank show nernst-k" "bank check --samples 5" "generate w --out o2 --no-pdf" "drill"; do
        # shellcheck disable=SC2086
        "$bin" --db b.db $c </dev/null >/dev/null 2>err; rc=$?
        if [ $rc != 0 ] && [ $rc != 4 ] && [ $rc != 1 ]; then
            bad=$((bad + 1)); [ $bad -le 3 ] && no "page $pg damaged: '$c' exit $rc: $(head -c 200 err)"
        fi
        # The file, or the template stored there whose text is damaged.
        if [ $rc = 4 ] && ! grep -q "^ionsheet: b.db: \|^ionsheet: [a-z0-9-]* (version [0-9]* in the bank)" err; then
            bad=$((bad + 1)); [ $bad -le 3 ] && no "page $pg damaged: '$c': the message names no file: $(head -c 200 err)"
        fi
    done
done

# ---- ulimit -f: a message with the file and the reason ----
(ulimit -f 100; exec "$bin" --db c.db init) >/dev/null 2>err; rc=$?
[ $rc = 4 ] || no "init under ulimit -f: exit $rc (a signal: $((rc - 128)))"
grep -q "^ionsheet: c.db: .*file too large" err || no "ulimit -f message: $(cat err)"

[ $fail = 0 ] && echo "database: all passed"
exit $fail
