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

/* The probe report is written when the snapshot has one. */
int render_prom(FILE *f, const struct vt_snapshot *cumulative);
/* The same text, built in a buffer of @buffer bytes (render_prom(): 64 KiB)
 * before it goes to @f: the unit tests try the buffer's edges with small ones. */
int render_prom_buffered(FILE *f, const struct vt_snapshot *cumulative, size_t buffer);

/* render_prom() in the shape textfile_write() takes: arg is the snapshot. */
int render_prom_cb(FILE *f, void *arg);

#endif
