// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace events`: every access to disabled device memory, as it happens. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "render_json.h"
#include "render_text.h"
#include "signals.h"

#define MAX2(a, b) ((a) > (b) ? (a) : (b))
/* Room the longest line of either format needs, a slow operation's. */
#define LINE_MAX_BYTES                                   \
	MAX2(MAX2(VT_EVENT_LINE_MAX, VT_EVENT_JSON_MAX), \
	     MAX2(VT_SLOW_EVENT_LINE_MAX, VT_SLOW_EVENT_JSON_MAX))

/*
 * Lines are built straight into out[] and written with write(2) once per ring
 * buffer poll, or sooner when it is nearly full: a storm costs a write() per
 * batch, not per line, and no stdio call per line either (bench/render-cost:
 * fwrite() was a sixth of what an event cost). A quiet stream is still
 * written within the 100 ms poll timeout.
 */
struct events_ctx {
	const struct vt_options *o;
	__u64 start_ns;
	struct vt_attribution *who; /* the session's: each event's VM */
	int write_error;
	size_t len;
	char out[1 << 16];
};

static int flush_events(struct events_ctx *ctx)
{
	size_t off = 0;

	while (off < ctx->len && !ctx->write_error) {
		ssize_t n = write(STDOUT_FILENO, ctx->out + off, ctx->len - off);

		if (n < 0 && errno == EINTR && !vt_exiting)
			continue;
		if (n < 0)
			ctx->write_error = -errno;
		else
			off += (size_t)n;
	}
	ctx->len = 0;
	return ctx->write_error;
}

static int on_event(void *arg, const struct vt_trace_event *ev, const struct vt_frames *frames)
{
	struct events_ctx *ctx = arg;

	if (sizeof(ctx->out) - ctx->len < LINE_MAX_BYTES && flush_events(ctx))
		return ctx->write_error; /* stops the poll */
	const char *vm = ctx->who ? vt_attribution_vm(ctx->who, ev->pid, ev->ts_ns) : "";

	/* The tracer hands a contention over whole (vt_tracer_config). */
	if (ev->kind == VT_EV_CONTENTION || ev->kind == VT_EV_TRYLOCK_FAILED) {
		const struct vt_contention_event *ce = (const void *)ev;

		ctx->len += ctx->o->json ? render_json_contention_line(ctx->out + ctx->len, ce, vm)
					 : render_text_contention_line(ctx->out + ctx->len, ce,
								       ctx->start_ns, vm);
	} else if (ev->kind == VT_EV_SLOW) {
		const struct vt_slow_event *se = (const void *)ev;

		ctx->len += ctx->o->json
				    ? render_json_slow_line(ctx->out + ctx->len, se, frames, vm)
				    : render_text_slow_line(ctx->out + ctx->len, se, frames,
							    ctx->start_ns, vm);
	} else if (ctx->o->json) {
		ctx->len += render_json_event_line(ctx->out + ctx->len, ev, vm);
	} else {
		ctx->len += render_text_event_line(ctx->out + ctx->len, ev, ctx->start_ns, vm);
	}
	return 0;
}

static int write_failed(struct events_ctx *ctx)
{
	fprintf(stderr, "vfio-trace: cannot write events: %s\n", strerror(-ctx->write_error));
	return VT_EXIT_ERROR;
}

static int begin(void *arg, const struct vt_snapshot *first)
{
	struct events_ctx *ctx = arg;

	ctx->start_ns = first->started_ns;
	fprintf(stderr, "Tracing disabled-memory accesses%s... Hit Ctrl-C to end.\n",
		ctx->o->stacks ? " and memory_lock contentions" : "");
	/* Through stdio, and out before any line of ours. */
	if ((!ctx->o->json && render_text_event_header(stdout)) || fflush(stdout)) {
		fprintf(stderr, "vfio-trace: cannot write events: %s\n", strerror(errno));
		return VT_EXIT_ERROR;
	}
	return VT_EXIT_OK;
}

/* The stream itself: serve on-demand probes, poll, write what came. */
static int stream(void *arg, struct vt_tracer *t, struct vt_attribution *who, __u64 deadline_ns)
{
	struct events_ctx *ctx = arg;

	ctx->who = who;
	while (!vt_exiting && vt_monotonic_ns() < deadline_ns) {
		int err;

		vt_tracer_serve(t);
		err = vt_tracer_poll_events(t, 100);
		if (err == -EINTR)
			continue;
		if (err >= 0 && flush_events(ctx))
			err = ctx->write_error;
		if (ctx->write_error)
			return write_failed(ctx);
		if (err < 0) {
			fprintf(stderr, "vfio-trace: ring buffer poll: %s\n", strerror(-err));
			return VT_EXIT_ERROR;
		}
	}
	/* Whatever is still queued is delivered before we leave. */
	vt_tracer_drain_events(t);
	if (flush_events(ctx))
		return write_failed(ctx);
	return VT_EXIT_OK;
}

/* At the end: what could not be streamed, from the counters. */
static int report_losses(void *arg, const struct vt_snapshot *last, const struct vt_snapshot *prev)
{
	if (last->lost[VT_LOST_RINGBUF_FULL])
		fprintf(stderr,
			"vfio-trace: %llu events lost: ring buffer full (they are "
			"still counted in the summary and export)\n",
			(unsigned long long)last->lost[VT_LOST_RINGBUF_FULL]);
	if (last->lost[VT_LOST_PROG_MISSED])
		fprintf(stderr,
			"vfio-trace: %llu probe runs missed: the kernel skipped a "
			"program already running on the same CPU\n",
			(unsigned long long)last->lost[VT_LOST_PROG_MISSED]);
	for (int r = 0; r < VT_LOST_MAX; r++)
		if (r != VT_LOST_RINGBUF_FULL && r != VT_LOST_PROG_MISSED && last->lost[r])
			fprintf(stderr, "vfio-trace: %llu updates lost: %s\n",
				(unsigned long long)last->lost[r], vt_lost_reason_name(r));
	return VT_EXIT_OK;
}

int vt_cmd_events(const struct vt_options *o)
{
	static const struct vt_session_ops ops = {
		.begin = begin,
		.tick = report_losses,
		.wait = stream,
	};
	static struct events_ctx ctx;
	struct vt_session_plan plan;
	int rc;

	ctx.o = o;
	vt_plan_from_options(o, &plan);
	plan.tracer.on_event = on_event;
	plan.tracer.event_ctx = &ctx;
	plan.interval_s = 0;
	rc = vt_session_run(&plan, &ops, &ctx);
	ctx.who = NULL;
	return rc;
}
