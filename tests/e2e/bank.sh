#!/usr/bin/env bash
# init and bank import|list|show|check against a real SQLite file.
set -u
. "$(dirname "$0")/common.bash"

ion bank list >/dev/null 2>"$tmp/err"; [ $? = 4 ] || no "bank list without a database should exit 4"
grep -q "run 'ionsheet init'" "$tmp/err" || no "missing-database message: $(cat "$tmp/err")"

ion init >"$tmp/out" 2>&1 || { no "init failed"; cat "$tmp/out"; }
n=$(ion --quiet bank list | tail -n +2 | wc -l)
[ "$n" -ge 40 ] || no "the shipped bank has $n templates, expected 40 or more"
for topic in nernst ghk pump donnan drive concept; do
    k=$(ion --quiet bank list --topic $topic | tail -n +2 | wc -l)
    [ "$k" -ge 5 ] || no "topic $topic has $k templates, expected 5 or more"
done
ion bank list | grep -q "en zh" || no "templates should list both languages"

# show: one instance with answers; the same seed gives the same text.
ion bank show nernst-k --seed 5 >"$tmp/a" || no "bank show failed"
ion bank show nernst-k --seed 5 >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || no "bank show is not reproducible"
grep -q "answer:" "$tmp/a" || no "bank show prints no answers"
ion --lang zh bank show nernst-k --seed 5 | grep -q "钾" || no "bank show --lang zh is not Chinese"
ion bank show no-such-template 2>/dev/null; [ $? = 2 ] || no "unknown template should exit 2"

# Import is all or nothing: a good file with a broken one stores neither.
before=$(sqlite3 "$db" "select count(*) from template_versions")
ion bank import tests/data/problems-test.xml tests/data/problems-bad/unknown-name.xml 2>"$tmp/err"
[ $? = 3 ] || no "a broken file should make import exit 3"
grep -q "^ionsheet: tests/data/problems-bad/unknown-name.xml:[0-9]*: template t-nernst-k: " "$tmp/err" \
    || no "import error format: $(cat "$tmp/err")"
after=$(sqlite3 "$db" "select count(*) from template_versions")
[ "$before" = "$after" ] || no "a failed import stored something ($before -> $after)"
for f in tests/data/problems-bad/*.xml; do
    case $f in */check-*) continue;; esac  # well-formed templates that only bank check refuses
    ion bank import "$f" 2>"$tmp/err"; rc=$?
    [ $rc = 3 ] || no "$f: exit $rc, expected 3"
    [ "$(wc -l <"$tmp/err")" = 1 ] || no "$f: expected one message line, got: $(cat "$tmp/err")"
    # Errors inside a template name it, schema errors included.
    case $f in */doctype.xml|*/not-well-formed.xml|*/schema-missing-id.xml|*/schema-wrong-namespace.xml) ;;
    *) grep -q "^ionsheet: $f:[0-9]*: template [a-z-]*: " "$tmp/err" || no "$f: message format: $(cat "$tmp/err")";;
    esac
done
[ "$(sqlite3 "$db" 'pragma integrity_check')" = ok ] || no "database integrity"

# Re-import: unchanged stores nothing new; a change makes version 2 and
# keeps version 1.
ion bank import tests/data/problems-test.xml >/dev/null || no "good import failed"
ion bank import tests/data/problems-test.xml | grep -q "1 unchanged" || no "re-import of the same file changed something"
sed 's/min="2" max="10"/min="3" max="10"/' tests/data/problems-test.xml >"$tmp/changed.xml"
ion bank import "$tmp/changed.xml" | grep -q "1 updated" || no "a changed template was not updated"
[ "$(sqlite3 "$db" "select count(*) from template_versions where template_id='t-nernst-k'")" = 2 ] \
    || no "old version not kept"

# bank check: the shipped library passes, ill-posed templates fail.
ion bank check --samples 5000 >"$tmp/out" 2>&1 || { no "the shipped bank fails bank check"; cat "$tmp/out"; }
# A directory is checked as import reads it: its *.xml files.
"$bin" bank check problems/ --samples 200 >"$tmp/out" 2>&1 || { no "bank check problems/ failed"; cat "$tmp/out"; }
grep -q "checked $n templates" "$tmp/out" || no "bank check problems/ did not check the $n templates: $(cat "$tmp/out")"
"$bin" bank check tests/data/problems-illposed.xml --samples 300 >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] || no "bank check of ill-posed templates should exit 1"
for rule in "within the tolerance of the answer" "contains zero" "is not one of its choices" \
            "cannot meet its requires" "has no value" \
            "bad-mistake-zero: seed [0-9]*: part a: mistake 1 (Vm + 65\[mV\]) gives 0 mV, whose interval contains zero" \
            "bad-mistake-overlap: seed [0-9]*: part a: the intervals of mistakes 1 .* and 2 .*, of different credits, overlap" \
            "bad-constant-choice: part a: the answer is 'inward' for all 300 seeds sampled" \
            "bad-plausible: seed [0-9]*: part a: the answer -[0-9.]* mV is outside its plausible range -10 to 0" \
            "bad-same-mistake: part a: mistakes 1 .* and 2 .* give the same value for all 300 seeds sampled, so the feedback of 2 never shows"; do
    grep -q "$rule" "$tmp/err" || no "bank check did not report: $rule"
done
grep -q "good-one" "$tmp/err" && no "the well-posed control was reported"
grep -q "seed [0-9]*: " "$tmp/err" || no "bank check does not name the seed"
grep -q "bad-requires: cannot meet its requires after [0-9]* draws at seed [0-9]" "$tmp/err" \
    || no "bank check does not name the seed of unmet requires"
"$bin" bank check tests/data/problems-illposed.xml --samples 5x >/dev/null 2>&1
[ $? = 2 ] || no "bank check --samples 5x should be a usage error"
exit $fail
