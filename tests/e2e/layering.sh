#!/usr/bin/env bash
# Renderers do not see the database (issue 16): no view of the model
# (the PDF and text renderers, the printed texts, the preview, the
# typesetter, the web pages' HTML, the drill's terminal view) includes
# bank.h or grade.h, directly or through another header (cc -MM). And
# commands only parse options and print: no function in src/cli/ is over
# 60 lines (tests/lint/function_size.py, which must also catch a long one).
. "$(dirname "$0")/common.bash"
flags=$(pkg-config --cflags sqlite3 libxml-2.0 libsodium harfbuzz harfbuzz-subset fribidi zlib libutf8proc 2>/dev/null)
n=0
for f in src/render_*.c src/printed.c src/preview.c src/pdf_*.c src/typeset.c src/serve_html.c src/drill_term.c; do
    # shellcheck disable=SC2086
    deps=$(cc -Isrc $flags -MM "$f" 2>"$tmp/err") || { no "$f: cc -MM failed: $(head -1 "$tmp/err")"; continue; }
    n=$((n + 1))
    seen=$(tr ' \\' '\n\n' <<<"$deps" | grep -E '^src/(bank|grade)\.h$' | tr '\n' ' ')
    [ -z "$seen" ] || no "$f sees the database: it includes $seen"
done
[ $n -ge 12 ] || no "only $n views checked"
python3 tests/lint/function_size.py src/cli/*.c || no "a function in src/cli/ is over 60 lines (above)"
{ echo "int long_one(void)"; echo "{"; for _ in $(seq 59); do echo "    x();"; done; echo "}"; } >"$tmp/long.c"
python3 tests/lint/function_size.py "$tmp/long.c" >/dev/null && no "the size lint let a 61-line function through"
[ $fail = 0 ] && echo "layering: all checks passed ($n views without bank.h or grade.h)"
exit $fail
