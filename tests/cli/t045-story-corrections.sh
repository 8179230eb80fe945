#!/bin/bash
# story corrections (merge, split, move) survive `newsindex rebuild`, which
# reproduces the same stories; timelines merge a statement reported by
# several sources, keep the most important entries with --max-per-day, and
# follow one entity with --entity; near-duplicate copies count once.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> /dev/null || exit 1
sid() { nq search "$1" --limit 1 --format json | "$CHECKJSON" - get 0.story; }
aid() { nq search "$1" --limit 1 --format json | "$CHECKJSON" - get 0.id; }
story_of() { nq show "$1" --format json | "$CHECKJSON" - get story; }
stories() { nq search '' --since 1900 --limit 0 --sort oldest --format jsonl | sed 's/^{"id":\([0-9]*\).*"story":\([0-9]*\).*/\1 \2/'; }

# rebuild alone reproduces its own stories
ni -q rebuild || not_ok "rebuild failed"
stories > "$T/r1"
ni -q rebuild
stories > "$T/r2"
cmp -s "$T/r1" "$T/r2" && ok "rebuild twice gives the same stories" || not_ok "rebuild not reproducible"

talks=$(sid 'witkoff umerov')
trial=$(sid 'corvane okafor')
[ "$talks" != "$trial" ] && ok "talks and trial are different stories" || not_ok "talks = trial"
nq search corvane --limit 0 --sort oldest --format jsonl | sed 's/^{"id":\([0-9]*\).*/\1/' > "$T/trial.ids"
t1=$(sed -n 1p "$T/trial.ids"); t2=$(sed -n 2p "$T/trial.ids"); t3=$(sed -n 3p "$T/trial.ids")
flood=$(aid 'gunja levee')

ni story merge "$talks" "$trial" > "$T/merge.out"
expect_status "story merge" $? 0
expect_eq "merged: trial article in the talks story" "$(story_of "$t3")" "$talks"
ni story split "$talks" --articles "$t1,$t2" > "$T/split.out"
expect_status "story split" $? 0
new=$(story_of "$t1")
expect_eq "split: both articles in one story" "$(story_of "$t2")" "$new"
[ "$new" != "$talks" ] && ok "split: a new story ($new)" || not_ok "split: still in $talks"
ni story move "$flood" --to "$talks" > /dev/null
expect_status "story move" $? 0
expect_eq "moved article in target" "$(story_of "$flood")" "$talks"
ni story move "$flood" --to 99999 > /dev/null 2>&1
expect_status "move to an unknown story" $? 2

ni -q rebuild
talks2=$(story_of "$(aid 'witkoff umerov')")
expect_eq "after rebuild: merge kept (trial joined talks)" "$(story_of "$t3")" "$talks2"
expect_eq "after rebuild: split kept" "$(story_of "$t2")" "$(story_of "$t1")"
[ "$(story_of "$t1")" != "$talks2" ] && ok "after rebuild: split articles apart" || not_ok "split lost"
expect_eq "after rebuild: move kept" "$(story_of "$flood")" "$talks2"
stories > "$T/r3"; ni -q rebuild; stories > "$T/r4"
cmp -s "$T/r3" "$T/r4" && ok "rebuild with decisions reproducible" || not_ok "decisions not reproducible"

# near-duplicate statements from two sources on one date: one entry
cat > "$T/osijek.jsonl" <<'JSON'
{"url":"https://one.example/osijek-bridge","source":"One Daily","title":"Osijek closes Drava bridge after cracks found","published":"2025-10-08T09:00:00Z","body":"Officials said the bridge over the Drava in Osijek was closed on Tuesday after cracks were found in two of its pillars.\n\nTraffic was diverted through the city centre on Tuesday, causing long queues.\n\nThe bridge was built in 1962."}
{"url":"https://two.example/drava-bridge-shut","source":"Two Herald","title":"Drava bridge in Osijek shut over cracked pillars","published":"2025-10-08T11:00:00Z","body":"The bridge over the Drava in Osijek was closed on Tuesday after inspectors found cracks in two of its pillars, officials said.\n\nCity buses were rerouted on Tuesday to the southern bridge.\n\nRepairs could take months."}
JSON
ni -q import "$T/osijek.jsonl" 2> /dev/null
nq timeline osijek --since 2025-10-07 --until 2025-10-07 --format json > "$T/os.json"
expect_eq "three statements that day" "$(cj "$T/os.json" length .)" 3
expect_eq "reworded statement cites both sources" "$(cj "$T/os.json" length 0.sources)" 2
[ "$(cj "$T/os.json" get 0.sources.0.source)" != "$(cj "$T/os.json" get 0.sources.1.source)" ] \
    && ok "the two citations are different sources" || not_ok "same source twice"
expect_eq "entry date is the event date" "$(cj "$T/os.json" get 0.date)" "2025-10-07"
nq timeline osijek --since 2025-10-07 --until 2025-10-07 --max-per-day 1 --format json > "$T/os1.json"
expect_eq "--max-per-day 1 keeps one entry" "$(cj "$T/os1.json" length .)" 1
expect_eq "--max-per-day keeps the best-supported entry" "$(cj "$T/os1.json" length 0.sources)" 2
nq timeline osijek --format json > "$T/osa.json"; nq timeline osijek --format json > "$T/osb.json"
cmp -s "$T/osa.json" "$T/osb.json" && ok "timeline reproducible" || not_ok "timeline differs"

# --entity: the timeline of the articles mentioning one person
art=$(aid 'witkoff umerov')
nq show "$art" --format json > "$T/show.json"
ent=$(cj "$T/show.json" get entities.0.id)
name=$(cj "$T/show.json" get entities.0.name)
kind=$(cj "$T/show.json" get entities.0.kind)
nq timeline --entity "$ent" --format jsonl > "$T/ent.jsonl"
expect_status "timeline --entity" $? 0
n=$(wc -l < "$T/ent.jsonl")
[ "$n" -ge 2 ] && ok "entity timeline has entries ($n for $name)" || not_ok "entity timeline: $n"
sed -n 's/^{"date":"\([^"]*\)".*/\1/p' "$T/ent.jsonl" > "$T/ent.dates"
sort "$T/ent.dates" | cmp -s - "$T/ent.dates" && ok "entity timeline in date order" || not_ok "entity timeline order"
grep -o '"article":[0-9]*' "$T/ent.jsonl" | sort -u | sed 's/.*://' > "$T/ent.arts"
nq search "$kind:\"$name\"" --since 1900 --limit 0 --format jsonl | sed 's/^{"id":\([0-9]*\).*/\1/' | sort -u > "$T/person.arts"
extra=$(comm -23 "$T/ent.arts" "$T/person.arts" | wc -l)
expect_eq "entity timeline cites only articles mentioning $name" "$extra" 0
nq timeline --entity 99999999 > /dev/null 2>&1
expect_status "unknown entity" $? 1

# a syndicated copy is listed with its original and counted once
nq story "$talks2" --format json > "$T/st.json"
count=$(cj "$T/st.json" get article_count)
expect_eq "sources list each text once" "$(cj "$T/st.json" length sources)" "$count"
grep -Eq '"copies":[[:space:]]*\[[[:space:]]*\{' "$T/st.json" && ok "a copy is listed under its original" || not_ok "no copies listed"
finish
