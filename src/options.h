/* SPDX-License-Identifier: GPL-2.0 */
/* The parsed command line (cli.c parses it), which the commands turn into
 * session plans: nothing below the commands sees it. */
#ifndef VT_OPTIONS_H
#define VT_OPTIONS_H

#include <stdbool.h>
#include "vfio_trace.h"
#include "render_text.h" /* enum vt_unit */
#include "top_rows.h"	 /* enum vt_top_sort */
#include "tracer.h"	 /* VT_MAX_BDF_FILTERS */

enum vt_command {
	VT_CMD_SUMMARY,
	VT_CMD_EVENTS,
	VT_CMD_EXPORT,
	VT_CMD_PROBES,
	VT_CMD_LOCKDEP,
	VT_CMD_TOP,
};

struct vt_options {
	enum vt_command command;
	bool subcommand; /* the command was named (not the default summary) */
	char bdfs[VT_MAX_BDF_FILTERS][VT_BDF_LEN];
	unsigned int nbdfs;
	unsigned int pid; /* 0: every process */
	bool kprobes;
	bool kprobe_multi; /* --kprobe-multi: kprobes through fprobe */
	bool verbose;
	bool timestamp;
	bool json;
	bool help;
	bool version;
	bool wait;    /* --wait: until vfio-pci is loaded */
	bool stacks;  /* --stacks: waiter and holder stacks of contentions */
	bool lockdep; /* probes --lockdep: lockdep mode's probes too */
	enum vt_unit unit;
	double interval_s;   /* 0: one summary at the end */
	unsigned long count; /* 0: no limit */
	double duration_s;   /* 0: until SIGINT/SIGTERM */
	const char *textfile_dir;
	bool compact_series;		      /* export --series compact (render_prom.h) */
	const char *output_path;	      /* -o FILE */
	const char *dot_path;		      /* lockdep --dot FILE */
	const char *locks[VT_MAX_USER_LOCKS]; /* lockdep --lock SYMBOL */
	unsigned int nlocks;
	const char *watch_kmsg_dir; /* lockdep --watch-kmsg DIR: the flight recorder */
	double keep_s;		    /* --keep: seconds of lock events it keeps */
	unsigned long max_devices;  /* 0: the BPF object's default */
	unsigned long max_threads;  /* 0: the BPF object's default */
	enum vt_top_sort top_sort;  /* top --sort: the rows' first order */
	/* events --min-latency: ns per enum vt_slow_kind; 0: no event */
	__u64 min_latency_ns[VT_SLOW_KIND_MAX];
};

/* Upper bounds of --max-devices and --max-threads: kernel memory, not BPF
 * limits (a device entry is ~20 KiB, preallocated). -d may name as many
 * devices as the largest device map has room for (tracer.h). */
#define VT_MAX_DEVICES_LIMIT VT_MAX_BDF_FILTERS
#define VT_MAX_THREADS_LIMIT 1048576

/* The flight recorder's window (--keep): its ring is bounded anyway, so the
 * limit is one of sense, not of memory. */
#define VT_DEFAULT_KEEP_SECONDS 30
#define VT_MAX_KEEP_SECONDS 3600

#endif
