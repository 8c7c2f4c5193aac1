#!/usr/bin/env bash
# The test bed itself: the guest boots, binds edu to vfio-pci, and the workload's
# ground truth is what its parameters must produce (basic) or at least shows
# the storm happened (stress).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run_guest_scenarios smoke workload-basic workload-stress
e2e_finish
