# The set-up the e2e scripts share; source it first:
#     . "$(dirname "$0")/common.bash"
# The repository's top as the working directory; a private temporary
# folder $tmp, removed at exit; $bin the binary (IONSHEET_BIN tries another
# build); ion to run it on the database $db in $tmp, q to query that
# database; no to report a failure (the script ends with exit $fail).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bin=${IONSHEET_BIN:-$root/ionsheet}
db="$tmp/bank.db"; ion() { "$bin" --db "$db" "$@"; }
fail=0
no() { echo "FAIL: $*"; fail=1; }
q() { sqlite3 "$db" "$1"; }
