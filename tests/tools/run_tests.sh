#!/bin/sh
# Runs test programs (arguments: commands, one per argument), shows their
# output, and sums their "<suite>: N passed, N failed[, N skipped]" lines into
# one final "N passed, N failed, N skipped" line. A program without such a
# line counts as one failure whatever its exit status (a crash, or a suite that
# exited 0 before its summary, can never look like a pass); only a command
# whose output is nothing but SKIP lines counts as skipped instead. A skipped
# test prints "  SKIP <test>: <reason>" (tests/harness.h SKIP); a suite line
# without a skipped count gets the number of its SKIP lines, so a skip is never
# counted as a pass, and every SKIP line is repeated at the end.
passed=0; failed=0; skipped=0; status=0
log=$(mktemp); skips=$(mktemp); trap 'rm -f "$log" "$skips"' EXIT
for cmd in "$@"; do
    if sh -c "$cmd" >"$log" 2>&1; then rc=0; else rc=$?; fi
    cat "$log"
    grep -E '^[[:space:]]*SKIP ' "$log" | sed -E 's/^[[:space:]]*/  /' >>"$skips"
    nskip=$(grep -cE '^[[:space:]]*SKIP ' "$log")
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
        case "$line" in
            *" failed, "[0-9]*" skipped"*) s=$(echo "$line" | sed -E 's/.* failed, ([0-9]+) skipped.*/\1/') ;;
            *) s=$nskip ;;
        esac
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "  FAIL $cmd exited $rc"; fi
    elif [ "$rc" -ne 0 ]; then failed=$((failed + 1)); echo "  FAIL $cmd exited $rc with no summary"
    elif [ "$nskip" -gt 0 ]; then skipped=$((skipped + nskip))
    else failed=$((failed + 1)); echo "  FAIL $cmd exited 0 but printed no '<suite>: N passed, N failed' line"; fi
    [ "$rc" -ne 0 ] && status=1
done
if [ -s "$skips" ]; then echo "Skipped:"; cat "$skips"; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
