#!/bin/sh
# Code size and worst-case stack of the core (apconn.h, every function
# compiled in) for Cortex-M at -Os, as a firmware build would see it.
# -ffunction-sections gives one section per function; jsmn is inlined into
# apconn__jsmn (jsmn's functions are static and called once), so that
# function's size stands for jsmn's share.
set -e
BUILD=${BUILD:-build}
out="$BUILD/size"; mkdir -p "$out/jsmn"
cp /usr/include/jsmn.h "$out/jsmn/jsmn.h"
src=tests/compile/compile_check.c
# Rows: both cores, then the size profiles on Cortex-M4 (apconn.h's
# configuration list), each switch alone and APCONN_MINIMAL (all of them).
# "saved" is against the default Cortex-M4 row.
m4_budget=16384; min_budget=11264
printf '%-28s %8s %12s %8s %8s %8s\n' "core, -Os" ".text" "(jsmn part)" ".data" ".bss" "saved"
m4_default=0; over=""
for row in cortex-m0 cortex-m4 m4:APCONN_NO_STATUS_TEXT m4:APCONN_EMPTY_STATUS_TEXT m4:APCONN_NO_ERROR_DETAILS \
           m4:APCONN_NO_RETRIES m4:APCONN_NO_KEEPALIVE_PROBE m4:APCONN_NO_VALUE_JSON m4:APCONN_NO_REDACTION \
           m0:APCONN_MINIMAL m4:APCONN_MINIMAL; do
    case $row in
        m4:*) arch="-mcpu=cortex-m4 -D${row#m4:}"; name="${row#m4:}"; tag="m4_${row#m4:}" ;;
        m0:*) arch="-mcpu=cortex-m0 -D${row#m0:}"; name="${row#m0:} (M0)"; tag="m0_${row#m0:}" ;;
        *) arch="-mcpu=$row"; name=$row; tag=$row ;;
    esac
    # -dumpbase names the call-graph file: $out/apconn_$tag.ci
    arm-none-eabi-gcc -std=c99 $arch -mthumb -Os -ffunction-sections -fdata-sections -DNDEBUG \
        -I. -I"$out/jsmn" -c $src -o "$out/apconn_$tag.o" -fcallgraph-info=su -dumpbase "$out/apconn_$tag"
    t=$(arm-none-eabi-size -A "$out/apconn_$tag.o" | awk '$1 ~ /^\.(text|rodata)/ { t += $2 } END { print t }')
    [ "$row" = cortex-m4 ] && m4_default=$t
    saved=""; case $row in m4:*) saved=$((m4_default - t)) ;; esac
    arm-none-eabi-size -A "$out/apconn_$tag.o" | awk -v name="$name" -v saved="$saved" '
        $1 ~ /^\.(text|rodata)/ { t += $2 }
        $1 == ".text.apconn__jsmn" { j += $2 }
        $1 ~ /^\.data/ { d += $2 }
        $1 ~ /^\.bss/ { b += $2 }
        END { printf "%-28s %8d %12d %8d %8d %8s\n", name, t, j, d, b, saved }'
    [ "$row" = cortex-m4 ] && [ "$t" -gt "$m4_budget" ] && over="$over default M4 $t > $m4_budget;"
    [ "$row" = m4:APCONN_MINIMAL ] && [ "$t" -gt "$min_budget" ] && over="$over APCONN_MINIMAL M4 $t > $min_budget;"
done
echo "(.text includes .rodata; budgets: default M4 <= $m4_budget, APCONN_MINIMAL M4 <= $min_budget)"
[ -z "$over" ] || echo "size_report: over budget:$over"

# AVR atmega2560 (16-bit int and size_t): flash, and the SRAM the core's
# constants and statics take. avr-gcc places .rodata in SRAM (the AVR linker
# script copies it to .data), so SRAM = .rodata + .data + .bss; tables marked
# APCONN_PROGMEM stay in flash (.progmem.data) and are read with APCONN_READ_BYTE.
if command -v avr-gcc >/dev/null 2>&1; then
    echo
    printf '%-28s %8s %10s %12s\n' "AVR atmega2560, -Os" "flash" "SRAM" "(in flash)"
    for def in "" APCONN_MINIMAL; do
        avr-gcc -std=c99 -mmcu=atmega2560 -Os -ffunction-sections -fdata-sections -DNDEBUG ${def:+-D$def} \
            -I. -I"$out/jsmn" -c $src -o "$out/apconn_avr${def:+_$def}.o"
        avr-size -A "$out/apconn_avr${def:+_$def}.o" | awk -v name="${def:-default}" '
            $1 ~ /^\.text/ { t += $2 }
            $1 ~ /^\.progmem/ { p += $2 }
            $1 ~ /^\.(rodata|data)/ { i += $2 }
            $1 ~ /^\.bss/ { b += $2 }
            END { printf "%-28s %8d %10d %12d\n", name, t + p + i, i + b, p }'
    done
    echo "(flash = .text + .progmem + the initial image of .rodata/.data; SRAM = .rodata + .data + .bss)"
fi
python3 tests/tools/callgraph.py --stack-report "$out/apconn_cortex-m4.ci" >"$out/stack.txt"
head -n 25 "$out/stack.txt" # the whole list: $out/stack.txt

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
