// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace [INTERVAL [COUNT]]`: bcc-style periodic summaries. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "render_json.h"
#include "render_text.h"

static int begin(void *ctx, const struct vt_snapshot *first)
{
	const struct vt_options *o = ctx;

	fprintf(o->json ? stderr : stdout,
		"Tracing vfio-pci memory_lock, faults, zaps and pins on %d functions... "
		"Hit Ctrl-C to end.\n",
		first->probes->vfio_attached);
	fflush(stdout);
	return VT_EXIT_OK;
}

/* The interval: what changed since the snapshot before. */
static int tick(void *ctx, const struct vt_snapshot *cur, const struct vt_snapshot *prev)
{
	const struct vt_options *o = ctx;
	struct vt_render_opts ropts = { .unit = o->unit, .timestamp = o->timestamp };
	struct vt_snapshot delta;
	int err;

	err = snapshot_diff(&delta, cur, prev);
	if (!err) {
		err = o->json ? render_json(stdout, &delta) : render_text(stdout, &delta, &ropts);
		snapshot_free(&delta);
	}
	if (!err && fflush(stdout))
		err = -errno;
	if (err) {
		fprintf(stderr, "vfio-trace: cannot write the summary: %s\n", strerror(-err));
		return VT_EXIT_ERROR;
	}
	return VT_EXIT_OK;
}

int vt_cmd_summary(const struct vt_options *o)
{
	static const struct vt_session_ops ops = { .begin = begin, .tick = tick };
	struct vt_session_plan plan;

	vt_plan_from_options(o, &plan);
	return vt_session_run(&plan, &ops, (void *)o);
}
