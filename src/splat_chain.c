// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "splat_chain.h"

/* Lockdep's decorations at the end of a class name: "#N" for the Nth class
 * of that name, "/N" for a nesting subclass, in that order. */
static size_t bare_len(const char *name)
{
	size_t len = strlen(name);

	for (int pass = 0; pass < 2; pass++) {
		size_t d = len;

		while (d && name[d - 1] >= '0' && name[d - 1] <= '9')
			d--;
		if (d < len && d && (name[d - 1] == '#' || name[d - 1] == '/'))
			len = d - 1;
	}
	return len;
}

int vt_splat_class(const struct vt_snapshot *s, const char *name)
{
	size_t len = bare_len(name);
	int nclasses = VT_LC_MAX + (int)s->nuser_locks;

	for (int c = 0; c < nclasses && c < VT_LC_ALL; c++) {
		const char *ours = snapshot_lock_name(s, c);

		if (strlen(ours) == len && !strncmp(ours, name, len))
			return c;
	}
	return -1;
}

static void add_step(struct vt_splat_chain *c, const struct vt_snapshot *s, const char *from,
		     const char *to, bool reported)
{
	struct vt_splat_step *st;

	if (!*from || !*to)
		return;
	for (unsigned i = 0; i < c->n; i++)
		if (!strcmp(c->steps[i].from, from) && !strcmp(c->steps[i].to, to)) {
			c->steps[i].reported |= reported;
			return;
		}
	if (c->n == VT_SPLAT_MAX_STEPS) {
		c->dropped++;
		return;
	}
	st = &c->steps[c->n++];
	snprintf(st->from, sizeof(st->from), "%s", from);
	snprintf(st->to, sizeof(st->to), "%s", to);
	st->from_class = vt_splat_class(s, from);
	st->to_class = vt_splat_class(s, to);
	st->reported = reported;
}

/* The entry numbered @depth, or NULL: the parser keeps them as printed
 * (#N first), and a cut report may miss some. */
static const struct vt_kmsg_chain_entry *entry_at(const struct vt_kmsg_report *r, int depth)
{
	for (unsigned i = 0; i < r->nchain && i < VT_KMSG_MAX_CHAIN; i++)
		if (r->chain[i].depth == depth)
			return &r->chain[i];
	return NULL;
}

static void circular_steps(const struct vt_kmsg_report *r, const struct vt_snapshot *s,
			   struct vt_splat_chain *c)
{
	const struct vt_kmsg_chain_entry *first = entry_at(r, 0), *prev = first, *e;
	int depth;

	for (depth = 1; (e = entry_at(r, depth)); depth++) {
		if (prev)
			add_step(c, s, prev->name, e->name, false);
		prev = e;
	}
	/* #N -> #0 is the acquisition reported: "already holding" #N. */
	if (prev && first && prev != first)
		add_step(c, s, prev->name, first->name, true);
}

/* A task's lock list, "#0:" first: each lock was taken while the one above
 * it was held. */
static void held_steps(const struct vt_kmsg_report *r, const struct vt_snapshot *s,
		       struct vt_splat_chain *c)
{
	for (unsigned i = 1; i < r->nheld && i < VT_KMSG_MAX_HELD; i++) {
		const struct vt_kmsg_held *a = &r->held[i - 1], *b = &r->held[i];

		if (a->pid == b->pid && !strcmp(a->comm, b->comm) && b->depth == a->depth + 1)
			add_step(c, s, a->lock.name, b->lock.name, false);
	}
}

void vt_splat_chain_build(const struct vt_kmsg_report *r, const struct vt_snapshot *s,
			  struct vt_splat_chain *out)
{
	memset(out, 0, sizeof(*out));
	if (r->kind == VT_KMSG_CIRCULAR && r->nchain)
		circular_steps(r, s, out);
	if (r->kind != VT_KMSG_HUNG_TASK && r->has_hold && r->has_acquire)
		add_step(out, s, r->hold.name, r->acquire.name, true);
	if (r->kind == VT_KMSG_HUNG_TASK)
		held_steps(r, s, out);
}

int vt_splat_edge_step(const struct vt_splat_chain *c, const struct vt_lock_edge *e)
{
	for (unsigned i = 0; i < c->n && i < VT_SPLAT_MAX_STEPS; i++)
		if (c->steps[i].from_class >= 0 && c->steps[i].from_class == e->key.from_class &&
		    c->steps[i].to_class == e->key.to_class)
			return (int)i;
	return -1;
}
