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
e2e_finish
