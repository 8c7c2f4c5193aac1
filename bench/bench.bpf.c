// SPDX-License-Identifier: GPL-2.0
/*
 * Reference probes for bench/run, loaded by vt-bench-probe (probe.c) next to
 * nothing else, so that vfio-trace's cost can be read against them:
 *
 *   empty_*   return at once: the price of the attach mechanism alone
 *             (fentry/fexit trampoline, or kprobe/kretprobe);
 *   lat_*     a minimal funclatency-style latency histogram: the entry time in
 *             a hash keyed by thread id, the log2 slot of the latency in an
 *             array. vfio-trace does more per event (device attribution,
 *             result split, events) and its goal is to cost no more than this;
 *   lat_task_* the same with the entry time in task-local storage;
 *   *_session one program at both ends of the call (kprobe.session, 6.10+):
 *             empty, and the histogram with the entry time in the session's
 *             cookie;
 *   count_*   fentry counters on the rwsem and mutex entry points, to know how
 *             many lock operations the unrelated-lock workload did;
 *   floor_*   empty programs on every hook `vfio-trace lockdep` uses (fexit on
 *             each acquisition, fentry on each release, the two allocation
 *             tracepoints): what hooking them costs before any work is done.
 *
 * The empty and lat programs have no fixed target: the loader points them at
 * the function under test (bpf_program__set_attach_target, or the kprobe's
 * symbol) and loads only the set it was asked for.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bench.h"

char LICENSE[] SEC("license") = "GPL";

/* A tracing program that returns at once, in section @sec. */
#define VT_BENCH_EMPTY(sec, name) \
	SEC(sec)                  \
	int BPF_PROG(name)        \
	{                         \
		return 0;         \
	}

VT_BENCH_EMPTY("fentry", empty_entry)
VT_BENCH_EMPTY("fexit", empty_exit)

SEC("kprobe")
int empty_entry_kp(struct pt_regs *ctx)
{
	return 0;
}

SEC("kretprobe")
int empty_exit_kp(struct pt_regs *ctx)
{
	return 0;
}

/* Entry time by thread id: a thread is inside one traced call at a time. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} lat_start SEC(".maps");

/* The histogram, and the exits seen without an entry (attached mid-call). */
__u64 lat_slots[VT_BENCH_LAT_SLOTS];
__u64 lat_missed;

/* floor(log2(v)) for v > 0, by halving the search range: five compares. */
static __always_inline __u64 lat_log2(__u64 v)
{
	__u64 r = 0, s;

	/* clang-format off */
	s = (v >= (1ULL << 32)) << 5; v >>= s; r |= s;
	s = (v >= (1ULL << 16)) << 4; v >>= s; r |= s;
	s = (v >= (1ULL << 8)) << 3; v >>= s; r |= s;
	s = (v >= (1ULL << 4)) << 2; v >>= s; r |= s;
	s = (v >= (1ULL << 2)) << 1; v >>= s; r |= s;
	/* clang-format on */
	return r | (v >> 1);
}

/* One latency into the histogram. */
static __always_inline void lat_record(__u64 ns)
{
	__u64 slot = lat_log2(ns);

	if (slot >= VT_BENCH_LAT_SLOTS)
		slot = VT_BENCH_LAT_SLOTS - 1;
	__sync_fetch_and_add(&lat_slots[slot], 1);
}

static __always_inline int lat_begin(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&lat_start, &tid, &now, BPF_ANY);
	return 0;
}

static __always_inline int lat_end(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	__u64 *start;

	start = bpf_map_lookup_elem(&lat_start, &tid);
	if (!start) {
		__sync_fetch_and_add(&lat_missed, 1);
		return 0;
	}
	lat_record(now - *start);
	bpf_map_delete_elem(&lat_start, &tid);
	return 0;
}

SEC("fentry")
int BPF_PROG(lat_entry)
{
	return lat_begin();
}

SEC("fexit")
int BPF_PROG(lat_exit)
{
	return lat_end();
}

/*
 * The same histogram with the entry time in task-local storage (5.11+) instead
 * of a hash keyed by thread id: no hashing, no bucket lock, no element to
 * allocate and free per call. It tells how much of a probe pair's cost is its
 * per-thread hash, the structure vfio-trace's holds map also uses.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} lat_task_start SEC(".maps");

SEC("fentry")
int BPF_PROG(lat_task_entry)
{
	__u64 *start = bpf_task_storage_get(&lat_task_start, bpf_get_current_task_btf(), NULL,
					    BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (start)
		*start = bpf_ktime_get_ns();
	return 0;
}

SEC("fexit")
int BPF_PROG(lat_task_exit)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 *start;

	start = bpf_task_storage_get(&lat_task_start, bpf_get_current_task_btf(), NULL, 0);
	if (!start || !*start) {
		__sync_fetch_and_add(&lat_missed, 1);
		return 0;
	}
	lat_record(now - *start);
	*start = 0;
	return 0;
}

/* Calls of each lock entry point, by enum vt_bench_lock_func. */
__u64 lock_calls[VT_BENCH_LOCK_MAX];

#define VT_BENCH_COUNT_PROG(fn)                                           \
	SEC("fentry/" #fn)                                                \
	int BPF_PROG(count_##fn)                                          \
	{                                                                 \
		__sync_fetch_and_add(&lock_calls[VT_BENCH_LOCK_##fn], 1); \
		return 0;                                                 \
	}
VT_BENCH_LOCK_FUNCS(VT_BENCH_COUNT_PROG)

/* The floor of `vfio-trace lockdep`: its hooks, empty (bpf/lock_order.bpf.c). */
#define VT_BENCH_FLOOR_EXIT(fn) VT_BENCH_EMPTY("fexit/" #fn, floor_##fn)
VT_BENCH_LOCK_FUNCS(VT_BENCH_FLOOR_EXIT)
VT_BENCH_EMPTY("fentry/up_read", floor_up_read)
VT_BENCH_EMPTY("fentry/up_write", floor_up_write)
VT_BENCH_EMPTY("fentry/mutex_unlock", floor_mutex_unlock)
VT_BENCH_EMPTY("fentry/downgrade_write", floor_downgrade_write)
VT_BENCH_EMPTY("tp_btf/mm_page_alloc", floor_mm_page_alloc)
VT_BENCH_EMPTY("tp_btf/kmalloc", floor_kmalloc)

/*
 * Session programs (kprobe.session, 6.10: Jiri Olsa's series "bpf: Introduce
 * kprobe_multi session attach", lore 20240430112830.1184228-1-jolsa@kernel.org):
 * one program runs at a function's entry and, when
 * it returns 0 there, at its return too, with 8 bytes of its own for the call
 * (the cookie), where a kprobe pair keeps the entry's state in a map keyed by
 * thread. vt-bench-probe attaches them with a raw BPF_LINK_CREATE: Debian's
 * libbpf 1.1 has no kprobe.session section. The kfuncs are weak so that the
 * object still loads where they do not exist (nothing calls them there).
 */
extern __u64 *bpf_session_cookie(void) __ksym __weak;
extern bool bpf_session_is_return(void) __ksym __weak;

SEC("kprobe")
int empty_session(struct pt_regs *ctx)
{
	return 0;
}

/* funclatency's histogram, the entry time in the cookie. */
SEC("kprobe")
int lat_session(struct pt_regs *ctx)
{
	__u64 *start = bpf_session_cookie(), now = bpf_ktime_get_ns();

	if (!bpf_session_is_return()) {
		*start = now;
		return 0;
	}
	lat_record(now - *start);
	return 0;
}
