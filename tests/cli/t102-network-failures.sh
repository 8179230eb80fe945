#!/bin/bash
# Network failures beyond HTTP statuses: gigantic response headers, a
# connection reset in the middle of the body, and a TLS handshake that
# fails (https to a plain-HTTP port). Each fails only its own feed, with a
# message naming it, in bounded time; the good feed beside them is stored
# and the archive stays sound.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/http/start.sh"
start_server 60 || { not_ok "test server starts"; finish; exit 1; }
H="http://127.0.0.1:$PORT"

ni -q feed add "$H/feeds/harbour.rss"
ni -q feed add "$H/huge-header.rss"
ni -q feed add "$H/reset.rss"
ni -q feed add "https://127.0.0.1:$PORT/feeds/latin1.rss"
start=$(date +%s)
timeout 60 "$NEWSINDEX" --archive "$A" fetch --timeout 5 > /dev/null 2> "$T/fetch.err"
st=$?
took=$(( $(date +%s) - start ))
expect_status "fetch with broken feeds" "$st" 4
[ "$took" -le 30 ] && ok "bounded time (${took}s)" || not_ok "took ${took}s"
expect_grep "gigantic headers: the feed is named and why" "$T/fetch.err" "$H/huge-header.rss: response headers too large"
expect_grep "reset mid-body: the feed is named and why" "$T/fetch.err" "$H/reset.rss: .*reset"
expect_grep "TLS failure: the feed is named" "$T/fetch.err" "https://127.0.0.1:$PORT/feeds/latin1.rss: "
n=$(grep -c "^newsindex: https\?://127.0.0.1:$PORT/[^ ]*: " "$T/fetch.err")
[ "$n" -eq 3 ] && ok "one line per failed feed ($n)" || not_ok "failure lines: $n: $(cat "$T/fetch.err")"
all=$(ni stats --format json | cj - get articles)
[ "$all" -ge 1 ] && ok "the good feed's articles are stored ($all)" || not_ok "nothing stored: $(cat "$T/fetch.err")"
expect_no_grep "nothing from the cut feed was half-stored as a crash" "$T/fetch.err" "Segmentation"
ni check > /dev/null 2>&1
expect_status "archive sound" $? 0
finish
