/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot: everything vfio-trace knows at one moment, and the only thing
 * that reaches an output. The tracer fills it from the kernel's maps
 * (tracer_read.c); analyses and renderers read it and never the kernel. This
 * module is the data model alone: types, order, difference, copy, free. It
 * knows no libbpf and no tracer.
 *
 * The kernel's counters only ever count up; interval output is the
 * difference of two snapshots (snapshot_diff).
 */
#ifndef VT_SNAPSHOT_H
#define VT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "vfio_trace.h"
#include "names.h"

#define VT_VM_NAME_LEN 64
#define VT_CGROUP_LEN 192
#define VT_RESET_METHOD_LEN 16 /* "device_specific" and its NUL */

/* The process that holds a device open (its VFIO group or its vfio cdev):
 * QEMU, a DPDK application, a test workload. Operators think in VMs, so
 * QEMU's -name is kept too. A state, not a counter: a diff keeps the later
 * snapshot's. Found in /proc (device_owners.c). */
struct vt_device_owner {
	__u32 pid; /* 0: no process has been seen holding it */
	bool open; /* pid holds it open at this snapshot; else pid is the last */
	char comm[VT_COMM_LEN];
	char vm[VT_VM_NAME_LEN];    /* QEMU's -name [guest=]NAME, "" for others */
	char cgroup[VT_CGROUP_LEN]; /* its cgroup v2 path, "" without one */
};

struct vt_dev_snapshot {
	/* The BPF side's slot for this PCI address: every binding of a device
	 * there counts in it. */
	struct vt_device_info info;
	struct vt_device_stats stats;
	unsigned int instances; /* bindings seen: >1 after unbind/rebind */
	__u32 slot;		/* the BPF side's slot: lock-order edges name it */
	struct vt_device_owner owner;
	/* How VFIO_DEVICE_RESET resets it (flr, pm, bus, ...), "" unknown: a
	 * state from sysfs (reset_methods.h), kept from the later snapshot. */
	char reset_method[VT_RESET_METHOD_LEN];
	/* A reset or hot reset last turned memory off: the address of the
	 * device it was called on (info.last_disable.via_slot's), "" when it is
	 * not a reset's record or that slot is unknown. */
	char off_via[VT_BDF_LEN];
};

struct vt_proc_snapshot {
	struct vt_pin_proc_key key;
	struct vt_pin_proc val;
	char vm[VT_VM_NAME_LEN]; /* QEMU's -name of the process, "" for others */
};

/* One line of the probe coverage report. */
struct vt_probe_status {
	const char *operation; /* "fault", "memory_lock_wait", "zap", "pin", ...: static */
	const char
		*function; /* the function or tracepoint chosen, or the first candidate: static */
	enum vt_probe_mode mode;
	int attached;	  /* 1 when attached */
	int on_demand;	  /* 1 while waiting to be attached when needed */
	int hidden;	  /* not part of this command's report */
	char reason[256]; /* why this choice, or why nothing could attach */
};

struct vt_probe_report {
	size_t n;
	struct vt_probe_status *items;
	int vfio_attached; /* vfio operations attached (the lock tracepoints not counted) */
	bool no_vfio;	   /* no vfio-pci function exists: vfio-pci is not loaded */
	bool task_storage; /* per-thread state in task storage, not a tid hash */
};

/* A lock-order edge (`vfio-trace lockdep`) with the first stack that took it,
 * symbolized, starting at the kernel code that takes the lock. */
struct vt_lock_edge {
	struct vt_edge_key key;
	struct vt_edge val;
	unsigned int nframes;
	char *frames;	   /* nframes NUL-terminated names, back to back */
	size_t frames_len; /* bytes of frames */
};

/* A symbolized kernel stack, innermost first: n NUL-terminated names, back
 * to back in names (len bytes). */
struct vt_frames {
	unsigned int n;
	char *names;
	size_t len;
};

/* --stacks: a contended (waiter, holder) pair of one device's memory_lock,
 * each stack symbolized (a reader holder's has none), from the kernel code
 * that waits for or took the lock. */
struct vt_contention_pair {
	struct vt_contention_key key;
	struct vt_contention val;
	struct vt_frames waiter;
	struct vt_frames holder;
};

