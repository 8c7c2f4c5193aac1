/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: parsed and checked here, with no side effects, so it can be
 * unit-tested and fuzzed. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "vfio_trace.h"
#include "render_text.h"	/* enum vt_unit */

enum vt_command {
	VT_CMD_SUMMARY,
	VT_CMD_EVENTS,
	VT_CMD_EXPORT,
	VT_CMD_PROBES,
	VT_CMD_LOCKDEP,
};

struct vt_options {
	enum vt_command command;
	char bdfs[VT_MAX_BDF_FILTERS][VT_BDF_LEN];
	unsigned int nbdfs;
	unsigned int pid;		/* 0: every process */
	bool kprobes;
	bool verbose;
	bool timestamp;
	bool json;
	bool help;
	bool version;
	bool wait;			/* --wait: until vfio-pci is loaded */
	enum vt_unit unit;
	double interval_s;		/* 0: one summary at the end */
	unsigned long count;		/* 0: no limit */
	double duration_s;		/* 0: until SIGINT/SIGTERM */
	const char *textfile_dir;
	unsigned long max_devices;	/* 0: the BPF object's default */
	unsigned long max_threads;	/* 0: the BPF object's default */
};

/* Upper bounds of --max-devices and --max-threads: kernel memory, not BPF
 * limits (a device entry is ~20 KiB, preallocated). */
#define VT_MAX_DEVICES_LIMIT 4096
#define VT_MAX_THREADS_LIMIT 1048576

/* 0 on success; otherwise -EINVAL with a one-line message (no newline, no
 * program name) in @err. */
int vt_cli_parse(int argc, char **argv, struct vt_options *o, char *err, size_t errlen);
void vt_cli_usage(FILE *f);

/* "0000:01:00.0" or "01:00.0" -> canonical lower-case "0000:01:00.0". 0 or -EINVAL. */
int vt_parse_bdf(const char *s, char out[VT_BDF_LEN]);
/* A plain decimal number of seconds from 0.001 to one day, e.g. "1", "0.5". */
int vt_parse_seconds(const char *s, double *out);
/* A decimal integer in [min, max]. */
int vt_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);

#endif
