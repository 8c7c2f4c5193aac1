/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps and knobs shared by every BPF object. Every bpf/ source includes this, and
 * `bpftool gen object` links them into one object: the __weak definitions become
 * one map or variable each, so every concern writes to the same devices map.
 */
#ifndef VT_MAPS_BPF_H
#define VT_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "vfio_trace.h"
#include "vfio_types.h"

#define VT_MAX_DEVICES VT_DEFAULT_MAX_DEVICES
#define VT_MAX_TASKS 16384
#define VT_MAX_PIN_PROCS 1024

/* Knobs, set by user space before load. */
const volatile __u32 targ_tgid __weak = 0;	  /* -p: only this process */
const volatile __u32 targ_bdf_count __weak = 0;	  /* -d: entries of bdf_filter */
const volatile __u32 targ_emit_events __weak = 0; /* ring buffer only when read */
/* bpf_get_current_task_btf() (5.11, 3ca1032ab7ab): current's fields are one
 * load each instead of a bpf_probe_read_kernel() call. */
const volatile __u32 targ_current_task_btf __weak = 0;

/* Losses by enum vt_lost_reason; user space exports them. */
__u64 lost[VT_LOST_MAX] __weak;

/*
 * Devices live in an array, one slot per PCI address (bdf_slots), so that a
 * device unbound and bound again counts on in the same slot. The hot path
 * finds the slot from the kernel address of the bound vfio_pci_core_device
 * (device_slots); probes that already know it (an open bracket, a thread's
 * last device) index the array, which the verifier inlines.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(key, struct vt_bdf_key);
	__type(value, __u32);
} bdf_slots SEC(".maps") __weak;

/*
 * The -d filter: the PCI addresses to trace, filled by user space after load
 * and sized to them. A hash, not a rodata array: it is looked up once per
 * device binding (vt_device_learn), so its size costs nothing on the hot path
 * and -d takes as many devices as a host has.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct vt_bdf_key);
	__type(value, __u8);
} bdf_filter SEC(".maps") __weak;

/* Free slots, filled by user space after load: popping one is atomic without
 * the fetch-and-add return value, which needs 5.12's BPF ISA v3. */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(value, __u32);
} free_slots SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(key, __u64);
	__type(value, __u32);
} device_slots SEC(".maps") __weak;

/* Mappable (5.5, commit fc9702273e2e), so that user space reads it in
 * place: a syscall and a 7 KiB copy per device was a fifth of what an export
 * interval cost at 256 devices (bench/frontend-scale). The programs see a
 * plain array. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VT_MAX_DEVICES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct vt_device);
} devices SEC(".maps") __weak;

/* Lock address -> device. Contention tracepoints fire for every lock in the
 * system; this lookup is the filter, before any other work. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4 * VT_MAX_DEVICES);
	__type(key, __u64);
	__type(value, struct vt_lock_owner);
} locks SEC(".maps") __weak;

/*
 * In front of locks, for the lock-order hooks, which run on every rwsem and
 * mutex operation of the host: an address whose byte here is 0 is not in
 * locks, told by one inline load instead of a hash lookup (a helper call
 * and a bucket walk). Set before an address goes into locks (both writers
 * store 1, so no atomics are needed) and never cleared: an address freed and
 * reused costs a lookup, nothing else. vt_lock_filter_index() is shared with
 * user space, which files the --lock symbols.
 */
__u8 lock_filter[VT_LOCK_FILTER_SIZE] __weak;

/* Whether @lock may be in locks. */
static __always_inline bool vt_lock_maybe_tracked(__u64 lock)
{
	return lock_filter[vt_lock_filter_index(lock) & (VT_LOCK_FILTER_SIZE - 1)];
}

/* vfio device inode -> device (6.10+): BAR zaps unmap this inode's mapping. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(key, __u64);
	__type(value, __u64);
} inodes SEC(".maps") __weak;

/* A thread inside a vfio function that holds memory_lock. */
struct vt_hold {
	__u64 vdev;
	__u64 t_entry;
	__u64 t_acquired; /* entry, moved on by waits and zaps before the lock */
	__u64 arg0;	  /* per path: vmf, file position, old PCI_COMMAND */
	__u64 arg1;	  /* per path: fault order, iswrite */
	__u32 path;	  /* enum vt_lock_path */
	__u32 mode;	  /* enum vt_lock_mode */
	__u32 nest;	  /* the same call seen again one level down */
	__u32 slot;	  /* the device's slot in devices */
	__u32 open;	  /* task storage keeps the entry: this says it is in use */
	__u32 pad;
};

