# The apconn CLI, the examples, `make demo` and the CLI integration tests.
# $(CLI_BIN) (build/apconn) links mbedTLS 3.6 (TLS 1.3 and 1.2), built from
# Debian 13's source package into $(BUILD) by tests/mk/platform.mk's rules
# (make mbedtls3). $(CLI_BIN2) (build/apconn-mbedtls2) is the same program
# against Debian 12's mbedTLS 2.28 (TLS 1.2 only); the integration suite runs
# against both. The examples link 2.28. CLI_BIN, CLI_BIN2, CLI_HDRS and
# MBEDTLS3_* are defined in the Makefile (several fragments use them).
MBEDTLS_LIBS := -lmbedtls -lmbedx509 -lmbedcrypto
EXAMPLE_BINS := $(BUILD)/examples/create_one

.PHONY: examples cli-test server-test

# mbedTLS 3.6 is built by tests/mk/platform.mk (the rule of its stamp).
$(CLI_BIN): examples/apconn_cli.c $(CLI_HDRS) $(MBEDTLS3_STAMP) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -isystem $(MBEDTLS3_SRC)/include examples/apconn_cli.c -o $@ $(LDFLAGS) \
		$(MBEDTLS3_LIBS)

cli: need-core+tls $(CLI_BIN)

$(CLI_BIN2): examples/apconn_cli.c $(CLI_HDRS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) examples/apconn_cli.c -o $@ $(LDFLAGS) $(MBEDTLS_LIBS)

$(BUILD)/examples/create_one: examples/create_one.c $(CLI_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) examples/create_one.c -o $@ $(LDFLAGS) $(MBEDTLS_LIBS)

examples: need-core+tls $(EXAMPLE_BINS)

# The README's first command: it installs what it needs (deps-demo).
demo: deps-demo
	@$(MAKE) -s --no-print-directory $(CLI_BIN)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/tools/demo.sh

server-test:
	@$(PYTHON) tests/server/test_ap_server.py

CLI_TEST_CMDS := "$(PYTHON) tests/server/test_ap_server.py" \
                 "$(PYTHON) tests/integration/test_cli.py $(CLI_BIN) cli_integration $(BUILD)/examples/create_one" \
                 "$(PYTHON) tests/integration/test_cli.py $(CLI_BIN2) cli_integration_mbedtls2"
cli-test: need-core+tls $(CLI_BIN) $(CLI_BIN2) $(EXAMPLE_BINS)
	@tests/tools/run_tests.sh $(CLI_TEST_CMDS)

TEST_PREREQS  += $(CLI_BIN) $(CLI_BIN2) $(EXAMPLE_BINS)
TEST_COMMANDS += $(CLI_TEST_CMDS)
