#!/bin/sh
# shellcheck shell=dash
# Scenario: D3hot as a cause of memory off (run-vm --e1000e: edu has no PM
# capability). The workload writes D3hot to the e1000e's PM control register,
# touches and preads BAR0, writes D0 and touches again, CYCLES times; since
# 5.19 vfio zaps the BARs on the way into D3hot and refuses the accesses
# there (SIGBUS, EIO). vfio-trace must count each move both ways, name D3hot
# and its writer as the cause of each refused access, count the zap under
# power_state, and close the record when D0 is back, as the workload saw it.
#
# Then, on 6.1+, runtime PM's low power state the same way, LP times
# (VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY and EXIT): mmap access refused in it,
# reads waking the device.
#
# Usage: trace-power.sh [fentry | kprobes]
. /lib/vt/lib.sh
vt_require_vfio

vt_mode "${1-}"
[ -n "$VT_PM_BDF" ] || vt_die "no e1000e bound to vfio-pci (run-vm --e1000e)"
CYCLES=3
bdf=$VT_PM_BDF
group=/dev/vfio/$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
# The kernels of the test bed before 2b2c651baf1c (5.19) let a D3hot
# device's BARs be accessed; before vfio left an unused device to runtime
# PM, vfio also moves the
# device into D3hot itself when its last user closes it (idle D3), which is
# one more entry, by the workload, left open.
# The low power feature is 6.1's.
case $VT_KERNEL in
vt-5.15) refused=0 idle_d3=1 LP=0 last_cause=d3hot ;;
*) refused=$CYCLES idle_d3=0 LP=2 last_cause=low_power ;;
esac

# shellcheck disable=SC2086 # $flags is zero or one word
vt_tracer_start summary.json -j $flags -d "$bdf"
# shellcheck disable=SC2086
vt_tracer_start events.ndjson events -j $flags -d "$bdf"

vfio-workload --bdf "$bdf" --group "$group" --quiet --no-dma --toggles 0 --resets 0 \
	--d3-cycles $CYCLES --low-power-cycles $LP --json "$VT_OUT/truth.json"
vt_check_eq "workload: ran without anomaly" "$?" 0
vt_tracers_stop

t() { vt_json_get "$VT_OUT/truth.json" "$1"; }
s() { vt_json_get "$VT_OUT/summary.json" "devices.0.$1"; }
vt_check_eq "the workload's D3hot entries" "$(t d3.entries)" $CYCLES
vt_check_eq "accesses refused in D3hot on $VT_KERNEL: touches" "$(t d3.sigbus)" $refused
vt_check_eq "accesses refused in D3hot on $VT_KERNEL: preads" "$(t d3.eio)" $refused
vt_check_eq "summary: the device" "$(s bdf)" "$bdf"
# How the e1000e is reset: the first method the kernel lists for it (pm,
# where edu's is bus), or null where the file is absent.
methods=$(cat "/sys/bus/pci/devices/$bdf/reset_method" 2>/dev/null)
vt_log "reset methods the kernel lists for $bdf: ${methods:-none}"
first=${methods%% *}
vt_check_eq "summary: the reset method the kernel tries first" "$(s reset_method)" \
	"${first:-null}"
vt_check_eq "summary: D3hot entries (the workload's, and $idle_d3 at its close)" \
	"$(s d3_entries)" $(($(t d3.entries) + idle_d3))
vt_check_eq "summary: D3hot exits" "$(s d3_exits)" "$(t d3.exits)"
vt_check_eq "summary: SIGBUS" "$(s disabled_memory_accesses.sigbus)" "$(t sigbus)"
vt_check_eq "summary: EIO" "$(s disabled_memory_accesses.eio)" "$(t eio)"
vt_check_eq "the workload's low power entries" "$(t low_power.entries)" $LP
vt_check_eq "mmap access refused in the low power state" "$(t low_power.sigbus)" $LP
vt_check_eq "reads in the low power state wake the device" "$(t low_power.eio)" 0
vt_check_eq "summary: low power entries" "$(s low_power_entries)" "$(t low_power.entries)"
vt_check_eq "summary: low power exits" "$(s low_power_exits)" "$(t low_power.exits)"
vt_check_eq "summary: zaps by a power-state request" "$(s zaps.by_reason.power_state)" \
	$((refused + LP))
vt_check_eq "summary: no zap of unknown reason" "$(s zaps.by_reason.other)" 0
vt_check_eq "summary: no PCI_COMMAND disable" "$(s memory_disables)" 0
vt_check_eq "summary: the last memory-off cause" "$(s last_disable.cause)" $last_cause
vt_check_eq "summary: by the workload" "$(s last_disable.comm)" vfio-workload
if [ $idle_d3 = 1 ]; then
	vt_check_eq "summary: left in D3hot at the close (the record is open)" \
		"$(s last_disable.enabled_ts_ns)" null
else
	vt_check "summary: memory came back (the record is closed)" \
		test "$(s last_disable.enabled_ts_ns)" != null
fi
vt_check_eq "summary: one blackout timed per D3hot and low power cycle" \
	"$(s memory_off_ns.count)" $((CYCLES + LP))

n() { grep -c "$1" "$VT_OUT/events.ndjson"; }
vt_check_eq "events: d3_entry" "$(n '"kind":"d3_entry"')" $((CYCLES + idle_d3))
vt_check_eq "events: d3_exit" "$(n '"kind":"d3_exit"')" $CYCLES
vt_check_eq "events: each refused touch names D3hot by the workload" \
	"$(n '"kind":"sigbus".*"disabled_by":{"pid":[0-9]*,"tid":[0-9]*,"comm":"vfio-workload","ns_before":[0-9]*,"cause":"d3hot"}')" \
	"$(t d3.sigbus)"
vt_check_eq "events: low_power_entry" "$(n '"kind":"low_power_entry"')" $LP
vt_check_eq "events: low_power_exit" "$(n '"kind":"low_power_exit"')" $LP
vt_check_eq "events: each touch refused in the low power state names it and the workload" \
	"$(n '"kind":"sigbus".*"comm":"vfio-workload","ns_before":[0-9]*,"cause":"low_power"}')" $LP
vt_check_eq "events: each refused pread names D3hot" \
	"$(n '"kind":"eio".*"cause":"d3hot"')" "$(t d3.eio)"
vt_check_eq "events: no access names a stale cause" \
	"$(n '"cause":"command"')" 0
dmesg > "$VT_OUT/dmesg.txt"
vt_check_eq "no kernel warning, BUG or lockdep splat" \
	"$(grep -cE 'WARNING:|BUG:|Oops|possible (circular|recursive) locking|inconsistent lock state' "$VT_OUT/dmesg.txt")" 0
vt_finish
