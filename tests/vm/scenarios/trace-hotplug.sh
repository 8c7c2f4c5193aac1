#!/bin/sh
# shellcheck shell=dash
# Scenario: PCI hot-unplug while tracing (run-vm --edus N, N >= 2). The
# textfile export, the JSON summary and the event stream trace while:
#   - every device but the last runs workloads, one after another, until the
#     end (each run's ground truth in $VT_OUT/truth/): basic runs with a few
#     memory toggles and resets by default (stress runs load a busy host's
#     TCG more; see the note on VT_TCG_THREAD in tests/e2e/34-vm-hotplug.sh);
#   - the last device's workload runs its basic steps, then holds the device
#     (--wait-release) while the host removes it (QMP device_del, asked for
#     on the console); vfio asks the workload for it back, the workload lets
#     go, and pciehp removes it;
#   - the host adds it back (device_add, same root port, same address), it is
#     bound to vfio-pci again (a new device: driver_override is gone) and a
#     fresh workload uses it.
# vfio-trace's maps are listed (vt-bpf-progs --maps) with every device in
# use, before the removal and after the re-added device was used. The host
# compares (tests/e2e/34-vm-hotplug.sh).
#
# Usage: trace-hotplug.sh [WORKLOAD-ARGS...] (the other devices'; default:
# --toggles 3 --resets 2)
. /lib/vt/lib.sh
vt_require_vfio

