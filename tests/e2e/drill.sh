#!/usr/bin/env bash
# ionsheet drill with piped input: scripted sessions (right, wrong, hint,
# solution, skip, quit, end of input), the progress table, refusals.
# Right answers come from `ionsheet bank show ID --seed N`: a probe run on a
# copy of the database shows which problem a session will pick.
set -u
. "$(dirname "$0")/common.bash"

ion --quiet init >/dev/null || { echo "FAIL: init"; exit 1; }

# "ID SEED" of the problem a session shows after the answers given as
# arguments: the same session on a copy of the database, stopped there.
probe() {
    local user=$1 seed=$2 topic=$3; shift 3
    cp "$db" "$tmp/probe.db"
    printf '%s\n' "$@" q | "$bin" --db "$tmp/probe.db" drill --user "$user" --seed "$seed" --topic "$topic" |
        sed -n 's/.*\[\([^],]*\), seed \([0-9]*\)\]$/\1 \2/p' | tail -1
}

# The right answers of a problem, one line per part.
answers() {
    ion bank show "$1" --seed "$2" |
        sed -n 's/^  answer: \(.*\) (\(tolerance\|choices\).*$/\1/p; s/^  answer: \([A-Z]\)$/\1/p' | sed 's/ *$//'
}

progress() {  # user -> "attempts|right_first" summed
    sqlite3 "$db" "select coalesce(sum(attempts),0) || '|' || coalesce(sum(right_first),0) from drill_progress where user_name = '$1'"
}

