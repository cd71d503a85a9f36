# examples/firmware: apconn over verified HTTPS on a bare Cortex-M4F (QEMU
# mps2-an386, picolibc, hard float), talking to the local test server through
# tests/tools/semihost_bridge.py. Two images, one per mbedTLS version:
#   $(FW_DIR)/firmware_tls12.elf   mbedTLS 2.28, platform/mbedtls_config_mcu.h       (TLS 1.2)
#   $(FW_DIR)/firmware_tls13.elf   mbedTLS 3.6,  platform/mbedtls_config_mcu_tls13.h (TLS 1.3)
# both with examples/firmware/fw_mbedtls_tuning.h on top (static pool, record
# sizes, P-256 only). mbedTLS is compiled for the target here (same CPU, FPU
# and float ABI as the firmware, picolibc), once, into $(FW_DIR)/mbedtls*/.
#   make firmware                 both images (and their sizes)
#   make firmware-test            run both against the test server
#   make firmware FW_DIR=build/fw-x FW_TLS_DEFS='-DFW_TLS_RECORD_IN=16384'
#                                 the same with another tuning (levers)
FW_DIR      ?= $(BUILD)/firmware
FW_TLS_DEFS ?=
FW_ARCH     := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
# The RAM the image gets (the budget: ld fails when .data + .bss + the stack
# do not fit) and the stack inside it, in the Makefile's one memory map
# (CORTEX_M_MEM, which puts -T picolibc.ld after the --defsym options).
FW_RAM_SIZE   ?= 0xA000
FW_STACK_SIZE ?= 0x1800
FW_MEM := $(call CORTEX_M_MEM,$(FW_RAM_SIZE),$(FW_STACK_SIZE))
# picolibc's default crt0 (not crt0-semihost, whose command-line buffers take
# 1.3 KB of RAM a board would not have); I/O and exit still go through
# semihosting (--oslib=semihost).
# Any heap call aborts (firmware.c defines the __wrap_ functions), and
# firmware_test.sh checks that no libc allocator is in the image.
FW_NOHEAP := -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free
FW_TUNING := examples/firmware/fw_mbedtls_tuning.h
FW_COMMON_CFLAGS := $(FW_ARCH) -Os -ffunction-sections -fdata-sections --specs=picolibc.specs \
    -I$(CURDIR)/platform -I$(CURDIR)/examples/firmware -DMBEDTLS_USER_CONFIG_FILE='"fw_mbedtls_tuning.h"' $(FW_TLS_DEFS)

FW_MBEDTLS2_SRC := $(abspath $(MBEDTLS2_SRC))
FW_MBEDTLS3_SRC := $(abspath $(MBEDTLS3_SRC))
FW_CFLAGS_tls12 := -DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu.h"' -I$(FW_MBEDTLS2_SRC)/include
FW_CFLAGS_tls13 := -DMBEDTLS_CONFIG_FILE='"mbedtls_config_mcu_tls13.h"' -I$(FW_MBEDTLS3_SRC)/include
FW_CONFIG_tls12 := platform/mbedtls_config_mcu.h
FW_CONFIG_tls13 := platform/mbedtls_config_mcu_tls13.h
# The sources come from fetch_mbedtls3.sh through platform.mk's rules (their
# stamps), so that two rules never fetch at once under make -j.
FW_FETCHED_tls12 := $(MBEDTLS2_ARM_STAMP)
FW_FETCHED_tls13 := $(MBEDTLS3_STAMP)
FW_SRC_tls12 := $(FW_MBEDTLS2_SRC)
FW_SRC_tls13 := $(FW_MBEDTLS3_SRC)

# mbedTLS for the target: every library/*.c compiled (two at a time) into
# $(FW_DIR)/mbedtls-<v>/ and archived. Out of the source tree, so the
# soft-float build of platform.mk and the host build stay untouched.
$(FW_DIR)/mbedtls-%/libmbedtls-all.a: $(FW_TUNING)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)obj
	@echo "firmware: building mbedTLS ($*) for Cortex-M4F into $(dir $@)"
	@cd $(dir $@)obj && ls $(FW_SRC_$*)/library/*.c | xargs -P 2 -n 8 \
	    $(ARM_CC) $(FW_COMMON_CFLAGS) $(FW_CFLAGS_$*) -I$(FW_SRC_$*)/library -c
	@arm-none-eabi-ar rcs $@ $(dir $@)obj/*.o

$(FW_DIR)/mbedtls-tls12/libmbedtls-all.a: $(FW_CONFIG_tls12) $(FW_FETCHED_tls12)
$(FW_DIR)/mbedtls-tls13/libmbedtls-all.a: $(FW_CONFIG_tls13) $(FW_FETCHED_tls13)

# The test CA as a C array: firmware keeps its trust anchor in flash.
FW_CA_H := $(FW_DIR)/fw_test_ca.h
$(FW_CA_H): $(PLATFORM_CERTS)
	@mkdir -p $(dir $@)
	@python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); \
	    print("/* generated from %s: the test CA (DER) */" % sys.argv[1]); \
	    print("static const unsigned char fw_ca_der[] = {" + ",".join(str(b) for b in d) + "};")' \
	    $(BUILD)/platform/certs/ca.der >$@

$(FW_DIR)/firmware_%.elf: examples/firmware/firmware.c apconn.h platform/apconn_mbedtls.h $(BUILD)/cross/jsmn/jsmn.h \
		$(FW_DIR)/mbedtls-%/libmbedtls-all.a $(FW_CA_H)
	$(ARM_CC) $(WARN) $(FW_COMMON_CFLAGS) $(FW_CFLAGS_$*) --oslib=semihost \
	    -DFW_TEST_ONLY_ENTROPY -DFW_CA_HEADER='"$(FW_CA_H)"' -Wl,--gc-sections -Wl,-Map=$(FW_DIR)/firmware_$*.map \
	    -I. -I$(BUILD)/cross/jsmn $(FW_MEM) $(FW_NOHEAP) $< $(FW_DIR)/mbedtls-$*/libmbedtls-all.a -o $@

FW_ELFS := $(FW_DIR)/firmware_tls12.elf $(FW_DIR)/firmware_tls13.elf

firmware: need-cross+tls $(FW_ELFS)
	@arm-none-eabi-size $(FW_ELFS)

firmware-test: need-cross+tls $(FW_ELFS) $(PLATFORM_CERTS)
	@tests/tools/run_tests.sh "BUILD=$(BUILD) FW_DIR=$(FW_DIR) tests/tools/firmware_test.sh tls12" \
	    "BUILD=$(BUILD) FW_DIR=$(FW_DIR) tests/tools/firmware_test.sh tls13"

.PHONY: firmware firmware-test
TEST_PREREQS  += $(FW_ELFS)
TEST_COMMANDS += "BUILD=$(BUILD) FW_DIR=$(FW_DIR) tests/tools/firmware_test.sh tls12" \
                 "BUILD=$(BUILD) FW_DIR=$(FW_DIR) tests/tools/firmware_test.sh tls13"

# `make size` runs both images to measure their RAM (tests/tools/size_report.sh).
size: $(FW_ELFS) $(PLATFORM_CERTS)
