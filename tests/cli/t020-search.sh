#!/bin/bash
# newsquery search: JSON shape, ranking options, filters, query errors, show.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }

nq search putin --format json > "$T/s.json"
expect_status "search json" $? 0
cj "$T/s.json" && ok "search output parses as JSON" || not_ok "search json invalid"
n=$(cj "$T/s.json" length .)
[ "$n" -ge 3 ] && ok "putin matches several articles ($n)" || not_ok "putin matches $n"
for key in id url source title published snippet score story persons places orgs; do
    cj "$T/s.json" get "0.$key" > /dev/null 2>&1 && ok "result has $key" || not_ok "result lacks $key"
done
cj "$T/s.json" get 0.snippet | grep -qi '<mark>putin</mark>' && ok "snippet marks the match" || not_ok "snippet unmarked: $(cj "$T/s.json" get 0.snippet)"

# --limit / --offset
nq search putin --format json --limit 2 > "$T/l.json"
expect_eq "--limit 2" "$(cj "$T/l.json" length .)" 2
nq search putin --format json --limit 1 --offset 1 > "$T/o.json"
expect_eq "--offset 1 gives the second result" "$(cj "$T/o.json" get 0.id)" "$(cj "$T/l.json" get 1.id)"

# --sort newest: published dates descending; oldest: ascending
nq search putin --format jsonl --sort newest --limit 0 > "$T/new.jsonl"
sed -n 's/.*"published":"\([^"]*\)".*/\1/p' "$T/new.jsonl" > "$T/new.dates"
sort -r "$T/new.dates" | cmp -s - "$T/new.dates" && ok "--sort newest orders by date" || not_ok "--sort newest out of order"
nq search putin --format jsonl --sort oldest --limit 0 > "$T/old.jsonl"
sed -n 's/.*"published":"\([^"]*\)".*/\1/p' "$T/old.jsonl" > "$T/old.dates"
sort "$T/old.dates" | cmp -s - "$T/old.dates" && ok "--sort oldest orders by date" || not_ok "--sort oldest out of order"
expect_eq "jsonl lines are objects" "$(cj "$T/new.jsonl" lines)" "$(wc -l < "$T/new.jsonl" | tr -d ' ')"

# date restrictions
all=$(nq search putin --count)
part=$(nq search putin --count --since 2025-12-03 --until 2025-12-03)
[ "$part" -ge 1 ] && [ "$part" -lt "$all" ] && ok "--since/--until narrow ($part of $all)" || not_ok "--since/--until: $part of $all"
nq search putin --format jsonl --since 2025-12-03 --until 2025-12-03 --limit 0 > "$T/day.jsonl"
bad=$(sed -n 's/.*"published":"\([^"]*\)".*/\1/p' "$T/day.jsonl" | grep -vc '^2025-12-03')
expect_eq "every result inside the window" "$bad" 0
expect_eq "date: term equals --since/--until" "$(nq search 'putin date:2025-12-03' --count)" "$part"

# operators
both=$(nq search 'putin witkoff' --count)
either=$(nq search 'putin OR witkoff' --count)
onlyp=$(nq search 'putin -witkoff' --count)
[ "$both" -le "$either" ] && ok "AND <= OR ($both <= $either)" || not_ok "AND > OR"
expect_eq "putin = (putin witkoff) + (putin -witkoff)" "$all" "$((both + onlyp))"
phrase=$(nq search '"five-hour meeting"' --count)
[ "$phrase" -ge 1 ] && ok "phrase matches ($phrase)" || not_ok "phrase matches nothing"
[ "$(nq search '"meeting five-hour"' --count)" -lt "$phrase" ] || [ "$phrase" -eq 0 ] && ok "word order matters in a phrase" || not_ok "phrase ignores order"

# the same query in text and JSON reports the same articles
nq search witkoff --format text > "$T/t.txt"
nq search witkoff --format json > "$T/t.json"
first_title=$(cj "$T/t.json" get 0.title)
expect_grep "text shows the first JSON result" "$T/t.txt" "$first_title"

# query errors: exit 2 with the column
nq search '"unclosed quote' > /dev/null 2> "$T/e1"
expect_status "unclosed quote" $? 2
expect_grep "error names the column" "$T/e1" "column 1"
nq search 'putin OR' > /dev/null 2> "$T/e2"
expect_status "lone OR" $? 2
expect_grep "lone OR message" "$T/e2" "query error at column"
nq search putin --sort sideways > /dev/null 2> "$T/e3"
expect_status "bad --sort" $? 2
nq search nosuchwordanywhere --fail-empty > /dev/null
expect_status "--fail-empty with no match" $? 1
nq search nosuchwordanywhere > /dev/null
expect_status "no match without --fail-empty" $? 0

# show: the same article, with its body
id=$(cj "$T/s.json" get 0.id)
nq show "$id" --format json > "$T/show.json"
expect_status "show" $? 0
expect_eq "show returns the article" "$(cj "$T/show.json" get title)" "$(cj "$T/s.json" get 0.title)"
cj "$T/show.json" get body | grep -qi putin && ok "show has the body" || not_ok "show body lacks the word"
raw=$(cj "$T/show.json" get published_raw)
[ -n "$raw" ] && [ "$raw" != null ] && ok "the date as the feed wrote it is kept ($raw)" || not_ok "published_raw missing"
# listing everything: '' with --since 1970 (time 0) is a date bound like any other
n1970=$(nq search '' --since 1970 --count 2> "$T/e1970")
expect_status "search '' --since 1970" $? 0
n1900=$(nq search '' --since 1900 --count)
expect_eq "--since 1970 lists what --since 1900 lists" "$n1970" "$n1900"
nq show 999999999 > /dev/null 2> "$T/e4"
expect_status "show unknown id" $? 1
expect_grep "unknown id message" "$T/e4" "no article with id 999999999"
finish
