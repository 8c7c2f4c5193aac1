/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How VFIO_DEVICE_RESET resets each device: the first of the methods the PCI
 * core lists in /sys/bus/pci/devices/BDF/reset_method (flr, pm, bus, ...),
 * the one pci_try_reset_function() tries first and, unless it answers
 * -ENOTTY at reset time, uses. The file came with the kernel's reset_methods
 * table in 5.15 (Amey Narkhede's series "PCI: Allow userspace to query and
 * set device reset mechanism"); before it, or for a device the core cannot
 * reset (no file then), the method is "" (unknown). Read again every VT_RESET_METHOD_TTL_NS,
 * as root may change the list by writing the file.
 */
#ifndef VT_RESET_METHODS_H
#define VT_RESET_METHODS_H

#include <linux/types.h>
#include "snapshot.h"

#define VT_RESET_METHOD_TTL_NS (30ULL * 1000000000ULL)

struct vt_reset_methods;

/* @sys_root is "/sys" except in tests. NULL when out of memory. */
struct vt_reset_methods *vt_reset_methods_new(const char *sys_root);
void vt_reset_methods_free(struct vt_reset_methods *m);
/* Sets s->devs[i].reset_method for every device of @s; @now_ns is the
 * snapshot's CLOCK_MONOTONIC. Returns the number of files read. */
int vt_reset_methods_fill(struct vt_reset_methods *m, struct vt_snapshot *s, __u64 now_ns);
/* The first word of a reset_method file's text into @out ("" for none). */
void vt_reset_method_first(const char *text, char *out, size_t outlen);

#endif
