#!/bin/sh
# make demo: a narrated create -> list -> update -> delete session with the
# apconn CLI against the local test server (tests/server/ap_server.py) over
# TLS, with a throwaway CA made here. Nothing leaves this machine: the server
# listens on 127.0.0.1 on a port picked at run time, and is stopped on exit.
set -eu
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
dir="$BUILD/demo"
cli_abs="$(cd "$BUILD" && pwd)/apconn"
mkdir -p "$dir"

sh tests/tools/make_test_certs.sh "$dir" >/dev/null

# A throwaway key for the throwaway server; the CLI reads it from the environment only.
APCONN_API_KEY="sk-demo$(printf '%057d' 0)"
export APCONN_API_KEY

rm -f "$dir/port" "$dir/requests.log"
"$PYTHON" tests/server/ap_server.py --port 0 --port-file "$dir/port" --api-key "$APCONN_API_KEY" \
    --tls-cert "$dir/server.pem" --tls-key "$dir/server.key" --log "$dir/requests.log" 2>"$dir/server.err" &
server=$!
# Stop the server however this script ends (a closed pipe, as in `make demo | head`, included).
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM HUP PIPE
i=0
while [ ! -s "$dir/port" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $server 2>/dev/null; then
        echo "demo: the test server did not start:" >&2; cat "$dir/server.err" >&2; exit 1
    fi
    sleep 0.1
done
port=$(cat "$dir/port")
APCONN_URL="https://localhost:$port/api"
export APCONN_URL

say() { printf '\n# %s\n' "$*"; }
# Shows the command as typed (secrets come from the environment or stdin, never argv), runs it,
# shows its exit status. The CLI's own output is printed as it comes.
show() {
    printf '$ apconn'; for a in "$@"; do case "$a" in *[!A-Za-z0-9_./:@=-]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac; done
    if [ -n "${stdin_file:-}" ]; then printf ' < %s\n' "$stdin_file"; else printf '\n'; fi
    set +e; "$cli" "$@" <"${stdin_file:-/dev/null}" >out 2>err; rc=$?; set -e
    cat out; sed 's/^/  (stderr) /' err
    printf '  -> exit %d\n' "$rc"
}

echo "apconn demo: a local Activepieces-compatible test server over TLS, with a throwaway CA."
say "The key and the URL come from the environment (the key is never an argument)"
echo "\$ export APCONN_API_KEY=sk-demo...   (a throwaway key for the throwaway server)"
echo "\$ export APCONN_URL=$APCONN_URL"
cd "$dir"
cli="$cli_abs"

say "Which build: the CLI links mbedTLS 3.6, so it speaks TLS 1.3 (and 1.2)"
show --version

say "Create (upsert) a connection; the secret comes from stdin, so it never shows in ps"
printf '%s' '{"secret_text":"xoxb-demo-secret"}' > value.json
stdin_file=value.json
show --ca ca.pem create --type SECRET_TEXT --name "Acme Slack" \
    --piece @activepieces/piece-slack --project Kp3Wn8ZrQa1Lm5Tx7Vb2C --external-id acme_slack --value-file -
id=$(sed -n 's/^{"id":"\([0-9A-Za-z]*\)".*/\1/p' out)
stdin_file=
rm -f value.json
[ -n "$id" ] || { echo "demo: create failed" >&2; exit 1; }

say "A second one, to have something to page through"
show --ca ca.pem create --type NO_AUTH --name "Public webhook" --piece @activepieces/piece-http --external-id hook

say "List them (one JSON object per line; --all follows the cursors, here 1 per page)"
show --ca ca.pem list --all --limit 1

say "Rename it and share it with two projects"
show --ca ca.pem update "$id" --name "Acme Slack (ops)" --project Kp3Wn8ZrQa1Lm5Tx7Vb2C --project Pr0jectB0000000000000

say "Delete it"
show --ca ca.pem delete "$id"

say "Delete it again: the server answers 404, which is exit status 3"
show --ca ca.pem delete "$id"

say "Requests the server received (method, path, status)"
"$PYTHON" -c 'import json,sys
for line in open(sys.argv[1]):
    r = json.loads(line); q = "?" + r["query"] if r["query"] else ""
    print("  %-6s %s%s -> %d  (TCP connection %d)" % (r["method"], r["path"], q, r["status"], r["conn"]))' requests.log
echo
echo "demo: done (server stopped)."
