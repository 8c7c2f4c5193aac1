// SPDX-License-Identifier: GPL-2.0
/*
 * Whatever set-up got to, undone in reverse, on success and on every failure
 * path. Memory decoding is device state that outlives the process, so it is
 * turned back on; the rest is released explicitly, as a VMM releases it.
 * Nothing here is counted: the ground truth is complete before it.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include "iommufd_uapi.h"
#include "workload.h"

void cleanup(struct wl *w)
{
	if (w->mem_disabled && w->device >= 0) {
		uint16_t v = w->cmd;

		if (pwrite(w->device, &v, sizeof(v), w->cfg.offset + PCI_COMMAND) == sizeof(v))
			w->mem_disabled = false;
	}
	if (w->efd >= 0) {
		if (w->t.ioeventfd.registered && !w->t.ioeventfd.unregistered && w->device >= 0) {
			struct vfio_device_ioeventfd ie = {
				.argsz = sizeof(ie),
				.flags = VFIO_DEVICE_IOEVENTFD_32,
				.offset = w->bar.offset + IOEVENTFD_REG,
				.data = IOEVENTFD_DATA,
				.fd = -1,
			};

			ioctl(w->device, VFIO_DEVICE_IOEVENTFD, &ie);
		}
		close(w->efd);
		w->efd = -1;
	}
	/* Closing the device would drop the request trigger anyway. */
	if (w->req_efd >= 0) {
		close(w->req_efd);
		w->req_efd = -1;
	}
	if (w->bar_map) {
		munmap((void *)w->bar_map, w->bar_len);
		w->bar_map = NULL;
		sigbus_watch(NULL, 0);
	}
	if (w->dma_mapped && w->iommufd >= 0) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = w->ioas_id,
			.iova = w->o->iova,
			.length = w->o->dma_size,
		};

		ioctl(w->iommufd, IOMMU_IOAS_UNMAP, &unmap);
		w->dma_mapped = false;
	} else if (w->dma_mapped) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = w->o->iova,
			.size = w->o->dma_size,
		};

		ioctl(w->container, VFIO_IOMMU_UNMAP_DMA, &unmap);
		w->dma_mapped = false;
	}
	/* Closing the cdev fd unbinds the device from the iommufd. */
	if (w->device >= 0)
		close(w->device);
	if (w->group >= 0)
		close(w->group);
	if (w->container >= 0)
		close(w->container);
	if (w->iommufd >= 0)
		close(w->iommufd);
	w->device = w->group = w->container = w->iommufd = -1;
	if (w->dma_buf) {
		munmap(w->dma_buf, w->o->dma_size);
		w->dma_buf = NULL;
	}
}
