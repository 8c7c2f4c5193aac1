/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one line of a kernel lock report yields: the report's kind (from its
 * title), a task, a lock. The line recognizers (kmsg_lines.c) fill them, and
 * the report parser (kmsg_report.c) puts them together; they are here, below
 * both, so that the recognizers need nothing of the report.
 */
#ifndef VT_KMSG_LINE_TYPES_H
#define VT_KMSG_LINE_TYPES_H

/* Lock class names, functions, frames ("func+0x1a/0x40 [module]"), with NUL. */
#define VT_KMSG_NAME_LEN 128
/* A comm is 15 bytes; escaped (\xNN) it may take four times that. */
#define VT_KMSG_COMM_LEN 64
enum vt_kmsg_kind {
	VT_KMSG_CIRCULAR,      /* "WARNING: possible circular locking dependency detected" */
	VT_KMSG_RECURSIVE,     /* "WARNING: possible recursive locking detected" */
	VT_KMSG_INCONSISTENT,  /* "WARNING: inconsistent lock state" */
	VT_KMSG_IRQ_INVERSION, /* "WARNING: possible irq lock inversion dependency detected" */
	VT_KMSG_LOCKDEP_OTHER, /* lockdep's other banners: safe -> unsafe order, bad unlock
				 * balance, held lock freed, suspicious RCU usage, ... */
	VT_KMSG_HUNG_TASK,     /* "INFO: task NAME:PID blocked for more than N seconds." */
	VT_KMSG_SOFT_LOCKUP,   /* "watchdog: BUG: soft lockup - CPU#N stuck for Ns! [NAME:PID]" */
	VT_KMSG_KIND_MAX
};

/* Every string below is NUL-terminated and printable ASCII (the stored form
 * of kmsg_record.h: other bytes as \xNN), "" when absent. */

struct vt_kmsg_task {
	char comm[VT_KMSG_COMM_LEN];
	int pid;
	unsigned long long secs; /* hung: blocked for; soft lockup: stuck for */
	int cpu;		 /* soft lockup: the CPU; a task named by
					 * dump_stack()'s header: its CPU; else -1 */
};

/* A lock as print_lock() shows it: "ffff8880... (&vdev->memory_lock){++++}-{3:3},
 * at: vfio_basic_config_write+0x1a2/0x3c0 [vfio_pci_core]". */
struct vt_kmsg_lock {
	char name[VT_KMSG_NAME_LEN]; /* the class as printed, "#N" and "/N" included,
					 * without "{usage}-{x:y}" */
	char at[VT_KMSG_NAME_LEN];   /* where it was taken, "" if not printed */
	char addr[20];		     /* the instance's address as printed, "" if none */
};

#endif
