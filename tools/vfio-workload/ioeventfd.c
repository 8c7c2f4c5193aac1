// SPDX-License-Identifier: GPL-2.0
/*
 * The ioeventfd phase (--ioeventfds): vfio writes to the BAR on the guest's
 * behalf, from the eventfd's wakeup, and must drop those writes while memory
 * is disabled exactly as it fails the process's own accesses. vfio-trace
 * counts each drop, so each write is counted here only once the kernel has
 * provably handled it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "workload.h"

/*
 * VFIO_DEVICE_IOEVENTFD for a 4-byte write of IOEVENTFD_DATA to IOEVENTFD_REG of BAR0,
 * or (fd -1) its removal; the kernel matches the removal on BAR, offset,
 * size and data.
 */
static int ioeventfd_set(struct wl *w, int fd)
{
	struct vfio_device_ioeventfd ie = {
		.argsz = sizeof(ie),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = w->bar.offset + IOEVENTFD_REG,
		.data = IOEVENTFD_DATA,
		.fd = fd,
	};

	if (ioctl(w->device, VFIO_DEVICE_IOEVENTFD, &ie) < 0)
		return sys_fail("VFIO_DEVICE_IOEVENTFD %s", fd < 0 ? "(remove)" : "(add)");
	return 0;
}

/*
 * One eventfd write, counted only once the kernel has processed it.
 *
 * eventfd's write() adds to the counter and, with the counter lock held,
 * wakes the waiters synchronously.  vfio's virqfd is the only waiter: its
 * wakeup callback first drains the counter (eventfd_ctx_do_read) and then
 * calls vfio_pci_ioeventfd_handler(), all before write() returns.  So once
 * write() returns, a non-blocking read() that finds the counter empty proves
 * the handler ran for this write, and for this write alone: writes never
 * pile up into one handler call.  A counter still holding the value means
 * nobody consumed it: that write is not counted, and it is an anomaly.
 *
 * The handler drops the write or does it inline.  Only when memory_lock is
 * contended does it defer to vfio_pci_ioeventfd_thread() on a workqueue,
 * where two writes could merge into one work item; nothing contends here
 * (this thread is the only user of the device), and the caller spaces writes
 * with memory off by IOEVENTFD_GAP_US anyway, and polls the register after
 * each write with memory on.  Both functions are where vfio-trace counts a
 * drop, so either path counts once per write.
 */
static int ioeventfd_kick(struct wl *w, uint64_t *counter)
{
	uint64_t one = 1, left;
	ssize_t n;

	n = write(w->efd, &one, sizeof(one));
	if (n != sizeof(one))
		return io_fail("write eventfd", n, sizeof(one));
	n = read(w->efd, &left, sizeof(left));
	if (n < 0 && errno == EAGAIN) {
		(*counter)++;
		return 0;
	}
	if (n != sizeof(left))
		return io_fail("read eventfd", n, sizeof(left));
	w->t.ioeventfd.undrained++;
	anomaly(w,
		"eventfd still held %" PRIu64 " after write(): vfio's ioeventfd handler "
		"did not consume it",
		left);
	return 0;
}

/* Write @v to the ioeventfd's register through the mmap, and check it took. */
static int ioeventfd_sentinel(struct wl *w, uint32_t v)
{
	uint32_t r = v;

	if (edu_reg(w, IOEVENTFD_REG, true, &r) < 0 || edu_reg(w, IOEVENTFD_REG, false, &r) < 0)
		return -1;
	if (r != ~v)
		anomaly(w,
			"edu liveness register reads 0x%08x after writing 0x%08x "
			"(expected 0x%08x)",
			r, v, ~v);
	return 0;
}

/*
 * --ioeventfd-busy: a write while memory_lock is held for writing. A thread
 * resets the device: vfio takes memory_lock for writing first thing in
 * VFIO_DEVICE_RESET and holds it across the reset, which sleeps through the
 * PCI reset's delays (about 12 ms on the test bed). This one waits until
 * /proc shows that thread asleep with the ioctl not yet returned (so inside
 * the lock: nothing before the lock sleeps uncontended), signals the
 * eventfd, and counts the write as deferred only if the ioctl had still not
 * returned when write() did: the handler ran inside write(), failed its read
 * trylock, and left the write to vfio_pci_ioeventfd_thread(), which does it
 * when the reset ends. A reset that returns before it is seen asleep is
 * tried again, up to BUSY_TRIES times. A fixed 50 ms wait, the first
 * version, was longer than the whole reset on every kernel.
 *
 * Both threads run on one CPU meanwhile, so this one runs as soon as the
 * reset first sleeps, and the reset cannot finish on another vCPU between
 * the kick and the check: without that, one write in six on single-threaded
 * TCG was deferred (vfio-trace saw it) but counted uncertain here.
 */
#define BUSY_TRIES 20

struct busy_reset {
	pthread_t thread;
	int fd;
	atomic_int tid;	  /* the thread's, for /proc */
	atomic_int state; /* 0 not yet, 1 calling the ioctl, 2 returned */
	int err;
};

static void *busy_reset_thread(void *arg)
{
	struct busy_reset *r = arg;

	atomic_store(&r->tid, (int)gettid());
	atomic_store(&r->state, 1);
	if (ioctl(r->fd, VFIO_DEVICE_RESET) < 0)
		r->err = errno;
	atomic_store(&r->state, 2);
	return NULL;
}

/* Whether task @tid of this process is asleep (S or D in its stat). */
static bool task_asleep(int tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the comm may hold anything but this */
	return p && p[1] == ' ' && (p[2] == 'S' || p[2] == 'D');
}

