/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text renderers: a snapshot (or one event) in, text on a FILE out, in the
 * look of bcc's libbpf-tools. They never read the kernel and keep no state
 * between calls. Every one returns 0, or -EINVAL for bad arguments, or -EIO
 * when the stream reported a write error.
 */
#ifndef VT_RENDER_TEXT_H
#define VT_RENDER_TEXT_H

#include <stdio.h>
#include "lock_order.h"
#include "snapshot.h"

enum vt_unit {
	VT_UNIT_NS,
	VT_UNIT_US,
	VT_UNIT_MS,
};

struct vt_render_opts {
	enum vt_unit unit;  /* histogram unit: nsecs, usecs or msecs */
	int timestamp;	    /* -T: a %H:%M:%S line (local time) first */
	int per_result;	    /* one fault latency histogram per fault result */
	unsigned top_procs; /* pinning processes listed; 0 means 10 */
};

/* bcc-style summary of one interval (a snapshot_diff() result). Starts with a
 * blank line, as bcc tools separate intervals. */
int render_text(FILE *f, const struct vt_snapshot *delta, const struct vt_render_opts *opts);

/* The probe report of `vfio-trace probes`: a table, then the per-thread
 * state. -EINVAL when the snapshot has no probe report. */
int render_text_probes(FILE *f, const struct vt_snapshot *snap);

/* `vfio-trace lockdep`: the edges of @snap seen in @seconds, each with its
 * first stack, then the cycles. */
int render_text_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds);

/* Room for one event line: render_text_event_line() writes at most this. */
#define VT_EVENT_LINE_MAX 768
/* Column header of the event lines. */
int render_text_event_header(FILE *f);
/* One aligned line per event, built at @line (VT_EVENT_LINE_MAX bytes of
 * room); returns its length (no NUL). For a caller that batches lines in its
 * own buffer: in a storm, even fwrite() per line was a sixth of an event's
 * cost. The time column is seconds since start_ns, which must be on the event
 * clock (bpf_ktime_get_ns, i.e. CLOCK_MONOTONIC). */
size_t render_text_event_line(char *line, const struct vt_trace_event *ev, __u64 start_ns);

#endif
