// SPDX-License-Identifier: GPL-2.0
/* The label values of names.h, one table per enum. */
#include <stddef.h>
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Values come from the kernel side or from a file, so they are range-checked
 * rather than trusted; "unknown" keeps a renderer going on a newer BPF object. */
static const char *lookup(const char *const *names, size_t n, int v)
{
	if (v < 0 || (size_t)v >= n || !names[v])
		return "unknown";
	return names[v];
}

/* The tables one name a line, as they are read: clang-format would pack them
 * into columns. */
/* clang-format off */
const char *vt_fault_result_name(int r)
{
	static const char *const names[] = {
		[VT_FAULT_NOPAGE] = "nopage",
		[VT_FAULT_SIGBUS] = "sigbus",
		[VT_FAULT_OOM] = "oom",
		[VT_FAULT_FALLBACK] = "fallback",
		[VT_FAULT_OTHER] = "other",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_FAULT_RESULT_MAX, "fault result names");
	return lookup(names, ARRAY_SIZE(names), r);
}

const char *vt_fault_order_name(int o)
{
	static const char *const names[] = {
		[VT_ORDER_PAGE] = "page",
		[VT_ORDER_PMD] = "pmd",
		[VT_ORDER_PUD] = "pud",
		[VT_ORDER_VMA] = "vma",
		[VT_ORDER_OTHER] = "other",
		[VT_ORDER_UNKNOWN] = "unknown",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_ORDER_MAX, "fault order names");
	return lookup(names, ARRAY_SIZE(names), o);
}

const char *vt_lock_mode_name(int m)
{
	static const char *const names[] = {
		[VT_MODE_READ] = "read",
		[VT_MODE_WRITE] = "write",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_MODE_MAX, "lock mode names");
	return lookup(names, ARRAY_SIZE(names), m);
}

const char *vt_lock_path_name(int p)
{
	static const char *const names[] = {
		[VT_PATH_FAULT] = "fault",
		[VT_PATH_BAR_RW] = "bar_rw",
		[VT_PATH_CONFIG_WRITE] = "config_write",
		[VT_PATH_RESET] = "reset",
		[VT_PATH_HOT_RESET] = "hot_reset",
		[VT_PATH_MEMORY_ENABLE] = "memory_enable",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_PATH_MAX, "lock path names");
	return lookup(names, ARRAY_SIZE(names), p);
}

const char *vt_zap_reason_name(int r)
{
	static const char *const names[] = {
		[VT_ZAP_CONFIG_WRITE] = "config_write",
		[VT_ZAP_RESET] = "reset",
		[VT_ZAP_HOT_RESET] = "hot_reset",
		[VT_ZAP_POWER_STATE] = "power_state",
		[VT_ZAP_OTHER] = "other",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_ZAP_REASON_MAX, "zap reason names");
	return lookup(names, ARRAY_SIZE(names), r);
}

const char *vt_pin_path_name(int p)
{
	static const char *const names[] = {
		[VT_PIN_TYPE1] = "type1",
		[VT_PIN_MDEV] = "mdev",
		[VT_PIN_IOMMUFD] = "iommufd",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_PIN_PATH_MAX, "pin path names");
	return lookup(names, ARRAY_SIZE(names), p);
}

const char *vt_access_kind_name(int k)
{
	static const char *const names[] = {
		[VT_ACCESS_SIGBUS] = "sigbus",
		[VT_ACCESS_EIO] = "eio",
		[VT_ACCESS_IOEVENTFD_DROP] = "ioeventfd_drop",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_ACCESS_KIND_MAX, "access kind names");
	return lookup(names, ARRAY_SIZE(names), k);
}

const char *vt_event_kind_name(int k)
{
	/* The first kinds are the access kinds by definition (vfio_trace.h). */
	if (k >= 0 && k < VT_ACCESS_KIND_MAX)
		return vt_access_kind_name(k);

	static const char *const names[] = {
		[VT_EV_MEMORY_DISABLE] = "memory_disable",
		[VT_EV_MEMORY_ENABLE] = "memory_enable",
		[VT_EV_CONTENTION] = "contention",
		[VT_EV_SLOW] = "slow",
		[VT_EV_D3_ENTRY] = "d3_entry",
		[VT_EV_D3_EXIT] = "d3_exit",
		[VT_EV_LOW_POWER_ENTRY] = "low_power_entry",
		[VT_EV_LOW_POWER_EXIT] = "low_power_exit",
		[VT_EV_TRYLOCK_FAILED] = "trylock_failed",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_EV_KIND_MAX, "event kind names");
	return lookup(names, ARRAY_SIZE(names), k);
}

