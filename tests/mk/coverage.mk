# Line and branch coverage of apconn.h by the unit suites and the seed
# replays (gcovr, Debian package). Reported, not yet a gate.
coverage:
	@sh $(DEPS) core && sh $(DEPS) coverage
	rm -rf $(BUILD)/coverage
	$(MAKE) --no-print-directory BUILD=$(BUILD)/coverage CC=gcc CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" \
	    $(BUILD)/coverage/unit-run
	gcovr --root . --filter 'apconn\.h' --filter 'platform/' --print-summary --txt $(BUILD)/coverage/coverage.txt \
	    $(BUILD)/coverage >/dev/null
	@tail -n 4 $(BUILD)/coverage/coverage.txt; grep -E '^(lines|branches):' $(BUILD)/coverage/coverage.txt || \
	    gcovr --root . --filter 'apconn\.h' --print-summary $(BUILD)/coverage | tail -n 3

$(BUILD)/coverage/unit-run: $(UNIT_BINS) $(FUZZ_REPLAYS)
	@tests/tools/run_tests.sh $(UNIT_BINS) $(foreach n,$(FUZZ_NAMES),"$(BUILD)/fuzz/replay_$(n) $(n) tests/fuzz/seeds/$(patsubst fuzz_%,%,$(n))/*") | tail -n 1
