/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Renderers: a snapshot (or one event) in, text on a FILE out. They never
 * read the kernel and never keep state between calls. Every one returns 0, or
 * -EINVAL for bad arguments, or -EIO when the stream reported a write error.
 */
#ifndef VT_RENDER_H
#define VT_RENDER_H

#include <stdio.h>
#include "cli.h"	/* enum vt_unit */
#include "snapshot.h"

struct vt_render_opts {
	enum vt_unit unit;	/* histogram unit: nsecs, usecs or msecs */
	int timestamp;		/* -T: a %H:%M:%S line (local time) first */
	int per_result;		/* one fault latency histogram per fault result */
	unsigned top_procs;	/* pinning processes listed; 0 means 10 */
};

/* bcc-style summary of one interval (a snapshot_diff() result). Starts with a
 * blank line, as bcc tools separate intervals. */
int render_text(FILE *f, const struct vt_snapshot *delta,
		const struct vt_render_opts *opts);

/*
 * One JSON document on one line. interval_flag says snap is a snapshot_diff()
 * result: "interval_s" is then its mono_ns in seconds; otherwise snap is
 * cumulative and "interval_s" is null. probes may be NULL ("probes": null).
 */
int render_json(FILE *f, const struct vt_snapshot *snap,
		const struct vt_probe_report *probes, int interval_flag);

/* Prometheus text exposition of a cumulative snapshot; probes may be NULL. */
int render_prom(FILE *f, const struct vt_snapshot *cumulative,
		const struct vt_probe_report *probes);

/* render_prom() in the shape textfile_write() takes: arg is a
 * struct vt_prom_args. */
struct vt_prom_args {
	const struct vt_snapshot *snap;
	const struct vt_probe_report *probes;
};
int render_prom_cb(FILE *f, void *arg);

/* One NDJSON line per ring buffer event. */
int render_event_json(FILE *f, const struct vt_trace_event *ev);
/* The same line, or render_event_text()'s, built at @line, which has room for
 * VT_EVENT_LINE_MAX bytes; returns its length (no NUL). For a caller that
 * batches lines in its own buffer: in a storm, even fwrite() per line was a
 * sixth of an event's cost. */
#define VT_EVENT_LINE_MAX 768
size_t render_event_json_line(char *line, const struct vt_trace_event *ev);
size_t render_event_text_line(char *line, const struct vt_trace_event *ev, __u64 start_ns);

/* Column header for render_event_text(). */
int render_event_text_header(FILE *f);
/* One aligned line per event. The time column is seconds since start_ns, which
 * must be on the event clock (bpf_ktime_get_ns, i.e. CLOCK_MONOTONIC). */
int render_event_text(FILE *f, const struct vt_trace_event *ev,
		      __u64 start_ns);

#endif
