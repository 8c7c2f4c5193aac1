/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --stacks: who waits for a device's memory_lock where, and who holds it.
 *
 * The holder is known from our own brackets (hold.bpf.h), not from the
 * rwsem's owner field (absent on PREEMPT_RT, whose rw_semaphore is an
 * rwbase_rt): a write bracket claims the device's writer record with its
 * task and kernel stack, and gives it up at its end; read brackets count the
 * device's readers and remember the last one. A waiter's contention_begin
 * then finds a write owner, or readers, or nobody vfio-trace knows of.
 *
 * Stacks are taken with bpf_get_stack() into a scratch entry and stored once
 * in the stacks hash, keyed by a hash of their frames: no STACK_TRACE map,
 * whose buckets collide silently. A stack that cannot be taken or stored is
 * counted (contention_stack), and the pair is kept without it.
 *
 * Off (the default), targ_stacks is read-only data: the verifier drops every
 * branch below, and user space shrinks the maps to one entry.
 */
#ifndef VT_CONTENTION_BPF_H
#define VT_CONTENTION_BPF_H

#include "maps.bpf.h"
#include "device.bpf.h"
#include "events.bpf.h"

const volatile __u32 targ_stacks __weak = 0; /* --stacks */

#define VT_MAX_STACKS 4096
#define VT_MAX_CONTENTION_PAIRS 4096

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_STACKS);
	__type(key, __u64); /* vt_stack_hash() of the frames */
	__type(value, struct vt_stack);
} stacks SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vt_stack);
} stack_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_CONTENTION_PAIRS);
	__type(key, struct vt_contention_key);
	__type(value, struct vt_contention);
} contention_pairs SEC(".maps") __weak;

/* A read bracket of the device's last few: when it was inside, and the
 * same thread's bracket before it. A trylock's holder is looked for after
 * the fact, and a reader reading back to back may leave and come back in
 * between: its last bracket is then the one that held the lock. */
struct vt_reader_seen {
	__u64 t_enter;
	__u64 t_exit;	  /* 0: inside still */
	__u64 prev_enter; /* 0: none kept (the entry had another thread) */
	__u64 prev_exit;
	__u32 pid;
	__u32 tid;
	__u32 path;
	__u32 prev_path;
	char comm[VT_COMM_LEN];
};

/* Read brackets kept per device (a power of two): a trylock's holder is
 * looked for among them after the fact (trylock.bpf.h). */
#define VT_READERS_SEEN 8

/* Who holds a device's memory_lock, as far as our brackets know. Plain
 * stores: two CPUs racing on one record can leave it a moment stale, which
 * misnames one pair's holder at worst. */
struct vt_lock_holders {
	__u32 writer_tid; /* 0: no write bracket holds or is about to */
	__u32 writer_pid;
	__u32 writer_path;
	__u32 writer_waiting; /* the writer itself is still waiting for readers */
	char writer_comm[VT_COMM_LEN];
	__u64 writer_stack;
	__u64 writer_since;    /* when writer_tid claimed the record */
	__s64 readers;	       /* open read brackets on the device */
	__s64 waiting_readers; /* of which waiting for the lock */
	__u32 reader_pid;      /* the last reader to take it */
	__u32 reader_tid;
	__u32 reader_path;
	__u32 pad;
	char reader_comm[VT_COMM_LEN];
	__u32 seen_next; /* the entry of seen[] to take when none is closed */
	__u32 pad2;
	struct vt_reader_seen seen[VT_READERS_SEEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(key, __u32); /* device slot */
	__type(value, struct vt_lock_holders);
} lock_holders SEC(".maps") __weak;

/* A waiter between contention_begin and _end, with its holder then. */
struct vt_stack_wait {
	struct vt_contention_key key;
	__u32 holder_pid;
	__u32 holder_tid;
	char holder_comm[VT_COMM_LEN];
	__u32 readers;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_stack_wait);
} stack_waits SEC(".maps") __weak;

/*
 * This thread's kernel stack, stored in the stacks map; returns its key, or 0
 * (counted) when it could not be taken or stored. Frames are hashed with
 * FNV-1a over whole addresses: two different stacks share a key with
 * probability about n^2 / 2^65 for n stacks. A subprogram: only contentions
 * and write brackets call it.
 */
