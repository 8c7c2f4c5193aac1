// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of include/vfio_trace.h, checked at build time. The BPF programs
 * write these bytes and user space reads them, each compiled by its own
 * compiler (clang -target bpf, and the host's cc): nothing makes the two agree
 * but the header itself. So every struct's size and every field's offset and
 * size are written out below by hand from the fixed-width fields: a field
 * added, removed, reordered or resized fails the build here, and whoever
 * changes the header updates this file on purpose, knowing that the BPF side
 * and every user-space reader of these bytes change with it.
 *
 * Every struct is also checked to be free of implicit padding (its size is the
 * sum of its members' sizes). Where a compiler pads, the layout follows the
 * ABI's alignment rules (i386 aligns a __u64 member to 4 bytes, the BPF target
 * to 8), and the padding bytes of a map key are hashed and compared like the
 * rest, so every writer would have to zero them. The one explicit pad field,
 * vt_edge_key.pad, rounds that key to eight bytes; it counts as a member.
 *
 * This file only asserts: it emits no code and no data.
 */
#include <stddef.h>
#include "vfio_trace.h"

#define VT_SIZEOF_FIELD(type, field) sizeof(((type *)0)->field)

#define VT_ABI_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type ": size changed")

/* A field at @off of @size bytes (arrays: the whole array). */
#define VT_ABI_FIELD(type, field, off, size)                                        \
	_Static_assert(offsetof(type, field) == (off), #type "." #field ": moved"); \
	_Static_assert(VT_SIZEOF_FIELD(type, field) == (size), #type "." #field ": resized")

/* @members_size: the sum of the members' own sizes, M(field) + ... */
#define VT_ABI_NO_PADDING(type, members_size)          \
	_Static_assert(sizeof(type) == (members_size), \
		       #type ": implicit padding, or a member left out of the sum")

/* Constants that size arrays in the structs below, or the BPF side's shared
 * globals (targ_bdfs, lost) and maps (pin_stats): changing one changes the
 * layout as surely as a field does. */
_Static_assert(VT_HIST_SLOTS == 33, "VT_HIST_SLOTS changed");
_Static_assert(VT_BDF_LEN == 16, "VT_BDF_LEN changed");
_Static_assert(VT_COMM_LEN == 16, "VT_COMM_LEN changed");
_Static_assert(VT_MAX_BARS == 6, "VT_MAX_BARS changed");
_Static_assert(VT_BAR_SLOTS == 7, "VT_BAR_SLOTS changed");
_Static_assert(VT_FAULT_RESULT_MAX == 5, "enum vt_fault_result changed");
_Static_assert(VT_ORDER_MAX == 6, "enum vt_fault_order changed");
_Static_assert(VT_MODE_MAX == 2, "enum vt_lock_mode changed");
_Static_assert(VT_PATH_MAX == 6, "enum vt_lock_path changed");
_Static_assert(VT_ZAP_REASON_MAX == 5, "enum vt_zap_reason changed");
_Static_assert(VT_PIN_PATH_MAX == 3, "enum vt_pin_path changed");
_Static_assert(VT_ACCESS_KIND_MAX == 3, "enum vt_access_kind changed");
_Static_assert(VT_LOST_MAX == 15, "enum vt_lost_reason changed");
_Static_assert(VT_TRYLOCK_OP_MAX == 3, "enum vt_trylock_op changed");
/* Not array sizes on the BPF side, but values stored in the fields below
 * (vt_trace_event.kind, vt_edge_key.from_class and .to_class) that user space
 * indexes its tables with. */
_Static_assert(VT_EV_KIND_MAX == 12, "enum vt_event_kind changed");
_Static_assert(VT_SLOW_KIND_MAX == 4, "enum vt_slow_kind changed");
_Static_assert(VT_LC_MAX == 6, "enum vt_lock_class changed");
_Static_assert(VT_LC_ALL <= 256 && VT_MODE_MAX <= 256, "a lock class or mode must fit a __u8");
/* bpf/lock_order.bpf.h masks a depth with VT_LOCK_DEPTH - 1. */
_Static_assert(VT_LOCK_DEPTH > 0 && (VT_LOCK_DEPTH & (VT_LOCK_DEPTH - 1)) == 0,
	       "VT_LOCK_DEPTH must be a power of two");

/* Key of the edges map: sixteen bytes, two of them the explicit pad. */
VT_ABI_SIZE(struct vt_edge_key, 16);
VT_ABI_FIELD(struct vt_edge_key, from_class, 0, 1);
VT_ABI_FIELD(struct vt_edge_key, from_mode, 1, 1);
VT_ABI_FIELD(struct vt_edge_key, to_class, 2, 1);
VT_ABI_FIELD(struct vt_edge_key, to_mode, 3, 1);
VT_ABI_FIELD(struct vt_edge_key, same_device, 4, 1);
VT_ABI_FIELD(struct vt_edge_key, direct, 5, 1);
VT_ABI_FIELD(struct vt_edge_key, pad, 6, 2);
VT_ABI_FIELD(struct vt_edge_key, from_slot, 8, 4);
VT_ABI_FIELD(struct vt_edge_key, to_slot, 12, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_edge_key, field)
VT_ABI_NO_PADDING(struct vt_edge_key, M(from_class) + M(from_mode) + M(to_class) + M(to_mode) +
					      M(same_device) + M(direct) + M(pad) + M(from_slot) +
					      M(to_slot));
#undef M

_Static_assert(VT_EDGE_STACK_DEPTH == 48, "VT_EDGE_STACK_DEPTH changed");
VT_ABI_SIZE(struct vt_edge, 432);
VT_ABI_FIELD(struct vt_edge, count, 0, 8);
VT_ABI_FIELD(struct vt_edge, first_ns, 8, 8);
VT_ABI_FIELD(struct vt_edge, pid, 16, 4);
VT_ABI_FIELD(struct vt_edge, tid, 20, 4);
VT_ABI_FIELD(struct vt_edge, comm, 24, 16);
VT_ABI_FIELD(struct vt_edge, nframes, 40, 4);
VT_ABI_FIELD(struct vt_edge, pad, 44, 4);
VT_ABI_FIELD(struct vt_edge, stack, 48, 384);
#define M(field) VT_SIZEOF_FIELD(struct vt_edge, field)
VT_ABI_NO_PADDING(struct vt_edge, M(count) + M(first_ns) + M(pid) + M(tid) + M(comm) + M(nframes) +
					  M(pad) + M(stack));
#undef M

/* Value of the held map: the one struct with implicit (tail) padding, which
 * is harmless in a value; checked field by field instead. */
VT_ABI_SIZE(struct vt_held, 128);
VT_ABI_FIELD(struct vt_held, lock, 0, 64);
VT_ABI_FIELD(struct vt_held, slot, 64, 32);
VT_ABI_FIELD(struct vt_held, class, 96, 8);
VT_ABI_FIELD(struct vt_held, mode, 104, 8);
VT_ABI_FIELD(struct vt_held, rwsem, 112, 8);
VT_ABI_FIELD(struct vt_held, depth, 120, 4);

/* held_iter's record: the tid and the stack as the held map has it. */
VT_ABI_SIZE(struct vt_held_record, 136);
VT_ABI_FIELD(struct vt_held_record, tid, 0, 4);
VT_ABI_FIELD(struct vt_held_record, pad, 4, 4);
VT_ABI_FIELD(struct vt_held_record, held, 8, 128);

VT_ABI_SIZE(struct vt_lock_owner, 16);
VT_ABI_FIELD(struct vt_lock_owner, vdev, 0, 8);
VT_ABI_FIELD(struct vt_lock_owner, class, 8, 4);
VT_ABI_FIELD(struct vt_lock_owner, slot, 12, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_lock_owner, field)
VT_ABI_NO_PADDING(struct vt_lock_owner, M(vdev) + M(class) + M(slot));
#undef M

VT_ABI_SIZE(struct vt_hist, 280);
VT_ABI_FIELD(struct vt_hist, slots, 0, 264);
VT_ABI_FIELD(struct vt_hist, count, 264, 8);
VT_ABI_FIELD(struct vt_hist, sum_ns, 272, 8);
#define M(field) VT_SIZEOF_FIELD(struct vt_hist, field)
VT_ABI_NO_PADDING(struct vt_hist, M(slots) + M(count) + M(sum_ns));
#undef M

_Static_assert(VT_OFF_CAUSE_MAX == 5, "enum vt_off_cause changed");
VT_ABI_SIZE(struct vt_disable_record, 48);
VT_ABI_FIELD(struct vt_disable_record, ts_ns, 0, 8);
VT_ABI_FIELD(struct vt_disable_record, pid, 8, 4);
VT_ABI_FIELD(struct vt_disable_record, tid, 12, 4);
VT_ABI_FIELD(struct vt_disable_record, comm, 16, 16);
VT_ABI_FIELD(struct vt_disable_record, enabled_ts_ns, 32, 8);
VT_ABI_FIELD(struct vt_disable_record, cause, 40, 4);
VT_ABI_FIELD(struct vt_disable_record, via_slot, 44, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_disable_record, field)
VT_ABI_NO_PADDING(struct vt_disable_record,
		  M(ts_ns) + M(pid) + M(tid) + M(comm) + M(enabled_ts_ns) + M(cause) + M(via_slot));
#undef M

VT_ABI_SIZE(struct vt_device_info, 232);
VT_ABI_FIELD(struct vt_device_info, bdf, 0, 16);
VT_ABI_FIELD(struct vt_device_info, vendor, 16, 4);
VT_ABI_FIELD(struct vt_device_info, device_id, 20, 4);
VT_ABI_FIELD(struct vt_device_info, memory_lock, 24, 8);
VT_ABI_FIELD(struct vt_device_info, first_seen_ns, 32, 8);
VT_ABI_FIELD(struct vt_device_info, traced, 40, 4);
VT_ABI_FIELD(struct vt_device_info, bindings, 44, 4);
VT_ABI_FIELD(struct vt_device_info, vdev, 48, 8);
VT_ABI_FIELD(struct vt_device_info, last_disable, 56, 48);
VT_ABI_FIELD(struct vt_device_info, bar_start, 104, 48);
VT_ABI_FIELD(struct vt_device_info, bar_end, 152, 48);
VT_ABI_FIELD(struct vt_device_info, blackout_start_ns, 200, 8);
VT_ABI_FIELD(struct vt_device_info, off_since_ns, 208, 24);
#define M(field) VT_SIZEOF_FIELD(struct vt_device_info, field)
VT_ABI_NO_PADDING(struct vt_device_info,
		  M(bdf) + M(vendor) + M(device_id) + M(memory_lock) + M(first_seen_ns) +
			  M(traced) + M(bindings) + M(vdev) + M(last_disable) + M(bar_start) +
			  M(bar_end) + M(blackout_start_ns) + M(off_since_ns));
#undef M

VT_ABI_SIZE(struct vt_device_stats, 7000);
VT_ABI_FIELD(struct vt_device_stats, faults, 0, 280); /* [7][5] */
VT_ABI_FIELD(struct vt_device_stats, fault_orders, 280, 48);
VT_ABI_FIELD(struct vt_device_stats, fault_ns, 328, 1400);
VT_ABI_FIELD(struct vt_device_stats, contentions, 1728, 16);
VT_ABI_FIELD(struct vt_device_stats, wait_ns, 1744, 560);
VT_ABI_FIELD(struct vt_device_stats, hold_ns, 2304, 3360); /* [2][6] */
VT_ABI_FIELD(struct vt_device_stats, vma_lock_contentions, 5664, 8);
VT_ABI_FIELD(struct vt_device_stats, vma_lock_wait_ns, 5672, 280);
VT_ABI_FIELD(struct vt_device_stats, zaps, 5952, 40);
VT_ABI_FIELD(struct vt_device_stats, zap_vmas, 5992, 8);
VT_ABI_FIELD(struct vt_device_stats, zap_ns, 6000, 280);
VT_ABI_FIELD(struct vt_device_stats, accesses, 6280, 24);
VT_ABI_FIELD(struct vt_device_stats, memory_disables, 6304, 8);
VT_ABI_FIELD(struct vt_device_stats, memory_enables, 6312, 8);
VT_ABI_FIELD(struct vt_device_stats, d3_entries, 6320, 8);
VT_ABI_FIELD(struct vt_device_stats, d3_exits, 6328, 8);
VT_ABI_FIELD(struct vt_device_stats, low_power_entries, 6336, 8);
VT_ABI_FIELD(struct vt_device_stats, low_power_exits, 6344, 8);
VT_ABI_FIELD(struct vt_device_stats, contention_paths, 6352, 56); /* [VT_PATH_MAX + 1] */
VT_ABI_FIELD(struct vt_device_stats, memory_off_ns, 6408, 280);
VT_ABI_FIELD(struct vt_device_stats, trylock_failures, 6688, 24); /* [VT_TRYLOCK_OP_MAX] */
VT_ABI_FIELD(struct vt_device_stats, blackout_ns, 6712, 280);
VT_ABI_FIELD(struct vt_device_stats, blackout_failed_accesses, 6992, 8);
#define M(field) VT_SIZEOF_FIELD(struct vt_device_stats, field)
VT_ABI_NO_PADDING(struct vt_device_stats,
		  M(faults) + M(fault_orders) + M(fault_ns) + M(contentions) + M(wait_ns) +
			  M(hold_ns) + M(vma_lock_contentions) + M(vma_lock_wait_ns) + M(zaps) +
			  M(zap_vmas) + M(zap_ns) + M(accesses) + M(memory_disables) +
			  M(memory_enables) + M(d3_entries) + M(d3_exits) + M(low_power_entries) +
			  M(low_power_exits) + M(contention_paths) + M(memory_off_ns) +
			  M(trylock_failures) + M(blackout_ns) + M(blackout_failed_accesses));
#undef M

VT_ABI_SIZE(struct vt_bdf_key, 16);
VT_ABI_FIELD(struct vt_bdf_key, bdf, 0, 16);
#define M(field) VT_SIZEOF_FIELD(struct vt_bdf_key, field)
VT_ABI_NO_PADDING(struct vt_bdf_key, M(bdf));
#undef M

VT_ABI_SIZE(struct vt_device, 7232);
VT_ABI_FIELD(struct vt_device, info, 0, 232);
VT_ABI_FIELD(struct vt_device, stats, 232, 7000);
#define M(field) VT_SIZEOF_FIELD(struct vt_device, field)
VT_ABI_NO_PADDING(struct vt_device, M(info) + M(stats));
#undef M

VT_ABI_SIZE(struct vt_pin_stats, 320);
VT_ABI_FIELD(struct vt_pin_stats, calls, 0, 8);
VT_ABI_FIELD(struct vt_pin_stats, pages, 8, 8);
VT_ABI_FIELD(struct vt_pin_stats, errors, 16, 8);
VT_ABI_FIELD(struct vt_pin_stats, unpin_calls, 24, 8);
VT_ABI_FIELD(struct vt_pin_stats, unpinned_pages, 32, 8);
VT_ABI_FIELD(struct vt_pin_stats, pin_ns, 40, 280);
#define M(field) VT_SIZEOF_FIELD(struct vt_pin_stats, field)
VT_ABI_NO_PADDING(struct vt_pin_stats,
		  M(calls) + M(pages) + M(errors) + M(unpin_calls) + M(unpinned_pages) + M(pin_ns));
#undef M

VT_ABI_SIZE(struct vt_pin_proc_key, 8);
VT_ABI_FIELD(struct vt_pin_proc_key, tgid, 0, 4);
VT_ABI_FIELD(struct vt_pin_proc_key, path, 4, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_pin_proc_key, field)
VT_ABI_NO_PADDING(struct vt_pin_proc_key, M(tgid) + M(path));
#undef M

VT_ABI_SIZE(struct vt_pin_proc, 48);
VT_ABI_FIELD(struct vt_pin_proc, comm, 0, 16);
VT_ABI_FIELD(struct vt_pin_proc, calls, 16, 8);
VT_ABI_FIELD(struct vt_pin_proc, pages, 24, 8);
VT_ABI_FIELD(struct vt_pin_proc, errors, 32, 8);
VT_ABI_FIELD(struct vt_pin_proc, sum_ns, 40, 8);
#define M(field) VT_SIZEOF_FIELD(struct vt_pin_proc, field)
VT_ABI_NO_PADDING(struct vt_pin_proc, M(comm) + M(calls) + M(pages) + M(errors) + M(sum_ns));
#undef M

VT_ABI_SIZE(struct vt_trace_event, 112);
VT_ABI_FIELD(struct vt_trace_event, ts_ns, 0, 8);
VT_ABI_FIELD(struct vt_trace_event, pid, 8, 4);
VT_ABI_FIELD(struct vt_trace_event, tid, 12, 4);
VT_ABI_FIELD(struct vt_trace_event, kind, 16, 4);
VT_ABI_FIELD(struct vt_trace_event, bar, 20, 4);
VT_ABI_FIELD(struct vt_trace_event, offset, 24, 8);
VT_ABI_FIELD(struct vt_trace_event, value, 32, 8);
VT_ABI_FIELD(struct vt_trace_event, comm, 40, 16);
VT_ABI_FIELD(struct vt_trace_event, bdf, 56, 16);
VT_ABI_FIELD(struct vt_trace_event, disabled_ts_ns, 72, 8);
VT_ABI_FIELD(struct vt_trace_event, disabled_pid, 80, 4);
VT_ABI_FIELD(struct vt_trace_event, disabled_tid, 84, 4);
VT_ABI_FIELD(struct vt_trace_event, disabled_comm, 88, 16);
VT_ABI_FIELD(struct vt_trace_event, disabled_cause, 104, 4);
VT_ABI_FIELD(struct vt_trace_event, pad, 108, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_trace_event, field)
VT_ABI_NO_PADDING(struct vt_trace_event, M(ts_ns) + M(pid) + M(tid) + M(kind) + M(bar) + M(offset) +
						 M(value) + M(comm) + M(bdf) + M(disabled_ts_ns) +
						 M(disabled_pid) + M(disabled_tid) +
						 M(disabled_comm) + M(disabled_cause) + M(pad));
#undef M

_Static_assert(VT_CONTENTION_STACK_DEPTH == 32, "VT_CONTENTION_STACK_DEPTH changed");
_Static_assert(VT_PATH_MAX < 256 && VT_HOLDER_UNKNOWN < 256, "a path or mode must fit a __u8");
VT_ABI_SIZE(struct vt_stack, 264);
VT_ABI_FIELD(struct vt_stack, nframes, 0, 4);
VT_ABI_FIELD(struct vt_stack, pad, 4, 4);
VT_ABI_FIELD(struct vt_stack, ips, 8, 256);
#define M(field) VT_SIZEOF_FIELD(struct vt_stack, field)
VT_ABI_NO_PADDING(struct vt_stack, M(nframes) + M(pad) + M(ips));
#undef M

VT_ABI_SIZE(struct vt_contention_key, 24);
VT_ABI_FIELD(struct vt_contention_key, waiter_stack, 0, 8);
VT_ABI_FIELD(struct vt_contention_key, holder_stack, 8, 8);
VT_ABI_FIELD(struct vt_contention_key, slot, 16, 4);
VT_ABI_FIELD(struct vt_contention_key, waiter_mode, 20, 1);
VT_ABI_FIELD(struct vt_contention_key, waiter_path, 21, 1);
VT_ABI_FIELD(struct vt_contention_key, holder_mode, 22, 1);
VT_ABI_FIELD(struct vt_contention_key, holder_path, 23, 1);
#define M(field) VT_SIZEOF_FIELD(struct vt_contention_key, field)
VT_ABI_NO_PADDING(struct vt_contention_key, M(waiter_stack) + M(holder_stack) + M(slot) +
						    M(waiter_mode) + M(waiter_path) +
						    M(holder_mode) + M(holder_path));
#undef M

VT_ABI_SIZE(struct vt_contention, 72);
VT_ABI_FIELD(struct vt_contention, count, 0, 8);
VT_ABI_FIELD(struct vt_contention, wait_ns, 8, 8);
VT_ABI_FIELD(struct vt_contention, waiter_pid, 16, 4);
VT_ABI_FIELD(struct vt_contention, waiter_tid, 20, 4);
VT_ABI_FIELD(struct vt_contention, waiter_comm, 24, 16);
VT_ABI_FIELD(struct vt_contention, holder_pid, 40, 4);
VT_ABI_FIELD(struct vt_contention, holder_tid, 44, 4);
VT_ABI_FIELD(struct vt_contention, holder_comm, 48, 16);
VT_ABI_FIELD(struct vt_contention, readers, 64, 4);
VT_ABI_FIELD(struct vt_contention, pad, 68, 4);
#define M(field) VT_SIZEOF_FIELD(struct vt_contention, field)
VT_ABI_NO_PADDING(struct vt_contention, M(count) + M(wait_ns) + M(waiter_pid) + M(waiter_tid) +
						M(waiter_comm) + M(holder_pid) + M(holder_tid) +
						M(holder_comm) + M(readers) + M(pad));
#undef M

VT_ABI_SIZE(struct vt_contention_event, 184);
VT_ABI_FIELD(struct vt_contention_event, head, 0, 112);
VT_ABI_FIELD(struct vt_contention_event, key, 112, 24);
VT_ABI_FIELD(struct vt_contention_event, holder_pid, 136, 4);
VT_ABI_FIELD(struct vt_contention_event, holder_tid, 140, 4);
VT_ABI_FIELD(struct vt_contention_event, holder_comm, 144, 16);
VT_ABI_FIELD(struct vt_contention_event, readers, 160, 4);
VT_ABI_FIELD(struct vt_contention_event, pad, 164, 4);
VT_ABI_FIELD(struct vt_contention_event, holder_bdf, 168, 16);
#define M(field) VT_SIZEOF_FIELD(struct vt_contention_event, field)
VT_ABI_NO_PADDING(struct vt_contention_event, M(head) + M(key) + M(holder_pid) + M(holder_tid) +
						      M(holder_comm) + M(readers) + M(pad) +
						      M(holder_bdf));
#undef M

/* A slow operation's event: the head, then what it was and its stack. */
VT_ABI_SIZE(struct vt_slow_event, 392);
VT_ABI_FIELD(struct vt_slow_event, head, 0, 112);
VT_ABI_FIELD(struct vt_slow_event, slow_kind, 112, 4);
VT_ABI_FIELD(struct vt_slow_event, detail, 116, 4);
VT_ABI_FIELD(struct vt_slow_event, ret, 120, 8);
VT_ABI_FIELD(struct vt_slow_event, nframes, 128, 4);
VT_ABI_FIELD(struct vt_slow_event, pad, 132, 4);
VT_ABI_FIELD(struct vt_slow_event, ips, 136, 8 * VT_SLOW_STACK_DEPTH);
#define M(field) VT_SIZEOF_FIELD(struct vt_slow_event, field)
VT_ABI_NO_PADDING(struct vt_slow_event,
		  M(head) + M(slow_kind) + M(detail) + M(ret) + M(nframes) + M(pad) + M(ips));
#undef M
