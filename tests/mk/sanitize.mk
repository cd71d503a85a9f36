# Every unit suite and the CLI integration once more, built with clang's
# AddressSanitizer + UndefinedBehaviorSanitizer; any report ends the program
# (-fno-sanitize-recover=all), so run_tests.sh counts it as a failure.
# Suites read apart as asan.<suite> (asan.faults, asan.cli_integration).
# `make asan-test` runs just these.
# The unit suites keep no_heap.c's malloc wrap: --wrap only redirects the
# test's own references, the ASan runtime allocates through its own entry
# points (checked: a test that calls malloc still aborts under ASan).
# LeakSanitizer is on too (the CLI frees its mbedTLS contexts). A report
# exits with 86, a code the CLI never uses (0, 2-5), so no CLI test that
# expects a failing exit can mistake a sanitizer report for the right failure.
ASAN_CC      := clang
ASAN_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_ENV     := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86:detect_stack_use_after_return=1 \
                UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1
ASAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/asan/unit/%)
ASAN_CLI_BIN   := $(BUILD)/asan/apconn

.PHONY: asan-test

$(BUILD)/asan/unit/%: tests/unit/%.c tests/unit/no_heap.c apconn.h tests/harness.h tests/spec_example.h $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(WARN) $(ASAN_CFLAGS) -DHARNESS_SUITE_PREFIX='"asan."' -I. -Itests $< tests/unit/no_heap.c -o $@ \
		$(ASAN_CFLAGS) $(NOHEAP_LDFLAGS)

# mbedTLS itself is the uninstrumented static build the CLI links (MBEDTLS3_*).
$(ASAN_CLI_BIN): examples/apconn_cli.c $(CLI_HDRS) $(MBEDTLS3_STAMP)
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(WARN) $(ASAN_CFLAGS) -I. -isystem $(MBEDTLS3_SRC)/include examples/apconn_cli.c -o $@ \
		$(ASAN_CFLAGS) $(MBEDTLS3_LIBS)

ASAN_TEST_CMDS := $(foreach b,$(ASAN_UNIT_BINS),"$(ASAN_ENV) $(b)") \
                  "$(ASAN_ENV) $(PYTHON) tests/integration/test_cli.py $(ASAN_CLI_BIN) asan.cli_integration"

asan-test: need-core+tls+sanitize $(ASAN_UNIT_BINS) $(ASAN_CLI_BIN)
	@tests/tools/run_tests.sh $(ASAN_TEST_CMDS)

TEST_PREREQS  += $(ASAN_UNIT_BINS) $(ASAN_CLI_BIN)
TEST_COMMANDS += $(ASAN_TEST_CMDS)