# --- every part right at the first try, then q
read -r id seed <<<"$(probe ann 11 nernst)"
[ -n "$id" ] || no "the probe found no problem"
mapfile -t right < <(answers "$id" "$seed")
[ ${#right[@]} -ge 1 ] || no "no answers for $id seed $seed"
printf '%s\n' "${right[@]}" q | ion drill --user ann --seed 11 --topic nernst >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] || no "a session should exit 0: $(cat "$tmp/err")"
grep -q "^Problem 1 · Nernst potentials · difficulty [123] \[$id, seed $seed\]$" "$tmp/out" || no "problem header: $(head -3 "$tmp/out")"
[ "$(grep -c '✓ Right! The answer is' "$tmp/out")" = ${#right[@]} ] || no "every part should be right: $(cat "$tmp/out")"
first=$(grep -m1 '^a [[>]' "$tmp/out")
[ "${first#*> }" = "${right[0]}" ] || no "the answer should be echoed after its prompt: '$first'"
grep -q "Every part right at the first try. Well done!" "$tmp/out" || no "no praise"
grep -q "^Summary: 1 problem done, 1 right the first time.$" "$tmp/out" || no "summary: $(tail -5 "$tmp/out")"
grep -q "^  Nernst potentials: 1 done, 1 right the first time$" "$tmp/out" || no "per-topic summary"
grep -q "^Practise next: " "$tmp/out" || no "no advice"
grep -q $'\033' "$tmp/out" && no "escape codes in piped output"
[ "$(progress ann)" = "1|1" ] || no "ann's progress is $(progress ann), expected 1|1"

# --- wrong twice: hint, then the answer and the worked solution; then EOF
printf '%s\n' 12345 12345 | ion drill --user ben --seed 12 --topic ghk >"$tmp/out" 2>&1
[ $? = 0 ] || no "end of input should exit 0"
grep -q "✗ Not right." "$tmp/out" || no "no 'not right'"
grep -q "^  Hint: " "$tmp/out" || no "no hint after a wrong try"
grep -q "^  The answer is " "$tmp/out" || no "no answer after the second wrong try"
grep -q "^  Worked solution: " "$tmp/out" || no "no worked solution after the second wrong try"
[ "$(grep -n 'Hint: ' "$tmp/out" | head -1 | cut -d: -f1)" -lt "$(grep -n 'Worked solution' "$tmp/out" | cut -d: -f1)" ] ||
    no "the hint should come before the solution"
tail -4 "$tmp/out" | grep -q "^Summary: " || no "end of input should give the summary"
[ "$(progress ben)" = "1|0" ] || no "a missed problem left at EOF should be recorded: $(progress ben)"

# --- unreadable answers do not count; ? gives the hint; n skips; s shows the
# solution and one part's answer, each part in turn; q quits
read -r id seed <<<"$(probe cat 13 pump)"
mapfile -t right < <(answers "$id" "$seed")
read -r id3 seed3 <<<"$(probe cat 13 pump "" "abc" "?" "${right[@]}" n)"
mapfile -t third < <(answers "$id3" "$seed3")
reveal=(); for _ in "${third[@]}"; do reveal+=(s); done
printf '%s\n' "" "abc" "?" "${right[@]}" n "${reveal[@]}" q | ion drill --user cat --seed 13 --topic pump >"$tmp/out" 2>&1
grep -q "^  I could not read that: 'abc' is not a number. Type a number" "$tmp/out" || no "unreadable answer message: $(grep -A1 abc "$tmp/out")"
grep -q "^  Hint: " "$tmp/out" || no "? should show the hint"
[ "$(grep -c '✓ Right! ' "$tmp/out")" = ${#right[@]} ] || no "right after the hint: $(cat "$tmp/out")"
grep -q "Well done" "$tmp/out" && no "a hinted problem is not right the first time"
grep -q "^  Skipped.$" "$tmp/out" || no "n should skip"
grep -q "^  Worked solution: " "$tmp/out" || no "s should show the solution"
grep -q "^  (a) " "$tmp/out" || no "s should show the part's answer"
[ "$(grep -c "^  Worked solution: " "$tmp/out")" = 1 ] || no "the worked solution once a problem"
grep -q "^Summary: 2 problems done, 0 right the first time.$" "$tmp/out" || no "summary after s: $(tail -6 "$tmp/out")"
grep -q "^Skipped: 1.$" "$tmp/out" || no "skips in the summary"
grep -q "^Problem 4 " "$tmp/out" || no "a fourth problem should come after s"
grep -q "^Problem 5 " "$tmp/out" && no "q should end the session"
# the hinted and the solved problems are recorded as missed, the skipped unseen one is not
[ "$(progress cat)" = "2|0" ] || no "cat's progress is $(progress cat), expected 2|0"

# --- s at (a) of a problem of several parts reveals (a) only; (b) is asked
# and judged (issue 18)
for session_seed in $(seq 20 60); do
    read -r id seed <<<"$(probe gil "$session_seed" donnan)"
    mapfile -t right < <(answers "$id" "$seed")
    [ ${#right[@]} -ge 2 ] && break
done
[ ${#right[@]} -ge 2 ] || no "no donnan problem of several parts found"
printf '%s\n' s "${right[@]:1}" q | ion drill --user gil --seed "$session_seed" --topic donnan >"$tmp/out" 2>&1
grep -q "^  (a) " "$tmp/out" || no "s should show (a)'s answer: $(cat "$tmp/out")"
grep -q "^  (b) " "$tmp/out" && no "s at (a) should not reveal (b): $(cat "$tmp/out")"
[ "$(grep -c '✓ Right! ' "$tmp/out")" = $(( ${#right[@]} - 1 )) ] || no "the parts after s should be judged: $(cat "$tmp/out")"
grep -q "^Summary: 1 problem done, 0 right the first time.$" "$tmp/out" || no "s counts as missed: $(tail -5 "$tmp/out")"

# --- only ? then q: not "unfinished after a wrong try"; the words hint,
# skip, quit and exit are commands, not answers (issue 18)
printf '%s\n' '?' q | ion drill --user hal --seed 3 --topic nernst >"$tmp/out" 2>&1
grep -q "after a wrong try" "$tmp/out" && no "a hint alone is no wrong try: $(tail -4 "$tmp/out")"
grep -q "^Left after seeing the hint or the solution: 1 (counted as missed).$" "$tmp/out" || no "hint then q: $(tail -4 "$tmp/out")"
[ "$(progress hal)" = "1|0" ] || no "hint then q should be recorded as missed: $(progress hal)"
printf '%s\n' hint Skip EXIT | ion drill --user ida --seed 3 --topic nernst >"$tmp/out" 2>&1
grep -q "^  Hint: " "$tmp/out" || no "'hint' should show the hint: $(cat "$tmp/out")"
grep -q "^  Skipped.$" "$tmp/out" || no "'Skip' should skip"
grep -qE "could not read|Answer with" "$tmp/out" && no "a command word was judged as an answer: $(cat "$tmp/out")"
[ "$(grep -c '^Problem ' "$tmp/out")" = 2 ] || no "'EXIT' should quit at the second problem"
printf '%s\n' quit | ion drill --user ida --seed 4 --topic nernst >"$tmp/out" 2>&1
[ "$(grep -c '^Problem ' "$tmp/out")" = 1 ] && grep -q "^Summary: " "$tmp/out" || no "'quit' should quit"

# --- nothing at all
ion drill --user dan --seed 1 </dev/null >"$tmp/out" 2>&1 || no "an empty session should exit 0"
grep -q "^Summary: no problems done this time.$" "$tmp/out" || no "empty summary: $(cat "$tmp/out")"
[ "$(progress dan)" = "0|0" ] || no "an unseen problem was recorded"

# --- reproducible with --seed; the user from $USER, else "student"
printf 'q\n' | ion drill --user eve --seed 99 >"$tmp/a"
printf 'q\n' | ion drill --user eve --seed 99 >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || no "the same seed should give the same problem"
printf '1\n1\n' | USER=zed ion drill --seed 3 --topic drive >/dev/null
[ "$(sqlite3 "$db" "select count(*) from drill_progress where user_name = 'zed'")" = 1 ] || no "\$USER should be the user"
printf '1\n1\n' | env -u USER "$bin" --db "$db" drill --seed 3 --topic drive >/dev/null
[ "$(sqlite3 "$db" "select count(*) from drill_progress where user_name = 'student'")" = 1 ] || no "'student' without \$USER"

# --- Chinese
printf '1\n1\n' | ion drill --user fay --seed 5 --topic nernst --lang zh >"$tmp/out"
grep -q "^第 1 题 · 能斯特电位 · 难度 " "$tmp/out" || no "Chinese header: $(head -4 "$tmp/out")"
grep -q "✗ 不对。" "$tmp/out" || no "Chinese verdict"
printf 'q\n' | ion --lang zh drill --user fay --seed 5 >"$tmp/out"
grep -q "的自测练习" "$tmp/out" || no "the global --lang zh should work too"

# --- a fixed difficulty
printf 'n\nn\nn\nn\nn\nq\n' | ion drill --user gil --seed 8 --difficulty 3 >"$tmp/out"
[ "$(grep -c '^Problem [0-9]* · .* · difficulty 3 ' "$tmp/out")" = 6 ] || no "--difficulty 3: $(grep '^Problem' "$tmp/out")"

# --- the progress table
ion drill --stats --user ann >"$tmp/out" 2>&1 || no "stats should exit 0"
grep -q "^Drill progress of ann$" "$tmp/out" || no "stats title"
grep -q "^nernst   Nernst potentials        1     1 100% ####################     2      1$" "$tmp/out" ||
    no "nernst row for ann: $(grep nernst "$tmp/out")"
grep -q "^ghk      GHK voltage              0     -      ....................     1      -$" "$tmp/out" || no "untried row"
grep -q "^All topics: 1 done, 1 right the first time.$" "$tmp/out" || no "stats total"
grep -q $'\033' "$tmp/out" && no "escape codes in piped stats"
ion drill --stats --user cat --topic pump >"$tmp/out"
grep -q "^pump     Na⁺/K⁺ pump              2     0   0% ....................     1      0$" "$tmp/out" ||
    no "pump row for cat: $(cat "$tmp/out")"
grep -q "^Practise next: Na⁺/K⁺ pump (0 of 2 right the first time so far): ionsheet drill --topic pump$" "$tmp/out" ||
    no "advice in stats: $(tail -1 "$tmp/out")"
[ "$(wc -l <"$tmp/out")" = 5 ] || no "--topic should limit the table: $(cat "$tmp/out")"
ion drill --stats --user nobody | grep -q "^Nothing drilled yet" || no "empty stats"
ion drill --stats --user ann --lang zh | grep -q "^ann 的练习进度$" || no "Chinese stats"

# --- refusals
ion drill --difficulty 4 </dev/null 2>"$tmp/err"; [ $? = 2 ] || no "--difficulty 4 should exit 2"
grep -q "^ionsheet: drill: --difficulty needs 1, 2 or 3, not '4'$" "$tmp/err" || no "difficulty message: $(cat "$tmp/err")"
ion drill --topic nope </dev/null 2>"$tmp/err"; [ $? = 2 ] || no "an unknown topic should exit 2"
grep -q "^ionsheet: no templates in topic 'nope'" "$tmp/err" || no "topic message: $(cat "$tmp/err")"
ion drill --topic concept --difficulty 3 </dev/null 2>/dev/null; [ $? = 2 ] || no "no template of that difficulty should exit 2"
ion drill --seed x </dev/null 2>/dev/null; [ $? = 2 ] || no "a bad seed should exit 2"
ion drill --what </dev/null 2>/dev/null; [ $? = 2 ] || no "an unknown option should exit 2"
ion drill --lang fr </dev/null 2>/dev/null; [ $? = 2 ] || no "an unknown language should exit 2"
"$bin" --db "$tmp/none.db" drill </dev/null 2>/dev/null; [ $? = 4 ] || no "a missing database should exit 4"
ion drill --help | grep -q "^usage: ionsheet drill" || no "drill --help"

# --- a broken catalogue (templates/zh.conf) stops the drill with its file
# and line, before anything is shown
home="$tmp/home"; mkdir -p "$home"
cp -r templates "$home/"; ln -s "$PWD/problems" "$home/problems"; ln -s "$PWD/schema" "$home/schema"
echo "drill.welcome" >>"$home/templates/zh.conf"
IONSHEET_HOME="$home" "$bin" --db "$db" --lang zh drill --user kim </dev/null >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a broken catalogue should exit 4, not $rc"
grep -q "templates/zh.conf:[0-9]*: expected 'key = value'" "$tmp/err" || no "the broken catalogue's line: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && no "nothing should be shown with a broken catalogue: $(cat "$tmp/out")"

[ $fail = 0 ] && echo "drill: all checks passed"
exit $fail
