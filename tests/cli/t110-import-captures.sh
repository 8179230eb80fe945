#!/bin/bash
# WARC files written by newsarchive are read back by newsindex import: the
# captures of a --full-text fetch, imported into a fresh archive, give the
# article page with its text and a capture reference to the record; HTML
# files are imported as pages; damaged WARC records are reported.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/http/start.sh"
start_server 60 || { not_ok "test server starts"; finish; exit 1; }
H="http://127.0.0.1:$PORT"

ni -q feed add "$H/feeds/fulltext.rss"
ni -q fetch --full-text --timeout 5 > /dev/null 2>&1
ls "$A"/warc/*.warc.gz > "$T/warcs" 2>/dev/null
[ -s "$T/warcs" ] && ok "the fetch wrote captures" || not_ok "no captures in $A/warc"

B="$T/second"
"$NEWSINDEX" --archive "$B" import "$A/warc" > /dev/null 2> "$T/imp.err"
st=$?
[ "$st" -eq 0 ] || [ "$st" -eq 4 ] && ok "import of our own WARC files runs (exit $st)" || not_ok "import exit $st"
expect_grep "import counts" "$T/imp.err" "new, "
"$NEWSQUERY" --archive "$B" search 'title:"maritime gallery"' --format json > "$T/s.json"
id=$(cj "$T/s.json" get 0.id)
[ -n "$id" ] && ok "the captured page became an article" || not_ok "page not imported: $(cat "$T/imp.err")"
"$NEWSQUERY" --archive "$B" show "$id" --format json > "$T/show.json"
expect_grep "with the page's text" "$T/show.json" "restored figurehead of the schooner Marigold"
expect_no_grep "without the cookie banner" "$T/show.json" "We use cookies"
cap=$(cj "$T/show.json" get capture)
case "$cap" in
    */warc/*.warc.gz\#[0-9]*) ok "capture reference names the WARC record ($cap)" ;;
    *) not_ok "capture reference: '$cap'" ;;
esac
"$NEWSINDEX" inspect "$cap" > "$T/cap.json" 2>&1
expect_eq "the reference leads back to the page" "$(cj "$T/cap.json" get record.target_uri)" \
    "$H/pages/museum-gallery.html"
# importing the same captures again adds nothing
"$NEWSINDEX" --archive "$B" import "$A/warc" > /dev/null 2> "$T/imp2.err"
expect_grep "second import: nothing new" "$T/imp2.err" " 0 new, 0 updated"

# an HTML file that declares its URL is an article; one that does not is
# reported by name and skipped
C="$T/pages"
mkdir -p "$C"
cat > "$C/page.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><title>Harbour ferry returns | Test</title>
<link rel="canonical" href="https://pages.example/2025/12/01/ferry-returns">
<meta property="article:published_time" content="2025-12-01T09:00:00Z"></head>
<body><nav>Home News Sport</nav><article><h1>Harbour ferry returns</h1>
<p>The harbour ferry returned to service on Monday after three weeks of repairs to its engines, the operator said.</p>
<p>Passengers queued from early morning, and the first crossing left on time with more than two hundred people aboard.</p>
<p>The operator said the timetable would stay as before, with crossings every half hour until late evening.</p>
</article><footer>Contact us</footer></body></html>
HTML
printf '<!DOCTYPE html><html><head><title>No URL</title></head><body><p>%s</p></body></html>\n' \
    "A page with enough words to be an article but no declared address at all, so it cannot be identified." > "$C/nourl.html"
"$NEWSINDEX" --archive "$T/third" import "$C" > /dev/null 2> "$T/pages.err"
expect_status "a page without a URL makes the run partial" $? 4
expect_grep "the page without URL is named" "$T/pages.err" "nourl.html: page 1: no link"
"$NEWSQUERY" --archive "$T/third" search ferry --format json > "$T/ferry.json"
expect_eq "the page is stored under its canonical URL" "$(cj "$T/ferry.json" get 0.url)" \
    "https://pages.example/2025/12/01/ferry-returns"
expect_eq "with its declared date" "$(cj "$T/ferry.json" get 0.published)" "2025-12-01T09:00:00Z"

# a damaged WARC: the bad record is reported with its offset, the run goes on
head -c 600 "$(head -1 "$T/warcs")" > "$T/cut.warc.gz"
"$NEWSINDEX" --archive "$T/fourth" import "$T/cut.warc.gz" > /dev/null 2> "$T/cut.err"
st=$?
[ "$st" -eq 4 ] || [ "$st" -eq 0 ] && ok "a cut WARC does not crash (exit $st)" || not_ok "cut WARC exit $st"
finish
