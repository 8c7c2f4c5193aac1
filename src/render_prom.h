/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus renderer: text exposition (version 0.0.4) of a cumulative
 * snapshot, for the node_exporter textfile collector. It never reads the
 * kernel. Returns 0, -EINVAL for bad arguments, -ENOMEM, or the first failed
 * write's -errno (-ENOSPC on a full disk; -EIO when the stream says only that
 * a write failed).
 */
#ifndef VT_RENDER_PROM_H
#define VT_RENDER_PROM_H

#include <stdio.h>
#include "snapshot.h"

/*
 * Which series a device gets. In full (the default), each latency histogram
 * is 16 series a device (and mode, path), and faults are counted by BAR and
 * result: 227 of a busy device's 238 lines. A host with hundreds of devices
 * asks for compact series: the histograms summed over its devices, faults per
 * device by result alone; every other counter stays per device as it is, and
 * the text and JSON summaries keep every device's histograms either way. That
 * is a sixth of the series for the Prometheus server to keep, and of the
 * textfile to write every interval (bench/frontend-scale).
 */
enum prom_series {
	PROM_SERIES_FULL,
	PROM_SERIES_COMPACT,
};

struct prom_options {
	enum prom_series series;
	/* Bytes built before they go to the stream; 0: 64 KiB. The unit tests
	 * try the buffer's edges with small ones. */
	size_t buffer;
};

/* The probe report is written when the snapshot has one. */
int render_prom(FILE *f, const struct vt_snapshot *cumulative);
/* The same with @opts; NULL: the defaults. */
int render_prom_with(FILE *f, const struct vt_snapshot *cumulative,
		     const struct prom_options *opts);

/* render_prom_with() in the shape textfile_write() takes: arg is a job. */
struct prom_job {
	const struct vt_snapshot *snapshot;
	const struct prom_options *options;
};
int render_prom_cb(FILE *f, void *arg);

#endif
