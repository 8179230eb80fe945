#!/bin/bash
# Golden files pin the output of every newsquery command on the sample
# archive (tests/cli/golden/t052/NAME.out), volatile fields masked: import
# times (first_seen, updated, a version's seen), capture file names and
# BM25 scores (their last digits depend on the ranking path).
# Regenerate after an intended change with:
#   UPDATE_GOLDEN=1 ctest -R t052   (then review the diff before committing)
. "$(dirname "$0")/lib.sh"

G="$SRCDIR/tests/cli/golden/t052"
ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }

mask() {
    sed -e 's/"\(first_seen\|updated\|seen\)":\([ \t]*\)"[^"]*"/"\1":\2"MASKED"/g' \
        -e 's/"capture":\([ \t]*\)"[^"]*"/"capture":\1"MASKED"/g' \
        -e 's/"score":\([ \t]*\)[-0-9.eE+]*/"score":\1"MASKED"/g'
}

# golden NAME ARGS...: run newsquery ARGS, mask, compare with NAME.out
golden() {
    local name=$1; shift
    nq "$@" > "$T/raw" 2> "$T/err"
    local st=$?
    mask < "$T/raw" > "$T/$name.out"
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        cp "$T/$name.out" "$G/$name.out"
    fi
    if [ "$st" -ne 0 ]; then
        not_ok "$name: exit $st ($(head -c 300 "$T/err"))"
    elif diff -u "$G/$name.out" "$T/$name.out" > "$T/$name.diff"; then
        ok "$name matches its golden file"
    else
        not_ok "$name differs from $G/$name.out:"; head -n 40 "$T/$name.diff"
    fi
}

golden search-json search putin --format json
golden search-text search putin --limit 5
golden search-csv search 'witkoff OR kushner' --format csv --sort newest
golden search-collapse search putin --collapse story --format jsonl
golden search-count search 'person:Putin -source:ledger.example' --count --format json
golden stories-json stories putin --format json
golden stories-text stories talks
golden entities-json entities putin --format json --limit 10
golden entities-with entities --with person:Witkoff --kind person --format jsonl
golden entities-text entities 'date:2025-12' --kind place --limit 5
golden histogram-json histogram putin --by week --format json
golden histogram-text histogram 'talks OR meeting' --by day
golden export-jsonl export 'putin OR kremlin'
golden export-csv export 'place:Donbas' --fields id,published,title,persons,places --format csv
golden export-json-body export 'title:miami' --with-body --format json
vid=$(nq export '' --fields id,title --format jsonl | grep -m1 'Witkoff and Umerov meet in Miami' | sed 's/.*"id":\([0-9]*\).*/\1/')
golden show-versions show "$vid" --versions --format jsonl
# a story page and an entity's timeline (their citations carry article ids)
sid=$(nq stories putin --format jsonl | head -n 1 | sed 's/.*"id":\([0-9]*\).*/\1/')
golden story-json story "$sid" --format json
eid=$(nq entities putin --kind person --format jsonl --limit 1 | sed 's/.*"id":\([0-9]*\).*/\1/')
golden timeline-entity timeline --entity "$eid" --format json
finish
