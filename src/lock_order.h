/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Analysis of the lock-order edges of a snapshot: the cycles they close, each
 * a possible deadlock, reported once, lockdep-style. Pure: a snapshot in, a
 * result out.
 *
 * Like lockdep, a cycle is one of lock classes. Unlike lockdep, vfio-trace
 * knows which device each per-device lock belongs to, so it also says whether
 * the cycle closes on real lock instances: on one device's locks (and the
 * global ones), a deadlock that can happen; or only across devices, which
 * lockdep would report but which cannot deadlock as seen.
 */
#ifndef VT_LOCK_ORDER_H
#define VT_LOCK_ORDER_H

#include <stdbool.h>
#include "snapshot.h"

#define VT_MAX_CYCLES 16
/* A simple cycle visits each class once. */
#define VT_MAX_CYCLE_LEN VT_LC_ALL

struct vt_lock_cycle {
	int len; /* steps, 1 for a lock taken in itself */
	/* classes[0] -> classes[1] -> ... -> classes[len], which is classes[0] */
	int classes[VT_MAX_CYCLE_LEN + 1];
	/* Each step's edge in the snapshot: on the instances when the cycle
	 * closes there, else the first seen of its class pair. */
	size_t edges[VT_MAX_CYCLE_LEN];
	bool instances; /* it closes on real lock instances */
	/* With instances: the device whose locks it goes through, or
	 * VT_NO_SLOT when it takes no per-device lock. */
	__u32 slot;
};

struct vt_lock_cycles {
	int n; /* the first VT_MAX_CYCLES found */
	struct vt_lock_cycle items[VT_MAX_CYCLES];
};

/*
 * Every simple cycle of the class graph, each once, from its smallest class.
 * A per-device class taken while it is held is a one-step cycle: on one
 * device a self-deadlock, on two devices no deadlock at all (lockdep's
 * "possible recursive locking" cannot tell them apart). Global classes taken
 * in themselves (two mm's mmap_lock) are not cycles: their instances are
 * not told apart.
 */
void vt_lock_cycles_find(const struct vt_snapshot *s, struct vt_lock_cycles *out);

/* @cycles could have come from vt_lock_cycles_find(@s): counts in range and
 * every step an edge of @s. For renderers, which take it from their caller. */
bool vt_lock_cycles_valid(const struct vt_snapshot *s, const struct vt_lock_cycles *cycles);

#endif
