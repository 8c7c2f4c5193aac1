/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who, from /proc: the step between the tracer's snapshot (the maps) and the
 * analyses and renderers that joins what the kernel counted to processes and
 * VMs. Each device gets the process holding it open (device_owners.h) and
 * its reset method (reset_methods.h), each
 * pinning process and each event its VM, through one cache per session.
 */
#ifndef VT_ATTRIBUTION_H
#define VT_ATTRIBUTION_H

#include <linux/types.h>
#include "snapshot.h"

struct vt_owner_finder;
struct vt_vm_cache;
struct vt_reset_methods;

struct vt_attribution {
	struct vt_owner_finder *owners;		/* who holds each device open */
	struct vt_vm_cache *vms;		/* the VM of each process */
	struct vt_reset_methods *reset_methods; /* how each device is reset */
};

/* @proc_root and @sys_root are "/proc" and "/sys" except in tests. 0, or
 * -ENOMEM with nothing held. */
int vt_attribution_init(struct vt_attribution *a, const char *proc_root, const char *sys_root);
void vt_attribution_free(struct vt_attribution *a);
/* Names each device's owner and reset method and each pinning process's VM
 * in @s (its mono_ns is the clock of the caches). */
void vt_attribution_fill(struct vt_attribution *a, struct vt_snapshot *s);
/* The VM of process @tgid at @now_ns (the events' clock): "" for none. */
const char *vt_attribution_vm(struct vt_attribution *a, __u32 tgid, __u64 now_ns);

#endif
