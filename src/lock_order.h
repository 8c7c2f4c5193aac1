/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Analysis of the lock-order edges of a snapshot: the cycles they close, each
 * a possible deadlock. Pure: a snapshot in, a result out.
 */
#ifndef VT_LOCK_ORDER_H
#define VT_LOCK_ORDER_H

#include "snapshot.h"

#define VT_MAX_CYCLES 16

/* classes[0] -> classes[1] -> ... -> classes[len - 1], which is classes[0]. */
struct vt_lock_cycle {
	int len;
	int classes[VT_LC_MAX + 1];
};

struct vt_lock_cycles {
	int n;			/* the first VT_MAX_CYCLES found */
	struct vt_lock_cycle items[VT_MAX_CYCLES];
};

/* Simple cycles of the class graph, each found once (from its smallest
 * class). A class nested in itself on two devices is no cycle here. */
void vt_lock_cycles_find(const struct vt_snapshot *s, struct vt_lock_cycles *out);

#endif
