#!/bin/sh
# Install the Debian packages newsarchive needs to build and test, if any
# are missing. Runs apt-get as root, through sudo otherwise; says clearly
# what to do when neither works. Usage: scripts/install-deps.sh [--test]
set -eu

packages="cmake make gcc g++ pkg-config libsqlite3-dev libxml2-dev libcjson-dev
libcurl4-openssl-dev zlib1g-dev libzstd-dev libxapian-dev xapian-tools"
if [ "${1:-}" = "--test" ]; then
    packages="$packages libcmocka-dev python3 valgrind time"
fi
# `make fuzz` only (tools/fuzz/run.sh): clang with the libFuzzer runtime.
if [ "${1:-}" = "--fuzz" ]; then
    packages="$packages clang libclang-rt-14-dev"
fi

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "newsarchive: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run="sudo"
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    run="sudo"
else
    echo "newsarchive: cannot install packages: not root and no usable sudo." >&2
    echo "Run as root:  apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq || {
    echo "newsarchive: 'apt-get update' failed; check the network or apt sources" >&2
    exit 1
}
# shellcheck disable=SC2086
$run apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "newsarchive: 'apt-get install$missing' failed" >&2
    exit 1
}
