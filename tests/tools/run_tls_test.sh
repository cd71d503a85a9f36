#!/bin/sh
# Runs one TLS test program (tests/platform/test_tls.c, built against some
# mbedTLS) against the loopback servers of tests/tools/tls_test_server.py,
# which it starts on kernel-chosen ports and always stops (trap).
# Usage: tests/tools/run_tls_test.sh PROGRAM [CERT_DIR]
set -eu
prog=$1
certs=${2:-build/platform/certs}
[ -f "$certs/ca.pem" ] || sh tests/tools/make_test_certs.sh "$certs" >/dev/null
tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
python3 tests/tools/tls_test_server.py --certs "$certs" --ready "$tmp/ports" --log "$tmp/log" \
    --lifetime 120 2>"$tmp/server.err" &
pid=$!
i=0
while [ ! -f "$tmp/ports" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "run_tls_test: the test server did not start:"; cat "$tmp/server.err"; exit 1
    fi
    sleep 0.1
done
APCONN_TLS_CERTS=$certs APCONN_TLS_PORTS=$tmp/ports APCONN_TLS_LOG=$tmp/log timeout 60 "$prog"
