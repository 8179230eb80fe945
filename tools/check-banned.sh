#!/bin/sh
# Lint: functions we never use in project C code (unbounded writes).
# Usage: tools/check-banned.sh SRCDIR
set -eu
src=${1:-.}
found=$(grep -nE '\b(sprintf|vsprintf|strcat|strcpy|gets)[[:space:]]*\(' \
    $(find "$src/archive" "$src/indexer" "$src/query" "$src/tools" "$src/tests" \
        -name '*.c' -o -name '*.h' 2>/dev/null) 2>/dev/null | grep -v 'snprintf\|vsnprintf' || true)
if [ -n "$found" ]; then
    echo "banned functions used (use snprintf / explicit lengths):"
    echo "$found"
    exit 1
fi
echo "no banned functions"
