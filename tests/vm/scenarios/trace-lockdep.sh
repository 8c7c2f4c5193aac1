#!/bin/sh
# shellcheck shell=dash
# Scenario: `vfio-trace lockdep` over the workload (basic, then a short
# stress). On a lockdep kernel, /proc/lockdep is kept as the oracle the host
# compares vfio-trace's edges with (tests/e2e/50-vm-lockdep.sh).
. /lib/vt/lib.sh
vt_require_vfio

# lock_stat counts from zero for this run, beside vfio-trace's own.
if [ -w /proc/sys/kernel/lock_stat ]; then
	echo 0 > /proc/lock_stat
	echo 1 > /proc/sys/kernel/lock_stat
fi
vfio-trace lockdep -j --dot "$VT_OUT/lockdep.dot" > "$VT_OUT/lockdep.json" 2> "$VT_OUT/lockdep.err" &
tracer=$!
vfio-trace -j > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
summary=$!
waited=0
until grep -q "Hit Ctrl-C" "$VT_OUT/lockdep.err" 2>/dev/null &&
	grep -q "Hit Ctrl-C" "$VT_OUT/summary.err" 2>/dev/null; do
	kill -0 "$tracer" 2>/dev/null || vt_die "vfio-trace lockdep exited: $(cat "$VT_OUT/lockdep.err")"
	[ $waited -lt 120 ] || vt_die "vfio-trace did not attach within 120 s"
	sleep 1
	waited=$((waited + 1))
done
vt_log "attached after ${waited}s"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --json "$VT_OUT/basic.json"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --stress 2 --json "$VT_OUT/stress.json"
kill -INT "$tracer" "$summary"
wait "$tracer"
echo $? > "$VT_OUT/lockdep.rc"
wait "$summary"
echo $? > "$VT_OUT/summary.rc"
[ -w /proc/sys/kernel/lock_stat ] && echo 0 > /proc/sys/kernel/lock_stat
# Text mode runs too, into a file with -o (replaced atomically at the end).
vfio-trace lockdep --duration 1 -o "$VT_OUT/lockdep-text.txt" > "$VT_OUT/lockdep-text.stdout" 2>&1
echo $? > "$VT_OUT/lockdep-text.rc"
vfio-trace probes --lockdep > "$VT_OUT/probes-lockdep.txt" 2>&1
echo $? > "$VT_OUT/probes-lockdep.rc"
[ -r /proc/lockdep ] && cp /proc/lockdep "$VT_OUT/proc-lockdep.txt"
[ -r /proc/lock_stat ] && cp /proc/lock_stat "$VT_OUT/proc-lock_stat.txt"
exit 0
