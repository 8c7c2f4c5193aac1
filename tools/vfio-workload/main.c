// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-workload: use a PCI device through the VFIO UAPI the way QEMU or DPDK
 * would, and print what actually happened as one JSON object (the ground
 * truth that vfio-trace's tests compare the tracer's counts against).
 *
 * Every number is counted where it happens, never derived from what was
 * asked for:
 *   - SIGBUS is counted inside the signal handler;
 *   - -EIO is counted from the return value of each pread()/pwrite();
 *   - page faults on the BAR mapping are read from the kernel's own
 *     per-thread fault accounting (getrusage(RUSAGE_THREAD)) around each
 *     access; a simple model of when a fault must happen is kept beside it,
 *     and any disagreement is reported as an anomaly;
 *   - pinned pages come from MAP_DMA/UNMAP_DMA, cross-checked with VmLck
 *     (type1 accounts pinned pages in mm->locked_vm); with --iommufd from
 *     IOMMU_IOAS_MAP/UNMAP, cross-checked with VmPin (iommufd always
 *     accounts in mm->pinned_vm; /dev/iommu's default RLIMIT_MEMLOCK mode
 *     charges the user, not mm->locked_vm, so VmLck does not move);
 *   - ioeventfd writes are counted only once the kernel has consumed them:
 *     see ioeventfd_kick() in ioeventfd.c.
 *
 * Built for qemu's "edu" device (1234:11e8) behind its own pcie-root-port,
 * bound to vfio-pci; see shared/research/vm-testbed.md.
 *
 * This file runs the steps in order and times them; each step lives with its
 * concern in the other files of this directory.
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

int main(int argc, char **argv)
{
	struct opts o;
	struct wl w;
	double t_start, t;
	int rc = EXIT_FAIL;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	log_quiet(o.quiet);

	memset(&w, 0, sizeof(w));
	w.o = &o;
	w.container = w.group = w.device = w.iommufd = w.efd = w.req_efd = -1;
	w.page = sysconf(_SC_PAGESIZE);
	t_start = t = now_ms();

	if (resolve_device(&w) < 0 || install_sigbus() < 0)
		goto out;

	/*
	 * Steps 1-3: container, group, device (or iommufd, IOAS, cdev); regions;
	 * MAP_DMA (or IOMMU_IOAS_MAP).
	 */
	if ((o.iommufd ? iommufd_open(&w) : vfio_open(&w)) < 0 || device_setup(&w) < 0)
		goto out;
	/* As QEMU does when it realizes the device: ready for a hot-unplug. */
	if (o.wait_release_s > 0 && release_setup(&w) < 0)
		goto out;
	if (o.ioeventfds && (w.vendor != EDU_VENDOR || w.devid != EDU_DEVICE)) {
		msg_fail("--ioeventfds writes edu's liveness register; %s is %04x:%04x", w.bdf,
			 w.vendor, w.devid);
		goto out;
	}
	if (dma_map(&w) < 0)
		goto out;
	/* Step 4: mmap BAR0 and touch it. */
	if (bar_mmap(&w) < 0)
		goto out;
	warm_up();
	w.t.ms.setup = now_ms() - t;
	t = now_ms();

	if (touch_enabled(&w, o.touches, "after mmap") < 0)
		goto out;
	/* Step 5: pread BAR0 through the device fd. */
	if (preads_enabled(&w, o.preads) < 0)
		goto out;
	note("%lu touches, %lu preads of BAR0", o.touches, o.preads);

	/* Steps 6-7: memory disable/enable, or the stress phase in its place. */
	if (o.stress_s > 0) {
		w.t.ms.basic = now_ms() - t;
		t = now_ms();
		if (stress(&w) < 0)
			goto out;
		if (touch_enabled(&w, 1, "after stress") < 0)
			goto out;
		w.t.ms.stress = now_ms() - t;
	} else {
		unsigned long i;

		for (i = 0; i < o.toggles; i++)
			if (memory_cycle(&w) < 0)
				goto out;
		note("%lu memory disable/enable cycle(s): %" PRIu64 " SIGBUS, %" PRIu64 " EIO",
		     o.toggles, sigbus_caught(), w.t.eio);
		w.t.ms.basic = now_ms() - t;
	}

	/* Step 7b: ioeventfd writes with memory disabled, then enabled. */
	t = now_ms();
	if (o.ioeventfds && ioeventfds(&w) < 0)
		goto out;
	w.t.ms.ioeventfd = now_ms() - t;

	/* Step 8: edu DMA round trip through the IOMMU. */
	t = now_ms();
	if (!o.no_dma && dma_roundtrips(&w) < 0)
		goto out;
	w.t.ms.dma = now_ms() - t;

	/* Step 8b: D3hot and back. */
	if (d3_cycles(&w) < 0)
		goto out;
	if (o.d3_cycles)
		note("%" PRIu64 " D3hot cycle(s): %" PRIu64 " SIGBUS, %" PRIu64 " EIO in D3hot",
		     w.t.d3.entries, w.t.d3.sigbus, w.t.d3.eio);

	/* Step 8c: runtime PM's low power state and back. */
	if (low_power_cycles(&w) < 0)
		goto out;
	if (o.low_power_cycles)
		note("%" PRIu64 " low power cycle(s): %" PRIu64 " SIGBUS, %" PRIu64 " EIO",
		     w.t.low_power.entries, w.t.low_power.sigbus, w.t.low_power.eio);

	/* Step 9: resets. */
	t = now_ms();
	if (resets(&w) < 0)
		goto out;
	if (o.resets)
		note("%" PRIu64 " VFIO_DEVICE_RESET(s)", w.t.resets);
	if (hot_resets(&w) < 0)
		goto out;
	if (o.hot_resets)
		note("%" PRIu64 " VFIO_DEVICE_PCI_HOT_RESET(s), %" PRIu64 " EBUSY", w.t.hot_resets,
		     w.t.hot_resets_busy);
	w.t.ms.resets = now_ms() - t;

	/* Step 9b: hold the device, idle, so that a tracer starved by the work
	 * (a lockdep kernel under TCG) still finds its owner. */
	if (o.linger_ms)
		sleep_us(o.linger_ms * 1000);

	/* Step 9c: hold the device until vfio asks for it back. */
	if (o.wait_release_s > 0 && release_wait(&w) < 0)
		goto out;

	/* Step 10: UNMAP_DMA. */
	t = now_ms();
	if (dma_unmap(&w) < 0)
		goto out;
	rc = 0;
out:
	/* The main thread's SIGBUS; the workers' were summed in stress(). */
	w.t.sigbus = sigbus_caught() + w.t.stress.sigbus;
	cleanup(&w);
	if (rc != 0)
		return w.unsupported ? EXIT_UNSUPPORTED : rc;
	w.t.ms.teardown = now_ms() - t;
	w.t.ms.total = now_ms() - t_start;

	if (report_emit(&w, o.json_path) < 0)
		return EXIT_FAIL;
	note("done in %.0f ms: %" PRIu64 " touches, %" PRIu64 " faults, %" PRIu64
	     " SIGBUS, %" PRIu64 " EIO, %" PRIu64 " zaps expected%s",
	     w.t.ms.total, w.t.touches, w.t.nopage + w.t.stress.faults, w.t.sigbus, w.t.eio,
	     w.t.zaps, w.t.anomalies ? ", ANOMALIES (see above)" : "");
	return w.t.anomalies ? EXIT_ANOMALY : 0;
}
