#!/bin/sh
# shellcheck shell=dash
# The README's demo: vfio-trace watching a VFIO workload on edu, the way it
# would watch a VM's vCPU threads on a hypervisor host.
. /lib/vt/lib.sh
vt_require_vfio

echo "== Kernel $VT_RELEASE, edu at $VT_BDF bound to vfio-pci ($VT_GROUP_DEV)"
echo
echo "== vfio-trace probes: what this kernel lets vfio-trace see"
vfio-trace probes
echo
echo "== vfio-trace -T 4: summaries every 4 s while the workload runs"
vfio-trace -T 4 &
tracer=$!
vfio-trace events > /tmp/events.txt 2>/dev/null &
events=$!
sleep 12	# loading the BPF programs under TCG takes a few seconds
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --json /tmp/basic.json
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --stress 3 --json /tmp/stress.json
sleep 1
kill -INT "$tracer" "$events"
wait "$tracer" "$events"
echo
echo "== vfio-trace events: the first disabled-memory accesses"
head -n 12 /tmp/events.txt
echo "   ... $(($(wc -l < /tmp/events.txt) - 1)) events in all"
echo
echo "== The workload's own count (ground truth) for the basic run:"
cat /tmp/basic.json
exit 0
