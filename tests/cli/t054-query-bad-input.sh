#!/bin/bash
# Hostile queries through newsquery: each gets an answer (exit 0) or a
# clear query error (exit 2, "query error at column N"), never a crash
# (exit >= 128), never an SQLite or FTS5 message leaking through.
. "$(dirname "$0")/lib.sh"

ni -q import "$SRCDIR/samples" 2> "$T/import.err" || { echo "import failed"; cat "$T/import.err"; exit 1; }

# check NAME WANT(0|2|any) QUERY: run search, JSON out, judge the result
check() {
    local name=$1 want=$2 q=$3 st
    for cmd in search histogram; do
        timeout 30 "$NEWSQUERY" --archive "$A" $cmd --format json -- "$q" > "$T/out" 2> "$T/err"
        st=$?
        if [ "$st" -ge 124 ]; then
            not_ok "$name ($cmd): crashed or hung (exit $st)"; continue
        fi
        if grep -qiE "sqlite|fts5|syntax error|malformed|no such|parser stack" "$T/err"; then
            not_ok "$name ($cmd): internal error leaked: $(head -c 200 "$T/err")"; continue
        fi
        case "$st" in
            0) cj "$T/out" && ok "$name ($cmd): answered" || not_ok "$name ($cmd): invalid JSON" ;;
            2) if grep -q "query error at column [0-9]" "$T/err"; then ok "$name ($cmd): clear error"
               else not_ok "$name ($cmd): exit 2 without a query error: $(head -c 200 "$T/err")"; fi ;;
            *) not_ok "$name ($cmd): exit $st: $(head -c 200 "$T/err")" ;;
        esac
        if [ "$want" != any ] && [ "$st" -ne "$want" ]; then
            not_ok "$name ($cmd): wanted exit $want, got $st"
        fi
    done
}

big=$(head -c 100000 /dev/zero | tr '\0' 'a')
check "100 KB word" any "$big"
check "over 100 KB" 2 "$big$(head -c 3000 /dev/zero | tr '\0' ' ')b"
words=$(for i in $(seq 1 20000); do printf 'w%d ' "$i"; done)
check "20,000 words" 2 "$words"
ors=$(for i in $(seq 1 10000); do printf 'w%d OR ' "$i"; done)
check "10,000 OR terms" 2 "${ors}putin"
ors=$(for i in $(seq 1 900); do printf 'w%d OR ' "$i"; done)
check "900 OR terms" 0 "${ors}putin"
fields=$(for i in $(seq 1 300); do printf 'source:s%d OR ' "$i"; done)
check "300 field terms under OR" 0 "${fields}putin"
open=$(head -c 1000 /dev/zero | tr '\0' '('); close=$(head -c 1000 /dev/zero | tr '\0' ')')
check "1000 nested parentheses" 2 "${open}putin${close}"
open=$(head -c 60 /dev/zero | tr '\0' '('); close=$(head -c 60 /dev/zero | tr '\0' ')')
check "60 nested parentheses" 0 "${open}putin${close}"
nest=$(for i in $(seq 1 40); do printf '(a OR (b -c '; done; printf 'putin'; for i in $(seq 1 40); do printf '))'; done)
check "alternating AND/OR/NOT 40 deep" any "$nest"
nestf=$(for i in $(seq 1 30); do printf '(person:Putin OR (source:x -'; done; printf 'putin'; for i in $(seq 1 30); do printf '))'; done)
check "fields nested under OR and - 30 deep" 2 "$nestf"
nestf=$(for i in $(seq 1 7); do printf '(person:Putin OR (source:x -'; done; printf 'putin'; for i in $(seq 1 7); do printf '))'; done)
check "fields nested under OR and - 7 deep" 0 "$nestf"
check "invalid UTF-8" 2 "$(printf 'putin \xff\xfe')"
check "overlong UTF-8" 2 "$(printf 'putin \xc0\xaf')"
check "lone continuation byte" 2 "$(printf '\x80putin')"
for q in '"' '*' '^' 'NEAR' 'NEAR(putin kremlin)' ':' 'putin:' ':putin' 'a:b:c' \
         '"putin" * ^' 'putin^2' '{title}: putin' 'title:(' '(' ')' 'OR' 'AND' 'NOT' \
         '-' '--' '""' '"*"' 'putin*kremlin' '*putin' '+putin' 'col:putin' \
         "putin'; DROP TABLE article; --" 'person:' 'person:"' 'source:"a b' \
         'date:..' 'date:2025-99' 'story:0' 'lang:e' 'putin NEAR/3 kremlin' \
         'title:"" OR putin' 'person:"Vladimir Putin" OR NEAR' ; do
    check "syntax characters: $q" any "$q"
done
# a query that only excludes is refused, also when the exclusion is a field
check "only an excluded field" 2 "-source:bbc"
# the archive is untouched and still answers
expect_eq "archive still answers" "$(nq search putin --count)" "$(nq search 'putin' --count)"
ni check > /dev/null 2>&1
expect_status "archive sound" $? 0
finish
