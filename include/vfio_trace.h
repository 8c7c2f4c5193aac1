/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF programs and user space.
 *
 * Only fixed-width fields: the same bytes are written by the BPF side and read by
 * the frontend, so nothing here may depend on the compiler's idea of long, bool or
 * a pointer. src/abi_check.c checks the layout with _Static_assert: every
 * struct's size, every field's offset and size, that no struct has implicit
 * padding, and the constants and enum _MAX values that size arrays. A layout
 * changed here fails the build until that file is updated to match.
 */
#ifndef VFIO_TRACE_H
#define VFIO_TRACE_H

/* The BPF side gets the __u types from vmlinux.h. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* log2 slots of nanoseconds. Slot s holds [2^s, 2^(s+1)) ns (slot 0 also holds 0);
 * the last slot also takes everything larger (about 4.3 s and more). */
#define VT_HIST_SLOTS 33
#define VT_BDF_LEN 16
#define VT_COMM_LEN 16
#define VT_MAX_BARS 6
/* Devices the maps have room for without --max-devices. */
#define VT_DEFAULT_MAX_DEVICES 256
/* Slot VT_MAX_BARS counts faults whose BAR could not be told. */
#define VT_BAR_SLOTS (VT_MAX_BARS + 1)

enum vt_fault_result {
	VT_FAULT_NOPAGE,
	VT_FAULT_SIGBUS,
	VT_FAULT_OOM,
	VT_FAULT_FALLBACK,
	VT_FAULT_OTHER,
	VT_FAULT_RESULT_MAX,
};

/* Fault order as passed to vfio_pci_mmap_huge_fault() (6.12+). Up to 6.11,
 * vfio_pci_mmap_fault() maps the whole VMA at its first fault (one
 * io_remap_pfn_range(); on 6.10 and 6.11 a loop of vmf_insert_pfn()): its
 * order is the VMA. */
enum vt_fault_order {
	VT_ORDER_PAGE,
	VT_ORDER_PMD,
	VT_ORDER_PUD,
	VT_ORDER_VMA,
	VT_ORDER_OTHER,
	VT_ORDER_UNKNOWN,
	VT_ORDER_MAX,
};

enum vt_lock_mode {
	VT_MODE_READ,
	VT_MODE_WRITE,
	VT_MODE_MAX,
};

/* The code path that held memory_lock. */
enum vt_lock_path {
	VT_PATH_FAULT,	       /* BAR mmap fault, read */
	VT_PATH_BAR_RW,	       /* read()/write() on a BAR region, read */
	VT_PATH_CONFIG_WRITE,  /* PCI_COMMAND write through the config region, write */
	VT_PATH_RESET,	       /* VFIO_DEVICE_RESET, write */
	VT_PATH_HOT_RESET,     /* VFIO_DEVICE_PCI_HOT_RESET, write */
	VT_PATH_MEMORY_ENABLE, /* lock_and_enable ... unlock_and_restore: MSI setup, ROM, write */
	VT_PATH_MAX,
};

enum vt_zap_reason {
	VT_ZAP_CONFIG_WRITE,
	VT_ZAP_RESET,
	VT_ZAP_HOT_RESET,
	VT_ZAP_POWER_STATE, /* a write of D3hot to the PM capability's control register */
	VT_ZAP_OTHER,
	VT_ZAP_REASON_MAX,
};

enum vt_pin_path {
	VT_PIN_TYPE1,	/* VFIO_IOMMU_MAP_DMA: vfio_pin_pages_remote() */
	VT_PIN_MDEV,	/* vfio_pin_pages(): emulated-IOMMU (mdev) devices */
	VT_PIN_IOMMUFD, /* iommufd IOAS map */
	VT_PIN_PATH_MAX,
};

enum vt_access_kind {
	VT_ACCESS_SIGBUS,	  /* BAR mmap fault refused: SIGBUS to the task */
	VT_ACCESS_EIO,		  /* BAR read()/write() returned -EIO */
	VT_ACCESS_IOEVENTFD_DROP, /* ioeventfd write skipped while memory was off */
	VT_ACCESS_KIND_MAX,
};

