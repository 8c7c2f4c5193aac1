// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace probes`: load and attach everything, report what this kernel lets
 * us see and why, detach. */
#include <stdio.h>
#include "commands.h"
#include "render.h"
#include "tracer.h"

static void print_report(const struct vt_probe_report *r)
{
	size_t i;

	printf("%-18s %-36s %-10s %-12s %s\n", "OPERATION", "FUNCTION", "MODE", "STATUS", "REASON");
	for (i = 0; i < r->n; i++) {
		const struct vt_probe_status *s = &r->items[i];

		printf("%-18s %-36s %-10s %-12s %s\n", s->operation, s->function,
		       vt_probe_mode_name(s->mode), s->attached ? "attached" : s->on_demand ? "on-demand" : "unavailable",
		       s->reason);
	}
}

int vt_cmd_probes(const struct vt_options *o)
{
	struct vt_tracer t;
	int rc;

	if (vt_tracer_start(&t, o, false))
		return VT_EXIT_ERROR;
	if (o->json) {
		struct vt_snapshot empty = {};

		rc = render_json(stdout, &empty, vt_probes_report(t.probes), 0) ? VT_EXIT_ERROR
										 : VT_EXIT_OK;
	} else {
		print_report(vt_probes_report(t.probes));
		printf("\nper-thread state: %s\n", t.task_storage ? "task local storage"
			: "tid-keyed hash");
		rc = VT_EXIT_OK;
	}
	if (rc == VT_EXIT_OK && vt_probes_no_vfio(t.probes)) {
		vt_explain_no_vfio();
		rc = VT_EXIT_NOTHING;
	}
	vt_tracer_stop(&t);
	return rc;
}
