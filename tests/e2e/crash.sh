#!/usr/bin/env bash
# Crash safety. `ionsheet generate` (every PDF, a class of 250) and
# `ionsheet grade` (with a database, a class of 1,200) are killed with
# SIGKILL 25 times each: 16 at random moments, and (with strace) at
# chosen system calls: the first, middle and last of the WAL and database
# writes (pwrite64), syncs (fdatasync), the WAL's removal (unlink) and the
# key's or gradebook's rename into place. After each kill:
#   - the database passes PRAGMA integrity_check and foreign_key_check;
#   - it holds none or all of that run's work (the worksheet's instances;
#     its submissions and grades), and all of it when the run had finished;
#   - a key.xml or gradebook that exists is the whole one;
#   - running the same command again gives exactly the files of an
#     uninterrupted run (diff -r: every file's bytes, no stray files) and
#     the same rows, never duplicated.
# The random delay: on odd trials anywhere in 0..1.1 times the last
# uninterrupted run, on even ones in 0.6..1.1 times (around the commit and
# the end). Knobs: CRASH_STUDENTS (250), CRASH_GRADE_STUDENTS (1200),
# CRASH_GENERATE and CRASH_GRADE (16 random kills each), CRASH_SEED
# (printed), CRASH_TMPDIR (/dev/shm).
source "$(dirname "$0")/crash_common.bash"
n=${CRASH_STUDENTS:-250}
m=${CRASH_GRADE_STUDENTS:-1200}
gen_trials=${CRASH_GENERATE:-16}
grade_trials=${CRASH_GRADE:-16}
seed=${CRASH_SEED:-$(( ($$ ^ $(date +%s)) & 32767 ))}
RANDOM=$seed

# Runs a command in the background and kills it with SIGKILL after a random
# delay (above); sets rc (137: the kill landed) and delay (ms).
kill_after_random() { # trial, ms of an uninterrupted run, command...
    local lo=0 hi=$(( $2 * 11 / 10 + 1 ))
    [ $(($1 % 2)) = 0 ] && lo=$(( $2 * 6 / 10 ))
    shift 2
    delay=$(( lo + (RANDOM * 32768 + RANDOM) % (hi - lo) ))
    "$@" 2>/dev/null &
    local pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null  # no "Killed" line from bash
    rc=$?
}

# ---- the databases and the reference runs ----
base="$tmp/base.db"   # rosters and worksheets, nothing generated
add_class "$base" s "$n" w
add_class "$base" g "$m" wg
[ -e "$base-wal" ] && no "a closed database left its WAL behind"
gen_db="$tmp/gen.db"  # both worksheets generated, nothing graded
fresh_db "$base" "$gen_db"
ref="$tmp/ref"
timed "$bin" --db "$gen_db" --quiet generate w --out "$ref" || no "reference generate"
gen_ms=$ms
want_inst=$((n * 5))
[ "$(instances "$gen_db" w)" = $want_inst ] || no "the reference run stored $(instances "$gen_db" w) instances"
"$bin" --db "$gen_db" --quiet generate wg --out "$tmp/wg" --no-pdf || no "generate wg"
key="$tmp/wg/key.xml"
subs="$tmp/subs"
fill_answers "$key" "$subs"
want_counts="$m $((m * $(key_parts "$key")))"
gref="$tmp/gref"
mkdir -p "$gref"
fresh_db "$gen_db" "$tmp/graded.db"
timed "$bin" --db "$tmp/graded.db" --quiet grade "$key" "$subs" --csv "$gref/book.csv" \
    --feedback "$gref/fb" 2>"$tmp/err" || no "reference grade: $(cat "$tmp/err")"
grade_ms=$ms
[ "$(counts "$tmp/graded.db" wg)" = "$want_counts" ] || no "the reference grade recorded $(counts "$tmp/graded.db" wg)"
grade_rows "$tmp/graded.db" wg >"$tmp/rows.ref"
[ $fail = 0 ] || exit 1
echo "crash.sh: uninterrupted generate ($n students, PDFs) ${gen_ms} ms, grade ($m) ${grade_ms} ms; CRASH_SEED=$seed"

# Kills a command with SIGKILL when it enters its Kth call of a system call
# (strace -e inject); sets rc.
kill_at_syscall() { # syscall, K, command...
    local call=$1 when=$2; shift 2
    strace -f -o /dev/null -e trace="$call" -e inject="$call:signal=KILL:when=$when" "$@" 2>/dev/null &
    local pid=$!
    { wait "$pid"; } 2>/dev/null
    rc=$?
}
# "SYSCALL:K" kill points: the first, middle and last calls, in an
# uninterrupted run of the command, of each system call at which the
# program's state on disk changes (SQLite writes the WAL and the database
# with pwrite64, syncs with fdatasync and deletes the WAL with unlink; the
# key and the gradebook are renamed into place).
kill_points() { # command...
    strace -f -c -o "$tmp/calls" "$@" >/dev/null 2>&1
    awk '$NF ~ /^(pwrite64|fdatasync|rename|unlink)$/ {
        n = $4; m = int((n + 1) / 2)
        print $NF ":1"; if (m > 1) print $NF ":" m; if (n > m) print $NF ":" n }' "$tmp/calls"
}
has_strace=0
strace -f -o /dev/null true 2>/dev/null && has_strace=1
[ $has_strace = 1 ] || echo "crash.sh: no strace (Debian package strace): only random kills"

