/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of a kernel stack a BPF program took: lock-order edges, --stacks'
 * contentions and --min-latency's slow operations alike. vfio-trace's own
 * frames are left out, so a stack starts in the kernel code that did the
 * work.
 */
#ifndef VT_STACK_NAMES_H
#define VT_STACK_NAMES_H

#include <stddef.h>
#include <linux/types.h>
#include "snapshot.h" /* struct vt_frames */

/* Names @addr as "function+0xoff [module]" in @buf; returns the offset, or
 * -1 for a bare address (no symbol at or below it). */
typedef long long (*vt_symbolize_fn)(void *arg, __u64 addr, char *buf, size_t len);

/* Appends the names of the @n frames @ips (innermost first; at most
 * VT_STACK_NAMES_MAX are read) to @f, whose names it grows with realloc. 0 or
 * -ENOMEM. */
#define VT_STACK_NAMES_MAX 48
int vt_name_stack(vt_symbolize_fn symbolize, void *arg, const __u64 *ips, int n,
		  struct vt_frames *f);

#endif