const char *vt_off_cause_name(int c)
{
	static const char *const names[] = {
		[VT_OFF_COMMAND] = "command",
		[VT_OFF_D3HOT] = "d3hot",
		[VT_OFF_LOW_POWER] = "low_power",
		[VT_OFF_RESET] = "reset",
		[VT_OFF_HOT_RESET] = "hot_reset",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_OFF_CAUSE_MAX, "memory off cause names");
	return lookup(names, ARRAY_SIZE(names), c);
}

const char *vt_trylock_op_name(int op)
{
	static const char *const names[] = {
		[VT_TRYLOCK_HOT_RESET] = "hot_reset",
		[VT_TRYLOCK_IOEVENTFD] = "ioeventfd",
		[VT_TRYLOCK_ZAP] = "zap",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_TRYLOCK_OP_MAX, "trylock op names");
	return lookup(names, ARRAY_SIZE(names), op);
}

const char *vt_slow_kind_name(int k)
{
	static const char *const names[] = {
		[VT_SLOW_FAULT] = "fault",
		[VT_SLOW_ZAP] = "zap",
		[VT_SLOW_RESET] = "reset",
		[VT_SLOW_PIN] = "pin",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_SLOW_KIND_MAX, "slow kind names");
	return lookup(names, ARRAY_SIZE(names), k);
}

const char *vt_slow_detail_name(int kind, int detail)
{
	switch (kind) {
	case VT_SLOW_FAULT: return vt_fault_order_name(detail);
	case VT_SLOW_ZAP: return vt_zap_reason_name(detail);
	case VT_SLOW_RESET: return vt_lock_path_name(detail);
	case VT_SLOW_PIN: return vt_pin_path_name(detail);
	default: return "unknown";
	}
}

const char *vt_lost_reason_name(int r)
{
	static const char *const names[] = {
		[VT_LOST_RINGBUF_FULL] = "ringbuf_full",
		[VT_LOST_DEVICE_MAP_FULL] = "device_map_full",
		[VT_LOST_LOCK_MAP_FULL] = "lock_map_full",
		[VT_LOST_TASK_MAP_FULL] = "task_map_full",
		[VT_LOST_PROC_MAP_FULL] = "proc_map_full",
		[VT_LOST_MISSED_START] = "missed_start",
		[VT_LOST_NESTED] = "nested",
		[VT_LOST_MISSED_END] = "missed_end",
		[VT_LOST_LOCK_DEPTH] = "lock_depth",
		[VT_LOST_EDGE_MAP_FULL] = "edge_map_full",
		[VT_LOST_PROG_MISSED] = "prog_missed",
		[VT_LOST_EDGE_STACK] = "edge_stack",
		[VT_LOST_CONTENTION_STACK] = "contention_stack",
		[VT_LOST_CONTENTION_MAP_FULL] = "contention_map_full",
		[VT_LOST_RESET_SET_FULL] = "reset_set_full",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_LOST_MAX, "lost reason names");
	return lookup(names, ARRAY_SIZE(names), r);
}

const char *vt_probe_mode_name(enum vt_probe_mode mode)
{
	static const char *const names[] = {
		[VT_PROBE_NONE] = "none",
		[VT_PROBE_FENTRY] = "fentry",
		[VT_PROBE_KPROBE] = "kprobe",
		[VT_PROBE_TRACEPOINT] = "tracepoint",
		[VT_PROBE_KPROBE_MULTI] = "kprobe.multi",
	};
	return lookup(names, ARRAY_SIZE(names), (int)mode);
}

int vt_lock_path_mode(int p)
{
	return p == VT_PATH_FAULT || p == VT_PATH_BAR_RW ? VT_MODE_READ : VT_MODE_WRITE;
}

const char *vt_lock_class_name(int c)
{
	/* lockdep's own names for these classes, so the two can be compared */
	static const char *const names[] = {
		[VT_LC_MMAP_LOCK] = "&mm->mmap_lock",
		[VT_LC_VMA_LOCK] = "&vdev->vma_lock",
		[VT_LC_MEMORY_LOCK] = "&vdev->memory_lock",
		[VT_LC_I_MMAP_RWSEM] = "&mapping->i_mmap_rwsem",
		[VT_LC_IGATE] = "&vdev->igate",
		[VT_LC_FS_RECLAIM] = "fs_reclaim",
	};
	_Static_assert(ARRAY_SIZE(names) == VT_LC_MAX, "lock class names");
	return lookup(names, ARRAY_SIZE(names), c);
}
/* clang-format on */

const char *vt_edge_device_name(const struct vt_edge_key *k)
{
	/* Only edges between two per-device locks can say same or other. */
	if (k->from_slot == VT_NO_SLOT || k->to_slot == VT_NO_SLOT)
		return "-";
	return k->same_device ? "same" : "other";
}
