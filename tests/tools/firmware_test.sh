#!/bin/sh
# Runs examples/firmware on QEMU's Cortex-M4F board against the local test
# server (plain HTTP on 127.0.0.1, through the semihosting bridge) and checks
# what the firmware printed and what reached the server.
BUILD=${BUILD:-build}
dir="$BUILD/firmware/run"; rm -rf "$dir"; mkdir -p "$dir"
KEY="sk-$(printf 'F%.0s' $(seq 61))"
PROJECT=Kp3Wn8ZrQa1Lm5Tx7Vb2C
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "  ok $1"; }
bad()  { fail=$((fail + 1)); echo "  FAIL $1"; }
expect() { # name, pattern (grep -E) that the firmware output must contain
    if grep -Eq "$2" "$dir/qemu.out"; then ok "$1"; else bad "$1 (no line matching: $2)"; fi
}
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM

python3 tests/server/ap_server.py --port 0 --port-file "$dir/port" --api-key "$KEY" \
    --project "$PROJECT" --log "$dir/server.log" >"$dir/server.out" 2>&1 &
pids="$pids $!"
i=0; while [ ! -s "$dir/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$dir/port" 2>/dev/null)
[ -n "$port" ] || { cat "$dir/server.out"; echo "firmware_qemu: 0 passed, 1 failed"; exit 1; }

APCONN_API_KEY="$KEY" python3 tests/tools/semihost_bridge.py "$dir" "http://127.0.0.1:$port/api" &
pids="$pids $!"
i=0; while [ ! -p "$dir/apconn-rx.fifo" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# QEMU runs in $dir: the firmware opens the FIFOs by relative name.
elf="$(pwd)/$BUILD/firmware/firmware.elf"
(cd "$dir" && timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$elf") >"$dir/qemu.out" 2>&1
rc=$?
sed 's/^/    | /' "$dir/qemu.out"
if [ $rc -eq 0 ]; then ok firmware_exits_0; else bad "firmware_exits_0 (exit $rc)"; fi
expect upsert_succeeds_on_cortex_m4 '^upsert: ok$'
expect list_shows_the_new_connection '^  item id=[0-9A-Za-z]{21} name="Gateway 7 Slack"$'
expect update_renames_it '^  name="Gateway 7 Slack \(renamed\)"$'
expect delete_succeeds '^delete: ok$'
expect second_delete_is_not_found '^delete again: .*404'
expect stack_use_is_reported '^stack used by the calls: [0-9]+ bytes'
expect work_buffer_is_wiped '^work buffer wiped after close: yes$'
if grep -q "xoxb-firmware-secret\|$KEY" "$dir/qemu.out"; then bad firmware_prints_no_secret; else ok firmware_prints_no_secret; fi
if [ -s "$dir/server.log" ] && grep -q 'xoxb-firmware-secret' "$dir/server.log"; then ok secret_reached_the_server; else bad secret_reached_the_server; fi
echo "firmware_qemu: $pass passed, $fail failed"
[ $fail -eq 0 ]
