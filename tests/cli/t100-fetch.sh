#!/bin/bash
# newsindex fetch against a local HTTP server that misbehaves on purpose:
# good feeds stored once, every bad one reported with its reason (exit 4),
# one connection per host, backoff for failing feeds, conditional GET so an
# unchanged feed costs a 304, captures in warc/ that articles point at,
# feed add/list/remove, OPML out and in, and inspect URL.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/http/start.sh"
start_server 120 || { not_ok "test server starts"; finish; exit 1; }
H="http://127.0.0.1:$PORT"   # a host serving well-behaved feeds
M="http://localhost:$PORT"   # a second host for the misbehaving paths
FETCH_OPTS="--jobs 4 --timeout 2 --max-size 100000"
now=$(date -u +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

ni -q init
# the slow feed first: it holds its host while the other host goes on
ni -q feed add "$M/slow.rss"
GOOD="feeds/harbour.rss etag/valley.atom redirect/3 lm/latin1.rss typed.rss wrong-charset.rss gzip/chain.rss"
for p in $GOOD; do ni -q feed add "$H/$p"; done
BAD="status/404 status/500 status/503 loop/a big.rss big-stream.rss html.rss truncated-gzip.rss to-file"
for p in $BAD; do ni -q feed add "$M/$p"; done
REFUSED="http://127.0.0.1:1/feed.rss"   # nothing listens on port 1
ni -q feed add "$REFUSED"
ni feed add "$H/feeds/harbour.rss" > "$T/again.out"
expect_grep "adding a feed twice changes nothing" "$T/again.out" "already following"
ni feed add "file:///etc/passwd" > /dev/null 2> "$T/file.err"
expect_status "a file: feed URL is refused" $? 2

# ---- first fetch ----------------------------------------------------------
ni fetch $FETCH_OPTS > "$T/fetch1.out" 2> "$T/fetch1.err"
expect_status "first fetch with failing feeds" $? 4
while IFS='|' read -r path why; do
    expect_grep "$path reported: $why" "$T/fetch1.err" "$M/$path: .*$why"
done <<'CASES'
slow.rss|timeout
status/404|HTTP 404
status/500|HTTP 500
status/503|HTTP 503 (Retry-After 7200 s)
loop/a|redirect loop
big.rss|too large: more than 100000 bytes
big-stream.rss|too large: more than 100000 bytes
html.rss|not a feed: the server sent an HTML page
truncated-gzip.rss|bad gzip data: the compressed stream is truncated
to-file|redirect to file:///etc/passwd refused
CASES
expect_grep "a refused connection is reported" "$T/fetch1.err" "$REFUSED: connection: "
for p in $GOOD; do
    if grep -q "^newsindex: $H/$p: " "$T/fetch1.err"; then
        not_ok "good feed $p not reported: $(grep "$H/$p" "$T/fetch1.err")"
    else ok "good feed $p not reported"; fi
done
expect_grep "summary counts feeds" "$T/fetch1.err" "18 feeds: 7 fetched, 0 unchanged, 11 failed"
expect_grep "summary counts articles" "$T/fetch1.err" "articles: 8 new, 0 updated, 3 duplicate"

# what was stored: every good article once
expect_eq "articles stored" "$(ni stats --format json | cj - get articles)" 8
expect_eq "an item in two feeds is stored once" \
    "$(nq search 'title:"tide gauge"' --count)" 1
nq search 'title:"road works"' --format json > "$T/latin.json"
expect_eq "ISO-8859-1 feed decoded despite a header claiming UTF-8" \
    "$(cj "$T/latin.json" get 0.title)" "Road works force a long détour through the hills"
expect_eq "the item before a gzip cut is recovered" \
    "$(nq search 'title:"ferry timetable changes"' --count)" 1
expect_eq "a feed sent as text/html is still read" "$(nq search 'title:choir' --count)" 1
expect_eq "a feed behind three 301s is read" "$(nq search 'title:"bridge repairs"' --count)" 1
nq search 'a OR the OR root' --format json --limit 0 > "$T/all.json"
expect_no_grep "nothing from file:///etc/passwd" "$T/all.json" "root:x:0"

# one connection per host, several hosts at once, our User-Agent
grep "host=127.0.0.1 " "$LOG" > "$T/host1.log"
expect_no_grep "never two requests at once to one host" "$T/host1.log" "host_inflight=[2-9]"
expect_grep "two hosts fetched in parallel" "$LOG" " inflight=2 "
expect_no_grep "every request names us" "$LOG" 'ua="[^n]'
expect_grep "User-Agent is descriptive" "$LOG" 'ua="newsarchive/0.1 (+https://github.com/newsarchive; feed fetcher)"'

# fetch state: failing feeds pushed back, good ones named by their title
ni feed list --format json > "$T/feeds1.json"
cj "$T/feeds1.json" > /dev/null && ok "feed list JSON parses" || not_ok "feed list JSON"
f() { json_eval "$T/feeds1.json" "[x for x in d if x['url']=='$1'][0]['$2']"; }
for p in $BAD; do
    expect_eq "$p: one failure counted" "$(f "$M/$p" error_count)" 1
    due=$(f "$M/$p" next_due)
    [[ "$due" > "$(iso $((now + 800)))" ]] && ok "$p: next fetch pushed back ($due)" \
        || not_ok "$p: next_due $due not pushed back"
done
due=$(f "$M/status/503" next_due)
[[ "$due" > "$(iso $((now + 7100)))" ]] && ok "503: Retry-After honoured ($due)" \
    || not_ok "503: next_due $due ignores Retry-After"
expect_eq "good feed has no error" "$(f "$H/feeds/harbour.rss" error_count)" 0
expect_eq "good feed keeps its ETag" "$(f "$H/feeds/harbour.rss" etag | cut -c1)" '"'
expect_eq "a feed added without a name takes its title" "$(f "$H/feeds/harbour.rss" name)" "Harbour Gazette"
expect_eq "articles counted per feed" "$(f "$H/feeds/harbour.rss" articles)" 3
expect_eq "last error kept" "$(f "$M/status/404" last_error)" "HTTP 404"
expect_eq "no response: no status" "$(f "$REFUSED" last_status)" None
expect_eq "no response: one failure" "$(f "$REFUSED" error_count)" 1
ni feed list > "$T/feeds1.txt"
expect_grep "text list shows failures" "$T/feeds1.txt" "1 failure in a row"

# ---- nothing is due right after ------------------------------------------
n_before=$(wc -l < "$LOG")
ni fetch $FETCH_OPTS > /dev/null 2> "$T/fetch2.err"
expect_status "second fetch: nothing due" $? 0
expect_grep "nothing fetched" "$T/fetch2.err" "0 feeds"
expect_eq "no request made" "$(wc -l < "$LOG")" "$n_before"

# ---- remove feeds: their articles stay -----------------------------------
ni -q feed remove "$M/slow.rss"
expect_status "remove by URL" $? 0
ni feed remove "Moved Feed Weekly" > "$T/rm.out"
expect_status "remove by name" $? 0
expect_grep "remove says what it removed" "$T/rm.out" "$H/redirect/3"
ni feed remove "no such feed" 2> "$T/rm.err"
expect_status "remove an unknown feed" $? 2
expect_eq "articles of removed feeds stay" "$(ni stats --format json | cj - get articles)" 8
expect_eq "removed feeds are gone" "$(ni feed list --format json | cj - length .)" 16

# ---- unchanged feeds cost a 304 -------------------------------------------
n_before=$(wc -l < "$LOG")
ni fetch --all $FETCH_OPTS > /dev/null 2> "$T/fetch3.err"
expect_status "fetch --all (bad feeds still bad)" $? 4
tail -n +$((n_before + 1)) "$LOG" > "$T/run3.log"
for p in /feeds/harbour.rss /etag/valley.atom /lm/latin1.rss; do
    expect_grep "$p: 304 on the second fetch" "$T/run3.log" "^GET $p 304 "
    expect_no_grep "$p: no full transfer" "$T/run3.log" "^GET $p 200 "
done
expect_grep "If-None-Match sent" "$T/run3.log" "^GET /etag/valley.atom 304 .* inm=1"
expect_grep "If-Modified-Since sent" "$T/run3.log" "^GET /lm/latin1.rss 304 .* ims=1"
expect_grep "summary counts unchanged feeds" "$T/fetch3.err" "3 unchanged"
expect_eq "nothing new stored" "$(ni stats --format json | cj - get articles)" 8
ni feed list --format json > "$T/feeds2.json"
expect_eq "second failure counted" \
    "$(json_eval "$T/feeds2.json" "[x for x in d if x['url']=='$M/status/500'][0]['error_count']")" 2

# ---- captures ---------------------------------------------------------------
warc=$(ls "$A"/warc/fetch-*.warc.gz 2> /dev/null | head -n 1)
[ -n "$warc" ] && ok "captures written to warc/" || not_ok "no warc/fetch-*.warc.gz"
ni inspect "$warc" > "$T/warc.json"
expect_status "our WARC reads back" $? 0
expect_eq "no damaged record" "$(json_eval "$T/warc.json" "len(d['errors'])")" 0
expect_eq "every digest checks" \
    "$(json_eval "$T/warc.json" "all(r['payload_digest_ok'] is not False and r['block_digest_ok'] is not False for r in d['records'])")" True
expect_eq "one response per transfer with a body (200s, 404/500/503 pages)" \
    "$(json_eval "$T/warc.json" "len([r for r in d['records'] if r['type']=='response'])")" \
    "$(json_eval "$T/warc.json" "len([r for r in d['records'] if r['type']=='request'])")"
expect_eq "error bodies are captured too" \
    "$(json_eval "$T/warc.json" "len([r for r in d['records'] if r['type']=='response' and r['http_status']==404])")" 2
id=$(nq search 'title:"lifeboat crew"' --format json | cj - get 0.id)
nq show "$id" --format json > "$T/show.json"
cap=$(cj "$T/show.json" get capture)
case "$cap" in warc/fetch-*.warc.gz#[0-9]*) ok "article has a capture reference ($cap)";;
    *) not_ok "capture reference '$cap'";; esac
