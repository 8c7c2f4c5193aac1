/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel function each fentry/fexit program attaches to, handed to the
 * kernel as the BTF id probe selection already found.
 *
 * Why not bpf_program__set_attach_target(): Debian's libbpf (1.1) finds the
 * target by name by walking vmlinux's BTF, more than 100,000 types, and for a
 * module function walks it again for every module BTF before the right one
 * (split BTF starts its walk at vmlinux's first type). On a host with a
 * hundred modules that is a hundred walks per program, seconds of every start;
 * under TCG it was 1.5 s of each with seven. libbpf lets a program's section
 * have a handler of its own, which may set the load's attach_btf_id and
 * attach_btf_obj_fd: these handlers, for SEC("fentry"), SEC("fexit") and their
 * "/function" forms, take them from this table. (libbpf 1.2's
 * "module:function" targets would still walk vmlinux once per program.)
 */
#ifndef VT_ATTACH_TARGETS_H
#define VT_ATTACH_TARGETS_H

struct bpf_program;

/* Registers the handlers, once for the process (later calls return 0);
 * before the BPF object is opened, since libbpf matches sections to handlers
 * then. They stay: libbpf 1.1 cannot take back the last custom handler and
 * register another (the array is realloc()ed to size 0, which frees it, and
 * the freed pointer is kept). 0 or a negative errno. */
int vt_attach_targets_register(void);
/* @prog attaches to BTF type @btf_id of the kernel BTF object @btf_obj_fd (0
 * for vmlinux; duplicated, so the caller may close its own). A program set
 * twice keeps the last. 0, -E2BIG when the table is full, or -errno. */
int vt_attach_target_set(const struct bpf_program *prog, int btf_obj_fd, int btf_id);
/* The target set for @prog: 0, or -ENOENT when it has none. */
int vt_attach_target_get(const struct bpf_program *prog, int *btf_obj_fd, int *btf_id);
/* Forgets every target, for an object opened again. */
void vt_attach_targets_clear(void);

#endif
