#!/bin/sh
# Compiles platform/apconn_posix.h and platform/apconn_mbedtls.h with every
# compiler the project promises (gcc, clang as C99; g++, clang++ as C++),
# -Werror, against mbedTLS 2.28 (system) and 3.6 ($MBEDTLS3_SRC), the MCU
# config with arm-none-eabi-gcc, and checks the objects: every export is
# apconn_-prefixed and the layers call no heap function themselves.
# Prints "platform_compile_check: N passed, N failed, 0 skipped" (nothing here skips).
BUILD=${BUILD:-build}
M3=${MBEDTLS3_SRC:-$BUILD/mbedtls3-src/mbedtls}
out="$BUILD/platform/compile"; mkdir -p "$out/arm-inc"
WARN="-std=c99 -Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow -Wstrict-prototypes"
CXXWARN="-Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow"
src=tests/platform/compile_platform.c
late=tests/platform/compile_posix_late.c
BOTH="-DWITH_POSIX -DWITH_MBEDTLS"
MCU="-DMBEDTLS_CONFIG_FILE=\"mbedtls_config_mcu.h\" -Iplatform"
pass=0; fail=0
check() { # name, command...
    name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then pass=$((pass + 1)); echo "  ok $name"
    else fail=$((fail + 1)); echo "  FAIL $name: $*"; sed 's/^/    /' "$out/$name.log" | head -30; fi
}
# mbedTLS 2.28 (system headers)
check gcc_c99_2x        gcc $WARN $BOTH -I. -c $src -o "$out/gcc2.o"
check gcc_c99_O2_2x     gcc $WARN -O2 $BOTH -I. -c $src -o "$out/gcc2_O2.o"
check clang_c99_2x      clang $WARN $BOTH -I. -c $src -o "$out/clang2.o"
check gxx_as_cxx_2x     g++ -x c++ $CXXWARN $BOTH -I. -c $src -o "$out/gxx2.o"
check clangxx_as_cxx_2x clang++ -x c++ $CXXWARN $BOTH -I. -c $src -o "$out/clangxx2.o"
check gcc_static_api_2x gcc $WARN -DAPCONN_STATIC -Wno-unused-function $BOTH -I. -c $src -o "$out/static2.o"
# mbedTLS 3.6 (headers of the source tree in build/)
check gcc_c99_3x        gcc $WARN -O2 $BOTH -I. -I"$M3/include" -c $src -o "$out/gcc3.o"
check clang_c99_3x      clang $WARN $BOTH -I. -I"$M3/include" -c $src -o "$out/clang3.o"
check gxx_as_cxx_3x     g++ -x c++ $CXXWARN $BOTH -I. -I"$M3/include" -c $src -o "$out/gxx3.o"
check clangxx_as_cxx_3x clang++ -x c++ $CXXWARN $BOTH -I. -I"$M3/include" -c $src -o "$out/clangxx3.o"
# the usage blocks of the headers, as C and C++ (tests/platform/usage_example.c)
ex=tests/platform/usage_example.c
check usage_example_gcc_2x   gcc $WARN -I. -c $ex -o "$out/ex_gcc2.o"
check usage_example_gxx_2x   g++ -x c++ $CXXWARN -I. -c $ex -o "$out/ex_gxx2.o"
check usage_example_clang_3x clang $WARN -I. -I"$M3/include" -c $ex -o "$out/ex_clang3.o"
check usage_example_gxx_3x   g++ -x c++ $CXXWARN -I. -I"$M3/include" -c $ex -o "$out/ex_gxx3.o"
# the MCU config: check_config.h accepts it, and the TLS layer builds with it
check mcu_config_host_2x gcc $WARN -DWITH_MBEDTLS $MCU -I. -c $src -o "$out/mcu_host.o"
# Cortex-M4 -Os: mbedTLS 2.28's headers copied aside (the cross compiler must
# not see the host's /usr/include), the TLS layer with the MCU config, and the
# POSIX header's declarations alone.
rm -rf "$out/arm-inc/mbedtls" && cp -r /usr/include/mbedtls "$out/arm-inc/mbedtls"
ARM="-mcpu=cortex-m4 -mthumb -Os"
check arm_m4_mbedtls_mcu arm-none-eabi-gcc $WARN $ARM -DWITH_MBEDTLS $MCU -I. -I"$out/arm-inc" -c $src -o "$out/arm_tls.o"
check arm_m4_declarations arm-none-eabi-gcc $WARN $ARM -DDECLARATIONS_ONLY $MCU -I. -I"$out/arm-inc" -c $src -o "$out/arm_decl.o"
check arm_m0_mbedtls_mcu arm-none-eabi-gcc $WARN -mcpu=cortex-m0 -mthumb -Os -DWITH_MBEDTLS $MCU -I. -I"$out/arm-inc" -c $src -o "$out/arm_m0_tls.o"

