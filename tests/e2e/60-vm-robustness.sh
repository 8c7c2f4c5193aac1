#!/usr/bin/env bash
# vfio-trace where things go wrong around it (tests/vm/scenarios/trace-faults.sh
# and trace-modules.sh): textfile directory read-only, full, or with symlinks
# planted; SIGTERM and SIGKILL; the workload killed mid-storm; the device
# unbound and bound again; vfio-pci loaded after vfio-trace (--wait) and
# unloaded under it. The checks run in the guest; this reports them. Each
# kernel runs them in the default mode, those of VT_KPROBES_KERNELS with
# --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run_guest_scenarios trace-faults trace-modules
# And in --kprobes mode, on the kernels of VT_KPROBES_KERNELS.
VT_TEST_KERNELS=$(kprobes_kernels) run_guest_scenarios "trace-faults kprobes" "trace-modules kprobes"
e2e_finish
