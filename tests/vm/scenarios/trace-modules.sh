#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-pci comes and goes. vfio-trace started before vfio-pci is
# loaded waits (--wait) and attaches when it appears; while fentry programs
# are attached, vfio_pci_core cannot be unloaded, and vfio-trace says so.
# With --kprobes it can: kprobes hold no reference on the module they probe.
#
# Usage: trace-modules.sh [fentry | kprobes]
. /lib/vt/lib.sh
vt_require_vfio

vt_mode "${1-}"

ko() { grep "$1" /lib/modules/vt/order | head -n 1; }
progs() { vt-bpf-progs 2>/dev/null | wc -l; }
before=$(progs)

# Unload vfio-pci and vfio-pci-core; the device stays with driver_override.
echo "$VT_BDF" > /sys/bus/pci/drivers/vfio-pci/unbind
rmmod vfio_pci && rmmod vfio_pci_core || vt_die "cannot unload vfio-pci before the test"
vt_check_eq "vfio_pci_core unloaded" "$(grep -c '^vfio_pci_core ' /proc/modules)" 0

mkdir -p /tf
# shellcheck disable=SC2086 # $flags is zero or one word
vfio-trace export $flags --wait -d "$VT_BDF" --textfile-dir /tf --interval 1 2> "$VT_OUT/export.err" &
tracer=$!
vt_wait_for "--wait" "$VT_OUT/export.err" "waiting for it"
sleep 3
vt_check "--wait: still waiting, not exited" kill -0 "$tracer"
vt_check "--wait: no textfile before it attaches" test ! -e /tf/vfio_trace.prom

insmod "/lib/modules/vt/$(ko vfio-pci-core)" && insmod "/lib/modules/vt/$(ko 'vfio-pci\.ko')" ||
	vt_die "cannot load vfio-pci again"
echo "$VT_BDF" > /sys/bus/pci/drivers_probe
vt_wait_for attach "$VT_OUT/export.err" "Hit Ctrl-C"
if [ -z "$flags" ]; then
	vt_check "--wait: says which modules it now holds" grep -q "note: while attached, .*vfio_pci_core" \
		"$VT_OUT/export.err"
else
	vt_check "--wait --kprobes: no note of modules held" \
		sh -c '! grep -q "note: while attached" "$1"' sh "$VT_OUT/export.err"
fi
n=0
until [ -c "$VT_GROUP_DEV" ]; do
	[ $n -lt 30 ] || vt_die "no $VT_GROUP_DEV after rebinding"
	sleep 1
	n=$((n + 1))
done
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --json "$VT_OUT/ground-truth.json"
sleep 2
want=$(vt_json_get "$VT_OUT/ground-truth.json" sigbus)
got=$(awk -v d="device=\"$VT_BDF\"" 'index($1, "vfio_trace_disabled_memory_accesses_total{" d ",kind=\"sigbus\"}") == 1 { print $2 }' /tf/vfio_trace.prom)
vt_check_eq "--wait: SIGBUS counted after attaching late" "$got" "$want"

# rmmod while attached: the trampolines hold vfio_pci_core; kprobes do not.
echo "$VT_BDF" > /sys/bus/pci/drivers/vfio-pci/unbind
rmmod vfio_pci
vt_check_eq "vfio_pci (no probes of ours) unloads while tracing" "$(grep -c '^vfio_pci ' /proc/modules)" 0
rmmod vfio_pci_core 2> "$VT_OUT/rmmod.err"
if [ -z "$flags" ]; then
	vt_check_eq "vfio_pci_core refuses to unload while fentry is attached" \
		"$(grep -c '^vfio_pci_core ' /proc/modules)" 1
else
	vt_check_eq "vfio_pci_core unloads while its kprobes are attached" \
		"$(grep -c '^vfio_pci_core ' /proc/modules)" 0
	sleep 2
fi
vt_check "tracer survives the attempt" kill -0 "$tracer"
kill -TERM "$tracer"
wait "$tracer"
vt_check_eq "tracer exits 0" "$?" 0
if [ -z "$flags" ]; then
	rmmod vfio_pci_core
	vt_check_eq "vfio_pci_core unloads once vfio-trace is gone" \
		"$(grep -c '^vfio_pci_core ' /proc/modules)" 0
fi
vt_check_eq "no probe of vfio-trace's is left" "$(progs)" "$before"
vt_finish
