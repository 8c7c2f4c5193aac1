/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -o FILE: a command's standard output goes to FILE instead. A snapshot (the
 * final summary, the probe report, the lock order) replaces FILE atomically
 * when the command ends well, as a textfile does (textfile.h): a reader sees
 * the old file or the new one, and a failed run leaves the old one. A stream
 * (events, interval summaries) is written to FILE as it comes.
 */
#ifndef VT_OUTPUT_FILE_H
#define VT_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "textfile.h"

struct vt_output_file {
	bool atomic;
	struct textfile t;
};

/* Points stdout at @path (the temporary file when @atomic). 0, or a negative
 * errno with a one-line reason in @why. */
int vt_output_open(struct vt_output_file *out, const char *path, bool atomic, char *why,
		   size_t len);
/* Flushes stdout; an atomic output is put in place when @keep, else
 * removed. 0, or a negative errno with a one-line reason in @why. */
int vt_output_close(struct vt_output_file *out, bool keep, char *why, size_t len);

#endif
