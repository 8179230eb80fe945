#!/bin/bash
# Crash safety: `newsindex import` killed with SIGKILL at random points of a
# large import. After every kill the archive opens, `newsindex check` passes
# (SQLite integrity_check + FTS5 integrity-check), the archive holds at least
# what the killed run reported as committed (--log-commits), the last
# reported article is findable with its story and entities; finally the same
# import run to completion gives exactly the counts of an uninterrupted run.
#
#   KILL_POINTS    kills (default 8; `make test-long` sets 50)
#   KILL_ARTICLES  size of the generated import (default 600)
#   KILL_SEED      random seed for the kill times (default: the PID)
. "$(dirname "$0")/lib.sh"

points=${KILL_POINTS:-8}
n_articles=${KILL_ARTICLES:-600}
seed=${KILL_SEED:-$$}
batch=20
RANDOM=$seed
echo "# kill points $points, articles $n_articles, seed $seed"

gcc -O2 -o "$T/gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }
"$T/gencorpus" --seed 7 "$n_articles" > "$T/in.jsonl"

# counts KEY... -> the stats values, space separated
counts() {
    local json
    json=$("$NEWSINDEX" --archive "$1" stats --format json) || return 1
    shift
    for k in "$@"; do printf '%s ' "$(printf '%s' "$json" | cj - get "$k")"; done
}
KEYS="articles stories entities mentions events versions"

# Reference: one uninterrupted run.
R="$T/ref"
start=$(date +%s%N)
"$NEWSINDEX" --archive "$R" -q import --batch "$batch" "$T/in.jsonl" 2> "$T/ref.err"
expect_status "uninterrupted import" $? 0
ref_ms=$(( ($(date +%s%N) - start) / 1000000 ))
want=$(counts "$R" $KEYS)
total=$(counts "$R" articles | tr -d ' ')
echo "# reference: $want in ${ref_ms} ms"

# field N of input line L (python3: the test dependencies include it)
field() {
    python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])-1])[sys.argv[3]])' \
        "$T/in.jsonl" "$2" "$1"
}

killed=0; survived=0; verified=0
for i in $(seq 1 "$points"); do
    before=$(counts "$A" articles 2>/dev/null | tr -d ' '); before=${before:-0}
    # A random kill point inside the work left: wait until the run has
    # committed a random number (below 2 * total / points, so the kills
    # spread over the whole import) of new articles, then let it go on for a random 0-250 ms
    # (at most half the uninterrupted run's time: on a fast machine the
    # whole import takes ~230 ms, and a later kill would find it finished)
    # so the kill lands anywhere in a batch: mid-insert, mid-enrichment,
    # mid-commit or between batches.
    left=$(( total - before )); [ "$left" -lt 1 ] && left=1
    step=$(( 2 * total / points + 1 ))    # the kills spread over the import
    [ "$step" -gt "$left" ] && step=$left
    target=$(( (RANDOM * 32768 + RANDOM) % step ))
    extra_max=$(( ref_ms / 2 )); [ "$extra_max" -gt 250 ] && extra_max=250
    [ "$extra_max" -lt 10 ] && extra_max=10
    extra_ms=$(( RANDOM % extra_max ))
    "$NEWSINDEX" --archive "$A" import --batch "$batch" --log-commits "$T/in.jsonl" \
        > /dev/null 2> "$T/run.err" &
    pid=$!
    while [ "$target" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
        n=$(grep '^newsindex: committed:' "$T/run.err" 2>/dev/null | tail -1 | sed 's/^newsindex: committed: \([0-9]*\) new.*/\1/')
        [ -n "$n" ] && [ "$n" -ge "$target" ] && break
        sleep 0.02
    done
    sleep "0.$(printf '%03d' "$extra_ms")"
    delay_ms="new>=$target+${extra_ms}"
    if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null

    # the archive opens and is sound
    "$NEWSINDEX" --archive "$A" check > "$T/check.out" 2>&1
    st=$?
    if [ ! -f "$A/archive.db" ]; then
        ok "kill $i at ${delay_ms}ms: before the archive existed"; survived=$((survived + 1)); continue
    fi
    if [ "$st" -ne 0 ]; then
        not_ok "kill $i at ${delay_ms}ms: check failed: $(head -c 400 "$T/check.out")"; continue
    fi
    after=$(counts "$A" articles | tr -d ' ')
    last=$(grep '^newsindex: committed:' "$T/run.err" | tail -1)
    rep_new=0; processed=0
    if [ -n "$last" ]; then
        # shellcheck disable=SC2046  # the four numbers, split on purpose
        set -- $(printf '%s' "$last" | tr -cs '0-9' ' ')
        rep_new=$1; processed=$(( $1 + $2 + $3 + $4 ))
    fi
    if [ "$after" -lt $((before + rep_new)) ] || [ "$after" -gt "$total" ]; then
        not_ok "kill $i: $after articles, but $before before and $rep_new reported committed"; continue
    fi
    # the last article reported as committed is there with story and entities
    if [ "$processed" -gt 0 ]; then
        url=$(field url "$processed")
        words=$(field title "$processed" | python3 -c 'import sys
print(" ".join("".join(c if c.isalnum() else " " for c in sys.stdin.read()).split()[:6]))')
        "$NEWSQUERY" --archive "$A" search "title:\"$words\"" --format jsonl --limit 50 > "$T/found" 2>&1
        line=$(grep -F "\"url\":\"$url\"" "$T/found")
        if [ -z "$line" ]; then
            not_ok "kill $i: committed article $processed ($url) not found"; continue
        fi
        case $line in *'"story":null'*|*'"story":0'*) not_ok "kill $i: article $processed has no story"; continue ;; esac
        case $line in *'"persons":[]'*'"places":[]'*'"orgs":[]'*)
            not_ok "kill $i: article $processed has no entities"; continue ;; esac
        verified=$((verified + 1))
    fi
    survived=$((survived + 1))
    ok "kill $i at ${delay_ms}ms: archive sound, $after articles (>= $before + $rep_new committed)"
