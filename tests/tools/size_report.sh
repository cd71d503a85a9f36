#!/bin/sh
# Code size and worst-case stack of the core (apconn.h, every function
# compiled in) for Cortex-M at -Os, as a firmware build would see it.
# -ffunction-sections gives one section per function; jsmn is inlined into
# apconn__tokenize (jsmn's functions are static and called once), so that
# function's size stands for jsmn's share.
set -e
BUILD=${BUILD:-build}
out="$BUILD/size"; mkdir -p "$out/jsmn"
cp /usr/include/jsmn.h "$out/jsmn/jsmn.h"
src=tests/compile/compile_check.c
printf '%-22s %8s %12s %8s %8s\n' "core, -Os" ".text" "(jsmn part)" ".data" ".bss"
# the last row: the opt-in APCONN_NO_STATUS_TEXT (enum names, no sentences)
for cpu in cortex-m0 cortex-m4 cortex-m4-no-text; do
    if [ "$cpu" = cortex-m4-no-text ]; then arch="-mcpu=cortex-m4 -DAPCONN_NO_STATUS_TEXT"; else arch="-mcpu=$cpu"; fi
    # -dumpbase names the call-graph file: $out/apconn_$cpu.ci
    arm-none-eabi-gcc -std=c99 $arch -mthumb -Os -ffunction-sections -fdata-sections -DNDEBUG \
        -I. -I"$out/jsmn" -c $src -o "$out/apconn_$cpu.o" -fcallgraph-info=su -dumpbase "$out/apconn_$cpu"
    arm-none-eabi-size -A "$out/apconn_$cpu.o" | awk -v cpu="$cpu" '
        $1 ~ /^\.(text|rodata)/ { t += $2 }
        $1 == ".text.apconn__tokenize" { j += $2 }
        $1 ~ /^\.data/ { d += $2 }
        $1 ~ /^\.bss/ { b += $2 }
        END { printf "%-22s %8d %12d %8d %8d\n", cpu, t, j, d, b }'
done
echo "(.text includes .rodata; -DNDEBUG drops APCONN_ASSERT)"
python3 tests/tools/callgraph.py --stack-report "$out/apconn_cortex-m4.ci" | head -n 25

# ---- RAM of the HTTPS firmware (examples/firmware) ----------------------------
# Runs both images on QEMU against the test server (tests/tools/firmware_test.sh:
# the four calls with verification on, then two refused certificates) and
# reads what the firmware measured: static data from its linker symbols, the
# mbedTLS pool's high-water mark by painting it, the stack's by painting all
# of it. total = static + pool peak + stack peak; "reserved" is what the image
# sets aside (pool and stack at their configured sizes), which ld checks
# against the RAM region the image is linked for (tests/mk/firmware.mk).
FW_DIR=${FW_DIR:-$BUILD/firmware}
budget=40960
echo
echo "HTTPS firmware, QEMU Cortex-M4F, -Os, RAM in bytes (4 calls + 2 refused certificates)"
printf '%-22s %7s %7s %14s %14s %7s %9s\n' "image" ".text" "static" "pool peak/size" "stack peak/size" "total" "reserved"
over=0
for v in tls12 tls13; do
    case $v in tls12) name="TLS 1.2, mbedTLS 2.28" ;; tls13) name="TLS 1.3, mbedTLS 3.6" ;; esac
    elf="$FW_DIR/firmware_$v.elf"; log="$out/firmware_$v.log"
    if ! BUILD=$BUILD FW_DIR=$FW_DIR sh tests/tools/firmware_test.sh $v >"$log" 2>&1; then
        echo "$name: the firmware run failed (see $log)"; over=1; continue
    fi
    text=$(arm-none-eabi-size -A "$elf" | awk '$1 == ".init" || $1 == ".text" { t += $2 } END { print t }')
    static=$(sed -nE 's/^ *\| ram: static ([0-9]+) bytes.*/\1/p' "$log")
    pool=$(sed -nE 's/^ *\| ram: pool high-water ([0-9]+) of ([0-9]+) bytes.*/\1 \2/p' "$log")
    stack=$(sed -nE 's/^ *\| ram: stack high-water ([0-9]+) of ([0-9]+) bytes.*/\1 \2/p' "$log")
    set -- $pool $stack
    total=$((static + $1 + $3)); reserved=$((static + $2 + $4))
    printf '%-22s %7d %7d %14s %14s %7d %9d\n' "$name" "$text" "$static" "$1/$2" "$3/$4" "$total" "$reserved"
    [ "$total" -le "$budget" ] || over=1
done
echo "(static = .data + .bss without the pool: work buffer, tokens, connection, TLS contexts, libc;"
echo " budget: total <= $budget; ${FW_DIR}/firmware_*.map is each image's linker map)"
[ "$over" -eq 0 ] || { echo "size_report: a firmware run failed or its RAM is over $budget bytes"; exit 1; }
