// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-trace lockdep` hooks, one program per kernel function (a tracing program
 * has one attach target). User space attaches those the kernel has: the
 * *_nested and *_nest_lock variants exist only with CONFIG_DEBUG_LOCK_ALLOC,
 * where mutex_lock() itself becomes mutex_lock_nested() (the reason klockstat
 * broke on debug kernels, bcc #4885).
 */
#include "lock_order.bpf.h"

/* void f(lock, ...): acquired on return. @kind: VT_RWSEM or VT_MUTEX. */
#define VT_ACQUIRE(name, mode, kind)                             \
	SEC("fexit")                                             \
	int BPF_PROG(name, void *lock)                           \
	{                                                        \
		return vt_lock_acquired(ctx, mode, false, kind); \
	}

/* int f(lock): 0 when acquired (killable, interruptible). */
#define VT_ACQUIRE_INT(name, mode, kind)                                   \
	SEC("fexit")                                                       \
	int BPF_PROG(name, void *lock, int ret)                            \
	{                                                                  \
		return ret ? 0 : vt_lock_acquired(ctx, mode, false, kind); \
	}

/* int f(lock, subclass): 0 when acquired. */
#define VT_ACQUIRE_INT2(name, mode, kind)                                  \
	SEC("fexit")                                                       \
	int BPF_PROG(name, void *lock, unsigned int subclass, int ret)     \
	{                                                                  \
		return ret ? 0 : vt_lock_acquired(ctx, mode, false, kind); \
	}

/* int f(lock): 1 when acquired. */
#define VT_TRYLOCK(name, mode, kind)                                           \
	SEC("fexit")                                                           \
	int BPF_PROG(name, void *lock, int ret)                                \
	{                                                                      \
		return ret == 1 ? vt_lock_acquired(ctx, mode, true, kind) : 0; \
	}

/* @kind as for the acquisitions: a mutex is tracked only by address. */
#define VT_RELEASE(name, kind)                      \
	SEC("fentry")                               \
	int BPF_PROG(name, void *lock)              \
	{                                           \
		return vt_lock_released(ctx, kind); \
	}

VT_ACQUIRE(lo_down_read, VT_MODE_READ, VT_RWSEM)
VT_ACQUIRE(lo_down_read_nested, VT_MODE_READ, VT_RWSEM)
VT_ACQUIRE_INT(lo_down_read_killable, VT_MODE_READ, VT_RWSEM)
VT_ACQUIRE_INT(lo_down_read_interruptible, VT_MODE_READ, VT_RWSEM)
VT_ACQUIRE_INT2(lo_down_read_killable_nested, VT_MODE_READ, VT_RWSEM)
VT_TRYLOCK(lo_down_read_trylock, VT_MODE_READ, VT_RWSEM)
VT_ACQUIRE(lo_down_write, VT_MODE_WRITE, VT_RWSEM)
VT_ACQUIRE(lo_down_write_nested, VT_MODE_WRITE, VT_RWSEM)
VT_ACQUIRE(lo_down_write_nest_lock, VT_MODE_WRITE, VT_RWSEM)
VT_ACQUIRE_INT(lo_down_write_killable, VT_MODE_WRITE, VT_RWSEM)
VT_ACQUIRE_INT2(lo_down_write_killable_nested, VT_MODE_WRITE, VT_RWSEM)
VT_TRYLOCK(lo_down_write_trylock, VT_MODE_WRITE, VT_RWSEM)
VT_RELEASE(lo_up_read, VT_RWSEM)
VT_RELEASE(lo_up_write, VT_RWSEM)
VT_ACQUIRE(lo_mutex_lock, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE(lo_mutex_lock_nested, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE(lo_mutex_lock_nest_lock, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE_INT(lo_mutex_lock_interruptible, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE_INT(lo_mutex_lock_killable, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE_INT2(lo_mutex_lock_interruptible_nested, VT_MODE_WRITE, VT_MUTEX)
VT_ACQUIRE_INT2(lo_mutex_lock_killable_nested, VT_MODE_WRITE, VT_MUTEX)
VT_TRYLOCK(lo_mutex_trylock, VT_MODE_WRITE, VT_MUTEX)
VT_RELEASE(lo_mutex_unlock, VT_MUTEX)

SEC("fentry")
int BPF_PROG(lo_downgrade_write, void *lock)
{
	return vt_lock_downgraded(ctx);
}

/* Allocations that may enter direct reclaim, while tracked locks are held:
 * lock -> fs_reclaim. Where lockdep's fs_reclaim_acquire() exists only with
 * CONFIG_LOCKDEP, these tracepoints exist everywhere; they fire after the
 * allocation, which is when the order was already taken. Page allocations
 * and kmalloc() (kmem_cache_alloc() of a driver's own cache is not seen). */
SEC("tp_btf/mm_page_alloc")
int BPF_PROG(mm_page_alloc, struct page *page, unsigned int order, gfp_t gfp)
{
	return vt_reclaim_possible(ctx, gfp);
}

/* gfp is the fifth argument since 2.6 (6.2 added a sixth, the node). */
SEC("tp_btf/kmalloc")
int BPF_PROG(kmalloc, unsigned long call_site, const void *ptr, size_t req, size_t alloc, gfp_t gfp)
{
	return vt_reclaim_possible(ctx, gfp);
}

/* The threads holding tracked locks now, for the flight recorder's current
 * holders, where their stacks are in task storage, which user space cannot
 * walk: one struct vt_held_record per such thread. Read once a snapshot. */
SEC("iter/task")
int held_iter(struct bpf_iter__task *ctx)
{
	return vt_held_report(ctx->meta->seq, ctx->task);
}
