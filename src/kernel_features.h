/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel offers, asked of its BTF, /proc/kallsyms, sysfs and
 * the BPF syscall, never of its version number: backports and distro kernels
 * make version numbers lie.
 */
#ifndef VT_KERNEL_FEATURES_H
#define VT_KERNEL_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct vt_kernel;

/* Where a function's BTF lives: vmlinux or a module. */
struct vt_btf_func {
	char module[64]; /* "vmlinux" or the module name */
	int btf_obj_fd;	 /* 0 for vmlinux */
	__u32 btf_id;
};

/* Loads vmlinux BTF and the BTF of every loaded module, and /proc/kallsyms:
 * all of it when @symbols is NULL (to symbolize addresses), or only the
 * NULL-terminated @symbols, then at the first question that needs them
 * (@symbols must outlive @out). Returns 0 or -errno; @why gets a one-line
 * reason. */
int vt_kernel_open(struct vt_kernel **out, const char *const *symbols, char *why, size_t why_len);
void vt_kernel_close(struct vt_kernel *k);

/* 1 when @func has BTF (vmlinux first, then modules), and @out says where;
 * 0 when not. */
int vt_kernel_find_func(struct vt_kernel *k, const char *func, struct vt_btf_func *out);
/* True when vmlinux or a module's BTF has the struct and member that
 * @type_dot_member names, as "struct.member" (e.g. "vfio_device.inode"). */
bool vt_kernel_has_member(struct vt_kernel *k, const char *type_dot_member);
/* 0, or why /proc/kallsyms could not be read (-errno): then no symbol is in
 * it for the functions below. */
int vt_kernel_kallsyms_error(struct vt_kernel *k);
/* The module that defines @sym in kallsyms, "" for vmlinux, NULL if absent. */
const char *vt_kernel_ksym_module(struct vt_kernel *k, const char *sym);
bool vt_kernel_has_tracepoint(struct vt_kernel *k, const char *tp);
bool vt_kernel_kprobes_supported(void);
/* 0 when an empty kprobe.multi program attaches to @func here (and is gone
 * again), else -errno: the kernel's own answer, per function. */
int vt_kernel_try_kprobe_multi(const char *func);
/* Task local storage from tracing and kprobe programs (5.11+ where allowed).
 * Both asked of the kernel once, then remembered in @k. */
bool vt_kernel_task_storage_usable(struct vt_kernel *k);
/* bpf_get_current_task_btf() (5.11). */
bool vt_kernel_current_task_btf_usable(struct vt_kernel *k);
bool vt_kernel_is_preempt_rt(struct vt_kernel *k);
/* Loads (never attaches) an empty fentry program on @f. 0 or -errno. */
int vt_kernel_try_fentry(struct vt_kernel *k, const struct vt_btf_func *f);
/* Loads an empty tp_btf program on @tp. 0 or -errno. */
int vt_kernel_try_tp_btf(struct vt_kernel *k, const char *tp);
/* "function+0xoff [module]" for a kernel text address, or the bare address
 * when kallsyms hides addresses (kptr_restrict). Returns the offset, or -1
 * for a bare address. Only meaningful when vt_kernel_open() loaded every
 * symbol (@symbols NULL): with a subset, an address is named after the
 * nearest loaded symbol below it. */
long long vt_kernel_symbolize(struct vt_kernel *k, __u64 addr, char *buf, size_t len);
/* The address of the symbol @name, loaded with every symbol (vt_kernel_open
 * with NULL): as vt_kallsyms_address(). */
int vt_kernel_ksym_address(struct vt_kernel *k, const char *name, __u64 *addr);
/* The bytes from the function @func (one of the symbols asked for at open)
 * to the next symbol in kallsyms: its code and padding. 0, or -ENOENT,
 * -ENOTUNIQ, -EACCES (addresses hidden) or the error of reading kallsyms.
 * Reads /proc/kallsyms through once more. */
int vt_kernel_func_size(struct vt_kernel *k, const char *func, __u64 *size);

#endif
