# Benchmarks: every tests/bench/bench_*.c is one program; `make bench` runs
# them all in one go so that ratios are measured side by side, then
# `make bench-callgrind` when valgrind is installed.
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
BENCH_CFLAGS ?= -O2

$(BUILD)/bench/%: tests/bench/%.c apconn.h tests/spec_example.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(BENCH_CFLAGS) -I. -Itests $< -o $@ $(BENCH_LDLIBS_$*)

bench: need-core+bench $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done
	@$(MAKE) --no-print-directory bench-callgrind

# bench_json compares against cJSON (Debian libcjson-dev, deps group core).
BENCH_LDLIBS_bench_json := -lcjson

# Instruction counts under callgrind (deterministic, unlike time). Each bench
# program runs ONE scenario N times inside a function of its own and prints
# the bytes per call; callgrind counts only inside that function
# (--toggle-collect), so per byte = Ir / (N * bytes). Targets from issue 7.
CALLGRIND_PAGE_N   ?= 20
CALLGRIND_CREATE_N ?= 200
CALLGRIND_JSON_N   ?= 200
BENCH_IR = valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=$(1) $(2) 2>&1 >/dev/null \
           | sed -n 's/.*Collected : *//p'

bench-callgrind: need-core+bench $(BUILD)/bench/bench_http $(BUILD)/bench/bench_json
	@command -v valgrind >/dev/null 2>&1 || { echo "bench-callgrind needs valgrind: as root, run: make deps-bench"; exit 1; }
	@set -e; b=$(BUILD)/bench; \
	page=$$($$b/bench_http page 1); create=$$($$b/bench_http create 1); \
	bytes=$$(echo "$$page" | sed -n 's/.*body_bytes=\([0-9]*\).*/\1/p'); \
	req=$$(echo "$$create" | sed -n 's/.*request_body_bytes=\([0-9]*\).*/\1/p'); \
	resp=$$(echo "$$create" | sed -n 's/.* response_bytes=\([0-9]*\).*/\1/p'); \
	json=$$($$b/bench_json apconn 1 | sed -n 's/.*page_bytes=\([0-9]*\).*/\1/p'); \
	ir_page=$$($(call BENCH_IR,bench_run_page,$$b/bench_http page $(CALLGRIND_PAGE_N))); \
	ir_create=$$($(call BENCH_IR,bench_run_create,$$b/bench_http create $(CALLGRIND_CREATE_N))); \
	ir_apconn=$$($(call BENCH_IR,bench_run_apconn,$$b/bench_json apconn $(CALLGRIND_JSON_N))); \
	ir_cjson=$$($(call BENCH_IR,bench_run_cjson,$$b/bench_json cjson $(CALLGRIND_JSON_N))); \
	awk -v ir="$$ir_page" -v n=$(CALLGRIND_PAGE_N) -v b="$$bytes" 'BEGIN { x = ir / (n * b); \
	    printf "callgrind: list call, 100 items, %d-byte body, all HTTP: %.1f instructions per body byte (%.2fM per call; target <= 25: %s)\n", \
	    b, x, ir / n / 1e6, x <= 25 ? "met" : "NOT met" }'; \
	awk -v ir="$$ir_create" -v n=$(CALLGRIND_CREATE_N) -v q="$$req" -v r="$$resp" 'BEGIN { x = ir / n; \
	    printf "callgrind: create call, %d-byte request body, %d-byte response, all HTTP: %.1fk instructions (target <= 35k: %s)\n", \
	    q, r, x / 1e3, x <= 35000 ? "met" : "NOT met" }'; \
	awk -v a="$$ir_apconn" -v c="$$ir_cjson" -v n=$(CALLGRIND_JSON_N) -v b="$$json" 'BEGIN { \
	    printf "callgrind: %d-byte page read: apconn %.1fk (%.1f per byte), cJSON parse+walk+delete %.1fk instructions: ratio %.2f (target <= 0.5: %s)\n", \
	    b, a / n / 1e3, a / (n * b), c / n / 1e3, a / c, a / c <= 0.5 ? "met" : "NOT met" }'

.PHONY: bench-callgrind
