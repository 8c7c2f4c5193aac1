/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/kmsg, read from where the log ends when it is opened: only what the
 * kernel prints afterwards, one record per read(2), never blocking, into the
 * report parser (kmsg_report.h). The caller polls the descriptor.
 *
 * Records can be lost: when the kernel's ring buffer wraps past a reader,
 * read(2) fails once with EPIPE and goes on from the oldest record left.
 * Each such overrun is counted, as are other read errors; the parser counts
 * the sequence numbers that jumped.
 */
#ifndef VT_KMSG_READER_H
#define VT_KMSG_READER_H

#include <linux/types.h>
#include "kmsg_report.h"

/* A /dev/kmsg record as read(2) gives it: the kernel's own limit on one
 * formatted record (PRINTKRB_RECORD_MAX, CONSOLE_EXT_LOG_MAX before 6.5) is
 * 8 KiB; a smaller buffer fails with EINVAL. */
#define VT_KMSG_READ_MAX 8192

/* Quiet time after which an open report is handed over as it is: a report
 * with no end marker (a hung task on a kernel without lockdep) ends only at
 * the next message otherwise. */
#define VT_KMSG_IDLE_FLUSH_NS 2000000000ULL

struct vt_kmsg_reader {
	int fd;
	struct vt_kmsg_parser *parser;
	__u64 overruns;	   /* EPIPE: the kernel overwrote records before we read them */
	__u64 read_errors; /* any other failed read */
	__u64 last_record_ns;
	bool flushed; /* nothing new since the last idle flush */
	char buf[VT_KMSG_READ_MAX];
};

/* Opens @path (the tests give a fifo or file; NULL: /dev/kmsg) at its end and
 * creates the parser, which hands reports to @fn. 0 or -errno; on failure
 * nothing is left open. */
int vt_kmsg_reader_open(struct vt_kmsg_reader *r, const char *path, vt_kmsg_report_fn fn,
			void *ctx);
/* Reads every record there is now, without blocking; @now_ns (CLOCK_MONOTONIC)
 * dates them for the idle flush. Returns the records read. */
unsigned vt_kmsg_reader_drain(struct vt_kmsg_reader *r, __u64 now_ns);
/* Hands over an open report once nothing came for VT_KMSG_IDLE_FLUSH_NS. */
void vt_kmsg_reader_idle(struct vt_kmsg_reader *r, __u64 now_ns);
/* Hands over what is open and closes everything. */
void vt_kmsg_reader_close(struct vt_kmsg_reader *r);

#endif
