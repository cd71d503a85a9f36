# platform/apconn_proxy.h: HTTPS through an HTTP proxy (CONNECT tunnel).
#   make proxy-test   the layer against a scripted transport (proxy_unit), then the
#                     CLI through a real tinyproxy and a byte-recording spy proxy,
#                     both started and stopped by tests/integration/test_proxy.py
.PHONY: proxy-test

$(BUILD)/platform/test_proxy: tests/platform/test_proxy.c platform/apconn_proxy.h apconn.h tests/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LDFLAGS)

PROXY_PREREQS  := $(BUILD)/platform/test_proxy $(CLI_BIN)
PROXY_COMMANDS := $(BUILD)/platform/test_proxy "BUILD=$(BUILD) sh tests/tools/proxy_compile_check.sh" \
                  "$(PYTHON) tests/integration/test_proxy.py $(CLI_BIN) proxy_integration"

proxy-test: need-core+tls+proxy $(PROXY_PREREQS)
	@tests/tools/run_tests.sh $(PROXY_COMMANDS)

TEST_PREREQS  += $(PROXY_PREREQS)
TEST_COMMANDS += $(PROXY_COMMANDS)
