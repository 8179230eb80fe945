# start.sh - start the test HTTP server for a CLI test (sourced after
# tests/cli/lib.sh, which sets T). Sets PORT and LOG (one line per request,
# see server.py); the server is stopped when the test exits, and stops by
# itself after LIFETIME seconds (default 120) in any case.
start_server() {
    if ! command -v python3 > /dev/null 2>&1; then
        echo "python3 is needed for the HTTP tests" >&2
        exit 77
    fi
    LOG="$T/requests.log"
    python3 "$SRCDIR/tests/http/server.py" --root "$SRCDIR/tests/corpora/http" \
        --log "$LOG" --lifetime "${1:-120}" > "$T/port" 2> "$T/server.err" &
    SERVER_PID=$!
    if [ -n "${KEEP_TMP:-}" ]; then trap 'kill "$SERVER_PID" 2> /dev/null' EXIT; else trap 'kill "$SERVER_PID" 2> /dev/null; rm -rf "$T"' EXIT; fi
    for _ in $(seq 150); do
        [ -s "$T/port" ] && break
        kill -0 "$SERVER_PID" 2> /dev/null || break
        sleep 0.1
    done
    PORT=$(head -n 1 "$T/port")
    if [ -z "$PORT" ]; then
        echo "the test server did not start: $(cat "$T/server.err")" >&2
        return 1
    fi
    return 0
}

# json_eval FILE PYTHON-EXPRESSION: evaluate the expression with `d` bound
# to the parsed JSON; print its value (used for assertions jq-style).
json_eval() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
