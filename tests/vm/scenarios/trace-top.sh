#!/bin/sh
# shellcheck shell=dash
# Scenario: `vfio-trace top` in batch mode (stdout a file, not a terminal)
# while a stress workload runs on the LAST of the devices (run-vm --edus 2)
# and the basic one, a few accesses, on the first: each with --name, so the
# VM column has names to show, and the busy device sorts after the quiet one
# by address but first by faults. Each block is one interval; the host adds
# the columns up over the blocks and checks them against each workload's
# ground truth, $VT_OUT/truth/BDF.json (tests/e2e/38-vm-top.sh).
#
# Usage: trace-top.sh [WORKLOAD-ARGS...] (default: --stress 3 --threads 2
# --reset-ms 250)
. /lib/vt/lib.sh
vt_require_vfio

[ $# -gt 0 ] || set -- --stress 3 --threads 2 --reset-ms 250
vt_first_last_bdf
quiet=$VT_FIRST_BDF
busy=$VT_LAST_BDF
vt_log "devices: $VT_BDFS; stress on $busy, the basic workload on $quiet"
mkdir -p "$VT_OUT/truth"

vfio-trace top --sort faults 1 > "$VT_OUT/top.txt" 2> "$VT_OUT/top.err" < /dev/null &
top_pid=$!
vt_wait_for "top" "$VT_OUT/top.err" "Hit Ctrl-C"
vfio-workload --quiet --bdf "$quiet" --name vmquiet --json "$VT_OUT/truth/$quiet.json" \
	2> "$VT_OUT/truth/$quiet.err" &
quiet_pid=$!
vfio-workload --quiet --bdf "$busy" --name vmbusy --json "$VT_OUT/truth/$busy.json" "$@" \
	2> "$VT_OUT/truth/$busy.err"
vt_check_eq "stress workload exit status" "$?" 0
wait "$quiet_pid"
vt_check_eq "basic workload exit status" "$?" 0
# One more block after the work, then the last one at SIGINT.
sleep 2
kill -INT "$top_pid"
wait "$top_pid"
echo $? > "$VT_OUT/top.rc"
vt_log "top: rc $(cat "$VT_OUT/top.rc"), $(grep -c '^vfio-trace top' "$VT_OUT/top.txt") blocks"
vt_finish
