// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "attach_targets.h"
#include "probes.h"

/* One way to observe an operation: a kernel function and the BPF programs that
 * read it in each mode. Where one program is enough the second is NULL, and
 * the first may be for either end of the function: its SEC() says which
 * (memory_enabled_exit is an fexit, memory_enabled_exit_kp a kretprobe). */
enum vt_op_kind {
	VT_OP_FUNCTION,
	VT_OP_TRACEPOINT, /* func names the tracepoint(s); fentry (and fexit, for a
			   * begin/end pair) are tp_btf programs named after them */
};

struct vt_candidate {
	enum vt_op_kind kind; /* VT_OP_FUNCTION unless the entry says otherwise */
	const char *func;
	const char *fentry, *fexit;
	const char *kprobe, *kretprobe;
	/* "struct.member" the kernel must have for this candidate to apply. */
	const char *requires;
	/* A function that calls this one and must do no more than that for the
	 * candidate to apply (VT_WRAPPER_MAX_BYTES, from kallsyms): then every
	 * call of the wrapper is seen here, and the wrapper needs no probe. */
	const char *wrapper;
};

/*
 * A wrapper that only calls on is an fentry call, the arguments and a call
 * or jump: under 32 bytes on x86-64, 64 with the alignment padding before
 * the next function. One with the callee inlined is hundreds of bytes.
 */
#define VT_WRAPPER_MAX_BYTES 64

#define VT_MAX_CANDIDATES 3

struct vt_operation {
	const char *name;
	bool vfio;    /* a vfio-pci function: its absence means no vfio-pci */
	bool lockdep; /* only for `vfio-trace lockdep` */
	/* Only wanted when another operation chose this function. */
	const char *only_with;
	struct vt_candidate candidates[VT_MAX_CANDIDATES];
	/* Attached only when the BPF side asks (vt_probes_attach_on_demand). */
	bool on_demand;
};

