#!/usr/bin/env bash
# The vt_lockseed fixture module (tests/modules/vt_lockseed) on debian-6.1:
# built against Debian's linux-headers of the exact kernel the guest boots
# (tests/modules/build), loaded in the guest and checked there against its
# own ground truth (tests/vm/scenarios/lockseed-basic.sh): lock_addr against
# /proc/kallsyms, N triggers against count, rmmod and insmod again, a clean
# dmesg, and triggers under real memory pressure with reclaim walking the
# triggered file's mapping. Skips, saying why, when the headers cannot be had.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=debian-6.1
out=$top/build/e2e/$kernel/lockseed-basic
mkdir -p "$(dirname "$out")"

rc=0
"$top/tests/modules/build" "$kernel" >"$out.build.log" 2>&1 || rc=$?
case $rc in
0) ok "$kernel lockseed: vt_lockseed.ko built against linux-headers-$(cat "$top/.cache/kernels/$kernel/release") without a warning" ;;
77)
	skip "$kernel lockseed: the fixture cannot be built here ($(sed -n 's/^modules\/build: SKIP: //p' "$out.build.log" | tail -n 1))"
	e2e_finish
	;;
*)
	not_ok "$kernel lockseed: tests/modules/build exited $rc: $(tail -n 3 "$out.build.log" | tr '\n' ' ')"
	e2e_finish
	;;
esac

# 320 MiB: enough for the kernel and the initramfs, little enough that the
# scenario fills it quickly under TCG.
rc=0
run_vm "$kernel lockseed: boot" "$out" --kernel "$kernel" --mem 320M lockseed-basic || rc=$?
case $rc in
0 | 1)
	guest_checks "$kernel lockseed" "$out.log"
	if [ -s "$out/guest/reclaim.txt" ]; then
		echo "# $kernel lockseed, reclaim under pressure (vmstat: during the triggers; histograms: the whole pressure): $(tr '\n' ' ' <"$out/guest/reclaim.txt")"
	fi
	;;
esac
e2e_finish
