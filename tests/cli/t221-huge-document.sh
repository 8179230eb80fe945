#!/bin/bash
# A 1 GB feed file is refused at once, by its size, naming the file,
# without reading it (bounded time and memory); the other inputs of the run
# are stored.
. "$(dirname "$0")/lib.sh"
truncate -s 1G "$T/huge.rss" 2>/dev/null || { not_ok "cannot make a sparse 1 GB file"; finish; exit 1; }
/usr/bin/time -f "%M" -o "$T/rss" "$NEWSINDEX" --archive "$A" import "$T/huge.rss" \
    "$SRCDIR/tests/corpora/good/mini.rss" > /dev/null 2> "$T/err"
st=$?
expect_status "1 GB document" "$st" 4
expect_grep "the file is named with its size" "$T/err" "huge.rss: document of 1073741824 bytes is larger than the 256 MiB limit"
kb=$(tail -1 "$T/rss")
[ "$kb" -lt 102400 ] && ok "memory stays small (${kb} KB)" || not_ok "peak RSS ${kb} KB"
expect_eq "the other input was stored" "$(ni stats --format json | cj - get articles)" 3
finish
