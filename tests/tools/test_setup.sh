#!/bin/sh
# The set-up tools themselves: fetch_mbedtls3.sh derives its deb-src entry from
# either apt layout (classic sources.list, deb822 .sources) through a scratch
# apt configuration (APT_CONFIG; the machine's own is not touched),
# run_tests.sh counts skips, tests/harness.h's SKIP() counts as skipped; a test
# that makes no check fails (tests/harness.h and tests/tools/harness.py) and so
# does a suite that exits 0 without its summary line (run_tests.sh); only the
# deps-* targets install Debian packages (deps.sh --check elsewhere).
# Prints "setup_tools: N passed, N failed, 0 skipped".
BUILD=${BUILD:-build}
out="$BUILD/setup"; rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
codename=$( (. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}") 2>/dev/null || echo bookworm)
pass=0; fail=0
check() { # name, command...
    name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then pass=$((pass + 1)); echo "  ok $name"
    else fail=$((fail + 1)); echo "  FAIL $name"; sed 's/^/    /' "$out/$name.log" | head -30; fi
}
same() { # expected-file actual-file
    cmp -s "$1" "$2" && return 0
    echo "expected:"; cat "$1"; echo "got:"; cat "$2"; return 1
}

# A scratch apt configuration: $out/<case>/etc holds sources.list and sources.list.d/.
apt_case() { # case -> prints its APT_CONFIG file
    d="$out/$1/etc"; mkdir -p "$d/sources.list.d" "$d/apt.conf.d" "$d/preferences.d"
    printf 'Dir::Etc "%s";\n' "$d" >"$out/$1/apt.conf"
    echo "$out/$1/apt.conf"
}
show() { # case suite -> the entry fetch_mbedtls3.sh would write
    APT_CONFIG="$out/$1/apt.conf" sh "$here/fetch_mbedtls3.sh" --show-entry "$2"
}

classic_as_debootstrap_writes_it() {
    apt_case classic >/dev/null
    echo "deb http://mirror.invalid/debian $codename main" >"$out/classic/etc/sources.list"
    show classic trixie >"$out/got" || return 1
    cat >"$out/want" <<EOF
$out/classic/etc/sources.list.d/apconn-mbedtls-src-trixie.list
# Added by apconn tests/tools/fetch_mbedtls3.sh: mbedTLS sources only, from $out/classic/etc/sources.list:1.
deb-src http://mirror.invalid/debian/ trixie main
EOF
    same "$out/want" "$out/got"
}
check classic_sources_list_gives_a_list_file classic_as_debootstrap_writes_it

classic_with_options() { # security first, comments, the main line keeps its signed-by
    apt_case classic2 >/dev/null
    cat >"$out/classic2/etc/sources.list" <<EOF
# a comment
deb http://security.invalid/debian-security $codename-security main
deb-src http://other.invalid/debian $codename main

deb [arch=amd64 signed-by=/usr/share/keyrings/test.gpg] http://mirror.invalid/debian $codename main contrib
deb http://mirror.invalid/debian $codename-updates main
EOF
    show classic2 bookworm >"$out/got" || return 1
    cat >"$out/want" <<EOF
$out/classic2/etc/sources.list.d/apconn-mbedtls-src-bookworm.list
# Added by apconn tests/tools/fetch_mbedtls3.sh: mbedTLS sources only, from $out/classic2/etc/sources.list:5.
deb-src [signed-by=/usr/share/keyrings/test.gpg] http://mirror.invalid/debian/ bookworm main
EOF
    same "$out/want" "$out/got"
}
check classic_main_line_found_with_its_signed_by classic_with_options

deb822_as_debian_images_have_it() {
    apt_case deb822 >/dev/null
    cat >"$out/deb822/etc/sources.list.d/debian.sources" <<EOF
Types: deb
# a comment inside the stanza
URIs: http://mirror.invalid/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.invalid/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    show deb822 trixie >"$out/got" || return 1
    cat >"$out/want" <<EOF
$out/deb822/etc/sources.list.d/apconn-mbedtls-src-trixie.sources
# Added by apconn tests/tools/fetch_mbedtls3.sh: mbedTLS sources only, from $out/deb822/etc/sources.list.d/debian.sources:1.
Types: deb-src
URIs: http://mirror.invalid/debian/
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    same "$out/want" "$out/got"
}
check deb822_sources_gives_a_sources_file deb822_as_debian_images_have_it

deb822_second_stanza() { # security stanza first: the main one's own Signed-By is used
    apt_case deb822b >/dev/null
    cat >"$out/deb822b/etc/sources.list.d/mirror.sources" <<EOF
Types: deb
URIs: http://security.invalid/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/security.gpg

Types: deb
URIs: http://mirror.invalid/debian
Suites: $codename
Components: main contrib
Signed-By: /usr/share/keyrings/main.gpg
EOF
    show deb822b bookworm >"$out/got" || return 1
    grep -qx "URIs: http://mirror.invalid/debian/" "$out/got" &&
        grep -qx "Signed-By: /usr/share/keyrings/main.gpg" "$out/got" &&
        grep -q "mirror.sources:2\.$" "$out/got" &&
        ! grep -q security "$out/got" || { cat "$out/got"; return 1; }
}
check deb822_main_stanza_found_after_security deb822_second_stanza

no_main_entry_is_an_error() {
    apt_case nomain >/dev/null
    echo "deb http://security.invalid/debian-security $codename-security main" >"$out/nomain/etc/sources.list"
    if show nomain trixie >"$out/got" 2>"$out/err"; then echo "succeeded:"; cat "$out/got"; return 1; fi
    grep -q "no Debian main archive entry" "$out/err" || { cat "$out/err"; return 1; }
}
check no_main_archive_entry_fails_with_a_reason no_main_entry_is_an_error

unknown_suite_is_refused() {
    ! sh "$here/fetch_mbedtls3.sh" --show-entry sid 2>"$out/err" && grep -q "suite must be" "$out/err"
}
check unknown_suite_is_refused unknown_suite_is_refused

unknown_group_is_refused() {
    sh "$here/deps.sh" core nonsense 2>"$out/err"; rc=$?
    [ "$rc" -eq 2 ] && grep -q "unknown group 'nonsense'" "$out/err"
}
check deps_unknown_group_is_refused unknown_group_is_refused

run_tests_counts_skips() {
    sh "$here/run_tests.sh" \
        "echo 'a: 3 passed, 0 failed'" \
        "printf '  SKIP b_one: no widget here\nb: 2 passed, 0 failed, 1 skipped\n'" \
        "printf '  SKIP c_one: old suite line without a count\nc: 1 passed, 0 failed\n'" \
        "printf '  SKIP d: the whole suite, listed out\n'" >"$out/got"; rc=$?
    [ "$rc" -eq 0 ] && [ "$(tail -n 1 "$out/got")" = "6 passed, 0 failed, 3 skipped" ] &&
        grep -qx "  SKIP b_one: no widget here" "$out/got" || { cat "$out/got"; return 1; }
    # a skip never hides a failure or a crash
    sh "$here/run_tests.sh" "printf '  SKIP e: x\n'" "printf 'f: 1 passed, 1 failed, 2 skipped\n'; exit 1" \
        "exit 3" >"$out/got"; rc=$?
    [ "$rc" -ne 0 ] && [ "$(tail -n 1 "$out/got")" = "1 passed, 2 failed, 3 skipped" ] || { cat "$out/got"; return 1; }
}
check run_tests_sums_skips_and_keeps_failures run_tests_counts_skips

# Builds $out/NAME.c against tests/harness.h and runs it, output in $out/got;
# returns the program's exit status (99 when it does not compile).
harness_program() {
    ${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$here/.." "$out/$1.c" -o "$out/$1" || return 99
    "$out/$1" >"$out/got"
}

harness_skip_is_counted() {
    cat >"$out/skip.c" <<'EOF'
#include "harness.h"
static void passes(void) { CHECK(1); }
static void skips(void) { SKIP("no such device"); }
static void skips_then_fails(void) { SKIP("half way"); CHECK(0); }
int main(void) {
    RUN(passes); RUN(skips); RUN(skips_then_fails);
    return harness_summary("harness_skip");
}
EOF
    harness_program skip
    [ $? -eq 1 ] && [ "$(tail -n 1 "$out/got")" = "harness_skip: 1 passed, 1 failed, 1 skipped" ] &&
        grep -qx "  SKIP skips: no such device" "$out/got" || { cat "$out/got"; return 1; }
}
check harness_skip_counts_as_skipped_not_passed harness_skip_is_counted

run_tests_fails_a_silent_exit_0() {
    sh "$here/run_tests.sh" "echo 'a: 2 passed, 0 failed'" "true" "echo 'no summary here'" >"$out/got"; rc=$?
    [ "$rc" -ne 0 ] && [ "$(tail -n 1 "$out/got")" = "2 passed, 2 failed, 0 skipped" ] &&
        [ "$(grep -c "exited 0 but printed no" "$out/got")" -eq 2 ] || { cat "$out/got"; return 1; }
}
check run_tests_counts_a_suite_without_summary_as_failed run_tests_fails_a_silent_exit_0

harness_test_without_check_fails() {
    cat >"$out/nocheck.c" <<'EOF'
#include "harness.h"
static void checks(void) { CHECK_EQ(1, 1); }
static void checks_nothing(void) { }
static void skips_without_check(void) { SKIP("no such device"); }
int main(void) {
    RUN(checks); RUN(checks_nothing); RUN(skips_without_check);
    return harness_summary("harness_nocheck");
}
EOF
    harness_program nocheck
    [ $? -eq 1 ] && [ "$(tail -n 1 "$out/got")" = "harness_nocheck: 1 passed, 1 failed, 1 skipped" ] &&
        grep -qx "  FAIL checks_nothing: made no check" "$out/got" || { cat "$out/got"; return 1; }
}
check harness_test_without_a_check_fails harness_test_without_check_fails

python_harness_test_without_check_fails() {
    cat >"$out/nocheck.py" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import harness
from harness import check
def test_checks(): check(1 == 1, "one")
def test_checks_nothing(): pass
def test_fails(): check(1 == 2)
class Cases(harness.Case):
    def test_asserts(self): self.assertEqual(1, 1)
    def test_asserts_nothing(self): pass
sys.exit(harness.run_suite("py_nocheck", harness.tests_in(globals())))
EOF
    ${PYTHON:-python3} "$out/nocheck.py" "$here" >"$out/got"
    [ $? -eq 1 ] && [ "$(tail -n 1 "$out/got")" = "py_nocheck: 2 passed, 3 failed" ] &&
        grep -qx "  FAIL test_checks_nothing: made no check.*" "$out/got" &&
        grep -qx "  FAIL Cases.test_asserts_nothing: made no check.*" "$out/got" &&
        grep -qx "  FAIL test_fails: nocheck.py:7: def test_fails(): check(1 == 2)" "$out/got" || { cat "$out/got"; return 1; }
}
check python_harness_test_without_a_check_fails python_harness_test_without_check_fails

deps_check_installs_nothing() { # every package missing (a fake dpkg-query); apt-get must never run
    mkdir -p "$out/fakebin"
    printf '#!/bin/sh\nexit 1\n' >"$out/fakebin/dpkg-query"
    printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt-calls"\n' "$out" >"$out/fakebin/apt-get"
    chmod +x "$out/fakebin/dpkg-query" "$out/fakebin/apt-get"
    rm -f "$out/apt-calls"
    PATH="$out/fakebin:$PATH" sh "$here/deps.sh" --check core cross >"$out/got" 2>&1; rc=$?
    [ "$rc" -eq 1 ] && [ ! -e "$out/apt-calls" ] && [ "$(wc -l <"$out/got")" -eq 1 ] &&
        grep -q "gcc-arm-none-eabi.*as root, run: make deps-core deps-cross$" "$out/got" || { cat "$out/got"; return 1; }
}
check deps_check_installs_nothing_and_names_the_deps_targets deps_check_installs_nothing

plain_targets_never_install() { # only deps-* (and test/demo through them) may call deps.sh without --check
    for t in unit compile-check cross size bench cli examples cli-test coverage firmware firmware-test fuzz \
             fuzz-ci manifests-test minimal-unit platform-test mbedtls3 size-tls ppc-unit proxy-test qemu-unit \
             asan-test json-crosscheck; do
        (cd "$here/../.." && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n "$t" BUILD="$out/nobuild") \
            >"$out/n.$t" 2>&1 || { echo "make -n $t failed:"; tail -n 5 "$out/n.$t"; return 1; }
        if grep "deps\.sh\|apt-get" "$out/n.$t" | grep -v "deps\.sh --check" | grep -q .; then
            echo "make $t would install:"; grep "deps\.sh\|apt-get" "$out/n.$t"; return 1
        fi
        grep -q "deps\.sh --check" "$out/n.$t" || [ "$t" = json-crosscheck ] || { echo "make $t checks nothing"; return 1; }
    done
}
check plain_make_targets_only_check_packages plain_targets_never_install

echo "setup_tools: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
