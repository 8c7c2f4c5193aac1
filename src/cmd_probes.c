// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace probes`: load and attach everything, report what this kernel lets
 * us see and why, detach. With --lockdep, everything `vfio-trace lockdep`
 * attaches: the lock functions and the fs_reclaim tracepoints too. */
#include <stdio.h>
#include "commands.h"
#include "render_json.h"
#include "render_text.h"

static int report(void *ctx, const struct vt_snapshot *snap, const struct vt_snapshot *prev)
{
	const struct vt_options *o = ctx;
	int err = o->json ? render_json_probes(stdout, snap) : render_text_probes(stdout, snap);

	return err || fflush(stdout) ? VT_EXIT_ERROR : VT_EXIT_OK;
}

int vt_cmd_probes(const struct vt_options *o)
{
	static const struct vt_session_ops ops = { .tick = report };
	struct vt_session_plan plan;

	vt_plan_from_options(o, &plan);
	plan.report_only = true;
	plan.wait_for_vfio = false;
	plan.tracer.note_pinned_modules = false;
	plan.tracer.lock_order = o->lockdep;
	return vt_session_run(&plan, &ops, (void *)o);
}
