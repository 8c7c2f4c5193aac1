#!/bin/sh
# shellcheck shell=dash
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
# Scenario: pins through the mdev API, vfio_pin_pages() and
# vfio_unpin_pages() (vfio-trace's pin path "mdev"), which no device of the
# test bed makes: the vt_pinner fixture (tests/modules/vt_pinner) registers a
# vfio device with an emulated IOMMU, as an mdev vendor driver does, and pins
# on request. vt-mdev-pin maps its memory in a type1 container, asks for
# CALLS pins of NPAGE pages, then BAD at an IOVA nothing maps (refused), and
# prints its ground truth. vfio-trace must count the mdev path's calls,
# pages, errors and unpins exactly, and give them to the client's process;
# type1's own pinning (vfio_pin_pages_remote) has nothing to do in a
# container whose only group is emulated.
#
# Usage: trace-mdev-pins.sh [fentry | kprobes]
. /lib/vt/lib.sh
vt_require_vfio

vt_mode "${1-}"
CALLS=7 NPAGE=16 BAD=2

[ -f "$VT_EXTRA_MODULES/vt_pinner.ko" ] ||
	vt_skip "no vt_pinner.ko in the guest (tests/modules/build $VT_KERNEL makes it)"
vt_check "insmod vt_pinner" vt_insmod vt_pinner
link=$(readlink /sys/devices/platform/vt_pinner/iommu_group) ||
	vt_die "the fixture's device has no IOMMU group"
group=/dev/vfio/$(basename "$link")
vt_check "its group's device node is there ($group)" test -c "$group"

# shellcheck disable=SC2086 # $flags is zero or one word
vt_tracer_start summary.json -j $flags
vt-mdev-pin "$group" vt_pinner $CALLS $NPAGE $BAD >"$VT_OUT/truth.json"
vt_check_eq "vt-mdev-pin ran without error" "$?" 0
vt_tracers_stop

t() { vt_json_get "$VT_OUT/truth.json" "$1"; }
s() { vt_json_get "$VT_OUT/summary.json" "$1"; }
vt_check_eq "the client's truth: calls, pages, errors" "$(t calls) $(t pages) $(t errors)" \
	"$((CALLS + BAD)) $((CALLS * NPAGE)) $BAD"
for k in calls pages errors unpin_calls unpinned_pages; do
	vt_check_eq "mdev pins: $k as the client made them" "$(s pins.mdev.$k)" "$(t $k)"
done
vt_check_eq "mdev pins: a latency for each call" "$(s pins.mdev.latency_ns.count)" "$(t calls)"
vt_check_eq "type1's own pinning: none" "$(s pins.type1.calls)" 0
# The processes' rows on the mdev path (pin_processes[]).
rows="" i=0
while path=$(s "pin_processes.$i.path") && [ -n "$path" ]; do
	[ "$path" = mdev ] && rows="$rows$(s "pin_processes.$i.pid") $(s "pin_processes.$i.comm") $(s "pin_processes.$i.calls") $(s "pin_processes.$i.pages") $(s "pin_processes.$i.errors");"
	i=$((i + 1))
done
vt_log "mdev pins by process (pid comm calls pages errors): $rows"
vt_check_eq "mdev pins: one process, the client, with its calls, pages and errors" "$rows" \
	"$(t pid) vt-mdev-pin $(t calls) $(t pages) $(t errors);"

vt_check "rmmod vt_pinner" rmmod vt_pinner
vt_check "its device is gone" test ! -e /sys/devices/platform/vt_pinner
dmesg >"$VT_OUT/dmesg.txt"
bad_re='WARNING:|BUG:|Oops|Call Trace|general protection'
vt_check_eq "dmesg lines of a warning, BUG or oops" "$(grep -cE "$bad_re" "$VT_OUT/dmesg.txt")" 0
vt_finish
