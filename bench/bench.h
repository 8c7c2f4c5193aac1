/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bench.bpf.c and its loader (probe.c): the reference probes that
 * bench/run sets vfio-trace's cost beside.
 */
#ifndef VT_BENCH_H
#define VT_BENCH_H

/* log2 slots of the funclatency-style histogram: 2^63 ns is far beyond any call. */
#define VT_BENCH_LAT_SLOTS 64

/*
 * The rwsem and mutex entry points whose calls the lock workload is counted
 * by. The *_nested variants exist instead of (or beside) the plain ones on
 * kernels with CONFIG_DEBUG_LOCK_ALLOC, such as the lockdep test-bed kernel;
 * the loader attaches those the running kernel has.
 */
#define VT_BENCH_LOCK_FUNCS(X)      \
	X(down_read)                \
	X(down_read_nested)         \
	X(down_read_trylock)        \
	X(down_read_killable)       \
	X(down_read_interruptible)  \
	X(down_write)               \
	X(down_write_nested)        \
	X(down_write_trylock)       \
	X(down_write_killable)      \
	X(mutex_lock)               \
	X(mutex_lock_nested)        \
	X(mutex_trylock)            \
	X(mutex_lock_interruptible) \
	X(mutex_lock_killable)

enum vt_bench_lock_func {
#define VT_BENCH_LOCK_ENUM(fn) VT_BENCH_LOCK_##fn,
	VT_BENCH_LOCK_FUNCS(VT_BENCH_LOCK_ENUM)
#undef VT_BENCH_LOCK_ENUM
	VT_BENCH_LOCK_MAX,
};

#endif /* VT_BENCH_H */
