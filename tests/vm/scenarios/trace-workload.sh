#!/bin/sh
# shellcheck shell=dash
# Scenario: the workload under vfio-trace. Three tracers run side by side (the
# textfile export, the event stream, the JSON summary), then the workload runs,
# then the tracers are stopped with SIGTERM as an operator would. Everything
# lands in $VT_OUT; the host compares it with the workload's ground truth
# (tests/e2e/vm-trace.sh).
#
# Usage: trace-workload.sh MODE WORKLOAD-ARGS...   MODE: fentry | kprobes
. /lib/vt/lib.sh
vt_require_vfio

mode=$1
shift
case $mode in
fentry) flags= ;;
kprobes) flags=--kprobes ;;
*) vt_die "unknown mode '$mode'" ;;
esac

prom_dir=/tmp/textfile
mkdir -p "$prom_dir"
# shellcheck disable=SC2086 # $flags is empty or one word
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

# Each tracer says "... Hit Ctrl-C to end." on stderr once attached.
attached() {
	grep -q "Hit Ctrl-C" "$VT_OUT/export.err" 2>/dev/null &&
		grep -q "Hit Ctrl-C" "$VT_OUT/events.err" 2>/dev/null &&
		grep -q "Hit Ctrl-C" "$VT_OUT/summary.err" 2>/dev/null
}
waited=0
while ! attached; do
	[ $waited -lt 120 ] || vt_die "tracers did not attach within 120 s: $(cat "$VT_OUT"/*.err)"
	sleep 1
	waited=$((waited + 1))
done
vt_log "tracers attached after ${waited}s"

vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --json "$VT_OUT/ground-truth.json" "$@" \
	2> "$VT_OUT/workload.err"
echo $? > "$VT_OUT/workload.rc"
sleep 1

kill -TERM "$export_pid" "$events_pid" "$summary_pid"
wait "$export_pid"; echo $? > "$VT_OUT/export.rc"
wait "$events_pid"; echo $? > "$VT_OUT/events.rc"
wait "$summary_pid"; echo $? > "$VT_OUT/summary.rc"
cp "$prom_dir/vfio_trace.prom" "$VT_OUT/" 2>/dev/null
ls -a "$prom_dir" > "$VT_OUT/textfile-dir.txt"
vt_log "done: workload rc $(cat "$VT_OUT/workload.rc"), tracers rc" \
	"$(cat "$VT_OUT/export.rc") $(cat "$VT_OUT/events.rc") $(cat "$VT_OUT/summary.rc")"
exit 0
