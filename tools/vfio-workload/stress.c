// SPDX-License-Identifier: GPL-2.0
/*
 * Stress mode (--stress): the memory disable/enable cycles of basic mode
 * replaced by real memory_lock contention, so that vfio-trace's wait and hold
 * histograms see readers and a writer collide. The workers count for
 * themselves; their counts join the ground truth once they are joined.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "workload.h"

static atomic_bool stress_stop;

/*
 * Spin (no syscall, no device access) for @us microseconds.  Under TCG every
 * edu register access takes qemu's big lock; threads that hammer the device
 * back to back starve qemu's own timers and interrupts, and a vCPU can then
 * sit idle for tens of seconds with work queued.  Pausing only after an
 * access that reached the device keeps the SIGBUS, fault and EIO paths (the
 * ones that take memory_lock) running at full speed.
 */
static void pause_us(unsigned long us)
{
	double end;

	if (!us)
		return;
	end = now_ms() + us / 1000.0;
	while (now_ms() < end)
		__builtin_ia32_pause();
}

/* A cache line each: the pread worker bumps its counters in a tight loop. */
struct worker {
	_Alignas(64) pthread_t tid;
	bool started;
	volatile uint32_t *bar; /* touch workers */
	int fd;			/* pread worker */
	uint64_t offset;
	unsigned long pause_us;
	uint64_t touches;
	uint64_t sigbus;
	uint64_t faults;
	uint64_t preads;
	uint64_t reads_ok;
	uint64_t eio;
	int err; /* pread worker: errno of an unexpected failure */
};

static void *touch_worker(void *arg)
{
	struct worker *k = arg;
	uint64_t f0, touches = 0;
	uint32_t v;

	warm_up(); /* keep this thread's stack faults out of its count */
	f0 = thread_faults();

	while (!atomic_load_explicit(&stress_stop, memory_order_relaxed)) {
		touches++;
		if (mmio_access(k->bar + (touches & 1), false, &v) == 0)
			pause_us(k->pause_us);
	}
	k->touches = touches;
	k->sigbus = sigbus_caught();
	k->faults = thread_faults() - f0;
	return NULL;
}

static void *pread_worker(void *arg)
{
	struct worker *k = arg;
	uint32_t v;
	ssize_t n;

	while (!atomic_load_explicit(&stress_stop, memory_order_relaxed)) {
		n = pread(k->fd, &v, sizeof(v), k->offset);
		k->preads++;
		if (n == sizeof(v)) {
			k->reads_ok++;
			pause_us(k->pause_us);
		} else if (n < 0 && errno == EIO) {
			k->eio++;
		} else {
			k->err = n < 0 ? errno : EIO;
			atomic_store(&stress_stop, true);
			break;
		}
	}
	return NULL;
}

/*
 * --reset-ms: VFIO_DEVICE_RESET every reset_ms.  vfio holds memory_lock for
 * writing across the reset, which sleeps (the device's reset delays), so a
 * writer that comes meanwhile cannot spin on a running owner and queues: the
 * contention_begin, or the rwsem slow path, that a flip racing only short
 * read sections hits on some kernels in a few percent of flips, and on
 * others hardly ever (optimistic spinning wins).
 */
struct reset_worker {
	pthread_t tid;
	int fd;
	unsigned long period_ms;
	uint64_t resets;
	int err;
};

static void *reset_worker(void *arg)
{
	struct reset_worker *r = arg;

	while (!atomic_load_explicit(&stress_stop, memory_order_relaxed)) {
		if (ioctl(r->fd, VFIO_DEVICE_RESET) < 0) {
			r->err = errno;
			atomic_store(&stress_stop, true);
			break;
		}
		r->resets++;
		sleep_us(r->period_ms * 1000);
	}
	return NULL;
}

/*
 * One memory bit flip of the stress loop, timed: with readers hammering
 * memory_lock the write side waits, so a flip takes far longer than
 * --toggle-us on some kernels.
 */
static int stress_flip(struct wl *w, bool on)
{
	double t0 = now_ms(), dt;
	int r = set_memory(w, on);

	dt = now_ms() - t0;
	w->t.stress.write_ms_total += dt;
	if (dt > w->t.stress.write_ms_max)
		w->t.stress.write_ms_max = dt;
	return r;
}

