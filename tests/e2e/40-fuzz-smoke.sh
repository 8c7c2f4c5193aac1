#!/usr/bin/env bash
# A bounded libFuzzer run of every harness in tests/fuzz (make fuzz-smoke: 10 s
# each, under ASan+UBSan): the parsers, the renderers and snapshot_diff must
# not crash, and their outputs must pass the harnesses' checks. One line per
# harness: "ok - fuzz NAME: N execs, no crash". The long runs are `make fuzz`.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"
clang=${CLANG:-clang}
log=build/test-logs/fuzz-smoke.build.log
mkdir -p build/test-logs

if ! command -v "$clang" > /dev/null 2>&1; then
	skip "fuzz: $clang is not installed"
	e2e_finish
fi
# Debian's clang only recommends the sanitizer and libFuzzer runtimes.
probe=$(mktemp -d)
if ! printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' |
	"$clang" -x c -fsanitize=fuzzer,address,undefined - -o "$probe/probe" > "$probe/err" 2>&1; then
	skip "fuzz: clang's libFuzzer runtime is unavailable (Debian: libclang-rt-14-dev): $(head -n 1 "$probe/err")"
	rm -rf "$probe"
	e2e_finish
fi
rm -rf "$probe"

names=$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')
n=0
while IFS= read -r line; do
	case $line in
	"ok - "* | "not ok - "*)
		echo "$line"
		n=$((n + 1))
		[[ $line == "not ok - "* ]] && E2E_FAILED=1
		;;
	"# "*) echo "$line" ;;
	*) echo "$line" >> "$log" ;;
	esac
done < <(make -s fuzz-smoke 2>&1)
want=$(echo $names | wc -w)
if [ "$n" -eq 0 ]; then
	not_ok "fuzz: make fuzz-smoke ran no harness: $(tail -n 3 "$log" | tr '\n' ' ')"
elif [ "$want" -gt 0 ] && [ "$n" -lt "$want" ]; then
	not_ok "fuzz: $n of $want harnesses reported ($names)"
fi
e2e_finish
