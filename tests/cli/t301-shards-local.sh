#!/bin/bash
# Xapian shards in local directories (issue 8): a stub file of local paths
# (relative to the stub), $NEWSARCHIVE_SHARDS as the default for both
# programs, sync-shards --rebuild, and the usage errors of the options.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/shards-lib.sh"

gencorpus="$(dirname "$NEWSINDEX")/../tools/gencorpus"
if [ ! -x "$gencorpus" ]; then
    gencorpus="$T/gencorpus"
    gcc -O2 -o "$gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }
fi
"$gencorpus" --seed 41 --start 2025-03-01 --days 300 200 > "$T/gen.jsonl"

mkdir -p "$T/conf"
STUB="$T/conf/local.stub"
printf '# two local shards\nauto shard-a\n\n%s\n' "$T/shard-b" > "$STUB"

# --- usage errors and what cannot be opened ------------------------------
nq --backend bogus search x > /dev/null 2> "$T/err"
expect_status "--backend bogus" $? 2
"$NEWSQUERY" --backend xapian search x > /dev/null 2> "$T/err"
expect_status "--backend xapian without a stub" $? 2
expect_grep "--backend xapian without a stub says how to give one" "$T/err" "NEWSARCHIVE_SHARDS"
nq --backend sqlite --shards "$STUB" search x > /dev/null 2> "$T/err"
expect_status "--shards with --backend sqlite" $? 2
"$NEWSQUERY" --shards "$T/no-such.stub" search x > /dev/null 2> "$T/err"
expect_status "a missing stub file" $? 3
expect_grep "a missing stub file is named" "$T/err" "no-such.stub"
ni sync-shards > /dev/null 2> "$T/err"
expect_status "sync-shards without a stub" $? 2

# --- --allow-partial keeps one shape on both backends ----------------------
ni -q import "$SRCDIR/samples" 2> /dev/null
nq --allow-partial search putin --format json > "$T/env.json"
expect_status "--allow-partial on the SQLite backend" $? 0
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["partial"] is False and d["unreachable_shards"] == [] and len(d["results"]) > 0' "$T/env.json"
expect_status "--allow-partial JSON: {results, partial: false, unreachable_shards: []}" $? 0
expect_eq "--allow-partial JSON Lines: a status line after the records" \
    "$(nq --allow-partial search putin --format jsonl | tail -n 1)" '{"partial":false,"unreachable_shards":[]}'
expect_eq "--allow-partial leaves CSV alone" "$(nq --allow-partial search putin --format csv | md5sum)" \
    "$(nq search putin --format csv | md5sum)"

# --- import with $NEWSARCHIVE_SHARDS: both programs use it ---------------
NEWSARCHIVE_SHARDS="$STUB" ni import "$SRCDIR/samples" "$T/gen.jsonl" > /dev/null 2> "$T/import.err"
expect_status "import with NEWSARCHIVE_SHARDS set" $? 0
expect_grep "import synced shard 1 (relative path)" "$T/import.err" "shard 1/2 .*shard-a: [1-9][0-9]* written"
expect_grep "import synced shard 2 (absolute path)" "$T/import.err" "shard 2/2 .*shard-b: [1-9][0-9]* written"
if [ -d "$T/conf/shard-a" ]; then ok "a relative shard path is taken from the stub's directory"
else not_ok "a relative shard path is taken from the stub's directory"; fi

NEWSARCHIVE_SHARDS="$STUB" "$NEWSQUERY" search --count putin > "$T/env.count" 2> "$T/err"
expect_status "newsquery with NEWSARCHIVE_SHARDS set" $? 0
expect_eq "NEWSARCHIVE_SHARDS makes xapian the default" "$(cat "$T/env.count")" \
    "$(nq search --count putin)"
NEWSARCHIVE_SHARDS="$T/no-such.stub" nq --backend sqlite search --count putin > /dev/null 2> "$T/err"
expect_status "--backend sqlite overrides NEWSARCHIVE_SHARDS" $? 0

the_same_answers "2 local shards:"

# --- a stub whose only shard cannot be created: exit 3, said plainly, and
# the archive still answers (nothing of it was touched)
mkdir -p "$T/ro" && touch "$T/ro/file"
printf 'auto %s\n' "$T/ro/file/shard" > "$T/bad.stub"
ni sync-shards --shards "$T/bad.stub" > /dev/null 2> "$T/bad.err"
expect_status "sync-shards when no shard can be written" $? 3
expect_grep "says no shard could be synced" "$T/bad.err" "no shard could be synced"
expect_grep "names the shard" "$T/bad.err" "$T/ro/file/shard"
nq search --count talks > /dev/null
expect_status "the archive still answers after the failed sync" $? 0

# --- a rebuild sends everything again and changes no answer --------------
ni sync-shards --shards "$STUB" --rebuild > "$T/rebuild.out" 2> "$T/rebuild.err"
expect_status "sync-shards --rebuild" $? 0
expect_grep "--rebuild writes every document again" "$T/rebuild.out" "shard 1/2 .*: [1-9][0-9]* written"
same "after --rebuild: search" ids search 'talks OR minister' --limit 0 --format json
same "after --rebuild: histogram" exact histogram '' --by week --format json
same "after --rebuild: entities" exact entities --limit 0 --format json

# --- a story correction reaches the shards at the next sync --------------
s1=$(nq stories 'talks OR minister OR putin' --format jsonl | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
s2=$(nq stories 'talks OR minister OR putin' --format jsonl | python3 -c 'import json,sys; l=sys.stdin.readlines(); print(json.loads(l[1])["id"] if len(l) > 1 else "")')
if [ -n "$s2" ]; then
    ni -q story merge "$s1" "$s2" > /dev/null 2>&1
    expect_status "story merge" $? 0
    ni sync-shards --shards "$STUB" > "$T/sync.out" 2> "$T/sync.err"
    expect_status "sync-shards after a story merge" $? 0
    same "after a story merge: stories" byid stories 'talks OR minister OR putin' --format json
    same "after a story merge: search" records search "story:$s1" --sort newest --limit 0 --format json
fi

finish
