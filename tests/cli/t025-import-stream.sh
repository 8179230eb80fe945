#!/bin/bash
# Import from standard input: articles that trickle in are stored as they
# come, not held back until the input ends or a run of them has gathered
# (the writer takes jobs in runs, but never waits long for one); a fast
# stream is stored whole, in order, with its bad lines named.
. "$(dirname "$0")/lib.sh"

line() { # line N: one JSON Lines article
    printf '{"url":"https://stream.example/a/%d","source":"Stream Daily","title":"Streamword report %d","published":"2026-03-%02dT10:00:00Z","body":"Streamword body %d, about harbour cranes and tide tables."}\n' \
        "$1" "$1" $(( ($1 % 28) + 1 )) "$1"
}

# 1. A trickle: articles 0.4 s apart through a FIFO held open, until the
# progress line counts three stored (at most 12: fewer than the run the
# writer collects before it stores, so a writer that waited for a full
# run would show none while the input is open).
mkfifo "$T/in"
ni --progress import - < "$T/in" > "$T/trickle.out" 2> "$T/trickle.err" &
pid=$!
exec 3> "$T/in"
n=0
seen=0
while [ "$n" -lt 12 ]; do
    n=$((n + 1))
    line "$n" >&3
    sleep 0.4
    if tr '\r' '\n' < "$T/trickle.err" | grep -Eq '(^|[^0-9])([3-9]|1[0-2]) new'; then
        seen=1
        break
    fi
done
expect_eq "trickled articles stored while the input is open" "$seen" 1
exec 3>&-
wait "$pid"
expect_status "import of the trickle" $? 0
expect_eq "the trickle is searchable" "$(nq search streamword --count)" "$n"

# 2. A fast stream of 3,000 with two bad lines in it: everything else
# stored, the bad lines named by number, exit 4 (some input failed).
{
    for i in $(seq 101 1597); do line "$i"; done
    echo '{"url": "https://stream.example/broken",'
    for i in $(seq 1598 3099); do line "$i"; done
    echo '{"title":"no url here"}'
} > "$T/fast.jsonl"
ni import - < "$T/fast.jsonl" > "$T/fast.out" 2> "$T/fast.err"
expect_status "import of the fast stream" $? 4
expect_grep "the broken line is named" "$T/fast.err" "line 1498"
expect_grep "the line without a url is named" "$T/fast.err" "line 3001"
expect_grep "the rest is counted" "$T/fast.err" "2999 new"
expect_eq "all good articles searchable" "$(nq search streamword --count)" $((n + 2999))
expect_eq "the last article is there" "$(nq search 'title:"streamword report 3099"' --count)" 1

finish
