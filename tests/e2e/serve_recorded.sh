#!/usr/bin/env bash
# ionsheet serve: the page answered to a submission is made from the grade
# rows just committed, not read back from the database; it must show what
# the database holds. Each POST's page (answers, verdicts, feedback, carried
# notes, in English and Chinese) equals the page a GET right after it reads
# from the database, but for the note at the top. Then many submissions at
# once (grading has no lock, the writes share one connection): every one
# answered 200 is recorded, the instructor's gradebook answered meanwhile.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
ion() { "$bin" --db "$tmp/db" "$@"; }

ion init >/dev/null || { echo "FAIL: init"; exit 1; }
{ echo "id,name"; for i in 1 2 3 4 5 6; do echo "s00$i,Student $i"; done; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C >/dev/null
ion worksheet create w --course C --due 2099-01-01 \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl >/dev/null
ion generate w --out "$tmp/w" --no-pdf >/dev/null || no "generate"
serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { no "no instructor line: $(cat "$tmp/out" "$tmp/log")"; exit 1; }

paths=$(sed -n 's#^[^,]*,[^,]*,[^,]*,.*\(/s/[A-Za-z0-9_-]*\).*#\1#p' "$tmp/w/links.csv")
[ "$(echo "$paths" | wc -l)" = 6 ] || no "links: $paths"
# The page without its note ("received" after a POST, "your latest answers,
# received TIME" after a GET), one tag a line.
body() { sed 's#<p class="note"[^<]*</p>##' "$1" | sed 's/></>\n</g'; }
forms=("1a=-95&1b=inward&2a=-65&3a=-60&4a=20&4b=170&5a=10&5b=outward&5c=in"
       "1a=-95.0+mV&1b=outward&2a=65&3a=-0.06+V&4a=x&4b=&5a=10%2C5&5b=inward&5c=out"
       "1a=95&2a=-65+mA&3a=")
posts=0 kinds=""
for p in $paths; do
    curl -s "$base$p" >"$tmp/page"
    csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/page")
    [ -n "$csrf" ] || { no "no csrf field on $p"; continue; }
    for f in "${forms[@]}"; do
        for lang in en zh; do
            c=$(curl -s -o "$tmp/post" -w '%{http_code}' --data "csrf=$csrf&$f" "$base$p?lang=$lang")
            [ "$c" = 200 ] || { no "POST $lang: $c"; continue; }
            posts=$((posts + 1))
            curl -s "$base$p?lang=$lang" >"$tmp/get"
            body "$tmp/post" >"$tmp/post.lines"; body "$tmp/get" >"$tmp/get.lines"
            cmp -s "$tmp/post.lines" "$tmp/get.lines" ||
                no "the page after a POST ($lang, $f) is not what the database gives back: $(diff "$tmp/post.lines" "$tmp/get.lines" | head -4)"
            kinds="$kinds $(grep -o 'class="verdict [a-z]*"' "$tmp/post" | sort -u | tr '\n' ' ')"
        done
    done
done
[ "$posts" = 36 ] || no "$posts of 36 posts answered"
# (right and carried come by chance: the variants are random)
for v in wrong blank invalid; do
    echo "$kinds" | grep -q "verdict $v" || no "no '$v' verdict among the pages compared"
done

# ---- many at once ----
rows0=$(sqlite3 "$tmp/db" 'select count(*) from submissions')
cookie=$tmp/cookies
curl -s -c "$cookie" -o /dev/null "$iurl"
for p in $paths; do
    csrf=$(curl -s "$base$p" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
    for i in $(seq 40); do echo "$p $csrf $i"; done
done >"$tmp/jobs"
(for _ in 1 2 3 4 5; do curl -s -b "$cookie" -o /dev/null -w '%{http_code}\n' "$base/instructor/w"; done >"$tmp/gb") &
gbpid=$!
xargs -P 16 -L 1 sh -c 'curl -s -o /dev/null -w "%{http_code}\n" --data "csrf=$1&1a=-7$2.5&1b=inward&2a=-6$2" "'"$base"'$0"' \
    <"$tmp/jobs" >"$tmp/codes"
wait $gbpid
ok=$(grep -c '^200$' "$tmp/codes")
[ "$ok" = 240 ] || no "$ok of 240 submissions at once answered 200: $(sort "$tmp/codes" | uniq -c | tr '\n' ' ')"
rows=$(sqlite3 "$tmp/db" 'select count(*) from submissions')
[ $((rows - rows0)) = "$ok" ] || no "$ok submissions answered 200, $((rows - rows0)) recorded"
[ "$(grep -c '^200$' "$tmp/gb")" = 5 ] || no "the gradebook beside them: $(tr '\n' ' ' <"$tmp/gb")"
[ "$(sqlite3 "$tmp/db" 'pragma integrity_check')" = ok ] || no "integrity_check"

kill "$pid"; wait "$pid" 2>/dev/null; pid=
[ $fail = 0 ] && echo "serve_recorded: all checks passed"
exit $fail