/* clang-format off */
static const struct vt_operation operations[] = {
	{ .name = "fault", .vfio = true, .candidates = {
		/* 6.12+, where vm_ops->fault only calls vm_ops->huge_fault with
		 * order 0 (not inlined into it): the huge pair alone sees each
		 * fault once. The page pair around it cost 45 % of a fault's BPF
		 * time on 6.18 (bench/results/2026-12-04-vt-6.18.md). */
		{ .func = "vfio_pci_mmap_huge_fault", .fentry = "huge_fault_entry",
		  .fexit = "huge_fault_exit", .kprobe = "huge_fault_entry_kp",
		  .kretprobe = "huge_fault_exit_kp", .wrapper = "vfio_pci_mmap_page_fault" },
		/* 6.12+: vm_ops->fault (f9e54c3a2f5b "vfio/pci: implement huge_fault support") */
		{ .func = "vfio_pci_mmap_page_fault", .fentry = "page_fault_entry",
		  .fexit = "fault_exit", .kprobe = "page_fault_entry_kp",
		  .kretprobe = "fault_exit_kp" },
		/* up to 6.11 */
		{ .func = "vfio_pci_mmap_fault", .fentry = "fault_entry", .fexit = "fault_exit",
		  .kprobe = "fault_entry_kp", .kretprobe = "fault_exit_kp" },
	} },
	{ .name = "huge_fault", .candidates = {
		/* 6.12+: vm_ops->huge_fault, PMD/PUD pfnmaps, when the fault
		 * operation took the page fault handler; inside it, a nested run
		 * is counted once. */
		{ .func = "vfio_pci_mmap_huge_fault", .fentry = "huge_fault_entry",
		  .fexit = "huge_fault_exit", .kprobe = "huge_fault_entry_kp",
		  .kretprobe = "huge_fault_exit_kp" },
	} },
	{ .name = "bar_rw", .vfio = true, .candidates = {
		{ .func = "vfio_pci_bar_rw", .fentry = "bar_rw_entry", .fexit = "bar_rw_exit",
		  .kprobe = "bar_rw_entry_kp", .kretprobe = "bar_rw_exit_kp" },
	} },
	{ .name = "ioeventfd", .vfio = true, .candidates = {
		{ .func = "vfio_pci_ioeventfd_handler", .fentry = "ioeventfd_entry",
		  .fexit = "ioeventfd_exit", .kprobe = "ioeventfd_entry_kp",
		  .kretprobe = "ioeventfd_exit_kp" },
	} },
	{ .name = "ioeventfd_thread", .only_with = "vfio_pci_ioeventfd_handler", .candidates = {
		{ .func = "vfio_pci_ioeventfd_thread", .fentry = "ioeventfd_thread_entry",
		  .fexit = "ioeventfd_thread_exit", .kprobe = "ioeventfd_entry_kp",
		  .kretprobe = "ioeventfd_thread_exit_kp" },
	} },
	/* Runs on every BAR access and fault too: on demand (access.bpf.h). */
	{ .name = "ioeventfd_check", .only_with = "vfio_pci_ioeventfd_handler", .on_demand = true,
	  .candidates = {
		{ .func = "__vfio_pci_memory_enabled", .fentry = "memory_enabled_exit",
		  .kprobe = "memory_enabled_exit_kp" },
	} },
	{ .name = "memory_lock_wait", .candidates = {
		/* 5.19+: 16edd9b511a1 "locking: Add lock contention tracepoints";
		 * the programs are named after the two tracepoints. */
		{ .kind = VT_OP_TRACEPOINT, .func = "lock:contention_begin/end",
		  .fentry = "contention_begin", .fexit = "contention_end" },
		/* Before: the rwsem slow paths, where a waiter goes once the fast
		 * path failed (memory_lock is an rwsem); read waits here, write
		 * waits on the next line. */
		{ .func = "rwsem_down_read_slowpath", .fentry = "rwsem_read_slowpath_entry",
		  .fexit = "rwsem_read_slowpath_exit", .kprobe = "rwsem_read_slowpath_entry_kp",
		  .kretprobe = "rwsem_slowpath_exit_kp" },
	} },
	{ .name = "memory_lock_wait_write", .only_with = "rwsem_down_read_slowpath",
	  .candidates = {
		{ .func = "rwsem_down_write_slowpath", .fentry = "rwsem_write_slowpath_entry",
		  .fexit = "rwsem_write_slowpath_exit", .kprobe = "rwsem_write_slowpath_entry_kp",
		  .kretprobe = "rwsem_slowpath_exit_kp" },
	} },
	{ .name = "config_write", .vfio = true, .candidates = {
		{ .func = "vfio_basic_config_write", .fentry = "config_write_entry",
		  .fexit = "config_write_exit", .kprobe = "config_write_entry_kp",
		  .kretprobe = "config_write_exit_kp" },
	} },
	/* Power states as a cause of memory off (bpf/power.bpf.h). */
	{ .name = "power_state", .candidates = {
		{ .func = "vfio_pci_set_power_state", .fentry = "power_state_exit",
		  .kprobe = "power_state_entry_kp", .kretprobe = "power_state_exit_kp" },
	} },
	{ .name = "power_write", .candidates = {
		{ .func = "vfio_pm_config_write", .fentry = "power_write_entry",
		  .fexit = "power_write_exit", .kprobe = "power_write_entry_kp",
		  .kretprobe = "power_write_exit_kp" },
	} },
	{ .name = "low_power", .candidates = {
		/* 6.1+: VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY/EXIT */
		{ .func = "vfio_pci_core_ioctl_feature", .fentry = "feature_entry",
		  .fexit = "feature_exit", .kprobe = "feature_entry_kp",
		  .kretprobe = "feature_exit_kp" },
	} },
	{ .name = "reset", .vfio = true, .candidates = {
		/* 5.15+: the vfio_pci_core split (7fa005caa35e) */
		{ .func = "vfio_pci_core_ioctl", .fentry = "ioctl_entry", .fexit = "ioctl_exit",
		  .kprobe = "ioctl_entry_kp", .kretprobe = "ioctl_exit_kp" },
	} },
	{ .name = "memory_enable", .vfio = true, .candidates = {
		{ .func = "vfio_pci_memory_lock_and_enable", .fentry = "lock_and_enable",
		  .kprobe = "lock_and_enable_kp" },
	} },
	{ .name = "memory_restore", .vfio = true, .candidates = {
		{ .func = "vfio_pci_memory_unlock_and_restore", .fentry = "unlock_and_restore",
		  .kprobe = "unlock_and_restore_kp" },
	} },
	/* A freed device instance is forgotten (its slot stays with its PCI
	 * address), so freed memory is not taken for it. */
	{ .name = "device_free", .candidates = {
		/* 6.1+: the vfio_device release callback, 63d7c77989de
		 * "vfio/pci: Use the new device life cycle helpers" */
		{ .func = "vfio_pci_core_release_dev", .fentry = "device_release",
		  .kprobe = "device_release_kp" },
		/* 5.15 to 6.0: removed by 27aeb915595b "vfio/hisi_acc: Use
		 * the new device life cycle helpers" */
		{ .func = "vfio_pci_core_uninit_device", .fentry = "device_uninit",
		  .kprobe = "device_uninit_kp" },
	} },
	{ .name = "zap", .candidates = {
		/* 6.10+, 6.6.134+: aac6db75a9fc "vfio/pci: Use unmap_mapping_range()" */
		{ .func = "unmap_mapping_range", .fentry = "unmap_mapping_entry",
		  .fexit = "unmap_mapping_exit", .kprobe = "unmap_mapping_entry_kp",
		  .kretprobe = "unmap_mapping_exit_kp", .requires = "vfio_device.inode" },
		/* 5.8 to 6.9: vma_list */
		{ .func = "vfio_pci_zap_and_vma_lock", .fentry = "zap_vma_list_entry",
		  .fexit = "zap_vma_list_exit", .kprobe = "zap_vma_list_entry_kp",
		  .kretprobe = "zap_vma_list_exit_kp" },
	} },
	{ .name = "zap_vma", .only_with = "vfio_pci_zap_and_vma_lock", .candidates = {
		{ .func = "zap_vma_ptes", .fentry = "zap_vma_ptes_entry",
		  .kprobe = "zap_vma_ptes_entry_kp" },
	} },
	{ .name = "pin", .candidates = {
		{ .func = "vfio_pin_pages_remote", .fentry = "pin_type1_entry",
		  .fexit = "pin_type1_exit", .kprobe = "pin_type1_entry_kp",
		  .kretprobe = "pin_exit_kp" },
	} },
	{ .name = "unpin", .candidates = {
		{ .func = "vfio_unpin_pages_remote", .fentry = "unpin_type1",
		  .kprobe = "unpin_type1_kp" },
	} },
	{ .name = "pin_iommufd", .candidates = {
		/* 6.2+: IOMMU_IOAS_MAP */
		{ .func = "iommufd_ioas_map", .fentry = "pin_iommufd_entry",
		  .fexit = "pin_iommufd_exit", .kprobe = "pin_iommufd_entry_kp",
		  .kretprobe = "pin_iommufd_exit_kp" },
	} },
	/* In kprobe mode the entry keeps the arguments for the return. */
	{ .name = "pin_iommufd_pages", .only_with = "iommufd_ioas_map", .candidates = {
		/* 6.13+: the same function, exported and renamed for
		 * IOMMU_IOAS_CHANGE_PROCESS by 10caa8b45119 "iommufd: Export
		 * do_update_pinned" (seen on 6.18) */
		{ .func = "iopt_pages_update_pinned", .fentry = "iommufd_pinned",
		  .kprobe = "iommufd_pinned_entry_kp", .kretprobe = "iommufd_pinned_exit_kp" },
		/* 6.2 to 6.12 */
		{ .func = "do_update_pinned", .fentry = "iommufd_pinned",
		  .kprobe = "iommufd_pinned_entry_kp", .kretprobe = "iommufd_pinned_exit_kp" },
	} },
	{ .name = "pin_mdev", .candidates = {
		{ .func = "vfio_pin_pages", .fentry = "pin_mdev_entry", .fexit = "pin_mdev_exit",
		  .kprobe = "pin_mdev_entry_kp", .kretprobe = "pin_mdev_exit_kp" },
	} },
	{ .name = "unpin_mdev", .candidates = {
		{ .func = "vfio_unpin_pages", .fentry = "unpin_mdev", .kprobe = "unpin_mdev_kp" },
	} },
	/* `vfio-trace lockdep`: the generic lock functions, fentry only (a kretprobe
	 * on every lock operation of the host would cost too much). The *_nested
	 * variants exist only on CONFIG_DEBUG_LOCK_ALLOC kernels. */
	{ .name = "lock:down_read", .lockdep = true, .candidates = {
		{ .func = "down_read", .fentry = "lo_down_read" },
	} },
	{ .name = "lock:down_read_nested", .lockdep = true, .candidates = {
		{ .func = "down_read_nested", .fentry = "lo_down_read_nested" },
	} },
	{ .name = "lock:down_read_killable", .lockdep = true, .candidates = {
		{ .func = "down_read_killable", .fentry = "lo_down_read_killable" },
	} },
	{ .name = "lock:down_read_interruptible", .lockdep = true, .candidates = {
		{ .func = "down_read_interruptible", .fentry = "lo_down_read_interruptible" },
	} },
	{ .name = "lock:down_read_killable_nested", .lockdep = true, .candidates = {
		{ .func = "down_read_killable_nested", .fentry = "lo_down_read_killable_nested" },
	} },
	{ .name = "lock:down_read_trylock", .lockdep = true, .candidates = {
		{ .func = "down_read_trylock", .fentry = "lo_down_read_trylock" },
	} },
	{ .name = "lock:down_write", .lockdep = true, .candidates = {
		{ .func = "down_write", .fentry = "lo_down_write" },
	} },
	{ .name = "lock:down_write_nested", .lockdep = true, .candidates = {
		{ .func = "down_write_nested", .fentry = "lo_down_write_nested" },
	} },
	{ .name = "lock:_down_write_nest_lock", .lockdep = true, .candidates = {
		{ .func = "_down_write_nest_lock", .fentry = "lo_down_write_nest_lock" },
	} },
	{ .name = "lock:down_write_killable", .lockdep = true, .candidates = {
		{ .func = "down_write_killable", .fentry = "lo_down_write_killable" },
	} },
	{ .name = "lock:down_write_killable_nested", .lockdep = true, .candidates = {
		{ .func = "down_write_killable_nested", .fentry = "lo_down_write_killable_nested" },
	} },
	{ .name = "lock:down_write_trylock", .lockdep = true, .candidates = {
		{ .func = "down_write_trylock", .fentry = "lo_down_write_trylock" },
	} },
	{ .name = "lock:up_read", .lockdep = true, .candidates = {
		{ .func = "up_read", .fentry = "lo_up_read" },
	} },
	{ .name = "lock:up_write", .lockdep = true, .candidates = {
		{ .func = "up_write", .fentry = "lo_up_write" },
	} },
	{ .name = "lock:downgrade_write", .lockdep = true, .candidates = {
		{ .func = "downgrade_write", .fentry = "lo_downgrade_write" },
	} },
	{ .name = "lock:mutex_lock", .lockdep = true, .candidates = {
		{ .func = "mutex_lock", .fentry = "lo_mutex_lock" },
	} },
	{ .name = "lock:mutex_lock_nested", .lockdep = true, .candidates = {
		{ .func = "mutex_lock_nested", .fentry = "lo_mutex_lock_nested" },
	} },
	{ .name = "lock:_mutex_lock_nest_lock", .lockdep = true, .candidates = {
		{ .func = "_mutex_lock_nest_lock", .fentry = "lo_mutex_lock_nest_lock" },
	} },
	{ .name = "lock:mutex_lock_interruptible", .lockdep = true, .candidates = {
		{ .func = "mutex_lock_interruptible", .fentry = "lo_mutex_lock_interruptible" },
	} },
	{ .name = "lock:mutex_lock_killable", .lockdep = true, .candidates = {
		{ .func = "mutex_lock_killable", .fentry = "lo_mutex_lock_killable" },
	} },
	{ .name = "lock:mutex_lock_interruptible_nested", .lockdep = true, .candidates = {
		{ .func = "mutex_lock_interruptible_nested",
		  .fentry = "lo_mutex_lock_interruptible_nested" },
	} },
	{ .name = "lock:mutex_lock_killable_nested", .lockdep = true, .candidates = {
		{ .func = "mutex_lock_killable_nested", .fentry = "lo_mutex_lock_killable_nested" },
	} },
	{ .name = "lock:mutex_trylock", .lockdep = true, .candidates = {
		{ .func = "mutex_trylock", .fentry = "lo_mutex_trylock" },
	} },
	{ .name = "lock:mutex_unlock", .lockdep = true, .candidates = {
		{ .func = "mutex_unlock", .fentry = "lo_mutex_unlock" },
	} },
	/* lock -> fs_reclaim: allocations that may enter direct reclaim. The
	 * other way, fs_reclaim -> lock, needs no probe: the lock hooks read
	 * the task's PF_MEMALLOC. The programs are named after the tracepoints. */
	{ .name = "lock:fs_reclaim_pages", .lockdep = true, .candidates = {
		{ .kind = VT_OP_TRACEPOINT, .func = "kmem:mm_page_alloc", .fentry = "mm_page_alloc" },
	} },
	{ .name = "lock:fs_reclaim_kmalloc", .lockdep = true, .candidates = {
		{ .kind = VT_OP_TRACEPOINT, .func = "kmem:kmalloc", .fentry = "kmalloc" },
	} },
};
/* clang-format on */

