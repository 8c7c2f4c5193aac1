#!/usr/bin/env bash
# D3hot as a cause of memory off (tests/vm/scenarios/trace-power.sh), on an
# e1000e next to edu (run-vm --e1000e): every move into D3hot and out counted,
# each access refused in it joined to D3hot and its writer, the zap counted
# under power_state, exactly as the workload saw them. The checks run in the
# guest; this reports them. Each kernel runs it in the default mode, those of
# VT_KPROBES_KERNELS with --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# power [MODE]: the scenario on every test kernel, in MODE (the default mode
# without one). Its checks are named "KERNEL trace-power[ MODE]: ...", as
# run_guest_scenarios names them (tools/gen-matrix reads them so).
power() {
	local kernel out name="trace-power${1:+ $1}"
	for kernel in $VT_TEST_KERNELS; do
		out=$top/build/e2e/$kernel/${name// /-}
		# shellcheck disable=SC2086 # zero or one mode
		run_vm "$kernel $name: boot" "$out" --kernel "$kernel" --e1000e trace-power $1
		case $? in
		0|1) guest_checks "$kernel $name" "$out.log" ;;
		esac
	done
}

power ""
VT_TEST_KERNELS=$(kprobes_kernels) power kprobes
e2e_finish
