#!/bin/bash
# fetch-bench.sh - time `newsindex fetch` over N feeds served by the test
# HTTP server (tests/http/server.py, no artificial delay) on two loopback
# host names, then again when every feed answers 304.
#
# usage: tools/bench/fetch-bench.sh NEWSINDEX [N=200] [JOBS=4]
# prints: feeds, jobs, seconds and feeds/s of the first (200) and second
# (304) run. Every feed is harbour.rss under a distinct query string, so the
# first run also parses, captures and dedupes N copies of 3 items.
set -u
NI=${1:?usage: fetch-bench.sh NEWSINDEX [N] [JOBS]}
N=${2:-200}
JOBS=${3:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/fetch-bench.XXXXXX")
python3 "$root/tests/http/server.py" --root "$root/tests/corpora/http" \
    --log "$T/log" --lifetime 300 --delay 0 > "$T/port" &
pid=$!
trap 'kill $pid 2> /dev/null; rm -rf "$T"' EXIT
for _ in $(seq 150); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(head -n 1 "$T/port")
[ -n "$port" ] || { echo "server did not start" >&2; exit 1; }
A="$T/archive"
"$NI" --archive "$A" init > /dev/null
for i in $(seq "$N"); do
    if [ $((i % 2)) -eq 0 ]; then h=127.0.0.1; else h=localhost; fi
    echo "<outline text=\"feed $i\" xmlUrl=\"http://$h:$port/feeds/harbour.rss?n=$i\"/>"
done | { echo '<opml version="2.0"><body>'; cat; echo '</body></opml>'; } > "$T/subs.opml"
"$NI" --archive "$A" -q feed import-opml "$T/subs.opml" 2> /dev/null
run() {
    local t0 t1
    t0=$(date +%s.%N)
    "$NI" --archive "$A" -q fetch --all --jobs "$JOBS" 2> "$T/err"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v n="$N" -v what="$1" \
        'BEGIN { printf "%-12s %d feeds in %.2f s: %.0f feeds/s\n", what, n, b - a, n / (b - a) }'
    tail -n 1 "$T/err"
}
echo "jobs $JOBS, 2 hosts"
run "first (200)"
run "again (304)"
echo "requests: $(wc -l < "$T/log"), 304s: $(grep -c ' 304 ' "$T/log")"