/* Event kinds in the ring buffer: the accesses above, then state changes. */
enum vt_event_kind {
	VT_EV_SIGBUS = VT_ACCESS_SIGBUS,
	VT_EV_EIO = VT_ACCESS_EIO,
	VT_EV_IOEVENTFD_DROP = VT_ACCESS_IOEVENTFD_DROP,
	VT_EV_MEMORY_DISABLE, /* a config write cleared PCI_COMMAND_MEMORY */
	VT_EV_MEMORY_ENABLE,  /* a config write set it again */
	/* --stacks: a memory_lock wait ended; the event is the head of a
	 * struct vt_contention_event */
	VT_EV_CONTENTION,
	/* --min-latency: a fault, zap, reset or pin slower than its threshold;
	 * the event is the head of a struct vt_slow_event */
	VT_EV_SLOW,
	/* vfio put the device into D3hot or deeper, or took it out (value: the
	 * new power state, 0 for D0) */
	VT_EV_D3_ENTRY,
	VT_EV_D3_EXIT,
	/* the user moved the device into runtime PM's low power state
	 * (VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 6.1+; value: the feature), or
	 * out of it (LOW_POWER_EXIT) */
	VT_EV_LOW_POWER_ENTRY,
	VT_EV_LOW_POWER_EXIT,
	/* a trylock on the device's locks failed (value: enum vt_trylock_op);
	 * the event is the head of a struct vt_contention_event whose waiter is
	 * the one that gave up and whose holder is what the brackets knew */
	VT_EV_TRYLOCK_FAILED,
	VT_EV_KIND_MAX,
};

/* The callers that give up when a trylock fails. The contention tracepoints
 * never fire for a trylock; each is seen at the caller's return. */
enum vt_trylock_op {
	/* VFIO_DEVICE_PCI_HOT_RESET returned -EBUSY: memory_lock (or, up to
	 * 6.9, vma_lock) of a device of the set was in use */
	VT_TRYLOCK_HOT_RESET,
	/* vfio_pci_ioeventfd_handler() found memory_lock taken and left the
	 * write to its thread */
	VT_TRYLOCK_IOEVENTFD,
	/* vfio_pci_zap_and_vma_lock(vdev, try) gave up without zapping (up to
	 * 6.9; only the hot reset tries) */
	VT_TRYLOCK_ZAP,
	VT_TRYLOCK_OP_MAX,
};

/* What a slow-operation event timed (--min-latency KIND=DURATION). */
enum vt_slow_kind {
	VT_SLOW_FAULT, /* a BAR mmap fault, entry to return */
	VT_SLOW_ZAP,   /* a BAR zap (unmap_mapping_range or the vma_list zap) */
	VT_SLOW_RESET, /* VFIO_DEVICE_RESET or _PCI_HOT_RESET, the whole ioctl */
	VT_SLOW_PIN,   /* a DMA pin call (type1, mdev, iommufd) */
	VT_SLOW_KIND_MAX,
};

/* What the BPF side asks user space for, on the `requests` ring buffer. */
enum vt_request {
	/* An ioeventfd is registered or has fired: attach the probe on
	 * __vfio_pci_memory_enabled() that sees its writes dropped. */
	VT_REQ_IOEVENTFD_CHECK = 1,
};

