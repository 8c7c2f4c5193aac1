#!/bin/sh
# shellcheck shell=dash
# Smoke test of the test bed itself: the kernel booted, vfio is loaded, edu is
# bound to vfio-pci with its group node, and the symbols and BTF the tracer
# relies on are visible. Writes /out/smoke.txt.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. /lib/vt/lib.sh

# Attach points that differ between kernels (see shared/research/vm-testbed.md):
# 6.1 has vfio_pci_mmap_fault and zaps through vfio_pci_zap_and_vma_lock;
# 6.12 has vfio_pci_mmap_huge_fault and zaps with unmap_mapping_range.
symbols="vfio_pci_mmap_fault vfio_pci_mmap_huge_fault vfio_pci_zap_and_vma_lock
	unmap_mapping_range vfio_pin_pages_remote vfio_pci_bar_rw"

driver=-
[ -e "/sys/bus/pci/devices/$VT_BDF/driver" ] &&
	driver=$(basename "$(readlink "/sys/bus/pci/devices/$VT_BDF/driver")")

# shellcheck disable=SC2086 # split the list into arguments
ksyms=$(vt_ksyms $symbols)

{
	echo "kernel $VT_KERNEL"
	echo "release $VT_RELEASE"
	echo "bdf ${VT_BDF:--}"
	echo "group ${VT_GROUP:--}"
	echo "driver $driver"
	echo "cdev ${VT_CDEV:--}"
	echo "$ksyms" | sed 's/^/ksym /'
	for m in vfio vfio_pci_core vfio_iommu_type1; do
		if [ -e "/sys/kernel/btf/$m" ]; then echo "btf $m yes"; else echo "btf $m no"; fi
	done
} >/out/smoke.txt
cat /out/smoke.txt

[ "$VT_SETUP_OK" = 1 ] || vt_fail "init setup: $VT_SETUP_ERRORS"
vt_check_eq "edu driver" "$driver" vfio-pci
vt_check "group node ${VT_GROUP_DEV:-/dev/vfio/?} is a char device" test -c "$VT_GROUP_DEV"
vt_check "container node /dev/vfio/vfio" test -c /dev/vfio/vfio
vt_check "module BTF /sys/kernel/btf/vfio_pci_core" test -e /sys/kernel/btf/vfio_pci_core
vt_finish
