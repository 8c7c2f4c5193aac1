#!/bin/sh
# shellcheck shell=dash
# Scenario: VFIO_DEVICE_PCI_HOT_RESET on an edu alone behind its root port,
# as QEMU issues it for a device without FLR (vfio-workload --hot-resets).
# vfio-trace must count each reset's zap under hot_reset and its write hold
# of memory_lock on the hot_reset path, exactly as many as the workload made.
#
# Usage: trace-hot-reset.sh [fentry | kprobes]
. /lib/vt/lib.sh
vt_require_vfio
vt_mode "${1-}"
N=3

# shellcheck disable=SC2086 # $flags is zero or one word
vfio-trace -j $flags -d "$VT_BDF" > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
tracer=$!
vt_wait_for summary "$VT_OUT/summary.err" "Hit Ctrl-C"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --toggles 0 --resets 0 \
	--hot-resets $N --json "$VT_OUT/truth.json"
vt_check_eq "workload: ran without anomaly" "$?" 0
sleep 2
kill -INT "$tracer"
wait "$tracer"
vt_check_eq "tracer exits 0" "$?" 0

t() { vt_json_get "$VT_OUT/truth.json" "$1"; }
s() { vt_json_get "$VT_OUT/summary.json" "devices.0.$1"; }
vt_check_eq "the workload's hot resets, none refused" "$(t hot_resets) $(t hot_resets_busy)" "$N 0"
vt_check_eq "zaps by hot reset" "$(s zaps.by_reason.hot_reset)" "$(t hot_resets)"
vt_check_eq "no zap of another reason" \
	"$(s zaps.by_reason.config_write) $(s zaps.by_reason.reset) $(s zaps.by_reason.other)" "0 0 0"
vt_check_eq "memory_lock held for writing on the hot_reset path" \
	"$(s memory_lock.write.hold_ns.hot_reset.count)" "$(t hot_resets)"
vt_finish
