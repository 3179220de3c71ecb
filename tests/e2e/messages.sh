#!/usr/bin/env bash
# The command line's messages come from the catalogue (issue 16): no
# English literal left in print calls (tests/lint/messages.py), the same
# commands in Chinese with --lang zh, English unchanged, what scripts read
# untranslated, and a translation whose arguments differ refused at load.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bin=${IONSHEET_BIN:-$PWD/ionsheet}
db="$tmp/bank.db"
fail=0
no() { echo "FAIL: $*"; fail=1; }

python3 tests/lint/messages.py || no "English literals outside the catalogue (see above)"

en() { "$bin" --db "$db" "$@"; }
zh() { "$bin" --db "$db" --lang zh "$@"; }

# Summaries, usage and errors in Chinese; the same in English as before.
zh init >"$tmp/init.zh" 2>&1 || no "init in Chinese"
grep -q '^数据库 .* 已就绪（表结构版本 [0-9]*）$' "$tmp/init.zh" || no "init's summary in Chinese: $(cat "$tmp/init.zh")"
grep -q '^已从 [0-9]* 个文件导入 [0-9]* 个模板（新增 [0-9]*，更新 0，未变 0）$' "$tmp/init.zh" ||
  no "the import summary in Chinese (arguments reordered): $(cat "$tmp/init.zh")"
en bank import problems >"$tmp/import.en" || no "bank import"
grep -Eq '^imported [0-9]+ templates from [0-9]+ files \(0 new, 0 updated, [0-9]+ unchanged\)$' "$tmp/import.en" ||
  no "the English import summary changed: $(cat "$tmp/import.en")"

zh worksheet create >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || no "a usage error in Chinese exits 2, not $rc"
[ "$(cat "$tmp/err")" = "ionsheet: worksheet create：缺少名称" ] || no "usage error in Chinese: $(cat "$tmp/err")"
en worksheet create 2>"$tmp/err"
[ "$(cat "$tmp/err")" = "ionsheet: worksheet create: missing NAME" ] || no "usage error in English: $(cat "$tmp/err")"

zh bank --help | head -1 | grep -q '^用法：ionsheet bank import' || no "bank --help in Chinese"
zh calc nernst z=1 out=4mM 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -qx 'ionsheet: calc：缺少输入“in”' "$tmp/err" || no "calc's error in Chinese (rc $rc): $(cat "$tmp/err")"
# What scripts read is the same in both languages.
[ "$(zh calc nernst z=1 out=4mM in=140mM)" = "$(en calc nernst z=1 out=4mM in=140mM)" ] || no "calc's results differ by language"
[ "$(zh --version)" = "$(en --version)" ] || no "--version differs by language"
zh bank show nernst-k >"$tmp/show.zh" || no "bank show in Chinese"
grep -q '^小题 a（[0-9.]* 分）$' "$tmp/show.zh" || no "bank show's parts in Chinese: $(grep -m3 'a' "$tmp/show.zh")"
grep -q '^  答案：' "$tmp/show.zh" || no "bank show's answers in Chinese"
# the expression engine's errors (expr.c): whole sentences, dimensions too
zh calc expr '1[mV] + 2[mM]' 2>"$tmp/err" && no "calc expr took a voltage plus a concentration"
grep -qx "ionsheet: calc：expr：'1\[mV\] + 2\[mM\]' 把 电压（V） 与 浓度（mol/m^3） 相加" "$tmp/err" ||
  no "a dimension mismatch in Chinese: $(cat "$tmp/err")"
# a dimension whose name has a blank has its Chinese name too (dim.current_density)
zh calc expr '1[uA/cm^2] + 1[mV]' 2>"$tmp/err" && no "calc expr took a current density plus a voltage"
grep -qx "ionsheet: calc：expr：'1\[uA/cm^2\] + 1\[mV\]' 把 电流密度（A/m^2） 与 电压（V） 相加" "$tmp/err" ||
  no "a current density in Chinese: $(cat "$tmp/err")"