/* Everything that can be lost or dropped on the BPF side; counted, never silent. */
enum vt_lost_reason {
	VT_LOST_RINGBUF_FULL, /* event not delivered; still counted in the stats */
	VT_LOST_DEVICE_MAP_FULL,
	VT_LOST_LOCK_MAP_FULL,
	VT_LOST_TASK_MAP_FULL, /* per-thread start record could not be stored */
	VT_LOST_PROC_MAP_FULL,
	VT_LOST_MISSED_START, /* an exit without its entry (attached mid-call) */
	VT_LOST_NESTED,	      /* a bracket opened while the thread was already in one */
	VT_LOST_MISSED_END,   /* an entry whose exit never ran (replaced when seen) */
	VT_LOST_LOCK_DEPTH,   /* lockdep mode: more tracked locks held than it keeps */
	VT_LOST_EDGE_MAP_FULL,
	/* Runs the kernel skipped: a program already running on this CPU (on
	 * PREEMPT_RT, BPF programs are preemptible, so another task can hit it).
	 * Counted by the kernel per program (recursion_misses), summed here by
	 * user space. */
	VT_LOST_PROG_MISSED,
	/* lockdep mode: an edge is kept without its first stack (the kernel
	 * could not walk it) */
	VT_LOST_EDGE_STACK,
	/* --stacks: a contention's waiter or holder stack could not be taken
	 * or stored (the pair is still counted, without it) */
	VT_LOST_CONTENTION_STACK,
	/* --stacks: a (waiter, holder) pair found no room in its map */
	VT_LOST_CONTENTION_MAP_FULL,
	/* a reset zapped more devices than a set keeps (VT_RESET_SET_MAX):
	 * the record of memory off by it is not opened on the rest */
	VT_LOST_RESET_SET_FULL,
	VT_LOST_MAX,
};

/* Lock classes of `vfio-trace lockdep`, named as lockdep names them. The BPF
 * side's locks map (bpf/maps.bpf.h) also files every per-device lock it learns
 * under its class; of those, the contention probes time memory_lock and
 * vma_lock only. */
enum vt_lock_class {
	VT_LC_MMAP_LOCK,    /* &mm->mmap_lock of the acquiring task */
	VT_LC_VMA_LOCK,	    /* &vdev->vma_lock (up to 6.9) */
	VT_LC_MEMORY_LOCK,  /* &vdev->memory_lock */
	VT_LC_I_MMAP_RWSEM, /* &mapping->i_mmap_rwsem of the vfio device inode (6.10+) */
	VT_LC_IGATE,	    /* &vdev->igate: interrupt setup */
	/* Not a lock: reclaim, as lockdep models it. Held while a task is in
	 * direct reclaim or is kswapd (PF_MEMALLOC); "taken" by an allocation
	 * that may enter direct reclaim. */
	VT_LC_FS_RECLAIM,
	VT_LC_MAX,
};

/* Locks of the user's own (`lockdep --lock SYMBOL`) are classes
 * VT_LC_MAX, VT_LC_MAX + 1, ...: VT_LC_ALL classes in all. */
#define VT_MAX_USER_LOCKS 8
#define VT_LC_ALL (VT_LC_MAX + VT_MAX_USER_LOCKS)

#define VT_LOCK_DEPTH 8 /* a power of two (bpf/lock_order.bpf.h masks with it) */

/* The slot of a lock that belongs to no device (mmap_lock, fs_reclaim). */
#define VT_NO_SLOT 0xffffffffU

/* Value of the held map, keyed by thread id: the tracked locks a task holds
 * now, innermost last. User space reads it for the flight recorder's current
 * holders. A map value, not a key: its four bytes of tail padding are never
 * hashed (abi_check.c asserts the size with them). */
struct vt_held {
	__u64 lock[VT_LOCK_DEPTH];
	__u32 slot[VT_LOCK_DEPTH];
	__u8 class[VT_LOCK_DEPTH];
	__u8 mode[VT_LOCK_DEPTH];
	__u8 rwsem[VT_LOCK_DEPTH]; /* VT_RWSEM or VT_MUTEX */
	__u32 depth;
};

/* What the held_iter program writes for each thread holding tracked locks,
 * where the held stacks are in task storage. */
struct vt_held_record {
	__u32 tid;
	__u32 pad;
	struct vt_held held;
};

/* Value of the locks map, keyed by a lock's address: a device's locks, filed
 * by the BPF side as it learns the device, and --lock symbols, by user space. */
struct vt_lock_owner {
	__u64 vdev;  /* 0 for a --lock symbol */
	__u32 class; /* enum vt_lock_class, or VT_LC_MAX + i for --lock i */
	__u32 slot;  /* the device's slot, or VT_NO_SLOT */
};