/* A task holding tracked locks when the snapshot was taken (lockdep mode):
 * the held map's entry, innermost last. A state, not a counter: a diff keeps
 * the later snapshot's holders. */
struct vt_lock_holder {
	__u32 tid;
	char comm[VT_COMM_LEN]; /* read from /proc; "" when the task is gone */
	struct vt_held held;
};

/* Room for a --lock symbol's name. */
#define VT_LOCK_NAME_LEN 64

struct vt_snapshot {
	double wall_time; /* seconds since the epoch, for -T and JSON */
	/* CLOCK_MONOTONIC when taken; in a snapshot_diff() result, the length
	 * of the interval, and interval is set. */
	__u64 mono_ns;
	bool interval;
	__u64 started_ns; /* CLOCK_MONOTONIC when tracing began: the event clock's zero */
	size_t ndevs;
	struct vt_dev_snapshot *devs; /* sorted by info.bdf */
	struct vt_pin_stats pins[VT_PIN_PATH_MAX];
	size_t nprocs;
	struct vt_proc_snapshot *procs; /* sorted by (tgid, path) */
	__u64 lost[VT_LOST_MAX];	/* BPF-side losses, enum vt_lost_reason */
	__u64 map_read_errors;		/* user-side failures to read a map entry */
	struct vt_probe_report *probes; /* NULL when not read */
	size_t nedges;
	struct vt_lock_edge *edges; /* lock-order mode only; sorted by key */
	size_t ncontentions;
	struct vt_contention_pair *contentions; /* --stacks only; sorted by key */
	size_t nholders;
	struct vt_lock_holder *holders; /* lock-order mode only; sorted by tid */
	/* The classes of --lock symbols: VT_LC_MAX + i is user_locks[i]. */
	unsigned int nuser_locks;
	char user_locks[VT_MAX_USER_LOCKS][VT_LOCK_NAME_LEN];
};

/* The orders the snapshot promises, for whoever fills one. */
int snapshot_dev_cmp(const void *a, const void *b);
int snapshot_proc_cmp(const void *a, const void *b);
int snapshot_edge_cmp(const void *a, const void *b);
int snapshot_contention_cmp(const void *a, const void *b);
int snapshot_holder_cmp(const void *a, const void *b);
/* Sorts devs, procs, edges, contentions and holders into those orders. */
void snapshot_sort(struct vt_snapshot *s);

/* out = cur - prev, entry by entry; entries only in cur are kept as they are,
 * those only in prev are dropped. Returns 0, -EINVAL (an argument is NULL or
 * a snapshot is out of order) or -ENOMEM. */
int snapshot_diff(struct vt_snapshot *out, const struct vt_snapshot *cur,
		  const struct vt_snapshot *prev);
/* Deep copy; returns 0, -EINVAL or -ENOMEM. */
int snapshot_copy(struct vt_snapshot *out, const struct vt_snapshot *in);
void snapshot_free(struct vt_snapshot *s);

/* A device's faults over all its BARs: by result into @by_result (when not
 * NULL), and their total returned. */
__u64 snapshot_faults_by_result(const struct vt_device_stats *st,
				__u64 by_result[VT_FAULT_RESULT_MAX]);
/* A device's fault latency over all results, into @all. */
void snapshot_fault_latency(const struct vt_device_stats *st, struct vt_hist *all);

/* The name of lock class @class: lockdep's for the built-in ones, the symbol
 * for a --lock one, "unknown" for anything else. */
const char *snapshot_lock_name(const struct vt_snapshot *s, int class);

/* The device in the BPF side's @slot, or NULL (VT_NO_SLOT, or not in @s). */
const struct vt_dev_snapshot *snapshot_device_at_slot(const struct vt_snapshot *s, __u32 slot);

/* The next frame name after @frame in e->frames, or NULL after the last;
 * snapshot_edge_frame(e, NULL) is the first. */
const char *snapshot_edge_frame(const struct vt_lock_edge *e, const char *frame);
/* The same for a struct vt_frames. */
const char *snapshot_frame(const struct vt_frames *f, const char *frame);

#endif
