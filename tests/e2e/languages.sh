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
