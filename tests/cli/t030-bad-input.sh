#!/bin/bash
# Bad inputs: each is reported naming the file, the rest is stored, exit 4.
. "$(dirname "$0")/lib.sh"
C="$SRCDIR/tests/corpora"

ni -q import "$C/good" 2> "$T/good.err"
expect_status "good fixtures import" $? 0
good=$(ni stats --format json | "$CHECKJSON" - get articles)
[ "$good" -ge 12 ] && ok "good fixtures stored ($good)" || not_ok "good fixtures: $good"

for f in not-xml.rss empty.xml wrong-root.xml; do
    ni import "$C/bad/$f" > /dev/null 2> "$T/$f.err"
    expect_status "$f" $? 4
    expect_grep "$f: message names the file" "$T/$f.err" "$f"
done
expect_grep "wrong root is named" "$T/wrong-root.xml.err" "not an RSS or Atom feed"

ni import "$C/bad/bad-lines.jsonl" > /dev/null 2> "$T/lines.err"
expect_status "bad JSON lines" $? 4
expect_grep "bad line 2 reported" "$T/lines.err" "bad-lines.jsonl: line 2"
expect_grep "line without url reported" "$T/lines.err" "line 4"
expect_grep "line without title reported" "$T/lines.err" "line 5"
expect_grep "valid lines stored" "$T/lines.err" "3 new"

ni import "$C/bad/no-link.rss" > /dev/null 2> "$T/nolink.err"
expect_status "item without link" $? 4
expect_grep "item 2 has no link" "$T/nolink.err" "item 2: no link"

ni import "$C/bad/truncated.rss" > /dev/null 2> "$T/trunc.err"
nq search 'title:"complete item survives"' --count > "$T/trunc.count"
expect_eq "first item of a truncated feed is kept" "$(cat "$T/trunc.count")" 1

ni import "$C/bad/xxe.rss" > /dev/null 2> "$T/xxe.err"
nq search root --format json --limit 0 > "$T/xxe.json"
expect_no_grep "external entity never expanded" "$T/xxe.json" "root:x:0"
ni inspect "$C/bad/xxe.rss" > "$T/xxe.inspect" 2>&1
expect_no_grep "inspect does not expand it either" "$T/xxe.inspect" "root:x:0"

# inspect shows what enrichment would find, with offsets, touching nothing
ni inspect "$C/good/mini.rss" > "$T/mini.inspect" 2>&1
expect_eq "inspect: entities found" "$(cj "$T/mini.inspect" get items.0.found.entities.1.name)" "Nora Quill"
expect_eq "inspect: a date resolved against publication" "$(cj "$T/mini.inspect" get items.0.found.dates.0.value)" "2025-12-01"
expect_eq "inspect: the dated event" "$(cj "$T/mini.inspect" get items.0.found.events.0.date)" "2025-12-01"
cj "$T/mini.inspect" get items.0.found.events.0.start > /dev/null && ok "inspect: events carry offsets" || not_ok "no offsets"

timeout 20 "$NEWSINDEX" --archive "$A" import "$C/bad/billion-laughs.rss" > /dev/null 2> "$T/bl.err"
st=$?
[ "$st" -ne 124 ] && ok "billion laughs is bounded (exit $st)" || not_ok "billion laughs timed out"

# a missing file among good ones: reported, the others stored, exit 4
rm -rf "$A"
ni import "$C/good/mini.rss" "$T/does-not-exist.rss" "$C/good/mini.jsonl" > /dev/null 2> "$T/missing.err"
expect_status "missing file among good ones" $? 4
expect_grep "missing file named" "$T/missing.err" "does-not-exist.rss: cannot open"
expect_eq "the other inputs were stored" "$(ni stats --format json | "$CHECKJSON" - get articles)" 6

# everything stored before is still there and the archive is sound
ni check > /dev/null 2>&1
expect_status "archive sound after bad input" $? 0

# COMMAND --help prints the manual (exit 0) and touches nothing
for c in import sync-shards optimize check; do
    "$NEWSINDEX" --archive "$T/help-archive" $c --help > "$T/help.out" 2> "$T/help.err"
    expect_status "newsindex $c --help" $? 0
    expect_grep "newsindex $c --help prints the manual" "$T/help.out" "^Usage: newsindex"
done
[ ! -e "$T/help-archive" ] && ok "--help created no archive" || not_ok "--help created an archive"

# archive that cannot be created or opened: exit 3 with path and reason
touch "$T/plainfile"
"$NEWSINDEX" --archive "$T/plainfile/sub" init > /dev/null 2> "$T/e3"
expect_status "archive under a file" $? 3
expect_grep "path in the message" "$T/e3" "plainfile"
"$NEWSQUERY" --archive "$T/nowhere" search x > /dev/null 2> "$T/e4"
expect_status "query a missing archive" $? 3
expect_grep "missing archive explained" "$T/e4" "newsindex init"

# a database that is not ours is refused and left unmodified
mkdir -p "$T/foreign"
printf 'CREATE TABLE t(x); INSERT INTO t VALUES (42);' > "$T/foreign.sql"
if command -v sqlite3 > /dev/null; then
    sqlite3 "$T/foreign/archive.db" < "$T/foreign.sql"
    sum1=$(cksum < "$T/foreign/archive.db")
    "$NEWSINDEX" --archive "$T/foreign" import "$C/good/mini.rss" > /dev/null 2> "$T/e5"
    expect_status "foreign database" $? 3
    expect_grep "foreign database explained" "$T/e5" "not a newsarchive archive"
    expect_eq "foreign database unmodified" "$(cksum < "$T/foreign/archive.db")" "$sum1"
fi
finish
