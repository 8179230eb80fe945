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

# 1. A trickle: three articles 0.3 s apart through a FIFO held open. The
# progress line must count all three while the input is still open.
mkfifo "$T/in"
ni --progress import - < "$T/in" > "$T/trickle.out" 2> "$T/trickle.err" &
pid=$!
exec 3> "$T/in"
for i in 1 2 3; do
    line "$i" >&3
    sleep 0.3
done
seen=0
for _ in $(seq 1 100); do    # up to 10 s
    if tr '\r' '\n' < "$T/trickle.err" | grep -q "^.*3 new"; then
        seen=1
        break
    fi
    sleep 0.1
done
expect_eq "three trickled articles stored while the input is open" "$seen" 1
exec 3>&-
wait "$pid"
expect_status "import of the trickle" $? 0
expect_eq "the trickle is searchable" "$(nq search streamword --count)" 3

# 2. A fast stream of 3,000 with two bad lines in it: everything else
# stored, the bad lines named by number, exit 4 (some input failed).
{
    for i in $(seq 4 1500); do line "$i"; done
    echo '{"url": "https://stream.example/broken",'
    for i in $(seq 1501 3002); do line "$i"; done
    echo '{"title":"no url here"}'
} > "$T/fast.jsonl"
ni import - < "$T/fast.jsonl" > "$T/fast.out" 2> "$T/fast.err"
expect_status "import of the fast stream" $? 4
expect_grep "the broken line is named" "$T/fast.err" "line 1498"
expect_grep "the line without a url is named" "$T/fast.err" "line 3001"
expect_grep "the rest is counted" "$T/fast.err" "2999 new"
expect_eq "all good articles searchable" "$(nq search streamword --count)" 3002
expect_eq "the last article is there" "$(nq search 'title:"streamword report 3002"' --count)" 1

finish
