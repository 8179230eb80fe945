#!/bin/bash
# newsquery reads while newsindex writes (WAL): searches in a loop during
# an import never fail and never report "database is locked"; the counts
# they see only grow (each read sees a committed state).
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }

# 6,000 generated articles, written in batches by the importer
awk 'BEGIN {
    for (i = 1; i <= 6000; i++) {
        d = 1 + (i % 28);
        printf "{\"url\":\"https://load.example/a/%d\",\"source\":\"Load Test\",", i;
        printf "\"title\":\"Loadword report %d on harbour traffic\",", i;
        printf "\"published\":\"2024-02-%02dT10:%02d:00Z\",", d, i % 60;
        printf "\"body\":\"Loadword body %d. The harbour traffic grew in the week, officials said, and the port expects more ships.\"}\n", i;
    }
}' > "$T/load.jsonl"

"$NEWSINDEX" --archive "$A" import "$T/load.jsonl" > "$T/bg.out" 2> "$T/bg.err" &
bg=$!
i=0; fails=0; locked=0; last=0; shrink=0
while [ $i -lt 400 ]; do
    i=$((i + 1))
    c=$(nq search loadword --count 2> "$T/q.err"); st=$?
    nq search 'loadword harbour' --format json --limit 5 > /dev/null 2>> "$T/q.err" || st=$?
    nq histogram loadword --by week --format json > /dev/null 2>> "$T/q.err" || st=$?
    [ "$st" -ne 0 ] && fails=$((fails + 1))
    grep -qi "locked\|busy" "$T/q.err" && locked=$((locked + 1))
    case "$c" in ''|*[!0-9]*) c=$last ;; esac
    [ "$c" -lt "$last" ] && shrink=$((shrink + 1))
    last=$c
    kill -0 "$bg" 2> /dev/null || break
done
wait "$bg"
expect_status "import during the searches" $? 0
ok "ran $i rounds of searches during the import"
expect_eq "searches that failed" "$fails" 0
expect_eq "\"database is locked\" errors" "$locked" 0
expect_eq "counts that went backwards" "$shrink" 0
expect_eq "all articles visible after the import" "$(nq search loadword --count)" 6000
finish
