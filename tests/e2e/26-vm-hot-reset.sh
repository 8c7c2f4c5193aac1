#!/usr/bin/env bash
# VFIO_DEVICE_PCI_HOT_RESET on a device alone behind its root port
# (tests/vm/scenarios/trace-hot-reset.sh, vfio-workload --hot-resets): each
# reset's zap counted under hot_reset and its write hold on the hot_reset
# path, exactly as many as the workload made. Then on a set of two, the
# functions of a multifunction device (run-vm --edu-pair,
# trace-hot-reset-set.sh): each device's zaps and record name the reset
# called on the first. The checks run in the guest; this reports them.
# Every kernel in the default mode, those of VT_KPROBES_KERNELS with
# --kprobes as well.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run_guest_scenarios trace-hot-reset
VT_TEST_KERNELS=$(kprobes_kernels) run_guest_scenarios "trace-hot-reset kprobes"
VT_VM_OPTS=--edu-pair run_guest_scenarios trace-hot-reset-set
VT_VM_OPTS=--edu-pair VT_TEST_KERNELS=$(kprobes_kernels) run_guest_scenarios "trace-hot-reset-set kprobes"
e2e_finish
