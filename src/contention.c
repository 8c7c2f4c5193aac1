// SPDX-License-Identifier: GPL-2.0
/* The top contended (waiter, holder) pairs of a device (contention.h). */
#include "contention.h"

/* < 0 when @x is shown before @y. */
static int rank(const struct vt_contention_pair *x, const struct vt_contention_pair *y)
{
	if (x->val.wait_ns != y->val.wait_ns)
		return x->val.wait_ns > y->val.wait_ns ? -1 : 1;
	if (x->val.count != y->val.count)
		return x->val.count > y->val.count ? -1 : 1;
	return snapshot_contention_cmp(x, y);
}

/* A selection into @out kept in rank order: O(n * max), no allocation, for a
 * max of a few. */
size_t vt_contention_top(const struct vt_snapshot *s, __u32 slot,
			 const struct vt_contention_pair **out, size_t max, size_t *total)
{
	size_t n = 0, all = 0;

	for (size_t i = 0; s && i < s->ncontentions && s->contentions; i++) {
		const struct vt_contention_pair *c = &s->contentions[i];
		size_t at;

		if (c->key.slot != slot || !c->val.count)
			continue;
		all++;
		for (at = n; at > 0 && rank(c, out[at - 1]) < 0; at--)
			if (at < max)
				out[at] = out[at - 1];
		if (at < max) {
			out[at] = c;
			if (n < max)
				n++;
		}
	}
	if (total)
		*total = all;
	return n;
}
