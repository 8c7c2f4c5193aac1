// SPDX-License-Identifier: GPL-2.0
/*
 * Driving edu itself: its registers through the BAR mapping, and the DMA
 * round trip that proves the IOMMU mapping is live (step 8). Register
 * accesses made for this are counted apart from the touches (mmio_ops), which
 * only count what the test asked for.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "workload.h"

int edu_reg(struct wl *w, unsigned off, bool write, uint32_t *v)
{
	w->t.mmio_ops++;
	if (bar_access(w, off, write, v))
		return msg_fail("edu register 0x%x: SIGBUS with memory enabled", off);
	return 0;
}

static int edu_transfer(struct wl *w, uint64_t src, uint64_t dst, uint32_t len, uint32_t cmd)
{
	uint32_t s = (uint32_t)src, d = (uint32_t)dst, c = cmd | EDU_DMA_START;
	double deadline;

	/* A 32-bit write sets the whole 64-bit register; all addresses are < 2^28. */
	if (edu_reg(w, EDU_REG_DMA_SRC, true, &s) < 0 ||
	    edu_reg(w, EDU_REG_DMA_DST, true, &d) < 0 ||
	    edu_reg(w, EDU_REG_DMA_CNT, true, &len) < 0 ||
	    edu_reg(w, EDU_REG_DMA_CMD, true, &c) < 0)
		return -1;
	/* edu runs the transfer from a timer 100 ms (virtual) later. */
	deadline = now_ms() + 10000;
	for (;;) {
		if (edu_reg(w, EDU_REG_DMA_CMD, false, &c) < 0)
			return -1;
		if (!(c & EDU_DMA_START))
			return 0;
		if (now_ms() > deadline)
			return msg_fail("edu DMA 0x%" PRIx64 " -> 0x%" PRIx64
					": timed out (cmd 0x%x)",
					src, dst, c);
		sleep_us(1000);
	}
}

/* Step 8: RAM -> edu -> RAM through the IOMMU, and compare. */
int dma_roundtrips(struct wl *w)
{
	const struct opts *o = w->o;
	uint32_t len = (uint32_t)o->dma_bytes;
	uint64_t dst_off = (o->dma_size / 2) & ~63ULL;
	uint8_t *src = w->dma_buf, *dst = w->dma_buf + dst_off;
	uint16_t cmd;
	unsigned long r;
	uint32_t i;
	bool all_ok = true;

	if (cfg_read16(w, PCI_COMMAND, &cmd, "pread PCI_COMMAND") < 0)
		return -1;
	if (!(cmd & PCI_COMMAND_MASTER) && command_write(w, cmd | PCI_COMMAND_MASTER) < 0)
		return -1;

	for (r = 0; r < o->dma_rounds; r++) {
		for (i = 0; i < len; i++)
			src[i] = (uint8_t)(i * 7 + 0x5a + r * 13) ^ (uint8_t)(i >> 8);
		memset(dst, 0xcc, len);
		atomic_thread_fence(memory_order_seq_cst);
		if (edu_transfer(w, o->iova, EDU_DMA_BUF, len, 0) < 0 ||
		    edu_transfer(w, EDU_DMA_BUF, o->iova + dst_off, len, EDU_DMA_TO_RAM) < 0)
			return -1;
		atomic_thread_fence(memory_order_seq_cst);
		w->t.dma_roundtrips++;
		if (memcmp(src, dst, len) != 0) {
			all_ok = false;
			anomaly(w, "edu DMA round trip %lu: data differs", r);
		}
	}
	w->t.dma_ok = all_ok && w->t.dma_roundtrips > 0;
	note("edu DMA: %" PRIu64 " round trip(s) of %u bytes, %s", w->t.dma_roundtrips, len,
	     w->t.dma_ok ? "data matches" : "DATA MISMATCH");

	/* Put bus mastering back the way it was. */
	if (!(cmd & PCI_COMMAND_MASTER) && command_write(w, cmd) < 0)
		return -1;
	return 0;
}
