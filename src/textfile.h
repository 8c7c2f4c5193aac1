/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic replacement of a node_exporter textfile: the collector may read the
 * directory at any moment and must see the old file or the new one, never a
 * half-written one.
 */
#ifndef VT_TEXTFILE_H
#define VT_TEXTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/* A replacement in progress: write to fd, then commit or abort. */
struct textfile {
	int dfd, fd;
	bool replace; /* textfile_begin(): yes */
	bool sync;    /* fsync file and directory: textfile_begin(): yes */
	char tmp[NAME_MAX + 1];
	char name[NAME_MAX + 1];
};

/* Creates the temporary file in @dir for @name (a plain file name), mode
 * 0644. 0 or a negative errno, with nothing left behind. */
int textfile_begin(struct textfile *t, const char *dir, const char *name);
/* Syncs and closes fd (unless already closed: -1), renames it over
 * dir/name and syncs dir. 0 or a negative errno; on failure the temporary
 * file is removed and dir/name untouched, but for a failed directory fsync,
 * reported although the new file is in place. */
int textfile_commit(struct textfile *t);
/* Closes and removes the temporary file. */
void textfile_abort(struct textfile *t);

/*
 * Renders into a temporary file in dir (".<name>.<pid>.<n>.tmp", which the
 * collector's *.prom glob skips), syncs it and renames it over dir/name, then
 * syncs dir. name must be a plain file name. render returns 0 or a negative
 * errno. Returns 0, or a negative errno with dir/name untouched and the
 * temporary file removed; a failure of the final directory fsync is reported
 * although the new file is in place by then.
 */
int textfile_write(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg);

/* textfile_write() without either fsync, for a file the next interval
 * replaces (the exporter's, textfile.c says why): readers still see the old
 * file or the new one, but after a crash it may be the old one or empty. */
int textfile_replace(const char *dir, const char *name, int (*render)(FILE *f, void *arg),
		     void *arg);

/* The same as textfile_write(), but for a new file that nothing may replace (the flight
 * recorder's dumps), readable by its owner only (mode 0600): -EEXIST, with
 * nothing left behind, when dir/name is already there. */
int textfile_create(const char *dir, const char *name, int (*render)(FILE *f, void *arg),
		    void *arg);

#endif
