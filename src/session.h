/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one loop every command runs: start the tracer (waiting for vfio-pci
 * with --wait), take a snapshot at every interval and at the end (deadline,
 * count, SIGINT/SIGTERM), name who is behind it (attribution.h), hand each
 * to the command, stop. Commands only say
 * what to do with a snapshot.
 */
#ifndef VT_SESSION_H
#define VT_SESSION_H

#include <stdbool.h>
#include "attribution.h"
#include "snapshot.h"
#include "tracer.h"

/* Exit codes, documented in the README. */
#define VT_EXIT_OK 0
#define VT_EXIT_ERROR 1	  /* could not run: privileges, BTF, load, I/O */
#define VT_EXIT_USAGE 2	  /* bad command line */
#define VT_EXIT_NOTHING 3 /* nothing to trace: vfio-pci is not loaded */

struct vt_session_plan {
	struct vt_tracer_config tracer;
	bool wait_for_vfio; /* --wait: until vfio-pci is loaded, then attach */
	/* One snapshot, right after attaching, even without vfio-pci (which
	 * then ends it with VT_EXIT_NOTHING): `vfio-trace probes`. */
	bool report_only;
	double interval_s;   /* 0: one snapshot at the end */
	unsigned long count; /* snapshots handed over; 0: no limit */
	double duration_s;   /* 0: until SIGINT/SIGTERM */
	bool tick_at_start;  /* hand over the first snapshot too (export) */
};

/* What a command does; ctx is its own. Every callback returns 0 to go on, or
 * the VT_EXIT_* code to end the session with. */
struct vt_session_ops {
	/* Once attached, with the first snapshot: a banner. May be NULL. */
	int (*begin)(void *ctx, const struct vt_snapshot *first);
	/* Each snapshot and the one before it (NULL for the first one). */
	int (*tick)(void *ctx, const struct vt_snapshot *cur, const struct vt_snapshot *prev);
	/* Waits until the CLOCK_MONOTONIC deadline or a signal, doing the
	 * command's work meanwhile (`events` streams, naming each event's VM
	 * through @who, the session's). NULL: just wait. */
	int (*wait)(void *ctx, struct vt_tracer *t, struct vt_attribution *who, __u64 deadline_ns);
};

/* Runs the plan; returns a VT_EXIT_* code. Everything is detached and freed
 * on return, whatever happened. */
int vt_session_run(const struct vt_session_plan *plan, const struct vt_session_ops *ops, void *ctx);

#endif
