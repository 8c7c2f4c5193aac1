/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own reports about locks, recognized in its log: lockdep
 * reports (a possible circular, recursive or irq-inversion dependency, an
 * inconsistent lock state, and lockdep's other warnings), hung tasks and soft
 * lockups. For the flight recorder of `vfio-trace lockdep`, which keeps each
 * splat with the chain parsed from it beside vfio-trace's own edges.
 *
 * Fed one /dev/kmsg record (as read(2) returns it) or dmesg line at a time,
 * it hands each completed report to a callback. It never blocks, reads no
 * clock and allocates once, in vt_kmsg_new(): every report is held in fixed
 * arrays, and what does not fit is cut and counted.
 *
 * Where a report ends, in this order:
 *  - at its own end: the " </TASK>" closing the stack dump of a lockdep
 *    report ("stack backtrace:") or of a soft lockup; the "=====" closing
 *    "Showing all locks held in the system:" after a hung task;
 *  - at the first line that cannot be part of it once its last stack dump
 *    has begun (other architectures print no </TASK>, a hung task without
 *    lockdep no lock list); that line is then read as any other;
 *  - at the start of another report (a hung task joins the open hung-task
 *    report instead: khungtaskd lists every blocked task of one check, then
 *    the locks once);
 *  - at a quiet gap: a line stamped VT_KMSG_QUIET_US or more after the
 *    report's last line;
 *  - after VT_KMSG_MAX_FOREIGN lines in a row that are someone else's: a
 *    report whose stack dump never comes (lockdep prints none when it has
 *    no room left for stack traces) in a log without timestamps;
 *  - at vt_kmsg_flush(), which the reader calls when nothing more is coming
 *    for now (end of a saved log, or its poll() timed out);
 *  - at the limits: VT_KMSG_MAX_LINES lines or VT_KMSG_MAX_TEXT bytes of
 *    text. The report is handed over cut (end VT_KMSG_END_LIMIT, truncated),
 *    and the lines it would still have taken are dropped and counted.
 *
 * Other messages interleave with a report. A line is taken as someone
 * else's, counted in the report's `interleaved` and left out of it, when it
 * is not the kernel's (a process wrote it to /dev/kmsg), when both carry
 * printk caller ids (CONFIG_PRINTK_CALLER) and they differ, and otherwise
 * when it has none of the shapes the report's lines have (before its last
 * stack dump; after, such a line ends the report). Indented lines are
 * always taken: stack frames, held locks and scenarios are indented, other
 * messages rarely are.
 */
#ifndef VT_KMSG_REPORT_H
#define VT_KMSG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "kmsg_record.h"
#include "kmsg_line_types.h"

#define VT_KMSG_TITLE_LEN 128
#define VT_KMSG_MAX_TASKS 8	      /* hung tasks of one check; the lockdep or lockup task */
#define VT_KMSG_MAX_CHAIN 16	      /* "-> #N" entries of a circular dependency */
#define VT_KMSG_MAX_FRAMES 32	      /* stack frames kept per chain entry */
#define VT_KMSG_MAX_CLASSES 16	      /* classes of "Chain exists of:" */
#define VT_KMSG_MAX_LOCKS 32	      /* distinct lock names mentioned */
#define VT_KMSG_MAX_HELD 128	      /* held locks listed */
#define VT_KMSG_MAX_LINES 4096	      /* lines of one report */
#define VT_KMSG_MAX_TEXT (256 * 1024) /* bytes of its text, with the NUL */
/* Lockdep prints a report in one go with interrupts off, and khungtaskd its
 * list in one pass: lines of one report are milliseconds apart, seconds when
 * a slow console holds the printing task. */
#define VT_KMSG_QUIET_US (5 * 1000000ULL)
/* Other CPUs print while lockdep does, a few lines, not hundreds in a row. */
#define VT_KMSG_MAX_FOREIGN 200

enum vt_kmsg_end {
	VT_KMSG_END_MARKER,    /* its own end marker (</TASK>, the "=====" of the lock list) */
	VT_KMSG_END_UNRELATED, /* a line that cannot be part of it, after its last stack
				 * dump, or VT_KMSG_MAX_FOREIGN in a row before it */
	VT_KMSG_END_NEXT,      /* another report began */
	VT_KMSG_END_QUIET,     /* a line VT_KMSG_QUIET_US or more later */
	VT_KMSG_END_FLUSH,     /* vt_kmsg_flush(): nothing more came */
	VT_KMSG_END_LIMIT,     /* VT_KMSG_MAX_LINES or VT_KMSG_MAX_TEXT reached */
	VT_KMSG_END_MAX
};

/* Every string below is NUL-terminated and printable ASCII, "" when absent
 * (kmsg_line_types.h). */

