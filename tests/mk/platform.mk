# platform/: the POSIX sockets and mbedTLS transports, tested against real
# loopback servers, with mbedTLS 2.28 (Debian 12's libmbedtls-dev) and 3.6
# (Debian 13's source package, built into $(BUILD) by tests/tools/fetch_mbedtls3.sh).
PLATFORM_HDRS := platform/apconn_posix.h apconn.h tests/harness.h

$(BUILD)/platform/test_posix: tests/platform/test_posix.c $(PLATFORM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LDFLAGS)

.PHONY: platform-test
PLATFORM_TESTS := $(BUILD)/platform/test_posix
platform-test: deps-core $(PLATFORM_TESTS)
	@tests/tools/run_tests.sh $(PLATFORM_TESTS)

TEST_PREREQS  += $(BUILD)/platform/test_posix
TEST_COMMANDS += $(BUILD)/platform/test_posix