# Feature macros: included after <stdio.h> the POSIX implementation must stop
# with its own #error (not a pile of implicit declarations), and build when
# the file sets _POSIX_C_SOURCE itself.
late_errors() {
    ! gcc $WARN -I. -c $late -o "$out/late.o" 2>"$out/late.err" &&
        grep -q 'apconn_posix.h: POSIX.1-2008 is not enabled' "$out/late.err"
}
check posix_late_include_names_the_fix late_errors
check posix_late_include_with_feature_macro gcc $WARN -D_POSIX_C_SOURCE=200809L -I. -c $late -o "$out/late_ok.o"

# No recursion and no dynamic stack frames (the call graph at -O0, before
# inlining and tail calls), then the Cortex-M4 -Os worst-case stack of each
# public function of the TLS layer (mbedTLS's own frames not included).
no_recursion() {
    gcc -std=c99 -O0 $BOTH -I. -c $src -o "$out/cg.o" -fcallgraph-info=su -dumpbase "$out/cg" &&
        python3 tests/tools/callgraph.py --check-no-recursion "$out"/cg*.ci
}
check no_recursion_no_vla no_recursion
stack_report() {
    rm -f "$out"/armcg*.ci
    arm-none-eabi-gcc -std=c99 $ARM -DWITH_MBEDTLS $MCU -I. -I"$out/arm-inc" -c $src -o "$out/armcg.o" \
        -fcallgraph-info=su -dumpbase "$out/armcg" &&
        python3 tests/tools/callgraph.py --stack-report "$out"/armcg*.ci >"$out/stack.txt" &&
        awk '$1 == "apconn_mbedtls_transport" && $2 > 2400 { print "setup stack " $2 " bytes > 2400"; exit 1 }' "$out/stack.txt"
}
check arm_m4_tls_layer_stack_at_most_2400 stack_report
sed -n '1,8p' "$out/stack.txt" 2>/dev/null | sed 's/^/    /'

# Functions stay short: GNU complexity score at most 8 (`complexity` comes with
# tests/tools/deps.sh core; it does not see through the API macro, so that is
# removed first). Not installed is a failure, not a skip.
small_functions() {
    command -v complexity >/dev/null || { echo "GNU complexity is not installed (sh tests/tools/deps.sh core)"; return 1; }
    for h in platform/apconn_posix.h platform/apconn_mbedtls.h; do
        sed -E 's/APCONN_(POSIX|MBEDTLS)_API //' "$h" >"$out/cx.c"
        over=$(complexity --thresh=9 "$out/cx.c" 2>/dev/null | grep -v 'No procedures' || true)
        [ -z "$over" ] || { echo "$h: $over"; return 1; }
    done
}
check gnu_complexity_at_most_8 small_functions

prefixed() { # every defined global symbol starts with apconn_
    syms=$(nm -g --defined-only "$1") || return 1
    bad=$(printf '%s\n' "$syms" | awk 'NF >= 3 {print $3}' | grep -v '^apconn_' || true)
    [ -z "$bad" ] || { echo "unprefixed exports: $bad"; return 1; }
}
no_heap() { # the layers' own code calls no heap function (mbedTLS's allocator is its own)
    syms=$(nm "$1") || return 1
    ! printf '%s\n' "$syms" | grep -Eq ' U _*(malloc|calloc|realloc|free)$'
}
check exports_prefixed_2x prefixed "$out/gcc2.o"
check exports_prefixed_3x prefixed "$out/gcc3.o"
check no_heap_calls_host no_heap "$out/gcc2.o"
check no_heap_calls_arm no_heap "$out/arm_tls.o"
echo "platform_compile_check: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