en calc expr '1[uA/cm^2] + 1[mV]' 2>"$tmp/err"
grep -qx "ionsheet: calc: expr: '1\[uA/cm^2\] + 1\[mV\]' adds a current density (A/m^2) and a voltage (V)" "$tmp/err" ||
  no "a current density in English: $(cat "$tmp/err")"
en calc expr 'direction(1[mV], 2[mV]) + 1' 2>"$tmp/err" && no "calc expr took a choice id plus a number"
grep -qx 'ionsheet: calc: expr: direction gives a choice id where a number is needed' "$tmp/err" ||
  no "a choice id where a number is needed, in English: $(cat "$tmp/err")"
# The compute core's failures in words (err.core.*), as calc says them
# and inside an expression's error: one language either way.
zh calc nernst z=1 out=0mM in=140mM 2>"$tmp/err" && no "calc took a zero concentration"
grep -qx 'ionsheet: calc：浓度必须为正数' "$tmp/err" || no "a core failure in Chinese: $(cat "$tmp/err")"
en calc nernst z=1 out=0mM in=140mM 2>"$tmp/err"
grep -qx 'ionsheet: calc: a concentration must be positive' "$tmp/err" || no "a core failure in English: $(cat "$tmp/err")"
zh calc expr 'nernst(1, 0[mM], 140[mM], 37[C])' 2>"$tmp/err" && no "calc expr took a zero concentration"
grep -qx 'ionsheet: calc：expr：nernst：浓度必须为正数' "$tmp/err" || no "a core failure in an expression, in Chinese: $(cat "$tmp/err")"
en calc expr 'ghk(37[C], 1, 1, 0[mM], 0[mM])' 2>"$tmp/err"
grep -qx 'ionsheet: calc: expr: ghk: no permeant ion on one side of the membrane' "$tmp/err" ||
  no "a core failure in an expression, in English: $(cat "$tmp/err")"
# A template whose answer has no value for a seed (instance.c): the part,
# the core's reason, the seed and the values, all in Chinese.
zh bank check tests/data/problems-illposed.xml --samples 300 >/dev/null 2>"$tmp/check.zh"
grep -qx 'ionsheet: tests/data/problems-illposed.xml:66: 模板 bad-nan：小题 a 的答案没有值（浓度必须为正数），种子 1，取值 c = 0 mM' "$tmp/check.zh" ||
  no "an answer with no value in Chinese: $(grep bad-nan "$tmp/check.zh")"
# bank check's report (check.c) in Chinese: every rule broken is said in
# Chinese, with no English left once the file names, template ids,
# formulas and units are taken out; requires that cannot be met name the
# seed in Chinese too.
[ "$(grep -c '^ionsheet: tests/data/problems-illposed.xml:[0-9]*: 模板 bad-' "$tmp/check.zh")" = 11 ] ||
  no "bank check's 11 broken rules in Chinese: $(cat "$tmp/check.zh")"
grep -qx 'ionsheet: tests/data/problems-illposed.xml:54: 模板 bad-requires：抽取 1000 次后仍无法满足其 requires 条件（种子 1）' "$tmp/check.zh" ||
  no "unmet requires in Chinese: $(grep bad-requires "$tmp/check.zh")"
grep -qx 'ionsheet: tests/data/problems-illposed.xml:76: 模板 bad-constant-choice：小题 a：在抽样的全部 300 个种子下答案都是 '"'inward'"'（请改为 mcq 小题，或让参数变化）' "$tmp/check.zh" ||
  no "a constant choice in Chinese (arguments reordered): $(grep bad-constant "$tmp/check.zh")"
sed -e 's/^ionsheet: [^ ]*: //' -e 's/bad-[a-z-]*//g' -e 's/（[^（）]*\[[^（）]*）//g' "$tmp/check.zh" |
  grep -Ei '\b(part|mistakes?|seeds?|the|answer|within|interval|tolerance|value|of|is|gives|at)\b' &&
  no "English left in bank check's Chinese report (above)"
en bank check tests/data/problems-illposed.xml --samples 300 >/dev/null 2>"$tmp/check.en"
grep -qx 'ionsheet: tests/data/problems-illposed.xml:76: template bad-constant-choice: part a: the answer is '"'inward'"' for all 300 seeds sampled (make it an mcq, or vary the params)' "$tmp/check.en" ||
  no "a constant choice in English: $(grep bad-constant "$tmp/check.en")"
