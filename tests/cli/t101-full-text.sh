#!/bin/bash
# newsindex fetch --full-text: each new article's page is fetched when the
# site's robots.txt allows it (one page allowed, one disallowed), captured,
# and its extracted text replaces the feed's short description, keeping the
# earlier version; robots.txt is cached in the archive.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/http/start.sh"
start_server 60 || { not_ok "test server starts"; finish; exit 1; }
H="http://127.0.0.1:$PORT"

ni -q feed add "$H/feeds/fulltext.rss"
ni fetch --full-text --timeout 5 > /dev/null 2> "$T/fetch.err"
expect_status "fetch --full-text" $? 0
expect_grep "summary counts pages" "$T/fetch.err" \
    "pages: 1 fetched, 1 extracted, 1 disallowed by robots.txt, 0 failed"
expect_grep "the disallowed page is named" "$T/fetch.err" \
    "$H/private/board-notes.html: not fetched: disallowed by robots.txt"
expect_grep "robots.txt was asked for" "$LOG" "^GET /robots.txt 200 "
expect_grep "the allowed page was fetched" "$LOG" "^GET /pages/museum-gallery.html 200 "
expect_no_grep "the disallowed page never was" "$LOG" "^GET /private/"

# the allowed article now has the page's text, the other the feed's
id=$(nq search 'title:"maritime gallery"' --format json | cj - get 0.id)
nq show "$id" --format json > "$T/open.json"
expect_grep "body from the page" "$T/open.json" "restored figurehead of the schooner Marigold"
expect_grep "the whole article, not only its first paragraph" "$T/open.json" "guided tours from January"
expect_no_grep "no navigation or cookie banner" "$T/open.json" "We use cookies"
expect_no_grep "no related links" "$T/open.json" "Harbour wall repairs"
expect_eq "the feed's version is kept" "$(cj "$T/open.json" get version)" 2
cap=$(cj "$T/open.json" get capture)
ni inspect "$A/$cap" > "$T/cap.json"
expect_eq "the article's capture is the page" "$(cj "$T/cap.json" get record.target_uri)" \
    "$H/pages/museum-gallery.html"
expect_eq "whose payload is an HTML page" "$(cj "$T/cap.json" get payload.kind)" page
id=$(nq search 'title:"board meeting"' --format json | cj - get 0.id)
nq show "$id" --format json > "$T/closed.json"
expect_eq "disallowed article keeps the feed's text" "$(cj "$T/closed.json" get body)" \
    "Notes from the board meeting."
expect_no_grep "nothing from the disallowed page" "$T/closed.json" "SECRET-BOARD-TEXT"

# a second run: the feed is unchanged, robots.txt comes from the archive
ni -q feed add "$H/etag/harbour.rss"
n_before=$(wc -l < "$LOG")
ni fetch --all --full-text --timeout 5 > /dev/null 2> "$T/fetch2.err"
expect_status "a page that fails does not fail the run" $? 0
tail -n +$((n_before + 1)) "$LOG" > "$T/run2.log"
expect_grep "unchanged feed costs a 304" "$T/run2.log" "^GET /feeds/fulltext.rss 304 "
expect_no_grep "robots.txt is cached" "$T/run2.log" "^GET /robots.txt"
expect_grep "new articles' pages fetched (missing ones reported)" "$T/fetch2.err" \
    "$H/pages/tide-gauge.html: HTTP 404"
expect_grep "and counted" "$T/fetch2.err" "pages: 0 fetched, 0 extracted, 0 disallowed by robots.txt, 3 failed"
finish
