#!/usr/bin/env bash
# Planted names in an output directory (issue 19.3). `generate` and `grade`
# run as root; another user (nobody) plants symbolic links to a victim file
# under the names they write (the key's temporary, key.xml, feedback files,
# the gradebook) and a link in place of a subdirectory. Expected:
#   - an output directory that others can write is refused (exit 4, nothing
#     written), unless it is sticky and ours;
#   - in a sticky directory of ours, planted links are replaced, never
#     followed: the victim is unchanged, the outputs are ours, 0600 where
#     private;
#   - a planted link in place of students/ is refused.
# Needs root and setpriv (util-linux); skipped otherwise.
set -u
cd "$(dirname "$0")/../.."
bin=${IONSHEET_BIN:-$PWD/ionsheet}
export IONSHEET_HOME=$PWD
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    echo "SKIP: symlink.sh needs root and setpriv"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fail=0
no() { echo "FAIL: $*"; fail=1; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
ion() { "$bin" --db "$tmp/t.db" --quiet "$@"; }

ion init || no "init"
{ echo "id,name"; echo "s001,Tom & Jerry"; echo "s002,Ada"; } >"$tmp/roster.csv"
ion roster import "$tmp/roster.csv" --course C || no "roster"
ion worksheet create w --course C --problems nernst-k || no "worksheet"
victim="$tmp/victim"
echo "precious" >"$victim"
chmod 666 "$victim"  # writable by anyone: only a followed link could change it
victim_ok() { [ "$(cat "$victim")" = precious ] || no "$1: the victim was overwritten"; }

# ---- a directory others can write, not sticky: refused ----
open="$tmp/open"; mkdir "$open"; chmod 777 "$open"
as_nobody ln -s "$victim" "$open/key.xml"
ion generate w --out "$open" --no-pdf 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a world-writable --out: exit $rc"
grep -q "other users can write" "$tmp/err" || no "world-writable message: $(cat "$tmp/err")"
[ -z "$(find "$open" -newer "$victim" ! -type l ! -path "$open")" ] || no "something was written in a refused directory"
victim_ok "world-writable --out"

# ---- sticky but another user's: refused ----
theirs="$tmp/theirs"; mkdir "$theirs"; chmod 1777 "$theirs"; chown 65534:65534 "$theirs"
ion generate w --out "$theirs" --no-pdf 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a sticky directory of another user: exit $rc"
victim_ok "sticky, theirs"

# ---- sticky and ours: links planted under every name are replaced ----
ours="$tmp/ours"; mkdir "$ours"; chmod 1777 "$ours"
for name in key.xml .key.xml.tmp class.pdf solutions.pdf gradebook.csv .gradebook.csv.tmp; do
    as_nobody ln -s "$victim" "$ours/$name"
done
ion generate w --out "$ours" 2>"$tmp/err" || no "generate into a sticky directory of ours: $(cat "$tmp/err")"
victim_ok "generate, sticky and ours"
[ -L "$ours/key.xml" ] && no "key.xml is still the planted link"
[ "$(stat -c %U:%a "$ours/key.xml")" = root:600 ] || no "key.xml: $(stat -c %U:%a "$ours/key.xml")"
[ "$(stat -c %a "$ours/solutions.pdf")" = 600 ] || no "solutions.pdf: $(stat -c %a "$ours/solutions.pdf")"
xmllint --noout "$ours/key.xml" || no "key.xml is not the key"
printf 'worksheet: w\nstudent: s001\n1a: -90 mV\n' >"$tmp/s001.txt"
ion grade "$ours/key.xml" "$tmp/s001.txt" --csv "$ours/gradebook.csv" --feedback "$tmp/fb" 2>"$tmp/err"
[ $? -le 1 ] || no "grade into a sticky directory of ours: $(cat "$tmp/err")"
victim_ok "grade, sticky and ours"
[ "$(stat -c %a "$ours/gradebook.csv")" = 600 ] || no "gradebook: $(stat -c %a "$ours/gradebook.csv")"

# ---- a feedback directory others can write: refused before anything ----
fb="$tmp/fbopen"; mkdir "$fb"; chmod 777 "$fb"
as_nobody ln -s "$victim" "$fb/s001.txt"
ion grade "$ours/key.xml" "$tmp/s001.txt" --csv "$tmp/book2.csv" --feedback "$fb" 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "a world-writable feedback directory: exit $rc"
[ -e "$tmp/book2.csv" ] && no "a refused run wrote its gradebook"
victim_ok "world-writable feedback directory"

# ---- a link planted in place of a subdirectory ----
sub="$tmp/sub"; mkdir "$sub"; chmod 1777 "$sub"
mkdir "$tmp/elsewhere"; chmod 777 "$tmp/elsewhere"
as_nobody ln -s "$tmp/elsewhere" "$sub/students"
ion generate w --out "$sub" 2>"$tmp/err"; rc=$?
[ $rc = 4 ] || no "students/ planted as a link: exit $rc"
grep -q "symbolic link" "$tmp/err" || no "planted students/ message: $(cat "$tmp/err")"
[ -z "$(ls -A "$tmp/elsewhere")" ] || no "files were written through the planted link: $(ls "$tmp/elsewhere")"

[ $fail = 0 ] && echo "symlink: all passed"
exit $fail
