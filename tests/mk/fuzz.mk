# Fuzz targets (tests/fuzz/fuzz_*.c, libFuzzer's entry point), each with its
# seeds in tests/fuzz/seeds/<name without fuzz_>/:
#   fuzz_json    validator and readers on arbitrary bytes
#   fuzz_http    arbitrary bytes as the server's answer to each call
#   fuzz_stream  a page body streamed in splits derived from the input,
#                against whole-buffer validation (seeds: mode byte + body)
# `make test` replays the seed corpus with $(CC), deterministically;
# `make fuzz` runs each target under libFuzzer + ASan/UBSan for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c apconn.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< tests/fuzz/replay.c -o $@ $(LDFLAGS)

$(BUILD)/fuzz/libfuzzer_%: tests/fuzz/%.c apconn.h
	@mkdir -p $(dir $@)
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. $< -o $@

fuzz: deps-core $(FUZZ_NAMES:%=$(BUILD)/fuzz/libfuzzer_%)
	@for n in $(FUZZ_NAMES); do \
	    corpus=$(BUILD)/fuzz/corpus_$$n; mkdir -p $$corpus; \
	    echo "== $$n for $(FUZZ_SECONDS) s"; \
	    if ! $(BUILD)/fuzz/libfuzzer_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	        $$corpus tests/fuzz/seeds/$${n#fuzz_} >$(BUILD)/fuzz/$$n.log 2>&1; then \
	        tail -n 40 $(BUILD)/fuzz/$$n.log; exit 1; fi; \
	    grep -E 'stat::number_of_executed_units|DONE' $(BUILD)/fuzz/$$n.log; \
	done

TEST_PREREQS  += $(FUZZ_REPLAYS)
TEST_COMMANDS += $(foreach n,$(FUZZ_NAMES),"$(BUILD)/fuzz/replay_$(n) $(n)_seed_replay tests/fuzz/seeds/$(patsubst fuzz_%,%,$(n))/*")
