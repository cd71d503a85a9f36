# Fuzz targets (tests/fuzz/fuzz_*.c, libFuzzer's entry point), each with its
# seeds in tests/fuzz/seeds/<name without fuzz_>/:
#   fuzz_json    validator and readers on arbitrary bytes
#   fuzz_http    arbitrary bytes as the server's answer to each call
#   fuzz_stream  a page body streamed in splits derived from the input,
#                against whole-buffer validation (seeds: mode byte + body)
# A target joins the replay, `make fuzz`, `make coverage` and CI by adding its
# name to FUZZ_TARGETS (in the Makefile, with FUZZ_REPLAYS: coverage.mk uses them too).
#   make test       replays every seed corpus with $(CC), deterministically, and
#                   fails if a tests/fuzz/fuzz_*.c is missing from FUZZ_TARGETS;
#   make fuzz       runs each target under libFuzzer + ASan/UBSan for FUZZ_SECONDS;
#   make fuzz-ci    the same for FUZZ_CI_SECONDS each (.ci/run calls it).
# A crash or hang fails its target (the others still run) and prints the
# input's path; keep that input as a seed of its target in the commit that fixes it.
FUZZ_SECONDS    ?= 60
FUZZ_CI_SECONDS ?= 30
FUZZ_BINS       := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/libfuzzer_%)
FUZZ_UNLISTED   := $(filter-out $(FUZZ_TARGETS),$(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: fuzz fuzz-ci
comma := ,

$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz_views.h apconn.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< tests/fuzz/replay.c -o $@ $(LDFLAGS)

$(BUILD)/fuzz/libfuzzer_%: tests/fuzz/%.c tests/fuzz/fuzz_views.h apconn.h
	@mkdir -p $(dir $@)
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. $< -o $@

fuzz: need-core+sanitize $(FUZZ_BINS)
	@BUILD=$(BUILD) sh tests/tools/fuzz_run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci: need-core+sanitize $(FUZZ_BINS)
	@BUILD=$(BUILD) sh tests/tools/fuzz_run.sh $(FUZZ_CI_SECONDS) $(FUZZ_TARGETS)

TEST_PREREQS  += $(FUZZ_REPLAYS)
TEST_COMMANDS += $(foreach n,$(FUZZ_TARGETS),"$(BUILD)/fuzz/replay_$(n) $(n)_seed_replay tests/fuzz/seeds/$(patsubst fuzz_%,%,$(n))/*")
TEST_COMMANDS += "echo 'fuzz_targets_listed: $(if $(FUZZ_UNLISTED),0 passed$(comma) 1 failed: add $(FUZZ_UNLISTED) to FUZZ_TARGETS in the Makefile,1 passed$(comma) 0 failed)'"
