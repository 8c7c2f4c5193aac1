/* SPDX-License-Identifier: GPL-2.0 */
/* The parsed command line (cli.c parses it), which the commands turn into
 * session plans: nothing below the commands sees it. */
#ifndef VT_OPTIONS_H
#define VT_OPTIONS_H

#include <stdbool.h>
#include "vfio_trace.h"
#include "render_text.h" /* enum vt_unit */

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
	unsigned int pid; /* 0: every process */
	bool kprobes;
	bool verbose;
	bool timestamp;
	bool json;
	bool help;
	bool version;
	bool wait; /* --wait: until vfio-pci is loaded */
	enum vt_unit unit;
	double interval_s;   /* 0: one summary at the end */
	unsigned long count; /* 0: no limit */
	double duration_s;   /* 0: until SIGINT/SIGTERM */
	const char *textfile_dir;
	const char *dot_path;		      /* lockdep --dot FILE */
	const char *locks[VT_MAX_USER_LOCKS]; /* lockdep --lock SYMBOL */
	unsigned int nlocks;
	unsigned long max_devices; /* 0: the BPF object's default */
	unsigned long max_threads; /* 0: the BPF object's default */
};

/* Upper bounds of --max-devices and --max-threads: kernel memory, not BPF
 * limits (a device entry is ~20 KiB, preallocated). */
#define VT_MAX_DEVICES_LIMIT 4096
#define VT_MAX_THREADS_LIMIT 1048576

#endif
