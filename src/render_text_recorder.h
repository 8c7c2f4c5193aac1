/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flight recorder's dump file: one kernel lock report and what
 * vfio-trace knew when it came, as plain text in sections with "== ... =="
 * headers. The lock order is the lockdep command's own text, with the edges
 * on the report's chain marked.
 */
#ifndef VT_RENDER_TEXT_RECORDER_H
#define VT_RENDER_TEXT_RECORDER_H

#include <stdio.h>
#include "kmsg_report.h"
#include "lock_history.h"
#include "lock_order.h"
#include "snapshot.h"
#include "splat_chain.h"

/* What was lost, so far in the run: said in every dump, as on stderr. */
struct vt_recorder_losses {
	__u64 kmsg_overruns;	/* records overwritten before they were read (EPIPE) */
	__u64 kmsg_seq_gaps;	/* sequence numbers that jumped */
	__u64 kmsg_read_errors; /* other failed reads of /dev/kmsg */
	__u64 reports_cut;	/* reports handed over truncated */
	__u64 snapshot_errors;	/* dumps written without a fresh snapshot */
	__u64 dumps_failed;	/* dump files that could not be written */
};

struct vt_flight_dump {
	const struct vt_kmsg_report *report;
	const struct vt_splat_chain *chain;
	const struct vt_snapshot *snap; /* every edge since tracing began, and the holders now */
	const struct vt_lock_cycles *cycles;
	const struct vt_lock_history *history;
	double tick_s; /* how often the history is sampled */
	struct vt_recorder_losses losses;
};

/* 0, -EINVAL or -EIO (render_text.h's contract). */
int render_text_flight_dump(FILE *f, const struct vt_flight_dump *d);

#endif
