/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracer's state, shared by its two halves: tracer.c, which opens, loads,
 * attaches and stops, and tracer_read.c, which reads what the kernel counted.
 * Here, below both, so that the reader needs nothing of the lifecycle.
 */
#ifndef VT_TRACER_STATE_H
#define VT_TRACER_STATE_H

#include <stdbool.h>
#include <linux/types.h>
#include "snapshot.h" /* struct vt_frames */
#include "vfio_trace.h"

/* What to trace and how: built by each command from its options. */
/* -d: up to the largest device map (--max-devices' ceiling): the BPF side
 * keeps the addresses in a hash sized to their number and looks one up once
 * per device binding, never on the hot path. */
#define VT_MAX_BDF_FILTERS 4096

struct vt_tracer_config {
	unsigned int pid; /* 0: every process */
	char bdfs[VT_MAX_BDF_FILTERS][VT_BDF_LEN];
	unsigned int nbdfs; /* 0: every device */
	bool force_kprobes; /* kprobes even where fentry works */
	bool kprobe_multi;  /* a kprobe through fprobe where the kernel takes it */
	bool verbose;	    /* libbpf's log */
	/* Also hook the generic lock functions and keep the kernel's symbols
	 * to name the stacks of lock-order edges (`vfio-trace lockdep`). */
	bool lock_order;
	/* With lock_order: global locks of the user's own, by kallsyms name. */
	const char *locks[VT_MAX_USER_LOCKS];
	unsigned int nlocks;
	/* --stacks: record the waiter's and holder's stacks of memory_lock
	 * contentions, and keep the kernel's symbols to name them. */
	bool stacks;
	/* Say on stderr which modules fentry keeps loaded while attached. */
	bool note_pinned_modules;
	unsigned long max_devices; /* 0: the BPF object's default */
	unsigned long max_threads; /* 0: the BPF object's default */
	/* --min-latency: ns per enum vt_slow_kind above which a fault, zap,
	 * reset or pin is an event of its own; 0: never. */
	__u64 slow_ns[VT_SLOW_KIND_MAX];
	/* Each ring buffer event goes to on_event(event_ctx, ev, frames); NULL:
	 * the BPF side emits none. A non-zero return stops the poll and is
	 * returned by it. An event of kind VT_EV_CONTENTION or
	 * VT_EV_TRYLOCK_FAILED is the head of a whole struct
	 * vt_contention_event; one of kind VT_EV_SLOW of a struct vt_slow_event,
	 * with its stack named in @frames (NULL for the other kinds). */
	int (*on_event)(void *event_ctx, const struct vt_trace_event *ev,
			const struct vt_frames *frames);
	void *event_ctx;
};

struct vfio_trace_bpf;
struct vt_kernel;
struct vt_kallsyms;
struct vt_named_stack;
struct vt_probe_set;
struct ring_buffer;

struct vt_tracer {
	struct vt_tracer_config cfg;
	struct vfio_trace_bpf *skel;
	struct vt_kernel *kernel; /* kept only to name stacks (lock_order) */
	/* --stacks: each stack named once, by its key in the stacks map, sorted
	 * by key; and, while naming new ones, the symbols they need
	 * (tracer_read.c) */
	struct vt_named_stack *named;
	size_t nnamed;
	struct vt_kallsyms *ksyms;
	struct vt_kallsyms *all_ksyms; /* --min-latency: every symbol, for any stack */
	struct vt_probe_set *probes;
	bool live;	   /* attached, not vt_tracer_open_maps()'s maps alone */
	__u64 started_ns;  /* CLOCK_MONOTONIC, the event clock */
	bool task_storage; /* per-thread state in task storage, not a tid hash */
	/* lockdep mode with task storage: the held_iter program's link, which
	 * reads the threads' held locks (tracer_read.c) */
	struct bpf_link *held_iter;
	struct ring_buffer *events;
	/* The BPF side's requests for on-demand probes, until they are served. */
	struct ring_buffer *requests;
	bool check_requested;
	/* The devices array, mapped read-only at the first read (tracer_read.c);
	 * NULL until then or when it could not be. */
	const struct vt_device *devices_view;
	size_t devices_view_len;
};

#endif
