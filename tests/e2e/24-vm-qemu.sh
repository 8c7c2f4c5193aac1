#!/usr/bin/env bash
# A real VMM as the VFIO client (tests/vm/scenarios/trace-qemu.sh): Debian's
# QEMU in the guest with edu as its vfio-pci device and -name guest=NAME.
# vfio-trace names that QEMU and its VM as the device's owner and as the
# process that pinned guest RAM, and sees its machine reset (the config write
# that turns memory off, the reset) as QEMU really does them. On every test
# kernel; the checks run in the guest, this reports them.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

qemu_cpio=$top/build/qemu.cpio
if ! "$top/tests/vm/pack-qemu" "$qemu_cpio" > "$top/build/pack-qemu.log" 2>&1; then
	skip "qemu in the guest: tests/vm/pack-qemu failed: $(tail -n 1 "$top/build/pack-qemu.log")"
	e2e_finish
fi
for kernel in $VT_TEST_KERNELS; do
	out=$top/build/e2e/$kernel/trace-qemu
	VT_EXTRA_INITRD=$qemu_cpio run_vm "$kernel qemu: boot" "$out" --kernel "$kernel" --mem 2G \
		--timeout 600 trace-qemu
	case $? in
	0|1) guest_checks "$kernel qemu" "$out.log" ;;
	77) continue ;;
	esac
done
e2e_finish
