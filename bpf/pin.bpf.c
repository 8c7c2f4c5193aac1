// SPDX-License-Identifier: GPL-2.0
/*
 * type1 VFIO_IOMMU_MAP_DMA pins through vfio_pin_pages_remote(), which returns
 * the pages it pinned (vfio_dma_do_map and vfio_pin_map_dma are inlined on
 * Debian 6.1); UNMAP_DMA unpins through vfio_unpin_pages_remote(dma, iova, pfn,
 * npage, do_accounting). vfio_pin_pages()/vfio_unpin_pages() are the mdev API;
 * npage is their third argument both before and after 6.0 (34a255e67615
 * "vfio: Replace phys_pfn with pages for vfio_pin_pages()").
 * iommufd (6.2+): IOMMU_IOAS_MAP is iommufd_ioas_map(ucmd), which pins (when a
 * domain is attached) and maps; the pages are counted where iommufd accounts
 * them, do_update_pinned() (iopt_pages_update_pinned() since 6.13, 10caa8b45119: same
 * signature; user space sets the target).
 */
#include "pin.bpf.h"

SEC("fentry/vfio_pin_pages_remote")
int BPF_PROG(pin_type1_entry)
{
	return vt_pin_begin(ctx, VT_PIN_TYPE1, true);
}

SEC("fexit/vfio_pin_pages_remote")
int BPF_PROG(pin_type1_exit, void *dma, unsigned long vaddr, long npage, unsigned long *pfn_base,
	     unsigned long limit, void *batch, long ret)
{
	return vt_pin_end(ctx, ret, true);
}

SEC("fentry/vfio_unpin_pages_remote")
int BPF_PROG(unpin_type1, void *dma, dma_addr_t iova, unsigned long pfn, long npage)
{
	return vt_unpin(VT_PIN_TYPE1, npage);
}

SEC("fentry/vfio_pin_pages")
int BPF_PROG(pin_mdev_entry)
{
	return vt_pin_begin(ctx, VT_PIN_MDEV, true);
}

SEC("fexit/vfio_pin_pages")
int BPF_PROG(pin_mdev_exit, void *device, dma_addr_t iova, int npage, int prot, void *pages,
	     int ret)
{
	return vt_pin_end(ctx, ret, true);
}

SEC("fentry/vfio_unpin_pages")
int BPF_PROG(unpin_mdev, void *device, dma_addr_t iova, int npage)
{
	return vt_unpin(VT_PIN_MDEV, npage);
}

SEC("kprobe")
int BPF_KPROBE(pin_type1_entry_kp)
{
	return vt_pin_begin(ctx, VT_PIN_TYPE1, false);
}

SEC("kprobe")
int BPF_KPROBE(pin_mdev_entry_kp)
{
	return vt_pin_begin(ctx, VT_PIN_MDEV, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(pin_exit_kp, long ret)
{
	return vt_pin_end(ctx, ret, false);
}

/* Only for the mdev API, whose return value is an int. */
SEC("kretprobe")
int BPF_KRETPROBE(pin_mdev_exit_kp, int ret)
{
	return vt_pin_end(ctx, ret, false);
}

SEC("kprobe")
int BPF_KPROBE(unpin_type1_kp, void *dma, dma_addr_t iova, unsigned long pfn, long npage)
{
	return vt_unpin(VT_PIN_TYPE1, npage);
}

SEC("kprobe")
int BPF_KPROBE(unpin_mdev_kp, void *device, dma_addr_t iova, int npage)
{
	return vt_unpin(VT_PIN_MDEV, npage);
}

SEC("fentry/iommufd_ioas_map")
int BPF_PROG(pin_iommufd_entry)
{
	return vt_pin_begin(ctx, VT_PIN_IOMMUFD, true);
}

SEC("fexit/iommufd_ioas_map")
int BPF_PROG(pin_iommufd_exit, void *ucmd, int ret)
{
	/* 0 on success: the pages come from do_update_pinned(). */
	return vt_pin_end(ctx, ret < 0 ? ret : 0, true);
}

SEC("fexit/do_update_pinned")
int BPF_PROG(iommufd_pinned, void *pages, unsigned long npages, bool inc, void *user, int ret)
{
	return vt_iommufd_pinned(npages, inc, ret);
}

SEC("kprobe")
int BPF_KPROBE(iommufd_pinned_entry_kp, void *pages, unsigned long npages, bool inc)
{
	return vt_iommufd_pinned_entry(npages, inc);
}

SEC("kretprobe")
int BPF_KRETPROBE(iommufd_pinned_exit_kp, int ret)
{
	return vt_iommufd_pinned_return(ret);
}

SEC("kprobe")
int BPF_KPROBE(pin_iommufd_entry_kp)
{
	return vt_pin_begin(ctx, VT_PIN_IOMMUFD, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(pin_iommufd_exit_kp, int ret)
{
	return vt_pin_end(ctx, ret < 0 ? ret : 0, false);
}
