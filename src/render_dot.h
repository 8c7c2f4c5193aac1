/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock-order graph in Graphviz DOT (`vfio-trace lockdep --dot FILE`):
 * `dot -Tsvg FILE` draws it. It never reads the kernel. Returns 0, -EINVAL
 * for bad arguments, or -EIO when the stream reported a write error.
 */
#ifndef VT_RENDER_DOT_H
#define VT_RENDER_DOT_H

#include <stdio.h>
#include "lock_order.h"
#include "snapshot.h"

/* One node per lock class, one arrow per edge of @snap (held -> acquired,
 * labelled with the modes and the count). Edges on a cycle are bold: red
 * where it closes on real lock instances, orange where only on classes;
 * edges between two locks of one device are dashed. */
int render_dot(FILE *f, const struct vt_snapshot *snap, const struct vt_lock_cycles *cycles);

/* render_dot() in the shape textfile_write() takes: arg is a struct
 * vt_dot_args. */
struct vt_dot_args {
	const struct vt_snapshot *snap;
	const struct vt_lock_cycles *cycles;
};
int render_dot_cb(FILE *f, void *arg);

#endif