/* The lock filter in front of the locks map (bpf/maps.bpf.h): one byte per
 * index, VT_LOCK_FILTER_SIZE a power of two. A multiplicative hash of the
 * address (Knuth's constant), so that locks at one offset of objects of one
 * size spread over the bytes. */
#define VT_LOCK_FILTER_BITS 12
#define VT_LOCK_FILTER_SIZE (1U << VT_LOCK_FILTER_BITS)

static inline __u32 vt_lock_filter_index(__u64 lock)
{
	return (__u32)((lock * 0x9e3779b97f4a7c15ULL) >> (64 - VT_LOCK_FILTER_BITS));
}

/* An ordering edge: @to was acquired while @from was held, by one thread. */
struct vt_edge_key {
	__u8 from_class;
	__u8 from_mode; /* enum vt_lock_mode; mutexes count as write */
	__u8 to_class;
	__u8 to_mode;
	__u8 same_device; /* both locks belong to one vfio device */
	__u8 direct;	  /* @from was the innermost tracked lock held */
	__u8 pad[2];
	__u32 from_slot; /* the device slot of each lock, or VT_NO_SLOT */
	__u32 to_slot;
};

/* Frames kept of an edge's first stack: the lock call and its callers, after
 * the few frames of vfio-trace's own program and trampoline at the top. */
#define VT_EDGE_STACK_DEPTH 48

struct vt_edge {
	__u64 count;
	__u64 first_ns;
	__u32 pid;
	__u32 tid;
	char comm[VT_COMM_LEN];
	__u32 nframes; /* of stack; 0 when it could not be taken (counted lost) */
	__u32 pad;
	/* The kernel stack of the first sighting, innermost first, stored with
	 * the edge: no shared stack map whose buckets could collide. */
	__u64 stack[VT_EDGE_STACK_DEPTH];
};

/* --stacks: frames kept of a memory_lock waiter's or write holder's stack,
 * innermost first, after vfio-trace's own few frames. */
#define VT_CONTENTION_STACK_DEPTH 32

/* Value of the stacks map, keyed by a 64-bit hash of its frames: a stack is
 * stored once however many pairs name it, in its own entry (no shared
 * STACK_TRACE buckets that collide silently). */
struct vt_stack {
	__u32 nframes;
	__u32 pad;
	__u64 ips[VT_CONTENTION_STACK_DEPTH];
};

/* The holder mode of a wait nobody vfio-trace knows of held the lock for
 * (a path it does not bracket, runtime PM): enum vt_lock_mode's MAX. */
#define VT_HOLDER_UNKNOWN VT_MODE_MAX

/* A contended (waiter, holder) pair on one device's memory_lock. The stacks
 * are keys of the stacks map, 0 for none (a reader's: read brackets, the
 * hot path, take none). Paths are enum vt_lock_path, VT_PATH_MAX for none. */
struct vt_contention_key {
	__u64 waiter_stack;
	__u64 holder_stack;
	__u32 slot;	  /* the device's slot */
	__u8 waiter_mode; /* enum vt_lock_mode the waiter asked for */
	__u8 waiter_path; /* the waiter's open bracket */
	__u8 holder_mode; /* write: the write owner; read: readers; VT_HOLDER_UNKNOWN */
	__u8 holder_path; /* the write owner's bracket, or the last reader's */
};

struct vt_contention {
	__u64 count;
	__u64 wait_ns; /* total */
	/* The last waiter and holder seen with this pair. */
	__u32 waiter_pid;
	__u32 waiter_tid;
	char waiter_comm[VT_COMM_LEN];
	__u32 holder_pid;
	__u32 holder_tid;
	char holder_comm[VT_COMM_LEN];
	__u32 readers; /* read-held: the most readers seen in read brackets */
	__u32 pad;
};

struct vt_hist {
	__u64 slots[VT_HIST_SLOTS];
	__u64 count;
	__u64 sum_ns;
};

