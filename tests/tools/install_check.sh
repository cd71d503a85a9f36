#!/bin/sh
# `make install` into a scratch PREFIX, then build a program against the
# installed copy through pkg-config, as a user of the package would.
BUILD=${BUILD:-build}
prefix="$(pwd)/$BUILD/install-check"
rm -rf "$prefix"; mkdir -p "$prefix"
pass=0; fail=0
check() {
    name=$1; shift
    if "$@" >"$prefix.$name.log" 2>&1; then pass=$((pass + 1)); echo "  ok $name"
    else fail=$((fail + 1)); echo "  FAIL $name: $*"; sed 's/^/    /' "$prefix.$name.log" | head -20; fi
}
check make_install make -s install PREFIX="$prefix"
check header_installed test -f "$prefix/include/apconn/apconn.h"
check pkgconfig_version sh -c "PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --modversion apconn | grep -qx '$(sed -n 's/^#define APCONN_VERSION_STRING "\(.*\)"/\1/p' apconn.h)'"
printf '#define APCONN_IMPLEMENTATION\n#include <apconn.h>\nint main(void) { return apconn_strerror(APCONN_OK)[0] ? 0 : 1; }\n' > "$prefix/use.c"
check builds_against_installed_copy sh -c "cc -std=c99 -Wall -Werror \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags apconn) '$prefix/use.c' -o '$prefix/use' && '$prefix/use'"
check mbedtls_pc_links_mbedtls sh -c "PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --libs apconn-mbedtls | grep -q -- -lmbedtls"
check make_uninstall sh -c "make -s uninstall PREFIX='$prefix' && test ! -e '$prefix/include/apconn'"
echo "install_check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
