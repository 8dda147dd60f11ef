#!/usr/bin/env bash
# `make check` after the build: unit tests (cmocka, under ASan+UBSan), the
# LEMON cross-check of the solver, then the HTTP and browser tests (node
# --test) against the real sanitizer-built binary. Ends with a total line.
set -uo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit tests (cmocka, ASan+UBSan)"
if ! make --no-print-directory -s unit; then
	echo "unit tests did not build"
	failed=$((failed + 1))
fi
for t in "$@"; do
	bin=build/tests/$t
	[ -x "$bin" ] || continue
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ $rc != 0 ] && [ "${f:-0}" = 0 ]; then
		echo "$t: exited with status $rc (sanitizer report or crash)"
		failed=$((failed + 1))
	fi
done

if [ -x tests/lemon/run.sh ]; then
	echo "== solver cross-check against LEMON"
	if tests/lemon/run.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

echo "== HTTP and browser tests (node --test, real server built with ASan+UBSan)"
files=$(ls tests/http/*.test.mjs tests/browser/*.test.mjs 2>/dev/null)
if [ -n "$files" ]; then
	node --test --test-concurrency=1 $files 2>&1 | tee "$log"
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -n1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
fi

echo
echo "total: $passed passed, $failed failed"
[ $failed = 0 ]
