// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace export`: the Prometheus textfile for node_exporter, rewritten
 * atomically every interval and once more on SIGTERM/SIGINT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "render.h"
#include "signals.h"
#include "textfile.h"
#include "tracer.h"

#define VT_TEXTFILE_NAME "vfio_trace.prom"

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

static int write_once(struct vt_tracer *t, const char *dir)
{
	struct vt_snapshot snap;
	struct vt_prom_args args;
	int err;

	err = vt_tracer_snapshot(t, &snap);
	if (err)
		return err;
	args.snap = &snap;
	args.probes = vt_probes_report(t->probes);
	err = textfile_write(dir, VT_TEXTFILE_NAME, render_prom_cb, &args);
	snapshot_free(&snap);
	return err;
}

int vt_cmd_export(const struct vt_options *o)
{
	unsigned long written = 0;
	struct vt_tracer t;
	__u64 next, end = 0;
	int rc = VT_EXIT_ERROR, err;

	err = check_dir(o->textfile_dir);
	if (err) {
		fprintf(stderr, "vfio-trace: cannot write to textfile directory %s: %s\n",
			o->textfile_dir, strerror(-err));
		return VT_EXIT_ERROR;
	}
	rc = vt_start_tracing(&t, o, false);
	if (rc != VT_EXIT_OK)
		return rc == VT_START_INTERRUPTED ? VT_EXIT_OK : rc;
	rc = VT_EXIT_ERROR;
	fprintf(stderr, "Exporting to %s/%s every %g s... Hit Ctrl-C to end.\n",
		o->textfile_dir, VT_TEXTFILE_NAME, o->interval_s);
	if (o->duration_s)
		end = vt_monotonic_ns() + (__u64)(o->duration_s * 1e9);
	next = vt_monotonic_ns();
	for (;;) {
		/* A failed write keeps the previous file whole; the next interval
		 * tries again. */
		err = write_once(&t, o->textfile_dir);
		if (err)
			fprintf(stderr, "vfio-trace: writing %s/%s failed: %s (will retry)\n",
				o->textfile_dir, VT_TEXTFILE_NAME, strerror(-err));
		else
			written++;
		if (vt_exiting || (o->count && written >= o->count) ||
		    (end && vt_monotonic_ns() >= end))
			break;
		next += (__u64)(o->interval_s * 1e9);
		if (end && next > end)
			next = end;
		vt_tracer_wait_until(&t, next);
		if (vt_exiting) {
			/* The final state, so nothing counted since the last write is lost. */
			err = write_once(&t, o->textfile_dir);
			if (err)
				fprintf(stderr, "vfio-trace: final write of %s/%s failed: %s\n",
					o->textfile_dir, VT_TEXTFILE_NAME, strerror(-err));
			break;
		}
	}
	rc = err ? VT_EXIT_ERROR : VT_EXIT_OK;
	vt_tracer_stop(&t);
	return rc;
}
