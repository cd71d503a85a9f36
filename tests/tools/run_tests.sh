#!/bin/sh
# Runs test programs (arguments: commands, one per argument), shows their
# output, and sums their "<suite>: N passed, N failed" lines into one final
# "N passed, N failed" line. A program that exits non-zero without such a
# line counts as one failure, so a crash can never look like a pass.
passed=0; failed=0; status=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for cmd in "$@"; do
    if sh -c "$cmd" >"$log" 2>&1; then rc=0; else rc=$?; fi
    cat "$log"
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
        passed=$((passed + p)); failed=$((failed + f))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "  FAIL $cmd exited $rc"; fi
    else
        if [ "$rc" -ne 0 ]; then failed=$((failed + 1)); echo "  FAIL $cmd exited $rc with no summary"; else passed=$((passed + 1)); fi
    fi
    [ "$rc" -ne 0 ] && status=1
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