#define VT_NOPS (sizeof(operations) / sizeof(operations[0]))

const char *const *vt_probes_functions(void)
{
	static const char *names[VT_NOPS * VT_MAX_CANDIDATES + 1];
	size_t i, c, n = 0;

	if (names[0])
		return names;
	for (i = 0; i < VT_NOPS; i++)
		for (c = 0; c < VT_MAX_CANDIDATES && operations[i].candidates[c].func; c++)
			if (operations[i].candidates[c].kind == VT_OP_FUNCTION)
				names[n++] = operations[i].candidates[c].func;
	names[n] = NULL;
	return names;
}

struct vt_choice {
	const struct vt_candidate *cand; /* NULL: unavailable */
	enum vt_probe_mode mode;
	char module[64];	/* where an fentry target lives */
	int btf_id, btf_obj_fd; /* the fentry target, found in choosing it */
	struct bpf_program *entry, *exit;
	struct bpf_link *entry_link, *exit_link;
};

struct vt_probe_set {
	struct bpf_object *obj;
	const struct vt_refusals *refused;
	struct vt_choice choices[VT_NOPS];
	struct vt_probe_status status[VT_NOPS];
	struct vt_probe_status visible[VT_NOPS]; /* the report: status minus hidden */
	struct vt_probe_report report;
};

