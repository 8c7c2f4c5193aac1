// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace events`: every access to disabled device memory, as it happens. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "render.h"
#include "signals.h"
#include "tracer.h"

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

static int on_event(void *arg, void *data, size_t size)
{
	struct events_ctx *ctx = arg;
	const struct vt_trace_event *ev = data;

	if (size < sizeof(*ev))
		return 0;
	if (sizeof(ctx->out) - ctx->len < VT_EVENT_LINE_MAX && flush_events(ctx))
		return ctx->write_error;	/* stops ring_buffer__poll */
	if (ctx->o->json)
		ctx->len += render_event_json_line(ctx->out + ctx->len, ev);
	else
		ctx->len += render_event_text_line(ctx->out + ctx->len, ev, ctx->start_ns);
	return 0;
}

int vt_cmd_events(const struct vt_options *o)
{
	static struct events_ctx ctx;
	struct ring_buffer *rb = NULL;
	struct vt_snapshot last = {};
	struct vt_tracer t;
	int rc = VT_EXIT_ERROR, err;
	__u64 end = 0;

	rc = vt_start_tracing(&t, o, true);
	if (rc != VT_EXIT_OK)
		return rc == VT_START_INTERRUPTED ? VT_EXIT_OK : rc;
	rc = VT_EXIT_ERROR;
	ctx.o = o;
	ctx.start_ns = t.started_ns;
	rb = ring_buffer__new(vt_tracer_events_fd(&t), on_event, &ctx, NULL);
	if (!rb) {
		fprintf(stderr, "vfio-trace: cannot open the event ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	fprintf(stderr, "Tracing disabled-memory accesses... Hit Ctrl-C to end.\n");
	/* Through stdio, and out before any line of ours. */
	if ((!o->json && render_event_text_header(stdout)) || fflush(stdout)) {
		fprintf(stderr, "vfio-trace: cannot write events: %s\n", strerror(errno));
		goto cleanup;
	}
	if (o->duration_s)
		end = vt_monotonic_ns() + (__u64)(o->duration_s * 1e9);
	while (!vt_exiting && !(end && vt_monotonic_ns() >= end)) {
		/* Events wake us only in batches (events.bpf.h): a poll that
		 * times out still takes whatever is there. */
		vt_tracer_serve(&t);
		err = ring_buffer__poll(rb, 100);
		if (err == 0)
			err = ring_buffer__consume(rb);
		if (err == -EINTR)
			continue;
		if (err >= 0 && flush_events(&ctx))
			err = ctx.write_error;
		if (err < 0) {
			if (ctx.write_error)
				fprintf(stderr, "vfio-trace: cannot write events: %s\n",
					strerror(-ctx.write_error));
			else
				fprintf(stderr, "vfio-trace: ring buffer poll: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	/* Whatever is still queued is delivered before we leave. */
	ring_buffer__consume(rb);
	if (flush_events(&ctx)) {
		fprintf(stderr, "vfio-trace: cannot write events: %s\n", strerror(-ctx.write_error));
		goto cleanup;
	}
	if (!vt_tracer_snapshot(&t, &last)) {
		if (last.lost[VT_LOST_RINGBUF_FULL])
			fprintf(stderr, "vfio-trace: %llu events lost: ring buffer full (they are "
				"still counted in the summary and export)\n",
				(unsigned long long)last.lost[VT_LOST_RINGBUF_FULL]);
		if (last.lost[VT_LOST_PROG_MISSED])
			fprintf(stderr, "vfio-trace: %llu probe runs missed: the kernel skipped a "
				"program already running on the same CPU\n",
				(unsigned long long)last.lost[VT_LOST_PROG_MISSED]);
		for (int r = 0; r < VT_LOST_MAX; r++)
			if (r != VT_LOST_RINGBUF_FULL && r != VT_LOST_PROG_MISSED && last.lost[r])
				fprintf(stderr, "vfio-trace: %llu updates lost: %s\n",
					(unsigned long long)last.lost[r], vt_lost_reason_name(r));
	}
	rc = VT_EXIT_OK;
cleanup:
	snapshot_free(&last);
	ring_buffer__free(rb);
	vt_tracer_stop(&t);
	return rc;
}
