#!/bin/sh
# shellcheck shell=dash
# Scenario: many devices at once (run-vm --edus N). The textfile export (full
# and compact series), the JSON summary and the event stream trace while one vfio-workload per device
# runs its stress mode, all at the same time: several threads each faulting
# and reading the BAR, the memory bit flipping, resets (--reset-ms) and a DMA
# map. Each workload's ground truth lands in $VT_OUT/truth/BDF.json; the host
# checks every device's counts against its own (tests/e2e/32-vm-many-devices.sh).
#
# Usage: trace-many.sh [WORKLOAD-ARGS...] (default: --stress 3 --threads 2
# --reset-ms 250)
. /lib/vt/lib.sh
vt_require_vfio

# --linger-ms: each device stays open, idle, 3 s after its storm, so that the
# exporter names its owner even when the storm ends first (single-threaded
# TCG, as 6.18 and the lockdep kernel get, runs eight storms slower than the
# exporter's owner scan).
[ $# -gt 0 ] || set -- --stress 3 --threads 2 --reset-ms 250 --linger-ms 3000
ndev=0
for b in $VT_BDFS; do ndev=$((ndev + 1)); done
vt_log "$ndev devices: $VT_BDFS"

prom_dir=/tmp/textfile
mkdir -p "$prom_dir" "$VT_OUT/truth"
vfio-trace probes > "$VT_OUT/probes.txt" 2> "$VT_OUT/probes.err"
vfio-trace export --textfile-dir "$prom_dir" --interval 1 2> "$VT_OUT/export.err" &
export_pid=$!
# The same with compact series (histograms per host, faults without the BAR):
# the host checks its sums against the full textfile's.
mkdir -p /tmp/textfile-compact
vfio-trace export --series compact --textfile-dir /tmp/textfile-compact --interval 1 \
	2> "$VT_OUT/export_compact.err" &
compact_pid=$!
vfio-trace -j > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
summary_pid=$!
vfio-trace events -j > "$VT_OUT/events.ndjson" 2> "$VT_OUT/events.err" &
events_pid=$!

for t in export export_compact summary events; do
	vt_wait_for "$t" "$VT_OUT/$t.err" "Hit Ctrl-C"
done
vt_log "tracers attached"

# All at once: one process per device.
pids=
for b in $VT_BDFS; do
	vfio-workload --quiet --bdf "$b" --json "$VT_OUT/truth/$b.json" "$@" \
		2> "$VT_OUT/truth/$b.err" &
	pids="$pids $!"
done
# While they run: the textfile, for each device's owner. Under TCG with a
# process per device the exporter writes late, so the newest textfile is
# kept until one names every device's owner, or the workloads end.
best=-1
while :; do
	alive=0
	for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
	[ $alive = 1 ] || break
	cp "$prom_dir/vfio_trace.prom" /tmp/textfile-now.prom 2>/dev/null
	n=$(grep -c '^vfio_trace_device_owner{' /tmp/textfile-now.prom 2>/dev/null)
	if [ "${n:-0}" -gt "$best" ]; then
		best=$n
		cp /tmp/textfile-now.prom "$VT_OUT/textfile-during.prom"
	fi
	[ "$best" -lt "$ndev" ] || break
	sleep 0.3
done
vt_log "owners named in the textfile while the workloads ran: $best of $ndev"
failed=0
for p in $pids; do
	wait "$p" || failed=$((failed + 1))
done
vt_check_eq "workloads that failed" "$failed" 0

# One more interval, so the textfile has everything.
sleep 2
kill -TERM "$export_pid" "$compact_pid" "$summary_pid" "$events_pid"
wait "$export_pid"; echo $? > "$VT_OUT/export.rc"
wait "$compact_pid"; echo $? > "$VT_OUT/export_compact.rc"
cp /tmp/textfile-compact/vfio_trace.prom "$VT_OUT/vfio_trace_compact.prom"
wait "$summary_pid"; echo $? > "$VT_OUT/summary.rc"
wait "$events_pid"; echo $? > "$VT_OUT/events.rc"
cp "$prom_dir/vfio_trace.prom" "$VT_OUT/"
vt_log "done: tracers rc $(cat "$VT_OUT/export.rc") $(cat "$VT_OUT/summary.rc") $(cat "$VT_OUT/events.rc")"
vt_finish
