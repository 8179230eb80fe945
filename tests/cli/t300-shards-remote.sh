#!/bin/bash
# Xapian shards over the remote protocol (issue 8): three writable
# xapian-tcpsrv shards on 127.0.0.1 get the sample corpus plus generated
# articles; every query command gives the same answers as the SQLite
# archive. A shard stopped mid-run is named and fails the query (exit 3),
# or with --allow-partial leaves a partial answer marked as such; an
# import while it is down reports it; after a restart, sync-shards brings
# it back and the answers are equal again.
#   SHARDS_ARTICLES  generated articles (default 300)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/shards-lib.sh"
require_xapian_tools

n_articles=${SHARDS_ARTICLES:-300}
gencorpus="$(dirname "$NEWSINDEX")/../tools/gencorpus"
if [ ! -x "$gencorpus" ]; then
    gencorpus="$T/gencorpus"
    gcc -O2 -o "$gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }
fi
"$gencorpus" --seed 31 --start 2025-06-01 --days 240 "$n_articles" > "$T/gen.jsonl"
"$gencorpus" --seed 32 --start 2025-06-01 --days 240 60 > "$T/more.jsonl"

for k in 1 2 3; do
    start_shard $k || { not_ok "shard $k starts"; finish; exit; }
done
{
    echo "# three shards on this machine (issue 8 test)"
    for k in 1 2 3; do echo "remote tcp 127.0.0.1 ${shard_ports[$k]}"; done
} > "$STUB"
ok "three xapian-tcpsrv shards listen on ports ${shard_ports[*]}"

# --- import syncs the shards as it goes --------------------------------
ni -q import "$SRCDIR/samples" 2> "$T/import1.err"
expect_status "import samples (no shards yet)" $? 0
ni import --shards "$STUB" "$T/gen.jsonl" > "$T/import2.out" 2> "$T/import2.err"
expect_status "import --shards" $? 0
for k in 1 2 3; do
    expect_grep "import --shards: a summary line for shard $k" "$T/import2.err" \
        "shard $k/3 $(shard_name $k): [0-9]* written, [0-9]* deleted, now at change [0-9]*"
done
ni sync-shards --shards "$STUB" > "$T/sync0.out" 2> "$T/sync0.err"
expect_status "sync-shards when nothing changed" $? 0
expect_grep "sync-shards: nothing to write when up to date" "$T/sync0.out" "shard 1/3 .*: 0 written"

the_same_answers "3 remote shards:"

# --- things only the SQLite archive answers ------------------------------
id=$(nq search putin --limit 1 --format jsonl | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
"$NEWSQUERY" --shards "$STUB" show "$id" --versions > /dev/null 2> "$T/unsup.err"
expect_status "show --versions on the shards" $? 2
expect_grep "show --versions on the shards says what to do" "$T/unsup.err" "show needs the SQLite archive.*--backend sqlite"
story=$(nq search putin --limit 1 --format jsonl | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["story"])')
"$NEWSQUERY" --shards "$STUB" story "$story" > "$T/unsup.out" 2> "$T/unsup.err"
expect_status "story page on the shards" $? 2
expect_eq "story page on the shards writes nothing on stdout" "$(wc -c < "$T/unsup.out")" 0
same "timeline --story on the shards" exact timeline --story "$story" --format json

# --- a shard goes down ----------------------------------------------------
stop_shard 2
down=$(shard_name 2)
"$NEWSQUERY" --shards "$STUB" search putin --format json > "$T/down.out" 2> "$T/down.err"
expect_status "search with a shard down" $? 3
expect_grep "search with a shard down names it" "$T/down.err" "$down"
"$NEWSQUERY" --shards "$STUB" histogram '' --by month > /dev/null 2> "$T/down2.err"
expect_status "histogram with a shard down" $? 3

"$NEWSQUERY" --shards "$STUB" --allow-partial search 'talks OR minister' --limit 0 --format json \
    > "$T/partial.json" 2> "$T/partial.err"
expect_status "search --allow-partial with a shard down" $? 0
expect_grep "--allow-partial warns on stderr naming the shard" "$T/partial.err" "partial answer.*$down"
nq search 'talks OR minister' --limit 0 --format json > "$T/full.json"
python3 - "$T/partial.json" "$T/full.json" "$down" > "$T/partial.msg" <<'EOF'
import json, sys
p, full, down = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert p["partial"] is True, "partial is %r" % p["partial"]
assert p["unreachable_shards"] == [down], p["unreachable_shards"]
got, want = {r["id"] for r in p["results"]}, {r["id"] for r in full}
assert got and got < want, "partial %d of %d, subset %s" % (len(got), len(want), got <= want)
print("%d of %d" % (len(got), len(want)))
EOF
if [ $? = 0 ]; then ok "partial JSON: marked, names the shard, a strict subset ($(cat "$T/partial.msg"))"
else not_ok "partial JSON: $(cat "$T/partial.msg")"; fi

"$NEWSQUERY" --shards "$STUB" --allow-partial export 'talks OR minister' > "$T/partial.jsonl" 2> /dev/null
expect_status "export --allow-partial with a shard down" $? 0
expect_eq "partial JSON Lines end with the status line" "$(tail -n 1 "$T/partial.jsonl")" \
    "{\"partial\":true,\"unreachable_shards\":[\"$down\"]}"
"$NEWSQUERY" --shards "$STUB" --allow-partial search --count 'talks OR minister' --format json \
    > "$T/pcount.json" 2> /dev/null
expect_grep "partial count is marked" "$T/pcount.json" "\"partial\":true,\"unreachable_shards\":\[\"$down\"\]"
"$NEWSQUERY" --shards "$STUB" --allow-partial histogram '' --by month --format csv > "$T/pcsv" 2> "$T/pcsv.err"
expect_status "histogram --allow-partial as CSV" $? 0
expect_no_grep "partial CSV stays plain CSV" "$T/pcsv" "partial"
expect_grep "partial CSV warns on stderr" "$T/pcsv.err" "$down"

# --- import while it is down, then bring it back -------------------------
ni import --shards "$STUB" "$T/more.jsonl" > /dev/null 2> "$T/import3.err"
expect_status "import --shards with a shard down (stored, one shard failed)" $? 4
expect_grep "import names the failed shard" "$T/import3.err" "shard 2/3 $down: failed"
expect_grep "the other shards still synced" "$T/import3.err" "shard 3/3 .*: [0-9]* written"
ni sync-shards --shards "$STUB" > "$T/sync1.out" 2> "$T/sync1.err"
expect_status "sync-shards with a shard down" $? 4

restart_shard 2 || { not_ok "shard 2 restarts on port ${shard_ports[2]}"; finish; exit; }
ok "shard 2 restarted on port ${shard_ports[2]}"
"$NEWSQUERY" --shards "$STUB" search putin --format json > /dev/null 2> "$T/stale.err"
expect_status "a restarted shard answers (stale until synced)" $? 0
ni sync-shards --shards "$STUB" > "$T/sync2.out" 2> "$T/sync2.err"
expect_status "sync-shards after the restart" $? 0
expect_grep "sync-shards catches shard 2 up" "$T/sync2.out" "shard 2/3 $down: [1-9][0-9]* written"
expect_grep "sync-shards leaves the others alone" "$T/sync2.out" "shard 1/3 .*: 0 written"

the_same_answers "after catching up:"

finish
