/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot is everything the kernel side has counted, copied out of the maps at
 * one moment and merged per device (PCI BDF). Data flows one way:
 * kernel maps -> snapshot -> renderers. Kernel maps are never reset; interval
 * output is the difference of two snapshots (snapshot_diff).
 */
#ifndef VT_SNAPSHOT_H
#define VT_SNAPSHOT_H

#include <stddef.h>
#include <linux/types.h>
#include "vfio_trace.h"

struct vt_dev_snapshot {
	/* The BPF side's slot for this PCI address: every binding of a device
	 * there counts in it. */
	struct vt_device_info info;
	struct vt_device_stats stats;
	unsigned int instances;		/* bindings seen: >1 after unbind/rebind */
};

struct vt_proc_snapshot {
	struct vt_pin_proc_key key;
	struct vt_pin_proc val;
};

struct vt_snapshot {
	double wall_time;		/* seconds since the epoch, for -T and JSON */
	__u64 mono_ns;			/* CLOCK_MONOTONIC when taken */
	size_t ndevs;
	struct vt_dev_snapshot *devs;	/* sorted by info.bdf */
	struct vt_pin_stats pins[VT_PIN_PATH_MAX];
	size_t nprocs;
	struct vt_proc_snapshot *procs;	/* sorted by (tgid, path) */
	__u64 lost[VT_LOST_MAX];	/* BPF-side losses, enum vt_lost_reason */
	__u64 map_read_errors;		/* user-side failures to read a map entry */
};

/* One line of the probe coverage report ("vfio-trace probes"). */
enum vt_probe_mode {
	VT_PROBE_NONE,
	VT_PROBE_FENTRY,
	VT_PROBE_KPROBE,
	VT_PROBE_TRACEPOINT,
};

struct vt_probe_status {
	const char *operation;	/* "fault", "memory_lock_wait", "zap", "pin", ... */
	const char *function;	/* kernel function or tracepoint chosen, or the first candidate */
	enum vt_probe_mode mode;
	int attached;		/* 1 when attached */
	int on_demand;		/* 1 while waiting to be attached when needed */
	int hidden;		/* not part of this command's report */
	char reason[160];	/* why this choice, or why nothing could attach */
};

struct vt_probe_report {
	size_t n;
	struct vt_probe_status *items;
};

const char *vt_probe_mode_name(enum vt_probe_mode mode);

/* out = cur - prev, entry by entry; devices and processes only in cur are kept as
 * they are, those only in prev are dropped. Returns 0 or -ENOMEM. */
int snapshot_diff(struct vt_snapshot *out, const struct vt_snapshot *cur,
		  const struct vt_snapshot *prev);
/* Deep copy; returns 0 or -ENOMEM. */
int snapshot_copy(struct vt_snapshot *out, const struct vt_snapshot *in);
void snapshot_free(struct vt_snapshot *s);

/* Label names used by every renderer, so text, JSON and Prometheus agree. */
const char *vt_fault_result_name(int r);	/* nopage sigbus oom fallback other */
const char *vt_fault_order_name(int o);		/* page pmd pud other unknown */
const char *vt_lock_mode_name(int m);		/* read write */
const char *vt_lock_path_name(int p);		/* fault bar_rw config_write reset hot_reset memory_enable */
/* The one mode each path holds memory_lock in: read for fault and bar_rw,
 * write for the others. Renderers show only these pairs. */
int vt_lock_path_mode(int p);
const char *vt_zap_reason_name(int r);		/* config_write reset hot_reset other */
const char *vt_pin_path_name(int p);		/* type1 mdev iommufd */
const char *vt_access_kind_name(int k);		/* sigbus eio ioeventfd_drop */
const char *vt_event_kind_name(int k);		/* the access kinds, memory_disable, memory_enable */
const char *vt_lost_reason_name(int r);		/* ringbuf_full device_map_full ... */
const char *vt_lock_class_name(int c);		/* lockdep's names: "&vdev->memory_lock" ... */

#endif
