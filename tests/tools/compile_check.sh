#!/bin/sh
# Builds apconn.h with every compiler the project promises, warnings as
# errors, and checks the objects: no heap symbols, every export prefixed.
# Prints "compile_check: N passed, N failed".
BUILD=${BUILD:-build}
out="$BUILD/compile"; mkdir -p "$out/jsmn"
cp /usr/include/jsmn.h "$out/jsmn/jsmn.h"   # the cross compiler must not see host headers
WARN="-std=c99 -Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow -Wstrict-prototypes"
CXXWARN="-Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow"
ARM="-mcpu=cortex-m4 -mthumb -Os"
src=tests/compile/compile_check.c
pass=0; fail=0
check() { # name, command...
    name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then pass=$((pass + 1)); echo "  ok $name"
    else fail=$((fail + 1)); echo "  FAIL $name: $*"; sed 's/^/    /' "$out/$name.log" | head -40; fi
}
check gcc_c99         gcc $WARN -I. -c $src -o "$out/gcc.o"
check gcc_c99_O2      gcc $WARN -O2 -I. -c $src -o "$out/gcc_O2.o"
check clang_c99       clang $WARN -I. -c $src -o "$out/clang.o"
check clang_c99_O2    clang $WARN -O2 -I. -c $src -o "$out/clang_O2.o"
check gxx_as_cxx      g++ -x c++ $CXXWARN -I. -c $src -o "$out/gxx.o"
check clangxx_as_cxx  clang++ -x c++ $CXXWARN -I. -c $src -o "$out/clangxx.o"
check gcc_static_api  gcc $WARN -DAPCONN_STATIC -Wno-unused-function -I. -c $src -o "$out/static.o"
check arm_cortex_m4_Os arm-none-eabi-gcc $WARN $ARM -I. -I"$out/jsmn" -c $src -o "$out/arm.o"
check arm_cortex_m0_Os arm-none-eabi-gcc $WARN -mcpu=cortex-m0 -mthumb -Os -I. -I"$out/jsmn" -c $src -o "$out/arm_m0.o"
check arm_no_status_text arm-none-eabi-gcc $WARN $ARM -DAPCONN_NO_STATUS_TEXT -I. -I"$out/jsmn" -c $src -o "$out/arm_nst.o"
check gxx_no_status_text g++ -x c++ $CXXWARN -DAPCONN_NO_STATUS_TEXT -I. -c $src -o "$out/gxx_nst.o"
# The size profiles (apconn.h's configuration list): each switch alone on
# Cortex-M4, APCONN_MINIMAL with every compiler.
for sw in APCONN_EMPTY_STATUS_TEXT APCONN_NO_ERROR_DETAILS APCONN_NO_RETRIES APCONN_NO_KEEPALIVE_PROBE \
          APCONN_NO_VALUE_JSON APCONN_NO_REDACTION; do
    check "arm_$sw" arm-none-eabi-gcc $WARN $ARM -D$sw -I. -I"$out/jsmn" -c $src -o "$out/arm_$sw.o"
