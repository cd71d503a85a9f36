# apconn - build, test and measure. `make help` lists the targets.
# CC, CFLAGS and LDFLAGS given on the command line are honoured. `make test`
# also runs the unit suites and the CLI integration under ASan/UBSan
# (tests/mk/sanitize.mk, suites named asan.*).
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PREFIX  ?= /usr/local
PYTHON  ?= python3
BUILD   := build

# Warnings are not negotiable and stay even when CFLAGS is overridden.
WARN    := -std=c99 -Wall -Wextra -Wpedantic -Werror -Wvla -Wshadow
ALL_CFLAGS = $(WARN) $(CFLAGS) -I. -Itests
# Any heap call from the library aborts a unit test (tests/unit/no_heap.c).
NOHEAP_LDFLAGS := -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free

ARM_CC     := arm-none-eabi-gcc
ARM_CFLAGS := -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections

.PHONY: all help test unit compile-check cross size bench cli demo install uninstall clean deps-core deps-cross deps-tls \
        deps-coverage deps-bench deps-proxy deps-manifests deps-sanitize deps-test deps-demo

all: $(BUILD)/apconn.o

help:
	@echo "make demo          build the CLI, start a local TLS test server, run create/list/update/delete"
	@echo "make test          every test (first make deps-test); ends with 'N passed, N failed, N skipped'"
	@echo "  make unit          unit suites on the host     make qemu-unit   the same on QEMU Cortex-M3"
	@echo "  make compile-check gcc/clang/g++/arm matrix    make platform-test  POSIX + TLS (2.28, 3.6)"
	@echo "  make cli-test      CLI against the test server make server-test    the test server itself"
	@echo "  make proxy-test    proxy layer + CLI via tinyproxy  make manifests-test  CMake/IDF/Zephyr/PIO/Arduino + README"
	@echo "  make asan-test     unit suites + CLI integration again under clang ASan/UBSan (asan.*)"
	@echo "make size          core .text for Cortex-M0/M4 -Os and worst-case stack; make size-tls: TLS image"
	@echo "make bench         JSON vs cJSON, and a whole list call delivered four ways"
	@echo "make fuzz          libFuzzer + ASan/UBSan on every FUZZ_TARGETS entry (FUZZ_SECONDS=60); make fuzz-ci: 30 s each"
	@echo "make coverage      line/branch coverage of apconn.h (gcovr); fails below COVERAGE_MIN_BRANCH=$(COVERAGE_MIN_BRANCH)% of branches"
	@echo "make cli           build/apconn       make examples   create_one     make firmware   Cortex-M4 image"
	@echo "make install       headers, pkg-config + CMake package, bin/apconn, man page, bash completion"
	@echo "                   under PREFIX=$(PREFIX) (DESTDIR stages it; make uninstall)"
	@echo "make deps-GROUP    install Debian packages as root (GROUP: core cross tls coverage bench proxy manifests"
	@echo "                   sanitize, test = all that make test and .ci/run need, demo). Only these, make test (deps-test)"
	@echo "                   and make demo (deps-demo) install; other targets check and name the deps-GROUP to run"

# ---- Debian packages ---------------------------------------------------------
# Only the deps-<group> targets install anything (tests/tools/deps.sh: as root
# it runs apt-get and adds the mbedTLS deb-src entries; otherwise it prints the
# one line for root to run). The README's two commands call theirs: `make demo`
# runs deps-demo and `make test` runs deps-test; .ci/run runs `make deps-test`
# first. Every other target only checks, through a need-<group>[+<group>...]
# prerequisite, and stops with one line naming the `make deps-...` to run.
DEPS := tests/tools/deps.sh
deps-core deps-cross deps-tls deps-coverage deps-bench deps-proxy deps-manifests deps-sanitize deps-test deps-demo:
	@BUILD=$(BUILD) sh $(DEPS) $(@:deps-%=%)
need-%:
	@BUILD=$(BUILD) sh $(DEPS) --check $(subst +, ,$*)

$(BUILD):
	@mkdir -p $(BUILD)

# The library on its own: one translation unit with the implementation.
$(BUILD)/apconn.o: apconn.h tests/compile/compile_check.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c tests/compile/compile_check.c -o $@

# ---- unit tests: every tests/unit/test_*.c is one suite ---------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/no_heap.c apconn.h tests/harness.h tests/spec_example.h $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< tests/unit/no_heap.c -o $@ $(LDFLAGS) $(NOHEAP_LDFLAGS)

unit: need-core $(UNIT_BINS)
	@tests/tools/run_tests.sh $(UNIT_BINS)

compile-check: need-core+cross
	@BUILD=$(BUILD) tests/tools/compile_check.sh

# ---- cross build and size ---------------------------------------------------
$(BUILD)/cross/jsmn/jsmn.h: | $(BUILD)
	@mkdir -p $(dir $@)
	cp /usr/include/jsmn.h $@

$(BUILD)/cross/apconn_m4.o: apconn.h tests/compile/compile_check.c $(BUILD)/cross/jsmn/jsmn.h
	$(ARM_CC) $(WARN) $(ARM_CFLAGS) -I. -I$(BUILD)/cross/jsmn -c tests/compile/compile_check.c -o $@

cross: need-cross $(BUILD)/cross/apconn_m4.o

size: need-cross+tls
	@BUILD=$(BUILD) tests/tools/size_report.sh

