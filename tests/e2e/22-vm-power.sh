#!/usr/bin/env bash
# D3hot as a cause of memory off (tests/vm/scenarios/trace-power.sh), on an
# e1000e next to edu (run-vm --e1000e): every move into D3hot and out counted,
# each access refused in it joined to D3hot and its writer, the zap counted
# under power_state, exactly as the workload saw them. The checks run in the
# guest; this reports them. Each kernel runs it in the default mode, those of
# VT_KPROBES_KERNELS with --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

VT_VM_OPTS=--e1000e run_guest_scenarios trace-power
VT_VM_OPTS=--e1000e VT_TEST_KERNELS=$(kprobes_kernels) run_guest_scenarios "trace-power kprobes"
e2e_finish
