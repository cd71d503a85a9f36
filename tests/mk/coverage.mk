# Line and branch coverage of apconn.h by the unit suites, tests/platform's
# POSIX suite and the fuzz seed replays (gcovr, Debian package: make deps-coverage).
# A gate: `make coverage` fails when apconn.h's branch coverage is below
# COVERAGE_MIN_BRANCH percent (make coverage COVERAGE_MIN_BRANCH=93 to see the
# report while branches are still missing). Not part of `make test`; .ci/run
# runs it after `make fuzz-ci`.
# The no-heap wrap is off here: libgcov itself allocates when it writes data.
COVERAGE_MIN_BRANCH ?= 100
COVERAGE_DIR        := $(BUILD)/coverage

.PHONY: coverage coverage-run
coverage: need-core+coverage
	rm -rf $(COVERAGE_DIR)
	@$(MAKE) --no-print-directory BUILD=$(COVERAGE_DIR) CC=gcc CFLAGS="-O0 -g --coverage" \
	    LDFLAGS="--coverage" NOHEAP_LDFLAGS= coverage-run
	@gcovr --root . --filter 'apconn\.h' --print-summary --fail-under-branch $(COVERAGE_MIN_BRANCH) $(COVERAGE_DIR) \
	    >$(COVERAGE_DIR)/summary.txt 2>&1; rc=$$?; grep -E "^(lines|functions|branches):|ERROR" $(COVERAGE_DIR)/summary.txt; \
	    [ $$rc -eq 0 ] || echo "coverage: apconn.h's branch coverage is below COVERAGE_MIN_BRANCH=$(COVERAGE_MIN_BRANCH)% (gcovr exit $$rc)"; \
	    exit $$rc

# Run with BUILD=$(COVERAGE_DIR) by the rule above.
coverage-run: $(UNIT_BINS) $(BUILD)/platform/test_posix $(FUZZ_REPLAYS)
	@tests/tools/run_tests.sh $(UNIT_BINS) $(BUILD)/platform/test_posix \
	    $(foreach n,$(FUZZ_TARGETS),"$(BUILD)/fuzz/replay_$(n) $(n) tests/fuzz/seeds/$(patsubst fuzz_%,%,$(n))/*") \
	    >$(BUILD)/tests.log 2>&1; rc=$$?; tail -n 1 $(BUILD)/tests.log; \
	    [ $$rc -eq 0 ] || { grep -E "FAIL" $(BUILD)/tests.log; echo "coverage: a test failed (whole log: $(BUILD)/tests.log)"; }; \
	    exit $$rc
