/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic replacement of a node_exporter textfile: the collector may read the
 * directory at any moment and must see the old file or the new one, never a
 * half-written one.
 */
#ifndef VT_TEXTFILE_H
#define VT_TEXTFILE_H

#include <stdio.h>

/*
 * Renders into a temporary file in dir (".<name>.<pid>.<n>.tmp", which the
 * collector's *.prom glob skips), syncs it and renames it over dir/name, then
 * syncs dir. name must be a plain file name. render returns 0 or a negative
 * errno. Returns 0, or a negative errno with dir/name untouched and the
 * temporary file removed; a failure of the final directory fsync is reported
 * although the new file is in place by then.
 */
int textfile_write(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg);

#endif
