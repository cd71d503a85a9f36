# Benchmarks: every tests/bench/bench_*.c is one program; `make bench` runs
# them all in one go so that ratios are measured side by side.
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
BENCH_CFLAGS ?= -O2

$(BUILD)/bench/%: tests/bench/%.c apconn.h tests/spec_example.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(BENCH_CFLAGS) -I. -Itests $< -o $@ $(BENCH_LDLIBS_$*)

bench: deps-core $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done

# bench_json compares against cJSON (Debian libcjson-dev, deps group core).
BENCH_LDLIBS_bench_json := -lcjson
