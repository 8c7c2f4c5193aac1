/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --min-latency: a fault, zap, reset or pin slower than its kind's threshold
 * becomes an event with the operation's kernel stack (its callers: taken at
 * the return) on the events ring buffer, beside the histogram that counts it
 * anyway.
 *
 * With fentry the stack is walked at the return (fexit), from the traced
 * function's caller. A kretprobe's cannot be walked everywhere (the 5.15 of
 * the test bed gives none), so in kprobe mode the stack is taken at the
 * entry, kept per thread until the return, and used if the operation was
 * slow: the same callers, every kernel alike.
 *
 * Off (the default, and for every kind without a threshold), the threshold
 * is read-only data of 0: the verifier drops the branch, and the hot paths
 * pay nothing for it.
 */
#ifndef VT_SLOW_BPF_H
#define VT_SLOW_BPF_H

#include "maps.bpf.h"
#include "contention.bpf.h" /* stack_scratch, struct vt_stack's map */
#include "events.bpf.h"

/* ns per enum vt_slow_kind; 0: no event for that kind. */
const volatile __u64 targ_slow_ns[VT_SLOW_KIND_MAX] __weak = {};

/* kprobe mode: each thread's stack from the entry of each operation it is in,
 * until its return; by kind, as operations nest (a reset zaps). User space
 * sizes it like the other per-thread maps, and to one entry when no kind has
 * a threshold. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u64); /* vt_slow_key() */
	__type(value, struct vt_stack);
} slow_entry_stacks SEC(".maps") __weak;

static __always_inline __u64 vt_slow_key(__u32 kind)
{
	return (__u64)vt_tid() << 8 | kind;
}

/* What the operation's end knows of it (a BPF call takes five arguments). */
struct vt_slow_op {
	__u64 ns;
	__u64 offset;
	__s64 ret;
	__u32 kind;
	__u32 detail;
	__u32 bar;
	__u32 from_entry; /* the stack kept at the entry (kprobe mode) */
};

/* kprobe mode, at the entry: this thread's stack, for the return. A thread
 * that cannot be kept (the map is full) gets a slow event without a stack. */
static __noinline void vt_slow_keep_stack(void *ctx, __u32 kind)
{
	__u64 key = vt_slow_key(kind);
	__u32 zero = 0;
	struct vt_stack *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	long len;

	if (!s)
		return;
	len = bpf_get_stack(ctx, s->ips, sizeof(s->ips), 0);
	s->nframes = len > 0 ? len / sizeof(__u64) : 0;
	bpf_map_update_elem(&slow_entry_stacks, &key, s, BPF_ANY);
}

#define VT_SLOW_ENTRY(ctx, kind_, direct_)              \
	do {                                            \
		if (targ_slow_ns[kind_] && !(direct_))  \
			vt_slow_keep_stack(ctx, kind_); \
	} while (0)

/* A subprogram, called only for the slow ones: the stack walk and the
 * copy stay out of every traced function's own program. @dev may be NULL
 * (a pin knows no device). */
static __noinline void vt_emit_slow(void *ctx, struct vt_device *dev, const struct vt_slow_op *op)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vt_slow_event *e = vt_event_reserve(sizeof(*e));
	long len;

	if (!e)
		return;
	__builtin_memset(&e->head, 0, sizeof(e->head));
	e->head.ts_ns = bpf_ktime_get_ns();
	e->head.pid = pid_tgid >> 32;
	e->head.tid = (__u32)pid_tgid;
	e->head.kind = VT_EV_SLOW;
	e->head.bar = op->bar;
	e->head.offset = op->offset;
	e->head.value = (__s64)op->ns;
	bpf_get_current_comm(e->head.comm, sizeof(e->head.comm));
	if (dev)
		__builtin_memcpy(e->head.bdf, dev->info.bdf, sizeof(e->head.bdf));
	e->slow_kind = op->kind;
	e->detail = op->detail;
	e->ret = op->ret;
	e->pad = 0;
	if (op->from_entry) {
		__u64 key = vt_slow_key(op->kind);
		struct vt_stack *s = bpf_map_lookup_elem(&slow_entry_stacks, &key);

		e->nframes = 0;
		if (s) {
			__builtin_memcpy(e->ips, s->ips, sizeof(e->ips));
			e->nframes = s->nframes;
		}
	} else {
		len = bpf_get_stack(ctx, e->ips, sizeof(e->ips), 0);
		e->nframes = len > 0 ? len / sizeof(__u64) : 0;
	}
	/* --min-latency 1ns makes every operation one: batched as accesses. */
	vt_event_submit_batched(e);
}

/* The check each operation's end makes: constant-folded away when off. In
 * kprobe mode (!direct_) the entry's stack is used; VT_SLOW_DROP lets it go
 * on every way out of the return. */
#define VT_SLOW(ctx, dev, kind_, detail_, ns_, bar_, offset_, ret_, direct_)  \
	do {                                                                  \
		if (targ_slow_ns[kind_] && (ns_) >= targ_slow_ns[kind_]) {    \
			struct vt_slow_op op_ = { .ns = (ns_),                \
						  .offset = (offset_),        \
						  .ret = (ret_),              \
						  .kind = (kind_),            \
						  .detail = (detail_),        \
						  .bar = (bar_),              \
						  .from_entry = !(direct_) }; \
			vt_emit_slow(ctx, dev, &op_);                         \
		}                                                             \
	} while (0)

#define VT_SLOW_DROP(kind_, direct_)                                    \
	do {                                                            \
		if (targ_slow_ns[kind_] && !(direct_)) {                \
			__u64 key_ = vt_slow_key(kind_);                \
			bpf_map_delete_elem(&slow_entry_stacks, &key_); \
		}                                                       \
	} while (0)

#endif /* VT_SLOW_BPF_H */
