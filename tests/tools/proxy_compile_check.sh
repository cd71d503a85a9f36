#!/bin/sh
# platform/apconn_proxy.h under the gates the other platform layers pass
# (tests/tools/platform_compile_check.sh): gcc/clang C99 and g++/clang++ as C++,
# -Werror; APCONN_STATIC; Cortex-M0/M4 -Os; exports apconn_-prefixed; no heap
# call; no recursion; GNU complexity at most 8. Prints its .text on Cortex-M4.
# Prints "proxy_compile_check: N passed, N failed".
BUILD=${BUILD:-build}
out="$BUILD/platform/proxy-compile"; mkdir -p "$out/jsmn"
cp /usr/include/jsmn.h "$out/jsmn/"
WARN="-std=c99 -Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow -Wstrict-prototypes"
CXXWARN="-Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow"
src="$out/proxy_tu.c"
printf '#include "apconn.h"\n#define APCONN_PROXY_IMPLEMENTATION\n#include "platform/apconn_proxy.h"\n' >"$src"
pass=0; fail=0
check() { # name, command...
    name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then pass=$((pass + 1)); echo "  ok $name"
    else fail=$((fail + 1)); echo "  FAIL $name: $*"; sed 's/^/    /' "$out/$name.log" | head -30; fi
}
check gcc_c99          gcc $WARN -O2 -I. -c "$src" -o "$out/gcc.o"
check clang_c99        clang $WARN -I. -c "$src" -o "$out/clang.o"
check gxx_as_cxx       g++ -x c++ $CXXWARN -I. -c "$src" -o "$out/gxx.o"
check clangxx_as_cxx   clang++ -x c++ $CXXWARN -I. -c "$src" -o "$out/clangxx.o"
printf '#define APCONN_IMPLEMENTATION\n#include "%s"\n' "$(pwd)/$src" >"$out/static_tu.c"
check gcc_static_api   gcc $WARN -DAPCONN_STATIC -Wno-unused-function -I. -c "$out/static_tu.c" -o "$out/static.o"
check arm_m4_os        arm-none-eabi-gcc $WARN -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -I. -I"$out/jsmn" -c "$src" -o "$out/m4.o"
check arm_m0_os        arm-none-eabi-gcc $WARN -mcpu=cortex-m0 -mthumb -Os -I. -I"$out/jsmn" -c "$src" -o "$out/m0.o"
prefixed() {
    bad=$(nm -g --defined-only "$1" | awk 'NF >= 3 {print $3}' | grep -v '^apconn_proxy' || true)
    [ -z "$bad" ] || { echo "unprefixed exports: $bad"; return 1; }
}
no_heap() { ! nm "$1" | grep -Eq ' U _*(malloc|calloc|realloc|free)$'; }
no_recursion() {
    rm -f "$out"/cg*.ci
    gcc -std=c99 -O0 -I. -c "$src" -o "$out/cg.o" -fcallgraph-info=su -dumpbase "$out/cg" &&
        python3 tests/tools/callgraph.py --check-no-recursion "$out"/cg*.ci
}
small_functions() {
    sed -E 's/APCONN_PROXY_API //' platform/apconn_proxy.h >"$out/cx.c"
    over=$(complexity --thresh=9 "$out/cx.c" 2>/dev/null | grep -v 'No procedures' || true)
    [ -z "$over" ] || { echo "$over"; return 1; }
}
check exports_prefixed prefixed "$out/gcc.o"
check no_heap_calls no_heap "$out/m4.o"
check no_recursion_no_vla no_recursion
if command -v complexity >/dev/null; then check gnu_complexity_at_most_8 small_functions
else echo "  SKIP gnu_complexity_at_most_8: GNU complexity is not installed"; fi
arm-none-eabi-size "$out/m4.o" | sed 's/^/    /'
echo "proxy_compile_check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
