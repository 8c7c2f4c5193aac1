#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-trace where things go wrong around it. The textfile directory
# turns read-only, fills up, has symlinks planted in it; the tracer is killed
# with SIGKILL; the workload is killed in the middle of a fault storm; the
# device is unbound from vfio-pci and bound again. vfio-trace must keep the
# previous textfile whole, retry, leave no probe behind, and keep counting.
#
# Usage: trace-faults.sh [fentry | kprobes]
. /lib/vt/lib.sh
vt_require_vfio

vt_mode "${1-}"

progs() { vt-bpf-progs 2>/dev/null | wc -l; }
workload() { vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet "$@"; }
prom=/tf/vfio_trace.prom
before=$(progs)

# --- The textfile directory: a small tmpfs we can make read-only or full.
mkdir -p /tf
mount -t tmpfs -o size=256k tmpfs /tf
: > /victim
sh -c 'echo $$ > /tmp/export.pid; exec vfio-trace export $1 -d "$0" --textfile-dir /tf --interval 1' \
	"$VT_BDF" "$flags" 2> "$VT_OUT/export.err" &
exporter=$!
sleep 0.2
pid=$(cat /tmp/export.pid)
# Symlinks at the temporary names the writer tries first: it must not follow them.
for n in 0 1 2 3; do ln -s /victim "/tf/.vfio_trace.prom.$pid.$n.tmp"; done
vt_wait_for export "$VT_OUT/export.err" "Hit Ctrl-C"
vt_wait_for export "$prom" "vfio_trace_probe_attached"
workload --json "$VT_OUT/basic.json"
sleep 2
vt_check_eq "symlinked temp names: /victim untouched" "$(wc -c < /victim)" 0
vt_check_eq "symlinks left as they were" "$(find /tf -maxdepth 1 -type l | wc -l)" 4
vt_check "textfile written" grep -q 'kind="sigbus"} [1-9]' "$prom"
vt_check_eq "textfile mode 0644" "$(stat -c %a "$prom")" 644

mount -o remount,ro /tf
cp "$prom" /tmp/prom-before
sleep 3
vt_check "read-only dir: the failure is said and retried" \
	grep -q "Read-only file system (will retry)" "$VT_OUT/export.err"
vt_check "read-only dir: the previous textfile is intact" cmp -s /tmp/prom-before "$prom"
vt_check "exporter still running" kill -0 "$exporter"
mount -o remount,rw /tf
rm -f "$prom"
sleep 3
vt_check "writable again: the textfile comes back" grep -q vfio_trace_probe_attached "$prom"

cp "$prom" /tmp/prom-before
dd if=/dev/zero of=/tf/filler bs=4k 2>/dev/null	# until the tmpfs is full
sleep 3
vt_check "full disk: the failure is said" grep -q "No space left on device" "$VT_OUT/export.err"
vt_check "full disk: the previous textfile is intact" cmp -s /tmp/prom-before "$prom"
rm -f /tf/filler
old=$(stat -c %Y "$prom")
sleep 3
vt_check "space again: the textfile is rewritten" test "$(stat -c %Y "$prom")" -gt "$old"
vt_check_eq "no temporary file left behind" "$(find /tf -maxdepth 1 -name '*.tmp' ! -type l | wc -l)" 0

kill -TERM "$exporter"
wait "$exporter"
vt_check_eq "SIGTERM: exporter exits 0" "$?" 0
vt_check_eq "SIGTERM: every probe detached" "$(progs)" "$before"

# --- SIGKILL leaves nothing behind: links are file descriptors, not pins.
# shellcheck disable=SC2086 # $flags is zero or one word
vfio-trace -j $flags -d "$VT_BDF" 1 > /dev/null 2> /tmp/summary.err &	# -j: banner on stderr
tracer=$!
vt_wait_for summary /tmp/summary.err "Hit Ctrl-C"
vt_check_ge "while tracing: our programs are loaded" "$(progs)" $((before + 10))
kill -KILL "$tracer"
wait "$tracer" 2>/dev/null
sleep 1
vt_check_eq "SIGKILL: no program of ours remains" "$(progs)" "$before"
vt_check_eq "SIGKILL: nothing pinned in bpffs" "$(find /sys/fs/bpf -mindepth 1 | wc -l)" 0

# --- The workload killed mid-storm, then the device unbound and bound again.
# Room for one device: the rebound instance must count on in the device's
# slot, not need a second one.
# Its messages in a file of its own: in the SIGKILLed tracer's, the wait
# below could find that one's "Hit Ctrl-C" before this one's redirection
# emptied it, and run the workload before this tracer had attached.
# shellcheck disable=SC2086
vfio-trace -j $flags -d "$VT_BDF" --max-devices 1 > "$VT_OUT/summary.json" 2> /tmp/rebind.err &
tracer=$!
vt_wait_for summary /tmp/rebind.err "Hit Ctrl-C"
# First sight single-threaded: with one slot, threads racing to learn the
# device would leave the losers without one (counted, but not this test).
workload --json /tmp/first.json
# Not through workload(): a function in the background is a subshell, and
# SIGKILL would orphan the vfio-workload it forked, still storming when the
# device is unbound below (that unbind then waits for it to finish).
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --stress 10 --json /tmp/killed.json &
storm=$!
sleep 3
kill -KILL "$storm"
wait "$storm" 2>/dev/null
vt_check_eq "workload killed mid-storm: no workload process left" "$(pidof vfio-workload | wc -w)" 0
vt_check "workload killed mid-storm: tracer still running" kill -0 "$tracer"

echo "$VT_BDF" > /sys/bus/pci/drivers/vfio-pci/unbind
sleep 1
vt_check "device unbound: tracer still running" kill -0 "$tracer"
echo "$VT_BDF" > /sys/bus/pci/drivers_probe
n=0
until [ -c "$VT_GROUP_DEV" ] && [ -e "/sys/bus/pci/drivers/vfio-pci/$VT_BDF" ]; do
	[ $n -lt 30 ] || vt_die "edu did not come back on vfio-pci"
	sleep 1
	n=$((n + 1))
done
workload --json "$VT_OUT/after-rebind.json"
vt_check_eq "after rebind: workload runs" "$?" 0
kill -INT "$tracer"
wait "$tracer"
vt_check_eq "tracer exits 0 after all that" "$?" 0
vt_check "summary still names the device" grep -q "\"bdf\":\"$VT_BDF\"" "$VT_OUT/summary.json"
vt_check "summary counted the faults after the rebind" grep -q '"sigbus":[1-9]' "$VT_OUT/summary.json"
vt_check_eq "the device counted once, with both bindings" \
	"$(vt_json_get "$VT_OUT/summary.json" devices.0.instances)" 2
vt_check_eq "the rebound device needed no second slot" \
	"$(vt_json_get "$VT_OUT/summary.json" lost.device_map_full)" 0
dmesg > "$VT_OUT/dmesg.txt"
vt_check_eq "no kernel warning, BUG or lockdep splat" \
	"$(grep -cE 'WARNING:|BUG:|Oops|possible (circular|recursive) locking|inconsistent lock state' "$VT_OUT/dmesg.txt")" 0
vt_finish
