// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lock_history.h"

int vt_lock_history_init(struct vt_lock_history *h, size_t cap, __u64 window_ns)
{
	memset(h, 0, sizeof(*h));
	if (!cap || !window_ns)
		return -EINVAL;
	h->ring = calloc(cap, sizeof(*h->ring));
	if (!h->ring)
		return -ENOMEM;
	h->cap = cap;
	h->window_ns = window_ns;
	return 0;
}

void vt_lock_history_free(struct vt_lock_history *h)
{
	free(h->ring);
	memset(h, 0, sizeof(*h));
}

void vt_lock_history_add(struct vt_lock_history *h, const struct vt_lock_event *ev)
{
	if (!h->cap)
		return;
	if (h->n == h->cap) {
		h->head = (h->head + 1) % h->cap;
		h->n--;
		h->overflow++;
	}
	h->ring[(h->head + h->n) % h->cap] = *ev;
	h->n++;
}

/* Events are added in the order of the snapshots that saw them: the walk
 * from the oldest stops at the first one inside the window. */
void vt_lock_history_trim(struct vt_lock_history *h, __u64 now_ns)
{
	__u64 from = now_ns > h->window_ns ? now_ns - h->window_ns : 0;

	while (h->n && h->ring[h->head].at_ns < from) {
		h->head = (h->head + 1) % h->cap;
		h->n--;
	}
}

const struct vt_lock_event *vt_lock_history_at(const struct vt_lock_history *h, size_t i)
{
	return i < h->n ? &h->ring[(h->head + i) % h->cap] : NULL;
}

void vt_lock_history_record(struct vt_lock_history *h, const struct vt_snapshot *cur,
			    const struct vt_snapshot *prev)
{
	for (size_t i = 0; i < cur->nedges; i++) {
		const struct vt_lock_edge *e = &cur->edges[i];
		/* bsearch's base must not be NULL, even for 0 elements */
		const struct vt_lock_edge *before = prev && prev->nedges
							    ? bsearch(e, prev->edges, prev->nedges,
								      sizeof(*e), snapshot_edge_cmp)
							    : NULL;
		struct vt_lock_event ev = { .key = e->key, .count = e->val.count };

		if (before && before->val.count >= e->val.count)
			continue;
		ev.added = e->val.count - (before ? before->val.count : 0);
		ev.first_seen = !before;
		ev.at_ns = cur->mono_ns;
		ev.first_ns = e->val.first_ns;
		ev.pid = e->val.pid;
		memcpy(ev.comm, e->val.comm, sizeof(ev.comm));
		vt_lock_history_add(h, &ev);
	}
	vt_lock_history_trim(h, cur->mono_ns);
}
