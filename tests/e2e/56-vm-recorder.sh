#!/usr/bin/env bash
# The flight recorder of `vfio-trace lockdep --watch-kmsg DIR` on debian-6.1
# (tests/vm/scenarios/lockdep-recorder.sh): over the workload, the kernel
# prints a lockdep "possible circular locking dependency" report between
# &vdev->memory_lock and &mm->mmap_lock (the fixture
# tests/unit/kmsg/circular-mmap-memory.txt, a printk() a line through the
# vt_lockseed fixture module), after a process wrote the same report to
# /dev/kmsg itself, and then once more. One dump must come of each, the first
# under the earlier name, holding the report, the
# chain parsed from it, vfio-trace's mmap_lock -> memory_lock edge marked as
# a step of that chain, the current holders (the second printed while a
# process holds the fixture's lock: it must be listed) and the recent lock
# events; and
# vfio-trace must say where it wrote it. Debian 6.1 only: the fixture module
# is built against its headers. Skips, saying why, when they cannot be had.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=debian-6.1
out=$top/build/e2e/$kernel/lockdep-recorder
mkdir -p "$(dirname "$out")"
case " $VT_TEST_KERNELS " in
*" $kernel "*) ;;
*)
	skip "$kernel recorder: $kernel is not among VT_TEST_KERNELS ($VT_TEST_KERNELS)"
	e2e_finish
	;;
esac

build_fixtures "$kernel" "$kernel recorder" "$out.build.log" || e2e_finish

# The second dump was written while step 4's process held vt_lockseed_lock
# (tracked with --lock): it is among the holders, holding that lock alone.
check_holder() {
	local g=$1 dump pid
	dump=$(find "$g/dumps" -name 'kernel-report-*-circular.txt' 2>/dev/null | sort | tail -n 1)
	pid=$(cat "$g/holder.pid" 2>/dev/null)
	check_cmd "$kernel recorder: the holder of vt_lockseed_lock in the second dump's holders" \
		grep -qE "^ *${pid:-none} +[^ ]+ +vt_lockseed_lock \\(write\\)$" "${dump:-/nonexistent}"
}

check_dump() {
	local g=$1/guest dump n
	# The kernel printed the report twice: one file each, nothing else.
	n=$(find "$g/dumps" -name 'kernel-report-*-circular.txt' 2>/dev/null | wc -l)
	check_eq "$kernel recorder: exactly one dump file per kernel report, of a circular report" \
		"$(find "$g/dumps" -type f 2>/dev/null | wc -l) $n" "2 2"
	dump=$(find "$g/dumps" -name 'kernel-report-*-circular.txt' 2>/dev/null | sort | head -n 1)
	[ -n "$dump" ] || return
	check_eq "$kernel recorder: vfio-trace said where it wrote each dump, in order" \
		"$(sed -n 's|^vfio-trace: kernel lockdep report at [0-9TZ:-]*: wrote /tmp/dumps/||p' "$g/lockdep.err" | tr '\n' ' ')" \
		"$(find "$g/dumps" -type f -printf '%f\n' | sort | tr '\n' ' ')"
	check_cmd "$kernel recorder: the dump holds the kernel's report" \
		grep -qxF "WARNING: possible circular locking dependency detected" "$dump"
	# The report as the kernel printed it, line for line, timestamps aside.
	check_eq "$kernel recorder: every line of the fixture report is in the dump" \
		"$(sed 's/^\[ *[0-9.]*\] \{0,1\}//' "$top/tests/unit/kmsg/circular-mmap-memory.txt" |
			grep -v '^$' | grep -cvxFf "$dump")" 0
	check_cmd "$kernel recorder: the parsed chain: mmap_lock -> memory_lock" \
		grep -qxF "  step 0: &mm->mmap_lock -> &vdev->memory_lock" "$dump"
	check_cmd "$kernel recorder: the parsed chain: memory_lock -> mmap_lock, the acquisition reported" \
		grep -qxF "  step 1: &vdev->memory_lock -> &mm->mmap_lock  (the acquisition reported)" "$dump"
	check_gt "$kernel recorder: vfio-trace's mmap_lock -> memory_lock edges marked as step 0" \
		"$(grep -c '^&mm->mmap_lock (read) *-> &vdev->memory_lock .*<== kernel chain step 0$' "$dump")" 0
	check_eq "$kernel recorder: no other edge marked (none is memory_lock -> mmap_lock)" \
		"$(grep -c '<== kernel chain step [0-9]*$' "$dump")" \
		"$(grep -c '^&mm->mmap_lock ([a-z]*) *-> &vdev->memory_lock ' "$dump")"
	check_cmd "$kernel recorder: the current-holders section" \
		grep -qxF "== Tasks holding tracked locks now (outermost first) ==" "$dump"
	check_holder "$g"
	check_cmd "$kernel recorder: the recent lock events section, with events" \
		grep -qE '^ +[0-9]+\.[0-9]{3}  (new|again) ' "$dump"
	check_cmd "$kernel recorder: nothing lost" \
		grep -qF "Lost so far: 0 /dev/kmsg overruns (records overwritten before read), 0 sequence gaps, 0 read errors, 0 reports cut, 0 lock events overwritten in the ring, 0 dumps without a fresh snapshot, 0 dumps not written" "$dump"
	check_cmd "$kernel recorder: the summary line at exit: two reports, two dumps" \
		grep -qF "vfio-trace: flight recorder: 2 kernel reports, 2 dumps written to /tmp/dumps; lost: 0 " "$g/lockdep.err"
}

run_vm "$kernel recorder: boot" "$out" --kernel "$kernel" lockdep-recorder
case $? in
0 | 1)
	guest_checks "$kernel recorder" "$out.log"
	check_dump "$out"
	;;
esac
e2e_finish
