#!/usr/bin/env bash
# vfio-trace where things go wrong around it (tests/vm/scenarios/trace-faults.sh
# and trace-modules.sh): textfile directory read-only, full, or with symlinks
# planted; SIGTERM and SIGKILL; the workload killed mid-storm; the device
# unbound and bound again; vfio-pci loaded after vfio-trace (--wait) and
# unloaded under it. The checks run in the guest; this reports them.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

for kernel in $VT_TEST_KERNELS; do
	for scenario in trace-faults trace-modules; do
		out=$top/build/e2e/$kernel/$scenario
		run_vm "$kernel $scenario: boot" "$out" --kernel "$kernel" "$scenario"
		case $? in
		0|1) guest_checks "$kernel $scenario" "$out.log" ;;
		77) break ;;
		esac
	done
done
e2e_finish
