#!/bin/sh
# Code size and worst-case stack of the core (apconn.h, every function
# compiled in) for Cortex-M at -Os, as a firmware build would see it.
# Built with -ffunction-sections so that jsmn's share can be told apart.
set -e
BUILD=${BUILD:-build}
out="$BUILD/size"; mkdir -p "$out/jsmn"
cp /usr/include/jsmn.h "$out/jsmn/jsmn.h"
src=tests/compile/compile_check.c
printf '%-22s %8s %8s %8s %8s %8s\n' "core, -Os" "apconn" "jsmn" ".text" ".data" ".bss"
# the last row: the opt-in APCONN_NO_STATUS_TEXT (enum names, no sentences)
for cpu in cortex-m0 cortex-m4 cortex-m4-no-text; do
    obj="$out/apconn_$cpu.o"
    if [ "$cpu" = cortex-m4-no-text ]; then arch="-mcpu=cortex-m4 -DAPCONN_NO_STATUS_TEXT"; else arch="-mcpu=$cpu"; fi
    arm-none-eabi-gcc -std=c99 $arch -mthumb -Os -ffunction-sections -fdata-sections \
        -DNDEBUG -I. -I"$out/jsmn" -c $src -o "$obj" -fcallgraph-info=su
    mv "$out/compile_check.ci" "$out/apconn_$cpu.ci" 2>/dev/null || mv compile_check.ci "$out/apconn_$cpu.ci" 2>/dev/null || true
    arm-none-eabi-size -A "$obj" | awk -v cpu="$cpu" '
        $1 ~ /^\.text/ { t += $2; if ($1 ~ /jsmn/) j += $2 }
        $1 ~ /^\.(data|rodata)/ { if ($1 ~ /^\.data/) d += $2; else t += $2 }
        $1 ~ /^\.bss/ { b += $2 }
        END { printf "%-22s %8d %8d %8d %8d %8d\n", cpu, t - j, j, t, d, b }'
done
echo "(.text includes .rodata; -DNDEBUG drops APCONN_ASSERT)"
ci=$(ls "$out"/apconn_cortex-m4.ci 2>/dev/null | head -n 1)
[ -n "$ci" ] && python3 tests/tools/callgraph.py --stack-report "$ci" | head -25
