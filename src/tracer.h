/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF lifecycle, one place for every command: open the skeleton, set its
 * knobs, choose probes, load, attach; and on the way out detach and free,
 * whatever step failed. What the kernel counted leaves the tracer only as a
 * snapshot (vt_tracer_snapshot, tracer_read.c) or, for `events`, one ring
 * buffer event at a time.
 */
#ifndef VT_TRACER_H
#define VT_TRACER_H

#include <stdbool.h>
#include "snapshot.h"

/* What to trace and how: built by each command from its options. */
struct vt_tracer_config {
	unsigned int pid; /* 0: every process */
	char bdfs[VT_MAX_BDF_FILTERS][VT_BDF_LEN];
	unsigned int nbdfs; /* 0: every device */
	bool force_kprobes; /* kprobes even where fentry works */
	bool verbose;	    /* libbpf's log */
	/* Also hook the generic lock functions and keep the kernel's symbols
	 * to name the stacks of lock-order edges (`vfio-trace lockdep`). */
	bool lock_order;
	/* With lock_order: global locks of the user's own, by kallsyms name. */
	const char *locks[VT_MAX_USER_LOCKS];
	unsigned int nlocks;
	/* Say on stderr which modules fentry keeps loaded while attached. */
	bool note_pinned_modules;
	unsigned long max_devices; /* 0: the BPF object's default */
	unsigned long max_threads; /* 0: the BPF object's default */
	/* Each ring buffer event goes to on_event(event_ctx, ev); NULL: the
	 * BPF side emits none. A non-zero return stops the poll and is
	 * returned by it. */
	int (*on_event)(void *event_ctx, const struct vt_trace_event *ev);
	void *event_ctx;
};

struct vfio_trace_bpf;
struct vt_kernel;
struct vt_probe_set;
struct ring_buffer;

struct vt_tracer {
	struct vt_tracer_config cfg;
	struct vfio_trace_bpf *skel;
	struct vt_kernel *kernel; /* kept only to name stacks (lock_order) */
	struct vt_probe_set *probes;
	__u64 started_ns;  /* CLOCK_MONOTONIC, the event clock */
	bool task_storage; /* per-thread state in task storage, not a tid hash */
	struct ring_buffer *events;
	/* The BPF side's requests for on-demand probes, until they are served. */
	struct ring_buffer *requests;
	bool check_requested;
};

/* 0, or a negative errno after printing one line saying why. */
int vt_tracer_start(struct vt_tracer *t, const struct vt_tracer_config *cfg);
/* No vfio-pci function exists in this kernel: vfio-pci is not loaded. */
bool vt_tracer_no_vfio(const struct vt_tracer *t);
/* Copies what the kernel counted out (tracer_read.c). 0 or -errno. */
int vt_tracer_snapshot(struct vt_tracer *t, struct vt_snapshot *out);
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

#endif
