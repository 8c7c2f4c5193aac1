// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA mapping: MAP_DMA/UNMAP_DMA on the type1 container, or
 * IOMMU_IOAS_MAP/UNMAP with --iommufd. Both pin every page of the buffer, and
 * the pins are the ground truth for vfio-trace's pin counters, so each map and
 * unmap is cross-checked with the kernel's own accounting in /proc/self/status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "iommufd_uapi.h"
#include "workload.h"

/*
 * A /proc/self/status size in pages: VmLck is mm->locked_vm, where vfio type1
 * accounts its pins; VmPin is mm->pinned_vm, where iommufd accounts them.
 */
static int64_t status_pages(struct wl *w, const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, " %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024 / w->page;
}

static int64_t locked_pages(struct wl *w)
{
	return status_pages(w, "VmLck");
}

static int64_t pinned_vm_pages(struct wl *w)
{
	return status_pages(w, "VmPin");
}

/* -1, as the report's "unknown", when either reading failed. */
static int64_t delta(int64_t from, int64_t to)
{
	return (from < 0 || to < 0) ? -1 : to - from;
}

/* The anonymous memory the device DMAs to and from, faulted in. */
static int dma_buffer(struct wl *w)
{
	void *buf;

	buf = mmap(NULL, w->o->dma_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	if (buf == MAP_FAILED)
		return sys_fail("mmap DMA buffer");
	w->dma_buf = buf;
	memset(buf, 0, w->o->dma_size);
	return 0;
}

static int dma_map_type1(struct wl *w)
{
	const struct opts *o = w->o;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = o->iova,
		.size = o->dma_size,
		.vaddr = (uintptr_t)w->dma_buf,
	};
	int64_t before, after, pin0, pin1;

	before = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return sys_fail("VFIO_IOMMU_MAP_DMA");
	after = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = true;
	w->t.dma_map_bytes = map.size;
	w->t.pages_pinned = map.size / w->page;
	w->t.locked_pinned = delta(before, after);
	w->t.pinvm_pinned = delta(pin0, pin1);
	if (w->t.locked_pinned >= 0 && (uint64_t)w->t.locked_pinned != w->t.pages_pinned)
		anomaly(w, "MAP_DMA of %" PRIu64 " pages raised VmLck by %" PRId64 " pages",
			w->t.pages_pinned, w->t.locked_pinned);
	note("MAP_DMA %" PRIu64 " KiB at IOVA 0x%" PRIx64 ": %" PRIu64 " pages pinned",
	     (uint64_t)map.size >> 10, o->iova, w->t.pages_pinned);
	return 0;
}

static int dma_unmap_type1(struct wl *w)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = w->o->iova,
		.size = w->o->dma_size,
	};
	int64_t before, after, pin0, pin1;

	before = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return sys_fail("VFIO_IOMMU_UNMAP_DMA");
	after = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = false;
	w->t.pages_unpinned = unmap.size / w->page;
	w->t.locked_unpinned = delta(after, before);
	w->t.pinvm_unpinned = delta(pin1, pin0);
	if (w->t.locked_unpinned >= 0 && (uint64_t)w->t.locked_unpinned != w->t.pages_unpinned)
		anomaly(w, "UNMAP_DMA of %" PRIu64 " pages lowered VmLck by %" PRId64 " pages",
			w->t.pages_unpinned, w->t.locked_unpinned);
	note("UNMAP_DMA: %" PRIu64 " pages unpinned", w->t.pages_unpinned);
	return 0;
}

/*
 * IOMMU_IOAS_MAP with a device attached pins every page at once and accounts
 * the pins in do_update_pinned(): always mm->pinned_vm (VmPin), and
 * mm->locked_vm (VmLck) only in the per-process RLIMIT_MEMLOCK mode, which
 * /dev/iommu does not default to (its default charges user->locked_vm).  That
 * default mode also enforces RLIMIT_MEMLOCK with no CAP_IPC_LOCK exemption,
 * so lift the limit first, as a VMM would.
 */
static int dma_map_iommufd(struct wl *w)
{
	const struct opts *o = w->o;
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = w->ioas_id,
		.user_va = (uintptr_t)w->dma_buf,
		.length = o->dma_size,
		.iova = o->iova,
	};
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int64_t lck0, lck1, pin0, pin1;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		note("setrlimit RLIMIT_MEMLOCK: %s (IOMMU_IOAS_MAP may fail)", strerror(errno));
	lck0 = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	w->t.ioas_maps++;
	if (ioctl(w->iommufd, IOMMU_IOAS_MAP, &map) < 0) {
		w->t.ioas_map_errors++;
		return sys_fail("IOMMU_IOAS_MAP %" PRIu64 " bytes at IOVA 0x%" PRIx64, o->dma_size,
				o->iova);
	}
	lck1 = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = true;
	w->t.dma_map_bytes = map.length;
	w->t.pages_pinned = map.length / w->page;
	w->t.locked_pinned = delta(lck0, lck1);
	w->t.pinvm_pinned = delta(pin0, pin1);
	if (w->t.pinvm_pinned >= 0 && (uint64_t)w->t.pinvm_pinned != w->t.pages_pinned)
		anomaly(w, "IOMMU_IOAS_MAP of %" PRIu64 " pages raised VmPin by %" PRId64 " pages",
			w->t.pages_pinned, w->t.pinvm_pinned);
	note("IOMMU_IOAS_MAP %" PRIu64 " KiB at IOVA 0x%" PRIx64 ": %" PRIu64
	     " pages pinned (VmPin +%" PRId64 ", VmLck +%" PRId64 ")",
	     (uint64_t)map.length >> 10, o->iova, w->t.pages_pinned, w->t.pinvm_pinned,
	     w->t.locked_pinned);
	return 0;
}

static int dma_unmap_iommufd(struct wl *w)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = w->ioas_id,
		.iova = w->o->iova,
		.length = w->o->dma_size,
	};
	int64_t lck0, lck1, pin0, pin1;

	lck0 = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->iommufd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		return sys_fail("IOMMU_IOAS_UNMAP");
	lck1 = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = false;
	w->t.ioas_unmaps++;
	/* The kernel returns in length the bytes it unmapped. */
	w->t.pages_unpinned = unmap.length / w->page;
	w->t.locked_unpinned = delta(lck1, lck0);
	w->t.pinvm_unpinned = delta(pin1, pin0);
	if (unmap.length != w->o->dma_size)
		anomaly(w, "IOMMU_IOAS_UNMAP unmapped %" PRIu64 " bytes, %" PRIu64 " were mapped",
			(uint64_t)unmap.length, w->o->dma_size);
	if (w->t.pinvm_unpinned >= 0 && (uint64_t)w->t.pinvm_unpinned != w->t.pages_unpinned)
		anomaly(w,
			"IOMMU_IOAS_UNMAP of %" PRIu64 " pages lowered VmPin by %" PRId64 " pages",
			w->t.pages_unpinned, w->t.pinvm_unpinned);
	note("IOMMU_IOAS_UNMAP: %" PRIu64 " pages unpinned", w->t.pages_unpinned);
	return 0;
}

int dma_map(struct wl *w)
{
	if (dma_buffer(w) < 0)
		return -1;
	return w->o->iommufd ? dma_map_iommufd(w) : dma_map_type1(w);
}

int dma_unmap(struct wl *w)
{
	return w->o->iommufd ? dma_unmap_iommufd(w) : dma_unmap_type1(w);
}
