#!/usr/bin/env bash
# Fonts benchmark (issue 15): the same 5-problem worksheet as generate.sh for
# classes of BENCH_FONTS_SIZES (100 and 1,000) in English with Latin names
# and in Chinese (--lang zh) with Chinese names, and in Chinese with names
# of 1,500 common Hanzi drawn at random (zh-many: its worksheets embed fonts
# cut down to their own name), every PDF written. Reports
# CPU ms per student, peak memory, the size of one student's worksheet and
# of class.pdf; fails when a Chinese worksheet passes 150 KB or the memory
# of the larger class is twice the smaller's. IONSHEET_BIN times another
# build; files live under $TMPDIR.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
ion=${IONSHEET_BIN:-$root/ionsheet}
sizes=${BENCH_FONTS_SIZES:-"100 1000"}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-6s %8s %9s %12s %10s %12s %12s\n' lang students cpu_s ms_per_sheet peak_MiB sheet_KiB class_KiB
bad=0
for n in $sizes; do
# Chinese names from a fixed pool of surnames and given names.
python3 - "$n" >"$tmp/zh.csv" <<'PY'
import sys
n = int(sys.argv[1])
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
giv = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌鹏辉宇浩然子轩梓涵一诺欣怡思远俊杰晨曦雨桐"
print("id,name")
for i in range(n):
    print("s%05d,%s%s%s" % (i, sur[i % len(sur)], giv[(i * 7) % len(giv)], giv[(i * 13 + 5) % len(giv)] if i % 3 else ""))
PY
# Far more varied names: three characters drawn at random from 1,500
# common Hanzi (GB 2312's first), so that the class's subset is large.
python3 - "$n" >"$tmp/zh-many.csv" <<'PY'
import random, sys
random.seed(15)
hz = []
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            hz.append(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
print("id,name")
for i in range(int(sys.argv[1])):
    print("s%05d,%s" % (i, "".join(random.choice(hz[:1500]) for _ in range(3))))
PY
{ echo "id,name"; for i in $(seq -w 1 "$n"); do echo "s$i,Student $i"; done; } >"$tmp/en.csv"
for lang in en zh zh-many; do
    db="$tmp/$lang$n.db"
    "$ion" --db "$db" --quiet init
    "$ion" --db "$db" --quiet roster import "$tmp/$lang.csv" --course C
    "$ion" --db "$db" --quiet worksheet create w --course C \
        --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl
    out="$tmp/out-$lang$n"
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
        "$ion" --db "$db" --quiet generate w --out "$out" --lang "${lang%-many}"
    read -r wall user sys kb <"$tmp/time"
    sheet=$(ls "$out/students" | head -n 1)
    awk -v l="$lang" -v n="$n" -v u="$user" -v s="$sys" -v kb="$kb" \
        -v one="$(stat -c %s "$out/students/$sheet")" -v cls="$(stat -c %s "$out/class.pdf")" 'BEGIN {
        printf "%-6s %8d %9.2f %12.3f %10.1f %12.1f %12.1f\n", l, n, u + s, 1000 * (u + s) / n, kb / 1024, one / 1024, cls / 1024 }'
    if [ "$lang" != en ]; then
        big=$(ls -S "$out/students" | head -n 1)
        [ "$(stat -c %s "$out/students/$big")" -le 153600 ] || { echo "fonts.sh: a Chinese worksheet passes 150 KB ($lang)" >&2; bad=1; }
    fi
    if [ "$lang" = zh ]; then
        first_kb=${first_kb:-$kb}; last_kb=$kb
    fi
    rm -rf "$out" "$db"
done
done
if [ "${last_kb:-0}" -gt $((2 * ${first_kb:-0})) ]; then
    echo "fonts.sh: memory grows with the Chinese class ($first_kb KB, then $last_kb KB)" >&2
    bad=1
fi
exit $bad
