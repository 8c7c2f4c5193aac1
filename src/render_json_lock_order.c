// SPDX-License-Identifier: GPL-2.0
/* The JSON document of `vfio-trace lockdep -j`: every edge with its whole
 * first stack, the cycles, and what was lost. */
#include <errno.h>
#include "json_writer.h"
#include "render_json.h"

static void write_lock(struct json_writer *w, const char *key, int class, int mode)
{
	jw_begin_object(w, key);
	jw_string(w, "class", vt_lock_class_name(class));
	jw_string(w, "mode", vt_lock_mode_name(mode));
	jw_end_object(w);
}

static void write_edge(struct json_writer *w, const struct vt_lock_edge *le)
{
	const struct vt_edge_key *k = &le->key;
	const struct vt_edge *e = &le->val;
	const char *frame = NULL;

	jw_begin_object(w, NULL);
	write_lock(w, "from", k->from_class, k->from_mode);
	write_lock(w, "to", k->to_class, k->to_mode);
	jw_u64(w, "count", e->count);
	jw_string(w, "device", vt_edge_device_name(k));
	jw_bool(w, "direct", k->direct);
	jw_begin_object(w, "first");
	jw_u64(w, "pid", e->pid);
	jw_u64(w, "tid", e->tid);
	jw_string_n(w, "comm", e->comm, sizeof(e->comm));
	jw_begin_array(w, "stack");
	while ((frame = snapshot_edge_frame(le, frame)))
		jw_string(w, NULL, frame);
	jw_end_array(w);
	jw_end_object(w);
	jw_end_object(w);
}

int render_json_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds)
{
	struct json_writer w;

	if (!f || !snap || !cycles || (snap->nedges && !snap->edges))
		return -EINVAL;
	jw_init(&w, f);
	jw_begin_object(&w, NULL);
	jw_double(&w, "duration_s", seconds, 3);
	jw_begin_array(&w, "edges");
	for (size_t i = 0; i < snap->nedges; i++)
		write_edge(&w, &snap->edges[i]);
	jw_end_array(&w);
	jw_begin_array(&w, "cycles");
	for (int j = 0; j < cycles->n; j++) {
		const struct vt_lock_cycle *c = &cycles->items[j];

		jw_begin_array(&w, NULL);
		for (int m = 0; m < c->len; m++)
			jw_string(&w, NULL, vt_lock_class_name(c->classes[m]));
		jw_end_array(&w);
	}
	jw_end_array(&w);
	jw_begin_object(&w, "lost");
	for (int r = 0; r < VT_LOST_MAX; r++)
		jw_u64(&w, vt_lost_reason_name(r), snap->lost[r]);
	jw_end_object(&w);
	jw_end_object(&w);
	return jw_finish(&w);
}