# ---- names that several fragments use -----------------------------------------
# Defined here, before the fragments are read, so that no fragment depends on
# another one's include order (tests/mk/*.mk only use these and their own).
# The CLI (tests/mk/cli.mk) on mbedTLS 3.6, and the same on Debian's 2.28.
CLI_BIN  := $(BUILD)/apconn
CLI_BIN2 := $(BUILD)/apconn-mbedtls2
CLI_HDRS := apconn.h platform/apconn_posix.h platform/apconn_mbedtls.h platform/apconn_proxy.h
# mbedTLS 3.6 for the host and 2.28 for Cortex-M4 (fetched and built by tests/mk/platform.mk).
MBEDTLS3_SRC       := $(BUILD)/mbedtls3-src/mbedtls
MBEDTLS3_STAMP     := $(BUILD)/mbedtls3-src/built.stamp
MBEDTLS3_LIBS      := $(MBEDTLS3_SRC)/library/libmbedtls.a $(MBEDTLS3_SRC)/library/libmbedx509.a \
                      $(MBEDTLS3_SRC)/library/libmbedcrypto.a
MBEDTLS2_SRC       := $(BUILD)/mbedtls2-src/mbedtls
MBEDTLS2_ARM_STAMP := $(BUILD)/mbedtls2-src/arm-m4.stamp
# The test CA and server certificates (tests/tools/make_test_certs.sh).
PLATFORM_CERTS := $(BUILD)/platform/certs/ca.pem
# Fuzz targets (tests/mk/fuzz.mk): a target joins the seed replay in `make test`,
# `make coverage`, `make fuzz` and CI by adding its name here.
FUZZ_TARGETS := fuzz_http fuzz_json fuzz_stream
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

# The memory map of every QEMU Cortex-M image (mps2-an385/an386: 4 MiB of flash
# at 0, RAM at 0x20000000), written once: $(call CORTEX_M_MEM,ram size,stack size).
# The unit suites and the TLS test image get all 4 MiB of RAM and a 64 KiB
# stack (QEMU_RAM_SIZE, QEMU_STACK_SIZE); the firmware states its budget
# (tests/mk/firmware.mk). -T picolibc.ld comes after the --defsym options:
# otherwise picolibc.ld does not see __stack_size and keeps its default 2 KiB.
QEMU_RAM_SIZE   := 0x400000
QEMU_STACK_SIZE := 0x10000
CORTEX_M_MEM = -Wl,--defsym=__flash=0x00000000 -Wl,--defsym=__flash_size=0x400000 \
               -Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=$(1) \
               -Wl,--defsym=__stack_size=$(2) -T picolibc.ld

# ---- everything `make test` runs, as commands for run_tests.sh ---------------
# Each fragment appends to TEST_PREREQS and TEST_COMMANDS (the order of the
# commands is the order the fragments are read in; none depends on another).
TEST_PREREQS  := deps-test $(UNIT_BINS)
TEST_COMMANDS := $(UNIT_BINS) "BUILD=$(BUILD) tests/tools/compile_check.sh" "BUILD=$(BUILD) tests/tools/install_check.sh"
# The set-up tools themselves (apt layouts, skip counting, the harnesses' rules).
TEST_COMMANDS += "BUILD=$(BUILD) tests/tools/test_setup.sh"

# Each area keeps its rules in tests/mk/<area>.mk (platform, cli, bench, ...).
TEST_MK := $(sort $(wildcard tests/mk/*.mk))
include $(TEST_MK)

test: $(TEST_PREREQS)
	@tests/tools/run_tests.sh $(TEST_COMMANDS)

VERSION = $(shell sed -n 's/^\#define APCONN_VERSION_STRING "\(.*\)"/\1/p' apconn.h)

# Headers, pkg-config and CMake package files, the CLI, its man page and bash
# completion. DESTDIR stages the tree; PREFIX is where it will live.
BINDIR  = $(PREFIX)/bin
LIBDIR  = $(PREFIX)/lib
MANDIR  = $(PREFIX)/share/man/man1
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
INSTALLED_FILES = include/apconn lib/pkgconfig/apconn.pc lib/pkgconfig/apconn-mbedtls.pc lib/cmake/apconn \
                  bin/apconn share/man/man1/apconn.1 share/bash-completion/completions/apconn

install: apconn.h $(CLI_BIN)
	install -d $(DESTDIR)$(PREFIX)/include/apconn/platform $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(LIBDIR)/cmake/apconn $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 apconn.h $(DESTDIR)$(PREFIX)/include/apconn/apconn.h
	install -m 644 platform/*.h $(DESTDIR)$(PREFIX)/include/apconn/platform/
	for pc in apconn apconn-mbedtls; do \
	    sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' platform/pkgconfig/$$pc.pc.in \
	        > $(DESTDIR)$(LIBDIR)/pkgconfig/$$pc.pc; done
	sed -e 's|@APCONN_CONFIG_TO_PREFIX@|../../..|' platform/cmake/apconnConfig.cmake.in \
	    > $(DESTDIR)$(LIBDIR)/cmake/apconn/apconnConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|' platform/cmake/apconnConfigVersion.cmake.in \
	    > $(DESTDIR)$(LIBDIR)/cmake/apconn/apconnConfigVersion.cmake
	install -m 755 $(CLI_BIN) $(DESTDIR)$(BINDIR)/apconn
	sed -e 's|@VERSION@|$(VERSION)|' examples/apconn.1 > $(DESTDIR)$(MANDIR)/apconn.1
	chmod 644 $(DESTDIR)$(MANDIR)/apconn.1
	install -m 644 examples/apconn-completion.bash $(DESTDIR)$(BASHCOMPDIR)/apconn

uninstall:
	cd $(DESTDIR)$(PREFIX) && rm -rf $(INSTALLED_FILES)

clean:
	rm -rf $(BUILD)
