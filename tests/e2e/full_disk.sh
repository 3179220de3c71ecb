#!/usr/bin/env bash
# A full disk and a file size limit (issue 19.2, 19.9): `generate` (every
# PDF) and `grade` (with a database) run on small tmpfs mounts of many sizes
# between nothing and what they need, the database and the outputs there,
# and under `ulimit -f` of many sizes. After each run:
#   - exit 0 with everything done, or exit 4 with a message that names a
#     file and the reason ("no space left on device", "file too large");
#   - the database holds none of the run's work (instances; submissions and
#     grades) or all of it, and passes integrity_check;
#   - a failed run leaves no output under its final name and no temporary;
#     a run that succeeded leaves exactly the outputs of a run on a roomy
#     disk.
# The mounts need root (mount -t tmpfs); without it only the ulimit part
# runs. Knob: FULL_DISK_STUDENTS (40).
source "$(dirname "$0")/crash_common.bash"
n=${FULL_DISK_STUDENTS:-40}

base="$tmp/base.db"
add_class "$base" s "$n" w
gen_db="$tmp/gen.db"
fresh_db "$base" "$gen_db"
"$bin" --db "$gen_db" --quiet generate w --out "$tmp/ref" || no "reference generate"
key="$tmp/ref/key.xml"
subs="$tmp/subs"
fill_answers "$key" "$subs"
fresh_db "$gen_db" "$tmp/graded.db"
"$bin" --db "$tmp/graded.db" --quiet grade "$key" "$subs" --csv "$tmp/gref/book.csv" \
    --feedback "$tmp/gref/fb" 2>"$tmp/err" || no "reference grade: $(cat "$tmp/err")"
want_inst=$((n * 5))
want_counts="$n $((n * $(key_parts "$key")))"
[ $fail = 0 ] || exit 1

# A copy of $db (and its WAL) off the full disk, where sqlite3 can make
# its -shm to read it.
snap() {
    rm -f "$tmp/chk.db" "$tmp/chk.db-wal" "$tmp/chk.db-shm"
    cp "$db" "$tmp/chk.db"
    if [ -e "$db-wal" ]; then cp "$db-wal" "$tmp/chk.db-wal"; fi
}
# The checks after a run ($1: what; rc, $db, $out set): none or all.
check_generate() {
    local got
    snap
    db_ok "$tmp/chk.db" "$1"
    got=$(instances "$tmp/chk.db" w)
    if [ "$rc" = 0 ]; then
        [ "$got" = $want_inst ] || no "$1: exit 0 but $got instances"
        same_tree "$tmp/ref" "$out" "$1"
        return
    fi
    [ "$rc" = 4 ] || no "$1: exit $rc (4 expected): $(cat "$tmp/err")"
    grep -Eq "^ionsheet: [^ ]+: .*(no space left on device|file too large|disk is full)" "$tmp/err" ||
        no "$1: the message names no file or no reason: $(cat "$tmp/err")"
    [ "$got" = 0 ] || no "$1: a failed run stored $got instances"
    local left
    left=$(find "$out" -type f 2>/dev/null | head -3)
    [ -z "$left" ] || no "$1: a failed run left files: $left"
}
check_grade() {
    local got
    snap
    db_ok "$tmp/chk.db" "$1"
    got=$(counts "$tmp/chk.db" w)
    if [ "$rc" = 0 ]; then
        [ "$got" = "$want_counts" ] || no "$1: exit 0 but recorded $got"
        same_tree "$tmp/gref" "$out" "$1"
        return
    fi
    [ "$rc" = 4 ] || no "$1: exit $rc (4 expected): $(cat "$tmp/err")"
    grep -Eq "^ionsheet: [^ ]+: .*(no space left on device|file too large|disk is full)" "$tmp/err" ||
        no "$1: the message names no file or no reason: $(cat "$tmp/err")"
    [ "$got" = "0 0" ] || no "$1: a failed run recorded $got"
    local left
    left=$(find "$out" -type f 2>/dev/null | head -3)
    [ -z "$left" ] || no "$1: a failed run left files: $left"
}

runs=0 failed_runs=0
count() { runs=$((runs + 1)); [ "$rc" = 0 ] || failed_runs=$((failed_runs + 1)); }

# ---- ulimit -f: every size from 4 KiB to past what generate needs ----
need=$(du -sk "$tmp/ref" | cut -f1)
for kb in 4 16 40 64 100 140 200 300 $((need + 64)); do
    db="$tmp/u.db"; out="$tmp/u-out"
    fresh_db "$base" "$db"; rm -rf "$out"
    (ulimit -f "$kb"; exec "$bin" --db "$db" --quiet generate w --out "$out") 2>"$tmp/err"; rc=$?
    check_generate "generate under ulimit -f $kb"; count
    fresh_db "$gen_db" "$db"; rm -rf "$out"; mkdir -p "$out"
    (ulimit -f "$kb"; exec "$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$out/book.csv" \
        --feedback "$out/fb") 2>"$tmp/err"; rc=$?
    check_grade "grade under ulimit -f $kb"; count
done

# ---- small tmpfs mounts, the database on them too ----
mnt="$tmp/mnt"
mkdir -p "$mnt"
if mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
    umount "$mnt"
    db_kb=$(( ($(stat -c %s "$base") + 1023) / 1024 ))
    gen_kb=$(( $(du -sk "$tmp/ref" | cut -f1) + db_kb * 2 ))
    for pct in 102 105 110 120 140 170 200 300; do
        kb=$(( db_kb * pct / 100 + (pct >= 300 ? gen_kb : 0) ))
        mount -t tmpfs -o size=${kb}k tmpfs "$mnt" || { no "mount ${kb}k"; break; }
        db="$mnt/t.db"; out="$mnt/out"
        cp "$base" "$db" 2>/dev/null || { umount "$mnt"; continue; }
        "$bin" --db "$db" --quiet generate w --out "$out" 2>"$tmp/err"; rc=$?
        check_generate "generate on a ${kb}k tmpfs"; count
        umount "$mnt"
    done
    for kb in $(( db_kb * 12 / 10 )) $(( db_kb * 14 / 10 )) $(( db_kb * 2 )) $(( db_kb * 4 )); do
        mount -t tmpfs -o size=${kb}k tmpfs "$mnt" || { no "mount ${kb}k"; break; }
        db="$mnt/t.db"; out="$mnt/out"
        if cp "$gen_db" "$db" 2>/dev/null; then
            mkdir -p "$out"
            "$bin" --db "$db" --quiet grade "$key" "$subs" --csv "$out/book.csv" --feedback "$out/fb" \
                2>"$tmp/err"; rc=$?
            check_grade "grade on a ${kb}k tmpfs"; count
        fi
        umount "$mnt"
    done
else
    echo "full_disk.sh: cannot mount a tmpfs (not root?): only the ulimit -f runs"
fi
[ $failed_runs -gt 0 ] || no "no run failed: the sizes are too large to test anything"
echo "full_disk.sh: $runs runs, $failed_runs failed cleanly or not (see FAIL lines)"
exit $fail