[ $# -gt 0 ] || set -- --toggles 3 --resets 2
victim=${VT_BDFS##* }
others=${VT_BDFS% "$victim"}
[ "$others" != "$VT_BDFS" ] || vt_die "needs two devices at least (run-vm --edus N): have $VT_BDFS"

# run-vm puts edu N behind root port rpN, the root ports in order on the root
# bus, so the buses, and VT_BDFS, follow N: the last device is edu N, N the
# number of devices. (The hot-plug slot's name is no guide: rp3's was "0-3",
# "2" and "0-2" in three boots.) pciehp must own its slot.
n=0
for b in $VT_BDFS; do n=$((n + 1)); done
slot=
for s in /sys/bus/pci/slots/*; do
	[ "$(cat "$s/address" 2>/dev/null)" = "${victim%.*}" ] && slot=${s##*/}
done
[ -n "$slot" ] || vt_skip "no hot-plug slot for $victim in /sys/bus/pci/slots (no pciehp?)"
vt_log "devices: $VT_BDFS; $victim (qemu edu$n, slot $slot) goes and comes back"

# The other devices' workloads stop at /tmp/stop; stop them before giving
# up, or the event stream fills the guest's memory.
give_up() {
	touch /tmp/stop
	vt_die "$*"
}

# wait_until TENTHS DESCRIPTION COMMAND...: every wait is bounded; gives up
# when it ends.
wait_until() {
	local i=0 max=$1 what=$2
	shift 2
	until "$@"; do
		[ $i -lt "$max" ] || give_up "$what: not after $((max / 10)) s"
		sleep 0.1
		i=$((i + 1))
	done
	vt_log "$what after $((i / 10)).$((i % 10)) s"
}
present() { [ -e "/sys/bus/pci/devices/$victim" ]; }
absent() { ! present; }
group_node() {
	[ -e "/sys/bus/pci/devices/$victim/iommu_group" ] &&
		[ -c "/dev/vfio/$(basename "$(readlink "/sys/bus/pci/devices/$victim/iommu_group")")" ]
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# fds PID: the fewest open fds in 5 looks 0.3 s apart: the export holds two
# more (the directory, the temporary file) while it writes the textfile.
fds() {
	local i=0 n min=
	while [ $i -lt 5 ]; do
		n=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l)
		[ -n "$min" ] && [ "$min" -le "$n" ] || min=$n
		sleep 0.3
		i=$((i + 1))
	done
	echo "$min"
}
holding() { grep -qs 'holding' "$VT_OUT/truth/held.err"; }

prom_dir=/tmp/textfile
mkdir -p "$prom_dir" "$VT_OUT/truth"
vfio-trace export --textfile-dir "$prom_dir" --interval 1 2> "$VT_OUT/export.err" &
export_pid=$!
vfio-trace -j > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
summary_pid=$!
vfio-trace events -j > "$VT_OUT/events.ndjson" 2> "$VT_OUT/events.err" &
events_pid=$!
# A JSON summary every second: what vfio-trace says while the device is gone.
vfio-trace -j 1 > "$VT_OUT/intervals.json" 2> "$VT_OUT/intervals.err" &
intervals_pid=$!
for t in export summary events intervals; do
	vt_wait_for "$t" "$VT_OUT/$t.err" "Hit Ctrl-C"
done
vt_log "tracers attached"

# The other devices: workloads back to back until /tmp/stop. Each loop
# writes how many runs failed to its own file.
pids=
for b in $others; do
	(
		i=0 failed=0
		until [ -e /tmp/stop ]; do
			i=$((i + 1))
			vfio-workload --quiet --bdf "$b" --json "$VT_OUT/truth/$b.$i.json" "$@" \
				2>> "$VT_OUT/truth/$b.err" || failed=$((failed + 1))
		done
		echo "$i $failed" > "$VT_OUT/truth/$b.runs"
	) &
	pids="$pids $!"
done

# The last device: its basic steps, then held until vfio asks for it.
vfio-workload --quiet --bdf "$victim" --wait-release 120 --json "$VT_OUT/truth/held.json" \
	2> "$VT_OUT/truth/held.err" &
held=$!
wait_until 600 "the workload holds $victim" holding
sleep 1
vt-bpf-progs --maps > "$VT_OUT/maps-before.txt" 2>&1
for p in $export_pid $summary_pid $events_pid $intervals_pid; do
	fds "$p"
done > "$VT_OUT/fds-before.txt"

echo "@@VT qmp device_del id=edu$n"
wait_until 300 "its workload let $victim go" gone "$held"
wait "$held"
vt_check_eq "the held workload's exit status" "$?" 0
vt_check_eq "the held workload was asked for the device" \
	"$(vt_json_get "$VT_OUT/truth/held.json" released)" true
wait_until 300 "$victim removed" absent
vt_check "tracers still running with $victim removed" kill -0 "$export_pid" "$summary_pid" "$events_pid" "$intervals_pid"
sleep 2 # an interval summary or two with the device gone

echo "@@VT qmp device_add driver=edu bus=rp$n id=edu$n"
wait_until 300 "$victim back" present
# A new pci_dev: the guest init's driver_override went with the old one.
# Its sysfs node appears before pciehp has assigned its BAR and added it
# (the CI run of 2026-12-02 probed in between, and vfio-pci took it 40 ms
# later): ask again until it is bound.
rebind() {
	echo vfio-pci > "/sys/bus/pci/devices/$victim/driver_override" 2>/dev/null
	echo "$victim" > /sys/bus/pci/drivers_probe 2>/dev/null
	[ -e "/sys/bus/pci/drivers/vfio-pci/$victim" ]
}
wait_until 300 "$victim bound to vfio-pci" rebind
vt_check "$victim bound to vfio-pci again" [ -e "/sys/bus/pci/drivers/vfio-pci/$victim" ]
wait_until 100 "its group node" group_node
vfio-workload --quiet --bdf "$victim" --json "$VT_OUT/truth/readded.json" \
	2> "$VT_OUT/truth/readded.err"
vt_check_eq "the re-added device's workload" "$?" 0

# The other devices worked all along: their loops are still going.
alive=0
for p in $pids; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
vt_check_eq "the other devices' workloads still running" "$alive" "$(echo "$pids" | wc -w)"
touch /tmp/stop
for p in $pids; do
	wait "$p"
done
for b in $others; do
	read -r runs failed < "$VT_OUT/truth/$b.runs"
	vt_check_ge "$b: workload runs" "$runs" 2
	vt_check_eq "$b: workload runs that failed" "$failed" 0
done

sleep 1
vt-bpf-progs --maps > "$VT_OUT/maps-after.txt" 2>&1
for p in $export_pid $summary_pid $events_pid $intervals_pid; do
	fds "$p"
done > "$VT_OUT/fds-after.txt"
# One more interval, so the textfile has everything.
sleep 2
kill -TERM "$export_pid" "$summary_pid" "$events_pid" "$intervals_pid"
wait "$intervals_pid"; echo $? > "$VT_OUT/intervals.rc"
wait "$export_pid"; echo $? > "$VT_OUT/export.rc"
wait "$summary_pid"; echo $? > "$VT_OUT/summary.rc"
wait "$events_pid"; echo $? > "$VT_OUT/events.rc"
cp "$prom_dir/vfio_trace.prom" "$VT_OUT/"
vt_log "done: tracers rc $(cat "$VT_OUT/export.rc") $(cat "$VT_OUT/summary.rc") $(cat "$VT_OUT/events.rc")"
vt_finish
