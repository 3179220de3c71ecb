#!/usr/bin/env bash
# The languages are the catalogue's files (templates/LANG.conf): a copy of
# en.conf as fr.conf is a language for every command and for the web
# pages at once; an unknown one is refused with the list, in the user's
# language. A free port.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/serve.bash
root=$PWD
ion() { "$bin" --db "$tmp/db" "$@"; }
ion init >/dev/null || { echo "FAIL: init"; exit 1; }

# ---- the shipped catalogue: en and zh ----
ion --lang fr worksheet list >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "ionsheet: unknown language 'fr' (languages: en, zh)" ] ||
    no "--lang fr without fr.conf: exit $rc, $(cat "$tmp/err")"
for cmd in "drill --lang fr" "generate w1 --lang fr" "bank preview nernst-k --lang fr"; do
    # shellcheck disable=SC2086
    ion $cmd </dev/null >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc = 2 ] && grep -q "unknown language 'fr' (languages: en, zh)" "$tmp/err" || no "$cmd: exit $rc, $(cat "$tmp/err")"
done
ion --lang ZH worksheet list >/dev/null 2>&1 && no "--lang ZH taken: a file is named zh.conf"

# ---- a third language: fr.conf, a copy of en.conf with a few words changed ----
# and French's plural rule: the one form for 0 and 1 ("0 modèle"), where
# English says "0 templates".
home=$tmp/home
mkdir -p "$home/templates"
for d in schema problems fonts; do [ -e "$root/$d" ] && ln -s "$root/$d" "$home/$d"; done
cp templates/*.conf "$home/templates/"
sed -e 's/^web.check *=.*/web.check = Vérifier/' -e 's/^cli.init.ready *=.*/cli.init.ready = la base %s est prête (schéma %d)\\n/' \
    -e 's/^plural.rule *=.*/plural.rule = one-below-2/' -e 's/^cli.bank.listed.one *=.*/cli.bank.listed.one = %zu modèle\\n/' \
    -e 's/^cli.bank.listed.other *=.*/cli.bank.listed.other = %zu modèles\\n/' \
    templates/en.conf >"$home/templates/fr.conf"
fr() { IONSHEET_HOME=$home "$bin" --db "$tmp/db" "$@"; }
fr --lang fr init >"$tmp/out" 2>"$tmp/err" || no "--lang fr with fr.conf: $(cat "$tmp/err")"
grep -q 'la base .* est prête' "$tmp/out" || no "fr.conf not used: $(cat "$tmp/out")"
fr --lang xx worksheet list >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown language 'xx' (languages: en, fr, zh)" "$tmp/err" || no "the list with fr: $rc $(cat "$tmp/err")"
fr drill --lang fr --user ann --seed 3 </dev/null >"$tmp/out" 2>"$tmp/err" || no "drill --lang fr: $(cat "$tmp/err")"
for topic_count in "nosuch 0 modèle" "passive 7 modèles"; do
    set -- $topic_count
    fr --lang fr bank list --topic "$1" >"$tmp/out" 2>"$tmp/err" || no "bank list --lang fr: $(cat "$tmp/err")"
    [ "$(tail -n 1 "$tmp/out")" = "$2 $3" ] || no "fr's plural for $2: $(tail -n 1 "$tmp/out")"
done
fr bank list --topic nosuch | tail -n 1 | grep -qx '0 templates' || no "English's plural for 0 with fr.conf beside it"
# a French rule without the forms it needs does not load, the key named
sed -i 's/^cli.bank.listed.one *=.*//' "$home/templates/fr.conf"
fr --lang fr bank list >/dev/null 2>"$tmp/err" && no "fr.conf without cli.bank.listed.one loaded"
grep -Eq "fr.conf:[0-9]+: missing key 'cli.bank.listed.one' \(plural.rule one-below-2 has the forms one, other\)" "$tmp/err" ||
    no "a missing plural form: $(cat "$tmp/err")"
printf 'cli.bank.listed.one = %%zu modèle\\n\n' >>"$home/templates/fr.conf"

# ---- a template in fr: its texts and mistakes' feedback go through ----
# Mistake 1 has en, fr and zh feedback, mistake 2 only en: a fr reader gets
# fr for the first and English for the second; the part's text is fr, the
# hint (en only) English.
sed -e 's/id="t-nernst-k"/id="t-fr"/' \
    -e 's|<title xml:lang="en">Potassium equilibrium potential</title>|&<title xml:lang="fr">Potentiel d’équilibre du potassium</title>|' \
    -e 's|<text xml:lang="en">Calculate E<sub>K</sub>.</text>|&<text xml:lang="fr">Calculez E<sub>K</sub> (mode fr).</text>|' \
    -e 's|<text xml:lang="zh">神经元|<text xml:lang="fr">Un neurone a [K<sup>+</sup>]<sub>o</sub> = {Ko}.</text>&|' \
    -e 's|<feedback xml:lang="en">The ratio is \[K\]o/\[K\]i, not \[K\]i/\[K\]o.</feedback>|&<feedback xml:lang="fr">Le rapport est [K]o/[K]i, pas l’inverse ({Ko}).</feedback><feedback xml:lang="zh">比值是 [K]o/[K]i。</feedback>|' \
    tests/data/problems-test.xml >"$tmp/fr.xml"
