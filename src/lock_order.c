// SPDX-License-Identifier: GPL-2.0
/* The cycles of the lock-order graph: a depth-first walk of the class graph
 * from each class that only visits larger classes, so each cycle is found
 * once; then, for each, a walk of the edges themselves to see whether it
 * closes on the same lock instances. */
#include <stdlib.h>
#include <string.h>
#include "lock_order.h"

struct walk {
	const struct vt_snapshot *snap;
	bool adj[VT_LC_ALL][VT_LC_ALL];
	bool on_path[VT_LC_ALL];
	int path[VT_LC_ALL];
	struct vt_lock_cycles *out;
};

/* The first seen of the edges from class @from to class @to. */
static size_t first_edge(const struct vt_snapshot *s, int from, int to)
{
	size_t best = 0;
	bool found = false;

	for (size_t i = 0; i < s->nedges; i++) {
		const struct vt_lock_edge *e = &s->edges[i];

		if (e->key.from_class != from || e->key.to_class != to)
			continue;
		if (!found || e->val.first_ns < s->edges[best].val.first_ns)
			best = i;
		found = true;
	}
	return best;
}

/* Step @k of @c onwards from the instance in @slot: an edge whose @from is
 * that instance, then the rest, back to @start_slot. Global locks have
 * VT_NO_SLOT on every edge, so they match themselves. Classes do not repeat
 * in a simple cycle, so each edge belongs to one step, and whether the rest
 * closes from it depends on that edge alone: @tried (one flag an edge, NULL
 * when there was no memory for it) keeps an edge that failed from being
 * walked again, which would make the search exponential in the cycle's
 * length. */
static bool close_on_instances(const struct vt_snapshot *s, struct vt_lock_cycle *c, int k,
			       __u32 slot, __u32 start_slot, bool *tried)
{
	for (size_t i = 0; i < s->nedges; i++) {
		const struct vt_edge_key *key = &s->edges[i].key;

		if (key->from_class != c->classes[k] || key->to_class != c->classes[k + 1] ||
		    key->from_slot != slot || (tried && tried[i]))
			continue;
		if (tried)
			tried[i] = true;
		if (k + 1 == c->len
			    ? key->to_slot != start_slot
			    : !close_on_instances(s, c, k + 1, key->to_slot, start_slot, tried))
			continue;
		c->edges[k] = i;
		return true;
	}
	return false;
}

static void classify(const struct vt_snapshot *s, struct vt_lock_cycle *c)
{
	bool *tried = s->nedges ? calloc(s->nedges, sizeof(*tried)) : NULL;

	c->instances = false;
	c->slot = VT_NO_SLOT;
	for (size_t i = 0; i < s->nedges && !c->instances; i++) {
		const struct vt_edge_key *key = &s->edges[i].key;

		if (key->from_class != c->classes[0] || key->to_class != c->classes[1])
			continue;
		/* An edge that failed to close on one start may close on another:
		 * the flags are per start. */
		if (tried)
			memset(tried, 0, s->nedges * sizeof(*tried));
		c->instances = close_on_instances(s, c, 0, key->from_slot, key->from_slot, tried);
	}
	free(tried);
	if (!c->instances) {
		for (int k = 0; k < c->len; k++)
			c->edges[k] = first_edge(s, c->classes[k], c->classes[k + 1]);
		return;
	}
	for (int k = 0; k < c->len; k++) {
		__u32 from = s->edges[c->edges[k]].key.from_slot;

		if (from != VT_NO_SLOT)
			c->slot = from;
	}
}

static void add_cycle(struct walk *w, const int *classes, int len)
{
	struct vt_lock_cycle *c;

	if (w->out->n >= VT_MAX_CYCLES)
		return;
	c = &w->out->items[w->out->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->classes, classes, len * sizeof(int));
	c->classes[len] = classes[0];
	c->len = len;
	classify(w->snap, c);
}

static void walk_from(struct walk *w, int start, int node, int depth)
{
	int next;

	w->path[depth] = node;
	w->on_path[node] = true;
	if (depth > 0 && w->adj[node][start])
		add_cycle(w, w->path, depth + 1);
	for (next = start + 1; next < VT_LC_ALL; next++)
		if (w->adj[node][next] && !w->on_path[next])
			walk_from(w, start, next, depth + 1);
	w->on_path[node] = false;
}

/* A per-device class taken while held: a lock's own class on either side. */
static bool self_nesting(const struct vt_snapshot *s, int class)
{
	for (size_t i = 0; i < s->nedges; i++) {
		const struct vt_edge_key *k = &s->edges[i].key;

		if (k->from_class == class && k->to_class == class && k->from_slot != VT_NO_SLOT)
			return true;
	}
	return false;
}

void vt_lock_cycles_find(const struct vt_snapshot *s, struct vt_lock_cycles *out)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	w.snap = s;
	w.out = out;
	for (size_t i = 0; i < s->nedges; i++) {
		const struct vt_edge_key *k = &s->edges[i].key;

		if (k->from_class < VT_LC_ALL && k->to_class < VT_LC_ALL &&
		    k->from_class != k->to_class)
			w.adj[k->from_class][k->to_class] = true;
	}
	for (int start = 0; start < VT_LC_ALL; start++) {
		if (self_nesting(s, start)) {
			int one[1] = { start };

			add_cycle(&w, one, 1);
		}
		walk_from(&w, start, start, 0);
	}
}

bool vt_lock_cycles_valid(const struct vt_snapshot *snap, const struct vt_lock_cycles *cycles)
{
	if (cycles->n < 0 || cycles->n > VT_MAX_CYCLES)
		return false;
	for (int j = 0; j < cycles->n; j++) {
		const struct vt_lock_cycle *c = &cycles->items[j];

		if (c->len < 1 || c->len > VT_MAX_CYCLE_LEN)
			return false;
		for (int k = 0; k < c->len; k++)
			if (c->edges[k] >= snap->nedges)
				return false;
	}
	return true;
}
