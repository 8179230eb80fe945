#!/bin/sh
# Install the npm packages the tests use as independent checkers (warcio.js
# reads the WARC files we write). Uses the committed lock file. Without npm
# the checks are reported as skipped by ctest, never as passed.
set -u
cd "$(dirname "$0")/.." || exit 0
if ! command -v npm >/dev/null 2>&1; then
    echo "newsarchive: npm not found: the warcio.js check will be skipped" >&2
    exit 0
fi
for d in tools/warcio-check; do
    if [ ! -d "$d/node_modules" ]; then
        (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
            echo "newsarchive: 'npm ci' in $d failed: its check will be skipped" >&2
    fi
done
exit 0
