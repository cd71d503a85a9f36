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