/* One line of a lock list: " #1: <lock>" under "2 locks held by NAME/PID:". */
struct vt_kmsg_held {
	char comm[VT_KMSG_COMM_LEN]; /* the holder */
	int pid;
	int depth; /* the #N */
	struct vt_kmsg_lock lock;
};

/* "-> #N (NAME){usage}-{x:y}:" and the frames under it: the stack that took
 * this lock after the one of the entry below it (#0: the acquisition now). */
struct vt_kmsg_chain_entry {
	int depth;
	char name[VT_KMSG_NAME_LEN];
	unsigned nframes;
	unsigned frames_dropped; /* beyond VT_KMSG_MAX_FRAMES */
	char frames[VT_KMSG_MAX_FRAMES][VT_KMSG_NAME_LEN];
};

struct vt_kmsg_report {
	enum vt_kmsg_kind kind;
	enum vt_kmsg_end end;
	/* Something was cut: a limit of lines or text, an array below, or a
	 * name or line too long. The *_dropped counts say which. */
	bool truncated;
	/* Sequence numbers jumped inside it: records were lost (the reader was
	 * too slow and the ring buffer overwrote them). */
	bool gap;
	char title[VT_KMSG_TITLE_LEN];	 /* its first line */
	char caller[VT_KMSG_CALLER_LEN]; /* printk caller id of its first line, or "" */
	bool has_seq, has_ts;
	__u64 seq_first, seq_last;
	__u64 ts_first_us, ts_last_us;

	unsigned ntasks;
	unsigned tasks_dropped;
	struct vt_kmsg_task tasks[VT_KMSG_MAX_TASKS];

	/* Lockdep: "NAME/PID is trying to acquire lock:" (or "takes:", "just
	 * changed the state of lock:") and "but task is already holding lock:". */
	bool has_acquire, has_hold;
	struct vt_kmsg_lock acquire;
	struct vt_kmsg_lock hold;

	/* "the existing dependency chain (in reverse order) is:", as printed. */
	unsigned nchain;
	unsigned chain_dropped;
	struct vt_kmsg_chain_entry chain[VT_KMSG_MAX_CHAIN];

	/* "Chain exists of:", left to right. */
	unsigned nclasses;
	unsigned classes_dropped;
	char classes[VT_KMSG_MAX_CLASSES][VT_KMSG_NAME_LEN];

	/* Every lock class the report names, once, in order of first mention. */
	unsigned nlocks;
	unsigned locks_dropped;
	char locks[VT_KMSG_MAX_LOCKS][VT_KMSG_NAME_LEN];

	/* Lock lists: the task's (lockdep) or the system's (hung task). */
	unsigned nheld;
	unsigned held_dropped;
	struct vt_kmsg_held held[VT_KMSG_MAX_HELD];

	unsigned nlines;	/* lines in text */
	unsigned lines_dropped; /* its lines beyond the limits, not in text */
	unsigned interleaved;	/* other messages met inside it, not in text */
	size_t text_len;
	char text[VT_KMSG_MAX_TEXT]; /* its lines, each ending in '\n' */
};

/* Counted, never silent: what became of every line fed. lines = in_reports +
 * interleaved + unrelated + dropped. */
struct vt_kmsg_stats {
	struct vt_kmsg_decode_stats decode; /* of the records and text lines */
	__u64 lines;
	__u64 in_reports;  /* taken into a report */
	__u64 interleaved; /* met inside a report, someone else's */
	__u64 unrelated;   /* outside any report: the rest of the log */
	__u64 dropped;	   /* a report's, beyond its limits */
	__u64 seq_gaps;	   /* sequence numbers that jumped */
	__u64 reports[VT_KMSG_KIND_MAX];
	__u64 truncated; /* reports handed over cut */
};

struct vt_kmsg_parser;

/* The report is valid during the call only. */
typedef void (*vt_kmsg_report_fn)(const struct vt_kmsg_report *r, void *ctx);

/* NULL when out of memory (one allocation of about 380 KiB). */
struct vt_kmsg_parser *vt_kmsg_new(vt_kmsg_report_fn fn, void *ctx);
void vt_kmsg_free(struct vt_kmsg_parser *p);
/* One /dev/kmsg record as read(2) returns it, or one or more lines of dmesg
 * text (a saved `cat /dev/kmsg` works too). Any bytes. */
void vt_kmsg_feed(struct vt_kmsg_parser *p, const char *buf, size_t len);
/* Nothing more is coming for now: the open report, if any, is handed over
 * as it is (VT_KMSG_END_FLUSH). */
void vt_kmsg_flush(struct vt_kmsg_parser *p);
const struct vt_kmsg_stats *vt_kmsg_stats(const struct vt_kmsg_parser *p);

const char *vt_kmsg_kind_name(enum vt_kmsg_kind kind);
const char *vt_kmsg_end_name(enum vt_kmsg_end end);

#endif