static __noinline __u64 vt_stack_take(void *ctx)
{
	__u32 zero = 0, n, i;
	struct vt_stack *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	__u64 h = 0xcbf29ce484222325ULL;
	long len;

	if (!s)
		return 0;
	len = bpf_get_stack(ctx, s->ips, sizeof(s->ips), 0);
	if (len <= 0) {
		vt_lost(VT_LOST_CONTENTION_STACK);
		return 0;
	}
	n = len / sizeof(__u64);
	s->nframes = n;
	for (i = 0; i < VT_CONTENTION_STACK_DEPTH; i++) {
		if (i >= n)
			break;
		h = (h ^ s->ips[i]) * 0x100000001b3ULL;
	}
	h = h ? h : 1;
	if (bpf_map_update_elem(&stacks, &h, s, BPF_NOEXIST) && !bpf_map_lookup_elem(&stacks, &h)) {
		vt_lost(VT_LOST_CONTENTION_STACK);
		return 0;
	}
	return h;
}

static __always_inline void vt_task_comm_ids(__u32 *pid, __u32 *tid, char *comm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	*pid = pid_tgid >> 32;
	*tid = (__u32)pid_tgid;
	bpf_get_current_comm(comm, VT_COMM_LEN);
}

/* This thread now holds (or is next to hold) @slot's memory_lock for
 * writing: it becomes the writer, with its stack; unless @force is false and
 * another thread's write bracket has the record. */
static __noinline void vt_writer_claim(void *ctx, __u32 slot, __u32 path, bool force)
{
	struct vt_lock_holders *h = bpf_map_lookup_elem(&lock_holders, &slot);

	if (!h || (!force && h->writer_tid && h->writer_tid != vt_tid()))
		return;
	if (h->writer_tid != vt_tid())
		h->writer_since = bpf_ktime_get_ns();
	vt_task_comm_ids(&h->writer_pid, &h->writer_tid, h->writer_comm);
	h->writer_path = path;
	h->writer_waiting = 0;
	h->writer_stack = vt_stack_take(ctx);
}

/* A write bracket (@hold, this thread's) opened: it claims the writer
 * record unless another write bracket has it (this one will wait, and claims
 * it when its wait ends). */
static __always_inline void vt_holders_write_begin(void *ctx, const struct vt_hold *hold,
						   __u32 path)
{
	if (!targ_stacks || !hold || hold->path != path || hold->mode != VT_MODE_WRITE)
		return;
	vt_writer_claim(ctx, hold->slot, path, false);
}

/*
 * A hot reset on @vdev (this thread's write bracket, on @slot) takes the
 * memory_lock of every device of its set for writing, not of @slot's alone:
 * at its entry this thread becomes the writer on each other device too
 * (@claim, unless another write bracket has that record), and at its return
 * gives up each record it still has (!@claim). Without it a reader waiting on
 * another device of the set during the reset named no holder. A subprogram:
 * two callers.
 */
static __noinline void vt_holders_set_writer(void *ctx, __u64 vdev, __u32 slot, bool claim)
{
	struct vt_lock_holders *h;
	__u64 head, node;
	__u32 i, s;

	if (!vt_dev_set_first((vt_vdev_t *)vdev, &head, &node))
		return;
	for (i = 0; i < VT_RESET_SET_MAX && vt_dev_set_step(head, &node, &s); i++) {
		if (s == VT_NO_SLOT || s == slot)
			continue;
		if (claim) {
			vt_writer_claim(ctx, s, VT_PATH_HOT_RESET, false);
			continue;
		}
		h = bpf_map_lookup_elem(&lock_holders, &s);
		if (h && h->writer_tid == vt_tid())
			h->writer_tid = 0;
	}
}

/* The paths whose brackets hold memory_lock for reading. */
static __always_inline bool vt_read_path(__u32 path)
{
	return path == VT_PATH_FAULT || path == VT_PATH_BAR_RW;
}

/* A read bracket opened: it takes the entry of seen[] its thread id picks,
 * unless another thread is inside there, then a closed one, or the next in
 * turn when all are inside. Plain stores: starting from the thread's own
 * entry keeps two CPUs from taking the same one unless both fall back. */
