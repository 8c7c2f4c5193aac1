// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bench-vfio: tight loops over one vfio-pci path of a device (qemu's edu in
 * the test bed), timed with CLOCK_MONOTONIC. Under qemu's -icount shift=0 guest
 * time is the count of instructions executed, so the same figure reads as
 * instructions there.
 *
 *   vt-bench-vfio -b BDF [-g GROUP] [-w WARMUP] pread N
 *       N 4-byte pread()s of BAR0 through the device fd: vfio_pci_bar_rw()
 *       and its read hold of memory_lock, once each.
 *   ... fault N
 *       N times: mmap one page of BAR0, load from it, munmap: one
 *       vfio_pci_mmap_fault() (one vm_ops fault of a 4 KiB VMA) each.
 *   ... zap N
 *       N times: clear PCI_COMMAND.MEMORY and set it again through config
 *       space, then load from a BAR0 mapping: two config writes, one zap of
 *       the mapping under the write lock, one refault.
 *   ... eio SECONDS THREADS
 *       memory disabled, THREADS threads pread() BAR0 for SECONDS (each gets
 *       -EIO, and vfio-trace one event), then memory enabled again.
 *
 * Prints one line, "mode=M n=OPS ns=ELAPSED per_op_ns=X" (eio adds errors=),
 * and exits 0; 1 when a VFIO step fails (one line on stderr says which);
 * 2 on a bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define EDU_ID 0x010000edu /* edu's register 0: its identification */
#define PAGE 4096

struct dev {
	int container, group, fd;
	struct vfio_region_info bar, cfg;
	uint16_t command;
};

