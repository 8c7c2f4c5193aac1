/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Label values for every enum the outputs show. Text, JSON and Prometheus all
 * take their names from here, so a series in the textfile and a key in the
 * JSON always say the same thing. The Prometheus names are a contract:
 * renaming one breaks dashboards. Values come from the kernel side or from a
 * file, so they are range-checked: an unknown one is "unknown".
 */
#ifndef VT_NAMES_H
#define VT_NAMES_H

#include "vfio_trace.h"

/* How a probe is attached. The one enum user space names that the BPF side
 * does not share. */
enum vt_probe_mode {
	VT_PROBE_NONE,
	VT_PROBE_FENTRY,
	VT_PROBE_KPROBE,
	VT_PROBE_TRACEPOINT,
	VT_PROBE_KPROBE_MULTI, /* the kprobe programs, attached through fprobe */
};

const char *vt_fault_result_name(int r); /* nopage sigbus oom fallback other */
const char *vt_fault_order_name(int o);	 /* page pmd pud other unknown */
const char *vt_lock_mode_name(int m);	 /* read write */
const char *vt_lock_path_name(int p); /* fault bar_rw config_write reset hot_reset memory_enable */
/* The one mode each path holds memory_lock in: read for fault and bar_rw,
 * write for the others. Renderers show only these pairs. */
int vt_lock_path_mode(int p);
const char *vt_zap_reason_name(int r);	/* config_write reset hot_reset other */
const char *vt_pin_path_name(int p);	/* type1 mdev iommufd */
const char *vt_access_kind_name(int k); /* sigbus eio ioeventfd_drop */
const char *vt_event_kind_name(int k);	/* the access kinds, memory_disable, memory_enable */
const char *vt_lost_reason_name(int r); /* ringbuf_full device_map_full ... */
/* What turned memory off (enum vt_off_cause): "command", "d3hot", "low_power". */
const char *vt_off_cause_name(int c);
const char *vt_trylock_op_name(int op); /* hot_reset ioeventfd zap */
const char *vt_slow_kind_name(int k);	/* fault zap reset pin */
/* What a slow operation's detail names: a fault's order, a zap's reason, a
 * reset's path, a pin's path. */
const char *vt_slow_detail_name(int kind, int detail);
const char *vt_lock_class_name(int c); /* lockdep's names: "&vdev->memory_lock" ... */
const char *vt_probe_mode_name(
	enum vt_probe_mode mode); /* none fentry kprobe tracepoint kprobe.multi */
/* Whether a lock-order edge joins two locks of one device: "same", "other",
 * or "-" when one side is not a per-device lock. */
const char *vt_edge_device_name(const struct vt_edge_key *k);

#endif
