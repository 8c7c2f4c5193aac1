/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers over struct vt_hist, the log2 nanosecond histogram the BPF side
 * fills (vfio_trace.h): slot s holds [2^s, 2^(s+1)) ns, slot 0 also holds 0,
 * and the last slot is open-ended.
 */
#ifndef VT_HIST_H
#define VT_HIST_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "vfio_trace.h"

/* The slot the BPF side puts a value of ns nanoseconds in. */
int hist_slot_of_ns(__u64 ns);

/* Add one value, as the BPF side would; for tests and fixtures. */
void hist_record(struct vt_hist *h, __u64 ns);

/* dst += src, slot by slot, plus count and sum. */
void hist_merge(struct vt_hist *dst, const struct vt_hist *src);

/* Sum of the slots. Equal to count unless a reader raced the BPF side. */
__u64 hist_total(const struct vt_hist *h);

/* Index of the last non-empty slot, or -1 when the histogram is empty. */
int hist_last_slot(const struct vt_hist *h);

/* Inclusive range of integer ns values slot s holds; the last slot's hi is
 * UINT64_MAX. Returns 0 or -EINVAL for a slot out of range. */
int hist_slot_bounds(int s, __u64 *lo, __u64 *hi);

/* Prometheus upper bound of slot s in ns: 2^(s+1), which is >= every value
 * the slot holds. Returns 0, -ERANGE for the open-ended last slot (it only
 * has +Inf), or -EINVAL for a slot out of range. */
int hist_le_ns(int s, __u64 *le_ns);

/* hist_le_ns() as seconds, an exact decimal such as "0.000002048". */
int hist_le_seconds(int s, char *buf, size_t len);

/* The q-quantile (0 < q <= 1) as the upper bound of the slot it falls in,
 * 2^(s+1) ns, as Prometheus' histogram_quantile() would bound it from these
 * buckets: never below the true value. For the open-ended last slot, its
 * lower bound. 0 for an empty histogram. */
__u64 hist_quantile_ns(const struct vt_hist *h, double q);

/* cum[s] = slots[0] + ... + slots[s]: Prometheus buckets are cumulative. */
void hist_cumulative(const struct vt_hist *h, __u64 cum[VT_HIST_SLOTS]);

/* ns as an exact decimal number of seconds ("1.5", "0.000000002", "0").
 * Returns 0 or -ENOSPC. */
int format_ns_as_seconds(char *buf, size_t len, __u64 ns);

/*
 * bcc's print_log2_hist() look, for a histogram of ns, printed in a unit of
 * divisor ns ("nsecs" 1, "usecs" 1000, "msecs" 1000000). Each ns slot goes
 * whole into unit slot s - ceil(log2(divisor)), so labels read a usec as
 * 1024 ns (hist.c says why). As in bcc, the row of the open-ended last slot
 * is labelled with its nominal range. Prints nothing for an empty histogram.
 * Returns 0, -EINVAL or -EIO.
 */
int print_log2_hist(FILE *f, const struct vt_hist *h, const char *unit_name, unsigned divisor);

#endif