static int fail(const char *what)
{
	fprintf(stderr, "vt-bench-vfio: %s: %s\n", what, strerror(errno));
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The group of a PCI device is the name its iommu_group link points at. */
static int group_of(const char *bdf, char *path, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	char *base;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail(link);
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(path, len, "/dev/vfio/%.32s", base ? base + 1 : target);
	return 0;
}

static int region(struct dev *d, unsigned int index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return fail("VFIO_DEVICE_GET_REGION_INFO");
	return 0;
}

/* Container, group, type1 IOMMU, device fd: the minimum before BAR access. */
static int open_device(struct dev *d, const char *bdf, const char *group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return fail("open /dev/vfio/vfio");
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return fail("VFIO_GET_API_VERSION");
	d->group = open(group, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return fail(group);
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return fail("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail("group not viable");
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0)
		return fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return fail("VFIO_SET_IOMMU");
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		return fail("VFIO_GROUP_GET_DEVICE_FD");
	if (region(d, VFIO_PCI_BAR0_REGION_INDEX, &d->bar) ||
	    region(d, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg))
		return -1;
	if (!(d->bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || d->bar.size < PAGE) {
		errno = ENOTSUP;
		return fail("BAR0 cannot be mmapped");
	}
	if (pread(d->fd, &d->command, 2, d->cfg.offset + PCI_COMMAND) != 2)
		return fail("pread PCI_COMMAND");
	return 0;
}

static int set_command(struct dev *d, uint16_t cmd)
{
	if (pwrite(d->fd, &cmd, 2, d->cfg.offset + PCI_COMMAND) != 2)
		return fail("pwrite PCI_COMMAND");
	return 0;
}

static int bar_read(struct dev *d)
{
	uint32_t v;

	if (pread(d->fd, &v, 4, d->bar.offset) != 4)
		return fail("pread BAR0");
	return 0;
}

static int map_touch_unmap(struct dev *d)
{
	volatile uint32_t *p;
	uint32_t v;

	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d->fd, (off_t)d->bar.offset);
	if (p == MAP_FAILED)
		return fail("mmap BAR0");
	v = *p;
	munmap((void *)p, PAGE);
	if (v != EDU_ID) {
		fprintf(stderr, "vt-bench-vfio: BAR0 reads 0x%08x, not edu's 0x%08x\n", v, EDU_ID);
		return -1;
	}
	return 0;
}

static int zap_refault(struct dev *d, volatile uint32_t *map)
{
	uint32_t v;

	if (set_command(d, d->command & ~PCI_COMMAND_MEMORY) ||
	    set_command(d, d->command | PCI_COMMAND_MEMORY))
		return -1;
	v = *map;
	if (v != EDU_ID) {
		fprintf(stderr, "vt-bench-vfio: BAR0 reads 0x%08x after the zap\n", v);
		return -1;
	}
	return 0;
}

struct storm {
	struct dev *d;
	volatile int *stop;
	uint64_t eio, errors;
};

static void *eio_thread(void *arg)
{
	struct storm *s = arg;
	uint32_t v;

	while (!*s->stop) {
		if (pread(s->d->fd, &v, 4, s->d->bar.offset) < 0 && errno == EIO)
			s->eio++;
		else
			s->errors++;
	}
	return NULL;
}

static int eio_storm(struct dev *d, double seconds, int threads)
{
	struct storm s[64] = {};
	pthread_t tid[64];
	volatile int stop = 0;
	uint64_t t0, t1, eio = 0, errors = 0;
	struct timespec len = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	int i;

	if (set_command(d, d->command & ~PCI_COMMAND_MEMORY))
		return -1;
	t0 = now_ns();
	for (i = 0; i < threads; i++) {
		s[i].d = d;
		s[i].stop = &stop;
		if (pthread_create(&tid[i], NULL, eio_thread, &s[i])) {
			stop = 1;
			threads = i;
			break;
		}
	}
	nanosleep(&len, NULL);
	stop = 1;
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		eio += s[i].eio;
		errors += s[i].errors;
	}
	t1 = now_ns();
	if (set_command(d, d->command | PCI_COMMAND_MEMORY))
		return -1;
	printf("mode=eio n=%" PRIu64 " ns=%" PRIu64 " per_op_ns=%.1f errors=%" PRIu64
	       " threads=%d\n",
	       eio, t1 - t0, eio ? (double)(t1 - t0) / (double)eio : 0.0, errors, threads);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vt-bench-vfio -b BDF [-g /dev/vfio/N] [-w WARMUP] pread|fault|zap N\n"
		"       vt-bench-vfio -b BDF [-g /dev/vfio/N] eio SECONDS THREADS\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *bdf = NULL, *group = NULL, *mode;
	volatile uint32_t *map = NULL;
	unsigned long warmup = 100, n, i;
	struct dev d = {};
	char group_path[PATH_MAX];
	uint64_t t0 = 0, t1;
	int opt, (*op)(struct dev *) = NULL;

	while ((opt = getopt(argc, argv, "b:g:w:")) != -1) {
		switch (opt) {
		case 'b': bdf = optarg; break;
		case 'g': group = optarg; break;
		case 'w': warmup = strtoul(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (!bdf || argc - optind < 2)
		return usage();
	mode = argv[optind];
	if (!group) {
		if (group_of(bdf, group_path, sizeof(group_path)))
			return 1;
		group = group_path;
	}
	if (!strcmp(mode, "eio")) {
		double seconds = strtod(argv[optind + 1], NULL);
		int threads = argc - optind > 2 ? atoi(argv[optind + 2]) : 1;

		if (seconds <= 0 || threads < 1 || threads > 64)
			return usage();
		if (open_device(&d, bdf, group))
			return 1;
		return eio_storm(&d, seconds, threads) ? 1 : 0;
	}
	n = strtoul(argv[optind + 1], NULL, 10);
	if (!n)
		return usage();
	if (!strcmp(mode, "pread"))
		op = bar_read;
	else if (!strcmp(mode, "fault"))
		op = map_touch_unmap;
	else if (strcmp(mode, "zap"))
		return usage();
	if (open_device(&d, bdf, group))
		return 1;
	if (!op) {
		map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d.fd, (off_t)d.bar.offset);
		if (map == MAP_FAILED) {
			fail("mmap BAR0");
			return 1;
		}
	}

	/* Warm up caches and the first-use paths (the BAR's first mmap requests
	 * its region), then time N operations. */
	for (i = 0; i < warmup + n; i++) {
		if (i == warmup)
			t0 = now_ns();
		if (op ? op(&d) : zap_refault(&d, map))
			return 1;
	}
	t1 = now_ns();
	printf("mode=%s n=%lu ns=%" PRIu64 " per_op_ns=%.1f\n", mode, n, t1 - t0,
	       (double)(t1 - t0) / (double)n);
	return 0;
}