/* What turned a device's memory off. */
enum vt_off_cause {
	VT_OFF_COMMAND,	  /* a config write cleared PCI_COMMAND.MEMORY */
	VT_OFF_D3HOT,	  /* vfio put the device into D3hot or deeper */
	VT_OFF_LOW_POWER, /* the user asked for runtime PM's low power state */
	VT_OFF_RESET,	  /* VFIO_DEVICE_RESET: from its zap to its return */
	VT_OFF_HOT_RESET, /* VFIO_DEVICE_PCI_HOT_RESET, on each device of the set */
	VT_OFF_CAUSE_MAX,
};

/* The causes whose windows memory_off_seconds times: those before the resets. */
#define VT_OFF_TIMED_MAX VT_OFF_RESET

/* The last thing that turned memory off (a config write that cleared
 * PCI_COMMAND.MEMORY, vfio's move into D3hot, the low power state, a reset)
 * and when memory came back from it (the MEM bit set again, D0, the exit,
 * the reset's return): 0 while it is still off. Only an open record names
 * the cause of a SIGBUS or EIO; once its cause ended, an access that still
 * fails has some other cause, never a stale one. A reset opens a record only
 * when memory was on: one already off stays off through it, by its cause. */
struct vt_disable_record {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	char comm[VT_COMM_LEN];
	__u64 enabled_ts_ns;
	__u32 cause; /* enum vt_off_cause */
	/* A reset or hot reset: the slot of the device whose ioctl it was (a
	 * hot reset's set names the one it was called on); VT_NO_SLOT else. */
	__u32 via_slot;
};

struct vt_device_info {
	char bdf[VT_BDF_LEN]; /* dev_name() of the pci_dev, e.g. "0000:01:00.0" */
	__u32 vendor;
	__u32 device_id;
	__u64 memory_lock; /* &vdev->memory_lock, kernel address */
	__u64 first_seen_ns;
	__u32 traced;	/* 1 unless excluded by the -d filter */
	__u32 bindings; /* driver bindings seen: >1 after unbind/rebind */
	__u64 vdev;	/* the bound instance's kernel address; 0 once unbound */
	struct vt_disable_record last_disable;
	/* BAR resources as learned (up to 6.9 a fault's vm_pgoff is a PFN and
	 * these tell the BAR without reading the pci_dev at every fault). */
	__u64 bar_start[VT_MAX_BARS];
	__u64 bar_end[VT_MAX_BARS];
	/* The BAR blackout open now: when the first zap since the last
	 * successful refault began; 0 when none is open. */
	__u64 blackout_start_ns;
	/* Since when memory is off from each timed cause (enum vt_off_cause
	 * below VT_OFF_TIMED_MAX), 0 when it is not. Apart from last_disable,
	 * which names only the latest cause: a window is timed from its own
	 * start to its own end even when another cause, or a reset racing
	 * with the config write, took the record in between. */
	__u64 off_since_ns[VT_OFF_TIMED_MAX];
};

struct vt_device_stats {
	__u64 faults[VT_BAR_SLOTS][VT_FAULT_RESULT_MAX];
	__u64 fault_orders[VT_ORDER_MAX];
	struct vt_hist fault_ns[VT_FAULT_RESULT_MAX];

	__u64 contentions[VT_MODE_MAX];
	struct vt_hist wait_ns[VT_MODE_MAX];
	struct vt_hist hold_ns[VT_MODE_MAX][VT_PATH_MAX];

	/* vma_lock (kernels up to 6.9): the fault path takes it before memory_lock. */
	__u64 vma_lock_contentions;
	struct vt_hist vma_lock_wait_ns;

	__u64 zaps[VT_ZAP_REASON_MAX];
	__u64 zap_vmas; /* VMAs zapped by the vma_list zap (kernels up to 6.9) */
	struct vt_hist zap_ns;

	__u64 accesses[VT_ACCESS_KIND_MAX];
	__u64 memory_disables;
	__u64 memory_enables;
	/* vfio_pci_set_power_state() into D3hot or deeper, and back out */
	__u64 d3_entries;
	__u64 d3_exits;
	/* VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY (and _WITH_WAKEUP), and EXIT */
	__u64 low_power_entries;
	__u64 low_power_exits;

