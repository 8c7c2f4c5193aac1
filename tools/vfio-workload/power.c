// SPDX-License-Identifier: GPL-2.0
/*
 * --d3-cycles: D3hot through the PM capability's control register, as a
 * guest's driver suspending the device does through QEMU. vfio moves the
 * device itself (vfio_pm_config_write()); since 5.19 it zaps the BAR mappings
 * first and refuses BAR access until D0 (2b2c651baf1c), so a touch gets
 * SIGBUS and a pread EIO. Before it the accesses go through. Either outcome
 * is recorded as it happened, and the zap counted only where the kernel
 * refused: the two come from the same commit.
 *
 * --low-power-cycles: VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY and EXIT (6.1+), as
 * a VMM does when its guest puts the device into D3cold. vfio zaps the BARs
 * and refuses mmap access until the exit; read() and write() wake the device
 * for their access, so a pread is expected to work.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/pci_regs.h>
#include "workload.h"

static int cfg_read8(struct wl *w, unsigned off, uint8_t *v)
{
	ssize_t n = pread(w->device, v, sizeof(*v), w->cfg.offset + off);

	if (n != sizeof(*v))
		return io_fail("pread config", n, sizeof(*v));
	w->t.config_reads++;
	return 0;
}

/* The PM capability's offset in config space, 0 when the device has none. */
static int find_pm_cap(struct wl *w, unsigned *at)
{
	uint16_t status;
	uint8_t pos, id;
	int hops;

	*at = 0;
	if (cfg_read16(w, PCI_STATUS, &status, "pread PCI_STATUS") < 0)
		return -1;
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (cfg_read8(w, PCI_CAPABILITY_LIST, &pos) < 0)
		return -1;
	/* 48 capabilities fit in 192 bytes: more is a loop. */
	for (hops = 0; pos >= 0x40 && hops < 48; hops++) {
		if (cfg_read8(w, pos & ~3u, &id) < 0)
			return -1;
		if (id == PCI_CAP_ID_PM) {
			*at = pos & ~3u;
			return 0;
		}
		if (cfg_read8(w, (pos & ~3u) + 1, &pos) < 0)
			return -1;
	}
	return 0;
}

static int set_power_state(struct wl *w, unsigned pm, uint16_t state)
{
	uint16_t ctrl;
	ssize_t n;

	if (cfg_read16(w, pm + PCI_PM_CTRL, &ctrl, "pread PCI_PM_CTRL") < 0)
		return -1;
	ctrl = (uint16_t)((ctrl & ~PCI_PM_CTRL_STATE_MASK) | state);
	n = pwrite(w->device, &ctrl, sizeof(ctrl), w->cfg.offset + pm + PCI_PM_CTRL);
	if (n != sizeof(ctrl))
		return io_fail("pwrite PCI_PM_CTRL", n, sizeof(ctrl));
	return 0;
}

/* A touch and a pread of BAR0 in a power state, counted in @p whatever
 * their outcome; 1 when the touch was refused. */
static int access_in(struct wl *w, struct power_truth *p, const char *state)
{
	uint32_t v;
	ssize_t n;
	int refused;

	w->t.touches++;
	refused = bar_access(w, 0, false, &v) != 0;
	if (refused) {
		p->sigbus++;
		w->populated = false;
	}
	n = pread(w->device, &v, sizeof(v), w->bar.offset);
	w->t.preads++;
	if (n < 0 && errno == EIO) {
		w->t.eio++;
		p->eio++;
	} else if (n != sizeof(v)) {
		return io_fail(state, n, sizeof(v));
	} else {
		w->t.bar_reads_ok++;
	}
	return refused;
}

int d3_cycles(struct wl *w)
{
	unsigned long i;
	unsigned pm;
	int refused;

	if (!w->o->d3_cycles)
		return 0;
	if (find_pm_cap(w, &pm) < 0)
		return -1;
	if (!pm)
		return msg_fail("--d3-cycles: the device has no PM capability (edu has none; "
				"run-vm --e1000e adds one that has)");
	for (i = 0; i < w->o->d3_cycles; i++) {
		if (set_power_state(w, pm, 3) < 0)
			return -1;
		w->t.d3.entries++;
		refused = access_in(w, &w->t.d3, "pread BAR0 in D3hot");
		if (refused < 0)
			return -1;
		w->t.zaps += (uint64_t)refused;
		if (w->t.d3.sigbus != w->t.d3.eio)
			anomaly(w, "in D3hot a touch %s SIGBUS but a pread %s EIO",
				w->t.d3.sigbus > w->t.d3.eio ? "got" : "did not get",
				w->t.d3.sigbus > w->t.d3.eio ? "did not get" : "got");
		if (set_power_state(w, pm, 0) < 0)
			return -1;
		w->t.d3.exits++;
		if (touch_enabled(w, 1, "back in D0") < 0)
			return -1;
	}
	return 0;
}

static int low_power(struct wl *w, bool enter)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET | (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY
							  : VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	if (ioctl(w->device, VFIO_DEVICE_FEATURE, &f) < 0)
		return sys_fail(enter ? "VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY"
				      : "VFIO_DEVICE_FEATURE_LOW_POWER_EXIT");
	return 0;
}

int low_power_cycles(struct wl *w)
{
	unsigned long i;
	int refused;

	for (i = 0; i < w->o->low_power_cycles; i++) {
		if (low_power(w, true) < 0)
			return -1;
		w->t.low_power.entries++;
		zapped(w);
		refused = access_in(w, &w->t.low_power, "pread BAR0 in the low power state");
		if (refused < 0)
			return -1;
		if (!refused)
			anomaly(w, "a BAR0 touch in the low power state did not raise SIGBUS");
		if (low_power(w, false) < 0)
			return -1;
		w->t.low_power.exits++;
		if (touch_enabled(w, 1, "after the low power exit") < 0)
			return -1;
	}
	return 0;
}
