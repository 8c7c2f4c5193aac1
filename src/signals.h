/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_SIGNALS_H
#define VT_SIGNALS_H

#include <signal.h>
#include <linux/types.h>

/* Set by SIGINT/SIGTERM: every loop finishes its output and exits 0. */
extern volatile sig_atomic_t vt_exiting;

/* Installed before anything is attached, so a signal never kills us with links
 * half set up. Without SA_RESTART, so sleeps return early. */
int vt_install_signal_handlers(void);
__u64 vt_monotonic_ns(void);
/* Sleeps until the CLOCK_MONOTONIC deadline or a signal. */
void vt_sleep_until(__u64 deadline_ns);

#endif