# After a killed generate into $out: the checks, a re-run and the checks.
none=0 all=0 finished=0 kills=0
after_generate() { # what
    local what=$1 got
    kills=$((kills + 1))
    db_ok "$db" "$what"
    got=$(instances "$db" w)
    case "$rc:$got" in
        137:0) none=$((none + 1)) ;;
        137:$want_inst) all=$((all + 1)) ;;
        0:$want_inst) finished=$((finished + 1)) ;;
        *) no "$what: the database holds $got instances (none or $want_inst expected)" ;;
    esac
    if [ -e "$out/key.xml" ]; then
        cmp -s "$ref/key.xml" "$out/key.xml" || no "$what: a partial key.xml"
        [ "$got" = $want_inst ] || no "$what: key.xml exists but the database holds $got instances"
    fi
    timed "$bin" --db "$db" --quiet generate w --out "$out" 2>"$tmp/err" || no "$what: re-run failed: $(cat "$tmp/err")"
    gen_ms=$ms  # the next delays follow the machine's current pace
    db_ok "$db" "$what, re-run"
    [ "$(instances "$db" w)" = $want_inst ] || no "$what: the re-run left $(instances "$db" w) instances"
    same_tree "$ref" "$out" "$what, re-run"
    rm -rf "$out"
}

# After a killed grade writing into $out: the same.
left=0
after_grade() { # what
    local what=$1 got
    kills=$((kills + 1))
    db_ok "$db" "$what"
    got=$(counts "$db" wg)
    case "$rc:$got" in
        "137:0 0") none=$((none + 1)) ;;
        "137:$want_counts") all=$((all + 1)) ;;
        "0:$want_counts") finished=$((finished + 1)) ;;
        *) no "$what: the database holds $got submissions and grades (0 0 or $want_counts expected)" ;;
    esac
    [ "$got" = "0 0" ] || grade_rows "$db" wg | cmp -s - "$tmp/rows.ref" || no "$what: the recorded grades differ"
    if [ -e "$out/book.csv" ]; then
        cmp -s "$gref/book.csv" "$out/book.csv" || no "$what: a partial gradebook"
    fi
    # A kill between the commit and the renames leaves temporaries (dot
    # files) behind; grading that directory skips them (below), and the
    # re-run removes them (same_tree: no stray file).
    if [ -n "$(find "$out" -name '.*.tmp' | head -1)" ]; then
        left=$((left + 1))
    fi
    timed "$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$out/book.csv" --feedback "$out/fb" \
        2>"$tmp/err" || no "$what: re-run failed: $(cat "$tmp/err")"
    grade_ms=$ms
    db_ok "$db" "$what, re-run"
    [ "$(counts "$db" wg)" = "$want_counts" ] || no "$what: the re-run left $(counts "$db" wg) submissions and grades"
    grade_rows "$db" wg | cmp -s - "$tmp/rows.ref" || no "$what: the re-run recorded other grades"
    same_tree "$gref" "$out" "$what, re-run"
    rm -rf "$out"
}
summary() { # command
    echo "crash.sh: $1 killed $kills times: $none before the commit, $all after it, $finished after the end"
    none=0 all=0 finished=0 kills=0
}

# ---- generate ----
db="$tmp/t.db"
out="$tmp/out"
for i in $(seq 1 "$gen_trials"); do
    fresh_db "$base" "$db"
    kill_after_random "$i" "$gen_ms" "$bin" --db "$db" --quiet generate w --out "$out"
    after_generate "generate kill $i (${delay} ms, exit $rc)"
done
if [ $has_strace = 1 ]; then
    fresh_db "$base" "$db"
    for point in $(kill_points "$bin" --db "$db" --quiet generate w --out "$out"); do
        rm -rf "$out"
        fresh_db "$base" "$db"
        kill_at_syscall "${point%:*}" "${point#*:}" "$bin" --db "$db" --quiet generate w --out "$out"
        after_generate "generate killed at $point (exit $rc)"
    done
fi
summary generate

# ---- grade (with a database) ----
for i in $(seq 1 "$grade_trials"); do
    mkdir -p "$out"
    fresh_db "$gen_db" "$db"
    kill_after_random "$i" "$grade_ms" "$bin" --db "$db" --quiet grade "$key" "$subs" \
        --csv "$out/book.csv" --feedback "$out/fb"
    after_grade "grade kill $i (${delay} ms, exit $rc)"
done
if [ $has_strace = 1 ]; then
    mkdir -p "$out"
    fresh_db "$gen_db" "$db"
    for point in $(kill_points "$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$out/book.csv" --feedback "$out/fb"); do
        rm -rf "$out"; mkdir -p "$out"
        fresh_db "$gen_db" "$db"
        kill_at_syscall "${point%:*}" "${point#*:}" "$bin" --db "$db" --quiet grade "$key" "$subs" \
            --csv "$out/book.csv" --feedback "$out/fb"
        after_grade "grade killed at $point (exit $rc)"
    done
    [ $left -gt 0 ] || no "no kill left a temporary behind (expected at rename:1)"
fi
summary grade

# What such a kill leaves (a half-written gradebook temporary beside the
# gradebook) is not taken for a submission when that directory is graded.
mkdir -p "$tmp/left"
for f in $(ls "$subs" | head -n 2); do cp "$subs/$f" "$tmp/left/"; done
head -c 100 "$gref/book.csv" >"$tmp/left/.book.csv.tmp4242"
"$bin" --db "$tmp/none.db" --quiet grade "$key" "$tmp/left" --csv "$tmp/left/book.csv" \
    --feedback "$tmp/left-fb" 2>"$tmp/err" || no "a left-over gradebook temporary was graded: $(cat "$tmp/err")"
exit $fail
