/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vfio-trace lockdep`: the order in which threads really take mmap_lock,
 * vma_lock, memory_lock, i_mmap_rwsem and igate, on a kernel without
 * CONFIG_LOCKDEP, per device. Every acquisition of one of these locks while
 * another is held is an edge. Like lockdep, an edge into a trylock is not
 * recorded (a trylock cannot wait, so it cannot deadlock), but the lock still
 * counts as held afterwards.
 *
 * This hooks the generic rwsem and mutex functions, so every lock operation on
 * the host runs a program: an investigation mode, not a daemon. Each keeps its
 * work for the untracked majority small: a filter byte instead of a hash
 * lookup (lock_filter), current's fields loaded directly, the thread's held
 * stack in task storage. What stays is the hooking itself: empty programs on
 * the same hooks cost about 5 % of lock-heavy work (bench/README.md).
 */
#ifndef VT_LOCK_ORDER_BPF_H
#define VT_LOCK_ORDER_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"

#define VT_MAX_EDGES 1024

/*
 * The tracked locks each thread holds. In task storage where the kernel has it
 * (targ_task_storage): every lock operation of the host looks its thread's
 * stack up, and a pointer walk from current costs a fraction of a hash and a
 * bucket walk; the kernel frees it with the thread. User space reads it
 * through the held_iter program. Elsewhere the tid-keyed hash, which user
 * space reads directly. The unused one is shrunk to a dummy.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_held);
} held SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vt_held);
} held_tasks SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_EDGES);
	__type(key, struct vt_edge_key);
	__type(value, struct vt_edge);
} edges SEC(".maps") __weak;

/* Where a new edge is built: with its stack it is too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vt_edge);
} edge_scratch SEC(".maps") __weak;

static const struct vt_held vt_zero_held;

/* This thread's held stack; with @create, made empty when it has none (NULL
 * and counted when there is no room). */
static __always_inline struct vt_held *vt_held_current(bool create)
{
	struct vt_held *h;
	__u32 tid;

	if (targ_task_storage) {
		h = bpf_task_storage_get(&held_tasks, bpf_get_current_task_btf(), 0,
					 create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
		/* With create, NULL is an allocation that failed, or task
		 * storage already in use on this CPU (a lock hook inside an
		 * allocation of its own). */
		if (!h && create)
			vt_lost(VT_LOST_TASK_MAP_FULL);
		return h;
	}
	tid = vt_tid();
	h = bpf_map_lookup_elem(&held, &tid);
	if (h || !create)
		return h;
	if (bpf_map_update_elem(&held, &tid, &vt_zero_held, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&held, &tid)) {
		vt_lost(VT_LOST_TASK_MAP_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(&held, &tid);
}

/* include/linux/sched.h: the same value since 2.6. Set for the length of
 * direct reclaim (memalloc_noreclaim_save() in __perform_reclaim()) and for
 * kswapd, which is where lockdep holds its fs_reclaim map; a few other
 * paths also set it to keep an allocation from recursing into reclaim. */
#define VT_PF_MEMALLOC 0x00000800

/* Scopes in which an allocation may not recurse into the file system or I/O
 * (memalloc_nofs_save(), memalloc_noio_save()): current_gfp_context() then
 * clears __GFP_FS, and lockdep takes no fs_reclaim. Same values since 4.12. */
#define VT_PF_MEMALLOC_NOFS 0x00040000
#define VT_PF_MEMALLOC_NOIO 0x00080000
/* include/linux/gfp_types.h: the same bits since 4.4 (d0164adc89f6 "mm,
 * page_alloc: distinguish between being unable to sleep, unwilling to sleep
 * and avoiding waking kswapd"), #defines up to 6.9 and an enum since. */
#define VT_GFP_FS 0x80U
#define VT_GFP_DIRECT_RECLAIM 0x400U

static __always_inline bool vt_in_reclaim(void)
{
	return vt_current_flags() & VT_PF_MEMALLOC;
}

/*
 * The value of a lock hook's first argument, the lock. The kernel's BTF makes
 * it a struct rw_semaphore * or struct mutex *, on which the verifier allows
 * no arithmetic, and the lock filter hashes it. bpf_get_func_arg() (5.17,
 * f92c1e183604 "bpf: Add get_func_[arg|ret|arg_cnt] helpers") returns it as a
 * number and is inlined by the verifier; before it, one probe read of the
 * context.
 */
static __always_inline __u64 vt_lock_arg(void *ctx)
{
	__u64 v = 0;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_func_arg))
		bpf_get_func_arg(ctx, 0, &v);
	else
		bpf_probe_read_kernel(&v, sizeof(v), ctx);
	return v;
}

/* The two kinds of lock the hooks see. */
#define VT_MUTEX false
#define VT_RWSEM true

/*
 * An i_mmap_rwsem of any file mapping, as a class, like lockdep's
 * &mapping->i_mmap_rwsem: reclaim takes it for whatever file it walks. An
 * rwsem at that offset in an address_space whose host inode points back to
 * the mapping. Two reads per untracked rwsem acquisition on the host, in
 * this investigation mode only.
 */
static __always_inline bool vt_is_i_mmap_rwsem(__u64 lock)
{
	struct address_space *mapping;
	struct inode *host;

	mapping = (void *)(lock - bpf_core_field_offset(struct address_space, i_mmap_rwsem));
	host = BPF_CORE_READ(mapping, host);
	return host && (__u64)BPF_CORE_READ(host, i_mapping) == (__u64)mapping;
}

/* The class of a lock address and the slot of the device it belongs to, if
 * tracked. */
static __always_inline int vt_lock_class(__u64 lock, bool rwsem, __u32 *slot)
{
	struct vt_lock_owner *owner;

	*slot = VT_NO_SLOT;
	if (vt_lock_maybe_tracked(lock)) {
		owner = bpf_map_lookup_elem(&locks, &lock);
		if (owner) {
			*slot = owner->slot;
			return owner->class < VT_LC_ALL ? owner->class : -1;
		}
	}
	if (!rwsem)
		return -1;
	if (lock == vt_current_mmap_lock_addr())
		return VT_LC_MMAP_LOCK;
	if (vt_is_i_mmap_rwsem(lock))
		return VT_LC_I_MMAP_RWSEM;
	return -1;
}

/* The first sighting of an edge: who, when, and the kernel stack, kept with
 * the edge itself (bpf_get_stack into its entry), so no stack can be lost to
 * a shared map's full or colliding bucket; one the kernel cannot walk is
 * counted. Once per edge, so a subprogram, not inlined at every call site. */
static __noinline int vt_edge_first(void *ctx, const struct vt_edge_key *key)
{
	__u32 zero = 0;
	struct vt_edge *fresh = bpf_map_lookup_elem(&edge_scratch, &zero), *edge;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	long n;

	if (!fresh)
		return 0;
	fresh->count = 1;
	fresh->first_ns = bpf_ktime_get_ns();
	fresh->pid = pid_tgid >> 32;
	fresh->tid = (__u32)pid_tgid;
	bpf_get_current_comm(fresh->comm, sizeof(fresh->comm));
	n = bpf_get_stack(ctx, fresh->stack, sizeof(fresh->stack), 0);
	fresh->nframes = n > 0 ? n / sizeof(__u64) : 0;
	if (n <= 0)
		vt_lost(VT_LOST_EDGE_STACK);
	if (bpf_map_update_elem(&edges, key, fresh, BPF_NOEXIST)) {
		/* Another CPU added it a moment ago, or the map is full. */
		edge = bpf_map_lookup_elem(&edges, key);
		if (edge)
			__sync_fetch_and_add(&edge->count, 1);
		else
			vt_lost(VT_LOST_EDGE_MAP_FULL);
	}
	return 0;
}

static __always_inline void vt_edge_seen(void *ctx, __u32 from_class, __u32 from_mode,
					 __u32 from_slot, __u32 class, __u32 mode, __u32 slot,
					 bool direct)
{
	struct vt_edge_key key = {};
	struct vt_edge *edge;

	key.from_class = from_class;
	key.from_mode = from_mode;
	key.from_slot = from_slot;
	key.to_class = class;
	key.to_mode = mode;
	key.to_slot = slot;
	key.same_device = slot != VT_NO_SLOT && from_slot == slot;
	key.direct = direct;
	edge = bpf_map_lookup_elem(&edges, &key);
	if (edge)
		__sync_fetch_and_add(&edge->count, 1);
	else
		vt_edge_first(ctx, &key);
}

static __always_inline void vt_add_edge(void *ctx, struct vt_held *h, __u32 i, int class,
					__u32 mode, __u32 slot)
{
	if (i >= VT_LOCK_DEPTH)
		return;
	vt_edge_seen(ctx, h->class[i], h -> mode[i], h -> slot[i], class, mode, slot,
		     i + 1 == h -> depth);
}

/* Drops the entries vt_add_edges() found released (lock 0), keeping order. */
static __always_inline void vt_held_compact(struct vt_held *h)
{
	__u64 i, n = 0, depth = h->depth;

	for (i = 0; i < VT_LOCK_DEPTH; i++) {
		__u64 j = n & (VT_LOCK_DEPTH - 1);

		if (i >= depth)
			break;
		if (!h->lock[i])
			continue;
		h->lock[j] = h->lock[i];
		h->slot[j] = h->slot[i];
		h->class[j] = h->class[i];
		h->mode[j] = h->mode[i];
		h->rwsem[j] = h->rwsem[i];
		n++;
	}
	h->depth = n;
}

/* include/linux/rwsem.h and kernel/locking/rwsem.c, mutex.c since 5.3: the
 * low bits of an owner are flags; a writer sets bit 0 of count, each reader
 * adds 1 << 8. */
#define VT_OWNER_FLAGS 0x7UL
#define VT_RWSEM_WRITER_LOCKED 0x1L
#define VT_RWSEM_READER_SHIFT 8

/*
 * Entry @k is still held, as far as the lock itself says: a writer or a
 * mutex owned by this task, or a reader count above zero. A release whose
 * probe did not run would otherwise leave the entry behind, and every lock
 * taken after it would be an edge from a lock no longer held. PREEMPT_RT's
 * rt_mutex-based locks have no such fields: taken as held there.
 */
static __always_inline bool vt_still_held(struct vt_held *h, __u32 k)
{
	__u64 me = bpf_get_current_task(), owner;
	long count;

	if (k >= VT_LOCK_DEPTH)
		return false;
	if (h->rwsem[k]) {
		struct rw_semaphore *sem = (void *)h->lock[k];

		if (!bpf_core_field_exists(sem->owner))
			return true;
		count = BPF_CORE_READ(sem, count.counter);
		if (h->mode[k] != VT_MODE_WRITE)
			return (count >> VT_RWSEM_READER_SHIFT) > 0;
		owner = BPF_CORE_READ(sem, owner.counter);
		return (count & VT_RWSEM_WRITER_LOCKED) && (owner & ~VT_OWNER_FLAGS) == me;
	} else {
		struct mutex *m = (void *)h->lock[k];

		if (!bpf_core_field_exists(m->owner))
			return true;
		owner = BPF_CORE_READ(m, owner.counter);
		return (owner & ~VT_OWNER_FLAGS) == me;
	}
}

/*
 * An edge from each of the first @depth held locks to the one being taken.
 * Written out, not a loop: 6.1's verifier refuses a loop whose body ends in
 * a call (it sees a back-edge through the call's fall-through; 6.3 lifted
 * that), and an edge's first sighting is one, which clang will not unroll.
 */
/* The edge from held lock @k to the lock @to names (class, mode and slot,
 * packed: a BPF function takes five arguments), or its removal when it
 * turned out released (lock 0, for vt_held_compact()). A subprogram: inlined
 * eight times in each of two dozen lock programs, it grew the BPF object by
 * 300 KB, which libbpf holds while loading (the frontend's peak RSS). */
#define VT_EDGE_TO(class, mode, slot) ((__u64)(slot) << 32 | (__u64)(mode) << 8 | (class))

static __noinline int vt_edge_from(void *ctx, struct vt_held *h, __u32 k, __u64 to)
{
	if (!h || k >= VT_LOCK_DEPTH)
		return 0;
	if (vt_still_held(h, k)) {
		vt_add_edge(ctx, h, k, to & 0xff, (to >> 8) & 0xff, to >> 32);
		return 0;
	}
	h->lock[k] = 0;
	return 1;
}

#define VT_EDGE_FROM(k)                                           \
	do {                                                      \
		if ((k) < depth)                                  \
			dropped |= vt_edge_from(ctx, h, (k), to); \
	} while (0)

static __always_inline void vt_add_edges(void *ctx, struct vt_held *h, __u64 depth, int class,
					 __u32 mode, __u32 slot)
{
	__u64 to = VT_EDGE_TO(class, mode, slot);
	int dropped = 0;

	_Static_assert(VT_LOCK_DEPTH == 8, "one VT_EDGE_FROM per held lock");
	VT_EDGE_FROM(0);
	VT_EDGE_FROM(1);
	VT_EDGE_FROM(2);
	VT_EDGE_FROM(3);
	VT_EDGE_FROM(4);
	VT_EDGE_FROM(5);
	VT_EDGE_FROM(6);
	VT_EDGE_FROM(7);
	if (dropped)
		vt_held_compact(h);
}

/* Removes entry @i, closing the gap. */
static __always_inline void vt_held_remove(struct vt_held *h, __u64 i, __u64 depth)
{
	__u64 j;

	for (j = i + 1; j < VT_LOCK_DEPTH; j++) {
		if (j >= depth)
			break;
		h->lock[j - 1] = h->lock[j];
		h->slot[j - 1] = h->slot[j];
		h->rwsem[j - 1] = h->rwsem[j];
		h->class[j - 1] = h->class[j];
		h->mode[j - 1] = h->mode[j];
	}
	h->depth = depth - 1;
}

static __always_inline int vt_lock_acquired(void *ctx, __u32 mode, bool trylock, bool rwsem)
{
	__u64 lock = vt_lock_arg(ctx);
	__u32 slot;
	struct vt_held *h;
	__u64 i, depth; /* 64-bit: see vt_hist_add() */
	int class;

	class = vt_lock_class(lock, rwsem, &slot);
	if (class < 0 || !vt_task_allowed())
		return 0;
	/* Taken inside reclaim: fs_reclaim -> this lock, as lockdep sees it
	 * when the reclaim path takes it. Like lockdep, not for a trylock. */
	if (!trylock && vt_in_reclaim())
		vt_edge_seen(ctx, VT_LC_FS_RECLAIM, VT_MODE_WRITE, VT_NO_SLOT, class, mode, slot,
			     true);
	h = vt_held_current(true);
	if (!h)
		return 0;
	/* The same lock still listed: its release was skipped (PREEMPT_RT can
	 * preempt a program, and the kernel then skips the next run), or a
	 * recursive read. Either way it is not held twice: drop the old entry
	 * rather than let such leftovers pile up into false edges. */
	depth = h->depth;
	for (i = 0; i < VT_LOCK_DEPTH; i++) {
		if (i >= depth)
			break;
		if (h->lock[i] == lock) {
			vt_held_remove(h, i, depth);
			depth = h->depth;
			break;
		}
	}
	if (!trylock) {
		vt_add_edges(ctx, h, depth, class, mode, slot);
		depth = h->depth;
	}
	if (depth >= VT_LOCK_DEPTH) {
		/* Deeper than we keep: forget the outermost, the likeliest leftover. */
		vt_lost(VT_LOST_LOCK_DEPTH);
		vt_held_remove(h, 0, depth);
		depth = h->depth;
	}
	if (depth >= VT_LOCK_DEPTH)
		return 0;
	/* The mask is a no-op here, but 6.1's verifier walks a merged path on
	 * which the bound above looks contradictory (umin 8, umax 7) and gives
	 * up; the empty asm keeps clang from dropping the mask as redundant.
	 * VT_LOCK_DEPTH is a power of two. */
	asm volatile("" : "+r"(depth));
	i = depth & (VT_LOCK_DEPTH - 1);
	h->lock[i] = lock;
	h->slot[i] = slot;
	h->class[i] = class;
	h->mode[i] = mode;
	h->rwsem[i] = rwsem;
	h->depth = depth + 1;
	return 0;
}

static __always_inline int vt_lock_released(void *ctx, bool rwsem)
{
	__u64 lock = vt_lock_arg(ctx);
	struct vt_held *h;
	__u64 i, depth; /* 64-bit: see vt_hist_add() */

	/* A mutex is held here only if its address was in the filter when it
	 * was taken, and the filter never forgets one: every other mutex (a
	 * pipe's, say) needs no look at the thread's stack. An rwsem may be
	 * an mmap_lock or i_mmap_rwsem, told from the lock itself at a cost
	 * like the lookup's. */
	if (!rwsem && !vt_lock_maybe_tracked(lock))
		return 0;
	h = vt_held_current(false);
	if (!h || !h->depth)
		return 0;
	depth = h->depth;
	if (depth > VT_LOCK_DEPTH)
		depth = VT_LOCK_DEPTH;
	/* Locks are mostly released innermost first: search from the top.
	 * Bounded loops, not unrolled: 5.3+ verifies them. */
	for (i = VT_LOCK_DEPTH; i > 0; i--) {
		if (i > depth || h->lock[i - 1] != lock)
			continue;
		vt_held_remove(h, i - 1, depth);
		break;
	}
	return 0;
}

/* downgrade_write(): the same lock, held for reading from now on. */
static __always_inline int vt_lock_downgraded(void *ctx)
{
	__u64 lock = vt_lock_arg(ctx);
	struct vt_held *h = vt_held_current(false);
	__u32 i;

	if (!h)
		return 0;
	for (i = 0; i < VT_LOCK_DEPTH; i++)
		if (i < h->depth && h->lock[i] == lock)
			h->mode[i] = VT_MODE_READ;
	return 0;
}

/* An allocation with @gfp that may enter direct reclaim and its fs part, as
 * lockdep's fs_reclaim_acquire() decides (__need_reclaim() and __GFP_FS
 * after current_gfp_context()): every tracked lock held -> fs_reclaim. */
static __always_inline int vt_reclaim_possible(void *ctx, gfp_t gfp)
{
	__u32 flags;
	struct vt_held *h;

	if ((gfp & (VT_GFP_DIRECT_RECLAIM | VT_GFP_FS)) != (VT_GFP_DIRECT_RECLAIM | VT_GFP_FS))
		return 0;
	h = vt_held_current(false);
	if (!h || !h->depth)
		return 0;
	flags = vt_current_flags();
	if (flags & (VT_PF_MEMALLOC | VT_PF_MEMALLOC_NOFS | VT_PF_MEMALLOC_NOIO))
		return 0;
	vt_add_edges(ctx, h, h->depth, VT_LC_FS_RECLAIM, VT_MODE_WRITE, VT_NO_SLOT);
	return 0;
}

/* held_iter's record of @task, when it holds tracked locks. */
static __always_inline int vt_held_report(struct seq_file *seq, struct task_struct *task)
{
	struct vt_held_record rec = {};
	struct vt_held *h;

	if (!task)
		return 0;
	h = bpf_task_storage_get(&held_tasks, task, 0, 0);
	if (!h || !h->depth)
		return 0;
	rec.tid = task->pid;
	rec.held = *h;
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}

#endif /* VT_LOCK_ORDER_BPF_H */
