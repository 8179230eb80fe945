#!/bin/bash
# Round trip: capture a set of feeds and pages (fetch --full-text), then
# `newsindex rebuild --captures` re-derives every article from the stored
# captures and leaves the archive equal to a fresh ingest of the same
# captures into an empty archive, and doing it again changes nothing.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/http/start.sh"
start_server 60 || { not_ok "test server starts"; finish; exit 1; }
H="http://127.0.0.1:$PORT"

ni -q feed add "$H/feeds/fulltext.rss"
ni -q feed add "$H/etag/harbour.rss"
ni -q fetch --full-text --timeout 5 > /dev/null 2>&1

# the same captures into an empty archive
B="$T/fresh"
"$NEWSINDEX" -q --archive "$B" import "$A/warc" > /dev/null 2>&1

listing() {  # url, title, published and body of every article, sorted
    "$NEWSQUERY" --archive "$1" search '' --since 1990-01-01 --limit 0 --format jsonl |
        sed -n 's/.*"id":\([0-9]*\),.*/\1/p' | while read -r id; do
            "$NEWSQUERY" --archive "$1" show "$id" --format json > "$T/one.json"
            printf '%s\t%s\t%s\t%s\n' "$(cj "$T/one.json" get url)" "$(cj "$T/one.json" get title)" \
                "$(cj "$T/one.json" get published)" "$(cj "$T/one.json" get body | cksum)"
        done | sort
}

ni rebuild --captures > /dev/null 2> "$T/rebuild.err"
expect_status "rebuild --captures" $? 0
expect_grep "rebuild reports the captures it re-read" "$T/rebuild.err" "re-read [0-9]* capture file"
listing "$A" > "$T/a.list"
listing "$B" > "$T/b.list"
n=$(wc -l < "$T/a.list")
[ "$n" -ge 3 ] && ok "captured articles listed ($n)" || not_ok "only $n articles"
if cmp -s "$T/a.list" "$T/b.list"; then
    ok "rebuilt archive equals a fresh ingest of its captures"
else
    not_ok "archives differ: $(diff "$T/a.list" "$T/b.list" | head -5)"
fi
ni check > /dev/null 2>&1
expect_status "the rebuilt archive is sound" $? 0

# check follows every capture reference to its WARC record
ni check > "$T/check.out" 2>&1
expect_status "check with captures" $? 0
expect_grep "capture references verified" "$T/check.out" "ok ([1-9][0-9]* capture references verified)"
cp -r "$A" "$T/damaged"
for w in "$T/damaged"/warc/*.warc.gz; do head -c 300 "$w" > "$w.cut" && mv "$w.cut" "$w"; done
"$NEWSINDEX" --archive "$T/damaged" check > /dev/null 2> "$T/check.err"
expect_status "check finds cut captures" $? 3
expect_grep "a broken reference names the article and the capture" "$T/check.err" "^article [0-9]* (http.*): capture warc/.*#[0-9]*: "
expect_grep "and counts them" "$T/check.err" "capture references are broken"

# a second rebuild from the same captures changes nothing
ni rebuild --captures > /dev/null 2> "$T/rebuild2.err"
expect_grep "rebuild is idempotent" "$T/rebuild2.err" " 0 new, 0 updated"
listing "$A" > "$T/a2.list"
cmp -s "$T/a.list" "$T/a2.list" && ok "same archive after a second rebuild" || not_ok "second rebuild changed articles"
finish
