#!/usr/bin/env bash
# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer with no
# recovery (make san, built in build/san/), and the normal unit test binary
# under valgrind's memcheck with full leak checking: no report from either.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"
logs=build/test-logs
mkdir -p "$logs"

# failed_tests LOG: the cmocka tests that failed, on one line
failed_tests() {
	grep '^\[  FAILED  \]' "$1" | grep -v 'test(s)' | sed 's/^\[  FAILED  \] //' | sort -u | tr '\n' ' '
}

log=$logs/unit-san.log
rc=0
make -s san > "$log" 2>&1 || rc=$?
passed=$(grep -c '^\[       OK \]' "$log")
report=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log")
if [ -n "$report" ]; then
	not_ok "unit tests under ASan+UBSan: $report (log: $log)"
elif [ "$rc" -eq 0 ] && [ "$passed" -gt 0 ]; then
	ok "unit tests under ASan+UBSan: $passed tests passed, no sanitizer report"
elif [ "$passed" -eq 0 ]; then
	not_ok "unit tests under ASan+UBSan: no test ran (exit $rc): $(tail -n 3 "$log" | tr '\n' ' ')"
else
	not_ok "unit tests under ASan+UBSan: exit $rc, failed: $(failed_tests "$log")(log: $log)"
fi

if ! command -v valgrind > /dev/null 2>&1; then
	skip "unit tests under valgrind: valgrind is not installed (Debian: valgrind)"
	e2e_finish
fi
log=$logs/unit-valgrind.log
if ! make -s build/tests/unit-tests > "$log" 2>&1; then
	not_ok "unit tests under valgrind: the unit tests do not build: $(tail -n 3 "$log" | tr '\n' ' ')"
	e2e_finish
fi
rc=0
(cd tests/unit && valgrind --error-exitcode=1 --leak-check=full ../../build/tests/unit-tests) \
	> "$log" 2>&1 || rc=$?
passed=$(grep -c '^\[       OK \]' "$log")
# one ERROR SUMMARY per process (the textfile tests fork)
errors=$(awk '/ERROR SUMMARY:/ { for (i = 1; i <= NF; i++) if ($i == "SUMMARY:") s += $(i + 1) } END { print s + 0 }' "$log")
summaries=$(grep -c 'ERROR SUMMARY:' "$log")
if [ "$summaries" -eq 0 ]; then
	not_ok "unit tests under valgrind: valgrind did not finish (exit $rc): $(tail -n 3 "$log" | tr '\n' ' ')"
elif [ "$errors" -gt 0 ]; then
	not_ok "unit tests under valgrind: $errors memcheck errors or leaks (log: $log)"
elif [ "$rc" -eq 0 ] && [ "$passed" -gt 0 ]; then
	ok "unit tests under valgrind: $passed tests passed, 0 memcheck errors, no leaks"
else
	not_ok "unit tests under valgrind: exit $rc, $passed passed, failed: $(failed_tests "$log")(log: $log)"
fi
e2e_finish