done
echo "# kills: $killed of $points runs killed, $survived survived, $verified last-committed articles verified"
[ "$killed" -ge $(( (points + 1) / 2 )) ] && ok "most runs were really killed ($killed)" \
    || not_ok "only $killed of $points runs were killed before finishing"

# the same import again completes: no duplicates, same counts
"$NEWSINDEX" --archive "$A" -q import --batch "$batch" "$T/in.jsonl" 2> "$T/final.err"
expect_status "re-run after the kills" $? 0
expect_eq "same counts as an uninterrupted run ($KEYS)" "$(counts "$A" $KEYS)" "$want"
"$NEWSINDEX" --archive "$A" check > /dev/null 2>&1
expect_status "final check" $? 0

# ---- newsindex fetch killed the same way (FETCH_KILLS, default 4) --------
# The same articles as 12 RSS feeds served with ETag and Last-Modified by
# the test server. Before each killed fetch the feeds grow by a share of
# the articles (new content, new ETag), so every run has work to be killed
# in. A feed whose fetch state were saved without its items would answer
# 304 afterwards and lose them: the final count shows it.
fetch_kills=${FETCH_KILLS:-4}
mkdir -p "$T/www/feeds"
cat > "$T/mkfeeds.py" <<'PY'
import json, sys
from xml.sax.saxutils import escape
items = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
items = items[:len(items) * int(sys.argv[3]) // int(sys.argv[4])]
n = 12
for k in range(n):
    with open("%s/f%02d.rss" % (sys.argv[2], k), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                '<title>Feed %d</title><link>https://feed%d.example/</link>\n' % (k, k))
        for it in items[k::n]:
            f.write('<item><title>%s</title><link>%s</link><pubDate>%s</pubDate>'
                    '<description>%s</description></item>\n' % (escape(it["title"]),
                    escape(it["url"]), it["published"], escape(it.get("body") or "")))
        f.write('</channel></rss>\n')
PY
mkfeeds() { python3 "$T/mkfeeds.py" "$T/in.jsonl" "$T/www/feeds" "$1" "$2"; }
mkfeeds 1 1
python3 "$SRCDIR/tests/http/server.py" --root "$T/www" --log "$T/requests.log" \
    --lifetime 1800 > "$T/port" 2> "$T/server.err" &
server=$!
trap 'kill "$server" 2> /dev/null; rm -rf "$T"' EXIT
for _ in $(seq 150); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(head -n 1 "$T/port")
if [ -z "$port" ]; then
    not_ok "test server starts: $(cat "$T/server.err")"
else
    add_feeds() {
        for f in "$T"/www/feeds/*.rss; do
            "$NEWSINDEX" --archive "$1" -q feed add "http://127.0.0.1:$port/feeds/$(basename "$f")" || return 1
        done
    }
    FR="$T/fetch-ref"; FA="$T/fetch-killed"
    add_feeds "$FR" && add_feeds "$FA" || not_ok "feed add"
    start=$(date +%s%N)
    "$NEWSINDEX" --archive "$FR" -q fetch --all --jobs 2 --timeout 20 2> "$T/fref.err"
    expect_status "uninterrupted fetch" $? 0
    fref_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    fwant=$(counts "$FR" articles)
    echo "# fetch reference: $fwant articles in ${fref_ms} ms"
    fkilled=0
    share_ms=$(( fref_ms / (fetch_kills + 1) + 50 ))
    for i in $(seq 1 "$fetch_kills"); do
        mkfeeds "$i" "$((fetch_kills + 1))"
        delay_ms=$(( 30 + (RANDOM * 32768 + RANDOM) % (2 * share_ms) ))
        "$NEWSINDEX" --archive "$FA" -q fetch --all --jobs 2 --timeout 20 > /dev/null 2>&1 &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        kill -KILL "$pid" 2>/dev/null && fkilled=$((fkilled + 1))
        wait "$pid" 2>/dev/null
        "$NEWSINDEX" --archive "$FA" check > "$T/fcheck.out" 2>&1
        expect_status "fetch kill $i at ${delay_ms} ms: archive sound" $? 0
    done
    echo "# fetch kills: $fkilled of $fetch_kills runs killed"
    mkfeeds 1 1
    "$NEWSINDEX" --archive "$FA" -q fetch --all --jobs 2 --timeout 20 2> "$T/ffinal.err"
    expect_status "fetch after the kills" $? 0
    expect_eq "fetch after kills: the same articles as uninterrupted, none lost" \
        "$(counts "$FA" articles)" "$fwant"
fi
finish
