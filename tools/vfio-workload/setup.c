// SPDX-License-Identifier: GPL-2.0
/*
 * Getting to a usable device fd, the two ways a VMM does: the legacy
 * container and group, or (--iommufd) /dev/iommu and the device's cdev. Then
 * the regions this workload needs, and the BAR0 mapping every touch goes to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include "iommufd_uapi.h"
#include "workload.h"

int vfio_open(struct wl *w)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int v;

	w->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (w->container < 0)
		return sys_fail("open /dev/vfio/vfio");
	v = ioctl(w->container, VFIO_GET_API_VERSION);
	if (v < 0)
		return sys_fail("VFIO_GET_API_VERSION");
	if (v != VFIO_API_VERSION)
		return msg_fail("VFIO_GET_API_VERSION: kernel has %d, expected %d", v,
				VFIO_API_VERSION);
	v = ioctl(w->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (v < 0)
		return sys_fail("VFIO_CHECK_EXTENSION");
	if (v == 0)
		return msg_fail("VFIO_CHECK_EXTENSION: no VFIO_TYPE1v2_IOMMU "
				"(is vfio_iommu_type1 loaded?)");

	w->group = open(w->group_path, O_RDWR | O_CLOEXEC);
	if (w->group < 0)
		return sys_fail("open %s", w->group_path);
	if (ioctl(w->group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return sys_fail("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return msg_fail("VFIO_GROUP_GET_STATUS: group %d is not viable "
				"(bind every device in it to vfio-pci)",
				w->group_no);
	if (ioctl(w->group, VFIO_GROUP_SET_CONTAINER, &w->container) < 0)
		return sys_fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(w->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return sys_fail("VFIO_SET_IOMMU");
	w->device = ioctl(w->group, VFIO_GROUP_GET_DEVICE_FD, w->bdf);
	if (w->device < 0)
		return sys_fail("VFIO_GROUP_GET_DEVICE_FD %s", w->bdf);
	return 0;
}

/*
 * The iommufd way (what QEMU does with -object iommufd): an IO address space
 * in /dev/iommu, the device opened through its cdev, bound to the iommufd and
 * attached to the IOAS.  No container, no group fd.
 */
