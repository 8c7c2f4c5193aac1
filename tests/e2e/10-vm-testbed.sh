#!/usr/bin/env bash
# The test bed itself: the guest boots, binds edu to vfio-pci, and the workload's
# ground truth is what its parameters must produce (basic) or at least shows
# the storm happened (stress).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

for kernel in $VT_TEST_KERNELS; do
	for scenario in smoke workload-basic workload-stress; do
		out=$top/build/e2e/$kernel/$scenario
		run_vm "$kernel $scenario: boot" "$out" --kernel "$kernel" "$scenario"
		case $? in
		0|1) guest_checks "$kernel $scenario" "$out.log" ;;
		77) break ;;
		esac
	done
done
e2e_finish
