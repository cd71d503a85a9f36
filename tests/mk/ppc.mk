# The unit suites again, big-endian: 32-bit PowerPC (Debian's
# gcc-powerpc-linux-gnu, glibc) run under qemu-user's qemu-ppc. Linked
# dynamically: a static glibc would route its own internal malloc calls
# through no_heap.c's wrappers. Suites print "ppc-be.<suite>: ...".
#   make ppc-unit
PPC_CC     := powerpc-linux-gnu-gcc
PPC_SYSROOT := /usr/powerpc-linux-gnu
PPC_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/ppc/%)

$(BUILD)/ppc/%: tests/unit/%.c tests/unit/no_heap.c apconn.h tests/harness.h tests/spec_example.h $(wildcard tests/unit/*.h) $(BUILD)/cross/jsmn/jsmn.h
	@mkdir -p $(dir $@)
	$(PPC_CC) $(WARN) -O2 -I. -Itests -I$(BUILD)/cross/jsmn -DHARNESS_SUITE_PREFIX='"ppc-be."' \
	    $< tests/unit/no_heap.c -o $@ $(NOHEAP_LDFLAGS)

PPC_COMMANDS := $(foreach b,$(PPC_BINS),"timeout 300 qemu-ppc -L $(PPC_SYSROOT) $(b)")

ppc-unit: need-cross $(PPC_BINS)
	@tests/tools/run_tests.sh $(PPC_COMMANDS)

.PHONY: ppc-unit
TEST_PREREQS  += $(PPC_BINS)
TEST_COMMANDS += $(PPC_COMMANDS)
