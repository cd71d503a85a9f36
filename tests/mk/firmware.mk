# examples/firmware: apconn on a bare Cortex-M4F (QEMU mps2-an386, picolibc),
# talking to the local test server through tests/tools/semihost_bridge.py.
FW_ELF := $(BUILD)/firmware/firmware.elf
FW_MEM := -Wl,--defsym=__flash=0x00000000 -Wl,--defsym=__flash_size=0x400000 \
          -Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=0x400000 \
          -Wl,--defsym=__stack_size=0x8000

$(FW_ELF): examples/firmware/firmware.c apconn.h $(BUILD)/cross/jsmn/jsmn.h
	@mkdir -p $(dir $@)
	$(ARM_CC) $(WARN) --specs=picolibc.specs --oslib=semihost --crt0=semihost \
	    -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -Os -ffunction-sections -fdata-sections \
	    -Wl,--gc-sections -I. -I$(BUILD)/cross/jsmn $(FW_MEM) $< -o $@

firmware: deps-cross $(FW_ELF)
	@arm-none-eabi-size $(FW_ELF)

TEST_PREREQS  += $(FW_ELF)
TEST_COMMANDS += "BUILD=$(BUILD) tests/tools/firmware_test.sh"
