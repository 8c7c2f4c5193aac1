/* SPDX-License-Identifier: GPL-2.0 */
/* The tracer's reader (tracer_read.c): the only code that reads the maps,
 * and it only reads them. */
#ifndef VT_TRACER_READ_H
#define VT_TRACER_READ_H

#include "snapshot.h"
#include "tracer_state.h"

/* Copies what the kernel counted out. 0 or -errno. vt_tracer_snapshot()
 * (tracer.h) is this and the upkeep of the maps that follows a read. */
int vt_tracer_read(struct vt_tracer *t, struct vt_snapshot *out);
/* Frees the named stacks and unmaps the devices array, for vt_tracer_stop(). */
void vt_tracer_read_release(struct vt_tracer *t);

#endif
