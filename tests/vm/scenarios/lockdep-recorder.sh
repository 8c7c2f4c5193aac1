#!/bin/sh
# shellcheck shell=dash
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
# The flight recorder of `vfio-trace lockdep --watch-kmsg DIR`, over the
# workload, fed a lockdep report by the kernel:
#   1. vfio-trace lockdep --watch-kmsg /tmp/dumps runs; the workload gives it
#      its lock order (mmap_lock -> memory_lock on the fault path)
#   2. the fixture report (/lib/vt/fixtures/circular-mmap-memory.txt, lockdep's
#      "possible circular locking dependency" between &vdev->memory_lock and
#      &mm->mmap_lock, as 6.12 prints it) is written by a process to /dev/kmsg:
#      not the kernel's (facility LOG_USER), so no dump may come of it
#   3. the same report is printed by the kernel, a printk() a line, through
#      vt_lockseed's kmsg file, while the stress workload holds locks: one
#      dump must come of it
#   4. the kernel prints it once more, while a task holds the fixture's lock
#      (tracked with --lock, held through vt_lockseed's hold file): a second
#      dump, under a later name, with that task among the holders
#   5. SIGINT: vfio-trace's summary line of the recorder, exit 0
# The host (tests/e2e/56-vm-recorder.sh) checks the dump's content.
# Writes: lockdep.txt, lockdep.err, lockdep.rc, dumps/ (DIR's files),
# dumps-after-user.txt (DIR's listing after step 2), holder.pid (step 4's
# holder), workload *.json.
. /lib/vt/lib.sh
vt_require_vfio

DIR=/tmp/dumps
FIXTURE=/lib/vt/fixtures/circular-mmap-memory.txt
[ -f "$VT_EXTRA_MODULES/vt_lockseed.ko" ] ||
	vt_skip "no vt_lockseed.ko in the guest (tests/modules/build $VT_KERNEL makes it)"
[ -f "$FIXTURE" ] || vt_die "no $FIXTURE in the guest"
vt_check "insmod vt_lockseed, its debugfs files there" vt_lockseed_load
[ -w "$VT_LOCKSEED/kmsg" ] || vt_die "no $VT_LOCKSEED/kmsg: nothing else can be checked"

# The report's lines without their console timestamps: the messages as the
# kernel printed them ("[  301.514427]  #0: ..." is " #0: ...").
messages() { sed 's/^\[ *[0-9.]*\] \{0,1\}//' "$FIXTURE"; }
dumps() { find "$DIR" -name 'kernel-report-*' | wc -l; }

mkdir -p "$DIR"
vfio-trace lockdep --watch-kmsg "$DIR" --keep 30 --lock vt_lockseed_lock >"$VT_OUT/lockdep.txt" 2>"$VT_OUT/lockdep.err" &
tracer=$!
waited=0
until grep -q "Hit Ctrl-C" "$VT_OUT/lockdep.err" 2>/dev/null; do
	kill -0 "$tracer" 2>/dev/null || vt_die "vfio-trace lockdep exited: $(cat "$VT_OUT/lockdep.err")"
	[ $waited -lt 120 ] || vt_die "vfio-trace did not attach within 120 s"
	sleep 1
	waited=$((waited + 1))
done
vt_log "attached after ${waited}s"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --json "$VT_OUT/basic.json"

# 2. A process's own copy of the report: someone else's, never a dump. The
# recorder hands an open report over after 2 s of quiet; 3 s are enough.
messages | while IFS= read -r line; do printf '%s\n' "$line" >/dev/kmsg; done
sleep 3
ls -la "$DIR" >"$VT_OUT/dumps-after-user.txt"
vt_check_eq "no dump of a report a process wrote to /dev/kmsg" "$(dumps)" 0

# 3. The kernel's report, while the stress workload takes and holds locks.
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --quiet --stress 3 \
	--json "$VT_OUT/stress.json" &
workload=$!
sleep 1
messages | while IFS= read -r line; do printf '%s\n' "$line" >"$VT_LOCKSEED/kmsg"; done
waited=0
while [ "$(dumps)" -eq 0 ] && [ $waited -lt 30 ]; do
	sleep 1
	waited=$((waited + 1))
done
wait "$workload"
vt_check_eq "one dump of the kernel's report" "$(dumps)" 1
first=$(find "$DIR" -name 'kernel-report-*')

# 4. Another report: another file, never the first one replaced. Printed
# while a process holds the fixture's lock, for longer than the recorder
# waits before it writes (2 s of quiet after the report).
echo 10000 >"$VT_LOCKSEED/hold" &
holder=$!
echo "$holder" >"$VT_OUT/holder.pid"
sleep 1
messages | while IFS= read -r line; do printf '%s\n' "$line" >"$VT_LOCKSEED/kmsg"; done
waited=0
while [ "$(dumps)" -lt 2 ] && [ $waited -lt 30 ]; do
	sleep 1
	waited=$((waited + 1))
done
vt_check "the holder held the lock until its end" wait "$holder"
vt_check_eq "a second dump of the second report" "$(dumps)" 2
vt_check_eq "the first dump is the first by name" \
	"$(find "$DIR" -name 'kernel-report-*' | sort | head -n 1)" "$first"
kill -INT "$tracer"
wait "$tracer"
echo $? >"$VT_OUT/lockdep.rc"
mkdir -p "$VT_OUT/dumps"
cp "$DIR"/* "$VT_OUT/dumps/" 2>/dev/null
vt_check_eq "vfio-trace lockdep exit status" "$(cat "$VT_OUT/lockdep.rc")" 0
vt_finish
