# Line and branch coverage of apconn.h and platform/ by the unit suites and
# the seed replays (gcovr, Debian package). Reported, not yet a gate.
# The no-heap wrap is off here: libgcov itself allocates when it writes data.
.PHONY: coverage coverage-run
coverage:
	@sh $(DEPS) core coverage
	rm -rf $(BUILD)/coverage
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/coverage CC=gcc CFLAGS="-O0 -g --coverage" \
	    LDFLAGS="--coverage" NOHEAP_LDFLAGS= coverage-run
	@gcovr --root . --filter 'apconn\.h' --print-summary $(BUILD)/coverage | tail -n 3

# Recipes expand late, so FUZZ_REPLAYS (set by fuzz.mk, included after this
# file) is known here, unlike in a prerequisite list.
coverage-run: $(UNIT_BINS) $(BUILD)/platform/test_posix
	@$(MAKE) --no-print-directory $(FUZZ_REPLAYS)
	@tests/tools/run_tests.sh $(UNIT_BINS) $(BUILD)/platform/test_posix \
	    $(foreach n,$(FUZZ_TARGETS),"$(BUILD)/fuzz/replay_$(n) $(n) tests/fuzz/seeds/$(patsubst fuzz_%,%,$(n))/*") | tail -n 1