/*
 * N threads touch the BAR mapping in a loop, one thread preads BAR0 in a
 * loop, and this thread flips PCI_COMMAND_MEMORY every --toggle-us: real
 * memory_lock contention between the writer (config write + zap) and the
 * readers (fault handler, BAR read).
 */
int stress(struct wl *w)
{
	const struct opts *o = w->o;
	unsigned long n = o->threads + 1, i;
	struct worker *ks;
	struct reset_worker rw = { .fd = w->device, .period_ms = o->reset_ms };
	bool rw_started = false;
	double t0, end;
	int ret = 0, e;

	ks = calloc(n, sizeof(*ks));
	if (!ks)
		return sys_fail("calloc");
	atomic_store(&stress_stop, false);
	for (i = 0; i < n; i++) {
		struct worker *k = &ks[i];
		bool is_pread = i == o->threads;

		k->bar = (volatile uint32_t *)w->bar_map;
		k->fd = w->device;
		k->offset = w->bar.offset + EDU_REG_ID;
		k->pause_us = o->pause_us;
		e = pthread_create(&k->tid, NULL, is_pread ? pread_worker : touch_worker, k);
		if (e) {
			errno = e;
			ret = sys_fail("pthread_create");
			break;
		}
		k->started = true;
	}
	if (!ret && o->reset_ms) {
		e = pthread_create(&rw.tid, NULL, reset_worker, &rw);
		if (e) {
			errno = e;
			ret = sys_fail("pthread_create");
		} else {
			rw_started = true;
		}
	}

	t0 = now_ms();
	end = t0 + o->stress_s * 1000;
	while (!ret && now_ms() < end && !atomic_load(&stress_stop)) {
		if (stress_flip(w, false) < 0) {
			ret = -1;
			break;
		}
		sleep_us(o->toggle_us);
		if (stress_flip(w, true) < 0) {
			ret = -1;
			break;
		}
		w->t.stress.toggles++;
		sleep_us(o->toggle_us);
	}
	w->t.stress.seconds = (now_ms() - t0) / 1000;
	atomic_store(&stress_stop, true);

	for (i = 0; i < n; i++) {
		struct worker *k = &ks[i];

		if (!k->started)
			continue;
		pthread_join(k->tid, NULL);
		w->t.stress.touches += k->touches;
		w->t.stress.sigbus += k->sigbus;
		w->t.stress.faults += k->faults;
		w->t.stress.preads += k->preads;
		w->t.stress.eio += k->eio;
		w->t.bar_reads_ok += k->reads_ok;
		if (k->err && !ret) {
			errno = k->err;
			ret = sys_fail("pread BAR0 (stress)");
		}
	}
	free(ks);
	if (rw_started) {
		pthread_join(rw.tid, NULL);
		w->t.stress.resets = rw.resets;
		if (rw.err && !ret) {
			errno = rw.err;
			ret = sys_fail("VFIO_DEVICE_RESET (stress)");
		}
	}

	/* The workers' counts join the top-level ones (SIGBUS: in main()). */
	w->t.touches += w->t.stress.touches;
	w->t.preads += w->t.stress.preads;
	w->t.eio += w->t.stress.eio;
	/* Each reset zaps the BAR mapping once, like basic mode's. */
	w->t.resets += w->t.stress.resets;
	w->t.zaps += w->t.stress.resets;
	/* Whether the next touch faults depends on which thread touched last. */
	w->populated = false;
	w->model_known = false;

	if (ret == 0 && w->mem_disabled)
		ret = set_memory(w, true);
	note("stress: %.2f s, %" PRIu64 " toggles, %" PRIu64 " touches, %" PRIu64
	     " SIGBUS, %" PRIu64 " preads, %" PRIu64 " EIO, %" PRIu64
	     " resets; PCI_COMMAND writes took up to %.1f ms",
	     w->t.stress.seconds, w->t.stress.toggles, w->t.stress.touches, w->t.stress.sigbus,
	     w->t.stress.preads, w->t.stress.eio, w->t.stress.resets, w->t.stress.write_ms_max);
	return ret;
}
