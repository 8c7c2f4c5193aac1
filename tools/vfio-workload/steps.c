// SPDX-License-Identifier: GPL-2.0
/*
 * The basic-mode steps, from the main thread: BAR0 touches and preads with
 * memory enabled, disable/enable cycles with the accesses that must fail in
 * between, and resets. Each access is counted whatever its outcome; what the
 * outcome should have been is checked, and a surprise is an anomaly.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "workload.h"

/* Touches from the main thread: 32-bit loads of ID (0x0) and liveness (0x4). */
int touch_enabled(struct wl *w, unsigned long n, const char *when)
{
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		unsigned off = (i & 1) ? EDU_REG_LIVENESS : EDU_REG_ID;

		w->t.touches++;
		if (bar_access(w, off, false, &v))
			return msg_fail("BAR0 touch %s: SIGBUS with memory enabled", when);
		if (off == EDU_REG_ID && !w->o->no_dma && v != EDU_ID_VALUE)
			anomaly(w, "edu ID register reads 0x%08x, expected 0x%08x", v,
				EDU_ID_VALUE);
	}
	return 0;
}

static void touch_disabled(struct wl *w, unsigned long n)
{
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		w->t.touches++;
		if (!bar_access(w, EDU_REG_ID, false, &v))
			anomaly(w,
				"BAR0 touch with memory disabled did not raise SIGBUS (read 0x%08x)",
				v);
	}
}

/* BAR0 read through the device fd; *eio set when it failed with EIO. */
static int bar_pread(struct wl *w, unsigned off, uint32_t *v, bool *eio)
{
	ssize_t n = pread(w->device, v, sizeof(*v), w->bar.offset + off);

	w->t.preads++;
	*eio = n < 0 && errno == EIO;
	if (*eio) {
		w->t.eio++;
		return 0;
	}
	if (n != sizeof(*v))
		return io_fail("pread BAR0", n, sizeof(*v));
	w->t.bar_reads_ok++;
	return 0;
}

static int bar_pwrite(struct wl *w, unsigned off, uint32_t v, bool *eio)
{
	ssize_t n = pwrite(w->device, &v, sizeof(v), w->bar.offset + off);

	w->t.pwrites++;
	*eio = n < 0 && errno == EIO;
	if (*eio) {
		w->t.eio++;
		return 0;
	}
	if (n != sizeof(v))
		return io_fail("pwrite BAR0", n, sizeof(v));
	w->t.bar_writes_ok++;
	return 0;
}

int preads_enabled(struct wl *w, unsigned long n)
{
	unsigned long i;
	uint32_t v;
	bool eio;

	for (i = 0; i < n; i++) {
		unsigned off = (i & 1) ? EDU_REG_LIVENESS : EDU_REG_ID;

		if (bar_pread(w, off, &v, &eio) < 0)
			return -1;
		if (eio)
			return msg_fail("pread BAR0: EIO with memory enabled");
		if (off == EDU_REG_ID && !w->o->no_dma && v != EDU_ID_VALUE)
			anomaly(w, "pread of edu ID gives 0x%08x, expected 0x%08x", v,
				EDU_ID_VALUE);
	}
	return 0;
}

/* Steps 6 and 7: one memory disable/enable cycle in the main thread. */
int memory_cycle(struct wl *w)
{
	const struct opts *o = w->o;
	unsigned long i;
	uint32_t v;
	bool eio;

	if (set_memory(w, false) < 0)
		return -1;
	touch_disabled(w, o->disabled_touches);
	for (i = 0; i < o->disabled_preads; i++) {
		if (bar_pread(w, EDU_REG_ID, &v, &eio) < 0)
			return -1;
		if (!eio)
			anomaly(w, "pread BAR0 with memory disabled succeeded (0x%08x)", v);
	}
	for (i = 0; i < o->disabled_pwrites; i++) {
		/* The liveness register: harmless should the write ever land. */
		if (bar_pwrite(w, EDU_REG_LIVENESS, 0x5a5a0000u + (uint32_t)i, &eio) < 0)
			return -1;
		if (!eio)
			anomaly(w, "pwrite BAR0 with memory disabled succeeded");
	}
	if (set_memory(w, true) < 0)
		return -1;
	return touch_enabled(w, 1, "after re-enabling memory");
}

static int reset_once(struct wl *w)
{
	if (ioctl(w->device, VFIO_DEVICE_RESET) < 0)
		return sys_fail("VFIO_DEVICE_RESET");
	w->t.resets++;
	zapped(w);
	return 0;
}

/*
 * --off-resets: a reset while memory is off leaves it off (the reset
 * restores the config space it saved, and vfio's view of the memory bit is
 * the user's), so the accesses after it still fail, and their cause is the
 * config write that turned memory off, not the reset in between.
 */
static int reset_while_off(struct wl *w)
{
	uint32_t v;
	bool eio;

	if (set_memory(w, false) < 0 || reset_once(w) < 0)
		return -1;
	touch_disabled(w, 1);
	if (bar_pread(w, EDU_REG_ID, &v, &eio) < 0)
		return -1;
	if (!eio)
		anomaly(w, "pread BAR0 after a reset with memory disabled succeeded (0x%08x)", v);
	if (set_memory(w, true) < 0)
		return -1;
	return touch_enabled(w, 1, "after re-enabling memory (--off-resets)");
}

/* Step 9: VFIO_DEVICE_RESET zaps the BAR mapping; the next touch faults. */
int resets(struct wl *w)
{
	unsigned long i;

	for (i = 0; i < w->o->resets; i++) {
		if (reset_once(w) < 0 || touch_enabled(w, 1, "after VFIO_DEVICE_RESET") < 0)
			return -1;
	}
	for (i = 0; i < w->o->off_resets; i++)
		if (reset_while_off(w) < 0)
			return -1;
	return 0;
}