	/* memory_lock contentions by the path the waiter was on: read waits
	 * come from faults and BAR access, write waits from config writes,
	 * resets and MSI setup; [VT_PATH_MAX] counts a waiter on no traced
	 * path (runtime PM, a path vfio-trace does not bracket). */
	__u64 contention_paths[VT_PATH_MAX + 1];

	/* How long memory stayed off: from a config write that cleared
	 * PCI_COMMAND.MEMORY to the one that set it again, from vfio's move
	 * into D3hot to D0, or from a low power entry to its exit (the
	 * blackout an access in between meets, as SIGBUS or EIO). */
	struct vt_hist memory_off_ns;

	/* Trylocks given up, by the caller (enum vt_trylock_op). */
	__u64 trylock_failures[VT_TRYLOCK_OP_MAX];

	/* BAR blackouts: from a zap to the first mmap fault after it that
	 * mapped the BAR again (the dark time a VM's vCPU sees), and the
	 * accesses refused while one was open (SIGBUS, EIO, dropped ioeventfd
	 * writes). */
	struct vt_hist blackout_ns;
	__u64 blackout_failed_accesses;
};

/* Key of bdf_slots: a device's PCI address, as dev_name() spells it. */
struct vt_bdf_key {
	char bdf[VT_BDF_LEN];
};

/* Value of the devices array: one slot per PCI address (bpf/maps.bpf.h). */
struct vt_device {
	struct vt_device_info info;
	struct vt_device_stats stats;
};

struct vt_pin_stats {
	__u64 calls;
	__u64 pages;
	__u64 errors;
	__u64 unpin_calls;
	__u64 unpinned_pages;
	struct vt_hist pin_ns;
};

struct vt_pin_proc_key {
	__u32 tgid;
	__u32 path;
};

struct vt_pin_proc {
	char comm[VT_COMM_LEN];
	__u64 calls;
	__u64 pages;
	__u64 errors;
	__u64 sum_ns;
};

struct vt_trace_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u32 pid;
	__u32 tid;
	__u32 kind;   /* enum vt_event_kind */
	__u32 bar;    /* VT_MAX_BARS when unknown */
	__u64 offset; /* offset in the BAR */
	__s64 value;  /* fault return code, errno or the new PCI_COMMAND */
	char comm[VT_COMM_LEN];
	char bdf[VT_BDF_LEN];
	/* For accesses: the last memory disable on this device, if any. */
	__u64 disabled_ts_ns;
	__u32 disabled_pid;
	__u32 disabled_tid;
	char disabled_comm[VT_COMM_LEN];
	__u32 disabled_cause; /* enum vt_off_cause */
	__u32 pad;
};

/* A VT_EV_CONTENTION event: the head's pid, tid and comm are the waiter's,
 * value is the wait in ns. */
struct vt_contention_event {
	struct vt_trace_event head;
	struct vt_contention_key key;
	__u32 holder_pid;
	__u32 holder_tid;
	char holder_comm[VT_COMM_LEN];
	__u32 readers;
	__u32 pad;
	/* A hot reset's holder on another device of its set: that device's
	 * address ("" when the holder is on the event's own device). */
	char holder_bdf[VT_BDF_LEN];
};

/* Frames kept of a slow operation's stack (at its return, so its callers),
 * innermost first. */
#define VT_SLOW_STACK_DEPTH 32

/* A VT_EV_SLOW event: the head's value is the operation's duration in ns;
 * its bar and offset are a fault's (VT_MAX_BARS otherwise) and its bdf the
 * device's ("" for a pin, which knows no device). */
struct vt_slow_event {
	struct vt_trace_event head;
	__u32 slow_kind; /* enum vt_slow_kind */
	/* A fault's order class (enum vt_fault_order), a zap's reason (enum
	 * vt_zap_reason), a reset's path (VT_PATH_RESET or VT_PATH_HOT_RESET),
	 * a pin's path (enum vt_pin_path). */
	__u32 detail;
	__s64 ret;     /* the operation's return value */
	__u32 nframes; /* 0: the kernel could not walk the stack */
	__u32 pad;
	__u64 ips[VT_SLOW_STACK_DEPTH];
};

#endif /* VFIO_TRACE_H */
