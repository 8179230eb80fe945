#!/bin/sh
# tools/valgrind-cli.sh - run the main CLI commands under valgrind memcheck
# on the sample news: zero memory errors and zero definite leaks wanted.
#
#   tools/valgrind-cli.sh NEWSINDEX NEWSQUERY SRCDIR [WORKDIR]
#
# Exit 0 when every command is clean, 1 when valgrind reported something
# (the log names the command), 77 (skipped) when valgrind is missing or the
# programs are sanitizer builds (valgrind cannot run those).
# ctest runs it as `valgrind.cli` (label valgrind) in the plain build.
set -u
ni=$1 nq=$2 src=$3
work=${4:-${TMPDIR:-/tmp}/valgrind-cli.$$}

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
if ldd "$ni" 2>/dev/null | grep -q 'libasan\|libubsan'; then
    echo "sanitizer build: valgrind skipped"; exit 77
fi
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
A="$work/archive"
failures=0 runs=0

vg() { # NAME PROGRAM ARGS...
    name=$1; shift
    runs=$((runs + 1))
    t0=$(date +%s)
    valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --track-origins=no --quiet --log-file="$work/vg-$name.log" \
        "$@" > "$work/out-$name" 2>&1
    st=$?
    if [ "$st" -eq 99 ] || [ -s "$work/vg-$name.log" ]; then
        echo "not ok - $name: valgrind reported errors (exit $st):"
        cat "$work/vg-$name.log"
        failures=$((failures + 1))
    elif [ "$st" -gt 4 ]; then
        echo "not ok - $name: exit $st"; head -20 "$work/out-$name"
        failures=$((failures + 1))
    else
        echo "ok - $name (exit $st, $(( $(date +%s) - t0 )) s)"
    fi
}

# a small but varied input: the good fixtures (RSS 0.91/1.0/2.0, Atom,
# JSON Lines), six sample articles, and the bad fixtures (recovery paths)
mkdir -p "$work/in"
cp "$src/tests/corpora/good/"* "$work/in/"
head -n 6 "$src/samples/articles.jsonl" > "$work/in/few.jsonl"

vg import "$ni" --archive "$A" import --batch 10 "$work/in"
vg import-bad "$ni" --archive "$A" import "$src/tests/corpora/bad/xxe.rss" \
    "$src/tests/corpora/bad/truncated.rss" "$src/tests/corpora/bad/bad-lines.jsonl"
vg inspect "$ni" --archive "$A" inspect "$src/tests/corpora/good/mini.atom"
vg check "$ni" --archive "$A" check
vg repair "$ni" --archive "$A" check --repair
vg search "$nq" --archive "$A" search 'talks OR summit -rumour' --format json --limit 3
id=$(sed -n 's/^\[*{"id":\([0-9]*\).*/\1/p' "$work/out-search" | head -1)
story=$(sed -n 's/.*"story":\([0-9]*\).*/\1/p' "$work/out-search" | head -1)
[ -n "$id" ] && vg show "$nq" --archive "$A" show "$id"
[ -n "$story" ] && vg story "$nq" --archive "$A" story "$story"
vg timeline "$nq" --archive "$A" timeline 'talks' --limit 10

echo "$((runs - failures)) of $runs commands clean under valgrind"
[ "$failures" -eq 0 ]
