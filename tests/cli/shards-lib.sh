# shards-lib.sh - helpers of the Xapian shard tests (issue 8), sourced
# after lib.sh by tests/cli/t3*-shards-*.sh. Loopback only: every server
# is started here on 127.0.0.1 and stopped by the EXIT trap; every wait
# is bounded.

unset NEWSARCHIVE_SHARDS
STUB="$T/shards.stub"
shard_pids=()      # index K -> pid of its xapian-tcpsrv (empty when stopped)
shard_ports=()     # index K -> its port

shards_cleanup() {
    local pid
    for pid in "${shard_pids[@]}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
    done
    for pid in "${shard_pids[@]}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null
    done
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
}
trap shards_cleanup EXIT

require_xapian_tools() {
    if ! command -v xapian-tcpsrv > /dev/null 2>&1; then
        not_ok "xapian-tcpsrv is installed (apt-get install xapian-tools; make test does)"
        finish
        exit 1
    fi
}

# port_busy PORT: something accepts connections on 127.0.0.1:PORT
port_busy() {
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# serve_shard K PORT: start xapian-tcpsrv --writable for shard K's
# directory on PORT; waits (at most ~5 s) until it listens. Returns 1 when
# it could not (port taken, server died).
serve_shard() {
    local k=$1 port=$2 dir="$T/shard$1" log="$T/shard$1.log" i pid
    mkdir -p "$dir"
    : > "$log"
    # its own session: on SIGTERM xapian-tcpsrv signals its whole process
    # group (its forked children), which must not include this script
    setsid xapian-tcpsrv --writable --interface 127.0.0.1 --port "$port" "$dir" > "$log" 2>&1 &
    pid=$!
    for i in $(seq 1 50); do
        if grep -q "Listening" "$log" 2> /dev/null; then
            shard_pids[$k]=$pid
            shard_ports[$k]=$port
            return 0
        fi
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    return 1
}

# start_shard K: serve shard K on a free port chosen at random (at most 20
# tries, so a port another program holds or takes meanwhile is skipped).
start_shard() {
    local k=$1 try port
    for try in $(seq 1 20); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        port_busy "$port" && continue
        serve_shard "$k" "$port" && return 0
    done
    echo "# could not start shard $k: $(cat "$T/shard$k.log")"
    return 1
}

# stop_shard K: stop shard K's server and wait for it to exit.
stop_shard() {
    local pid=${shard_pids[$1]}
    [ -n "$pid" ] || return 0
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    shard_pids[$1]=""
}

# restart_shard K: serve shard K again on its port (the stub names it);
# retried for ~5 s in case the port is still being released.
restart_shard() {
    local k=$1 try
    for try in $(seq 1 10); do
        serve_shard "$k" "${shard_ports[$k]}" && return 0
        sleep 0.5
    done
    return 1
}

# shard_name K: how newsquery and newsindex name remote shard K.
shard_name() { echo "127.0.0.1:${shard_ports[$1]}"; }

# The comparison of two answers (python3: sets, orders, whole JSON).
cat > "$T/cmp.py" <<'EOF'
import json, sys

def load(path, mode):
    text = open(path, encoding="utf-8").read()
    if mode.startswith("jsonl"):
        return [json.loads(l) for l in text.splitlines() if l.strip()]
    return json.loads(text)

def strip(recs, keys):
    return [{k: v for k, v in r.items() if k not in keys} for r in recs]

def view(doc, mode):
    base = mode.split(":")[0]
    if base == "ids":             # relevance: the same matching set
        return sorted(r["id"] for r in doc)
    if base == "order":           # a defined order: the same ids in it
        return [r["id"] for r in doc]
    if base == "records":         # same records, ranking fields aside
        return strip(doc, ("score", "snippet"))
    if base == "byid":            # same records, any order
        return sorted(doc, key=lambda r: json.dumps(r, sort_keys=True))
    return doc                    # exact, jsonl, count

mode, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    va, vb = view(load(a, mode), mode), view(load(b, mode), mode)
except Exception as e:            # not JSON at all
    print("unreadable answer:", e)
    sys.exit(1)
if not mode.endswith(":empty-ok") and va in ([], {}, None):
    print("the SQLite answer is empty: the comparison proves nothing")
    sys.exit(1)
if va != vb:
    sa, sb = json.dumps(va, sort_keys=True), json.dumps(vb, sort_keys=True)
    i = next((i for i in range(min(len(sa), len(sb))) if sa[i] != sb[i]), min(len(sa), len(sb)))
    print("differ at char %d: sqlite ...%s... xapian ...%s..." % (i, sa[max(0, i - 80):i + 80], sb[max(0, i - 80):i + 80]))
    sys.exit(1)
print(len(va) if isinstance(va, list) else 1)
EOF

# same WHAT MODE ARGS...: newsquery ARGS on the SQLite archive and on the
# shards give the same answer (MODE: ids, order, records, byid, exact,
# jsonl; ":empty-ok" when an empty answer is expected).
same() {
    local what=$1 mode=$2 rs rx
    shift 2
    "$NEWSQUERY" --backend sqlite --archive "$A" "$@" > "$T/s.out" 2> "$T/s.err"
    rs=$?
    "$NEWSQUERY" --shards "$STUB" "$@" > "$T/x.out" 2> "$T/x.err"
    rx=$?
    if [ "$rs" != 0 ] || [ "$rx" != 0 ]; then
        not_ok "$what: exit $rs (sqlite) and $rx (xapian): $(head -c 400 "$T/x.err" "$T/s.err")"
        return
    fi
    if python3 "$T/cmp.py" "$mode" "$T/s.out" "$T/x.out" > "$T/cmp.msg"; then
        ok "$what: same on both backends ($(cat "$T/cmp.msg") records)"
    else
        not_ok "$what: $(head -c 800 "$T/cmp.msg")"
    fi
}

# the_same_answers LABEL: the query battery of the shard tests.
the_same_answers() {
    local l=$1 who where
    who=$("$NEWSQUERY" --archive "$A" entities --kind person --limit 1 --format jsonl |
          python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["name"])')
    where=$("$NEWSQUERY" --archive "$A" entities --kind place --limit 1 --format jsonl |
            python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["name"])')
    same "$l search word, all matches" ids search putin --limit 0 --format json
    same "$l search OR, all matches" ids search 'talks OR ceasefire OR minister' --limit 0 --format json
    same "$l search phrase" ids search '"peace plan"' --limit 0 --format json
    same "$l search exclusion" ids search 'talks -geneva' --limit 0 --format json
    same "$l search prefix" ids search 'minist*' --limit 0 --format json
    same "$l search --count" exact search --count 'talks OR minister' --format json
    same "$l search --sort newest, records" records search 'talks OR minister' --sort newest --limit 40 --format json
    same "$l search --sort oldest --offset" order search 'talks OR minister' --sort oldest --limit 15 --offset 10 --format json
    same "$l person: filter" ids search "person:\"$who\"" --limit 0 --format json
    same "$l place: filter with a word" ids search "place:\"$where\" OR minister" --limit 0 --format json
    same "$l date range" ids search 'date:2025-09-01..2025-11-30' --limit 0 --format json
    same "$l --since/--until" ids search 'talks OR minister' --since 2025-07 --until 2025-10-15 --limit 0 --format json
    same "$l source filter" ids search "source:ledger.example" --limit 0 --format json
    same "$l histogram by day" exact histogram 'talks OR minister' --by day --format json
    same "$l histogram by month" exact histogram '' --by month --format json
    same "$l histogram by week, person" exact histogram "person:\"$who\"" --by week --format json
    same "$l export oldest first" jsonl export 'talks OR minister' --fields id,published,source,title,url,story,persons,places,orgs
    same "$l export newest first, with body" jsonl export 'putin' --sort newest --with-body
    same "$l export of everything" jsonl export ''
    same "$l entities" exact entities --limit 0 --format json
    same "$l entities of a query" exact entities 'talks OR minister' --kind place --format json
    same "$l entities --with" exact entities --with "person:$who" --format json
    same "$l stories" byid stories 'talks OR minister OR putin' --format json
    same "$l timeline" exact timeline 'witkoff OR umerov' --since 2025-11-28 --until 2025-12-06 --format json
    same "$l timeline of a person" exact timeline "person:\"$who\"" --format json
}