static __always_inline void vt_reader_enter(struct vt_lock_holders *h, __u32 path)
{
	struct vt_reader_seen *e = &h->seen[vt_tid() & (VT_READERS_SEEN - 1)];
	bool own;
	__u32 i;

	if (e->tid && !e->t_exit && e->tid != vt_tid()) {
		e = NULL;
		for (i = 0; i < VT_READERS_SEEN; i++) {
			if (h->seen[i].t_exit || !h->seen[i].tid) {
				e = &h->seen[i];
				break;
			}
		}
	}
	if (!e)
		e = &h->seen[h->seen_next++ & (VT_READERS_SEEN - 1)];
	/* The bracket before is kept before the last is overwritten, so a
	 * search meanwhile sees it in one place or the other. But while a
	 * writer is in, it stays the first that was inside since the writer
	 * came: a trylock of that writer failed on it, the search comes at the
	 * writer's return, and by then this reader may have come back many
	 * times (under TCG, twice within one search on 5.15). */
	own = e->tid == vt_tid();
	if (!own || !h->writer_tid || !e->prev_enter ||
	    (e->prev_exit && e->prev_exit < h->writer_since)) {
		e->prev_enter = own ? e->t_enter : 0;
		e->prev_exit = e->t_exit;
		e->prev_path = e->path;
	}
	e->t_exit = 0;
	e->t_enter = bpf_ktime_get_ns();
	e->path = path;
	vt_task_comm_ids(&e->pid, &e->tid, e->comm);
}

/* A read bracket of this thread closed: its entry says when. */
static __always_inline void vt_reader_exit(struct vt_lock_holders *h)
{
	__u32 tid = vt_tid(), i;

	for (i = 0; i < VT_READERS_SEEN; i++) {
		if (h->seen[i].tid == tid && !h->seen[i].t_exit) {
			h->seen[i].t_exit = bpf_ktime_get_ns();
			return;
		}
	}
}

/* A bracket opened (+1) or closed (-1) on @slot: readers are counted, the
 * last to open is remembered, and each is kept in seen[] with its times; a
 * closing writer gives up its record. A subprogram: every bracket's entry
 * and exit would otherwise carry a copy. */
static __noinline void vt_holders_update(__u32 slot, __u32 mode, __u32 path, int delta)
{
	struct vt_lock_holders *h = bpf_map_lookup_elem(&lock_holders, &slot);

	if (!h)
		return;
	if (mode == VT_MODE_READ) {
		__sync_fetch_and_add(&h->readers, delta);
		if (delta > 0) {
			vt_task_comm_ids(&h->reader_pid, &h->reader_tid, h->reader_comm);
			h->reader_path = path;
			vt_reader_enter(h, path);
		} else {
			vt_reader_exit(h);
		}
		return;
	}
	if (delta < 0 && h->writer_tid == vt_tid())
		h->writer_tid = 0;
}

static __always_inline void vt_holders_bracket(__u32 slot, __u32 mode, __u32 path, int delta)
{
	if (targ_stacks)
		vt_holders_update(slot, mode, path, delta);
}

/*
 * contention_begin of a fresh memory_lock wait on @slot: the waiter's path
 * and stack, and the holder as our brackets know it. A subprogram: the
 * tracepoint fires for every contended lock, this runs for ours only.
 */