grep -qx 'ionsheet: tests/data/problems-illposed.xml:54: template bad-requires: cannot meet its requires after 1000 draws at seed 1' "$tmp/check.en" ||
  no "unmet requires in English: $(grep bad-requires "$tmp/check.en")"
# A let with no value, in English as before.
cat >"$tmp/let.xml" <<'XML'
<problems xmlns="urn:ionsheet:problem:1"><problem id="bad-let" topic="nernst" difficulty="1">
<title xml:lang="en">x</title><param name="c" unit="mM" min="0" max="0" step="1"/>
<let name="E" unit="mV">nernst(1, c, 140[mM], 37[C])</let>
<part id="a" kind="numeric" unit="mV" tol-abs="0.5" points="1"><text xml:lang="en">E?</text><answer>E</answer></part>
</problem></problems>
XML
en bank check "$tmp/let.xml" --samples 5 >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/let.xml:3: template bad-let: let E has no value (a concentration must be positive) at seed 1 with c = 0 mM" "$tmp/err" ||
  no "a let with no value in English: $(cat "$tmp/err")"
# A template read from the bank is named in the language too.
"$bin" --db "$tmp/ill.db" --quiet init && "$bin" --db "$tmp/ill.db" bank import tests/data/problems-illposed.xml >/dev/null ||
  no "a bank of ill-posed templates"
"$bin" --db "$tmp/ill.db" --lang zh bank check --samples 20 2>&1 >/dev/null | grep -q '^ionsheet: bad-nan（题库中的版本 1）:5: 模板 bad-nan：' ||
  no "a template from the bank named in Chinese"
"$bin" --db "$tmp/ill.db" bank check --samples 20 2>&1 >/dev/null | grep -q '^ionsheet: bad-nan (version 1 in the bank):5: template bad-nan: ' ||
  no "a template from the bank named in English"

# The library's errors (err.*) too: a roster with an unknown column.
printf 'id,nom\ns1,Ada\n' >"$tmp/roster.csv"
zh roster import "$tmp/roster.csv" --course C 2>"$tmp/err"; rc=$?
[ $rc = 3 ] && grep -qF "roster.csv:1: 表头中有未知的列“nom”" "$tmp/err" || no "a library error in Chinese (rc $rc): $(cat "$tmp/err")"
en roster import "$tmp/roster.csv" --course C 2>"$tmp/err"
grep -qF "roster.csv:1: unknown column 'nom' in the header (expected id,name[,email], or a Moodle or Canvas export)" "$tmp/err" ||
  no "the library error in English: $(cat "$tmp/err")"

# The preview's title (preview.c) on its page, in the language asked for.
zh bank preview nernst-k --seed 1 | head -1 | grep -qx '预览：nernst-k（种子 1）' || no "the preview's title in Chinese"
en bank preview nernst-k --seed 1 | head -1 | grep -qx 'Preview: nernst-k (seed 1)' || no "the preview's title in English"

# A template's errors (problem.c's tfail): Chinese whole, English as before.
zh bank import tests/data/problems-bad/param-unit.xml >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: tests/data/problems-bad/param-unit.xml:9: 模板 t-nernst-k：param T：未知单位“Celsius”" "$tmp/err" ||
  no "a template's error in Chinese: $(cat "$tmp/err")"
en bank import tests/data/problems-bad/param-unit.xml >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: tests/data/problems-bad/param-unit.xml:9: template t-nernst-k: param T: unknown unit 'Celsius'" "$tmp/err" ||
  no "a template's error in English: $(cat "$tmp/err")"