ni inspect "$A/$cap" > "$T/cap.json"
expect_status "capture reference opens" $? 0
expect_eq "it points at a response record" "$(cj "$T/cap.json" get record.type)" response
expect_eq "of the feed it came from" "$(cj "$T/cap.json" get record.target_uri)" "$H/feeds/harbour.rss"
expect_eq "whose payload holds the article" \
    "$(json_eval "$T/cap.json" "'$H/pages/lifeboat-winch.html' in [i['url'] for i in d['payload']['items']]")" True
if command -v node > /dev/null 2>&1 && [ -d "$SRCDIR/tools/warcio-check/node_modules/warcio" ]; then
    node "$SRCDIR/tools/warcio-check/check.mjs" "$warc" > "$T/warcio.json"
    expect_status "warcio.js reads our capture file" $? 0
    expect_eq "warcio.js sees every record" "$(json_eval "$T/warcio.json" "len(d)")" \
        "$(json_eval "$T/warc.json" "len(d['records'])")"
    expect_eq "warcio.js agrees with every payload digest" \
        "$(json_eval "$T/warcio.json" "all(r['digestOk'] is not False for r in d)")" True
else
    echo "# warcio.js not installed: independent reader check skipped"
fi

# ---- OPML out and in ---------------------------------------------------------
ni feed export-opml > "$T/subs.opml"
expect_status "export-opml" $? 0
"$NEWSINDEX" --archive "$T/other" feed import-opml "$T/subs.opml" 2> "$T/opml.err"
expect_status "import-opml" $? 0
expect_grep "every feed imported" "$T/opml.err" "16 feeds added"
"$NEWSINDEX" --archive "$T/other" feed list --format json > "$T/other.json"
expect_eq "same feeds after the round trip" \
    "$(json_eval "$T/other.json" "sorted(x['url'] for x in d)")" \
    "$(json_eval "$T/feeds2.json" "sorted(x['url'] for x in d)")"
