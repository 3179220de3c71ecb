#!/usr/bin/env bash
# PDFs that every reader shows (issue 15): one class with names in eight
# scripts, generated in Chinese and in English.
#  - pdffonts on every PDF: every font but the standard 14 embedded;
#  - a Chinese worksheet's page drawn by poppler with every font installed,
#    by poppler under a fontconfig holding only the 35 base PostScript fonts
#    (fonts-urw-base35: what any reader has), and by mupdf: the same picture
#    (poppler identical, mupdf within a small difference: its antialiasing);
#  - each name drawn: its box of the page, where no reader may substitute a
#    font, is the same without the system's fonts, has ink, and a
#    Vietnamese name with its diacritics is not drawn as the plain one;
#  - a class whose names hold 1,800 distinct Hanzi: every worksheet at most
#    150 KB, drawn as its page of class.pdf.
set -u
. "$(dirname "$0")/common.bash"

cat >"$tmp/roster.csv" <<'EOF'
id,name
s01,王小明
s02,김민준
s03,Nguyễn Thị Hương
s04,محمد عبد الله
s05,דוד כהן
s06,Σοφία Παπαδοπούλου
s07,Анна Иванова
s08,Nguyen Thi Huong
EOF
ion --quiet init || no "init"
ion --quiet roster import "$tmp/roster.csv" --course C || no "roster import"
ion --quiet worksheet create w --course C --title "Membrane potentials" \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl || no "worksheet create"
ion --quiet generate w --out "$tmp/zh" --lang zh || no "generate --lang zh"
ion --quiet generate w --out "$tmp/en" || no "generate"

