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
#define VT_EVENT_JSON_MAX 1792
/* One NDJSON line per ring buffer event, built at @line (VT_EVENT_JSON_MAX
 * bytes of room); returns its length (no NUL). */
/* @vm: the VM of the event's process (QEMU's -name), NULL or "" for none
 * ("vm":null). */
size_t render_json_event_line(char *line, const struct vt_trace_event *ev, const char *vm);
/* The same for a --stacks contention: the head's members ("value" is the
 * wait in ns), then "waiter" {mode, path} and "holder" {mode, path, pid, tid,
 * comm, readers}, all null when no holder is known. */
size_t render_json_contention_line(char *line, const struct vt_contention_event *ce,
				   const char *vm);
/* Room for a slow operation's line; frames that do not fit are left out and
 * "stack_truncated" says so. */
#define VT_SLOW_EVENT_JSON_MAX 4096
/* A --min-latency slow operation: the head's members ("value" is its
 * duration in ns), then "slow" {op, detail, duration_ns, ret, stack [names],
 * stack_truncated}. */
size_t render_json_slow_line(char *line, const struct vt_slow_event *se,
			     const struct vt_frames *frames, const char *vm);

#endif
