#!/bin/bash
# Disk full and read-only archive, simulated by our LD_PRELOAD fault hook
# (tools/fault/fault.c) and, when not root, by chmod: the import stops with
# a clear message and exit status 3, and the archive is exactly as of its
# last commit (same counts, `newsindex check` passes). Also check --repair:
# a damaged full-text index is found, rebuilt from the records, and the
# archive checks clean again.
. "$(dirname "$0")/lib.sh"

gcc -shared -fPIC -O2 -o "$T/fault.so" "$SRCDIR/tools/fault/fault.c" -ldl \
    || { not_ok "fault hook builds"; finish; exit; }
gcc -O2 -o "$T/gencorpus" "$SRCDIR/tools/bench/gencorpus.c" || { not_ok "gencorpus builds"; finish; exit; }
"$T/gencorpus" --seed 3 300 > "$T/in.jsonl"
# A sanitizer build wants its runtime first; the hook is harmless before it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

KEYS="articles stories entities mentions events versions"
counts() {
    local json
    json=$(ni stats --format json) || return 1
    for k in $KEYS; do printf '%s ' "$(printf '%s' "$json" | cj - get "$k")"; done
}
faulty() { env LD_PRELOAD="$T/fault.so" FAULT_LOG=1 "$@"; }

ni -q import "$SRCDIR/samples" 2> /dev/null
expect_status "base import" $? 0
base=$(counts)

# --- disk full inside the one big transaction: nothing of it is stored
for limit in 20000 300000 1500000; do
    faulty FAULT_ENOSPC_AFTER=$limit "$NEWSINDEX" --archive "$A" import --batch 100000 \
        "$T/in.jsonl" > /dev/null 2> "$T/full.err"
    st=$?
    grep -q 'fault: disk full' "$T/full.err" || { ok "disk full at $limit bytes: not reached (import fits)"; continue; }
    expect_status "disk full after $limit bytes" "$st" 3
    expect_grep "disk full after $limit bytes: message says so" "$T/full.err" "disk is full"
    expect_grep "disk full after $limit bytes: says what is kept" "$T/full.err" "keeps what was committed"
    expect_no_grep "disk full after $limit bytes: no uncommitted count claimed" "$T/full.err" " 300 new"
    expect_eq "disk full after $limit bytes: archive as of its last commit" "$(counts)" "$base"
    ni check > "$T/check.out" 2>&1
    expect_status "disk full after $limit bytes: check passes" $? 0
done

# --- disk full with small batches: the committed batches stay, no more
faulty FAULT_ENOSPC_AFTER=1500000 "$NEWSINDEX" --archive "$A" import --batch 25 --log-commits \
    "$T/in.jsonl" > /dev/null 2> "$T/full2.err"
expect_status "disk full between batches" $? 3
committed=$(grep '^newsindex: committed:' "$T/full2.err" | tail -1 | sed 's/^newsindex: committed: \([0-9]*\) new.*/\1/')
committed=${committed:-0}
got=$(ni stats --format json | cj - get articles)
want=$(( $(echo "$base" | cut -d' ' -f1) + committed ))
expect_eq "disk full between batches: exactly the committed batches ($committed) stored" "$got" "$want"
ni check > /dev/null 2>&1
expect_status "disk full between batches: check passes" $? 0
# and once there is room again the import completes
ni -q import --batch 25 "$T/in.jsonl" 2> /dev/null
expect_status "import after the disk has room" $? 0
full=$(counts)
ni check > /dev/null 2>&1
expect_status "check after the completed import" $? 0

# --- read-only archive
faulty FAULT_READONLY=1 "$NEWSINDEX" --archive "$A" import "$SRCDIR/samples/articles.jsonl" \
    > /dev/null 2> "$T/ro.err"
expect_status "read-only archive (fault hook)" $? 3
expect_grep "read-only archive: clear message" "$T/ro.err" "archive is read-only"
expect_eq "read-only archive: unchanged" "$(counts)" "$full"
if [ "$(id -u)" != 0 ]; then
    chmod -R a-w "$A"
    ni import "$SRCDIR/samples/articles.jsonl" > /dev/null 2> "$T/ro2.err"
    expect_status "read-only archive (chmod)" $? 3
    expect_grep "read-only archive (chmod): clear message" "$T/ro2.err" "read-only"
    chmod -R u+w "$A"
    expect_eq "read-only archive (chmod): unchanged" "$(counts)" "$full"
else
    echo "# running as root: chmod cannot make the archive read-only; fault hook only"
fi
# queries still answer from a read-only archive's reader side
nq search 'title:"peace"' --count > /dev/null 2>&1
expect_status "queries still run" $? 0

# --- check --repair: damage the FTS index behind the archive's back
python3 - "$A/archive.db" "$A/index.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("ATTACH ? AS ix", (sys.argv[2],))
# drop the index rows of a few articles (FTS5 'delete' with the old values
# is how an external-content index forgets a row)
rows = db.execute("SELECT id, title, summary, body FROM article ORDER BY id LIMIT 5").fetchall()
for r in rows:
    db.execute("INSERT INTO ix.article_fts(article_fts, rowid, title, summary, body) VALUES('delete', ?, ?, ?, ?)", r)
db.execute("UPDATE story SET article_count = article_count + 7 WHERE id = (SELECT min(id) FROM story)")
db.commit()
PY
ni check > "$T/check1.out" 2>&1
expect_status "damaged full-text index is found" $? 3
expect_grep "problem named" "$T/check1.out" "full-text index"
ni check --repair > "$T/repair.out" 2>&1
expect_status "check --repair" $? 0
expect_grep "repair reports the FTS rebuild" "$T/repair.out" "rebuilt the full-text index"
expect_grep "repair reports the story fixed" "$T/repair.out" "corrected: 1"
expect_grep "clean after repair" "$T/repair.out" "ok after repair"
ni check > /dev/null 2>&1
expect_status "check after repair" $? 0
expect_eq "repair changed no record" "$(counts)" "$full"
"$NEWSINDEX" --archive "$A" check --bogus > /dev/null 2>&1
expect_status "check with a bad option" $? 2
finish
