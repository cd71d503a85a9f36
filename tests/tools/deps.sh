#!/bin/sh
# Makes sure the Debian packages a make target needs are installed.
# As root it installs the missing ones (apt-get update first); otherwise it
# prints the exact apt-get line and fails, so nothing half-works.
# Usage: tests/tools/deps.sh GROUP...   (groups: core cross tls coverage demo)
set -e
pkgs=""
for group in "$@"; do
    case "$group" in
        core)  pkgs="$pkgs gcc g++ clang make libjsmn-dev libcjson-dev python3 pkgconf complexity" ;;
        cross) pkgs="$pkgs gcc-arm-none-eabi libnewlib-arm-none-eabi picolibc-arm-none-eabi qemu-system-arm"
               # RISC-V rv32imc + picolibc (compile matrix); big-endian PowerPC + qemu-user (unit suites)
               pkgs="$pkgs gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf gcc-powerpc-linux-gnu libc6-dev-powerpc-cross qemu-user" ;;
        tls)   pkgs="$pkgs libmbedtls-dev openssl python3 dpkg-dev" ;;
        coverage) pkgs="$pkgs gcovr" ;;
        demo)  pkgs="$pkgs gcc make libjsmn-dev libmbedtls-dev openssl python3" ;;
        *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
    esac
done
missing=""
for p in $pkgs; do
    case " $missing " in *" $p "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Install them with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for the dpkg lock instead of failing: `make -j2` runs several groups at
# once, and another apt run may hold the lock for a while.
lock="-o DPkg::Lock::Timeout=600"
apt-get $lock update -qq >&2
apt-get $lock install -y -qq --no-install-recommends $missing >&2
