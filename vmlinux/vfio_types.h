/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vfio module types that the BPF programs read, written by hand.
 *
 * vmlinux BTF has no vfio types: they live in the vfio, vfio_pci_core and
 * vfio_iommu_type1 modules, and each module has its own split BTF. These are CO-RE
 * flavors (the ___vt suffix is dropped when libbpf matches names), so only the
 * fields named here are relocated, by name, against whatever module BTF the
 * running kernel has. Offsets never come from this file: on Debian 6.1
 * memory_lock is at byte 1336 of vfio_pci_core_device, on a 6.12 lockdep kernel
 * at byte 2184. Fields that only some kernels have are read behind
 * bpf_core_field_exists() in bpf/core_fixes.bpf.h.
 */
#ifndef VFIO_TYPES_H
#define VFIO_TYPES_H

#ifndef __VT_CORE
#define __VT_CORE __attribute__((preserve_access_index))
#endif

/* Since 5.15 ("vfio: Provide better generic support for open/release
 * vfio_device_ops"): the devices a reset reaches together, a hot reset's
 * set for vfio-pci. */
struct vfio_device_set___vt {
	struct list_head device_list; /* of vfio_device.dev_set_list */
} __VT_CORE;

struct vfio_device___vt {
	/* Since 6.10 (b7c5e64fecfa "vfio: Create vfio_fs_type with inode per
	 * device"), backported to 6.6.134: every device fd shares this inode's
	 * mapping, and BAR zaps are unmap_mapping_range() on it. */
	struct inode *inode;
	struct vfio_device_set___vt *dev_set; /* since 5.15, as above */
	struct list_head dev_set_list;
} __VT_CORE;

/* struct vfio_pci_core_device, since 5.15 (include/linux/vfio_pci_core.h). */
struct vfio_pci_core_device___vt {
	struct vfio_device___vt vdev;
	struct pci_dev *pdev;
	u8 *vconfig;			/* virtual config space: PCI_COMMAND lives here */
	struct mutex igate;		/* interrupt setup */
	struct mutex vma_lock;		/* up to 6.9: taken before memory_lock in faults */
	struct rw_semaphore memory_lock;
} __VT_CORE;

struct vfio_pci_ioeventfd___vt {
	struct vfio_pci_core_device___vt *vdev;
	int bar;
	loff_t pos;
	bool test_mem;
} __VT_CORE;

#endif /* VFIO_TYPES_H */
