#!/bin/bash
# tools/bench/shards-bench.sh - Xapian shards against the SQLite archive on
# the same data (issue 8).
#
# Builds Release, generates BENCH_N articles (gencorpus, cached), imports
# them (enrichment and clustering on), syncs them to BENCH_SHARDS local
# shard directories and to as many `xapian-tcpsrv --writable` shards on
# 127.0.0.1, then measures on the three backends (SQLite, local shards,
# remote shards) the same queries, in process (shard_query: the archive
# library only, no process start-up), a few end to end through newsquery,
# and the export rate. Prints one Markdown table (and the raw lines) on
# stdout; nothing is written into BENCHMARKS.md.
#
# Settings (environment):
#   BENCH_N=100000          articles (1000000 for the issue's figure: hours)
#   BENCH_SHARDS=4          shards of each kind
#   BENCH_QUERIES=100       queries per class (drawn from the archive)
#   BENCH_CLI_QUERIES=20    of those, run end to end through newsquery
#   BENCH_DIR=build-release/bench-data   corpus cache and scratch data
#   BUILD=build-release     the Release build directory
#   BENCH_SKIP_BUILD=1      use the binaries in BUILD as they are
#   BENCH_KEEP=1            keep the archive and shards for another run
#                           (a later run with the same N reuses them)
#   BENCH_ARCHIVE=DIR       measure this existing archive of N articles
#                           instead of importing the corpus (it is only
#                           read, apart from sync-shards' change-log mark);
#                           the corpus is then generated only as the 2,000
#                           sampled articles the queries are drawn from;
#                           its shards are kept
#   BENCH_REMOTE=sync       how the remote shards get their data: `sync`
#                           (default) runs sync-shards --rebuild into
#                           xapian-tcpsrv --writable servers; `serve` starts
#                           read-only servers on the local shard
#                           directories, so the remote figures measure the
#                           protocol over the very same shards (at 1M a
#                           second multi-hour sync is saved)
#   BENCH_EXPORT_LIMIT=0    export only the first N rows in the export
#                           figures (0 = all; at 1M use 100000: a full
#                           remote export would take most of an hour)
# Needs xapian-tcpsrv (xapian-tools), python3 and /usr/bin/time.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-release}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
N=${BENCH_N:-100000}
NS=${BENCH_SHARDS:-4}
NQ=${BENCH_QUERIES:-100}
NCLI=${BENCH_CLI_QUERIES:-20}
XLIM=${BENCH_EXPORT_LIMIT:-0}
case $XLIM in ''|*[!0-9]*) die "BENCH_EXPORT_LIMIT must be a number of rows, not '$XLIM'" ;; esac
DIR=${BENCH_DIR:-$BUILD/bench-data}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { printf '%s\n' "shards-bench: $*" >&2; }
die() { printf '%s\n' "shards-bench: $*" >&2; exit 1; }

command -v xapian-tcpsrv > /dev/null || die "xapian-tcpsrv missing (apt-get install xapian-tools)"
command -v python3 > /dev/null || die "python3 missing"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt-get install time)"

# ---- build ----
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building Release in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        -DARC_WERROR=OFF > /dev/null
    cmake --build "$BUILD" -j "$JOBS" --target newsindex newsquery gencorpus shard_query > /dev/null
fi
NI=$BUILD/indexer/newsindex
NQY=$BUILD/query/newsquery
SQ=$BUILD/tools/shard_query
for p in "$NI" "$NQY" "$BUILD/tools/gencorpus" "$SQ"; do
    [ -x "$p" ] || die "missing $p (build failed?)"
done
mkdir -p "$DIR"

# ---- corpus (the same cache as tools/bench/run) ----
REMOTE_MODE=${BENCH_REMOTE:-sync}
case $REMOTE_MODE in sync|serve) ;; *) die "BENCH_REMOTE must be sync or serve, not '$REMOTE_MODE'" ;; esac
CORPUS=$DIR/corpus-$N.jsonl
if [ -n "${BENCH_ARCHIVE:-}" ]; then
    [ -f "$BENCH_ARCHIVE/archive.db" ] || die "BENCH_ARCHIVE=$BENCH_ARCHIVE holds no archive.db"
    # the queries read every (N/2000)th article of the corpus: keep just those
    CORPUS=$DIR/corpus-$N-sample.jsonl
    if [ ! -s "$CORPUS" ] || [ ! -f "$CORPUS.done" ]; then
        say "generating $N articles, keeping the 2,000 sampled ones in $CORPUS"
        "$BUILD/tools/gencorpus" "$N" | awk -v step=$((N / 2000 > 1 ? N / 2000 : 1)) \
            'NR % step == 1 || step == 1' | head -n 2000 > "$CORPUS"
        touch "$CORPUS.done"
    fi
