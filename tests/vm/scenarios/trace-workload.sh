#!/bin/sh
# shellcheck shell=dash
# Scenario: the workload under vfio-trace. Three tracers run side by side (the
# textfile export, the event stream, the JSON summary), then the workload runs,
# then the tracers are stopped with SIGTERM as an operator would. Everything
# lands in $VT_OUT; the host compares it with the workload's ground truth
# (tests/e2e/vm-trace.sh).
#
# Usage: trace-workload.sh MODE [--core] WORKLOAD-ARGS...
#   MODE: fentry | stacks (fentry, with --stacks for the event stream and the
#   JSON summary, and a text summary with it too) | kprobes | kprobe-multi
#   (--kprobes --kprobe-multi) | refuse (the fault and BAR access
#   operations' fentry programs made unloadable with VFIO_TRACE_REFUSE: the
#   kernel refuses them, the two operations fall back to kprobes, and the rest
#   loads as usual) |
#   tiny-maps (room for one thread in the per-thread
#   maps, the tid hash forced: what a host with more threads in vfio at once
#   than --max-threads sees) | asan (the ASan+UBSan build that the host packed
#   into /opt/san with tests/vm/pack-binary; reports go to $VT_OUT/asan.PID
#   and ubsan.PID, and the host fails the test on any)
# --core: the three tracers alone, for the runs that check a way of using
#   the device (25-vm-ioeventfd-iommufd, 30-vm-stress) rather than the
#   tracer's options: the filters and --min-latency tracers of the fentry and
#   kprobe modes are checked by 20-vm-trace's runs, and each more tracer
#   costs the run its load, attach and detach under TCG.
# A workload that makes ioeventfd writes inside a reset (--ioeventfd-busy)
# gets the event stream with --stacks in every mode: its trylock_failed
# events then name what held memory_lock, the reset (20-vm-trace).
. /lib/vt/lib.sh
vt_require_vfio

mode=$1
shift
case $mode in
fentry) flags= ;;
stacks) flags=; stacks=--stacks ;;
# The kprobe run also takes the per-thread hash that kernels without task
# storage (5.10) use, so both paths run on every kernel of the test bed.
kprobes) flags=--kprobes; export VFIO_TRACE_THREAD_STATE=hash ;;
# Every kprobe through fprobe where the kernel takes it (6.12, 6.18 here).
kprobe-multi) flags="--kprobes --kprobe-multi" ;;
refuse) flags=; export VFIO_TRACE_REFUSE=fault_exit,huge_fault_exit,bar_rw_entry ;;
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
core=
[ "${1-}" = --core ] && { core=1; shift; }
event_stacks=${stacks-}
case " $* " in *" --ioeventfd-busy "*) event_stacks=--stacks ;; esac

# Whether a BAR fault may first try a PMD (THP "always"; "madvise" needs an
# madvise the workload does not make): 20-vm-trace's fallback check.
cat /sys/kernel/mm/transparent_hugepage/enabled > "$VT_OUT/thp.txt" 2>/dev/null
# The reset methods the PCI core lists for the device (5.15 on).
cat "/sys/bus/pci/devices/$VT_BDF/reset_method" > "$VT_OUT/reset_method.txt" 2>/dev/null

prom_dir=/tmp/textfile
mkdir -p "$prom_dir"
# shellcheck disable=SC2086 # $flags is zero or more words
vfio-trace probes $flags > "$VT_OUT/probes.txt" 2> "$VT_OUT/probes.err"
echo $? > "$VT_OUT/probes.rc"
# What --kprobe-multi would choose here, for kernels that get no run of it:
# each kprobe says why it stays classic (20-vm-trace).
if [ "$mode" = kprobes ]; then
	vfio-trace probes --kprobes --kprobe-multi > "$VT_OUT/probes-multi.txt" 2>&1
fi

# shellcheck disable=SC2086
vfio-trace export $flags -d "$VT_BDF" --textfile-dir "$prom_dir" --interval 1 \
	2> "$VT_OUT/export.err" &
export_pid=$!
# shellcheck disable=SC2086
vfio-trace events -j $flags $event_stacks > "$VT_OUT/events.ndjson" 2> "$VT_OUT/events.err" &
events_pid=$!
# shellcheck disable=SC2086
vfio-trace -j $flags ${stacks-} > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
summary_pid=$!

# The filters, in one mode: a device that is not there (-d) and a process
# that is not the workload (-p 1) must count nothing and lose nothing. And a
# tracer that never attaches the ioeventfd check, so drops are told from the
# device's state alone (the way for writes before it is attached).
filters=
if [ "$mode" = fentry ] && [ -z "$core" ]; then
	filters="filter-bdf filter-many filter-pid ioeventfd-state"
	vfio-trace -j -d 0000:ff:1f.7 > "$VT_OUT/filter-bdf.json" 2> "$VT_OUT/filter-bdf.err" &
	filter_bdf_pid=$!
	# More -d devices than the 8 a rodata array once held, the real one
	# last: it must count exactly what the unfiltered summary counts.
	many=
	for f in 0 1 2 3 4 5 6 7 8 9 a b; do many="$many -d 0000:fe:1f.$((0x$f % 8))"; done
	many="$many -d 0000:fe:1e.0 -d 0000:fe:1e.1"
	# shellcheck disable=SC2086 # $many is many words
	vfio-trace -j $many -d "$VT_BDF" > "$VT_OUT/filter-many.json" 2> "$VT_OUT/filter-many.err" &
	filter_many_pid=$!
	vfio-trace -j -p 1 > "$VT_OUT/filter-pid.json" 2> "$VT_OUT/filter-pid.err" &
	filter_pid_pid=$!
	VFIO_TRACE_IOEVENTFD_CHECK=never vfio-trace -j > "$VT_OUT/ioeventfd-state.json" \
		2> "$VT_OUT/ioeventfd-state.err" &
	state_pid=$!
