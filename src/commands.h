/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_COMMANDS_H
#define VT_COMMANDS_H

#include "cli.h"

/* Exit codes, documented in the README. */
#define VT_EXIT_OK 0
#define VT_EXIT_ERROR 1		/* could not run: privileges, BTF, load, I/O */
#define VT_EXIT_USAGE 2		/* bad command line */
#define VT_EXIT_NOTHING 3	/* nothing to trace: vfio-pci is not loaded */

int vt_cmd_summary(const struct vt_options *o);
int vt_cmd_events(const struct vt_options *o);
int vt_cmd_export(const struct vt_options *o);
int vt_cmd_probes(const struct vt_options *o);
int vt_cmd_lockdep(const struct vt_options *o);

/* The "vfio-pci is not loaded" explanation shared by the commands. */
void vt_explain_no_vfio(void);

struct vt_tracer;
/* Starts the tracer for a tracing command: VT_EXIT_OK when running. Without
 * vfio-pci it explains and returns VT_EXIT_NOTHING, or with --wait waits for
 * the module and retries; a signal while waiting gives VT_START_INTERRUPTED.
 * On anything but VT_EXIT_OK nothing is left to clean up. */
#define VT_START_INTERRUPTED (-1)
int vt_start_tracing(struct vt_tracer *t, const struct vt_options *o, bool want_events);

#endif
