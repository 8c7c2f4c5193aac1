#!/usr/bin/env bash
# Pins through the mdev API (vfio_pin_pages(), pin path "mdev"), which no
# device of the test bed makes: the vt_pinner fixture (tests/modules/
# vt_pinner), built against Debian's linux-headers of the kernel the guest
# boots, pins on request for vt-mdev-pin, whose ground truth the guest checks
# vfio-trace against (tests/vm/scenarios/trace-mdev-pins.sh): calls, pages,
# errors, unpins, and the client's process; with fentry and with --kprobes.
# On the Debian kernels of VT_TEST_KERNELS; the others have no headers
# package, and skip saying so.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

for kernel in $VT_TEST_KERNELS; do
	out=$top/build/e2e/$kernel/trace-mdev-pins
	mkdir -p "$(dirname "$out")"
	build_fixtures "$kernel" "$kernel mdev pins" "$out.build.log" vt_pinner || continue
	# Named "KERNEL trace-mdev-pins[ kprobes]:", as tools/gen-matrix reads.
	for mode in fentry kprobes; do
		label="$kernel trace-mdev-pins"
		[ "$mode" = fentry ] || label="$label $mode"
		rc=0
		run_vm "$label: boot" "$out-$mode" --kernel "$kernel" trace-mdev-pins $mode || rc=$?
		case $rc in
		0 | 1) guest_checks "$label" "$out-$mode.log" ;;
		esac
	done
done
e2e_finish