__attribute__((format(printf, 2, 3))) static void append_reason(struct vt_probe_status *st,
								const char *fmt, ...)
{
	size_t len = strlen(st->reason);
	va_list ap;

	if (len && len + 2 < sizeof(st->reason)) {
		strcat(st->reason, "; ");
		len += 2;
	}
	if (len >= sizeof(st->reason))
		return;
	va_start(ap, fmt);
	vsnprintf(st->reason + len, sizeof(st->reason) - len, fmt, ap);
	va_end(ap);
}

/* The operation that chose @func, or NULL. */
static const char *chosen_by(const struct vt_probe_set *set, const char *func)
{
	size_t i;

	for (i = 0; i < VT_NOPS; i++)
		if (set->choices[i].cand && !strcmp(set->choices[i].cand->func, func))
			return operations[i].name;
	return NULL;
}

static bool chosen_function(const struct vt_probe_set *set, const char *func)
{
	return chosen_by(set, func) != NULL;
}

/* Why the kernel refused program @prog in an earlier load, or NULL. */
static const char *refusal(const struct vt_probe_set *set, const char *prog)
{
	unsigned int i;

	for (i = 0; prog && set->refused && i < set->refused->n; i++)
		if (!strcmp(set->refused->r[i].prog, prog))
			return set->refused->r[i].reason;
	return NULL;
}

