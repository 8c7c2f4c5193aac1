// SPDX-License-Identifier: GPL-2.0
/*
 * vt-mdev-pin: the user side of the vt_pinner fixture (tests/modules/
 * vt_pinner), a test bed helper. It puts the fixture's vfio group in a type1
 * v2 container, maps NPAGE pages of its own memory at IOVA_BASE, opens the
 * device and asks it CALLS times to pin those pages (one vfio_pin_pages()
 * call each, unpinned at once), then BAD times to pin pages at an IOVA no
 * mapping covers, which must fail. It prints its ground truth as JSON:
 *   {"pid":P,"comm":"vt-mdev-pin","calls":C,"pages":N,"errors":E,
 *    "unpin_calls":U,"unpinned_pages":M}
 * where calls and errors count the pin calls made and refused, pages and
 * unpinned_pages the pages pinned and unpinned, unpin_calls the unpin calls.
 *
 * Usage: vt-mdev-pin GROUP DEVICE CALLS NPAGE BAD   (GROUP: /dev/vfio/N)
 * Exits 1 on any error other than the BAD calls' expected refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

/* The fixture's private ioctl (tests/modules/vt_pinner/vt_pinner.c). */
struct vt_pinner_pin {
	uint64_t iova;
	uint32_t npage;
	uint32_t write;
};
#define VT_PINNER_PIN _IOW(';', 250, struct vt_pinner_pin)

#define IOVA_BASE 0x10000000ULL
#define IOVA_UNMAPPED 0x80000000ULL

static int fail(const char *what)
{
	fprintf(stderr, "vt-mdev-pin: %s: %s\n", what, strerror(errno));
	return 1;
}

static int number(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || !*s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long calls, npage, bad, pinned = 0, done = 0, refused = 0;
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vt_pinner_pin pin = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	int container, group, device, ret;
	void *buf;

	if (argc != 6 || number(argv[3], &calls) || number(argv[4], &npage) ||
	    number(argv[5], &bad) || !npage || npage > 512) {
		fprintf(stderr, "usage: vt-mdev-pin GROUP DEVICE CALLS NPAGE(1-512) BAD\n");
		return 2;
	}
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		return fail("/dev/vfio/vfio");
	group = open(argv[1], O_RDWR);
	if (group < 0)
		return fail(argv[1]);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return fail("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail("the group is not viable");
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0)
		return fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return fail("VFIO_SET_IOMMU type1 v2");
	buf = mmap(NULL, npage * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return fail("mmap");
	memset(buf, 0x5a, npage * page);
	map.vaddr = (uintptr_t)buf;
	map.iova = IOVA_BASE;
	map.size = npage * page;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return fail("VFIO_IOMMU_MAP_DMA");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[2]);
	if (device < 0)
		return fail(argv[2]);
	for (unsigned long i = 0; i < calls; i++) {
		pin.iova = IOVA_BASE;
		pin.npage = (uint32_t)npage;
		pin.write = (uint32_t)(i & 1);
		ret = ioctl(device, VT_PINNER_PIN, &pin);
		if (ret < 0)
			return fail("VT_PINNER_PIN");
		if ((unsigned long)ret != npage) {
			fprintf(stderr, "vt-mdev-pin: pinned %d of %lu pages\n", ret, npage);
			return 1;
		}
		pinned += (unsigned long)ret;
		done++;
	}
	for (unsigned long i = 0; i < bad; i++) {
		pin.iova = IOVA_UNMAPPED;
		pin.npage = 1;
		if (ioctl(device, VT_PINNER_PIN, &pin) >= 0) {
			fprintf(stderr, "vt-mdev-pin: a pin at an unmapped IOVA succeeded\n");
			return 1;
		}
		refused++;
	}
	close(device);
	close(group);
	close(container);
	printf("{\"pid\":%d,\"comm\":\"vt-mdev-pin\",\"calls\":%lu,\"pages\":%lu,\"errors\":%lu,"
	       "\"unpin_calls\":%lu,\"unpinned_pages\":%lu}\n",
	       (int)getpid(), done + refused, pinned, refused, done, pinned);
	return 0;
}
