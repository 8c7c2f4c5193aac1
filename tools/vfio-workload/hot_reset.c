// SPDX-License-Identifier: GPL-2.0
/*
 * --hot-resets: VFIO_DEVICE_PCI_HOT_RESET, the bus reset QEMU issues for a
 * device without FLR when its whole bus is the user's. Each edu of the test
 * bed sits alone behind its own root port, so the set to reset is that one
 * device and the call passes its group. vfio takes memory_lock with a
 * trylock for each device of the set and zaps its BARs; a reader in the
 * lock makes the call fail with -EBUSY, which is counted, not an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include "workload.h"

/* The devices the reset would reach: this one alone, or the test bed is
 * not what this step assumes. */
static int hot_reset_set(struct wl *w)
{
	size_t len = sizeof(struct vfio_pci_hot_reset_info) +
		     4 * sizeof(struct vfio_pci_dependent_device);
	struct vfio_pci_hot_reset_info *info = calloc(1, len);
	int r = 0;

	if (!info)
		return msg_fail("out of memory");
	info->argsz = (uint32_t)len;
	if (ioctl(w->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info) < 0)
		r = sys_fail("VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
	else if (info->count != 1)
		r = msg_fail(
			"--hot-resets: the bus reset would reach %u devices, not this one alone",
			info->count);
	free(info);
	return r;
}

int hot_resets(struct wl *w)
{
	struct {
		struct vfio_pci_hot_reset head;
		int32_t fd;
	} req;
	unsigned long i;

	if (!w->o->hot_resets)
		return 0;
	if (w->o->iommufd)
		return msg_fail("--hot-resets needs the group (not --iommufd)");
	if (hot_reset_set(w) < 0)
		return -1;
	for (i = 0; i < w->o->hot_resets; i++) {
		req.head.argsz = sizeof(req);
		req.head.flags = 0;
		req.head.count = 1;
		req.fd = w->group;
		if (ioctl(w->device, VFIO_DEVICE_PCI_HOT_RESET, &req) < 0) {
			if (errno != EBUSY)
				return sys_fail("VFIO_DEVICE_PCI_HOT_RESET");
			w->t.hot_resets_busy++;
			continue;
		}
		w->t.hot_resets++;
		w->t.zaps++;
		w->populated = false;
		if (touch_enabled(w, 1, "after VFIO_DEVICE_PCI_HOT_RESET") < 0)
			return -1;
	}
	return 0;
}