/* The first of a pair of programs the kernel refused: its name in @prog. */
static const char *pair_refusal(const struct vt_probe_set *set, const char *a, const char *b,
				const char **prog)
{
	const char *why = refusal(set, a);

	*prog = a;
	if (!why) {
		why = refusal(set, b);
		*prog = b;
	}
	return why;
}

static bool choose_tracepoint(struct vt_probe_set *set, size_t i, const struct vt_candidate *c,
			      struct vt_kernel *k)
{
	struct vt_probe_status *st = &set->status[i];
	const char *refused_why, *prog;
	int err;

	if (c->fexit &&
	    (!vt_kernel_has_tracepoint(k, c->fentry) || !vt_kernel_has_tracepoint(k, c->fexit))) {
		append_reason(st, "no %s tracepoints in this kernel (added in 5.19)", c->func);
		return false;
	}
	if (!vt_kernel_has_tracepoint(k, c->fentry)) {
		append_reason(st, "no %s tracepoint with BTF in this kernel", c->func);
		return false;
	}
	err = vt_kernel_try_tp_btf(k, c->fentry);
	if (err) {
		append_reason(st, "tp_btf program refused: %s", strerror(-err));
		return false;
	}
	refused_why = pair_refusal(set, c->fentry, c->fexit, &prog);
	if (refused_why) {
		append_reason(st, "program %s refused by the kernel: %s", prog, refused_why);
		return false;
	}
	set->choices[i].mode = VT_PROBE_TRACEPOINT;
	append_reason(st, "vmlinux BTF");
	return true;
}

/* Tries one candidate; on the way appends to the report why a mode or the
 * candidate itself was passed over, and on success where it was found. */
static bool choose_candidate(struct vt_probe_set *set, size_t i, const struct vt_candidate *c,
			     struct vt_kernel *k, bool force_kprobes, bool kprobe_multi)
{
	struct vt_probe_status *st = &set->status[i];
	char fentry_why[VT_REFUSAL_REASON_MAX + 96] = "";
	const char *module, *refused_why, *prog;
	struct vt_btf_func f;
	int err;

