/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF lifecycle, one place for every command: open the skeleton, set its
 * knobs, choose probes, load, attach; and on the way out detach and free,
 * whatever step failed. What the kernel counted leaves the tracer only as a
 * snapshot (vt_tracer_snapshot) or, for `events`, one ring buffer event at a
 * time. Who the processes are (/proc) is not the tracer's: attribution.h.
 */
#ifndef VT_TRACER_H
#define VT_TRACER_H

#include <stdbool.h>
#include "snapshot.h"

#include "tracer_read.h"

/* 0, or a negative errno after printing one line saying why. */
int vt_tracer_start(struct vt_tracer *t, const struct vt_tracer_config *cfg);
/* No vfio-pci function exists in this kernel: vfio-pci is not loaded. */
bool vt_tracer_no_vfio(const struct vt_tracer *t);
/* Hands ring buffer events to cfg.on_event: waits up to @timeout_ms for a
 * batch, then takes whatever is there. 0, -EINTR or the handler's error. */
int vt_tracer_poll_events(struct vt_tracer *t, int timeout_ms);
/* Takes whatever events are queued, without waiting. */
int vt_tracer_drain_events(struct vt_tracer *t);
/* Attaches what the BPF side asked for since the last call; never blocks.
 * Code that waits by other means calls it at least every 100 ms. */
void vt_tracer_serve(struct vt_tracer *t);
/* Sleeps until the CLOCK_MONOTONIC deadline or a signal, serving the BPF
 * side's requests as they come. */
void vt_tracer_wait_until(struct vt_tracer *t, __u64 deadline_ns);
void vt_tracer_stop(struct vt_tracer *t);
/* What the kernel counted (vt_tracer_read); then, on a live tracer, the
 * entries of processes that have exited leave the maps. 0 or -errno. */
int vt_tracer_snapshot(struct vt_tracer *t, struct vt_snapshot *out);
/* The maps alone, sized by @cfg, with no program loaded or attached: for
 * bench/frontend_scale.c, which fills them as a host with hundreds of devices
 * would and reads them through vt_tracer_snapshot() like a live run. No vfio
 * or tracing support is needed, only map creation. 0 or -errno, cleaned up. */
int vt_tracer_open_maps(struct vt_tracer *t, const struct vt_tracer_config *cfg);

#endif
