#!/usr/bin/env bash
# VFIO_DEVICE_PCI_HOT_RESET on a device alone behind its root port
# (tests/vm/scenarios/trace-hot-reset.sh, vfio-workload --hot-resets): each
# reset's zap counted under hot_reset and its write hold on the hot_reset
# path, exactly as many as the workload made. The checks run in the guest;
# this reports them. Every kernel in the default mode, those of
# VT_KPROBES_KERNELS with --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run_guest_scenarios trace-hot-reset
VT_TEST_KERNELS=$(kprobes_kernels) run_guest_scenarios "trace-hot-reset kprobes"
e2e_finish