fi

# --stacks: the text summary too (its first line goes to stdout), every
# second, so that new stacks are named while it runs and its peak RSS, read
# before it is stopped, includes that.
if [ "$mode" = stacks ]; then
	filters="stacks-text"
	vfio-trace --stacks 1 > "$VT_OUT/stacks-text.txt" 2> "$VT_OUT/stacks-text.err" &
	stacks_text_pid=$!
fi

# --min-latency, in fentry and both kprobe modes: above 1 ns every fault, zap,
# reset and pin is an event of its own with its stack; above a day, none is,
# and the stream is the usual one.
if [ -z "$core" ] && { [ "$mode" = fentry ] || [ "$mode" = kprobes ] || [ "$mode" = kprobe-multi ]; }; then
	filters="$filters slow slow-none"
	# shellcheck disable=SC2086
	vfio-trace events -j $flags --min-latency 1ns > "$VT_OUT/slow.ndjson" 2> "$VT_OUT/slow.err" &
	slow_pid=$!
	# shellcheck disable=SC2086
	vfio-trace events -j $flags --min-latency 86400s > "$VT_OUT/slow-none.ndjson" \
		2> "$VT_OUT/slow-none.err" &
	slow_none_pid=$!
fi

# Each tracer says "... Hit Ctrl-C to end." once attached: on stderr, or on
# stdout for the text summary.
attached() {
	for t in export events summary $filters; do
		grep -qs "Hit Ctrl-C" "$VT_OUT/$t.err" "$VT_OUT/$t.txt" || return 1
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
	2> "$VT_OUT/workload.err" &
workload_pid=$!
echo "$workload_pid" > "$VT_OUT/workload.pid"
# The textfile as it is while the workload holds the device open, for its
# owner (the newest, until one names an owner): 30-vm-stress checks it.
while kill -0 "$workload_pid" 2>/dev/null; do
	cp "$prom_dir/vfio_trace.prom" /tmp/textfile-now.prom 2>/dev/null &&
		cp /tmp/textfile-now.prom "$VT_OUT/textfile-during.prom"
	grep -q '^vfio_trace_device_owner{' /tmp/textfile-now.prom 2>/dev/null && break
	sleep 0.3
done
wait "$workload_pid"
echo $? > "$VT_OUT/workload.rc"
sleep 1

# Peak RSS, before the tracers are stopped: with --stacks, and export's
# without it for comparison.
if [ "$mode" = stacks ]; then
	grep VmHWM "/proc/$stacks_text_pid/status" > "$VT_OUT/stacks-text.hwm"
	grep VmHWM "/proc/$export_pid/status" > "$VT_OUT/export.hwm"
fi
kill -TERM "$export_pid" "$events_pid" "$summary_pid"
wait "$export_pid"; echo $? > "$VT_OUT/export.rc"
wait "$events_pid"; echo $? > "$VT_OUT/events.rc"
wait "$summary_pid"; echo $? > "$VT_OUT/summary.rc"
if [ -n "${filter_bdf_pid-}" ]; then
	kill -TERM "$filter_bdf_pid" "$filter_many_pid" "$filter_pid_pid" "$state_pid"
	wait "$filter_bdf_pid"; echo $? > "$VT_OUT/filter-bdf.rc"
	wait "$filter_many_pid"; echo $? > "$VT_OUT/filter-many.rc"
	wait "$filter_pid_pid"; echo $? > "$VT_OUT/filter-pid.rc"
	wait "$state_pid"; echo $? > "$VT_OUT/ioeventfd-state.rc"
fi
if [ -n "${slow_pid-}" ]; then
	kill -TERM "$slow_pid" "$slow_none_pid"
	wait "$slow_pid"; echo $? > "$VT_OUT/slow.rc"
	wait "$slow_none_pid"; echo $? > "$VT_OUT/slow-none.rc"
fi
if [ "$mode" = stacks ]; then
	kill -TERM "$stacks_text_pid"
	wait "$stacks_text_pid"; echo $? > "$VT_OUT/stacks-text.rc"
fi
cp "$prom_dir/vfio_trace.prom" "$VT_OUT/" 2>/dev/null
ls -a "$prom_dir" > "$VT_OUT/textfile-dir.txt"
vt_log "done: workload rc $(cat "$VT_OUT/workload.rc"), tracers rc" \
	"$(cat "$VT_OUT/export.rc") $(cat "$VT_OUT/events.rc") $(cat "$VT_OUT/summary.rc")"
exit 0
