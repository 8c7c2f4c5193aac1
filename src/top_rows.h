/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vfio-trace top`'s analysis: one row per device for an interval, with the
 * rates and tail latencies an operator scans for, the device's owner and VM,
 * and the last time its memory went off; and the orders a user can sort the
 * rows in. Over snapshots only: no terminal, no format.
 */
#ifndef VT_TOP_ROWS_H
#define VT_TOP_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

enum vt_top_sort {
	VT_TOP_SORT_DEVICE,   /* by PCI address */
	VT_TOP_SORT_FAULTS,   /* fault rate */
	VT_TOP_SORT_WAIT,     /* memory_lock wait p99, the larger of read and write */
	VT_TOP_SORT_ZAPS,     /* BAR zaps */
	VT_TOP_SORT_ACCESSES, /* accesses to disabled memory */
	VT_TOP_SORT_PINS,     /* pages the owner pinned */
	VT_TOP_SORT_MAX,
};

struct vt_top_row {
	char bdf[VT_BDF_LEN];
	bool bound; /* a driver instance is bound now */
	struct vt_device_owner owner;
	double faults_per_s;
	__u64 fault_p99_ns;		/* 0: no fault */
	__u64 wait_p99_ns[VT_MODE_MAX]; /* memory_lock waits; 0: none */
	__u64 contentions;
	__u64 zaps;
	__u64 accesses;	    /* SIGBUS, EIO and ioeventfd drops */
	__u64 pinned_pages; /* by the owner's process (all its devices) */
	/* The last config write that turned memory off, and whether it is
	 * still off at the end of the interval (ts_ns 0: never seen). */
	struct vt_disable_record last_disable;
	bool memory_off;
	__u64 off_ns; /* how long it has been off, or was off */
};

struct vt_top {
	struct vt_top_row *rows;
	size_t nrows;
	double interval_s;
	__u64 lost; /* updates lost in the interval, every reason */
};

/* Rows of @delta, an interval (snapshot_diff()), whose end is the
 * CLOCK_MONOTONIC @now_ns. Devices excluded by -d are left out. 0 or
 * -ENOMEM, with nothing to free. */
int vt_top_build(struct vt_top *out, const struct vt_snapshot *delta, __u64 now_ns);
/* Largest first, except the device order (ascending); @reverse flips it.
 * Ties go by PCI address, so the order is stable from one refresh to the
 * next. */
void vt_top_sort(struct vt_top *t, enum vt_top_sort by, bool reverse);
void vt_top_free(struct vt_top *t);

/* The key that sorts by @by ('d', 'f', 'w', 'z', 'a', 'p'), and its name. */
char vt_top_sort_key(enum vt_top_sort by);
const char *vt_top_sort_name(enum vt_top_sort by);
/* The order a key selects; VT_TOP_SORT_MAX for a key that selects none. */
enum vt_top_sort vt_top_sort_of_key(int key);
/* The order named @name ("faults"), VT_TOP_SORT_MAX for none. */
enum vt_top_sort vt_top_sort_of_name(const char *name);

#endif
