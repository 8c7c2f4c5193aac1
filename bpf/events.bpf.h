/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_EVENTS_BPF_H
#define VT_EVENTS_BPF_H

#include "maps.bpf.h"

/* Unconsumed bytes at which an event wakes the consumer. Below it no event
 * does: in a storm a wakeup per event cost the consumer more than rendering
 * the event (bench: ~10,700 instructions per event), and a quiet stream is
 * read within the consumer's 100 ms poll timeout anyway. */
#define VT_EVENTS_WAKEUP_BYTES (64 * 1024)

/* Stats are always counted first; the event is extra detail, and a full ring
 * buffer loses only the detail, counted as ringbuf_full. */
static __always_inline void vt_emit(struct vt_device *dev, __u32 kind, __u32 bar, __u64 offset,
				    __s64 value)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vt_trace_event *e;

	if (!targ_emit_events)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		vt_lost(VT_LOST_RINGBUF_FULL);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->kind = kind;
	e->bar = bar;
	e->offset = offset;
	e->value = value;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->bdf, dev->info.bdf, sizeof(e->bdf));
	e->disabled_ts_ns = dev->info.last_disable.ts_ns;
	e->disabled_pid = dev->info.last_disable.pid;
	e->disabled_tid = dev->info.last_disable.tid;
	__builtin_memcpy(e->disabled_comm, dev->info.last_disable.comm, sizeof(e->disabled_comm));
	bpf_ringbuf_submit(e,
			   bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= VT_EVENTS_WAKEUP_BYTES
				   ? BPF_RB_FORCE_WAKEUP
				   : BPF_RB_NO_WAKEUP);
}

#endif /* VT_EVENTS_BPF_H */
