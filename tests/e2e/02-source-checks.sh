#!/usr/bin/env bash
# Rules about the sources themselves, checked on the host: the include
# layers of src/ (tests/layering-check) and the formatting (make check-format).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
if out=$("$top/tests/layering-check" 2>/dev/null); then
	ok "layering: every src/ include follows the layers"
elif [ -z "$out" ]; then
	not_ok "layering: tests/layering-check failed without naming an include"
else
	while IFS= read -r line; do not_ok "layering: $line"; done <<< "$out"
fi
if ! command -v clang-format > /dev/null 2>&1; then
	skip "format: clang-format is not installed (tools/install-deps installs it)"
elif out=$(make -s -C "$top" check-format 2>&1); then
	ok "format: every source file is as clang-format writes it"
else
	while IFS= read -r line; do not_ok "format: $line"; done <<< "$(printf '%s\n' "$out" | head -n 20)"
fi
# The CLI fuzzer's dictionary has every word the parser knows: each
# subcommand, each long option (and its "=" form when it takes a value), so
# the fuzzer reaches a new option without waiting to guess its name.
dict="$top/tests/fuzz/cli.dict"
missing=$(awk '
	/^\t\[VT_CMD_[A-Z]+\] = \{ "/ { split($0, a, "\""); print "\"" a[2] "\"" }
	/^\t\{ "[a-z-]+", (no|required)_argument/ {
		split($0, a, "\""); print "\"--" a[2] "\""
		if ($0 ~ /required_argument/) print "\"--" a[2] "=\""
	}' "$top/src/cli.c" | sort -u | while IFS= read -r word; do
		grep -qxF -- "$word" "$dict" || printf '%s ' "$word"
	done)
words=$(grep -cE $'^\t\\{ "[a-z-]+", (no|required)_argument' "$top/src/cli.c")
if [ "${words:-0}" -lt 20 ]; then
	not_ok "cli.dict: found only ${words:-0} long options in src/cli.c; has its table moved?"
elif [ -n "$missing" ]; then
	not_ok "cli.dict: tests/fuzz/cli.dict lacks ${missing% }"
else
	ok "cli.dict: every subcommand and long option of src/cli.c ($words options)"
fi
e2e_finish
