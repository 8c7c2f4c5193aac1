/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --stacks: the contended (waiter, holder) pairs of one device's memory_lock
 * worth showing, a pure function of a snapshot for every renderer alike.
 */
#ifndef VT_CONTENTION_H
#define VT_CONTENTION_H

#include <stddef.h>
#include "snapshot.h"

/* Pairs shown per device. */
#define VT_CONTENTION_TOP 5

/*
 * The pairs of the device in @slot that waited in @s (count > 0), most total
 * wait first, then most waits, then in key order: the first @max of them into
 * @out. Returns how many were put there; *total (if not NULL) is how many
 * such pairs there are.
 */
size_t vt_contention_top(const struct vt_snapshot *s, __u32 slot,
			 const struct vt_contention_pair **out, size_t max, size_t *total);

#endif
