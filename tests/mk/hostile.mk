# Hostile suite: tests/unit/test_hostile.c is a unit suite (built and run by
# the Makefile's unit rules); this adds the CLI against a hostile server on
# 127.0.0.1. Known failures: HOSTILE_KNOWN_FAILURES=1 make hostile-known-failures
.PHONY: hostile-known-failures
HOSTILE_CLI_CMD := "$(PYTHON) tests/integration/test_hostile_cli.py $(CLI_BIN)"

hostile-known-failures: deps-core deps-tls $(CLI_BIN)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/hostile-kf CFLAGS="$(CFLAGS) -DHOSTILE_KNOWN_FAILURES" \
	    $(BUILD)/hostile-kf/unit/test_hostile
	-@HOSTILE_KNOWN_FAILURES=1 tests/tools/run_tests.sh $(BUILD)/hostile-kf/unit/test_hostile $(HOSTILE_CLI_CMD)

TEST_PREREQS  += $(CLI_BIN)
TEST_COMMANDS += $(HOSTILE_CLI_CMD)
