/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON renderers: a snapshot (or one event) in, compact JSON out, one
 * document on one line. They never read the kernel and keep no state between
 * calls. Every one returns 0, or -EINVAL for bad arguments, or -EIO when the
 * stream reported a write error.
 */
#ifndef VT_RENDER_JSON_H
#define VT_RENDER_JSON_H

#include <stdio.h>
#include "lock_order.h"
#include "snapshot.h"

/*
 * The summary document. For a snapshot_diff() result, "interval_s" is its
 * length in seconds; for a cumulative snapshot it is null. "probes" is the
 * snapshot's probe report, or null when it has none.
 */
int render_json(FILE *f, const struct vt_snapshot *snap);

/* `vfio-trace probes -j`: {"probes": [...], "per_thread_state": "task_storage"
 * or "hash"}. -EINVAL when the snapshot has no probe report. */
int render_json_probes(FILE *f, const struct vt_snapshot *snap);

/* `vfio-trace lockdep -j`: the edges of @snap seen in @seconds, each with its
 * whole first stack, the cycles, the losses, and the probe report (which lock
 * functions and fs_reclaim tracepoints this kernel gave). */
int render_json_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds);

/* The "probes" member of a document: the report, or null. For the JSON
 * renderers, so each document shows it the same way. */
struct json_writer;
void render_json_write_probes(struct json_writer *w, const struct vt_probe_report *probes);

/* Room for one event line: render_json_event_line() writes at most this. */
#define VT_EVENT_JSON_MAX 768
/* One NDJSON line per ring buffer event, built at @line (VT_EVENT_JSON_MAX
 * bytes of room); returns its length (no NUL). */
size_t render_json_event_line(char *line, const struct vt_trace_event *ev);

#endif
