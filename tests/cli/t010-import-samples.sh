#!/bin/bash
# Import the bundled sample news; re-importing changes nothing.
. "$(dirname "$0")/lib.sh"

ni init > "$T/init.out" 2>&1
expect_status "init" $? 0
ni import "$SRCDIR/samples" > "$T/out" 2> "$T/err"
expect_status "import samples" $? 0
expect_grep "import prints counts" "$T/err" "66 new, [0-9]* updated, [0-9]* duplicate, 0 failed"

ni stats --format json > "$T/stats.json"
cj "$T/stats.json" || not_ok "stats json parses"
articles=$(cj "$T/stats.json" get articles)
expect_eq "sample article count" "$articles" 66
sources=$(cj "$T/stats.json" get sources)
[ "$sources" -ge 5 ] && ok "at least five sources ($sources)" || not_ok "sources: $sources"

# a second import of the same files stores nothing new
ni import "$SRCDIR/samples" > "$T/out2" 2> "$T/err2"
expect_status "second import" $? 0
expect_grep "second import: nothing new" "$T/err2" " 0 new, 0 updated, 67 duplicate, 0 failed"
ni stats --format json > "$T/stats2.json"
expect_eq "count unchanged after re-import" "$(cj "$T/stats2.json" get articles)" 66
expect_eq "no versions from a re-import" "$(cj "$T/stats2.json" get versions)" "$(cj "$T/stats.json" get versions)"

# tracking parameters never make a second article
grep -o 'https://[^"<]*utm_[^"<]*' -r "$SRCDIR/samples/feeds" | head -1 | cut -d: -f2- > "$T/utm"
url=$(sed 's/&amp;/\&/g; s/[?&]utm_[^&]*//g' "$T/utm")
[ -n "$url" ] && ok "samples have a tracking URL" || not_ok "no tracking URL in samples"

ni check > "$T/check" 2>&1
expect_status "check after import" $? 0
finish
