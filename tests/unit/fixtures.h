/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared test data: a synthetic cumulative snapshot with two devices and known
 * counts, a probe report, events, and golden-file helpers.
 */
#ifndef VT_UNIT_FIXTURES_H
#define VT_UNIT_FIXTURES_H

#include <stddef.h>
#include <stdio.h>
#include "snapshot.h"

/* Device A, the busy one. */
#define FIX_A_BDF "0000:3b:00.0"
#define FIX_A_BAR0_NOPAGE 120
#define FIX_A_FAULTS 166 /* all results, all BARs */
#define FIX_A_READ_CONTENTIONS 3
#define FIX_A_WAIT_READ_SUM_NS 132000 /* 5000 + 7000 + 120000 */
/* Device B: a few faults on an old kernel, and one 6 s zap (overflow slot). */
#define FIX_B_BDF "0000:af:00.1"
#define FIX_B_ZAP_NS 6000000000ULL

#define FIX_WALL_TIME 1700000000.25 /* 2023-11-14 22:13:20 UTC */
#define FIX_MONO_NS 5000000000ULL

/* Fills s (owning its arrays: snapshot_free() it). 0 or -ENOMEM. */
int fixture_snapshot(struct vt_snapshot *s);
/* A three-line probe report, one probe not attached. Static storage. */
const struct vt_probe_report *fixture_probes(void);
/* Gives @s a copy of fixture_probes(), as the tracer's reader would. */
void fixture_add_probes(struct vt_snapshot *s);
/* The event line renderers, into a stream. */
void fixture_text_event(FILE *f, const struct vt_trace_event *ev, __u64 start_ns);
void fixture_json_event(FILE *f, const struct vt_trace_event *ev);
/* A SIGBUS on device A while memory was off, and the disable before it. */
void fixture_event_sigbus(struct vt_trace_event *ev);
void fixture_event_disable(struct vt_trace_event *ev);
/* Event i of a set with odd values in every field: unknown kinds and BARs,
 * extreme numbers, bytes to escape or replace, "memory off" times on the
 * rounding edges of each unit. Returns 0, or -1 past the last. */
int fixture_event_odd(int i, struct vt_trace_event *ev);

/* An in-memory FILE for rendering into. */
struct membuf {
	FILE *f;
	char *buf;
	size_t len;
};
FILE *membuf_open(struct membuf *m);
/* Closes the stream; buf stays valid (and NUL-terminated) until membuf_free. */
void membuf_close(struct membuf *m);
void membuf_free(struct membuf *m);

/* Compares text with golden/<name>, failing the current test on a difference
 * (the output is left in golden/<name>.actual for diff). With
 * VT_UPDATE_GOLDEN=1 in the environment it rewrites golden/<name> instead. */
void assert_golden(const char *name, const char *text, size_t len);

#endif
