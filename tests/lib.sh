# Shared helpers for the end-to-end tests (sourced, not run).
# Each test runs in its own temporary folder, starts its own test server on
# 127.0.0.1 and stops it by PID on exit.
set -u

top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
CRAWLTOP="$top_builddir/src/crawltop"
TESTSRV="$top_builddir/tests/testsrv"
T=$(mktemp -d "${TMPDIR:-/tmp}/crawltop-test.XXXXXX")
SRV_PID=
FAILS=0
PASSES=0

cleanup() {
    if [ -n "$SRV_PID" ]; then
        kill "$SRV_PID" 2>/dev/null
        wait "$SRV_PID" 2>/dev/null
    fi
    if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then
        rm -rf "$T"
    else
        echo "(files kept in $T)"
    fi
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$2', got '$3'"; fi
}

# Start the test server with the given options; sets PORT and SRV_PID.
start_server() {
    rm -f "$T/port"
    "$TESTSRV" --port-file "$T/port" --counts "$T/counts.txt" "$@" \
        >"$T/testsrv.out" 2>"$T/testsrv.err" &
    SRV_PID=$!
    for _ in $(seq 1 100); do
        [ -s "$T/port" ] && break
        sleep 0.05
    done
    if [ ! -s "$T/port" ]; then
        echo "test server did not start:"; cat "$T/testsrv.err"
        exit 99
    fi
    PORT=$(cat "$T/port")
}

# Stop the server (flushes the request counts to $T/counts.txt).
stop_server() {
    if [ -n "$SRV_PID" ]; then
        kill "$SRV_PID"
        wait "$SRV_PID" 2>/dev/null
        SRV_PID=
    fi
}

q() { sqlite3 -batch -noheader "$DB" "$@"; }

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}
