#!/bin/sh
# Makes sure the Debian packages a make target needs are installed.
# Usage: tests/tools/deps.sh GROUP...           (make deps-GROUP)
#        tests/tools/deps.sh --check GROUP...   (make need-GROUP[+GROUP...])
# Installing: as root it installs the missing ones (apt-get update first);
# otherwise it prints ONE line for root that installs all of them, and fails,
# so nothing half-works and no second round asks for more.
# --check installs nothing and runs no apt-get: when something is missing it
# prints one line naming the `make deps-...` to run, and fails.
#   groups: core cross tls coverage bench proxy manifests sanitize, test (= core
#   cross tls proxy manifests sanitize coverage: what .ci/run needs) and demo (what `make demo` needs: the
#   CLI links mbedTLS 3.6, built from source). tls and test include the apt
#   deb-src entries of both mbedTLS source packages (fetch_mbedtls3.sh), demo
#   that of 3.6.
# BUILD (default build) is where fetch_mbedtls3.sh unpacks those sources.
set -e
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
check=""
[ "${1:-}" != "--check" ] || { check=1; shift; }
pkgs=""; sources=""
groups=""
for group in "$@"; do
    case "$group" in
        test) groups="$groups core cross tls proxy manifests sanitize coverage" ;;
        *) groups="$groups $group" ;;
    esac
done
missing=""; need_groups=""
for group in $groups; do
    pkgs=""
    case "$group" in
        core)  pkgs="$pkgs gcc g++ clang make libc6-dev libjsmn-dev libcjson-dev python3 pkgconf complexity" ;;
        cross) pkgs="$pkgs gcc-arm-none-eabi libnewlib-arm-none-eabi picolibc-arm-none-eabi qemu-system-arm"
               # RISC-V rv32imc + picolibc (compile matrix); big-endian PowerPC + qemu-user (unit suites)
               pkgs="$pkgs gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf gcc-powerpc-linux-gnu libc6-dev-powerpc-cross qemu-user"
               # AVR atmega2560 (16-bit int): compile matrix and make size
               pkgs="$pkgs gcc-avr avr-libc" ;;
        tls)   pkgs="$pkgs libmbedtls-dev openssl ca-certificates python3 dpkg-dev"; sources="$sources trixie bookworm" ;;
        coverage) pkgs="$pkgs gcovr" ;;
        bench) pkgs="$pkgs valgrind libcjson-dev" ;;
        demo)  pkgs="$pkgs gcc make libc6-dev libjsmn-dev libmbedtls-dev openssl python3 dpkg-dev"; sources="$sources trixie" ;;
        proxy) pkgs="$pkgs tinyproxy python3" ;;
        # groff-base: the man page is rendered (make install check); minbase has no man-db
        manifests) pkgs="$pkgs cmake python3-yaml pkgconf groff-base" ;;
        # clang's ASan/UBSan and libFuzzer runtimes (clang only recommends them): asan-test, fuzz
        sanitize) pkgs="$pkgs clang libclang-rt-dev" ;;
        *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
    esac
    for p in $pkgs; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            case " $need_groups " in *" deps-$group "*) ;; *) need_groups="$need_groups deps-$group" ;; esac
            case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac
        fi
    done
done
# Suites whose mbedTLS sources are neither unpacked in BUILD nor known to apt.
src_missing=""
if [ -n "$sources" ]; then
    for suite in $(sh "$here/fetch_mbedtls3.sh" --missing "$BUILD"); do
        case " $sources " in *" $suite "*) src_missing="$src_missing $suite" ;; esac
    done
fi
src_missing=${src_missing# }
src_missing=${src_missing% }
[ -z "$missing" ] && [ -z "$src_missing" ] && exit 0

if [ -n "$check" ]; then
    [ -z "$src_missing" ] || case " $need_groups " in *" deps-tls "*) ;; *) need_groups="$need_groups deps-tls" ;; esac
    echo "missing Debian packages:${missing:- none}${src_missing:+ (and the mbedTLS source entries: $src_missing)}; as root, run: make$need_groups" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    cmd=""
    [ -z "$missing" ] || cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
    [ -z "$src_missing" ] || cmd="${cmd:+$cmd && }sh $here/fetch_mbedtls3.sh --apt-sources $src_missing"
    echo "deps.sh: missing Debian packages${src_missing:+ and mbedTLS source entries ($src_missing)}. As root, run:" >&2
    echo "    $cmd" >&2
    [ -z "$src_missing" ] || echo "  (the source entries go to /etc/apt/sources.list.d/apconn-mbedtls-src-*; nothing else is changed)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for the dpkg lock instead of failing: `make -j2` runs several groups at
# once, and another apt run may hold the lock for a while.
lock="-o DPkg::Lock::Timeout=600"
if [ -n "$missing" ]; then
    echo "deps.sh: installing$missing" >&2
    apt-get $lock update -qq >&2
    apt-get $lock install -y -qq --no-install-recommends $missing >&2
fi
[ -z "$src_missing" ] || sh "$here/fetch_mbedtls3.sh" --apt-sources $src_missing
