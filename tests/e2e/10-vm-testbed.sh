#!/usr/bin/env bash
# The test bed itself: the guest boots, binds edu to vfio-pci, and the workload's
# ground truth is what its parameters must produce (basic) or at least shows
# the storm happened (stress).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${VT_TEST_KERNEL:-debian-6.1}
for scenario in smoke workload-basic workload-stress; do
	out=$top/build/e2e/$kernel/$scenario
	mkdir -p "$(dirname "$out")"
	run_vm "$scenario: boot $kernel" "$out" --kernel "$kernel" "$scenario"
	guest_checks "$scenario" "$out.log"
done
e2e_finish
