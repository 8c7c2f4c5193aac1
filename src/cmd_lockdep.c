// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace lockdep`: the lock order threads really follow, as edges
 * "B acquired while A held", with the first stack of each and the cycles the
 * edges close. Works without CONFIG_LOCKDEP and tells devices apart. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "flight_recorder.h"
#include "lock_order.h"
#include "render_dot.h"
#include "render_json.h"
#include "render_text.h"
#include "textfile.h"

struct lockdep_run {
	const struct vt_options *o;
	struct vt_flight_recorder *recorder; /* --watch-kmsg, else NULL */
};

static int begin(void *ctx, const struct vt_snapshot *first)
{
	const struct lockdep_run *run = ctx;

	fprintf(stderr, "Tracing the order of mmap_lock, vma_lock, memory_lock, i_mmap_rwsem and "
			"igate... Hit Ctrl-C to end.\n");
	if (run->recorder)
		fprintf(stderr,
			"Keeping %.0f s of lock events; each kernel lock report goes to a new "
			"file in %s.\n",
			run->o->keep_s, run->o->watch_kmsg_dir);
	return VT_EXIT_OK;
}

/* With --watch-kmsg the recorder does the waiting: it reads the kernel's log
 * meanwhile. */
static int wait_recording(void *ctx, struct vt_tracer *t, struct vt_attribution *who,
			  __u64 deadline_ns)
{
	const struct lockdep_run *run = ctx;

	return vt_flight_recorder_wait(run->recorder, t, deadline_ns);
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
	const struct vt_options *o = ((const struct lockdep_run *)ctx)->o;
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
	static const struct vt_session_ops plain = { .begin = begin, .tick = report };
	static const struct vt_session_ops recording = { .begin = begin,
							 .tick = report,
							 .wait = wait_recording };
	struct lockdep_run run = { o, NULL };
	struct vt_session_plan plan;
	int rc;

	/* Before anything is attached: a directory we cannot write to is a
	 * usage error, found at once, not at the first report. */
	if (o->watch_kmsg_dir) {
		rc = vt_flight_recorder_open(&run.recorder, o->watch_kmsg_dir, o->keep_s, NULL);
		if (rc)
			return rc;
	}
	vt_plan_from_options(o, &plan);
	plan.tracer.lock_order = true;
	plan.interval_s = 0;
	rc = vt_session_run(&plan, run.recorder ? &recording : &plain, &run);
	vt_flight_recorder_close(run.recorder);
	return rc;
}