	if (c->requires && !vt_kernel_has_member(k, c->requires)) {
		append_reason(st, "%s: kernel has no %s", c->func, c->requires);
		return false;
	}
	if (c->wrapper) {
		__u64 size;

		err = vt_kernel_func_size(k, c->wrapper, &size);
		if (err == -ENOENT) /* no wrapper: the next candidate says it */
			return false;
		if (err) {
			append_reason(st, "%s: size of %s unknown (%s)", c->func, c->wrapper,
				      strerror(-err));
			return false;
		}
		if (size > VT_WRAPPER_MAX_BYTES) {
			append_reason(st, "%s: %s is %llu bytes, may have it inlined", c->func,
				      c->wrapper, (unsigned long long)size);
			return false;
		}
		append_reason(st, "%s only calls it (%llu bytes)", c->wrapper,
			      (unsigned long long)size);
	}
	if (force_kprobes) {
		snprintf(fentry_why, sizeof(fentry_why), "--kprobes");
	} else if (!vt_kernel_find_func(k, c->func, &f)) {
		snprintf(fentry_why, sizeof(fentry_why), "no BTF");
	} else if ((err = vt_kernel_try_fentry(k, &f))) {
		snprintf(fentry_why, sizeof(fentry_why), "fentry refused: %s", strerror(-err));
	} else if ((refused_why = pair_refusal(set, c->fentry, c->fexit, &prog))) {
		snprintf(fentry_why, sizeof(fentry_why), "program %s refused by the kernel: %s",
			 prog, refused_why);
	} else {
		set->choices[i].mode = VT_PROBE_FENTRY;
		snprintf(set->choices[i].module, sizeof(set->choices[i].module), "%s", f.module);
		set->choices[i].btf_id = f.btf_id;
		set->choices[i].btf_obj_fd = f.btf_obj_fd;
		append_reason(st, "%s BTF", f.module);
		return true;
	}
	if (!c->kprobe) {
		append_reason(st, "%s: %s, and no kprobe variant", c->func, fentry_why);
		return false;
	}
	module = vt_kernel_ksym_module(k, c->func);
	if (!module) {
		err = vt_kernel_kallsyms_error(k);
		if (err)
			append_reason(st, "%s: %s, /proc/kallsyms unreadable: %s", c->func,
				      fentry_why, strerror(-err));
		else
			append_reason(st, "%s: %s, not in kallsyms", c->func, fentry_why);
		return false;
	}
	if (!vt_kernel_kprobes_supported()) {
		append_reason(st, "%s: %s, kernel has no kprobes", c->func, fentry_why);
		return false;
	}
	refused_why = pair_refusal(set, c->kprobe, c->kretprobe, &prog);
	if (refused_why) {
		append_reason(st, "%s: %s, program %s refused by the kernel: %s", c->func,
			      fentry_why, prog, refused_why);
		return false;
	}
	set->choices[i].mode = VT_PROBE_KPROBE;
	append_reason(st, "%s; kallsyms %s", fentry_why, module[0] ? module : "vmlinux");
	if (kprobe_multi) {
		err = vt_kernel_try_kprobe_multi(c->func);
		if (err)
			append_reason(st, "kprobe.multi refused: %s", strerror(-err));
		else
			set->choices[i].mode = VT_PROBE_KPROBE_MULTI;
	}
	return true;
}

static bool kprobe_mode(enum vt_probe_mode mode)
{
	return mode == VT_PROBE_KPROBE || mode == VT_PROBE_KPROBE_MULTI;
}

static int find_programs(struct vt_probe_set *set, size_t i)
{
	struct vt_choice *ch = &set->choices[i];
	const char *entry = kprobe_mode(ch->mode) ? ch->cand->kprobe : ch->cand->fentry;
	const char *exit = kprobe_mode(ch->mode) ? ch->cand->kretprobe : ch->cand->fexit;

	ch->entry = bpf_object__find_program_by_name(set->obj, entry);
	ch->exit = exit ? bpf_object__find_program_by_name(set->obj, exit) : NULL;
	if (!ch->entry || (exit && !ch->exit)) {
		fprintf(stderr, "vfio-trace: internal error: no BPF program %s\n",
			!ch->entry ? entry : exit);
		return -ENOENT;
	}
	/* One program can serve several functions of the same signature, so the
	 * target named in its SEC() is only a default: the one chosen is loaded
	 * by its BTF id (attach_targets.h says why not by name). */
	if (ch->mode == VT_PROBE_FENTRY) {
		int err = vt_attach_target_set(ch->entry, ch->btf_obj_fd, ch->btf_id);

		if (!err && ch->exit)
			err = vt_attach_target_set(ch->exit, ch->btf_obj_fd, ch->btf_id);
		if (err)
			return err;
	}
	return 0;
}

