// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace lockdep`: the lock order threads really follow, as edges
 * "B acquired while A held", with the first stack of each and the cycles the
 * edges close. Works without CONFIG_LOCKDEP and tells devices apart. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "lock_order.h"
#include "render_dot.h"
#include "render_json.h"
#include "render_text.h"
#include "textfile.h"

static int begin(void *ctx, const struct vt_snapshot *first)
{
	fprintf(stderr, "Tracing the order of mmap_lock, vma_lock, memory_lock, i_mmap_rwsem and "
			"igate... Hit Ctrl-C to end.\n");
	return VT_EXIT_OK;
}

/* The DOT file, replaced atomically like the textfile: a viewer watching it
 * never reads half a graph. */
static int write_dot(const char *path, const struct vt_snapshot *snap,
		     const struct vt_lock_cycles *cycles)
{
	struct vt_dot_args args = { snap, cycles };
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int err;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	err = textfile_write(dir, slash ? slash + 1 : path, render_dot_cb, &args);
	if (err)
		fprintf(stderr, "vfio-trace: cannot write %s: %s\n", path, strerror(-err));
	return err;
}

/* At the end: every edge since attaching, over the time since then. */
static int report(void *ctx, const struct vt_snapshot *cur, const struct vt_snapshot *start)
{
	const struct vt_options *o = ctx;
	double seconds = (cur->mono_ns - start->mono_ns) / 1e9;
	struct vt_lock_cycles cycles;
	int err;

	vt_lock_cycles_find(cur, &cycles);
	err = o->json ? render_json_lock_order(stdout, cur, &cycles, seconds)
		      : render_text_lock_order(stdout, cur, &cycles, seconds);
	if (!err && o->dot_path)
		err = write_dot(o->dot_path, cur, &cycles);
	return err || fflush(stdout) ? VT_EXIT_ERROR : VT_EXIT_OK;
}

int vt_cmd_lockdep(const struct vt_options *o)
{
	static const struct vt_session_ops ops = { .begin = begin, .tick = report };
	struct vt_session_plan plan;

	vt_plan_from_options(o, &plan);
	plan.tracer.lock_order = true;
	plan.interval_s = 0;
	return vt_session_run(&plan, &ops, (void *)o);
}
