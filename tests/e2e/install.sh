#!/usr/bin/env bash
# make install DESTDIR=$(mktemp -d): the installed program run from / against
# a new database finds its shared files without $IONSHEET_HOME; --version;
# the man page reads without a warning and names every command; the bash
# completion completes commands and names from the database; make
# uninstall leaves no file behind.
set -u
cd "$(dirname "$0")/../.."
top=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
dest="$tmp/dest"
make -s install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/make.out" 2>&1 || { cat "$tmp/make.out"; no "make install"; exit 1; }
bin="$dest/usr/local/bin/ionsheet"
# Under make asan, the sanitized build is the one installed.
[ -n "${IONSHEET_BIN:-}" ] && cp "$IONSHEET_BIN" "$bin"
for f in bin/ionsheet share/ionsheet/problems/nernst.xml share/ionsheet/schema/problem.xsd \
         share/ionsheet/schema/bank.sql share/ionsheet/templates/en.conf \
         share/man/man1/ionsheet.1 share/bash-completion/completions/ionsheet; do
    [ -e "$dest/usr/local/$f" ] || no "not installed: $f"
done

# From /, without IONSHEET_HOME, against a new database.
db="$tmp/new.db"
ion() { (cd / && env -u IONSHEET_HOME -u IONSHEET_DB "$bin" --db "$db" "$@"); }
ion --version >"$tmp/out" || no "--version"
grep -Eq '^ionsheet [0-9]+\.[0-9]+\.[0-9]+ \(database schema [0-9]+\)$' "$tmp/out" || no "--version says: $(cat "$tmp/out")"
ion init >"$tmp/out" 2>&1 || no "init from /: $(cat "$tmp/out")"
shipped=$(cat problems/*.xml | grep -c '<problem ')
grep -q "imported $shipped templates from $(ls problems/*.xml | wc -l) files" "$tmp/out" || no "init did not import the shipped bank: $(cat "$tmp/out")"
ion --quiet roster import "$top/tests/data/roster-sample.csv" --course PHYS2 || no "roster import"
ion --quiet worksheet create week1 --course PHYS2 --problems nernst-k,ghk-kna || no "worksheet create"
ion --quiet generate week1 --out "$tmp/out1" || no "generate from / (templates found)"
[ -s "$tmp/out1/class.pdf" ] && [ -s "$tmp/out1/key.xml" ] || no "generate wrote no PDF or key"
cp "$tmp/out1/answers/s001.txt" "$tmp/s001.txt"
ion grade "$tmp/out1/key.xml" "$tmp/s001.txt" --csv "$tmp/gb.csv" >/dev/null || no "grade from / (schema found)"
ion bank check --samples 20 >/dev/null || no "bank check from /"
ion bank import "$top/problems/nernst.xml" >/dev/null || no "bank import from / (problem.xsd found)"

# The man page: no warning from man, every command of --help in it.
MANWIDTH=80 man --warnings -l "$dest/usr/local/share/man/man1/ionsheet.1" >"$tmp/man.txt" 2>"$tmp/man.err" || no "man -l failed"
[ -s "$tmp/man.err" ] && no "man -l warns: $(cat "$tmp/man.err")"
grep -q "^NAME" "$tmp/man.txt" || no "the man page has no NAME section"
for c in $("$bin" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
    grep -q "^       $c\b" "$tmp/man.txt" || no "the man page does not describe '$c'"
done

# The bash completion, in a shell of its own.
comp() {  # the words of a command line, the last one being completed
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ionsheet; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$dest/usr/local/share/bash-completion/completions/ionsheet" "$@"
}
export PATH="$dest/usr/local/bin:$PATH"
[ "$(comp ionsheet work)" = worksheet ] || no "completion of a command: $(comp ionsheet work)"
comp ionsheet worksheet "" | grep -qx delete || no "completion of a subcommand"
comp ionsheet --db "$db" bank show nernst-k | grep -qx nernst-k || no "completion of a template id"
[ "$(comp ionsheet --db "$db" generate --course PH)" = PHYS2 ] || no "completion of a course: $(comp ionsheet --db "$db" generate --course PH)"
[ "$(comp ionsheet --db "$db" generate we)" = week1 ] || no "completion of a worksheet name"
comp ionsheet --db "$db" worksheet create w --problems nernst-k,ghk-k | grep -qx 'nernst-k,ghk-kna' || no "completion inside --problems"
comp ionsheet grade --f | grep -qx -- --feedback || no "completion of an option"

# uninstall leaves nothing.
make -s uninstall DESTDIR="$dest" PREFIX=/usr/local >/dev/null 2>&1 || no "make uninstall"
[ -z "$(find "$dest" -type f)" ] || no "left after uninstall: $(find "$dest" -type f | head -3)"

# Another prefix works as well: the program finds its files from its place.
make -s install DESTDIR="$dest" PREFIX=/opt/ion >/dev/null 2>&1 || no "make install PREFIX=/opt/ion"
(cd / && env -u IONSHEET_HOME "$dest/opt/ion/bin/ionsheet" --db "$tmp/opt.db" --quiet init) || no "init of an /opt install"
exit $fail
