#!/bin/bash
# Every example query of docs/query-syntax.md (lines starting with
# "    newsquery search '") runs on the sample archive: exit 0, valid JSON.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }

doc="$SRCDIR/docs/query-syntax.md"
grep "^    newsquery search '" "$doc" | sed "s/^    newsquery search '\(.*\)'\$/\1/" > "$T/examples"
n=$(wc -l < "$T/examples" | tr -d ' ')
[ "$n" -ge 25 ] && ok "docs list $n examples" || not_ok "only $n examples found in $doc"
while IFS= read -r q; do
    nq search "$q" --format json --limit 0 > "$T/out.json" 2> "$T/err"
    st=$?
    if [ "$st" -eq 0 ] && cj "$T/out.json"; then
        ok "example: $q"
    else
        not_ok "example: $q (exit $st: $(head -c 300 "$T/err"))"
    fi
done < "$T/examples"
# the error examples in the same document print what they say
grep -A1 "^    \$ newsquery search \(-- \)\?'" "$doc" | grep -v -- '^--$' | paste - - > "$T/errors"
while IFS=$'\t' read -r cmd msg; do
    q=$(printf '%s' "$cmd" | sed "s/^    \$ newsquery search \(-- \)\?'\(.*\)'\$/\2/")
    want=$(printf '%s' "$msg" | sed 's/^    //')
    nq search -- "$q" > /dev/null 2> "$T/err"
    st=$?
    got=$(head -n 1 "$T/err")
    if [ "$st" -eq 2 ] && [ "$got" = "$want" ]; then
        ok "error example: $q"
    else
        not_ok "error example: $q: exit $st, got '$got', want '$want'"
    fi
done < "$T/errors"
finish
