#!/bin/sh
# Write a WARC with newsarchive's writer (mkwarc) and read it with
# webrecorder's warcio.js; exit 0 when warcio sees every record with the
# expected type, URI, date, offset, payload length and a payload digest that
# matches its own SHA-1. Exit 77 (skip) when node or node_modules are absent.
#
# usage: tools/warcio-check/run-check.sh [MKWARC_BINARY]
#   Without an argument mkwarc is compiled here with cc.
#   Needs once: (cd tools/warcio-check && npm install --no-audit --no-fund)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null 2>&1 || [ ! -d "$here/node_modules/warcio" ]; then
    echo "warcio-check: node or node_modules/warcio missing; run npm install in tools/warcio-check" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/warcio-check.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkwarc=${1:-}
if [ -z "$mkwarc" ]; then
    mkwarc=$work/mkwarc
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -I"$root/indexer" \
       "$here/mkwarc.c" "$root/indexer/warc_write.c" "$root/indexer/warc_http.c" \
       "$root/indexer/sha1.c" $(pkg-config --cflags --libs zlib) -o "$mkwarc"
fi
"$mkwarc" "$work/test.warc.gz" "$work/expected.json"
node "$here/check.mjs" "$work/test.warc.gz" --expect "$work/expected.json" > "$work/warcio.json"
echo "warcio-check: agreement"
