#!/bin/bash
# Concurrency: readers never block the writer and are never blocked by it;
# two writers at once never corrupt the archive.
#   CONC_ARTICLES  size of the concurrent import (default 600)
. "$(dirname "$0")/lib.sh"

n_articles=${CONC_ARTICLES:-600}
gcc -O2 -o "$T/gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }
"$T/gencorpus" --seed 11 "$n_articles" > "$T/in.jsonl"
"$T/gencorpus" --seed 12 "$n_articles" > "$T/in2.jsonl"

ni -q import "$SRCDIR/samples" 2> /dev/null
expect_status "base import" $? 0

# --- one writer, three query loops ---------------------------------------
"$NEWSINDEX" --archive "$A" -q import --batch 50 "$T/in.jsonl" 2> "$T/writer.err" &
writer=$!
reader() { # NAME COMMAND... : run until the writer ends (at most 400 times)
    local name=$1 i=0 n=0 bad=0
    shift
    while [ $i -lt 400 ]; do
        i=$((i + 1))
        if "$NEWSQUERY" --archive "$A" "$@" > /dev/null 2>> "$T/$name.err"; then
            n=$((n + 1))
        else
            bad=$((bad + 1))
        fi
        kill -0 "$writer" 2>/dev/null || break
    done
    echo "$n $bad" > "$T/$name.count"
}
reader r1 search 'peace OR talks' --limit 5 &
p1=$!
reader r2 search --count 'minister*' &
p2=$!
reader r3 timeline 'ceasefire OR summit' --limit 10 &
p3=$!
wait "$writer"
expect_status "import under concurrent queries" $? 0
wait "$p1" "$p2" "$p3"
answered=0; failed=0
for r in r1 r2 r3; do
    read -r n bad < "$T/$r.count"
    answered=$((answered + n)); failed=$((failed + bad))
done
echo "# queries answered during the import: $answered, failed: $failed"
[ "$answered" -ge 3 ] && ok "queries answered during the import ($answered)" \
    || not_ok "only $answered queries answered"
expect_eq "no query failed" "$failed" 0
cat "$T"/r?.err "$T/writer.err" > "$T/all.err"
expect_no_grep "no 'database is locked'" "$T/all.err" "locked"
ni check > /dev/null 2>&1
expect_status "archive sound after concurrent reads" $? 0
after1=$(ni stats --format json | cj - get articles)

# --- two writers at once --------------------------------------------------
"$NEWSINDEX" --archive "$A" -q import --batch 40 "$T/in2.jsonl" 2> "$T/w1.err" &
w1=$!
"$NEWSINDEX" --archive "$A" -q import --batch 40 "$T/in2.jsonl" 2> "$T/w2.err" &
w2=$!
wait "$w1"; s1=$?
wait "$w2"; s2=$?
echo "# two writers: exit $s1 and $s2"
for s in $s1:w1 $s2:w2; do
    st=${s%%:*}; w=${s#*:}
    if [ "$st" -eq 0 ]; then
        ok "writer $w finished"
    elif [ "$st" -eq 3 ] && grep -q "another program is writing" "$T/$w.err"; then
        ok "writer $w refused with a clear message"
    else
        not_ok "writer $w: exit $st: $(head -c 300 "$T/$w.err")"
    fi
done
ni check > /dev/null 2>&1
expect_status "archive sound after two writers" $? 0
# whatever a refused writer left out, one more run completes it: no duplicates
ni -q import --batch 40 "$T/in2.jsonl" 2> /dev/null
R="$T/ref"
"$NEWSINDEX" --archive "$R" -q import "$SRCDIR/samples" "$T/in.jsonl" "$T/in2.jsonl" 2> /dev/null
expect_eq "no duplicates: same article count as one writer" \
    "$(ni stats --format json | cj - get articles)" \
    "$("$NEWSINDEX" --archive "$R" stats --format json | cj - get articles)"

# --- a writer holding one long transaction: the second one waits (busy
# timeout), then either gets in or refuses clearly; never corrupts
"$NEWSINDEX" --archive "$A" -q import --batch 1000000 "$T/in.jsonl" "$T/in2.jsonl" 2> "$T/long.err" &
w1=$!
sleep 0.3
"$NEWSINDEX" --archive "$A" -q import "$SRCDIR/samples/articles.jsonl" 2> "$T/short.err"
s2=$?
wait "$w1"
expect_status "long writer" $? 0
if [ "$s2" -eq 0 ]; then ok "second writer waited and finished"
elif [ "$s2" -eq 3 ] && grep -q "another program is writing" "$T/short.err"; then ok "second writer refused clearly"
else not_ok "second writer: exit $s2: $(head -c 300 "$T/short.err")"; fi
ni check > /dev/null 2>&1
expect_status "archive sound after the long writer" $? 0
# --- a writer that never lets go (an outside program holding the write
# lock longer than the 10 s busy timeout): the import refuses clearly
python3 - "$A/archive.db" "$T/locked" <<'PY' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(13)
db.execute("ROLLBACK")
PY
holder=$!
for _ in $(seq 1 50); do [ -f "$T/locked" ] && break; sleep 0.1; done
"$NEWSINDEX" --archive "$A" import "$SRCDIR/samples/articles.jsonl" > /dev/null 2> "$T/refused.err"
expect_status "writer refused after the busy timeout" $? 3
expect_grep "refusal is clear" "$T/refused.err" "another program is writing"
nq search --count 'peace' > /dev/null 2>&1
expect_status "readers still answer while the lock is held" $? 0
wait "$holder"
ni check > /dev/null 2>&1
expect_status "archive sound after the refused writer" $? 0
[ "$after1" -gt 66 ] && ok "the first import stored articles ($after1)" || not_ok "first import: $after1"
finish
