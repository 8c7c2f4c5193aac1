#!/usr/bin/env bash
# The golden Prometheus rendering passes promtool's lint (naming, HELP/TYPE,
# histogram shape), so a renderer change that breaks the exposition format
# fails here even without a VM.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
check_cmd "golden textfile passes promtool check metrics" "$top/tests/unit/check-prom.sh"
e2e_finish
