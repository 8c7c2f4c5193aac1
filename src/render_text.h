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
#include "top_rows.h"

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
/* The same, with @marks[i] (NULL or a string) at the end of edge i's line:
 * the flight recorder marks the edges that match a kernel report's chain. */
int render_text_lock_order_marked(FILE *f, const struct vt_snapshot *snap,
				  const struct vt_lock_cycles *cycles, double seconds,
				  const char *const *marks);
/* "&vdev->memory_lock (read)": a lock class and mode as the lock order
 * names them, in @buf. */
const char *render_text_lock_label(char *buf, size_t len, const struct vt_snapshot *snap, int class,
				   int mode);

/* How `vfio-trace top` shows its rows. */
struct vt_top_view {
	enum vt_top_sort by;
	bool reverse;
	unsigned width;	   /* cut each line to this many columns; 0: no cut */
	unsigned max_rows; /* device rows shown, the rest counted; 0: all */
	bool keys;	   /* a line naming the keys (full screen) */
	double wall_time;  /* the clock of the title line */
};

/* `vfio-trace top`: a title line (time, interval, sort order, losses), the
 * keys, a column header and one row per device. */
int render_text_top(FILE *f, const struct vt_top *t, const struct vt_top_view *v);

/* Room for one event line: render_text_event_line() writes at most this. */
#define VT_EVENT_LINE_MAX 768
/* Column header of the event lines. */
int render_text_event_header(FILE *f);
/* One aligned line per event, built at @line (VT_EVENT_LINE_MAX bytes of
 * room); returns its length (no NUL). For a caller that batches lines in its
 * own buffer: in a storm, even fwrite() per line was a sixth of an event's
 * cost. The time column is seconds since start_ns, which must be on the event
 * clock (bpf_ktime_get_ns, i.e. CLOCK_MONOTONIC). */
/* @vm: the VM of the event's process (QEMU's -name), NULL or "" for none:
 * " [vm NAME]" at the end of the line. */
size_t render_text_event_line(char *line, const struct vt_trace_event *ev, __u64 start_ns,
			      const char *vm);
/* The same for a --stacks contention: the waiter's mode, path and wait, and
 * the holder (write owner, or readers and the last one), in VALUE. */
size_t render_text_contention_line(char *line, const struct vt_contention_event *ce, __u64 start_ns,
				   const char *vm);
/* Room for a slow operation's line: its stack's frames take what they need
 * of it, and the ones that do not fit are left out ("<- ..."). */
#define VT_SLOW_EVENT_LINE_MAX 4096
/* The same for a --min-latency slow operation, with its @frames (names, its
 * callers innermost first) in VALUE: "fault 12.3 ms page, ret 256; f <- g". */
size_t render_text_slow_line(char *line, const struct vt_slow_event *se,
			     const struct vt_frames *frames, __u64 start_ns, const char *vm);

#endif
