#!/bin/sh
# Runs examples/firmware on QEMU's Cortex-M4F board over verified HTTPS
# against the local test server, and checks what the firmware printed and
# what reached the servers. TLS runs inside the emulated CPU; the semihosting
# bridge only carries bytes to 127.0.0.1.
# usage: firmware_test.sh tls12|tls13   (the image $FW_DIR/firmware_<v>.elf)
# Servers: the real one (certificate for localhost, signed by the test CA),
# and two that must be refused: a wrong host name signed by the same CA, and
# localhost signed by a CA the firmware does not know.
BUILD=${BUILD:-build}
FW_DIR=${FW_DIR:-$BUILD/firmware}
version=${1:?usage: firmware_test.sh tls12|tls13}
case "$version" in
    tls12) want_tls=TLSv1.2 ;;
    tls13) want_tls=TLSv1.3 ;;
    *) echo "firmware_test.sh: tls12 or tls13" >&2; exit 2 ;;
esac
suite="firmware_https_$version"
certs="$BUILD/platform/certs"
elf="$(pwd)/$FW_DIR/firmware_$version.elf"
dir="$FW_DIR/run-$version"; rm -rf "$dir"; mkdir -p "$dir"
KEY="sk-$(printf 'F%.0s' $(seq 61))"
PROJECT=Kp3Wn8ZrQa1Lm5Tx7Vb2C
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "  ok $1"; }
bad()  { fail=$((fail + 1)); echo "  FAIL $1"; }
expect() { # name, pattern (grep -E) that the firmware output must contain
    if grep -Eq "$2" "$dir/qemu.out"; then ok "$1"; else bad "$1 (no line matching: $2)"; fi
}
number() { # pattern with one ([0-9]+) group: prints that number from the output
    sed -nE "s/$1/\\1/p" "$dir/qemu.out" | head -n 1
}
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM

# name, certificate: starts a test server over TLS; its port is in $dir/<name>.port
start_server() {
    python3 tests/server/ap_server.py --port 0 --port-file "$dir/$1.port" --api-key "$KEY" \
        --project "$PROJECT" --log "$dir/$1.log" --tls-cert "$certs/$2.pem" --tls-key "$certs/$2.key" \
        >"$dir/$1.out" 2>&1 &
    pids="$pids $!"
}
start_server good server
start_server wronghost wronghost
start_server untrusted untrusted
for name in good wronghost untrusted; do
    i=0; while [ ! -s "$dir/$name.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$dir/$name.port" ] || { cat "$dir/$name.out"; echo "$suite: 0 passed, 1 failed"; exit 1; }
done
url() { echo "https://localhost:$(cat "$dir/$1.port")/api"; }

APCONN_API_KEY="$KEY" python3 tests/tools/semihost_bridge.py "$dir" "$(url good)" \
    "$(url wronghost)" "$(url untrusted)" &
pids="$pids $!"
i=0; while [ ! -p "$dir/apconn-rx.fifo" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# QEMU runs in $dir: the firmware opens the FIFOs by relative name.
start=$(date +%s)
(cd "$dir" && timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$elf") >"$dir/qemu.out" 2>&1
rc=$?
echo "  ($version: QEMU ran $(( $(date +%s) - start )) s)"
sed 's/^/    | /' "$dir/qemu.out"
if [ $rc -eq 0 ]; then ok firmware_exits_0; else bad "firmware_exits_0 (exit $rc)"; fi
expect upsert_succeeds_over_https '^upsert: ok$'
expect "tls_version_is_$want_tls" "^tls version: $want_tls\$"
expect list_shows_the_new_connection '^  item id=[0-9A-Za-z]{21} name="Gateway 7 Slack"$'
expect update_renames_it '^  id=[0-9A-Za-z]{21} name="Gateway 7 Slack \(renamed\)"'
expect delete_succeeds '^delete: ok$'
expect second_delete_is_not_found '^delete again: .*404'
# MBEDTLS_X509_BADCERT_CN_MISMATCH = 0x04, MBEDTLS_X509_BADCERT_NOT_TRUSTED = 0x08
expect wrong_host_name_is_refused '^refused 0: server certificate or host name verification failed'
if sed -n '/^refused 0:/{n;p;}' "$dir/qemu.out" | grep -Eq '^  verify flags 0x[0-9a-f]{7}[4-7c-f]$'; then
    ok wrong_host_flags_name_mismatch; else bad wrong_host_flags_name_mismatch; fi
expect unknown_ca_is_refused '^refused 1: server certificate or host name verification failed'
if sed -n '/^refused 1:/{n;p;}' "$dir/qemu.out" | grep -Eq '^  verify flags 0x[0-9a-f]{7}[89a-f]$'; then
    ok unknown_ca_flags_not_trusted; else bad unknown_ca_flags_not_trusted; fi
for name in wronghost untrusted; do # refused before any request was sent
    if [ -s "$dir/$name.log" ]; then bad "nothing_reached_the_${name}_server"; else ok "nothing_reached_the_${name}_server"; fi
done
if grep -q "xoxb-firmware-secret\|$KEY" "$dir/qemu.out"; then bad firmware_prints_no_secret; else ok firmware_prints_no_secret; fi
if [ -s "$dir/good.log" ] && grep -q 'xoxb-firmware-secret' "$dir/good.log"; then ok secret_reached_the_server; else bad secret_reached_the_server; fi

# No heap: firmware.c wraps the allocators to abort; no libc allocator is linked.
heap=$(arm-none-eabi-nm "$elf" | grep -E ' [TtWw] (malloc|calloc|realloc|free|_?sbrk|__real_(malloc|calloc|realloc|free))$')
if [ -z "$heap" ] && arm-none-eabi-nm "$elf" | grep -q ' T __wrap_malloc$\| T __wrap_calloc$'; then
    ok no_allocator_in_the_image; else bad "no_allocator_in_the_image: $heap"; fi
if grep -q '^HEAP CALL' "$dir/qemu.out"; then bad no_heap_call_at_run_time; else ok no_heap_call_at_run_time; fi
expect pool_is_empty_after_free '^pool in use after free: 0 bytes in 0 blocks$'
expect work_buffer_is_wiped '^work buffer wiped after close: yes$'

# RAM: every figure reported, the stack paint did not reach the end, the total fits.
stack=$(number '^ram: stack high-water ([0-9]+) of [0-9]+ bytes$')
stack_size=$(number '^ram: stack high-water [0-9]+ of ([0-9]+) bytes$')
pool=$(number '^ram: pool high-water ([0-9]+) of .*')
total=$(number '^ram: total ([0-9]+) bytes .*')
budget=$(number '^ram: total [0-9]+ bytes \(budget ([0-9]+)\)$')
if [ -n "$stack" ] && [ -n "$stack_size" ] && [ "$stack" -gt 1000 ] && [ "$stack" -lt "$stack_size" ]; then
    ok "stack_paint_did_not_reach_the_end ($stack of $stack_size B)"; else bad "stack_paint_did_not_reach_the_end ($stack of $stack_size)"; fi
if [ -n "$pool" ] && [ "$pool" -gt 4096 ]; then ok "pool_high_water_reported ($pool B)"; else bad "pool_high_water_reported ($pool)"; fi
if [ -n "$total" ] && [ -n "$budget" ] && [ "$total" -le "$budget" ]; then
    ok "ram_total_within_budget ($total of $budget B)"; else bad "ram_total_within_budget ($total of $budget)"; fi
echo "$suite: $pass passed, $fail failed"
[ $fail -eq 0 ]