static __noinline int vt_stacks_wait_begin(void *ctx, __u32 slot, __u32 mode, __u32 path)
{
	struct vt_lock_holders *h = bpf_map_lookup_elem(&lock_holders, &slot);
	struct vt_stack_wait w = {};
	__u32 tid = vt_tid();
	__s64 readers;

	if (!h)
		return 0;
	w.key.slot = slot;
	w.key.waiter_mode = mode;
	w.key.waiter_path = path;
	/* A reader in a read bracket is one of h->readers, but not a holder. */
	if (mode == VT_MODE_READ && vt_read_path(path))
		__sync_fetch_and_add(&h->waiting_readers, 1);
	else if (h->writer_tid == tid)
		h->writer_waiting = 1; /* claimed at entry: readers hold it */
	readers = h->readers - h->waiting_readers;
	if (h->writer_tid && h->writer_tid != tid && !h->writer_waiting) {
		w.key.holder_mode = VT_MODE_WRITE;
		w.key.holder_path = h->writer_path;
		w.key.holder_stack = h->writer_stack;
		w.holder_pid = h->writer_pid;
		w.holder_tid = h->writer_tid;
		__builtin_memcpy(w.holder_comm, h->writer_comm, VT_COMM_LEN);
	} else if (readers > 0) {
		w.key.holder_mode = VT_MODE_READ;
		w.key.holder_path = h->reader_path;
		w.holder_pid = h->reader_pid;
		w.holder_tid = h->reader_tid;
		__builtin_memcpy(w.holder_comm, h->reader_comm, VT_COMM_LEN);
		w.readers = readers;
	} else {
		w.key.holder_mode = VT_HOLDER_UNKNOWN;
		w.key.holder_path = VT_PATH_MAX;
	}
	w.key.waiter_stack = vt_stack_take(ctx);
	if (bpf_map_update_elem(&stack_waits, &tid, &w, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline void vt_pair_add(const struct vt_stack_wait *w, __u64 wait_ns)
{
	struct vt_contention *pair = bpf_map_lookup_elem(&contention_pairs, &w->key);
	struct vt_contention fresh = {};

	if (!pair) {
		bpf_map_update_elem(&contention_pairs, &w->key, &fresh, BPF_NOEXIST);
		pair = bpf_map_lookup_elem(&contention_pairs, &w->key);
		if (!pair) {
			vt_lost(VT_LOST_CONTENTION_MAP_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&pair->count, 1);
	__sync_fetch_and_add(&pair->wait_ns, wait_ns);
	vt_task_comm_ids(&pair->waiter_pid, &pair->waiter_tid, pair->waiter_comm);
	pair->holder_pid = w->holder_pid;
	pair->holder_tid = w->holder_tid;
	__builtin_memcpy(pair->holder_comm, w->holder_comm, VT_COMM_LEN);
	if (w->readers > pair->readers)
		pair->readers = w->readers;
}

/* @e made a struct vt_contention_event on @dev (a contention, or a trylock
 * that failed: @kind) by this task, now, zeroed beyond its head. */
static __always_inline void vt_lock_event_fill(struct vt_contention_event *e, struct vt_device *dev,
					       __u32 kind, __s64 value)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->head.ts_ns = bpf_ktime_get_ns();
	vt_task_comm_ids(&e->head.pid, &e->head.tid, e->head.comm);
	e->head.kind = kind;
	e->head.bar = VT_MAX_BARS;
	e->head.value = value;
	__builtin_memcpy(e->head.bdf, dev->info.bdf, sizeof(e->head.bdf));
}

/* vt_lock_event_fill() on room reserved on the ring buffer, or NULL. */
static __always_inline struct vt_contention_event *vt_lock_event_reserve(struct vt_device *dev,
									 __u32 kind, __s64 value)
{
	struct vt_contention_event *e = vt_event_reserve(sizeof(*e));

	if (e)
		vt_lock_event_fill(e, dev, kind, value);
	return e;
}

static __always_inline void vt_emit_contention(struct vt_device *dev, const struct vt_stack_wait *w,
					       __u64 wait_ns)
{
	struct vt_contention_event *e = vt_lock_event_reserve(dev, VT_EV_CONTENTION, wait_ns);

	if (!e)
		return;
	e->key = w->key;
	e->holder_pid = w->holder_pid;
	e->holder_tid = w->holder_tid;
	__builtin_memcpy(e->holder_comm, w->holder_comm, VT_COMM_LEN);
	e->readers = w->readers;
	/* Rare next to accesses: the ring buffer's own wakeup policy. */
	bpf_ringbuf_submit(e, 0);
}

/* contention_end of a memory_lock wait: the pair is counted, and the waiter
 * now holds the lock: a writer becomes the write owner (with its stack from
 * here), a reader the last reader. */
static __noinline int vt_stacks_wait_end(void *ctx, struct vt_device *dev, __u64 wait_ns)
{
	__u32 tid = vt_tid(), slot;
	struct vt_stack_wait *w = bpf_map_lookup_elem(&stack_waits, &tid);
	struct vt_lock_holders *h;

	if (!w)
		return 0;
	slot = w->key.slot;
	vt_pair_add(w, wait_ns);
	if (dev)
		vt_emit_contention(dev, w, wait_ns);
	h = bpf_map_lookup_elem(&lock_holders, &slot);
	if (h && w->key.waiter_mode == VT_MODE_WRITE) {
		if (h->writer_tid != tid || !h->writer_stack)
			vt_writer_claim(ctx, slot, w->key.waiter_path, true);
		else
			h->writer_waiting = 0;
	} else if (h && vt_read_path(w->key.waiter_path)) {
		__sync_fetch_and_add(&h->waiting_readers, -1);
		vt_task_comm_ids(&h->reader_pid, &h->reader_tid, h->reader_comm);
		h->reader_path = w->key.waiter_path;
	}
	bpf_map_delete_elem(&stack_waits, &tid);
	return 0;
}

#endif /* VT_CONTENTION_BPF_H */
