// SPDX-License-Identifier: GPL-2.0
/* The cycles of the lock-order graph, by a depth-first walk from each class
 * that only visits larger classes, so each cycle is found once. */
#include <stdbool.h>
#include <string.h>
#include "lock_order.h"

struct walk {
	bool adj[VT_LC_MAX][VT_LC_MAX];
	bool on_path[VT_LC_MAX];
	int path[VT_LC_MAX];
	struct vt_lock_cycles *out;
};

static void walk_from(struct walk *w, int start, int node, int depth)
{
	struct vt_lock_cycles *c = w->out;
	int next;

	w->path[depth] = node;
	w->on_path[node] = true;
	for (next = start; next < VT_LC_MAX; next++) {
		if (!w->adj[node][next])
			continue;
		if (next == start && depth > 0 && c->n < VT_MAX_CYCLES) {
			struct vt_lock_cycle *cy = &c->items[c->n++];

			memcpy(cy->classes, w->path, (depth + 1) * sizeof(int));
			cy->classes[depth + 1] = start;
			cy->len = depth + 2;
		} else if (next > start && !w->on_path[next]) {
			walk_from(w, start, next, depth + 1);
		}
	}
	w->on_path[node] = false;
}

void vt_lock_cycles_find(const struct vt_snapshot *s, struct vt_lock_cycles *out)
{
	struct walk w;
	int start;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	w.out = out;
	for (size_t i = 0; i < s->nedges; i++) {
		const struct vt_edge_key *k = &s->edges[i].key;

		if (k->from_class < VT_LC_MAX && k->to_class < VT_LC_MAX &&
		    k->from_class != k->to_class)
			w.adj[k->from_class][k->to_class] = true;
	}
	for (start = 0; start < VT_LC_MAX; start++)
		walk_from(&w, start, start, 0);
}
