#!/usr/bin/env bash
# ionsheet drill in a real terminal (tmux on its own socket): the prompt,
# typed answers judged at once, colours on a terminal, none with NO_COLOR,
# q ending with the summary.
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-./ionsheet}
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed"; exit 1; }
tmp=$(mktemp -d)
sock="ionsheet-drill-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
db="$tmp/drill.db"
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$bin" --db "$db" --quiet init >/dev/null || { echo "FAIL: init"; exit 1; }
# A session that outlives the others: killing the last session ends the
# tmux server, and a new-session racing its exit fails.
tm new-session -d -s keep "sleep 600"
abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Waits until the pane shows text matching the regex; 0 when it does.
wait_for() {
    for _ in $(seq 100); do
        tm capture-pane -p -t drill | grep -q -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

# Starts a session in a 100x40 terminal with the environment given.
start() {
    tm kill-session -t drill 2>/dev/null
    tm new-session -d -x 100 -y 40 -s drill \
        "env $* TERM=xterm-256color '$abs' --db '$db' drill --user tty --seed 21 --topic nernst; echo EXIT=\$?; sleep 60"
}

start -u NO_COLOR
wait_for '^a \[' || no "no prompt on the terminal: $(tm capture-pane -p -t drill)"
read -r id seed <<<"$(tm capture-pane -p -t drill | sed -n 's/.*\[\([^],]*\), seed \([0-9]*\)\]$/\1 \2/p' | head -1)"
mapfile -t answers < <("$bin" --db "$db" bank show "$id" --seed "$seed" |
    sed -n 's/^  answer: \(.*\) (\(tolerance\|choices\).*$/\1/p; s/^  answer: \([A-Z]\)$/\1/p' | sed 's/ *$//')
[ ${#answers[@]} -ge 1 ] || no "no answers for $id seed $seed"
n=0
for answer in "${answers[@]}"; do
    tm send-keys -t drill -l -- "$answer"
    tm send-keys -t drill Enter
    n=$((n + 1))
    for _ in $(seq 100); do
        [ "$(tm capture-pane -p -t drill | grep -c '✓ Right!')" -ge $n ] && break
        sleep 0.1
    done
done
[ "$(tm capture-pane -p -t drill | grep -c '✓ Right!')" = ${#answers[@]} ] ||
    no "typed right answers are not judged right: $(tm capture-pane -p -t drill)"
[ "$(tm capture-pane -p -t drill | grep -c -F -- "> ${answers[0]}")" = 1 ] || no "the answer should show once (no echo on a terminal)"
wait_for 'Well done' || no "no praise on the terminal"
tm capture-pane -p -e -t drill >"$tmp/colour"
grep -q $'\033\\[32m✓ Right!' "$tmp/colour" || no "no colour on a terminal: $(cat -v "$tmp/colour" | head -20)"
wait_for '^Problem 2 ' || no "no second problem"
tm send-keys -t drill 'x' Enter
wait_for "'x' is not " || no "an unreadable answer on the terminal"
tm send-keys -t drill q Enter
wait_for '^Summary: ' || no "q should end with the summary: $(tm capture-pane -p -t drill)"
wait_for '^EXIT=0' || no "the session should exit 0"

# NO_COLOR: the same session without any colour.
start NO_COLOR=1
wait_for '^a \[' || no "no prompt with NO_COLOR"
tm send-keys -t drill '?' Enter
wait_for 'Hint: ' || no "? should show the hint"
tm capture-pane -p -e -t drill >"$tmp/plain"
grep -q $'\033\\[3[0-9]m' "$tmp/plain" && no "colour despite NO_COLOR: $(cat -v "$tmp/plain" | head -20)"
tm send-keys -t drill C-d
wait_for '^Summary: ' || no "end of input (^D) should end with the summary"
wait_for '^EXIT=0' || no "the session ended by ^D should exit 0"

# Chinese in a narrow terminal (40 columns): every line wrapped by our
# code within the width, counting a Chinese character as two columns (a
# line tmux had to wrap itself shows up joined with -J); "？" (full-width)
# and "Hint" show the hint, "skip" skips, "exit" ends with the summary in
# Chinese.
tm kill-session -t drill 2>/dev/null
tm new-session -d -x 40 -y 60 -s drill \
    "env NO_COLOR=1 TERM=xterm-256color '$abs' --db '$db' --lang zh drill --user zh --seed 21 --topic ghk; echo EXIT=\$?; sleep 60"
wait_for '^a \[' || no "no prompt in Chinese: $(tm capture-pane -p -t drill)"
tm send-keys -t drill -l '？'
tm send-keys -t drill Enter
wait_for '提示：' || no "？ should show the hint: $(tm capture-pane -p -t drill)"
tm send-keys -t drill skip Enter
wait_for '已跳过。' || no "skip should skip: $(tm capture-pane -p -t drill)"
wait_for '^第 2 题' || no "no second problem after skip"
tm send-keys -t drill Hint Enter
wait_for '^a \[mV\]> Hint' || no "Hint typed: $(tm capture-pane -p -t drill)"
tm send-keys -t drill exit Enter
wait_for '^小结：' || no "exit should end with the summary: $(tm capture-pane -p -t drill)"
wait_for '^EXIT=0' || no "the Chinese session should exit 0"
tm capture-pane -p -J -t drill >"$tmp/zh"
grep -q '^跳过：1 题。' "$tmp/zh" && tr -d ' \n' <"$tmp/zh" | grep -q '看过提示或解答后未完成：1题（记为答错）。' || no "the hinted problem in the summary: $(cat "$tmp/zh")"
grep -q '不是数值\|不是选项之一\|不是 A 到' "$tmp/zh" && no "a command word was judged as an answer: $(cat "$tmp/zh")"
python3 - "$tmp/zh" <<'PY' || no "a line is wider than the 40-column terminal: $(cat "$tmp/zh")"
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
wide = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if cols(l.rstrip()) > 40]
sys.exit(1 if wide else 0)
PY
grep -q '^ *[，。；：、）]' "$tmp/zh" && no "a line starts with closing punctuation: $(cat "$tmp/zh")"
[ "$(grep -c '[^ -~]' "$tmp/zh")" -gt 5 ] || no "the Chinese session shows little Chinese: $(cat "$tmp/zh")"

# the first problem right first time; the hinted one left at ^D as missed
[ "$(sqlite3 -cmd '.timeout 5000' "$db" "select sum(attempts) || '|' || sum(right_first) from drill_progress where user_name = 'tty'")" = "2|1" ] ||
    no "the terminal sessions' progress: $(sqlite3 "$db" "select * from drill_progress")"

[ $fail = 0 ] && echo "drill_tmux: all checks passed"
exit $fail
