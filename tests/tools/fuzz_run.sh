#!/bin/sh
# Runs libFuzzer targets one after another, SECONDS each, from their seed
# corpus (tests/fuzz/seeds/<target minus fuzz_>/, read only) plus a working
# corpus in $BUILD/fuzz/corpus_<target>. Per-input timeout 10 s: a hang is a
# failure too. Prints one line per target (executions, corpus, result) and the
# suite line "fuzz: N passed, N failed". A crash prints the log's tail and the
# input libFuzzer saved ($BUILD/fuzz/crash_<target>-*): keep that input as a
# seed with its fix.
# Usage: BUILD=build sh tests/tools/fuzz_run.sh SECONDS TARGET...
BUILD=${BUILD:-build}
seconds=$1; shift
passed=0; failed=0
for t in "$@"; do
    bin=$BUILD/fuzz/libfuzzer_$t
    corpus=$BUILD/fuzz/corpus_$t
    seeds=tests/fuzz/seeds/${t#fuzz_}
    log=$BUILD/fuzz/$t.log
    mkdir -p "$corpus"
    if "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$BUILD/fuzz/crash_$t-" "$corpus" "$seeds" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/')
        echo "  $t: ${seconds} s, ${execs:-?} executions, $cov, no crash"
        passed=$((passed + 1))
    else
        echo "  FAIL $t: crashed or hung within ${seconds} s; log $log:"
        tail -n 30 "$log" | sed 's/^/    /'
        echo "    input: $(grep -o "$BUILD/fuzz/crash_$t-[^ ]*" "$log" | tail -n 1)"
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
