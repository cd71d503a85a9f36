#!/bin/sh
# Runs one Cortex-M3 test image under QEMU with semihosting; its exit status
# is the program's (124 when it hung past the limit).
exec timeout "${QEMU_TIMEOUT:-120}" qemu-system-arm -M mps2-an385 -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$1" 2>&1
