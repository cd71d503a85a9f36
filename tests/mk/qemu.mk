# The unit suites again, on an emulated Cortex-M3 (QEMU mps2-an385, picolibc,
# semihosting): same source, 32-bit target, the real cross compiler at -Os.
# A suite that needs a hosted OS lists itself in QEMU_SKIP.
QEMU_SKIP  ?=
QEMU_SRCS  := $(filter-out $(addprefix tests/unit/,$(QEMU_SKIP)),$(UNIT_SRCS))
QEMU_BINS  := $(QEMU_SRCS:tests/unit/%.c=$(BUILD)/qemu/%.elf)
QEMU_MEM   := $(call CORTEX_M_MEM,$(QEMU_RAM_SIZE),$(QEMU_STACK_SIZE))
QEMU_CFLAGS := --specs=picolibc.specs --oslib=semihost --crt0=semihost -mcpu=cortex-m3 -mthumb -Os \
              -DHARNESS_SUITE_PREFIX='"qemu-m3."'

$(BUILD)/qemu/%.elf: tests/unit/%.c apconn.h tests/harness.h tests/spec_example.h $(wildcard tests/unit/*.h) $(BUILD)/cross/jsmn/jsmn.h
	@mkdir -p $(dir $@)
	$(ARM_CC) $(WARN) $(QEMU_CFLAGS) -I. -Itests -I$(BUILD)/cross/jsmn $(QEMU_MEM) $< -o $@

qemu-unit: need-cross $(QEMU_BINS)
	@tests/tools/run_tests.sh $(foreach b,$(QEMU_BINS),"tests/tools/qemu_run.sh $(b)") $(QEMU_SKIP_CMDS)

# A suite left out still shows: as one skip with its reason (run_tests.sh counts it).
QEMU_SKIP_CMDS := $(foreach s,$(filter $(addprefix tests/unit/,$(QEMU_SKIP)),$(UNIT_SRCS)),\
    "printf '  SKIP qemu-m3.%s: listed in QEMU_SKIP (needs a hosted OS)\n' $(basename $(notdir $(s)))")

TEST_PREREQS  += $(QEMU_BINS)
TEST_COMMANDS += $(foreach b,$(QEMU_BINS),"tests/tools/qemu_run.sh $(b)") $(QEMU_SKIP_CMDS)
