# platform/: the POSIX sockets and mbedTLS transports, tested against real
# loopback servers (started and stopped by the tests), with mbedTLS 2.28
# (Debian 12's libmbedtls-dev) and 3.6 (Debian 13's source package, fetched by
# tests/tools/fetch_mbedtls3.sh and built into $(BUILD)/mbedtls3-src).
#   make platform-test     both POSIX and TLS suites (2.28 and 3.6) + compile matrix
#   make mbedtls3          only fetch + build mbedTLS 3.6
#   make size-tls          the TLS layer alone, and linked with mbedTLS 2.28 in the QEMU test image
#                          (Cortex-M4 -Os, MCU config)
# MBEDTLS3_*, MBEDTLS2_SRC, MBEDTLS2_ARM_STAMP, PLATFORM_CERTS and the memory
# map (CORTEX_M_MEM) are defined in the Makefile: other fragments use them too.
PLATFORM_COMMON := apconn.h tests/harness.h platform/apconn_posix.h
PLATFORM_TLS    := $(PLATFORM_COMMON) platform/apconn_mbedtls.h
MBEDTLS2_LIBS   := -lmbedtls -lmbedx509 -lmbedcrypto

# mbedTLS 3.6: sources once (idempotent script), then its own static build.
# Its make runs without our MAKEFLAGS/CFLAGS (a sanitizer or -Werror build of
# apconn must not leak into a third-party library) with its default -O2.
$(MBEDTLS3_STAMP): tests/tools/fetch_mbedtls3.sh
	@sh tests/tools/fetch_mbedtls3.sh $(BUILD)
	cd $(MBEDTLS3_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS \
		make -s -j2 -C library static >/dev/null
	@touch $@

mbedtls3: need-tls $(MBEDTLS3_STAMP)

$(PLATFORM_CERTS): tests/tools/make_test_certs.sh
	@sh tests/tools/make_test_certs.sh $(dir $@) >/dev/null

$(BUILD)/platform/test_posix: tests/platform/test_posix.c $(PLATFORM_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LDFLAGS)

$(BUILD)/platform/test_tls_mbedtls2: tests/platform/test_tls.c $(PLATFORM_TLS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LDFLAGS) $(MBEDTLS2_LIBS)

$(BUILD)/platform/test_tls_mbedtls3: tests/platform/test_tls.c $(PLATFORM_TLS) $(MBEDTLS3_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(MBEDTLS3_SRC)/include $< -o $@ $(LDFLAGS) $(MBEDTLS3_LIBS)

# Cortex-M4: mbedTLS 2.28 from Debian 12's source package, built with
# platform/mbedtls_config_mcu.h (about 20 s), and test_tls_mcu.c run under
# QEMU (mps2-an386): the MCU config builds, links and handshakes to a deadline.
MBEDTLS2_ARM_LIBS  := $(MBEDTLS2_SRC)/library/libmbedtls.a $(MBEDTLS2_SRC)/library/libmbedx509.a \
                      $(MBEDTLS2_SRC)/library/libmbedcrypto.a
MCU_TLS_CFLAGS     := -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections --specs=picolibc.specs
MCU_TLS_MEM        := $(call CORTEX_M_MEM,$(QEMU_RAM_SIZE),$(QEMU_STACK_SIZE))

$(MBEDTLS2_ARM_STAMP): tests/tools/fetch_mbedtls3.sh platform/mbedtls_config_mcu.h
	@sh tests/tools/fetch_mbedtls3.sh $(BUILD) bookworm
	cd $(MBEDTLS2_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C library clean >/dev/null && \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j2 -C library static CC=$(ARM_CC) AR=arm-none-eabi-ar \
		CFLAGS='$(MCU_TLS_CFLAGS) -DMBEDTLS_CONFIG_FILE=\"mbedtls_config_mcu.h\" -I$(CURDIR)/platform' >/dev/null
	@touch $@

$(BUILD)/platform/test_tls_mcu.elf: tests/platform/test_tls_mcu.c $(PLATFORM_TLS) platform/mbedtls_config_mcu.h \
		$(MBEDTLS2_ARM_STAMP) $(PLATFORM_CERTS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(WARN) $(MCU_TLS_CFLAGS) --oslib=semihost --crt0=semihost -Wl,--gc-sections \
		-DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu.h"' -Iplatform -I$(MBEDTLS2_SRC)/include -I. -Itests \
		-DCA_PATH='"$(BUILD)/platform/certs/ca.pem"' $(MCU_TLS_MEM) $< $(MBEDTLS2_ARM_LIBS) -o $@

PLATFORM_PREREQS := $(BUILD)/platform/test_tls_mcu.elf $(BUILD)/platform/test_posix $(BUILD)/platform/test_tls_mbedtls2 \
                    $(BUILD)/platform/test_tls_mbedtls3 $(PLATFORM_CERTS)
PLATFORM_COMMANDS := $(BUILD)/platform/test_posix \
    "tests/tools/run_tls_test.sh $(BUILD)/platform/test_tls_mbedtls2 $(BUILD)/platform/certs" \
    "tests/tools/run_tls_test.sh $(BUILD)/platform/test_tls_mbedtls3 $(BUILD)/platform/certs" \
    "BUILD=$(BUILD) MBEDTLS3_SRC=$(MBEDTLS3_SRC) tests/tools/platform_compile_check.sh" \
    "timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel $(BUILD)/platform/test_tls_mcu.elf 2>&1"

.PHONY: platform-test mbedtls3
platform-test: need-core+cross+tls $(PLATFORM_PREREQS)
	@tests/tools/run_tests.sh $(PLATFORM_COMMANDS)

TEST_PREREQS  += $(PLATFORM_PREREQS)
TEST_COMMANDS += $(PLATFORM_COMMANDS)

# The TLS layer alone (one object, MCU config), then the whole test image.
$(BUILD)/platform/tls_layer_m4.o: tests/platform/compile_platform.c $(PLATFORM_TLS) platform/mbedtls_config_mcu.h \
		$(MBEDTLS2_ARM_STAMP) $(BUILD)/cross/jsmn/jsmn.h
	@mkdir -p $(dir $@)
	$(ARM_CC) $(WARN) $(MCU_TLS_CFLAGS) -DWITH_MBEDTLS -DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu.h"' -Iplatform \
		-I$(MBEDTLS2_SRC)/include -I. -I$(BUILD)/cross/jsmn -c $< -o $@

size-tls: need-cross+tls $(BUILD)/platform/tls_layer_m4.o $(BUILD)/platform/test_tls_mcu.elf
	@arm-none-eabi-size $(BUILD)/platform/tls_layer_m4.o $(BUILD)/platform/test_tls_mcu.elf
.PHONY: size-tls
