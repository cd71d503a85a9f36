# The unit suites again, built with -DAPCONN_MINIMAL (every size switch of
# apconn.h's configuration list): the smallest profile must stay correct.
# Assertions about what the profile removes are #ifdef'd in the suites and
# replaced by checks of what it does instead. Suites print "minimal.<suite>".
#   make minimal-unit
MINIMAL_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/minimal/%)

$(BUILD)/minimal/%: tests/unit/%.c tests/unit/no_heap.c apconn.h tests/harness.h tests/spec_example.h $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DAPCONN_MINIMAL -DHARNESS_SUITE_PREFIX='"minimal."' $< tests/unit/no_heap.c -o $@ \
	    $(LDFLAGS) $(NOHEAP_LDFLAGS)

minimal-unit: need-core $(MINIMAL_BINS)
	@tests/tools/run_tests.sh $(MINIMAL_BINS)

.PHONY: minimal-unit
TEST_PREREQS  += $(MINIMAL_BINS)
TEST_COMMANDS += $(MINIMAL_BINS)
