/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF lifecycle, one place for every command: open the skeleton, set its
 * knobs, choose probes, load, attach; and on the way out detach and free,
 * whatever step failed.
 */
#ifndef VT_TRACER_H
#define VT_TRACER_H

#include "cli.h"
#include "probes.h"
#include "snapshot.h"

struct vfio_trace_bpf;

struct vt_tracer {
	struct vfio_trace_bpf *skel;
	struct vt_kernel *kernel;
	struct vt_probe_set *probes;
	__u64 started_ns;
	bool task_storage;	/* per-thread state in task storage, not a tid hash */
	/* The BPF side's requests for on-demand probes, until they are served. */
	struct ring_buffer *requests;
	bool check_requested;
};

/* 0, or a negative errno after printing one line saying why. `vfio-trace
 * lockdep` is the one command that also hooks the generic lock functions. */
int vt_tracer_start(struct vt_tracer *t, const struct vt_options *o, bool want_events);
/* Copies the kernel's counters out. 0 or -errno. */
int vt_tracer_snapshot(struct vt_tracer *t, struct vt_snapshot *out);
int vt_tracer_events_fd(const struct vt_tracer *t);
/* Attaches what the BPF side asked for since the last call; never blocks.
 * Commands that wait by other means call it at least every 100 ms. */
void vt_tracer_serve(struct vt_tracer *t);
/* Sleeps until the CLOCK_MONOTONIC deadline or a signal, serving the BPF
 * side's requests as they come. */
void vt_tracer_wait_until(struct vt_tracer *t, __u64 deadline_ns);
void vt_tracer_stop(struct vt_tracer *t);

#endif