# Every font but the standard 14 embedded, in every PDF.
for f in "$tmp"/zh/*.pdf "$tmp"/zh/students/*.pdf "$tmp"/en/*.pdf "$tmp"/en/students/*.pdf; do
    pdffonts "$f" >"$tmp/fonts" 2>&1 || { no "pdffonts $f: $(cat "$tmp/fonts")"; continue; }
    tail -n +3 "$tmp/fonts" | grep -Ev '^(Helvetica|Symbol|Times-|Courier|ZapfDingbats)' |
        awk '$(NF-4) != "yes" { print }' >"$tmp/bad"
    [ -s "$tmp/bad" ] && no "${f#$tmp/}: a font not embedded: $(cat "$tmp/bad")"
done
grep -q WenQuanYiMicroHei <(pdffonts "$tmp/zh/students/s01.pdf") || no "no CJK font in a Chinese worksheet"
size=$(stat -c %s "$tmp/zh/students/s01.pdf")
[ "$size" -le 153600 ] || no "a Chinese worksheet is $size bytes (at most 150 KB)"
pdfinfo "$tmp/zh/students/s01.pdf" | grep -q '^Title: *Membrane potentials' || no "no Title"
pdfinfo "$tmp/zh/students/s01.pdf" | grep -q '^Author: *C$' || no "no Author (the course)"
grep -aq '/Lang (zh-CN)' "$tmp/zh/students/s01.pdf" || no "no Lang zh-CN"
grep -aq '/Lang (zh-CN)' "$tmp/zh/class.pdf" || no "no Lang in class.pdf"
grep -aq '/Lang (en)' "$tmp/en/students/s01.pdf" || no "no Lang en"
pdfinfo "$tmp/en/students/s01.pdf" | grep -q 'Page size: *595.* x 841.* (A4)' || no "A4 is not the default"
ion --quiet generate w --out "$tmp/letter" --student s01 --paper letter || no "generate --paper letter"
for f in students/s01.pdf class.pdf solutions.pdf; do
    pdfinfo "$tmp/letter/$f" | grep -q 'Page size: *612 x 792 pts (letter)' || no "--paper letter: $f is not Letter"
done
ion generate w --out "$tmp/letter" --paper a3 2>"$tmp/err"; [ $? = 2 ] || no "--paper a3 accepted"
grep -q "unknown paper 'a3' (a4 or letter)" "$tmp/err" || no "--paper a3: $(cat "$tmp/err")"

# A fontconfig whose only fonts are the 35 base PostScript fonts (with
# Debian's usual rules, so that Helvetica is Nimbus Sans).
base35="$tmp/base35.conf"
cat >"$base35" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/type1/urw-base35</dir>
  <dir>/usr/share/fonts/opentype/urw-base35</dir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
  <cachedir>$tmp/fc-cache</cachedir>
</fontconfig>
EOF
FONTCONFIG_FILE=$base35 fc-list 2>/dev/null | grep -qiE "wenquanyi|dejavu|noto|droid|liberation" && no "the base-35 fontconfig sees other fonts"

# How many 4x4-pixel blocks of two pictures differ in ink by more than a
# quarter of the range, per 10,000 (antialiasing moves ink within a block,
# not out of it: two readers' pictures of one page give 0, the page of
# another student of the class, whose name and numbers differ, about 15).
diff_blocks() {
    python3 - "$1" "$2" <<'PY'
import sys
def ppm(path):
    d = open(path, 'rb').read()
    parts, i = [], 0
    while len(parts) < 4:
        while d[i:i+1].isspace(): i += 1
        j = i
        while not d[j:j+1].isspace(): j += 1
        parts.append(d[i:j]); i = j
    w, h, px = int(parts[1]), int(parts[2]), d[i+1:]
    return w, h, [sum(px[k:k+3]) // 3 for k in range(0, len(px), 3)]
wa, ha, a = ppm(sys.argv[1]); wb, hb, b = ppm(sys.argv[2])
if (wa, ha) != (wb, hb):
    print(10000); sys.exit()
B = 4  # 4x4-pixel blocks: antialiasing moves ink within a block, not out of it
bad = total = 0
for y in range(0, ha - B + 1, B):
    for x in range(0, wa - B + 1, B):
        sa = sum(a[(y+j)*wa + x + i] for j in range(B) for i in range(B))
        sb = sum(b[(y+j)*wa + x + i] for j in range(B) for i in range(B))
        total += 1
        bad += abs(sa - sb) > 64 * B * B
print(bad * 10000 // total)
PY
}

page="$tmp/zh/students/s03.pdf"
pdftoppm -r 80 -f 1 -l 1 "$page" "$tmp/all" 2>"$tmp/err" || no "pdftoppm: $(cat "$tmp/err")"
FONTCONFIG_FILE=$base35 pdftoppm -r 80 -f 1 -l 1 "$page" "$tmp/b35" 2>"$tmp/err" || no "pdftoppm (base 35): $(cat "$tmp/err")"
[ -s "$tmp/err" ] && no "poppler complains without the system's fonts: $(cat "$tmp/err")"
mutool draw -q -r 80 -o "$tmp/mu.ppm" "$page" 1 2>"$tmp/err" || no "mutool draw: $(cat "$tmp/err")"
cmp -s "$tmp/all-1.ppm" "$tmp/b35-1.ppm" ||
    no "poppler draws the Chinese page differently without the system's fonts ($(diff_blocks "$tmp/all-1.ppm" "$tmp/b35-1.ppm") blocks in 10,000)"
d=$(diff_blocks "$tmp/all-1.ppm" "$tmp/mu.ppm")
[ "$d" -le 3 ] || no "mupdf and poppler draw the Chinese page differently: $d blocks in 10,000"

# Each name's box (the header line "Name ...", 80 dpi), English sheet.
name_box() { # pdf out [fontconfig]
    if [ -n "${3:-}" ]; then
        FONTCONFIG_FILE=$3 pdftoppm -r 80 -f 1 -l 1 -x 80 -y 95 -W 330 -H 30 "$1" "$2" 2>/dev/null
    else
        pdftoppm -r 80 -f 1 -l 1 -x 80 -y 95 -W 330 -H 30 "$1" "$2" 2>/dev/null
    fi
}
for s in s01 s02 s03 s04 s05 s06 s07 s08; do
    f="$tmp/en/students/$s.pdf"
    name_box "$f" "$tmp/n-$s"
    name_box "$f" "$tmp/n35-$s" "$base35"
    cmp -s "$tmp/n-$s-1.ppm" "$tmp/n35-$s-1.ppm" || no "$s: the name is drawn differently without the system's fonts"
    ink=$(python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(sum(1 for b in d[-330*30*3:] if b < 128))" "$tmp/n-$s-1.ppm")
    [ "$ink" -gt 100 ] || no "$s: the name has no ink ($ink dark samples)"
    want=$(awk -F, -v id="$s" '$1 == id { print $2 }' "$tmp/roster.csv")
    pdftotext -f 1 -l 1 "$f" - 2>/dev/null | grep -qF "$want" || no "$s: '$want' is not in the text"
done
cmp -s "$tmp/n-s03-1.ppm" "$tmp/n-s08-1.ppm" && no "Nguyễn Thị Hương is drawn as Nguyen Thi Huong"

# A class whose names hold many distinct Hanzi: 600 students, three each of
# 1,800 common ones (GB 2312's first), every one used once. The class's
# subset holds them all (about 180 KB); each student's own worksheet keeps
# only the shared texts' and that student's name's (about 40 KB), with the
# same glyph ids: its page is drawn as the student's page of class.pdf.
python3 - >"$tmp/many.csv" <<'PY'
hz = []
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            hz.append(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
print("id,name")
for i in range(600):
    print("m%03d,%s" % (i, "".join(hz[3 * i:3 * i + 3])))
PY
ion --quiet roster import "$tmp/many.csv" --course M || no "roster import (many Hanzi)"
ion --quiet worksheet create w --course M \
    --problems nernst-k,ghk-kna,pump-vm,donnan-concentrations,drive-cl || no "worksheet create (many Hanzi)"
ion --quiet generate w --course M --out "$tmp/many" --lang zh || no "generate (many Hanzi)"
big=$(ls -S "$tmp/many/students" | head -n 1)
size=$(stat -c %s "$tmp/many/students/$big")
[ "$size" -le 153600 ] || no "many Hanzi: $big is $size bytes (at most 150 KB)"
# the font program's length before deflating (/Length1): the class's is
# several times a worksheet's, else this class no longer tests the cut
len1() { grep -a '^/Length1 ' "$1" | awk '{ print $2 }' | sort -n | tail -n 1; }
cls=$(len1 "$tmp/many/class.pdf") own=$(len1 "$tmp/many/students/$big")
[ "${cls:-0}" -gt $((3 * ${own:-0})) ] ||
    no "many Hanzi: the worksheet's font program ($own bytes) is not cut down from the class's ($cls)"
grep -q WenQuanYiMicroHei <(pdffonts "$tmp/many/class.pdf") || no "many Hanzi: no CJK font in class.pdf"
pages=$(pdfinfo "$tmp/many/students/m000.pdf" | awk '/^Pages:/ { print $2 }')
for i in 000 001 299 598 599; do
    f="$tmp/many/students/m$i.pdf"
    pdffonts "$f" >"$tmp/fonts" 2>&1 || no "pdffonts m$i: $(cat "$tmp/fonts")"
    grep WenQuanYiMicroHei "$tmp/fonts" | awk '$(NF-4) != "yes" { exit 1 }' &&
        grep -q WenQuanYiMicroHei "$tmp/fonts" || no "many Hanzi: m$i's CJK font is not embedded"
    want=$(awk -F, -v id="m$i" '$1 == id { print $2 }' "$tmp/many.csv")
    pdftotext -f 1 -l 1 "$f" - 2>/dev/null | grep -qF "$want" || no "many Hanzi: '$want' is not in m$i's text"
    at=$((10#$i * pages + 1))
    pdftotext -f $at -l $at "$tmp/many/class.pdf" - 2>/dev/null | grep -qF "$want" ||
        no "many Hanzi: class.pdf's page $at is not m$i's"
    pdftoppm -r 80 -f 1 -l 1 "$f" "$tmp/own-$i" 2>/dev/null
    pdftoppm -r 80 -f $at -l $at "$tmp/many/class.pdf" "$tmp/cls-$i" 2>/dev/null
    cmp -s "$tmp/own-$i"-*.ppm "$tmp/cls-$i"-*.ppm ||
        no "many Hanzi: m$i's worksheet is drawn unlike its page of class.pdf"
    name_box "$f" "$tmp/mn-$i"
    ink=$(python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(sum(1 for b in d[-330*30*3:] if b < 128))" "$tmp/mn-$i-1.ppm")
    [ "$ink" -gt 100 ] || no "many Hanzi: m$i's name has no ink ($ink dark samples)"
done

[ $fail = 0 ] && echo "fonts: ok"
exit $fail
