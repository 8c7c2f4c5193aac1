// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace top [INTERVAL [COUNT]]`: a live view, one row per device. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "render_text.h"
#include "signals.h"
#include "terminal.h"
#include "top_rows.h"

/* Lines of a frame that are not device rows: title, keys, blank, header,
 * and the "... more devices" line. */
#define FRAME_LINES 5

struct top_ctx {
	struct vt_terminal term;
	enum vt_top_sort by;
	bool reverse;
	struct vt_top shown; /* the rows on screen: a key redraws them at once */
	double interval_s;
	double wall_time;
};

static int draw(struct top_ctx *c)
{
	struct vt_top_view v = { .by = c->by,
				 .reverse = c->reverse,
				 .keys = c->term.full_screen,
				 .wall_time = c->wall_time };
	unsigned rows, cols;
	int err;

	vt_top_sort(&c->shown, c->by, c->reverse);
	if (c->term.full_screen) {
		vt_terminal_size(&rows, &cols);
		v.width = cols;
		v.max_rows = rows > FRAME_LINES + 1 ? rows - FRAME_LINES : 1;
		vt_terminal_clear(stdout);
	}
	err = render_text_top(stdout, &c->shown, &v);
	/* Batch mode: a blank line between blocks, as `top -b` has. */
	if (!err && !c->term.full_screen && putchar('\n') == EOF)
		err = -EIO;
	if (!err && fflush(stdout))
		err = -errno;
	if (err) {
		fprintf(stderr, "vfio-trace: cannot write the view: %s\n", strerror(-err));
		return VT_EXIT_ERROR;
	}
	return VT_EXIT_OK;
}

/* The first frame, before an interval has passed: what came since the
 * start, so a full screen is never blank. */
static int begin(void *arg, const struct vt_snapshot *first)
{
	struct top_ctx *c = arg;
	struct vt_snapshot since = *first;
	int err = vt_terminal_open(&c->term);

	if (err) {
		fprintf(stderr, "vfio-trace: cannot set up the terminal: %s\n", strerror(-err));
		return VT_EXIT_ERROR;
	}
	if (!c->term.full_screen) {
		fprintf(stderr,
			"Tracing vfio-pci devices, a block every %.1f s... Hit Ctrl-C to end.\n",
			c->interval_s);
		return VT_EXIT_OK;
	}
	since.mono_ns = first->mono_ns > first->started_ns ? first->mono_ns - first->started_ns : 0;
	if (vt_top_build(&c->shown, &since, first->mono_ns))
		return VT_EXIT_ERROR;
	c->wall_time = first->wall_time;
	return draw(c);
}

static int tick(void *arg, const struct vt_snapshot *cur, const struct vt_snapshot *prev)
{
	struct top_ctx *c = arg;
	struct vt_snapshot delta;
	int err;

	/* After q the session takes one last snapshot: nothing to show. */
	if (vt_exiting && c->term.full_screen)
		return VT_EXIT_OK;
	err = snapshot_diff(&delta, cur, prev);
	if (!err) {
		vt_top_free(&c->shown);
		err = vt_top_build(&c->shown, &delta, cur->mono_ns);
		snapshot_free(&delta);
	}
	if (err) {
		fprintf(stderr, "vfio-trace: cannot build the view: %s\n", strerror(-err));
		return VT_EXIT_ERROR;
	}
	c->wall_time = cur->wall_time;
	return draw(c);
}

/* A key changes the order, and the frame is redrawn at once. */
static int on_key(struct top_ctx *c, int key)
{
	enum vt_top_sort by = vt_top_sort_of_key(key);

	if (key == 'q' || key < 0) { /* q, or the terminal is gone */
		vt_exiting = 1;
		return VT_EXIT_OK;
	}
	if (key == 'r')
		c->reverse = !c->reverse;
	else if (by != VT_TOP_SORT_MAX)
		c->by = by;
	else
		return VT_EXIT_OK;
	return draw(c);
}

/* Until the next frame: keys, and the BPF side's requests every 100 ms. */
static int wait_keys(void *arg, struct vt_tracer *t, struct vt_attribution *who, __u64 deadline_ns)
{
	struct top_ctx *c = arg;

	while (!vt_exiting) {
		__u64 now = vt_monotonic_ns(), left_ms;
		int key, rc;

		if (now >= deadline_ns)
			break;
		left_ms = (deadline_ns - now + 999999) / 1000000;
		vt_tracer_serve(t);
		key = vt_terminal_key(&c->term, left_ms < 100 ? (int)left_ms : 100);
		if (!key)
			continue;
		rc = on_key(c, key);
		if (rc)
			return rc;
	}
	return VT_EXIT_OK;
}

int vt_cmd_top(const struct vt_options *o)
{
	static const struct vt_session_ops ops = {
		.begin = begin,
		.tick = tick,
		.wait = wait_keys,
	};
	struct top_ctx c = { .by = o->top_sort };
	struct vt_session_plan plan;
	int rc;

	vt_plan_from_options(o, &plan); /* the parser gave top its default interval */
	c.interval_s = plan.interval_s;
	rc = vt_session_run(&plan, &ops, &c);
	vt_terminal_close(&c.term);
	vt_top_free(&c.shown);
	return rc;
}
