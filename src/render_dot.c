// SPDX-License-Identifier: GPL-2.0
/* The lock-order graph as Graphviz DOT. Class names are the program's own
 * (names.c), but they are quoted and escaped all the same: DOT IDs in double
 * quotes take any text but an unescaped quote. */
#include <errno.h>
#include "render_dot.h"

static void put_id(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The colour of from -> to: red on a cycle of real lock instances, orange on
 * one of classes only (lockdep would report it), none off cycles. */
static const char *cycle_colour(const struct vt_lock_cycles *c, int from, int to)
{
	const char *colour = NULL;

	for (int i = 0; i < c->n; i++)
		for (int k = 0; k < c->items[i].len; k++)
			if (c->items[i].classes[k] == from && c->items[i].classes[k + 1] == to) {
				if (c->items[i].instances)
					return "red";
				colour = "orange";
			}
	return colour;
}

static const char *mode_letter(int mode)
{
	return mode == VT_MODE_READ ? "R" : "W";
}

int render_dot(FILE *f, const struct vt_snapshot *snap, const struct vt_lock_cycles *cycles)
{
	bool seen[VT_LC_ALL + 1] = { false };

	if (!f || !snap || !cycles || (snap->nedges && !snap->edges))
		return -EINVAL;
	fputs("digraph lock_order {\n"
	      "\tgraph [label=\"vfio-trace lockdep: B acquired while A held (A -> B); "
	      "red: on a cycle, orange: on a cycle of classes only, dashed: same device\", "
	      "labelloc=t, fontsize=11];\n"
	      "\tnode [shape=box, fontname=\"monospace\"];\n"
	      "\tedge [fontname=\"monospace\", fontsize=10];\n",
	      f);
	for (size_t i = 0; i < snap->nedges; i++) {
		const struct vt_edge_key *k = &snap->edges[i].key;
		int ends[2] = { k->from_class, k->to_class };

		for (int j = 0; j < 2; j++) {
			int c = ends[j] < VT_LC_ALL ? ends[j] : VT_LC_ALL;

			if (seen[c])
				continue;
			seen[c] = true;
			fputc('\t', f);
			put_id(f, snapshot_lock_name(snap, ends[j]));
			fputs(";\n", f);
		}
	}
	for (size_t i = 0; i < snap->nedges; i++) {
		const struct vt_lock_edge *e = &snap->edges[i];
		const struct vt_edge_key *k = &e->key;
		const char *colour = cycle_colour(cycles, k->from_class, k->to_class);

		fputc('\t', f);
		put_id(f, snapshot_lock_name(snap, k->from_class));
		fputs(" -> ", f);
		put_id(f, snapshot_lock_name(snap, k->to_class));
		fprintf(f, " [label=\"%s->%s x%llu%s\"", mode_letter(k->from_mode),
			mode_letter(k->to_mode), (unsigned long long)e->val.count,
			k->direct ? "" : " (indirect)");
		if (colour)
			fprintf(f, ", color=%s, penwidth=2", colour);
		fputs(k->same_device ? ", style=dashed];\n" : "];\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

int render_dot_cb(FILE *f, void *arg)
{
	const struct vt_dot_args *a = arg;

	return a ? render_dot(f, a->snap, a->cycles) : -EINVAL;
}
