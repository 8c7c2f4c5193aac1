// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace export`: the Prometheus textfile for node_exporter, rewritten
 * atomically every interval and once more on SIGTERM/SIGINT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "render_prom.h"
#include "signals.h"
#include "textfile.h"

#define VT_TEXTFILE_NAME "vfio_trace.prom"

struct export_ctx {
	const struct vt_options *o;
	int last_err; /* of the last write: the exit code says it */
};

static int check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (access(dir, W_OK | X_OK))
		return -errno;
	return 0;
}

static int begin(void *arg, const struct vt_snapshot *first)
{
	const struct export_ctx *ctx = arg;

	fprintf(stderr, "Exporting to %s/%s every %g s... Hit Ctrl-C to end.\n",
		ctx->o->textfile_dir, VT_TEXTFILE_NAME, ctx->o->interval_s);
	return VT_EXIT_OK;
}

/* A failed write keeps the previous file whole; the next interval tries
 * again. After a signal this is the final state, so nothing counted since the
 * last write is lost. */
static int write_file(void *arg, const struct vt_snapshot *cur, const struct vt_snapshot *prev)
{
	struct export_ctx *ctx = arg;
	const char *dir = ctx->o->textfile_dir;

	const struct prom_options opts = {
		.series = ctx->o->compact_series ? PROM_SERIES_COMPACT : PROM_SERIES_FULL,
	};
	struct prom_job job = { cur, &opts };

	ctx->last_err = textfile_replace(dir, VT_TEXTFILE_NAME, render_prom_cb, &job);
	if (ctx->last_err && vt_exiting)
		fprintf(stderr, "vfio-trace: final write of %s/%s failed: %s\n", dir,
			VT_TEXTFILE_NAME, strerror(-ctx->last_err));
	else if (ctx->last_err)
		fprintf(stderr, "vfio-trace: writing %s/%s failed: %s (will retry)\n", dir,
			VT_TEXTFILE_NAME, strerror(-ctx->last_err));
	return VT_EXIT_OK;
}

int vt_cmd_export(const struct vt_options *o)
{
	static const struct vt_session_ops ops = { .begin = begin, .tick = write_file };
	struct export_ctx ctx = { .o = o };
	struct vt_session_plan plan;
	int err, rc;

	err = check_dir(o->textfile_dir);
	if (err) {
		fprintf(stderr, "vfio-trace: cannot write to textfile directory %s: %s\n",
			o->textfile_dir, strerror(-err));
		return VT_EXIT_ERROR;
	}
	vt_plan_from_options(o, &plan);
	plan.tick_at_start = true;
	rc = vt_session_run(&plan, &ops, &ctx);
	return rc == VT_EXIT_OK && ctx.last_err ? VT_EXIT_ERROR : rc;
}
