#!/bin/bash
# tools/bench/gencorpus --truth: the story of every generated article, the
# labels tools/eval/stories/bcubed.py scores the clustering against at any
# size. The articles must not change with the option (the benchmarks'
# cached corpora are made without it), every article must have its line,
# in order, under its exact URL, and the labels must be the generator's
# stories; an import of the corpus, scored against them, shows the
# clustering finds those stories.
. "$(dirname "$0")/lib.sh"

n=600
gcc -O2 -o "$T/gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }

"$T/gencorpus" --seed 3 "$n" > "$T/plain.jsonl" 2> /dev/null
"$T/gencorpus" --seed 3 --stats --truth "$T/truth.tsv" "$n" > "$T/in.jsonl" 2> "$T/stats"
expect_status "gencorpus --truth" $? 0
if cmp -s "$T/plain.jsonl" "$T/in.jsonl"; then
    ok "the articles are the same with --truth"
else
    not_ok "the articles are the same with --truth"
fi

expect_eq "one truth line an article" "$(wc -l < "$T/truth.tsv" | tr -d ' ')" "$n"
# the corpus's URLs, in order, against the truth's first column
sed -e 's/^{"url":"\([^"]*\)".*/\1/' "$T/in.jsonl" > "$T/urls"
cut -f1 "$T/truth.tsv" > "$T/truth-urls"
if cmp -s "$T/urls" "$T/truth-urls"; then
    ok "truth URLs are the articles' URLs, in order"
else
    not_ok "truth URLs are the articles' URLs, in order: $(diff "$T/urls" "$T/truth-urls" | head -4)"
fi
stories=$(sed -n 's/^stories: //p' "$T/stats")
expect_eq "one label a generated story" "$(cut -f2 "$T/truth.tsv" | sort -u | wc -l | tr -d ' ')" "$stories"
# stories are numbered 1..stories
bad=$(awk -F'\t' -v s="$stories" '$2 !~ /^[0-9]+$/ || $2 < 1 || $2 > s' "$T/truth.tsv" | wc -l)
expect_eq "labels are story numbers" "$bad" 0

"$T/gencorpus" --truth "$T/no/such/dir/t.tsv" 5 > /dev/null 2> "$T/err"
expect_status "unwritable --truth" $? 1
expect_grep "unwritable --truth named" "$T/err" "no/such/dir/t.tsv"
"$T/gencorpus" --truth > /dev/null 2> "$T/err"
expect_status "--truth without a file" $? 2

# the clustering against the generator's stories (B-cubed F1 about 0.95
# on this corpus at 80,000 articles; a clustering that put every article
# in a story of its own, or all in one, scores far lower)
ni -q import "$T/in.jsonl" 2> "$T/import.err"
expect_status "import of the generated corpus" $? 0
python3 "$SRCDIR/tools/eval/stories/bcubed.py" "$T/truth.tsv" "$NEWSQUERY" "$A" > "$T/bcubed" 2>&1
expect_status "bcubed.py" $? 0
f1=$(sed -n 's/.*F1 \([0-9.]*\).*/\1/p' "$T/bcubed")
if awk -v f="$f1" 'BEGIN { exit !(f >= 0.85) }'; then
    ok "stories found: B-cubed F1 $f1"
else
    not_ok "stories found: B-cubed F1 '$f1' < 0.85 ($(cat "$T/bcubed"))"
fi

finish
