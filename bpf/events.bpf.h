/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_EVENTS_BPF_H
#define VT_EVENTS_BPF_H

#include "maps.bpf.h"

/* Unconsumed bytes at which an event wakes the consumer. Below it no event
 * does: in a storm a wakeup per event cost the consumer more than rendering
 * the event (bench: ~10,700 instructions per event), and a quiet stream is
 * read within the consumer's 100 ms poll timeout anyway. */
#define VT_EVENTS_WAKEUP_BYTES (64 * 1024)

/* Room for an event of @size bytes (a constant) on the ring buffer, or NULL:
 * when nobody reads events, or when it is full, which is counted as
 * ringbuf_full. Stats are always counted first; the event is extra detail,
 * and a full ring buffer loses only the detail. */
static __always_inline void *vt_event_reserve(__u64 size)
{
	void *e;

	if (!targ_emit_events)
		return NULL;
	e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e)
		vt_lost(VT_LOST_RINGBUF_FULL);
	return e;
}

/* Hands a frequent kind of event over: the consumer is woken once a batch
 * has gathered (VT_EVENTS_WAKEUP_BYTES), not for each. */
static __always_inline void vt_event_submit_batched(void *e)
{
	bpf_ringbuf_submit(e,
			   bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= VT_EVENTS_WAKEUP_BYTES
				   ? BPF_RB_FORCE_WAKEUP
				   : BPF_RB_NO_WAKEUP);
}

static __always_inline void vt_emit(struct vt_device *dev, __u32 kind, __u32 bar, __u64 offset,
				    __s64 value)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vt_trace_event *e = vt_event_reserve(sizeof(*e));

	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->kind = kind;
	e->bar = bar;
	e->offset = offset;
	e->value = value;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->bdf, dev->info.bdf, sizeof(e->bdf));
	/* Only a disable that memory has not come back from is the cause. */
	if (!dev->info.last_disable.enabled_ts_ns) {
		e->disabled_ts_ns = dev->info.last_disable.ts_ns;
		e->disabled_pid = dev->info.last_disable.pid;
		e->disabled_tid = dev->info.last_disable.tid;
		__builtin_memcpy(e->disabled_comm, dev->info.last_disable.comm,
				 sizeof(e->disabled_comm));
		e->disabled_cause = dev->info.last_disable.cause;
	} else {
		e->disabled_cause = 0;
		e->disabled_ts_ns = 0;
		e->disabled_pid = 0;
		e->disabled_tid = 0;
		__builtin_memset(e->disabled_comm, 0, sizeof(e->disabled_comm));
	}
	e->pad = 0;
	vt_event_submit_batched(e);
}

#endif /* VT_EVENTS_BPF_H */
