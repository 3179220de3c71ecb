#!/usr/bin/env bash
# Renderers do not see the database (issue 16): no view of the model
# (the PDF and text renderers, the printed texts, the preview, the
# typesetter, the web pages' HTML, the drill's terminal view) includes
# bank.h or grade.h, directly or through another header (cc -MM). The
# grader's model does not see the database either: the key reader, the
# judge, the exact values, the instances and the headers grade.h and
# gradekey.h do not include bank.h (recording grades is grade_record.h's).
# And commands only parse options and print: no function in src/cli/ is
# over 60 lines (tests/lint/function_size.py, which must also catch a long
# one).
. "$(dirname "$0")/common.bash"
flags=$(pkg-config --cflags sqlite3 libxml-2.0 libsodium harfbuzz harfbuzz-subset fribidi zlib libutf8proc 2>/dev/null)
# blind PATTERN FILE...: FILE does not include a header matching PATTERN
# (an extended regex on "src/NAME.h"); counts the files checked in $n.
n=0
blind() {
    local pattern=$1 f deps seen
    shift
    for f in "$@"; do
        # shellcheck disable=SC2086
        deps=$(cc -Isrc $flags -MM "$f" 2>"$tmp/err") || { no "$f: cc -MM failed: $(head -1 "$tmp/err")"; continue; }
        n=$((n + 1))
        seen=$(tr ' \\' '\n\n' <<<"$deps" | grep -E "^($pattern)\$" | tr '\n' ' ')
        [ -z "$seen" ] || no "$f sees the database: it includes $seen"
    done
}
blind 'src/(bank|grade)\.h' src/render_*.c src/printed.c src/preview.c src/pdf_*.c src/typeset.c src/serve_html.c src/drill_term.c
[ $n -ge 12 ] || no "only $n views checked"
views=$n
n=0
blind 'src/bank\.h' src/gradekey*.c src/judge*.c src/exact.c src/instance.c src/grade.h src/gradekey.h
[ $n -ge 10 ] || no "only $n files of the grader's model checked"
model=$n
python3 tests/lint/function_size.py src/cli/*.c || no "a function in src/cli/ is over 60 lines (above)"
{ echo "int long_one(void)"; echo "{"; for _ in $(seq 59); do echo "    x();"; done; echo "}"; } >"$tmp/long.c"
python3 tests/lint/function_size.py "$tmp/long.c" >/dev/null && no "the size lint let a 61-line function through"
[ $fail = 0 ] && echo "layering: all checks passed ($views views without bank.h or grade.h, $model files of the grader's model without bank.h)"
exit $fail