elif [ ! -s "$CORPUS" ] || [ ! -f "$CORPUS.done" ]; then
    say "generating $N articles into $CORPUS"
    "$BUILD/tools/gencorpus" "$N" > "$CORPUS"
    touch "$CORPUS.done"
fi

W=$DIR/shards-$N
A=$W/archive
LOCAL=$W/local.stub
REMOTE=$W/remote.stub
declare -a pids=() ports=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
    [ "${BENCH_KEEP:-0}" = 1 ] || [ -n "${BENCH_ARCHIVE:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# cpu_wall LOG: "U+S s CPU, W s wall" from a /usr/bin/time -f '%U %S %e %M' log
cpu_wall() { tail -n 1 "$1" | awk '{ printf "%.1f s CPU, %.1f s wall, %.0f MB peak RSS", $1 + $2, $3, $4 / 1024 }'; }

# ---- the archive ----
if [ -n "${BENCH_ARCHIVE:-}" ]; then
    mkdir -p "$W"
    A=$BENCH_ARCHIVE
elif [ ! -f "$W/archive.done" ]; then
    rm -rf "$W"
    mkdir -p "$W"
    say "importing $N articles (enrichment and clustering on)"
    /usr/bin/time -f '%U %S %e %M' -o "$W/import.time" "$NI" -q --archive "$A" import "$CORPUS"
    touch "$W/archive.done"
fi

# ---- the shards: local directories and xapian-tcpsrv on 127.0.0.1 ----
: > "$LOCAL"
for k in $(seq 1 "$NS"); do echo "auto local$k" >> "$LOCAL"; done
if [ ! -f "$W/local.done" ]; then
    say "syncing to $NS local shards"
    /usr/bin/time -f '%U %S %e %M' -o "$W/sync-local.time" \
        "$NI" -q --archive "$A" sync-shards --shards "$LOCAL" --rebuild
    touch "$W/local.done"
fi
: > "$REMOTE"
for k in $(seq 1 "$NS"); do
    if [ "$REMOTE_MODE" = serve ]; then
        served=$W/local$k
        writable=
    else
        served=$W/remote$k
        writable=--writable
        mkdir -p "$served"
    fi
    started=0
    for try in $(seq 1 20); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && continue
        # own session: on SIGTERM xapian-tcpsrv signals its process group
        setsid xapian-tcpsrv $writable --quiet --interface 127.0.0.1 --port "$port" "$served" \
            > "$W/remote$k.log" 2>&1 &
        pid=$!
        for i in $(seq 1 50); do
            (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && { started=1; break; }
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.1
        done
        [ $started = 1 ] && break
        kill "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
    [ $started = 1 ] || die "could not start shard server $k: $(cat "$W/remote$k.log")"
    pids+=("$pid")
    ports+=("$port")
    echo "remote tcp 127.0.0.1 $port" >> "$REMOTE"
done
say "remote shards on 127.0.0.1 ports ${ports[*]}"

# The shard servers' CPU: xapian-tcpsrv forks one child per connection
# and does not wait for it, so its children's time never reaches the
# parent's counters; a poller samples every process of the servers'
# sessions every 0.2 s instead (the last 0.2 s of a child can be missed).
TCK=$(getconf CLK_TCK)
srv_sample() { # one line "pid utime+stime" per server process
    local p sids
    sids=$(IFS=,; echo "${pids[*]}")
    for p in $(pgrep -s "$sids"); do
        awk -v p="$p" '{ print p, $14 + $15 }' "/proc/$p/stat" 2> /dev/null || true
    done
}
srv_poll_start() { # FILE
    srv_sample | sed 's/^/start /' > "$1"
    ( while :; do srv_sample; sleep 0.2; done ) >> "$1" 2> /dev/null &
    poller=$!
}
srv_poll_stop() { # FILE -> CPU seconds of the servers since srv_poll_start
    kill "$poller" 2> /dev/null || true
    wait "$poller" 2> /dev/null || true
    srv_sample >> "$1"
    awk -v k="$TCK" '$1 == "start" { base[$2] = $3; next }
        { last[$1] = $2 }
        END { for (p in last) s += last[p] - base[p]; printf "%.1f", s / k }' "$1"
}
if [ "$REMOTE_MODE" = sync ]; then
    # remote shards are synced every run (their port is new; the data is kept)
    say "syncing to $NS remote shards"
    srv_poll_start "$W/srv-sync.poll"
    /usr/bin/time -f '%U %S %e %M' -o "$W/sync-remote.time" \
        "$NI" -q --archive "$A" sync-shards --shards "$REMOTE" --rebuild
    srv_sync="$(srv_poll_stop "$W/srv-sync.poll") s"
    noop=$REMOTE
else
    srv_sync="(serving the local shards: not synced)"
    noop=$LOCAL
fi
say "an incremental sync with nothing to do"
/usr/bin/time -f '%U %S %e %M' -o "$W/sync-noop.time" \
    "$NI" -q --archive "$A" sync-shards --shards "$noop"

# ---- the queries, drawn from the archive and the corpus ----
"$NQY" --archive "$A" entities --kind person --limit 300 --format jsonl > "$W/persons.jsonl"
"$NQY" --archive "$A" entities --kind place --limit 300 --format jsonl > "$W/places.jsonl"
python3 - "$CORPUS" "$W/persons.jsonl" "$W/places.jsonl" "$NQ" > "$W/queries.tsv" <<'EOF'
import json, random, re, sys
corpus, persons_f, places_f, nq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rnd = random.Random(8)
sample, step = [], 1
with open(corpus, encoding="utf-8") as f:
    lines = f.readlines()
step = max(1, len(lines) // 2000)
sample = [json.loads(l) for l in lines[::step]][:2000]
del lines
word = re.compile(r"[a-z]{4,}")
df = {}
bodies = []
for a in sample:
    words = word.findall((a.get("title", "") + " " + a.get("body", "")).lower())
    bodies.append(words)
    for w in set(words):
        df[w] = df.get(w, 0) + 1
n = len(sample)
rare = sorted(w for w, c in df.items() if c == 1)
mid = sorted(w for w, c in df.items() if n * 0.02 <= c <= n * 0.2)
common = sorted(w for w, c in df.items() if c >= n * 0.3)
persons = [json.loads(l)["name"] for l in open(persons_f, encoding="utf-8")]
places = [json.loads(l)["name"] for l in open(places_f, encoding="utf-8")]
sources = sorted({a["source"] for a in sample})
months = sorted({a["published"][:7] for a in sample})
years = sorted({m[:4] for m in months})
def out(cls, kind, q, since="-", until="-"):
    print("\t".join((cls, kind, q, since, until)))
for i in range(nq):
    out("rare", "search", rnd.choice(rare))
    out("common", "search", rnd.choice(common))
    out("and2", "search", "%s %s" % (rnd.choice(mid), rnd.choice(mid)))
    ws = [w for w in rnd.choice(bodies)]
    k = rnd.randrange(max(1, len(ws) - 3))
    out("phrase", "search", '"%s"' % " ".join(ws[k:k + 3]))
    p = rnd.choice(persons)
    out("person", "search", 'person:"%s"' % p)
    out("person_month", "search", 'person:"%s" date:%s' % (p, rnd.choice(months)))
    out("place_source", "search", 'place:"%s" source:"%s"' % (rnd.choice(places), rnd.choice(sources)))
    out("histogram_week", "histogram", rnd.choice(mid))
    y = rnd.choice(years)
    out("timeline_year", "timeline", 'person:"%s"' % rnd.choice(persons[:50]), y + "-01-01", y + "-12-31")
out("export_all", "export", "")
out("export_common", "export", common[0])
EOF

# ---- in process: the same queries on the three backends ----
say "queries in process: sqlite"
"$SQ" --export-limit "$XLIM" --archive "$A" "$W/queries.tsv" > "$W/q-sqlite.txt"
say "queries in process: $NS local shards"
"$SQ" --export-limit "$XLIM" --shards "$LOCAL" "$W/queries.tsv" > "$W/q-local.txt"
say "queries in process: $NS remote shards"
srv_poll_start "$W/srv-q.poll"
/usr/bin/time -f '%U %S %e %M' -o "$W/q-remote.time" \
    "$SQ" --export-limit "$XLIM" --shards "$REMOTE" "$W/queries.tsv" > "$W/q-remote.txt"
srv_q=$(srv_poll_stop "$W/srv-q.poll")
/usr/bin/time -f '%U %S %e %M' -o "$W/q-local.time" \
    "$SQ" --export-limit "$XLIM" --shards "$LOCAL" "$W/queries.tsv" > /dev/null
/usr/bin/time -f '%U %S %e %M' -o "$W/q-sqlite.time" \
    "$SQ" --export-limit "$XLIM" --archive "$A" "$W/queries.tsv" > /dev/null

# ---- end to end through newsquery: start-up, connections, JSON ----
cli_ms() { # BACKEND-ARGS... -- the median ms of the first NCLI queries of two classes
    python3 - "$W/queries.tsv" "$NCLI" "$NQY" "$@" <<'EOF'
import statistics, subprocess, sys, time
qf, m, nqy, backend = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
res = {}
for line in open(qf, encoding="utf-8"):
    cls, kind, q, since, until = line.rstrip("\n").split("\t")
    if cls not in ("common", "person_month", "histogram_week") or len(res.setdefault(cls, [])) >= m:
        continue
    args = [nqy] + backend + ([kind] if kind != "histogram" else ["histogram"]) + [q, "--format", "json"]
    if kind == "histogram":
        args += ["--by", "week"]
    t0 = time.monotonic()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    res[cls].append((time.monotonic() - t0) * 1e3)
print(" ".join("%s=%.1f" % (c, statistics.median(v)) for c, v in sorted(res.items())))
EOF
}
say "end to end through newsquery"
cli_sqlite=$(cli_ms --archive "$A")
cli_local=$(cli_ms --shards "$LOCAL")
cli_remote=$(cli_ms --shards "$REMOTE")
export_e2e() { # BACKEND-ARGS...: export of everything (or the first XLIM rows), rows counted
    local lim=()
    [ "$XLIM" -gt 0 ] && lim=(--limit "$XLIM")
    /usr/bin/time -f '%U %S %e %M' -o "$W/export.time" "$NQY" "$@" export '' "${lim[@]}" |
        wc -l > "$W/export.rows"
    awk -v n="$(cat "$W/export.rows")" '{ printf "%.0f rows/s wall (%d rows, %.1f s, %.1f s CPU)", n / ($3 > 0 ? $3 : 0.01), n, $3, $1 + $2 }' "$W/export.time"
}
e2e_sqlite=$(export_e2e --archive "$A")
e2e_local=$(export_e2e --shards "$LOCAL")
e2e_remote=$(export_e2e --shards "$REMOTE")

# ---- the table ----
du_a=$(du -sm "$A" | cut -f1)
du_l=$(du -smc "$W"/local[0-9]* | tail -n 1 | cut -f1)
if [ "$REMOTE_MODE" = sync ]; then
    du_r="$(du -smc "$W"/remote[0-9]* | tail -n 1 | cut -f1) MB"
else
    du_r="(the local shards)"
fi
{
    echo "Xapian shards vs SQLite, $N articles, $NS shards, $(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| step | SQLite archive | $NS local shards | $NS remote shards (127.0.0.1) |"
    echo "|---|---|---|---|"
    [ -f "$W/import.time" ] && echo "| import (enrich + cluster) | $(cpu_wall "$W/import.time") | | |"
    echo "| sync-shards --rebuild | | $( [ -f "$W/sync-local.time" ] && cpu_wall "$W/sync-local.time") | $( [ "$REMOTE_MODE" = sync ] && cpu_wall "$W/sync-remote.time") |"
    echo "| shard servers' CPU during that sync | | | $srv_sync |"
    echo "| sync-shards, nothing to do ($( [ "$REMOTE_MODE" = sync ] && echo remote || echo local) shards) | | | $(cpu_wall "$W/sync-noop.time") |"
    echo "| the query file once, warm-up included (client; servers) | $(cpu_wall "$W/q-sqlite.time") | $(cpu_wall "$W/q-local.time") | $(cpu_wall "$W/q-remote.time"); servers $srv_q s CPU |"
    echo "| size on disk | ${du_a} MB | ${du_l} MB | ${du_r} |"
    python3 - "$W/q-sqlite.txt" "$W/q-local.txt" "$W/q-remote.txt" <<'EOF'
import sys
def parse(path):
    d = {}
    for line in open(path):
        kind, *kv = line.split()
        f = dict(x.split("=", 1) for x in kv)
        d[f["class"]] = (kind, f)
    return d
s, l, r = (parse(p) for p in sys.argv[1:4])
for cls, (kind, f) in s.items():
    cells = []
    for d in (s, l, r):
        k, g = d.get(cls, (None, None))
        if g is None:
            cells.append("-")
        elif k == "EXPORT":
            cells.append("%s rows/s (%s rows)" % (g["rows_per_s"], g["rows"]))
        else:
            bad = " (%s failed)" % g["failed"] if g["failed"] != "0" else ""
            cells.append("%s / %s ms (%s results)%s" % (g["median_ms"], g["p99_ms"], g["mean_results"], bad))
    label = cls + (" (in process)" if kind == "EXPORT" else ", median / p99")
    print("| %s | %s |" % (label, " | ".join(cells)))
EOF
    echo "| newsquery end to end, medians ms | $cli_sqlite | $cli_local | $cli_remote |"
    echo "| newsquery export ''$( [ "$XLIM" -gt 0 ] && echo " --limit $XLIM") > /dev/null | $e2e_sqlite | $e2e_local | $e2e_remote |"
    echo
    echo "Command: ${BENCH_ARCHIVE:+BENCH_ARCHIVE=$BENCH_ARCHIVE BENCH_REMOTE=$REMOTE_MODE }$( [ "$XLIM" -gt 0 ] && echo "BENCH_EXPORT_LIMIT=$XLIM ")BENCH_N=$N BENCH_SHARDS=$NS BENCH_QUERIES=$NQ tools/bench/shards-bench.sh"
} | tee "$W/table.md"
cp "$W/table.md" "$DIR/shards-table-$N.md"
