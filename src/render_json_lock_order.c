// SPDX-License-Identifier: GPL-2.0
/* The JSON document of `vfio-trace lockdep -j`: every edge with its whole
 * first stack, the cycles, and what was lost. */
#include <errno.h>
#include <stdbool.h>
#include "json_writer.h"
#include "render_json.h"

static void write_lock(struct json_writer *w, const struct vt_snapshot *snap, const char *key,
		       int class, int mode)
{
	jw_begin_object(w, key);
	jw_string(w, "class", snapshot_lock_name(snap, class));
	jw_string(w, "mode", vt_lock_mode_name(mode));
	jw_end_object(w);
}

static void write_first(struct json_writer *w, const struct vt_snapshot *snap,
			const struct vt_lock_edge *le)
{
	const struct vt_edge *e = &le->val;
	const char *frame = NULL;

	jw_begin_object(w, "first");
	jw_u64(w, "pid", e->pid);
	jw_u64(w, "tid", e->tid);
	jw_string_n(w, "comm", e->comm, sizeof(e->comm));
	jw_u64(w, "ns_after_start",
	       e->first_ns > snap->started_ns ? e->first_ns - snap->started_ns : 0);
	jw_begin_array(w, "stack");
	while ((frame = snapshot_edge_frame(le, frame)))
		jw_string(w, NULL, frame);
	jw_end_array(w);
	jw_end_object(w);
}

static void write_device(struct json_writer *w, const char *key, const struct vt_snapshot *snap,
			 __u32 slot)
{
	const struct vt_dev_snapshot *d = snapshot_device_at_slot(snap, slot);

	if (d)
		jw_string_n(w, key, d->info.bdf, sizeof(d->info.bdf));
	else
		jw_null(w, key);
}

static void write_edge(struct json_writer *w, const struct vt_snapshot *snap,
		       const struct vt_lock_edge *le)
{
	const struct vt_edge_key *k = &le->key;

	jw_begin_object(w, NULL);
	write_lock(w, snap, "from", k->from_class, k->from_mode);
	write_lock(w, snap, "to", k->to_class, k->to_mode);
	jw_u64(w, "count", le->val.count);
	jw_string(w, "device", vt_edge_device_name(k));
	write_device(w, "from_bdf", snap, k->from_slot);
	write_device(w, "to_bdf", snap, k->to_slot);
	jw_bool(w, "direct", k->direct);
	write_first(w, snap, le);
	jw_end_object(w);
}

/* A cycle: its classes, whether it closes on real lock instances (and on
 * which device's), and each step's first sighting. */
static void write_cycle(struct json_writer *w, const struct vt_snapshot *snap,
			const struct vt_lock_cycle *c)
{
	jw_begin_object(w, NULL);
	jw_begin_array(w, "classes");
	for (int m = 0; m <= c->len; m++)
		jw_string(w, NULL, snapshot_lock_name(snap, c->classes[m]));
	jw_end_array(w);
	jw_bool(w, "instances", c->instances);
	write_device(w, "device", snap, c->slot);
	jw_begin_array(w, "steps");
	for (int k = 0; k < c->len; k++) {
		const struct vt_lock_edge *le = &snap->edges[c->edges[k]];

		jw_begin_object(w, NULL);
		write_lock(w, snap, "from", le->key.from_class, le->key.from_mode);
		write_lock(w, snap, "to", le->key.to_class, le->key.to_mode);
		jw_u64(w, "count", le->val.count);
		write_first(w, snap, le);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

int render_json_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds)
{
	struct json_writer w;

	if (!f || !snap || !cycles || (snap->nedges && !snap->edges) ||
	    !vt_lock_cycles_valid(snap, cycles))
		return -EINVAL;
	jw_init(&w, f);
	jw_begin_object(&w, NULL);
	jw_double(&w, "duration_s", seconds, 3);
	jw_begin_array(&w, "edges");
	for (size_t i = 0; i < snap->nedges; i++)
		write_edge(&w, snap, &snap->edges[i]);
	jw_end_array(&w);
	jw_begin_array(&w, "cycles");
	for (int j = 0; j < cycles->n; j++)
		write_cycle(&w, snap, &cycles->items[j]);
	jw_end_array(&w);
	jw_begin_object(&w, "lost");
	for (int r = 0; r < VT_LOST_MAX; r++)
		jw_u64(&w, vt_lost_reason_name(r), snap->lost[r]);
	jw_end_object(&w);
	render_json_write_probes(&w, snap->probes);
	jw_end_object(&w);
	return jw_finish(&w);
}
