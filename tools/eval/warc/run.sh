#!/bin/sh
# Run the WARC reader over every file of an evaluation folder and score it.
# usage: tools/eval/warc/run.sh [-v] [DIR]   (default DIR: ../shared/eval/warc
# next to the source tree). Builds its small driver with cc; needs zlib.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
verbose=
if [ "${1:-}" = "-v" ]; then verbose=-v; shift; fi
dir=${1:-$root/../shared/eval/warc}
[ -d "$dir" ] || { echo "no such folder: $dir" >&2; exit 2; }
out=${TMPDIR:-/tmp}/warc-eval.$$
trap 'rm -f "$out"' EXIT INT TERM
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -I"$root/indexer" \
   "$here/warc-eval.c" "$root/indexer/warc_read.c" "$root/indexer/warc_http.c" \
   "$root/indexer/sha1.c" $(pkg-config --cflags --libs zlib) -o "$out"
"$out" $verbose "$dir"/*