done
check arm_minimal     arm-none-eabi-gcc $WARN $ARM -DAPCONN_MINIMAL -I. -I"$out/jsmn" -c $src -o "$out/arm_minimal.o"
check gcc_minimal     gcc $WARN -DAPCONN_MINIMAL -I. -c $src -o "$out/gcc_minimal.o"
check clang_minimal   clang $WARN -DAPCONN_MINIMAL -I. -c $src -o "$out/clang_minimal.o"
check gxx_minimal     g++ -x c++ $CXXWARN -DAPCONN_MINIMAL -I. -c $src -o "$out/gxx_minimal.o"
check gcc_static_minimal gcc $WARN -DAPCONN_STATIC -DAPCONN_MINIMAL -Wno-unused-function -I. -c $src -o "$out/static_minimal.o"
# AVR atmega2560 (avr-libc): 16-bit int and size_t; constant tables in flash (APCONN_PROGMEM)
AVR="-mmcu=atmega2560 -Os"
check avr_atmega2560_Os avr-gcc $WARN $AVR -I. -I"$out/jsmn" -c $src -o "$out/avr.o"
check avr_atmega2560_minimal avr-gcc $WARN $AVR -DAPCONN_MINIMAL -I. -I"$out/jsmn" -c $src -o "$out/avr_minimal.o"
# RISC-V rv32imc with picolibc: the core object, and a whole unit suite linked
# (picolibc's rv32im multilib, semihosting crt0); nothing here runs it.
RV="-march=rv32imc -mabi=ilp32 -Os --specs=picolibc.specs"
RV_MEM="-Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x100000 -Wl,--defsym=__ram=0x80100000 -Wl,--defsym=__ram_size=0x100000"
check riscv_rv32imc_Os riscv64-unknown-elf-gcc $WARN $RV -I. -I"$out/jsmn" -c $src -o "$out/rv32.o"
check riscv_rv32imc_links_picolibc riscv64-unknown-elf-gcc $WARN $RV --oslib=semihost --crt0=semihost $RV_MEM \
    -I. -Itests -I"$out/jsmn" tests/unit/test_upsert.c -o "$out/rv32_test_upsert.elf"
# big-endian 32-bit PowerPC (tests/mk/ppc.mk also runs the unit suites there)
check powerpc_big_endian_O2 powerpc-linux-gnu-gcc $WARN -O2 -I. -I"$out/jsmn" -c $src -o "$out/ppc.o"

no_heap() { # object: must exist, and reference no heap function
    syms=$(nm "$1") || return 1
    ! printf '%s\n' "$syms" | grep -Eq ' U _*(malloc|calloc|realloc|free)$'
}
check no_heap_symbols_host no_heap "$out/gcc.o"
check no_heap_symbols_arm  no_heap "$out/arm.o"
check no_heap_symbols_riscv no_heap "$out/rv32.o"
check no_heap_symbols_avr no_heap "$out/avr.o"
check no_heap_symbols_minimal no_heap "$out/arm_minimal.o"
no_strcmp() { # the core object calls no strcmp/strncmp (newlib's is 732 bytes on Cortex-M4)
    syms=$(arm-none-eabi-nm "$1") || return 1
    ! printf '%s\n' "$syms" | grep -Eq ' U (strcmp|strncmp)$'
}
check no_strcmp_arm no_strcmp "$out/arm.o"
prefixed() { # every defined global symbol starts with apconn_
    syms=$(nm -g --defined-only "$1") || return 1
    bad=$(printf '%s\n' "$syms" | awk 'NF == 3 {print $3}' | grep -v '^apconn_' || true)
    [ -z "$bad" ] || { echo "unprefixed exports: $bad"; return 1; }
}
check exports_prefixed prefixed "$out/gcc.o"
no_recursion() { # the call graph at -O0 (before inlining/tail calls) has no cycle
    gcc -std=c99 -O0 -I. -c $src -o "$out/cg.o" -fcallgraph-info=su -dumpbase "$out/cg" &&
        python3 tests/tools/callgraph.py --check-no-recursion "$out"/cg*.ci
}
check no_recursion_no_vla no_recursion
gnu_complexity() { # STYLE: no function over a GNU complexity score of 8.
    # apconn_strerror is exempt: a flat switch generated from the status list.
    gcc -E -P -I. $src -o "$out/pp.c" || return 1
    over=$(complexity --threshold=9 "$out/pp.c" 2>/dev/null | grep -E 'apconn' | grep -v 'apconn_strerror$' || true)
    [ -z "$over" ] || { echo "$over"; return 1; }
    complexity --threshold=1 "$out/pp.c" 2>/dev/null | grep -q apconn_json_validate  # the tool really ran
}
check gnu_complexity_at_most_8 gnu_complexity
echo "compile_check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