# A roster's refused rows (roster.c's refuse_row, the CSV reader's keys)
# and its header: Chinese after a Chinese summary, English as before.
printf 'id,name,email\ns1,Ada,ada@x.org\ns2,Bo,bad-email\ns1,Cy,\ns3,D\0x,\ns4,Ed\n' >"$tmp/rows.csv"
zh roster import "$tmp/rows.csv" --course R >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 3 ] || no "refused rows exit 3 in Chinese, not $rc"
cat >"$tmp/want" <<EOF
ionsheet: $tmp/rows.csv:3: 学生“s2”的电子邮箱“bad-email”无效
ionsheet: $tmp/rows.csv:4: 学号“s1”重复（首次出现在第 2 行）
ionsheet: $tmp/rows.csv:5: 该行含有 NUL 字节
ionsheet: $tmp/rows.csv:6: 应有 3 个字段，实有 2 个
EOF
diff "$tmp/want" "$tmp/err" >/dev/null || no "a roster's refused rows in Chinese: $(cat "$tmp/err")"
grep -q '^已将 1 名学生导入课程 R（新增 1，更新 0）；4 行被拒绝$' "$tmp/out" || no "the roster summary in Chinese: $(cat "$tmp/out")"
en roster import "$tmp/rows.csv" --course R >"$tmp/out" 2>"$tmp/err"
cat >"$tmp/want" <<EOF
ionsheet: $tmp/rows.csv:3: invalid e-mail 'bad-email' for student 's2'
ionsheet: $tmp/rows.csv:4: duplicate student id 's1' (first on line 2)
ionsheet: $tmp/rows.csv:5: NUL byte in the row
ionsheet: $tmp/rows.csv:6: expected 3 fields, found 2
EOF
diff "$tmp/want" "$tmp/err" >/dev/null || no "a roster's refused rows in English: $(cat "$tmp/err")"
printf 'id,email\ns1,a@b.c\n' >"$tmp/noname.csv"
zh roster import "$tmp/noname.csv" --course R 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/noname.csv:1: 表头中没有“name”列（应为 id,name[,email]）" "$tmp/err" || no "a header without name, in Chinese: $(cat "$tmp/err")"
printf 'First name,Last name,ID number,Email address\nAda,Li,s9,a@b.c\n' >"$tmp/moodle.csv"
en roster import "$tmp/moodle.csv" --course R --id-column nosuch 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/moodle.csv:1: nosuch: no such column for --id-column" "$tmp/err" || no "--id-column unknown, in English: $(cat "$tmp/err")"
zh roster import "$tmp/moodle.csv" --course R >"$tmp/out" || no "a Moodle file in Chinese"
grep -q '^已将 1 名学生导入课程 R（来自 Moodle 参与者文件，学号取自其“ID number”列）（新增 1，更新 0）$' "$tmp/out" || no "the Moodle summary in Chinese: $(cat "$tmp/out")"
en roster import "$tmp/moodle.csv" --course R >"$tmp/out"
grep -q "^imported 1 student into course R from a Moodle participants file, ids from its 'ID number' column (0 new, 0 updated, 1 unchanged)$" "$tmp/out" || no "the Moodle summary in English: $(cat "$tmp/out")"

# generate's summary names its files in the sentence's own language.
zh --quiet worksheet create w1 --course R --title W --problems nernst-k || no "worksheet create"
zh generate w1 --course R --out "$tmp/gen" >"$tmp/out" 2>"$tmp/err" || no "generate in Chinese: $(cat "$tmp/err")"
grep -qxF "已为整个课程生成 w1，位于 $tmp/gen/：key.xml、links.csv、class.pdf、solutions.pdf、students/、answers/" "$tmp/out" ||
  no "generate's summary in Chinese: $(cat "$tmp/out")"
en generate w1 --course R --out "$tmp/gen" >"$tmp/out" 2>&1
grep -qxF "generated w1 for the whole course in $tmp/gen/: key.xml, links.csv, class.pdf, solutions.pdf, students/, answers/" "$tmp/out" ||
  no "generate's summary in English: $(cat "$tmp/out")"