static void refresh_report(struct vt_probe_set *set)
{
	size_t i;

	set->report.n = 0;
	set->report.items = set->visible;
	for (i = 0; i < VT_NOPS; i++)
		if (!set->status[i].hidden)
			set->visible[set->report.n++] = set->status[i];
}

static bool shares_program(const struct vt_choice *a, const struct vt_choice *b)
{
	return a->entry == b->entry || (a->exit && (a->exit == b->exit || a->exit == b->entry)) ||
	       (b->exit && a->entry == b->exit);
}

/* Two operations may share a program (the ioeventfd handler and its thread,
 * the read and write slow paths); one taken as kprobe.multi and the other
 * as a classic kprobe would need it loaded as both, so the first goes
 * classic too. */
static void one_type_per_program(struct vt_probe_set *set)
{
	bool changed = true;
	size_t i, j;

	/* Until nothing changes: a choice made classic may share with another. */
	while (changed) {
		changed = false;
		for (i = 0; i < VT_NOPS; i++) {
			struct vt_choice *a = &set->choices[i];

			if (!a->cand || a->mode != VT_PROBE_KPROBE_MULTI)
				continue;
			for (j = 0; j < VT_NOPS; j++) {
				const struct vt_choice *b = &set->choices[j];

				if (j == i || !b->cand || b->mode != VT_PROBE_KPROBE ||
				    !shares_program(a, b))
					continue;
				a->mode = VT_PROBE_KPROBE;
				set->status[i].mode = VT_PROBE_KPROBE;
				append_reason(&set->status[i],
					      "classic: its program is also %s's, a classic one",
					      set->status[j].operation);
				changed = true;
				break;
			}
		}
	}
}

/* Loads @prog, as a kprobe.multi program in that mode: the kernel takes such
 * a program only through a kprobe.multi link, and a classic one only through
 * a perf event, so the type is fixed before load. */
static int use_program(struct bpf_program *prog, enum vt_probe_mode mode)
{
	int err = bpf_program__set_autoload(prog, true);

	if (!err && mode == VT_PROBE_KPROBE_MULTI)
		err = bpf_program__set_expected_attach_type(prog, BPF_TRACE_KPROBE_MULTI);
	return err;
}

int vt_probes_select(struct vt_probe_set **out, struct bpf_object *obj, struct vt_kernel *k,
		     bool force_kprobes, bool kprobe_multi, bool lockdep,
		     const struct vt_refusals *refused)
{
	struct vt_probe_set *set = calloc(1, sizeof(*set));
	struct bpf_program *prog;
	size_t i, j;
	int err;

	*out = NULL;
	if (!set)
		return -ENOMEM;
	set->obj = obj;
	set->refused = refused;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);

	for (i = 0; i < VT_NOPS; i++) {
		const struct vt_operation *op = &operations[i];
		struct vt_probe_status *st = &set->status[i];

		st->operation = op->name;
		st->function = op->candidates[0].func;
		if (op->lockdep && !lockdep) {
			st->hidden = 1;
			continue;
		}
		if (op->only_with && !chosen_function(set, op->only_with)) {
			append_reason(st, "not needed: %s is not used on this kernel",
				      op->only_with);
			continue;
		}
		for (j = 0; j < VT_MAX_CANDIDATES && op->candidates[j].func; j++) {
			const struct vt_candidate *c = &op->candidates[j];
			const char *by = chosen_by(set, c->func);

			/* Probed twice, a function would count twice. */
			if (by) {
				append_reason(st, "not needed: operation %s traces %s", by,
					      c->func);
				continue;
			}
			if (c->kind == VT_OP_TRACEPOINT
				    ? choose_tracepoint(set, i, c, k)
				    : choose_candidate(set, i, c, k, force_kprobes, kprobe_multi)) {
				set->choices[i].cand = c;
				break;
			}
		}
		if (!set->choices[i].cand)
			continue;
		st->function = set->choices[i].cand->func;
		st->mode = set->choices[i].mode;
		err = find_programs(set, i);
		if (err)
			goto fail;
	}
	one_type_per_program(set);
	for (i = 0; i < VT_NOPS; i++) {
		if (!set->choices[i].cand)
			continue;
		err = use_program(set->choices[i].entry, set->choices[i].mode);
		if (!err && set->choices[i].exit)
			err = use_program(set->choices[i].exit, set->choices[i].mode);
		if (err)
			goto fail;
	}
	refresh_report(set);
	set->refused = NULL; /* the caller's, read during selection only */
	*out = set;
	return 0;
fail:
	vt_attach_targets_clear();
	free(set);
	return err;
}