/* One reset with a kick inside it if it is seen asleep in time: 1 if the
 * kick was made, 0 if the reset was over first, -1 on failure. */
static int ioeventfd_busy_try(struct wl *w)
{
	struct busy_reset r = { .fd = w->device };
	uint64_t sent = w->t.ioeventfd.busy_sent;
	cpu_set_t all, one;
	bool inside = false;
	int e, cpu, ret = 0;

	if (sched_getaffinity(0, sizeof(all), &all) < 0)
		return sys_fail("sched_getaffinity");
	cpu = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return sys_fail("sched_setaffinity");
	/* The thread inherits its creator's affinity. */
	e = pthread_create(&r.thread, NULL, busy_reset_thread, &r);
	if (e) {
		sched_setaffinity(0, sizeof(all), &all);
		errno = e;
		return sys_fail("pthread_create");
	}
	while (atomic_load(&r.state) == 0)
		sched_yield();
	while (atomic_load(&r.state) == 1 && !inside)
		inside = task_asleep(atomic_load(&r.tid)) && atomic_load(&r.state) == 1;
	if (inside) {
		ret = ioeventfd_kick(w, &w->t.ioeventfd.busy_sent);
		if (!ret && w->t.ioeventfd.busy_sent > sent && atomic_load(&r.state) == 1)
			w->t.ioeventfd.deferred++;
	}
	pthread_join(r.thread, NULL);
	if (sched_setaffinity(0, sizeof(all), &all) < 0)
		return sys_fail("sched_setaffinity");
	if (r.err) {
		errno = r.err;
		return sys_fail("VFIO_DEVICE_RESET (--ioeventfd-busy)");
	}
	w->t.resets++;
	zapped(w);
	return ret < 0 ? -1 : inside;
}

static int ioeventfd_busy_one(struct wl *w)
{
	for (int i = 0; i < BUSY_TRIES; i++) {
		int r = ioeventfd_busy_try(w);

		if (r)
			return r < 0 ? -1 : 0;
	}
	anomaly(w, "--ioeventfd-busy: %d resets all returned before one was seen asleep",
		BUSY_TRIES);
	return 0;
}

/*
 * The ioeventfd phase: register one on edu's liveness register, signal it N
 * times with PCI_COMMAND.MEMORY clear (vfio drops each write), N times with
 * it set (each write reaches the device, checked by reading it back), and
 * remove it.
 */
int ioeventfds(struct wl *w)
{
	unsigned long i, n = w->o->ioeventfds;
	uint32_t v;
	double deadline;
	bool late;

	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0)
		return sys_fail("eventfd");
	if (ioeventfd_set(w, w->efd) < 0)
		return -1;
	w->t.ioeventfd.registered = true;
	if (w->o->ioeventfd_idle_ms)
		sleep_us(w->o->ioeventfd_idle_ms * 1000);

	/* With memory off: every write is dropped, the sentinel stays. */
	if (ioeventfd_sentinel(w, IOEVENTFD_SENTINEL) < 0 || set_memory(w, false) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (i)
			sleep_us(IOEVENTFD_GAP_US);
		if (ioeventfd_kick(w, &w->t.ioeventfd_writes_disabled) < 0)
			return -1;
	}
	/* Let a deferred write, were there one, run before memory is back. */
	sleep_us(IOEVENTFD_GAP_US);
	if (set_memory(w, true) < 0 || edu_reg(w, IOEVENTFD_REG, false, &v) < 0)
		return -1;
	w->t.ioeventfd.disabled_kept = v == ~IOEVENTFD_SENTINEL;
	if (!w->t.ioeventfd.disabled_kept)
		anomaly(w,
			"an ioeventfd write reached edu while memory was disabled "
			"(liveness reads 0x%08x, expected 0x%08x)",
			v, ~IOEVENTFD_SENTINEL);

	/* With memory on: each write lands; wait until it shows. */
	for (i = 0; i < n; i++) {
		uint64_t before = w->t.ioeventfd_writes_enabled;

		if (ioeventfd_sentinel(w, IOEVENTFD_SENTINEL + 1 + (uint32_t)i) < 0 ||
		    ioeventfd_kick(w, &w->t.ioeventfd_writes_enabled) < 0)
			return -1;
		if (w->t.ioeventfd_writes_enabled == before)
			continue; /* not consumed: already an anomaly */
		/* Inline in the handler, it has landed by now; deferred, soon. */
		deadline = now_ms() + IOEVENTFD_LAND_MS;
		for (late = false;; late = true) {
			if (edu_reg(w, IOEVENTFD_REG, false, &v) < 0)
				return -1;
			if (v == ~IOEVENTFD_DATA) {
				w->t.ioeventfd.landed++;
				w->t.ioeventfd.landed_late += late;
				break;
			}
			if (now_ms() > deadline) {
				anomaly(w,
					"ioeventfd write %lu with memory enabled never reached "
					"edu (liveness reads 0x%08x)",
					i, v);
				break;
			}
			sleep_us(1000);
		}
	}

	for (i = 0; i < w->o->ioeventfd_busy; i++)
		if (ioeventfd_busy_one(w) < 0)
			return -1;

	if (ioeventfd_set(w, -1) < 0)
		return -1;
	w->t.ioeventfd.unregistered = true;
	close(w->efd);
	w->efd = -1;
	note("ioeventfd: %" PRIu64 " writes dropped with memory disabled, %" PRIu64
	     " written with it enabled (%" PRIu64 " seen in the register)",
	     w->t.ioeventfd_writes_disabled, w->t.ioeventfd_writes_enabled, w->t.ioeventfd.landed);
	return 0;
}