/*
 * Per-thread state. Where the kernel lets tracing and kprobe programs use task
 * local storage, it lives there: a pointer walk from current, where a tid-keyed
 * hash costs a hash and a bucket walk at every entry and exit (about half of
 * what a probe costs; bench/README.md). Elsewhere it is the holds hash, and
 * user space turns the storage map into a dummy that no reachable code uses.
 */
const volatile __u32 targ_task_storage __weak = 0;

struct vt_task {
	struct vt_hold hold;
	__u64 dev_vdev; /* the last device this thread used, and its slot */
	__u32 dev_slot;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vt_task);
} tasks SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_hold);
} holds SEC(".maps") __weak;

/* A thread waiting for a tracked lock, between contention_begin and _end. */
struct vt_wait {
	__u64 lock;
	__u64 vdev;
	__u64 ts;
	__u32 class; /* VT_LC_MEMORY_LOCK or VT_LC_VMA_LOCK */
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_wait);
} waits SEC(".maps") __weak;

struct vt_zap_start {
	__u64 vdev;
	__u64 ts;
	__u32 vmas;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_zap_start);
} zaps_inflight SEC(".maps") __weak;

/* The devices whose memory a reset of this thread turned off (its zap of
 * each, memory on before): back on when the ioctl returns, as vfio
 * up_write()s each device's memory_lock just before. Resets are rare and
 * run in few threads at once. */
#define VT_RESET_SET_MAX 16 /* a power of two */
#define VT_MAX_RESETTERS 64

struct vt_reset_set {
	__u32 slot[VT_RESET_SET_MAX];
	__u32 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_RESETTERS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_reset_set);
} reset_sets SEC(".maps") __weak;

/* Threads inside a write of the PM capability's control register
 * (vfio_pm_config_write()), by the device written: a zap there is for a
 * move into D3hot (power.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32);   /* tid */
	__type(value, __u64); /* vdev */
} power_writes SEC(".maps") __weak;

struct vt_pin_start {
	__u64 ts;
	__u32 path;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_pin_start);
} pins_inflight SEC(".maps") __weak;

/* A thread inside iommufd's pin accounting (do_update_pinned(), 6.13+
 * iopt_pages_update_pinned()), in kprobe mode: the arguments of the entry,
 * for the return, which only has the result. */
struct vt_iommufd_update {
	__u64 npages;
	__u32 inc;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_iommufd_update);
} iommufd_updates SEC(".maps") __weak;

/* A thread inside an ioeventfd handler. */
struct vt_ioeventfd_call {
	__u64 ioeventfd; /* struct vfio_pci_ioeventfd * */
	/* The __vfio_pci_memory_enabled() probe was live when the handler began:
	 * it decides the drop, not the handler's exit (access.bpf.h). */
	__u32 checked;
	__u32 pad;
	__u64 ts; /* the handler's entry: a failed trylock's holder was in after it */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_ioeventfd_call);
} ioeventfds_inflight SEC(".maps") __weak;

/*
 * Requests to user space for probes attached on demand (src/tracer.c): only
 * the ioeventfd check, so far. User space sets the size to one page.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} requests SEC(".maps") __weak;

/* Set by user space once the __vfio_pci_memory_enabled() probe is attached. */
__u32 ioeventfd_check_live __weak;
/* Asked for it already (a second request would only be read and ignored). */
__u32 ioeventfd_check_asked __weak;

/* enum vt_pin_path -> totals. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VT_PIN_PATH_MAX);
	__type(key, __u32);
	__type(value, struct vt_pin_stats);
} pin_stats SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_PIN_PROCS);
	__type(key, struct vt_pin_proc_key);
	__type(value, struct vt_pin_proc);
} pin_procs SEC(".maps") __weak;

/* Disabled-memory accesses and memory enable/disable, for `vfio-trace events`. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps") __weak;

static __always_inline void vt_lost(enum vt_lost_reason reason)
{
	__sync_fetch_and_add(&lost[reason], 1);
}

static __always_inline __u32 vt_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* Once: the BPF side cannot attach, so it asks (access.bpf.h says why). */
static __always_inline void vt_want_ioeventfd_check(void)
{
	__u32 req = VT_REQ_IOEVENTFD_CHECK;

	if (ioeventfd_check_live || ioeventfd_check_asked)
		return;
	ioeventfd_check_asked = 1;
	if (bpf_ringbuf_output(&requests, &req, sizeof(req), BPF_RB_FORCE_WAKEUP))
		ioeventfd_check_asked = 0; /* full: ask again next time */
}

/* The -p filter. */
static __always_inline bool vt_task_allowed(void)
{
	return !targ_tgid || (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
}

#endif /* VT_MAPS_BPF_H */
