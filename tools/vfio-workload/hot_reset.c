// SPDX-License-Identifier: GPL-2.0
/*
 * --hot-resets: VFIO_DEVICE_PCI_HOT_RESET, the bus reset QEMU issues for a
 * device without FLR when its whole bus is the user's. An edu of the test
 * bed sits alone behind its own root port, so the set to reset is that one
 * device; the two functions of run-vm --edu-pair share a bus and a group,
 * so the set is both. Either way the call passes the one group. vfio takes
 * memory_lock with a trylock for each device of the set and zaps its BARs;
 * a reader in the lock makes the call fail with -EBUSY, which is counted,
 * not an error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/vfio.h>
#include "workload.h"

/*
 * --hot-reset-readers: threads that pread BAR0 back to back while the resets
 * run. vfio takes memory_lock for reading around each device access of a
 * pread, so a reset that comes meanwhile finds it in use and fails with
 * EBUSY: the case vfio-trace's trylock explainer must count and name (comm
 * wl-busy-reader, path bar_rw). Memory stays on throughout, so every pread
 * must read; one that fails is an error.
 *
 * With --hot-reset-reader-bdf they pread another device of the set instead
 * (opened from the same group): the reset, called on this device, then finds
 * that device's memory_lock in use.
 *
 * Each pread is BUSY_READ_BYTES past edu's registers (it answers ~0 there,
 * with no side effect): a few hundred accesses, so the reader spends most of
 * its time inside the lock. A 4-byte pread left it inside so little of the
 * time that on 5.15 with kprobes, whose traps all land outside the lock, 20
 * resets in CI found it there none of the times.
 */
#define HOT_RESET_SET_MAX 8
#define BUSY_READ_OFFSET 0x100
#define BUSY_READ_BYTES 1024
struct busy_reader {
	pthread_t tid;
	bool started;
	int fd;
	uint64_t offset;
	uint64_t preads;
	int err;
};

static atomic_bool readers_stop;

static void *busy_reader(void *arg)
{
	struct busy_reader *r = arg;
	uint8_t buf[BUSY_READ_BYTES];
	ssize_t n;

	prctl(PR_SET_NAME, "wl-busy-reader");
	while (!atomic_load_explicit(&readers_stop, memory_order_relaxed)) {
		n = pread(r->fd, buf, sizeof(buf), (off_t)r->offset);
		if (n != (ssize_t)sizeof(buf)) {
			r->err = n < 0 ? errno : EIO;
			break;
		}
		r->preads++;
	}
	return NULL;
}

/* The device the readers pread (@fd, its BAR0 region at @bar0): this one,
 * or the other device of the set that --hot-reset-reader-bdf names, opened
 * here (*@other, to close). */
static int readers_target(struct wl *w, int *fd, uint64_t *bar0, int *other)
{
	const char *bdf = w->o->hot_reset_reader_bdf;
	struct vfio_region_info ri;

	*other = -1;
	*fd = w->device;
	*bar0 = w->bar.offset;
	if (!bdf)
		return 0;
	*other = ioctl(w->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (*other < 0)
		return sys_fail("VFIO_GROUP_GET_DEVICE_FD %s (--hot-reset-reader-bdf)", bdf);
	if (region_info(*other, VFIO_PCI_BAR0_REGION_INDEX, &ri) < 0)
		return -1;
	if (ri.size < BUSY_READ_OFFSET + BUSY_READ_BYTES ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_READ))
		return msg_fail("--hot-reset-reader-bdf %s: BAR0 cannot be read there", bdf);
	*fd = *other;
	*bar0 = ri.offset;
	return 0;
}

static int readers_start(struct busy_reader *rs, unsigned long n, int fd, uint64_t bar0)
{
	atomic_store(&readers_stop, false);
	for (unsigned long i = 0; i < n; i++) {
		int e;

		rs[i].fd = fd;
		rs[i].offset = bar0 + BUSY_READ_OFFSET;
		e = pthread_create(&rs[i].tid, NULL, busy_reader, &rs[i]);
		if (e) {
			errno = e;
			return sys_fail("pthread_create");
		}
		rs[i].started = true;
	}
	return 0;
}

static int readers_stop_join(struct wl *w, struct busy_reader *rs, unsigned long n)
{
	int ret = 0;

	atomic_store(&readers_stop, true);
	for (unsigned long i = 0; i < n; i++) {
		if (!rs[i].started)
			continue;
		pthread_join(rs[i].tid, NULL);
		w->t.hot_reset_preads += rs[i].preads;
		if (rs[i].err && !ret) {
			errno = rs[i].err;
			ret = sys_fail("pread BAR0 (--hot-reset-readers)");
		}
	}
	return ret;
}

/* The devices the reset would reach (t.hot_reset_set): all in this
 * device's group, the only one the call passes, or the test bed is not what
 * this step assumes. */
static int hot_reset_set(struct wl *w)
{
	size_t len = sizeof(struct vfio_pci_hot_reset_info) +
		     HOT_RESET_SET_MAX * sizeof(struct vfio_pci_dependent_device);
	struct vfio_pci_hot_reset_info *info = calloc(1, len);
	int r = 0;

	if (!info)
		return msg_fail("out of memory");
	info->argsz = (uint32_t)len;
	if (ioctl(w->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info) < 0) {
		r = sys_fail("VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
	} else if (info->count < 1 || info->count > HOT_RESET_SET_MAX) {
		r = msg_fail("--hot-resets: the bus reset would reach %u devices (1 to %d here)",
			     info->count, HOT_RESET_SET_MAX);
	} else {
		for (uint32_t i = 1; i < info->count && !r; i++)
			if (info->devices[i].group_id != info->devices[0].group_id)
				r = msg_fail(
					"--hot-resets: the bus reset would reach groups %u and %u; "
					"only one is passed",
					info->devices[0].group_id, info->devices[i].group_id);
		w->t.hot_reset_set = info->count;
	}
	free(info);
	return r;
}

static int hot_reset_loop(struct wl *w)
{
	struct {
		struct vfio_pci_hot_reset head;
		int32_t fd;
	} req;
	unsigned long i;

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
		zapped(w);
		if (touch_enabled(w, 1, "after VFIO_DEVICE_PCI_HOT_RESET") < 0)
			return -1;
	}
	return 0;
}

int hot_resets(struct wl *w)
{
	unsigned long n = w->o->hot_reset_readers;
	struct busy_reader *rs = NULL;
	int ret, fd, other;
	uint64_t bar0;

	if (!w->o->hot_resets)
		return 0;
	if (w->o->iommufd)
		return msg_fail("--hot-resets needs the group (not --iommufd)");
	if (hot_reset_set(w) < 0)
		return -1;
	ret = readers_target(w, &fd, &bar0, &other);
	if (!ret && n && !(rs = calloc(n, sizeof(*rs))))
		ret = sys_fail("calloc");
	if (!ret)
		ret = readers_start(rs, n, fd, bar0);
	if (!ret)
		ret = hot_reset_loop(w);
	if (rs && readers_stop_join(w, rs, n) < 0)
		ret = -1;
	free(rs);
	if (other >= 0)
		close(other);
	return ret;
}
