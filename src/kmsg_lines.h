/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shapes of the lines of the kernel's lock reports, each recognized from
 * one stored line (kmsg_record.h) by a pure function. The formats are the
 * kernel's printk calls: kernel/locking/lockdep.c (print_lock(),
 * print_lock_name(), print_circular_bug_entry(), lockdep_print_held_locks(),
 * print_circular_lock_scenario()), kernel/hung_task.c (check_hung_task())
 * and kernel/watchdog.c (watchdog_timer_fn()); older spellings that are
 * still met in saved logs ("[ INFO: ... ]" titles, addresses in brackets)
 * are accepted too.
 *
 * Copies into fixed buffers set *cut when the text did not fit.
 */
#ifndef VT_KMSG_LINES_H
#define VT_KMSG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include "kmsg_line_types.h"

/* The kind a report's first line announces, VT_KMSG_KIND_MAX for none.
 * @after_banner: the line before was a "=====" banner, which makes any
 * "WARNING: ..." lockdep's (the generic WARN() prints "WARNING: CPU: ..."
 * after "[ cut here ]" instead). */
enum vt_kmsg_kind kline_title(const char *s, bool after_banner);

bool kline_is_blank(const char *s);
bool kline_is_indented(const char *s);
/* A row of at least 8 '=' (lockdep's banner, the end of the lock list). */
bool kline_is_banner(const char *s);
/* A row of at least 8 '-' (under a lockdep title). */
bool kline_is_dashes(const char *s);

/* The first "(NAME){usage}" at or after s: NAME copied into name. Returns
 * where the usage suffix ends (after "-{x:y}" when printed), NULL when there
 * is none. */
const char *kline_lock_name(const char *s, char *name, size_t size, bool *cut);
/* print_lock(): "[ADDR ](NAME){usage}-{x:y}[, at: WHERE]", not indented. */
bool kline_lock(const char *s, struct vt_kmsg_lock *l, bool *cut);
/* " #N: <print_lock()>" */
bool kline_held(const char *s, int *depth, struct vt_kmsg_lock *l, bool *cut);
/* "-> #N (NAME){usage}-{x:y}:" */
bool kline_chain_entry(const char *s, int *depth, char *name, size_t size, bool *cut);
/* "  lock(NAME);", "  rlock(NAME);", "  sync(NAME);" of a locking scenario. */
bool kline_scenario_lock(const char *s, char *name, size_t size, bool *cut);
/* "NAME/PID is trying to acquire lock:", "NAME/PID [HC0[0]:...] takes:",
 * "NAME/PID just changed the state of lock:", ... */
bool kline_task(const char *s, struct vt_kmsg_task *t, bool *cut);
/* "2 locks held by NAME/PID:" or "no locks held by NAME/PID." */
bool kline_held_by(const char *s, struct vt_kmsg_task *t, bool *cut);
/* "INFO: task NAME:PID blocked for more than N seconds." */
bool kline_hung_task(const char *s, struct vt_kmsg_task *t, bool *cut);
/* "[watchdog: ]BUG: soft lockup - CPU#N stuck for Ns! [NAME:PID]" */
bool kline_soft_lockup(const char *s, struct vt_kmsg_task *t, bool *cut);
/* dump_stack()'s header: "CPU: 1 UID: 0 PID: 455 Comm: vfio-workload Not
 * tainted 6.12.15 #1" ("UID: " from 6.10; a comm may hold spaces). */
bool kline_dump_task(const char *s, struct vt_kmsg_task *t, bool *cut);
/* One line of a stack dump: indented (frames, <TASK>, registers of other
 * architectures), or one of dump_stack()'s and show_regs()' headers. */
bool kline_is_stack(const char *s);
/* " </TASK>": the end of an x86 stack dump. */
bool kline_is_task_end(const char *s);

/* Copies s[0..n) trimmed of spaces at both ends; sets *cut if it did not fit. */
void kline_copy(char *dst, size_t size, const char *s, size_t n, bool *cut);

#endif