# The answer key reader's errors (err.key.*): what an instructor sees for a
# malformed key.xml, in Chinese, and in English as before.
mkdir "$tmp/none"
printf '<?xml version="1.0"?>\n<answer-key xmlns="urn:ionsheet:answer-key:2" worksheet="w" course="c">\n<bogus/></answer-key>\n' >"$tmp/key.xml"
zh grade "$tmp/key.xml" "$tmp/none" 2>"$tmp/err"; rc=$?
[ $rc = 3 ] && grep -qxF "ionsheet: $tmp/key.xml:3: 意外的元素 <bogus>" "$tmp/err" || no "a key's error in Chinese (rc $rc): $(cat "$tmp/err")"
en grade "$tmp/key.xml" "$tmp/none" 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/key.xml:3: unexpected element <bogus>" "$tmp/err" || no "a key's error in English: $(cat "$tmp/err")"
zh grade "$tmp/none" "$tmp/none" 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/none: 无法读取标准答案文件：不是普通文件" "$tmp/err" || no "a directory as the key, in Chinese: $(cat "$tmp/err")"
en grade "$tmp/none" "$tmp/none" 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/none: cannot read the key: not a file" "$tmp/err" || no "a directory as the key, in English: $(cat "$tmp/err")"

# The bank's reasons for a name (err.text.*, err.id.*) are phrases of the
# catalogue: one language in a message, from bank.c and from roster.c.
zh worksheet create 'a b' --course C --problems nernst-k 2>"$tmp/err"; rc=$?
[ $rc = 3 ] && grep -qxF "ionsheet: 作业名称“a b”只能使用字母、数字、“.”、“_”和“-”" "$tmp/err" ||
  no "a bank's reason in Chinese (rc $rc): $(cat "$tmp/err")"
en worksheet create 'a b' --course C --problems nernst-k 2>"$tmp/err"
grep -qxF "ionsheet: worksheet name 'a b' may only use letters, digits, '.', '_' and '-'" "$tmp/err" ||
  no "a bank's reason in English: $(cat "$tmp/err")"
printf 'id,name\n.s1,Ada\ns2,Bob\ns2,Cy\ns5,D\000i\n' >"$tmp/ids.csv"
zh roster import "$tmp/ids.csv" --course C >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/ids.csv:2: 学号“.s1”不得以点号开头" "$tmp/err" &&
  grep -qxF "ionsheet: $tmp/ids.csv:4: 学号“s2”重复（首次出现在第 3 行）" "$tmp/err" &&
  grep -qxF "ionsheet: $tmp/ids.csv:5: 该行含有 NUL 字节" "$tmp/err" ||
  no "a roster's refused rows in Chinese: $(cat "$tmp/err")"
en roster import "$tmp/ids.csv" --course C >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/ids.csv:2: student id '.s1' must not start with a dot" "$tmp/err" &&
  grep -qxF "ionsheet: $tmp/ids.csv:4: duplicate student id 's2' (first on line 3)" "$tmp/err" &&
  grep -qxF "ionsheet: $tmp/ids.csv:5: NUL byte in the row" "$tmp/err" ||
  no "a roster's refused rows in English: $(cat "$tmp/err")"

# A template's errors (problem.c, err.problem.*): what an author sees for a
# bad problem file, in Chinese with the dimensions glossed, English as before.
bad=tests/data/problems-bad
zh bank import $bad/dim-answer-unit.xml $bad/choice-number.xml >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: $bad/dim-answer-unit.xml:10: 模板 t-dim：小题 a 的 answer“E_Ca”得出的是电压（V），但其单位 mM 是浓度（mol/m^3）" "$tmp/err" &&
  grep -qxF "ionsheet: $bad/choice-number.xml:22: 模板 t-nernst-k：小题 b 的 answer 得出的是数值，而此处需要选项 id" "$tmp/err" ||
  no "a template's errors in Chinese: $(cat "$tmp/err")"
en bank import $bad/dim-answer-unit.xml $bad/choice-number.xml >/dev/null 2>"$tmp/err"
grep -qxF "ionsheet: $bad/dim-answer-unit.xml:10: template t-dim: part a answer 'E_Ca' gives a voltage (V), but its unit mM is a concentration (mol/m^3)" "$tmp/err" &&
  grep -qxF "ionsheet: $bad/choice-number.xml:22: template t-nernst-k: part b answer gives a number where a choice id is needed" "$tmp/err" ||
  no "a template's errors in English: $(cat "$tmp/err")"

