#!/bin/bash
# newsquery stories, entities, histogram, export, show --versions,
# search --collapse story, field terms under OR and -, unknown entities.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }
cnt() { nq search "$1" --count; }

# ---- field terms under OR and - ----
p=$(cnt 'person:Putin'); w=$(cnt 'person:Witkoff'); pw=$(cnt 'person:Putin person:Witkoff')
expect_eq "person:A OR person:B = A + B - both" "$(cnt 'person:Putin OR person:Witkoff')" "$((p + w - pw))"
all=$(cnt putin); ledger=$(cnt 'putin source:ledger.example')
[ "$ledger" -ge 1 ] && ok "putin in ledger.example ($ledger)" || not_ok "no putin in ledger.example"
expect_eq "putin -source:X = putin - (putin source:X)" "$(cnt 'putin -source:ledger.example')" "$((all - ledger))"
expect_eq "NOT works like -" "$(cnt 'putin NOT source:ledger.example')" "$((all - ledger))"
d1=$(cnt 'date:2025-12-01')
expect_eq "-date: excludes the day" "$(cnt 'putin -date:2025-12-01')" "$((all - $(cnt 'putin date:2025-12-01')))"
[ "$d1" -ge 1 ] && ok "date:2025-12-01 alone ($d1)" || not_ok "date alone: $d1"
expect_eq "person:\"Vladimir Putin\" = person:Putin" "$(cnt 'person:"Vladimir Putin"')" "$p"
expect_eq "entity names ignore case" "$(cnt 'person:putin')" "$p"
expect_eq "a place named as a person matches nothing" "$(cnt 'person:Moscow')" 0

# unknown entity: exit 2, says so, suggests close names
nq search 'person:Putn' > /dev/null 2> "$T/unk"
expect_status "unknown person" $? 2
expect_grep "unknown person named" "$T/unk" "unknown person 'Putn'"
expect_grep "closest name suggested" "$T/unk" "did you mean.*Putin"
nq search 'talks OR place:Atlantisx' > /dev/null 2> "$T/unk2"
expect_status "unknown place under OR" $? 2
expect_grep "unknown place message" "$T/unk2" "unknown place 'Atlantisx'"

# ---- search --collapse story ----
nq search putin --format json --limit 0 > "$T/all.json"
nq search putin --format json --limit 0 --collapse story > "$T/col.json"
n_all=$(cj "$T/all.json" length .); n_col=$(cj "$T/col.json" length .)
[ "$n_col" -lt "$n_all" ] && ok "collapse shrinks ($n_col < $n_all)" || not_ok "collapse: $n_col vs $n_all"
dups=$(grep -o '"story":[0-9]*' "$T/col.json" | sort | uniq -d | wc -l)
expect_eq "at most one article per story" "$dups" 0
nq search putin --format json --limit 1 --collapse story > "$T/col1.json"
expect_eq "collapsed first hit is the best hit" "$(cj "$T/col1.json" get 0.id)" "$(cj "$T/all.json" get 0.id)"

# ---- stories ----
nq stories putin --format json > "$T/st.json"
expect_status "stories" $? 0
cj "$T/st.json" && ok "stories JSON" || not_ok "stories JSON invalid"
for key in id title matches article_count first_match last_match first_date last_date; do
    cj "$T/st.json" get "0.$key" > /dev/null 2>&1 && ok "story record has $key" || not_ok "story record lacks $key"
done
sid=$(cj "$T/st.json" get 0.id)
expect_eq "story matches = search story:ID putin" "$(cj "$T/st.json" get 0.matches)" "$(cnt "putin story:$sid")"

# ---- entities ----
nq entities putin --format json > "$T/e.json"
expect_status "entities" $? 0
for key in id kind name count; do
    cj "$T/e.json" get "0.$key" > /dev/null 2>&1 && ok "entity record has $key" || not_ok "entity lacks $key"
done
top=$(cj "$T/e.json" get 0.name); topc=$(cj "$T/e.json" get 0.count); topk=$(cj "$T/e.json" get 0.kind)
expect_eq "entity count = search with it" "$topc" "$(cnt "putin $topk:\"$top\"")"
nq entities putin --kind place --format jsonl > "$T/ep.jsonl"
expect_eq "--kind place gives places only" "$(grep -vc '"kind":"place"' "$T/ep.jsonl")" 0
nq entities --with person:Putin --format json --limit 0 > "$T/w.json"
expect_no_grep "--with leaves the entity out" "$T/w.json" '"name":"Vladimir Putin"'
wit=$(grep -o '"name":"Steve Witkoff","count":[0-9]*' "$T/w.json" | sed 's/.*://')
expect_eq "--with counts co-mentions" "$wit" "$pw"
nq entities --with person:Nobodyknown > /dev/null 2> "$T/we"
expect_status "--with unknown entity" $? 2

