#!/usr/bin/env bash
# D3hot as a cause of memory off (tests/vm/scenarios/trace-power.sh), on an
# e1000e next to edu (run-vm --e1000e): every move into D3hot and out counted,
# each access refused in it joined to D3hot and its writer, the zap counted
# under power_state, exactly as the workload saw them. The checks run in the
# guest; this reports them. Each kernel runs it in the default mode, those of
# VT_KPROBES_KERNELS with --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

power() {
	local kernel mode out
	for kernel in $VT_TEST_KERNELS; do
		for mode in "$@"; do
			out=$top/build/e2e/$kernel/trace-power-$mode
			run_vm "$kernel trace-power $mode: boot" "$out" --kernel "$kernel" --e1000e \
				trace-power "$mode"
			case $? in
			0|1) guest_checks "$kernel trace-power $mode" "$out.log" ;;
			77) break ;;
			esac
		done
	done
}

power fentry
VT_TEST_KERNELS=$(kprobes_kernels) power kprobes
e2e_finish