int iommufd_open(struct wl *w)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };

	if (find_cdev(w) < 0)
		return -1;
	w->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (w->iommufd < 0) {
		w->unsupported = errno == ENOENT || errno == ENODEV || errno == ENXIO;
		return sys_fail("--iommufd: open /dev/iommu (iommufd needs Linux 6.2+ with "
				"CONFIG_IOMMUFD, and its module loaded)");
	}
	if (ioctl(w->iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		return sys_fail("IOMMU_IOAS_ALLOC");
	w->ioas_id = alloc.out_ioas_id;

	w->device = open(w->cdev_path, O_RDWR | O_CLOEXEC);
	if (w->device < 0)
		return sys_fail("open %s", w->cdev_path);
	bind.iommufd = w->iommufd;
	if (ioctl(w->device, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0)
		return sys_fail("VFIO_DEVICE_BIND_IOMMUFD %s", w->cdev_path);
	w->iommufd_devid = bind.out_devid;
	attach.pt_id = w->ioas_id;
	if (ioctl(w->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0)
		return sys_fail("VFIO_DEVICE_ATTACH_IOMMUFD_PT (IOAS %u)", w->ioas_id);
	w->hwpt_id = attach.pt_id;
	note("iommufd: IOAS %u, %s bound as device %u, attached (page table %u)", w->ioas_id,
	     w->cdev_path, w->iommufd_devid, w->hwpt_id);
	return 0;
}

int region_info(int device, unsigned index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return sys_fail("VFIO_DEVICE_GET_REGION_INFO %u", index);
	return 0;
}

int device_setup(struct wl *w)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint16_t cmd;

	if (ioctl(w->device, VFIO_DEVICE_GET_INFO, &info) < 0)
		return sys_fail("VFIO_DEVICE_GET_INFO");
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return msg_fail("VFIO_DEVICE_GET_INFO: %s is not a vfio-pci device", w->bdf);
	if (info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		return msg_fail("VFIO_DEVICE_GET_INFO: only %u regions", info.num_regions);
	if (w->o->resets && !(info.flags & VFIO_DEVICE_FLAGS_RESET))
		return msg_fail("VFIO_DEVICE_GET_INFO: %s cannot be reset "
				"(put it behind its own pcie-root-port, or pass --resets 0)",
				w->bdf);

	if (region_info(w->device, VFIO_PCI_BAR0_REGION_INDEX, &w->bar) < 0)
		return -1;
	if (region_info(w->device, VFIO_PCI_CONFIG_REGION_INDEX, &w->cfg) < 0)
		return -1;
	if ((w->bar.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP)) !=
	    (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP))
		return msg_fail("VFIO_DEVICE_GET_REGION_INFO: BAR0 flags 0x%x lack read/write/mmap",
				w->bar.flags);
	if (w->bar.size < (uint64_t)w->page)
		return msg_fail("VFIO_DEVICE_GET_REGION_INFO: BAR0 is only %llu bytes",
				(unsigned long long)w->bar.size);
	note("device %s, %s: %u regions, %u irqs, BAR0 %llu KiB at region offset 0x%llx", w->bdf,
	     w->o->iommufd ? w->cdev_path : w->group_path, info.num_regions, info.num_irqs,
	     (unsigned long long)w->bar.size >> 10, (unsigned long long)w->bar.offset);

	if (cfg_read16(w, PCI_VENDOR_ID, &w->vendor, "pread PCI_VENDOR_ID") < 0 ||
	    cfg_read16(w, PCI_DEVICE_ID, &w->devid, "pread PCI_DEVICE_ID") < 0 ||
	    cfg_read16(w, PCI_COMMAND, &cmd, "pread PCI_COMMAND") < 0)
		return -1;
	if (!w->o->no_dma && (w->vendor != EDU_VENDOR || w->devid != EDU_DEVICE))
		return msg_fail("%s is %04x:%04x, not qemu edu (1234:11e8); pass --no-dma", w->bdf,
				w->vendor, w->devid);
	w->cmd = cmd | PCI_COMMAND_MEMORY;
	w->mem_disabled = !(cmd & PCI_COMMAND_MEMORY);
	note("PCI_COMMAND 0x%04x", cmd);
	if (w->mem_disabled) {
		note("memory decoding is off; enabling it");
		if (set_memory(w, true) < 0)
			return -1;
	}
	return 0;
}

#define PMD_SPAN (2UL << 20)

/* A 2 MiB-aligned address with the whole 2 MiB free and never faulted in:
 * reserve twice that, untouched, and give the reservation back. */
static void *pmd_aligned_hint(void)
{
	void *r = mmap(NULL, 2 * PMD_SPAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	uintptr_t a;

	if (r == MAP_FAILED)
		return NULL;
	munmap(r, 2 * PMD_SPAN);
	a = ((uintptr_t)r + PMD_SPAN - 1) & ~(PMD_SPAN - 1);
	return (void *)a;
}

int bar_mmap(struct wl *w)
{
	void *p, *at = NULL;
	int flags = MAP_SHARED;

	/* Only the first page is ever touched, but map the BAR as QEMU would. */
	w->bar_len = w->bar.size;
	if (w->o->pmd_aligned) {
		if (w->bar_len > PMD_SPAN)
			return msg_fail("--pmd-aligned: BAR0 is larger than 2 MiB");
		at = pmd_aligned_hint();
		if (!at)
			return sys_fail("mmap a 4 MiB reservation");
		/* Not MAP_FIXED: a thread that mapped something there since
		 * must not lose it; a hint not taken is an error. */
		flags |= MAP_FIXED_NOREPLACE;
	}
	p = mmap(at, w->bar_len, PROT_READ | PROT_WRITE, flags, w->device, w->bar.offset);
	if (p == MAP_FAILED)
		return sys_fail("mmap BAR0");
	if (at && p != at) {
		munmap(p, w->bar_len);
		return msg_fail("--pmd-aligned: BAR0 mapped at %p, not at %p", p, at);
	}
	w->bar_map = p;
	w->populated = false;
	w->model_known = true;
	sigbus_watch(p, w->bar_len);
	return 0;
}