# A roster's header without an id column (roster.c), in both languages.
printf 'name,email\nAda,a@x.org\n' >"$tmp/noid.csv"
zh roster import "$tmp/noid.csv" --course C 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/noid.csv:1: 表头中没有“id”列（应为 id,name[,email]）" "$tmp/err" || no "a roster's header in Chinese: $(cat "$tmp/err")"
en roster import "$tmp/noid.csv" --course C 2>"$tmp/err"
grep -qxF "ionsheet: $tmp/noid.csv:1: the header has no 'id' column (expected id,name[,email])" "$tmp/err" || no "a roster's header in English: $(cat "$tmp/err")"

# The database's failures (bank.c, err.db.*): what failed and the system's
# reason in the language asked for, SQLite's own words quoted between.
for l in zh en; do
  (ulimit -f 100; exec "$bin" --db "$tmp/small-$l.db" --lang $l init) >/dev/null 2>"$tmp/err.$l"
done
grep -qx "ionsheet: $tmp/small-zh.db: 无法[^：]*：[^：]*（[^？]*？文件大小上限 ulimit -f 为 102400 字节）" "$tmp/err.zh" ||
  no "a database failure in Chinese: $(cat "$tmp/err.zh")"
grep -qx "ionsheet: $tmp/small-en.db: could not [^:]*: [^:]* ([^?]*? the file size limit, ulimit -f, is 102400 bytes)" "$tmp/err.en" ||
  no "a database failure in English: $(cat "$tmp/err.en")"

# A translation whose message takes other arguments does not load: the
# command stops at once, naming the file and line, before printing anything.
mkdir -p "$tmp/home/templates"
cp -r schema problems "$tmp/home/"
cp templates/en.conf "$tmp/home/templates/"
sed 's/^cli.init.ready *=.*/cli.init.ready = 数据库 %d 已就绪（表结构版本 %s）\\n/' templates/zh.conf >"$tmp/home/templates/zh.conf"
IONSHEET_HOME="$tmp/home" "$bin" --db "$tmp/other.db" --lang zh init >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a broken translation exits 4, not $rc"
grep -Eq "^ionsheet: .*/templates/zh.conf:[0-9]+: 'cli.init.ready' takes other arguments \(conversions\) than in .*en.conf$" "$tmp/err" ||
  no "the broken translation's message: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] && [ ! -e "$tmp/other.db" ] || no "a broken translation still ran the command"
# English still works with that file beside it.
IONSHEET_HOME="$tmp/home" "$bin" --db "$tmp/other.db" --quiet init || no "English with a broken zh.conf"

# Plurals come from the catalogue (KEY.one, KEY.other): one count and two,
# in English and Chinese; 1 sample and 1 point in the singular now. One
# template, well posed: the let above with concentrations that have values.
sed -e 's/bad-let/one-let/' -e 's/min="0" max="0"/min="4" max="8"/' "$tmp/let.xml" >"$tmp/one.xml"
[ "$(en bank check "$tmp/one.xml" --samples 1)" = "checked 1 template with 1 sample each: 1 well posed, 0 failing (0 rules broken)" ] ||
  no "bank check's singulars: $(en bank check "$tmp/one.xml" --samples 1)"
[ "$(en bank check "$tmp/one.xml" --samples 2)" = "checked 1 template with 2 samples each: 1 well posed, 0 failing (0 rules broken)" ] ||
  no "bank check's plurals: $(en bank check "$tmp/one.xml" --samples 2)"
[ "$(zh bank check "$tmp/one.xml" --samples 1)" = "已检查 1 个模板，每个抽样 1 次：1 个适定，0 个有问题（违反规则 0 次）" ] ||
  no "bank check's counts in Chinese: $(zh bank check "$tmp/one.xml" --samples 1)"
