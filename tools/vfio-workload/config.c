// SPDX-License-Identifier: GPL-2.0
/*
 * PCI config space through the device fd's config region. PCI_COMMAND writes
 * are where vfio takes memory_lock for writing and zaps the BAR mappings, so
 * each one is counted, and the memory bit's transitions separately.
 */
#include <unistd.h>
#include <linux/pci_regs.h>
#include "workload.h"

int cfg_read16(struct wl *w, unsigned off, uint16_t *v, const char *step)
{
	ssize_t n = pread(w->device, v, sizeof(*v), w->cfg.offset + off);

	if (n != sizeof(*v))
		return io_fail(step, n, sizeof(*v));
	w->t.config_reads++;
	return 0;
}

int command_write(struct wl *w, uint16_t v)
{
	ssize_t n = pwrite(w->device, &v, sizeof(v), w->cfg.offset + PCI_COMMAND);

	if (n != sizeof(v))
		return io_fail("pwrite PCI_COMMAND", n, sizeof(v));
	w->t.command_writes++;
	return 0;
}

/*
 * Clear or set PCI_COMMAND_MEMORY.  Clearing it makes vfio zap every BAR
 * mapping under memory_lock (write); from then on faults get SIGBUS and
 * BAR reads/writes get EIO until it is set again.
 */
int set_memory(struct wl *w, bool on)
{
	uint16_t v = on ? (w->cmd | PCI_COMMAND_MEMORY) : (w->cmd & ~PCI_COMMAND_MEMORY);

	if (command_write(w, v) < 0)
		return -1;
	if (!on) {
		w->t.memory_disables++;
		zapped(w);
		w->mem_disabled = true;
	} else if (w->mem_disabled) {
		w->t.memory_enables++;
		w->mem_disabled = false;
	}
	return 0;
}
