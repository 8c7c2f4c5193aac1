#!/bin/sh
# shellcheck shell=dash
# Scenario: the workload under vfio-trace. Three tracers run side by side (the
# textfile export, the event stream, the JSON summary), then the workload runs,
# then the tracers are stopped with SIGTERM as an operator would. Everything
# lands in $VT_OUT; the host compares it with the workload's ground truth
# (tests/e2e/vm-trace.sh).
#
# Usage: trace-workload.sh MODE WORKLOAD-ARGS...
#   MODE: fentry | kprobes | tiny-maps (room for one thread in the per-thread
#   maps, the tid hash forced: what a host with more threads in vfio at once
#   than --max-threads sees) | asan (the ASan+UBSan build that the host packed
#   into /opt/san with tests/vm/pack-binary; reports go to $VT_OUT/asan.PID
#   and ubsan.PID, and the host fails the test on any)
. /lib/vt/lib.sh
vt_require_vfio

mode=$1
shift
case $mode in
fentry) flags= ;;
# The kprobe run also takes the per-thread hash that kernels without task
# storage (5.10) use, so both paths run on every kernel of the test bed.
kprobes) flags=--kprobes; export VFIO_TRACE_THREAD_STATE=hash ;;
tiny-maps) flags="--max-threads 1"; export VFIO_TRACE_THREAD_STATE=hash ;;
asan)
	flags=
	[ -x /opt/san/bin/vfio-trace ] || vt_die "no /opt/san/bin/vfio-trace: run-vm needs VT_EXTRA_INITRD"
	PATH=/opt/san/bin:$PATH
	export LD_LIBRARY_PATH=/opt/san/lib
	export ASAN_OPTIONS="detect_leaks=1:log_path=$VT_OUT/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$VT_OUT/ubsan"
	;;
*) vt_die "unknown mode '$mode'" ;;
esac

prom_dir=/tmp/textfile
mkdir -p "$prom_dir"
# shellcheck disable=SC2086 # $flags is zero or more words
vfio-trace probes $flags > "$VT_OUT/probes.txt" 2> "$VT_OUT/probes.err"
echo $? > "$VT_OUT/probes.rc"

# shellcheck disable=SC2086
vfio-trace export $flags -d "$VT_BDF" --textfile-dir "$prom_dir" --interval 1 \
	2> "$VT_OUT/export.err" &
export_pid=$!
# shellcheck disable=SC2086
vfio-trace events -j $flags > "$VT_OUT/events.ndjson" 2> "$VT_OUT/events.err" &
events_pid=$!
# shellcheck disable=SC2086
vfio-trace -j $flags > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
summary_pid=$!

# The filters, in one mode: a device that is not there (-d) and a process
# that is not the workload (-p 1) must count nothing and lose nothing. And a
# tracer that never attaches the ioeventfd check, so drops are told from the
# device's state alone (the way for writes before it is attached).
filters=
if [ "$mode" = fentry ]; then
	filters="filter-bdf filter-pid ioeventfd-state"
	vfio-trace -j -d 0000:ff:1f.7 > "$VT_OUT/filter-bdf.json" 2> "$VT_OUT/filter-bdf.err" &
	filter_bdf_pid=$!
	vfio-trace -j -p 1 > "$VT_OUT/filter-pid.json" 2> "$VT_OUT/filter-pid.err" &
	filter_pid_pid=$!
	VFIO_TRACE_IOEVENTFD_CHECK=never vfio-trace -j > "$VT_OUT/ioeventfd-state.json" \
		2> "$VT_OUT/ioeventfd-state.err" &
	state_pid=$!
fi

# Each tracer says "... Hit Ctrl-C to end." on stderr once attached.
attached() {
	for t in export events summary $filters; do
		grep -q "Hit Ctrl-C" "$VT_OUT/$t.err" 2>/dev/null || return 1
	done
}
waited=0
while ! attached; do
	[ $waited -lt 120 ] || vt_die "tracers did not attach within 120 s: $(cat "$VT_OUT"/*.err)"
	sleep 1
	waited=$((waited + 1))
done
vt_log "tracers attached after ${waited}s"
# Proof that the sanitized build is the one running.
[ "$mode" = asan ] && grep -m1 libasan "/proc/$summary_pid/maps" > "$VT_OUT/san-check.txt"

vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --json "$VT_OUT/ground-truth.json" "$@" \
	2> "$VT_OUT/workload.err"
echo $? > "$VT_OUT/workload.rc"
sleep 1

kill -TERM "$export_pid" "$events_pid" "$summary_pid"
wait "$export_pid"; echo $? > "$VT_OUT/export.rc"
wait "$events_pid"; echo $? > "$VT_OUT/events.rc"
wait "$summary_pid"; echo $? > "$VT_OUT/summary.rc"
if [ -n "$filters" ]; then
	kill -TERM "$filter_bdf_pid" "$filter_pid_pid" "$state_pid"
	wait "$filter_bdf_pid"; echo $? > "$VT_OUT/filter-bdf.rc"
	wait "$filter_pid_pid"; echo $? > "$VT_OUT/filter-pid.rc"
	wait "$state_pid"; echo $? > "$VT_OUT/ioeventfd-state.rc"
fi
cp "$prom_dir/vfio_trace.prom" "$VT_OUT/" 2>/dev/null
ls -a "$prom_dir" > "$VT_OUT/textfile-dir.txt"
vt_log "done: workload rc $(cat "$VT_OUT/workload.rc"), tracers rc" \
	"$(cat "$VT_OUT/export.rc") $(cat "$VT_OUT/events.rc") $(cat "$VT_OUT/summary.rc")"
exit 0
