#!/usr/bin/env bash
# roster import: good rows kept, bad rows refused one message each, no
# duplicates on re-import.
set -u
. "$(dirname "$0")/common.bash"
count() { sqlite3 "$db" "select count(*) from students where course_id='$1'"; }

ion --quiet init || no "init"
ion roster import tests/data/roster-sample.csv --course PHYS2 >"$tmp/out" || no "sample roster refused"
grep -q "14 new" "$tmp/out" || no "summary: $(cat "$tmp/out")"
[ "$(count PHYS2)" = 14 ] || no "expected 14 students"
[ "$(sqlite3 "$db" "select name from students where id='s002'")" = "张伟" ] || no "UTF-8 name not stored"
[ "$(sqlite3 "$db" "select name from students where id='s011'")" = "O'Brien, Siobhán \"Shiv\"" ] \
    || no "quoted name with a comma"

# Re-import with a changed name: updated, never duplicated.
sed 's/^s001,Ada Li,/s001,Ada Lovelace,/' tests/data/roster-sample.csv | sed 's/$/\r/' >"$tmp/crlf.csv"
ion roster import "$tmp/crlf.csv" --course PHYS2 >"$tmp/out" || no "CRLF re-import refused"
grep -q "1 updated" "$tmp/out" || no "re-import summary: $(cat "$tmp/out")"
[ "$(count PHYS2)" = 14 ] || no "re-import duplicated students"
[ "$(sqlite3 "$db" "select name from students where id='s001'")" = "Ada Lovelace" ] || no "name not updated"

# Bad rows: exit 3, one line each with its line number, good rows kept.
ion roster import tests/data/roster-bad.csv --course PHYS3 >"$tmp/out" 2>"$tmp/err"
[ $? = 3 ] || no "bad rows should exit 3"
[ "$(wc -l <"$tmp/err")" = 8 ] || no "expected 8 messages, got: $(cat "$tmp/err")"
for line in 3 4 5 6 7 8 9 10; do
    grep -q "^ionsheet: tests/data/roster-bad.csv:$line: " "$tmp/err" || no "no message for line $line"
done
[ "$(count PHYS3)" = 2 ] || no "the good rows of a bad file were not imported"
ion roster import "$tmp/missing.csv" --course X 2>/dev/null; [ $? != 0 ] || no "a missing file was accepted"
ion roster import tests/data/roster-sample.csv 2>/dev/null; [ $? = 2 ] || no "missing --course should exit 2"
[ "$(sqlite3 "$db" 'pragma integrity_check')" = ok ] || no "integrity"
exit $fail
