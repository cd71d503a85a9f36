# Hostile server for the CLI: the hostile unit cases live in the behaviour
# suites (tests/unit/test_http_framing.c, test_secrets.c, ...); this runs the
# CLI against a hostile server on 127.0.0.1.
HOSTILE_CLI_CMD := "$(PYTHON) tests/integration/test_hostile_cli.py $(CLI_BIN)"

TEST_PREREQS  += $(CLI_BIN)
TEST_COMMANDS += $(HOSTILE_CLI_CMD)
