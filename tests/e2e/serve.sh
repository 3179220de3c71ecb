#!/usr/bin/env bash
# ionsheet serve, end to end with curl: links.csv, every page, every
# refusal (403 without CSRF, 404 for a wrong token like an unknown path,
# 405, 413, 429, 431), the security headers, answers graded and recorded as
# `grade` does, the instructor's pages, the drill, half-open connections,
# a reload while serving, and a clean stop on SIGTERM. A free port each run.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
ion() { "$bin" --db "$tmp/db" "$@"; }

# ---- a class with a hostile name, a worksheet, links.csv ----
ion init >/dev/null || { echo "FAIL: init"; exit 1; }
{ echo "id,name,email"; echo "s001,Ada Li,ada@example.org"
  echo "s002,<script>alert(1)</script>,"; echo "s003,张伟,zw@example.org"; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C1 >/dev/null
ion worksheet create w1 --course C1 --title 'Week <1> & "all"' --due 2099-01-01 \
    --problems nernst-k,ghk-kna,drive-cl >/dev/null
ion worksheet create old --course C1 --due 2000-01-01 --problems nernst-k >/dev/null
ion generate w1 --out "$tmp/w1" --no-pdf --base-url https://example.org/ionsheet >/dev/null || no "generate w1"
ion generate old --out "$tmp/old" --no-pdf >/dev/null || no "generate old"
# the feedback policies (worksheet create --feedback)
ion worksheet create nv --course C1 --due 2099-01-01 --feedback never --problems nernst-k >/dev/null || no "--feedback never"
ion worksheet create ad --course C1 --due 2099-01-01 --feedback after-due --problems nernst-k >/dev/null || no "--feedback after-due"
ion worksheet create ad2 --course C1 --due 2000-01-01 --feedback after-due --problems nernst-k >/dev/null
ion worksheet create bad --course C1 --feedback sometimes --problems nernst-k 2>"$tmp/err"; rc=$?
[ $rc = 3 ] && grep -q "unknown feedback policy 'sometimes'" "$tmp/err" || no "a bad policy: $rc $(cat "$tmp/err")"
ion worksheet list | grep -q '^bad\b' && no "a refused worksheet was created"
ion worksheet edit nv --feedback immediate >/dev/null && ion worksheet edit nv --feedback never >/dev/null || no "worksheet edit --feedback"
for w in nv ad ad2; do ion generate $w --out "$tmp/$w" --no-pdf >/dev/null || no "generate $w"; done
# a submission to ad2 recorded (by grade) before its due date passed
{ echo "worksheet: ad2"; echo "student: s001"; echo "1a: 5 mV"; echo "1b: inward"; } >"$tmp/ad2.txt"
"$bin" --db "$tmp/db" grade "$tmp/ad2/key.xml" "$tmp/ad2.txt" --csv "$tmp/ad2.csv" --feedback "$tmp/ad2fb" >/dev/null 2>&1
# s003 hands in a .docx renamed .txt for w1: refused (the history's status)
printf 'PK\003\004\024\000\006\000word/document.xml' >"$tmp/s003.txt"
"$bin" --db "$tmp/db" grade "$tmp/w1/key.xml" "$tmp/s003.txt" --csv "$tmp/s003.csv" --feedback "$tmp/s003fb" >/dev/null 2>&1
links=$tmp/w1/links.csv
[ "$(head -1 "$links" | tr -d '\r')" = "student,name,email,url" ] || no "links.csv header: $(head -1 "$links")"
[ "$(grep -c . "$links")" = 4 ] || no "links.csv rows: $(cat "$links")"
grep -q '^s001,Ada Li,ada@example.org,https://example.org/ionsheet/s/[A-Za-z0-9_-]\{22\}' "$links" || no "links.csv row: $(cat "$links")"
[ "$(cut -d, -f4 "$links" | sort -u | wc -l)" = 4 ] || no "tokens are not distinct"
token() { grep "^$1," "$2" | sed 's#.*/s/##' | tr -d '\r'; }
t1=$(token s001 "$links"); t2=$(token s002 "$links"); t3=$(token s003 "$links"); told=$(token s001 "$tmp/old/links.csv")
# the link and its QR code in the student's PDF header
ion generate w1 --student s001 --out "$tmp/pdf" --base-url https://example.org/ionsheet >/dev/null || no "generate with PDFs"
url1=$(grep '^s001,' "$links" | cut -d, -f4 | tr -d '\r')
pdftotext "$tmp/pdf/students/s001.pdf" - | grep -qF -e "$url1" || no "the link is not printed on the PDF"
pdftoppm -r 150 -png -f 1 -l 1 "$tmp/pdf/students/s001.pdf" "$tmp/page"
[ "$(zbarimg -q --raw "$tmp/page-1.png" 2>/dev/null)" = "$url1" ] || no "the PDF's QR code is not the link: $(zbarimg -q --raw "$tmp/page-1.png" 2>&1)"
pdftotext "$tmp/pdf/solutions.pdf" - | grep -qF -e "$url1" && no "the link on the solutions"
[ "$t1" != "$told" ] || no "the same token for two worksheets"

# ---- start on a free port ----
serve_start "$tmp/db" "$tmp/out" "$tmp/log" || { no "no instructor line: $(cat "$tmp/out" "$tmp/log")"; exit 1; }
code() { curl -s -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' "$@"; }
header() { grep -i "^$1:" "$tmp/head" | head -1 | tr -d '\r' | sed 's/^[^:]*: //'; }

# ---- pages and their headers ----
[ "$(code "$base/")" = 200 ] || no "GET / not 200"
[ "$(code "$base/static/style.css")" = 200 ] || no "stylesheet"
header Content-Type | grep -q '^text/css' || no "stylesheet type: $(header Content-Type)"
[ "$(code "$base/s/$t1")" = 200 ] || no "student page: $(cat "$tmp/body")"
cp "$tmp/body" "$tmp/page1"
header Content-Security-Policy | grep -q "default-src 'none'" || no "CSP: $(header Content-Security-Policy)"
header Content-Security-Policy | grep -q "unsafe-inline" && no "CSP allows inline"
[ "$(header X-Content-Type-Options)" = nosniff ] || no "nosniff"
[ "$(header Referrer-Policy)" = no-referrer ] || no "Referrer-Policy"
[ "$(header Cache-Control)" = no-store ] || no "a private page may be cached"
grep -q '<html lang="en">' "$tmp/page1" || no "lang attribute"
grep -q '<script' "$tmp/page1" && no "a script on the page"
grep -Eq '(src|href)="(https?:)?//' "$tmp/page1" && no "a resource from another host"
grep -q 'Week &lt;1&gt; &amp; &quot;all&quot;' "$tmp/page1" || no "title not escaped"
for p in 1a 1b 2a 3a 3b 3c; do
    grep -q "name=\"$p\"" "$tmp/page1" || no "no input named $p"
done
grep -q '<label for="p-1a">' "$tmp/page1" || no "no label for 1a"
grep -q '<sub>' "$tmp/page1" || no "no subscripts as HTML"
csrf1=$(grep -o 'name="csrf" value="[^"]*"' "$tmp/page1" | sed 's/.*value="//;s/"$//')
[ ${#csrf1} = 22 ] || no "csrf field: '$csrf1'"
[ "$(code "$base/s/$t2")" = 200 ] || no "s002's page"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/body" || no "name not escaped"
grep -q '<script>alert' "$tmp/body" && no "raw script from a roster name"
[ "$(code "$base/s/$t1?lang=zh")" = 200 ] || no "zh page"
grep -q '<html lang="zh-Hans">' "$tmp/body" || no "zh lang attribute"
grep -q '提交答案' "$tmp/body" || no "zh button"
code -H 'Accept-Language: zh-CN,zh;q=0.9,en;q=0.5' "$base/s/$t1" >/dev/null
grep -q '<html lang="zh-Hans">' "$tmp/body" || no "Accept-Language zh"
# the same numbers as the key
python3 - "$tmp/w1/key.xml" "$tmp/page1" <<'EOF' || no "page and key disagree"
import sys, re, xml.etree.ElementTree as ET
ns = {'k': 'urn:ionsheet:answer-key:1'}
root = ET.parse(sys.argv[1]).getroot()
tag = root.tag.split('}')[0] + '}'
page = open(sys.argv[2], encoding='utf-8').read()
st = [s for s in root.iter(tag + 'student') if s.get('id') == 's001'][0]
for p in st.iter(tag + 'param'):
    v = p.get('value')
    if v not in page.replace('\u2212', '-'):
        sys.exit('param %s=%s not on the page' % (p.get('name'), v))
EOF

# ---- refusals ----
[ "$(code --data '1a=5' "$base/s/$t1")" = 403 ] || no "POST without csrf not 403"
[ "$(code --data "csrf=AAAAAAAAAAAAAAAAAAAAAA&1a=5" "$base/s/$t1")" = 403 ] || no "POST with a wrong csrf not 403"
[ "$(code --data "csrf=$csrf1&1a=5" "$base/s/$t2")" = 403 ] || no "another student's csrf accepted"
ion gradebook w1 2>/dev/null | grep -q '^s001,Ada Li,0,.*missing' || no "a refused POST was recorded: $(ion gradebook w1)"
code "$base/no/such/page" >/dev/null; cp "$tmp/body" "$tmp/404a"
[ "$(code "$base/s/AAAAAAAAAAAAAAAAAAAAAA")" = 404 ] || no "wrong token not 404"
cmp -s "$tmp/body" "$tmp/404a" || no "a wrong token's 404 differs from an unknown path's"
[ "$(code "$base/s/$t1/nothing")" = 404 ] || no "unknown page under a token"
[ "$(code -X PUT "$base/s/$t1")" = 405 ] || no "PUT not 405"
[ "$(code -X DELETE "$base/")" = 405 ] || no "DELETE not 405"
head -c 70000 /dev/zero | tr '\0' a >"$tmp/big"
[ "$(code --data-binary "@$tmp/big" "$base/s/$t1")" = 413 ] || no "a 70 KB body not 413"
[ "$(code -H 'Transfer-Encoding: chunked' --data-binary "@$tmp/big" "$base/s/$t1")" = 413 ] || no "a 70 KB chunked body not 413"
[ "$(code -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" "$base/")" = 431 ] || no "a 40 KB header not 431"
[ "$(code "$base/instructor")" = 404 ] || no "instructor pages without the cookie"
[ "$(code -b "ion_i=AAAAAAAAAAAAAAAAAAAAAA" "$base/instructor")" = 404 ] || no "instructor pages with a wrong cookie"

# ---- answers: graded and recorded as grade does ----
answers=$(python3 - "$tmp/w1/key.xml" s001 <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
tag = root.tag.split('}')[0] + '}'
st = [s for s in root.iter(tag + 'student') if s.get('id') == sys.argv[2]][0]
out = []
for p in st.iter(tag + 'part'):
    v = p.get('value')
    if p.get('kind') == 'numeric':
        v = ('%.4g' % float(v)).replace('.', ',') + ' ' + p.get('unit', '')  # a decimal comma, as students write
    out.append('%s=%s' % (p.get('id'), v))
print('\n'.join(out))
EOF
)
args=(--data-urlencode "csrf=$csrf1")
while IFS= read -r a; do args+=(--data-urlencode "$a"); done <<<"$answers"
[ "$(code "${args[@]}" "$base/s/$t1")" = 200 ] || no "a good POST: $(head -c 300 "$tmp/body")"
n_right=$(grep -o 'class="verdict right"' "$tmp/body" | wc -l)
[ "$n_right" = "$(grep -c . <<<"$answers")" ] || no "verdicts: $n_right right of $(grep -c . <<<"$answers")"
grep -q 'received' "$tmp/body" || no "no received note"
row=$(ion gradebook w1 2>/dev/null | grep '^s001,')
max=$(echo "$row" | cut -d, -f4)
[ "$(echo "$row" | cut -d, -f3)" = "$max" ] || no "gradebook after the web: $row"
# the same answers as an answer file through grade: the same row
{ echo "worksheet: w1"; echo "student: s001"; sed 's/=/: /' <<<"$answers"; } >"$tmp/s001.txt"
"$bin" grade "$tmp/w1/key.xml" "$tmp/s001.txt" --csv "$tmp/book.csv" --feedback "$tmp/fb" >/dev/null 2>&1
[ "$(grep '^s001,' "$tmp/book.csv")" = "$row" ] || no "web and grade differ: $(grep '^s001,' "$tmp/book.csv") vs $row"
# changed until due, history kept; a page shows the latest answers
[ "$(code --data-urlencode "csrf=$csrf1" --data-urlencode '1a=12' "$base/s/$t1")" = 200 ] || no "second POST"
grep -q 'value="12"' "$tmp/body" || no "the latest answer not shown in the form"
[ "$(ion gradebook w1 2>/dev/null | grep '^s001,' | cut -d, -f6)" = 0 ] || no "the latest submission does not count"
[ "$(sqlite3 "$tmp/db" "select count(*) from submissions where student_id='s001' and worksheet='w1'")" -ge 2 ] || no "history not kept"
# past due: shown, not changeable
[ "$(code "$base/s/$told")" = 200 ] || no "past-due page"
grep -q 'due date has passed' "$tmp/body" || no "past-due note"
csrfo=$(grep -o 'name="csrf" value="[^"]*"' "$tmp/body" | sed 's/.*value="//;s/"$//')
[ -z "$csrfo" ] || no "a form on a closed worksheet"
[ "$(code --data '1a=5&csrf=x' "$base/s/$told")" = 403 ] || no "POST after the due date not 403"

# feedback policies: never, after-due before and after the due date
for w in nv ad; do
    t=$(token s001 "$tmp/$w/links.csv")
    code "$base/s/$t" >/dev/null
    c=$(grep -o 'name="csrf" value="[^"]*"' "$tmp/body" | sed 's/.*value="//;s/"$//')
    [ "$(code --data-urlencode "csrf=$c" --data-urlencode '1a=-80 mV' "$base/s/$t")" = 200 ] || no "$w: POST"
    grep -q 'class="verdict' "$tmp/body" && no "$w: verdicts shown against the policy"
    grep -q 'received' "$tmp/body" || no "$w: no received note"
done
grep -q 'shown after the due date' "$tmp/body" || no "after-due: no word on when"
code "$base/s/$(token s001 "$tmp/ad2/links.csv")" >/dev/null
grep -q 'class="verdict wrong"' "$tmp/body" || no "after-due, past due: no verdicts"
grep -q 'Worked solution' "$tmp/body" || no "after-due, past due: no worked solution"
grep -q '<svg class="ladder"' "$tmp/body" || no "after-due, past due: no potential ladder"

# ---- instructor ----
ipath=${iurl#"$base"}
[ "$(code "$base$ipath")" = 303 ] || no "instructor link not 303"
cookie=$(header Set-Cookie)
echo "$cookie" | grep -q 'HttpOnly' || no "cookie not HttpOnly: $cookie"
echo "$cookie" | grep -q 'SameSite=Strict' || no "cookie not SameSite: $cookie"
[ "$(header Location)" = /instructor ] || no "redirect: $(header Location)"
ck=$(echo "$cookie" | sed 's/;.*//')
[ "$(code -b "$ck" "$base/instructor")" = 200 ] || no "instructor home"
grep -q 'href="/instructor/w1?course=C1"' "$tmp/body" || no "w1 not listed"
[ "$(code -b "$ck" "$base/instructor/w1")" = 200 ] || no "gradebook page"
grep -q '<svg' "$tmp/body" || no "no histogram"
grep -q 'Not submitted' "$tmp/body" || no "no not-submitted list"
grep -q '&lt;script&gt;' "$tmp/body" || no "not-submitted name not escaped"
[ "$(code -b "$ck" "$base/instructor/w1/gradebook.csv")" = 200 ] || no "CSV download"
header Content-Disposition | grep -q 'attachment' || no "CSV not an attachment"
ion gradebook w1 --csv "$tmp/cli.csv" 2>/dev/null
cmp -s "$tmp/body" "$tmp/cli.csv" || no "downloaded CSV differs from ionsheet gradebook"
[ "$(code -b "$ck" "$base/instructor/w1/student/s001")" = 200 ] || no "history page"
[ "$(grep -o '<h2>Received' "$tmp/body" | wc -l)" -ge 2 ] || no "history lists fewer than 2 submissions"
[ "$(code -b "$ck" "$base/instructor/w1/student/nobody")" = 404 ] || no "unknown student history"
# the gradebook's and the history's words in the reader's language: the
# catalogue's verdict.* glosses (English has none: the names themselves)
code -b "$ck" "$base/instructor/w1" >/dev/null
grep -q '<td class="missing">missing</td>' "$tmp/body" && grep -q '<td class="refused">refused</td>' "$tmp/body" ||
    no "the English gradebook's missing and refused cells"
code -b "$ck" -H 'Accept-Language: zh' "$base/instructor/w1" >/dev/null
grep -q '<td class="missing">未提交</td>' "$tmp/body" && grep -q '<td class="refused">拒收</td>' "$tmp/body" ||
    no "the Chinese gradebook's missing and refused cells: $(grep -o '<td class="[a-z]*">[^<]*</td>' "$tmp/body" | sort -u)"
grep -Eq '>(missing|refused|conflict)<' "$tmp/body" && no "an English status in the Chinese gradebook"
code -b "$ck" -H 'Accept-Language: zh' "$base/instructor/w1/student/s001" >/dev/null
grep -q '<td class="right">正确</td>' "$tmp/body" || no "the Chinese history's verdicts: $(grep -o '<td class="[a-z]*">[^<]*</td>' "$tmp/body" | sort -u)"
grep -Eq '>(right|wrong|blank|missing|invalid|partial|carried)<' "$tmp/body" && no "an English verdict in the Chinese history"
code -b "$ck" "$base/instructor/w1/student/s001" >/dev/null
grep -q '<td class="right">right</td>' "$tmp/body" || no "the English history's verdicts"
code -b "$ck" -H 'Accept-Language: zh' "$base/instructor/w1/student/s003" >/dev/null
grep -q '<p class="status">拒收：' "$tmp/body" || no "the Chinese history's refused file: $(grep -o '<p class="status">[^<]*' "$tmp/body")"
code -b "$ck" "$base/instructor/w1/student/s003" >/dev/null
grep -q '<p class="status">refused: ' "$tmp/body" || no "the English history's refused file"
[ "$(code -b "$ck" "$base/instructor/nope")" = 404 ] || no "unknown worksheet"

# ---- the drill ----
[ "$(code "$base/drill")" = 200 ] || no "drill"
vis=$(header Set-Cookie | sed 's/;.*//')
echo "$vis" | grep -q '^ion_v=' || no "no visitor cookie: $vis"
[ "$(code -b "$vis" "$base/drill?topic=nernst")" = 200 ] || no "drill problem"
grep -q 'template' "$tmp/body" && grep -q 'seed' "$tmp/body" || no "no template id and seed"
f() { grep -o "name=\"$1\" value=\"[^\"]*\"" "$tmp/body" | head -1 | sed 's/.*value="//;s/"$//'; }
dc=$(f csrf); dt=$(f t); ds=$(f seed)
[ "$(code -b "$vis" --data "csrf=$dc&t=$dt&seed=$ds&n0=0&r0=0&a0=123456789" "$base/drill")" = 200 ] || no "drill answer"
grep -q 'class="verdict wrong"' "$tmp/body" || no "no wrong verdict"
# the terminal drill's rules (drill_session.c): the first wrong try counts
# and brings the hint, an unreadable answer is no try, the second wrong try
# shows the answer and the worked solution and ends the part
[ "$(f n0)" = 1 ] && [ "$(f r0)" = 0 ] || no "a wrong try not counted: n0=$(f n0) r0=$(f r0)"
grep -q '<h2>Hint</h2>' "$tmp/body" || no "no hint after the first wrong try"
code -b "$vis" --data "csrf=$dc&t=$dt&seed=$ds&n0=1&r0=0&h=1&a0=12.3.4" "$base/drill" >/dev/null
[ "$(f n0)" = 1 ] && grep -q '<p class="note">' "$tmp/body" || no "an unreadable answer counted as a try, or said nothing"
code -b "$vis" --data "csrf=$dc&t=$dt&seed=$ds&n0=1&r0=0&h=1&a0=123456789" "$base/drill" >/dev/null
[ "$(f n0)" = 2 ] && [ "$(f r0)" = 2 ] || no "the second wrong try did not end the part: n0=$(f n0) r0=$(f r0)"
grep -q 'The answer is' "$tmp/body" && grep -q '<div class="solution">' "$tmp/body" || no "no answer and solution after the second wrong try"
grep -q '<input type="text" id="d0" name="a0" autocomplete="off" readonly' "$tmp/body" || no "an ended part still open"
[ "$(code -b "$vis" --data "t=$dt&seed=$ds&a0=1" "$base/drill")" = 403 ] || no "drill POST without csrf"
# one visitor cookie in 64 begins with '-' (it was refused as an id: that
# visitor's answers were all "expired")
code -b ion_v=-AAAAAAAAAAAAAAAAAAAAA "$base/drill?topic=nernst" >/dev/null
[ -z "$(header Set-Cookie)" ] || no "a visitor cookie beginning with '-' replaced"
[ "$(code -b ion_v=-AAAAAAAAAAAAAAAAAAAAA --data "csrf=$(f csrf)&t=$(f t)&seed=$(f seed)&a0=1" "$base/drill")" = 200 ] ||
    no "a visitor cookie beginning with '-': the answer refused"
[ "$(code --data "csrf=$dc&t=$dt&seed=$ds&a0=1" "$base/drill")" = 403 ] || no "drill POST without the visitor cookie"
# the topics by their catalogue names (topic.*), as the terminal drill's
code -b "$vis" "$base/drill" >/dev/null
grep -q '<option value="nernst">Nernst potentials</option>' "$tmp/body" || no "the drill's topics in English"
code -b "$vis" -H 'Accept-Language: zh' "$base/drill" >/dev/null
grep -q '<option value="nernst">能斯特电位</option>' "$tmp/body" || no "the drill's topics in Chinese: $(grep -o '<option[^/]*</option>' "$tmp/body")"
code -b "$vis" -H 'Accept-Language: zh' "$base/drill?topic=ghk" >/dev/null
grep -q '<option value="ghk" selected>GHK 电压方程</option>' "$tmp/body" || no "the chosen topic in Chinese"
[ "$(code "$base/s/$t1/drill?topic=nernst")" = 200 ] || no "student drill"
dc=$(f csrf); dt=$(f t); ds=$(f seed)
# s (the worked solution, as at the terminal) in every part ends the problem
code --data-urlencode "csrf=$dc" --data "t=$dt&seed=$ds&a0=s&a1=s&a2=s&a3=s&a4=s&a5=s&a6=s&a7=s" "$base/s/$t1/drill" >/dev/null
grep -q 'class="verdict"' "$tmp/body" || no "no answer shown after s in the web drill"
[ "$(sqlite3 "$tmp/db" "select count(*) from drill_attempts where user_name='C1/s001' and right_first=0")" -ge 1 ] || no "student drill not recorded"
code "$base/s/$t1/drill" >/dev/null
grep -q '<tr><td>Nernst potentials</td>' "$tmp/body" || no "the progress table's topics in English"
code "$base/s/$t1/drill?lang=zh" >/dev/null
grep -q '<tr><td>能斯特电位</td>' "$tmp/body" || no "the progress table's topics in Chinese: $(grep -o '<tr><td>[^<]*' "$tmp/body")"

# ---- 50 idle half-open connections do not stop a request ----
python3 - "$base" <<'EOF' || no "a request behind 50 half-open connections"
import socket, sys, time, urllib.request
host, port = sys.argv[1].split('//')[1].split(':')
socks = []
for _ in range(50):
    s = socket.create_connection((host, int(port)))
    s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n')  # never finished
    socks.append(s)
t = time.time()
r = urllib.request.urlopen(sys.argv[1] + '/', timeout=3)
assert r.status == 200 and time.time() - t < 1, time.time() - t
EOF

# ---- a new generate is served without a restart ----
ion worksheet create w2 --course C1 --problems nernst-k >/dev/null
ion generate w2 --out "$tmp/w2" --no-pdf >/dev/null
t4=$(token s003 "$tmp/w2/links.csv")
for _ in $(seq 40); do [ "$(code "$base/s/$t4")" = 200 ] && break; sleep 0.2; done
[ "$(code "$base/s/$t4")" = 200 ] || no "a worksheet generated while serving is not served"

# ---- the access log: no tokens, no secret; the per-address limit ----
# tokens behind a mistyped or unstripped prefix are left out too
for u in "/$t1" "//s/$t1" "/S/$t2" "/ionsheet/s/$t3/drill" "/x$told.txt" "/i/${ipath#/i/}x"; do
    [ "$(code "$base$u")" = 404 ] || no "$u is not 404"
done
# libmicrohttpd's own message on a failed send names the URL: clients that
# reset the connection before their answer provoke it (mostly within 4 s)
python3 - "$base" "$t1" "$tmp/log" <<'EOF'
import random, socket, struct, sys, time
host, port = sys.argv[1].split('//')[1].split(':')
t = time.monotonic()
while time.monotonic() - t < 4 and 'Failed to send' not in open(sys.argv[3], errors='replace').read():
    for _ in range(50):
        s = socket.create_connection((host, int(port)))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.sendall(b'GET /s/%s HTTP/1.1\r\nHost: x\r\n\r\n' % sys.argv[2].encode())
        time.sleep(random.uniform(0, 0.001))
        s.close()  # a reset
EOF
grep -q 'Failed to send' "$tmp/log" || echo "serve: note: no failed send provoked this run (libmicrohttpd's message not seen)"
grep -q '"GET /ionsheet/s/~/drill" 404' "$tmp/log" || no "a mistyped path's log line: $(grep ionsheet "$tmp/log")"
grep -q '"GET /instructor/w1/gradebook.csv" 200' "$tmp/log" || no "the instructor's paths are logged whole"
for tok in "$t1" "$t2" "$t3" "$told" "${ipath#/i/}" "${ck#ion_i=}"; do
    grep -qF -e "$tok" "$tmp/log" && no "a token in the access log"
done
grep -q '"GET /s/~" 200' "$tmp/log" || no "access log line: $(head -3 "$tmp/log")"
secret=$(sqlite3 "$tmp/db" "select lower(hex(value)) from settings where key='secret'")
grep -rqi "$secret" "$tmp/out" "$tmp/log" "$tmp/w1" && no "the secret left the database"
for i in $(seq 40); do code "$base/s/BBBBBBBBBBBBBBBBBBBBB$i" >/dev/null; done
[ "$(code "$base/s/$t1")" = 429 ] || no "no limit on wrong tokens from one address"

# ---- HTTPS: --tls-cert/--tls-key ----
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
        -subj /CN=127.0.0.1 2>/dev/null; then
    hpid=$pid
    serve_start "$tmp/db" "$tmp/tout" /dev/null --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
    tpid=$pid turl=$iurl pid=$hpid
    case $turl in https://*) ;; *) no "the instructor link with TLS: '$turl'" ;; esac
    [ "$(code -k "$turl")" = 303 ] || no "the instructor link over HTTPS"
    header Set-Cookie | grep -q 'Secure' || no "the cookie is not Secure over HTTPS"
    tbase=${turl%%/i/*}
    [ "$(code -k "$tbase/s/$t3")" = 200 ] || no "a student page over HTTPS"
    [ "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://${tbase#https://}/")" = 000 ] || no "plain HTTP answered on the HTTPS port"
    kill "$tpid"; wait "$tpid"
else
    no "openssl could not make a test certificate"
fi

# ---- SIGTERM: stops within 2 s, exit 0 ----
kill -TERM "$pid"
for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && no "still running 2 s after SIGTERM"
wait "$pid"; rc=$?; pid=
[ $rc = 0 ] || no "exit status $rc after SIGTERM"
[ "$(sqlite3 "$tmp/db" 'pragma integrity_check')" = ok ] || no "integrity_check"

[ $fail = 0 ] && echo "serve: all checks passed"
exit $fail
