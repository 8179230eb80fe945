#!/bin/bash
# story and timeline: the seed page's shape, in text and JSON.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> /dev/null || exit 1
story=$(nq search 'witkoff moscow' --limit 1 --format json | "$CHECKJSON" - get 0.story)
[ "$story" -ge 1 ] 2>/dev/null && ok "the article has a story ($story)" || not_ok "no story: $story"

nq story "$story" --format json > "$T/story.json"
expect_status "story json" $? 0
cj "$T/story.json" && ok "story JSON parses" || not_ok "story JSON invalid"
for key in id title updated article_count summary sources timeline; do
    cj "$T/story.json" get "$key" > /dev/null 2>&1 && ok "story has $key" || not_ok "story lacks $key"
done
count=$(cj "$T/story.json" get article_count)
expect_eq "sources list every article" "$(cj "$T/story.json" length sources)" "$count"
expect_eq "sources numbered from 1" "$(cj "$T/story.json" get sources.0.n)" 1
npar=$(cj "$T/story.json" length summary)
[ "$npar" -ge 3 ] && [ "$npar" -le 5 ] && ok "summary has 3-5 paragraphs ($npar)" || not_ok "summary paragraphs: $npar"
for key in heading sentences.0.text sentences.0.citations.0.n sentences.0.citations.0.article \
           sentences.0.citations.0.url sentences.0.citations.0.start sentences.0.citations.0.end; do
    cj "$T/story.json" get "summary.0.$key" > /dev/null 2>&1 && ok "summary paragraph has $key" || not_ok "summary lacks $key"
done
multi=$(grep -c '"citations":' "$T/story.json")
[ "$multi" -ge 3 ] && ok "summary sentences carry citations" || not_ok "citations: $multi"
ntl=$(cj "$T/story.json" length timeline)
[ "$ntl" -ge 1 ] && ok "story has a timeline ($ntl)" || not_ok "empty story timeline"
cj "$T/story.json" get timeline.0.sources.0.url | grep -q '^https://' && ok "timeline entries cite URLs" || not_ok "timeline citation lacks url"

nq story "$story" > "$T/story.txt"
expect_grep "text: Updated (N articles)" "$T/story.txt" "Updated ($count article"
expect_grep "text: Sources" "$T/story.txt" "Sources ($count articles)"
expect_grep "text: Timeline" "$T/story.txt" "^Timeline"
grep -Eq '^[A-Z][a-z]{2} [0-9]{1,2}, 20[0-9]{2} – .*\[[0-9]+\]' "$T/story.txt" && ok "timeline lines read 'Mon D, YYYY – text [n]'" || not_ok "timeline line shape"
grep -Eq '\. \[[0-9]+\](\[[0-9]+\])* [A-Z]' "$T/story.txt" && ok "summary sentences are each followed by [n]" || not_ok "summary citation shape"
grep -Eq '^\[[0-9]+\] .* – .* \(20[0-9]{2}-[0-9]{2}-[0-9]{2}\)$' "$T/story.txt" && ok "sources read '[n] source – title (date)'" || not_ok "sources line shape"

# timeline over a date range: event dates inside it, in order
nq timeline witkoff --since 2025-11-28 --until 2025-12-05 --format json > "$T/tl.json"
expect_status "timeline json" $? 0
n=$(cj "$T/tl.json" length .)
[ "$n" -ge 2 ] && ok "timeline has entries ($n)" || not_ok "timeline entries: $n"
for key in date granularity text sources; do
    cj "$T/tl.json" get "0.$key" > /dev/null 2>&1 && ok "entry has $key" || not_ok "entry lacks $key"
done
for key in n article source url title; do
    cj "$T/tl.json" get "0.sources.0.$key" > /dev/null 2>&1 && ok "citation has $key" || not_ok "citation lacks $key"
done
nq timeline witkoff --since 2025-11-28 --until 2025-12-05 --format jsonl > "$T/tl.jsonl"
sed -n 's/^{"date":"\([^"]*\)".*/\1/p' "$T/tl.jsonl" > "$T/tl.dates"
expect_eq "every entry dated" "$(wc -l < "$T/tl.dates")" "$n"
sort "$T/tl.dates" | cmp -s - "$T/tl.dates" && ok "entries in date order" || not_ok "entries out of order"
out=$(awk '$0 < "2025-11-28" || $0 > "2025-12-05"' "$T/tl.dates" | wc -l)
expect_eq "entries inside the range" "$out" 0
nq story 99999 > /dev/null 2>&1
expect_status "unknown story" $? 1
finish
