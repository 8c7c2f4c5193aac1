/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flight recorder of `vfio-trace lockdep --watch-kmsg DIR`: while the
 * lock order is traced, it keeps the lock events of the last --keep seconds
 * (lock_history.h), reads the kernel's log (kmsg_reader.h), and for each lock
 * report the kernel prints (lockdep, hung task, soft lockup) writes one new
 * file into DIR (render_text_recorder.h), atomically, and says where on
 * stderr.
 *
 * It runs inside the session's wait: the session's own snapshot comes only
 * at the end of a lockdep run, and a report needs one at the moment it is
 * printed, so the recorder samples the tracer itself, every
 * VT_RECORDER_TICK_NS and when a report comes.
 */
#ifndef VT_FLIGHT_RECORDER_H
#define VT_FLIGHT_RECORDER_H

#include <linux/types.h>
#include "tracer.h"

#define VT_RECORDER_TICK_NS 1000000000ULL
/* Events kept at most, whatever the window: a tick sees at most as many as
 * there are edges (1024), and most ticks a few. */
#define VT_RECORDER_MAX_EVENTS 8192

struct vt_flight_recorder;

/*
 * Checks that @dir is a directory vfio-trace can create files in, and opens
 * @kmsg_path (NULL: /dev/kmsg) at its end. Says why in one line on stderr
 * and returns VT_EXIT_USAGE (the directory) or VT_EXIT_ERROR (the rest) when
 * it cannot; VT_EXIT_OK with *out set otherwise.
 */
int vt_flight_recorder_open(struct vt_flight_recorder **out, const char *dir, double keep_s,
			    const char *kmsg_path);
/* The session's wait (session.h): until @deadline_ns or a signal, reading
 * the kernel's log and sampling @t. Always VT_EXIT_OK: a report it cannot
 * write is counted and said, and tracing goes on. */
int vt_flight_recorder_wait(struct vt_flight_recorder *rec, struct vt_tracer *t, __u64 deadline_ns);
/* Writes a report still open (from the last sample), says on stderr what was
 * written and lost, and frees everything. NULL is fine. */
void vt_flight_recorder_close(struct vt_flight_recorder *rec);

#endif
