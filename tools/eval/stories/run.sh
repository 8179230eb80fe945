#!/bin/sh
# Story clustering (B-cubed) and timeline (Date-F1) figures of BENCHMARKS.md.
#   tools/eval/stories/run.sh BUILD_DIR
set -e
B=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NI="$B/indexer/newsindex"; NQ="$B/query/newsquery"
cd "$here"
echo "== labelled set (tools/eval/stories/set), imported in arrival order"
"$NI" -q --archive "$tmp/set" import set/articles.jsonl 2>/dev/null || true
python3 bcubed.py set/truth.tsv "$NQ" "$tmp/set"
python3 datef1.py set/timelines.json set/truth.tsv "$NQ" "$tmp/set"
echo "== the same after newsindex rebuild (publication order)"
"$NI" -q --archive "$tmp/set" rebuild
python3 bcubed.py set/truth.tsv "$NQ" "$tmp/set"
echo "== samples/ (samples/stories.tsv), imported"
"$NI" -q --archive "$tmp/samples" import "$top/samples" 2>/dev/null || true
python3 bcubed.py "$top/samples/stories.tsv" "$NQ" "$tmp/samples"
echo "== samples/ after newsindex rebuild"
"$NI" -q --archive "$tmp/samples" rebuild
python3 bcubed.py "$top/samples/stories.tsv" "$NQ" "$tmp/samples"
