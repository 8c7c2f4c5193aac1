/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock chain of a kernel lock report (kmsg_report.h), as ordered pairs of
 * lock classes, "B taken while A held", in lockdep's names and in
 * vfio-trace's classes: what the flight recorder sets beside vfio-trace's own
 * edges, and which of those edges it marks. Pure: a report and a snapshot
 * in, a chain out.
 *
 * vfio-trace names its classes as lockdep does ("&vdev->memory_lock",
 * "&mm->mmap_lock", "fs_reclaim", a --lock symbol by its name), so a kernel
 * class maps onto one of them by name, once lockdep's own decorations are
 * taken off (vt_splat_class): this is the one place that mapping is written.
 */
#ifndef VT_SPLAT_CHAIN_H
#define VT_SPLAT_CHAIN_H

#include <stdbool.h>
#include "kmsg_report.h"
#include "snapshot.h"

/* A circular report of VT_KMSG_MAX_CHAIN entries has as many steps; a hung
 * task's lock lists may have more pairs: the rest are counted. */
#define VT_SPLAT_MAX_STEPS 32

struct vt_splat_step {
	char from[VT_KMSG_NAME_LEN]; /* the kernel's class names, as printed */
	char to[VT_KMSG_NAME_LEN];
	int from_class; /* vfio-trace's class, or -1: one it does not track */
	int to_class;
	/* The acquisition the report is about ("is trying to acquire" while
	 * "already holding"), as opposed to a dependency lockdep saw before. */
	bool reported;
};

struct vt_splat_chain {
	unsigned n;
	unsigned dropped; /* steps beyond VT_SPLAT_MAX_STEPS */
	struct vt_splat_step steps[VT_SPLAT_MAX_STEPS];
};

/* vfio-trace's class of the kernel's lock class @name ("&mm->mmap_lock#2",
 * "&vdev->memory_lock/1"), or -1. Lockdep numbers classes that share a name
 * ("#N") and prints a nesting subclass ("/N"); vfio-trace's classes are the
 * name without them. */
int vt_splat_class(const struct vt_snapshot *s, const char *name);

/*
 * The chain of @r:
 *  - a circular dependency: its "-> #N" entries, #0 -> #1 -> ... -> #N
 *    (each entry's lock was taken while the one numbered below it was held),
 *    closed by #N -> #0, the acquisition reported;
 *  - another lockdep report naming both: the lock held -> the one acquired;
 *  - a hung-task report: each task's listed locks, in the order taken.
 * Each pair once; a report with none gives an empty chain.
 */
void vt_splat_chain_build(const struct vt_kmsg_report *r, const struct vt_snapshot *s,
			  struct vt_splat_chain *out);

/* The index of the step of @c that edge @e is (same classes, same direction),
 * or -1. Modes and devices do not count: lockdep's classes have neither. */
int vt_splat_edge_step(const struct vt_splat_chain *c, const struct vt_lock_edge *e);

#endif