# ---- histogram ----
nq histogram putin --by day --format json > "$T/h.json"
expect_status "histogram" $? 0
sum=$(grep -o '"count":[0-9]*' "$T/h.json" | sed 's/.*://' | paste -sd+ | bc)
expect_eq "day counts add up to the total" "$sum" "$all"
nq histogram putin --by week --format json > "$T/hw.json"
expect_eq "week counts add up" "$(grep -o '"count":[0-9]*' "$T/hw.json" | sed 's/.*://' | paste -sd+ | bc)" "$all"
expect_eq "weeks start on Monday (2025-12-01)" "$(cj "$T/hw.json" get 0.start)" "2025-12-01"
nq histogram putin --by month --format json > "$T/hm.json"
expect_eq "one month" "$(cj "$T/hm.json" length .)" 1
nq histogram putin --by month > "$T/hm.txt"
expect_grep "text bar chart" "$T/hm.txt" "2025-12-01 *$all #"

# ---- export ----
nq export putin > "$T/x.jsonl"
expect_status "export" $? 0
expect_eq "export rows = search --count" "$(cj "$T/x.jsonl" lines)" "$all"
nq export '' > "$T/xall.jsonl"
total=$(ni stats --format json | cj - get articles)
expect_eq "export of everything = every article" "$(cj "$T/xall.jsonl" lines)" "$total"
nq export putin --fields id,title,persons --format csv > "$T/x.csv"
expect_eq "csv header" "$(head -n 1 "$T/x.csv" | tr -d '\r')" "id,title,persons"
expect_eq "csv rows" "$(($(wc -l < "$T/x.csv") - 1))" "$all"
nq export putin --with-body --format json > "$T/xb.json"
cj "$T/xb.json" get 0.body | grep -qi putin && ok "--with-body has the body" || not_ok "--with-body lacks body"
nq export putin --limit 2 > "$T/x2.jsonl"
expect_eq "--limit caps export" "$(cj "$T/x2.jsonl" lines)" 2
nq export putin --fields id,nosuch > /dev/null 2> "$T/xf"
expect_status "unknown --fields" $? 2

# ---- show --versions ----
# the samples hold one article seen in two versions: find it
vid=
for id in $(sed 's/.*"id":\([0-9]*\).*/\1/' "$T/xall.jsonl"); do
    nq show "$id" --format json > "$T/v.json"
    if [ "$(cj "$T/v.json" get version)" -gt 1 ]; then vid=$id; break; fi
done
[ -n "$vid" ] && ok "an updated article exists ($vid)" || not_ok "no updated article in the samples"
nq show "$vid" --versions --format json > "$T/v.json"
expect_status "show --versions" $? 0
expect_eq "one earlier version listed" "$(cj "$T/v.json" length versions)" "$(($(cj "$T/v.json" get version) - 1))"
expect_eq "earlier version numbered 1" "$(cj "$T/v.json" get versions.0.version)" 1
old_text=$(for k in title summary body; do cj "$T/v.json" get "versions.0.$k"; done)
cur_text=$(for k in title summary body; do cj "$T/v.json" get "$k"; done)
[ "$old_text" != "$cur_text" ] \
    && ok "earlier text differs from the current one" || not_ok "earlier version equals current"
nq show "$vid" --versions > "$T/v.txt"
expect_grep "text shows the earlier version" "$T/v.txt" "version 1, current until"
nq show "$vid" --format json > "$T/nv.json"
expect_eq "versions null without --versions" "$(cj "$T/nv.json" get versions)" "null"

# ---- text and JSON report the same results ----
for cmd in "search putin" "stories putin" "entities putin" "histogram putin"; do
    nq $cmd --format json > "$T/same.json"
    nq $cmd --format text > "$T/same.txt"
    n_json=$(cj "$T/same.json" length .)
    case "$cmd" in
        search*) n_txt=$(grep -c '^ *[0-9]*\. ' "$T/same.txt") ;;
        *) n_txt=$(grep -c . "$T/same.txt") ;;
    esac
    expect_eq "$cmd: text and JSON have as many results" "$n_txt" "$n_json"
done
finish
