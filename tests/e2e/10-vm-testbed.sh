#!/usr/bin/env bash
# The test bed itself: the guest boots, binds edu to vfio-pci, and the workload's
# ground truth is what its parameters must produce (basic) or at least shows
# the storm happened (stress). Also the deterministic mode the benchmarks'
# headline figures come from (run-vm --icount): it boots and runs the smoke
# scenario.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run_guest_scenarios smoke workload-basic workload-stress

kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/smoke-icount
run_vm "$kernel smoke under -icount: boot" "$out" --kernel "$kernel" --icount smoke &&
	guest_checks "$kernel smoke under -icount" "$out.log"
e2e_finish
