/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flight recorder's memory: the lock events of the last few seconds, in
 * a ring of fixed capacity. An event is an edge that was first seen, or whose
 * count grew, between two snapshots (the BPF side counts every acquisition;
 * user space sees them a tick at a time). Pure: snapshots in, events out; it
 * reads no clock but the snapshots'.
 *
 * Bounded twice: events older than the window are dropped as time goes on,
 * and when the ring is full the oldest is overwritten and counted as
 * overflow, never silently.
 */
#ifndef VT_LOCK_HISTORY_H
#define VT_LOCK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

struct vt_lock_event {
	__u64 at_ns;	/* CLOCK_MONOTONIC: the snapshot that saw it (events are in this order) */
	__u64 first_ns; /* CLOCK_MONOTONIC: the edge's first sighting */
	struct vt_edge_key key;
	__u64 added;	 /* acquisitions since the previous snapshot */
	__u64 count;	 /* in all, so far */
	bool first_seen; /* the edge is new since the previous snapshot */
	__u32 pid;	 /* the first sighting's task (new edges) */
	char comm[VT_COMM_LEN];
};

struct vt_lock_history {
	__u64 window_ns;
	size_t cap;
	size_t head; /* the oldest event */
	size_t n;
	__u64 overflow; /* events overwritten while still inside the window */
	struct vt_lock_event *ring;
};

/* 0, -EINVAL (no room or no window) or -ENOMEM. */
int vt_lock_history_init(struct vt_lock_history *h, size_t cap, __u64 window_ns);
void vt_lock_history_free(struct vt_lock_history *h);
/* Adds @ev, overwriting (and counting) the oldest when full. */
void vt_lock_history_add(struct vt_lock_history *h, const struct vt_lock_event *ev);
/* Drops the events older than @now_ns - window. */
void vt_lock_history_trim(struct vt_lock_history *h, __u64 now_ns);
/* The events between two snapshots of one tracer (@prev NULL: @cur's edges
 * are all new), then a trim at @cur's time. */
void vt_lock_history_record(struct vt_lock_history *h, const struct vt_snapshot *cur,
			    const struct vt_snapshot *prev);
/* Event @i, oldest first (i < h->n). */
const struct vt_lock_event *vt_lock_history_at(const struct vt_lock_history *h, size_t i);

#endif