static struct bpf_link *attach_one(struct bpf_program *prog, enum vt_probe_mode mode,
				   const char *func)
{
	/* The section says which end of the function a program is for: an
	 * operation that only needs a return value has a kretprobe alone. */
	bool ret = !strncmp(bpf_program__section_name(prog), "kretprobe", 9);
	LIBBPF_OPTS(bpf_kprobe_multi_opts, multi, .syms = &func, .cnt = 1, .retprobe = ret);

	if (mode == VT_PROBE_KPROBE)
		return bpf_program__attach_kprobe(prog, ret, func);
	if (mode == VT_PROBE_KPROBE_MULTI)
		return bpf_program__attach_kprobe_multi_opts(prog, NULL, &multi);
	/* fentry/fexit sections have our handler, which has no attach_fn */
	if (mode == VT_PROBE_FENTRY)
		return bpf_program__attach_trace(prog);
	return bpf_program__attach(prog);
}

static void attach_choice(struct vt_probe_set *set, size_t i)
{
	struct vt_choice *ch = &set->choices[i];
	struct vt_probe_status *st = &set->status[i];
	int err = 0;

	ch->entry_link = attach_one(ch->entry, ch->mode, ch->cand->func);
	if (!ch->entry_link)
		err = -errno;
	if (!err && ch->exit) {
		ch->exit_link = attach_one(ch->exit, ch->mode, ch->cand->func);
		if (!ch->exit_link)
			err = -errno;
	}
	if (err) {
		/* Half a pair would open brackets that never close. */
		bpf_link__destroy(ch->entry_link);
		ch->entry_link = NULL;
		append_reason(st, "attach failed: %s", strerror(-err));
		return;
	}
	st->attached = 1;
}

void vt_probes_attach(struct vt_probe_set *set)
{
	size_t i;

	for (i = 0; i < VT_NOPS; i++) {
		if (!set->choices[i].cand)
			continue;
		if (operations[i].on_demand) {
			set->status[i].on_demand = 1;
			append_reason(&set->status[i], "on demand: once an ioeventfd is "
						       "registered or fires");
			continue;
		}
		attach_choice(set, i);
	}
	refresh_report(set);
}

bool vt_probes_pending(const struct vt_probe_set *set)
{
	size_t i;

	for (i = 0; i < VT_NOPS; i++)
		if (set->status[i].on_demand)
			return true;
	return false;
}

int vt_probes_attach_on_demand(struct vt_probe_set *set)
{
	int n = 0, err = 0;
	size_t i;

	for (i = 0; i < VT_NOPS; i++) {
		if (!set->status[i].on_demand)
			continue;
		set->status[i].on_demand = 0;
		attach_choice(set, i);
		if (set->status[i].attached)
			n++;
		else
			err = -EIO;
	}
	refresh_report(set);
	return err ? err : n;
}

void vt_probes_decline_on_demand(struct vt_probe_set *set, const char *why)
{
	size_t i;

	for (i = 0; i < VT_NOPS; i++) {
		if (!set->status[i].on_demand)
			continue;
		set->status[i].on_demand = 0;
		append_reason(&set->status[i], "not attached: %s", why);
	}
	refresh_report(set);
}

const struct vt_probe_report *vt_probes_report(const struct vt_probe_set *set)
{
	return &set->report;
}

int vt_probes_vfio_attached(const struct vt_probe_set *set)
{
	size_t i;
	int n = 0;

	for (i = 0; i < VT_NOPS; i++)
		if (operations[i].vfio && set->status[i].attached)
			n++;
	return n;
}

bool vt_probes_no_vfio(const struct vt_probe_set *set)
{
	size_t i;

	for (i = 0; i < VT_NOPS; i++)
		if (operations[i].vfio && set->choices[i].cand)
			return false;
	return true;
}

void vt_probes_free(struct vt_probe_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < VT_NOPS; i++) {
		bpf_link__destroy(set->choices[i].entry_link);
		bpf_link__destroy(set->choices[i].exit_link);
	}
	/* the targets name this set's programs */
	vt_attach_targets_clear();
	free(set);
}

int vt_probes_pinned_modules(const struct vt_probe_set *set, char *buf, size_t len)
{
	size_t i, used = 0;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < VT_NOPS; i++) {
		const struct vt_choice *ch = &set->choices[i];

		if (!set->status[i].attached || ch->mode != VT_PROBE_FENTRY || !ch->module[0] ||
		    !strcmp(ch->module, "vmlinux") || strstr(buf, ch->module))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s", n ? ", " : "",
				 ch->module);
		n++;
	}
	return n;
}
