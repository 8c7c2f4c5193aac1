/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_HIST_BPF_H
#define VT_HIST_BPF_H

#include "maps.bpf.h"

static __always_inline __u32 vt_log2(__u32 v)
{
	__u32 r, shift;

	/* clang-format off */
	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	/* clang-format on */
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 vt_log2l(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? vt_log2(hi) + 32 : vt_log2(v);
}

/* Slot = floor(log2(ns)), so slot s holds [2^s, 2^(s+1)); the last slot is open
 * ended. Nanoseconds, never pre-divided: dividing first would put 1.9 us in the
 * "0-1 us" slot and break the Prometheus le bound. */
static __always_inline void vt_hist_add(struct vt_hist *h, __u64 ns)
{
	/* 64-bit on purpose: with a u32, clang 14 bounds-checks one zero-extended
	 * copy and indexes with another, and the verifier rejects the access. */
	__u64 slot = vt_log2l(ns);

	if (slot >= VT_HIST_SLOTS)
		slot = VT_HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum_ns, ns);
}

#endif /* VT_HIST_BPF_H */
