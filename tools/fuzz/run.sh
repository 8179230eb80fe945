#!/bin/sh
# tools/fuzz/run.sh - build the libFuzzer harnesses with clang and run each
# one in turn, one at a time, for FUZZ_SECONDS seconds.
#
#   tools/fuzz/run.sh [OUTDIR] [HARNESS...]
#     OUTDIR        work dir (default build-fuzz): objects, binaries, corpora,
#                   crash files and a summary line per harness in summary.txt
#     HARNESS       feed extract warc dates query jsonl enrich (default: all)
#   FUZZ_SECONDS    seconds per harness (default 60)
#   FUZZ_BUILD_ONLY=1  build, do not run
#
# Needs clang and the libFuzzer runtime (Debian: clang, libclang-rt-14-dev;
# scripts/install-deps.sh --fuzz installs them). A crash leaves
# OUTDIR/crashes/<harness>/crash-* and makes the script exit 1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=${1:-build-fuzz}
[ $# -gt 0 ] && shift
harnesses=${*:-feed extract warc dates query jsonl enrich}
secs=${FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
mkdir -p "$out/obj" "$out/bin"
out=$(cd "$out" && pwd)

command -v "$CC" >/dev/null 2>&1 || {
    echo "fuzz: $CC not found; install clang and libclang-rt-14-dev" >&2; exit 2; }

cflags="-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
 -fno-omit-frame-pointer -I$src/archive -I$src/indexer
 $(pkg-config --cflags sqlite3 libxml-2.0 libcjson zlib)"
libs="$(pkg-config --libs sqlite3 libxml-2.0 libcjson libcurl zlib) -lm"

# The library code, as one archive so each harness pulls only what it uses.
# Objects are reused while their source is older; a changed header
# rebuilds them all.
if [ -f "$out/libfuzzsrc.a" ] &&
   [ -n "$(find "$src/archive" "$src/indexer" -name '*.h' -newer "$out/libfuzzsrc.a" | head -1)" ]; then
    rm -f "$out"/obj/*.o
fi
rm -f "$out/libfuzzsrc.a"
objs=""
for f in "$src"/archive/*.c "$src"/archive/util/*.c "$src"/indexer/*.c; do
    case $f in */indexer/main.c) continue ;; esac
    o="$out/obj/$(echo "${f#"$src"/}" | tr / _ | sed 's/\.c$/.o/')"
    # shellcheck disable=SC3013  # -nt: dash and bash have it
    if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
        # shellcheck disable=SC2086
        $CC $cflags -c "$f" -o "$o" || { echo "fuzz: skipping $f (does not compile)" >&2; rm -f "$o"; continue; }
    fi
    objs="$objs $o"
done
# shellcheck disable=SC2086
ar rcs "$out/libfuzzsrc.a" $objs

for h in $harnesses; do
    # shellcheck disable=SC2086
    $CC $cflags -fsanitize=fuzzer "$here/fuzz_$h.c" "$out/libfuzzsrc.a" $libs \
        -o "$out/bin/fuzz_$h"
done
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# Seed corpora from the project's fixtures.
seed() { # harness -> fills $out/seeds/<h>
    d="$out/seeds/$1"; rm -rf "$d"; mkdir -p "$d"
    case $1 in
    feed) cp "$src"/tests/corpora/good/*.rss "$src"/tests/corpora/good/*.atom \
             "$src"/tests/corpora/good/*.xml "$src"/tests/corpora/good/*.rdf \
             "$src"/tests/corpora/bad/*.rss "$src"/tests/corpora/bad/*.xml \
             "$src"/samples/feeds/* "$d"/ ;;
    extract) for f in "$src"/tests/corpora/pages/*.html; do
             { printf '\000'; cat "$f"; } > "$d/$(basename "$f")"; done ;;
    warc) for f in "$src"/tests/corpora/warc/*; do
              case $f in *.py) ;; *) cp "$f" "$d"/ ;; esac; done ;;
    dates) cat "$src"/tests/corpora/good/* "$src"/samples/feeds/* |
           sed -n 's/.*<\(pubDate\|published\|updated\|dc:date\)>\([^<]*\)<.*/\2/p' |
           sort -u | awk -v d="$d" '{ f = d "/d" NR; printf "%s", $0 > f; close(f) }' ;;
    query) cp "$here"/seeds/query/* "$d"/ ;;
    jsonl) cp "$src"/tests/corpora/good/*.jsonl "$src"/tests/corpora/bad/*.jsonl "$d"/
           split -l 5 "$src/samples/articles.jsonl" "$d/articles-" ;;
    enrich) python3 - "$src/samples/articles.jsonl" "$d" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    o = json.loads(line)
    with open("%s/a%03d" % (sys.argv[2], i), "w", encoding="utf-8") as f:
        f.write((o.get("title") or "") + "\n" + (o.get("body") or o.get("summary") or ""))
PY
    ;;
    esac
}
maxlen() {
    case $1 in dates) echo 256 ;; query) echo 1024 ;; *) echo 65536 ;; esac
}

status=0
for h in $harnesses; do
    seed "$h"
    mkdir -p "$out/corpus/$h" "$out/crashes/$h"
    echo "fuzz: $h for ${secs}s" >&2
    log="$out/fuzz_$h.log"
    rc=0
    ( cd "$out/crashes/$h" && "$out/bin/fuzz_$h" -max_total_time="$secs" \
        -max_len="$(maxlen "$h")" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 "$out/corpus/$h" "$out/seeds/$h" ) >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    line="$h: ${execs:-?} executions in ${secs}s, exit $rc"
    echo "$line" | tee -a "$out/summary.txt" >&2
    [ "$rc" -eq 0 ] || { status=1; tail -40 "$log" >&2; }
done
exit $status
