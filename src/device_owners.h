/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which process holds each device open, and which VM that is: the process
 * with the device's VFIO group (/dev/vfio/N) or its vfio cdev
 * (/dev/vfio/devices/vfioN) open, its comm, QEMU's -name from its command
 * line, and its cgroup. Read from /proc and /sys, not from the kernel maps.
 *
 * A full /proc scan reads every open file descriptor on the host, so the
 * finder remembers each device's owner and the descriptor it holds, checks
 * just that at each snapshot, and scans again only for a device whose owner
 * is unknown or gone: when it shows activity (someone must hold it open), and
 * otherwise every VT_OWNER_RESCAN_NS; never twice within VT_OWNER_MIN_SCAN_NS.
 */
#ifndef VT_DEVICE_OWNERS_H
#define VT_DEVICE_OWNERS_H

#include <linux/types.h>
#include "snapshot.h"

#define VT_OWNER_RESCAN_NS (30ULL * 1000000000ULL)
#define VT_OWNER_MIN_SCAN_NS (1000000000ULL)

struct vt_owner_finder;

/* @proc_root and @sys_root are "/proc" and "/sys" except in tests. NULL when
 * out of memory. */
struct vt_owner_finder *vt_owner_finder_new(const char *proc_root, const char *sys_root);
void vt_owner_finder_free(struct vt_owner_finder *f);
/* Sets s->devs[i].owner for every device of @s; @now_ns is CLOCK_MONOTONIC.
 * Returns the number of full /proc scans it made (0 or 1). */
int vt_owner_finder_fill(struct vt_owner_finder *f, struct vt_snapshot *s, __u64 now_ns);

/*
 * The VM of a process, for each event line: QEMU's -name read from its
 * command line, cached per pid and read again at most once a second, so a
 * pid that another process takes over is named right within a second and a
 * storm of a million events a second reads /proc once a second per process.
 */
struct vt_vm_cache;

struct vt_vm_cache *vt_vm_cache_new(const char *proc_root);
void vt_vm_cache_free(struct vt_vm_cache *c);
/* "" when @tgid is not a QEMU with -name; a process that is gone keeps
 * the name last read. @now_ns: any clock that only goes up (the events'). */
const char *vt_vm_cache_name(struct vt_vm_cache *c, __u32 tgid, __u64 now_ns);

/* QEMU's -name from a NUL-separated command line of @len bytes: the value
 * of guest= or the first comma-separated word. "" when there is none. */
void vt_owner_vm_name(const char *cmdline, size_t len, char *out, size_t outlen);

#endif