grep -q 'xml:lang="fr">Le rapport' "$tmp/fr.xml" || no "the fr template was not made"
fr bank import "$tmp/fr.xml" >/dev/null 2>"$tmp/err" || no "import of a template with fr texts: $(cat "$tmp/err")"
fr bank list | grep -q '^t-fr .* en fr zh$' || no "bank list: the template's languages: $(fr bank list | grep t-fr)"
fr --lang fr bank preview t-fr --seed 3 >"$tmp/out" 2>&1
grep -q 'Calculez E_K (mode fr)' "$tmp/out" && grep -q 'Potentiel d’équilibre' "$tmp/out" &&
    grep -q 'Un neurone a' "$tmp/out" && grep -q 'Solution: E_K = (RT/F)' "$tmp/out" || no "preview in fr: $(head -5 "$tmp/out")"
fr roster import tests/data/roster-sample.csv --course FR1 >/dev/null &&
    fr worksheet create wfr --course FR1 --problems t-fr >/dev/null || no "a worksheet of t-fr"
fr --lang fr generate wfr --out "$tmp/wfr" >/dev/null 2>"$tmp/err" || no "generate --lang fr: $(cat "$tmp/err")"
key=$tmp/wfr/key.xml
xmllint --noout --nonet --schema schema/answer-key.xsd "$key" 2>"$tmp/err" || no "the key with fr feedback is not valid: $(cat "$tmp/err")"
grep -q '<feedback xml:lang="en">The ratio.*</feedback><feedback xml:lang="fr">Le rapport.*</feedback><feedback xml:lang="zh">' "$key" ||
    no "the key's feedback: English, then the others by name: $(grep -o '<feedback[^>]*>' "$key" | tr '\n' ' ')"
pdftotext "$tmp/wfr/students/s001.pdf" - 2>/dev/null | grep -q 'Calculez' || no "the fr worksheet PDF has not the fr text"
# s001 makes mistake 1, s002 mistake 2 (the values the key holds for them)
mkdir -p "$tmp/subs"
python3 - "$key" "$tmp/subs" <<'PY' || no "answers from the key"
import sys, xml.etree.ElementTree as ET
ns = {"k": "urn:ionsheet:answer-key:2"}
root = ET.parse(sys.argv[1]).getroot()
for sid, m in (("s001", 0), ("s002", 1)):
    part = root.find(f"k:student[@id='{sid}']/k:problem/k:part[@id='1a']", ns)
    with open(f"{sys.argv[2]}/{sid}.txt", "w") as f:
        f.write(f"worksheet: wfr\nstudent: {sid}\n1a: {part.get('mistakes').split()[m]} mV\n")
PY
ko=$(python3 -c "import sys,xml.etree.ElementTree as E;r=E.parse(sys.argv[1]).getroot();print(r.find(\"{urn:ionsheet:answer-key:2}student[@id='s001']/*/*[@name='Ko']\").get('value'))" "$key")
for l in fr zh en; do
    fr --lang $l grade "$key" "$tmp/subs" --csv "$tmp/g-$l.csv" --feedback "$tmp/fb-$l" >/dev/null 2>"$tmp/err" ||
        no "grade --lang $l: $(cat "$tmp/err")"
done
grep -q "Le rapport est \[K\]o/\[K\]i, pas l’inverse ($ko mM)" "$tmp/fb-fr/s001.txt" || no "fr feedback to a fr reader: $(cat "$tmp/fb-fr/s001.txt")"
grep -q 'Use ln, not log10' "$tmp/fb-fr/s002.txt" || no "English where the key has no fr: $(cat "$tmp/fb-fr/s002.txt")"
grep -q '比值是' "$tmp/fb-zh/s001.txt" && grep -q 'The ratio is' "$tmp/fb-en/s001.txt" || no "zh and en readers: their own feedback"
! grep -q 'Le rapport' "$tmp/fb-en/s001.txt" "$tmp/fb-zh/s001.txt" || no "fr feedback to another reader"

# ---- the web: ?lang=fr and Accept-Language: fr-FR ----
IONSHEET_HOME=$home serve_start "$tmp/db" "$tmp/sout" "$tmp/log" || { no "serve did not start: $(cat "$tmp/log")"; exit 1; }
page() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }
[ "$(page "$base/drill?lang=fr&topic=nernst")" = 200 ] || no "the drill with ?lang=fr"
grep -q '<html lang="fr">' "$tmp/body" && grep -q 'Vérifier' "$tmp/body" || no "?lang=fr: $(grep -o '<html[^>]*>' "$tmp/body")"
page -H 'Accept-Language: fr-FR,fr;q=0.9,en;q=0.5' "$base/drill?topic=nernst" >/dev/null
grep -q '<html lang="fr">' "$tmp/body" || no "Accept-Language fr-FR not followed"
page -H 'Accept-Language: de-DE, zh-CN;q=0.8' "$base/drill?topic=nernst" >/dev/null
grep -q '<html lang="zh-Hans">' "$tmp/body" || no "Accept-Language: the first language there"
page "$base/drill?lang=%22%3E%3Cscript%3E&topic=nernst" >/dev/null
grep -q '<html lang="en">' "$tmp/body" && ! grep -q '<script' "$tmp/body" || no "a hostile ?lang"
kill "$pid"; wait "$pid"; pid=

[ $fail = 0 ] && echo "languages: all checks passed"
exit $fail
