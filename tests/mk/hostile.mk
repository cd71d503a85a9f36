# Hostile suite: tests/unit/test_hostile.c is a unit suite (built and run by
# the Makefile's unit rules); this adds the CLI against a hostile server on
# 127.0.0.1.
HOSTILE_CLI_CMD := "$(PYTHON) tests/integration/test_hostile_cli.py $(CLI_BIN)"

TEST_PREREQS  += $(CLI_BIN)
TEST_COMMANDS += $(HOSTILE_CLI_CMD)