expect_eq "names kept" \
    "$(json_eval "$T/other.json" "[x['name'] for x in d if x['url']=='$H/feeds/harbour.rss'][0]")" \
    "Harbour Gazette"

# ---- inspect URL ---------------------------------------------------------------
ni inspect "$H/feeds/harbour.rss" > "$T/insp.json"
expect_status "inspect a feed URL" $? 0
expect_eq "inspect URL parses the feed" "$(cj "$T/insp.json" length items)" 3
expect_eq "inspect URL reports the status" "$(cj "$T/insp.json" get status)" 200
ni inspect "$H/pages/museum-gallery.html" > "$T/page.json"
expect_eq "inspect an HTML page URL" "$(cj "$T/page.json" get kind)" page
expect_grep "page text extracted" "$T/page.json" "figurehead of the schooner Marigold"
ni inspect "$M/latin1-undeclared.rss" > "$T/latin.json"
expect_eq "no encoding declared: the HTTP charset applies" "$(cj "$T/latin.json" get items.0.title)" \
    "Road works force a long détour through the hills"
ni inspect "$M/status/404" > /dev/null 2> "$T/insp404.err"
expect_status "inspect a failing URL" $? 4
expect_grep "inspect says why" "$T/insp404.err" "HTTP 404"
ni inspect "$M/to-file" > /dev/null 2> "$T/inspfile.err"
expect_grep "inspect refuses a file: redirect" "$T/inspfile.err" "refused"
finish
