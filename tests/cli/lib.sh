# lib.sh - shared helpers for the CLI tests (sourced).
# Environment from ctest: NEWSINDEX, NEWSQUERY, CHECKJSON, SRCDIR, TEST_TMPDIR.
set -u
# a developer's own settings must not reach the tests (an import would sync
# to their real shards, a query would switch backend)
unset NEWSARCHIVE_SHARDS NEWSARCHIVE_DIR
: "${NEWSINDEX:?}" "${NEWSQUERY:?}" "${CHECKJSON:?}" "${SRCDIR:?}"
name=$(basename "$0" .sh)
T="${TEST_TMPDIR:-/tmp}/$name.$$"
rm -rf "$T"
mkdir -p "$T"
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$T"' EXIT
A="$T/archive"
failures=0
checks=0

ni() { "$NEWSINDEX" --archive "$A" "$@"; }
nq() { "$NEWSQUERY" --archive "$A" "$@"; }
cj() { "$CHECKJSON" "$@"; }

ok() { checks=$((checks + 1)); echo "ok - $*"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok - $*"; }

# expect_eq WHAT GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}
# expect_status WHAT STATUS WANT
expect_status() { expect_eq "$1 (exit status)" "$2" "$3"; }
# expect_grep WHAT FILE PATTERN
expect_grep() {
    if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' not in $(head -c 600 "$2")"; fi
}
expect_no_grep() {
    if grep -q -- "$3" "$2"; then not_ok "$1: '$3' found"; else ok "$1"; fi
}
finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