"$bin" --db "$tmp/one.db" --quiet init && "$bin" --db "$tmp/one.db" bank import "$tmp/one.xml" >"$tmp/out" || no "import one template"
grep -qx 'imported 1 template from 1 file (1 new, 0 updated, 0 unchanged)' "$tmp/out" || no "the import's singulars: $(cat "$tmp/out")"
"$bin" --db "$tmp/one.db" bank show one-let --seed 1 >"$tmp/out"
grep -qx 'seed 1 (1 draw)' "$tmp/out" && grep -qx 'part a (1 point)' "$tmp/out" || no "bank show's singulars: $(head -8 "$tmp/out")"
"$bin" --db "$tmp/one.db" --lang zh bank show one-let --seed 1 >"$tmp/out"
grep -qx '种子 1（抽取 1 次）' "$tmp/out" && grep -qx '小题 a（1 分）' "$tmp/out" || no "bank show's counts in Chinese: $(head -8 "$tmp/out")"
en worksheet create w9 --course R --problems nernst-k --points 1,2 2>"$tmp/err"
grep -qx 'ionsheet: worksheet: --points gives 2 values for 1 problem' "$tmp/err" || no "two counts in one message: $(cat "$tmp/err")"
en --quiet worksheet create w8 --course R --problems nernst-k && en worksheet edit w8 --course R --points 1,2 2>"$tmp/err"
grep -qx 'ionsheet: 2 points for 1 problem' "$tmp/err" || no "the library's two counts: $(cat "$tmp/err")"
zh worksheet edit w8 --course R --points 1,2 2>"$tmp/err"
grep -qx 'ionsheet: 给出了 2 个分值，但有 1 道题' "$tmp/err" || no "the library's two counts in Chinese: $(cat "$tmp/err")"
zh worksheet create w9 --course R --problems nernst-k,ghk-kna --points 1 2>"$tmp/err"
grep -qx 'ionsheet: worksheet：--points 给出了 1 个值，而题目有 2 道' "$tmp/err" || no "two counts in Chinese: $(cat "$tmp/err")"
# A worksheet of one 1-point problem: 1 submission recorded, 1 point.
en --quiet worksheet create one --course R --problems concept-steady-state &&
  en --quiet generate one --course R --no-pdf --out "$tmp/one" || no "a one-problem worksheet"
student=$(ls "$tmp/one/answers" | head -n 1)
en grade "$tmp/one/key.xml" "$tmp/one/answers/$student" --feedback "$tmp/fb1" >"$tmp/out" 2>&1
grep -qx "recorded 1 submission in $db" "$tmp/out" || no "grade's singular: $(tail -n 1 "$tmp/out")"
grep -qx 'Total: 0 / 1 point (0.0%)' "$tmp/fb1/$student" || no "the feedback's singular: $(grep Total "$tmp/fb1/$student")"
zh grade "$tmp/one/key.xml" "$tmp/one/answers/$student" --feedback "$tmp/fb1zh" >"$tmp/out" 2>&1
grep -qx "已在 $db 中记录 1 份提交" "$tmp/out" && grep -qx '总分：0 / 1 分（0.0%）' "$tmp/fb1zh/$student" ||
  no "grade's counts in Chinese: $(tail -n 1 "$tmp/out"), $(grep 总分 "$tmp/fb1zh/$student")"

# The lint refuses a plural built in C, either way round, and a lone "s".
mkdir -p "$tmp/lint/tests"
cp -r src templates "$tmp/lint/" && cp -r tests/lint "$tmp/lint/tests/"
for bad in 'printf("%zu files%s", n, n == 1 ? "" : "s");' 'printf("%zu file%s", n, n != 1 ? "s" : "");' \
           'cli_say("cli.roster.unchanged", "%zu%s", n, "s");'; do
    cp src/cli/cmd_roster.c "$tmp/lint/src/cli/cmd_roster.c"
    printf 'static void plural_in_c(size_t n) { %s }\n' "$bad" >>"$tmp/lint/src/cli/cmd_roster.c"
    (cd "$tmp/lint" && python3 tests/lint/messages.py >"$tmp/out" 2>&1) && no "the lint took $bad"
    grep -q 'cmd_roster.c:[0-9]*: .*a plural built in C' "$tmp/out" || no "the lint's word on $bad: $(cat "$tmp/out")"
done

[ $fail = 0 ] && echo "messages: ok"
exit $fail
