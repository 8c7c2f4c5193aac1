// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "btf_func_index.h"
#include "kallsyms.h"
#include "kernel_features.h"

#define VT_MAX_MODULES 512

struct vt_module_btf {
	char name[64];
	int fd; /* kernel BTF object, for attach_btf_obj_fd */
	struct btf *btf;
};

struct vt_kernel {
	struct btf *vmlinux;
	struct vt_btf_func_index *vmlinux_funcs; /* built by the first lookup */
	struct vt_module_btf *modules;
	size_t nmodules;
	/* /proc/kallsyms: every symbol, read in vt_kernel_open(); or only the
	 * wanted ones, read at the first question, since a kernel where every
	 * probe is an fentry one asks none (about 0.4 s of a start on 6.18
	 * under TCG) */
	struct vt_kallsyms *ksyms;
	const char *const *ksym_wanted;
	int ksyms_err;
	/* Each a program load to find out, asked again at every reload after
	 * a refusal: 0 not asked yet, else the answer + 1. */
	int task_storage_usable, current_task_btf_usable;
};

/* @cache's answer, or the kernel's through @probe, kept there. */
static bool cached(int *cache, bool (*probe)(void))
{
	if (!*cache)
		*cache = probe() + 1;
	return *cache - 1;
}

static int load_module_btfs(struct vt_kernel *k)
{
	__u32 id = 0;
	int err;

	k->modules = calloc(VT_MAX_MODULES, sizeof(*k->modules));
	if (!k->modules)
		return -ENOMEM;
	/* Iterating kernel BTF objects needs CAP_SYS_ADMIN; without it there is
	 * no module BTF, and so no fentry or CO-RE on vfio. */
	while (k->nmodules < VT_MAX_MODULES) {
		struct bpf_btf_info info = {};
		__u32 len = sizeof(info);
		char name[64] = "";
		struct vt_module_btf *m;
		int fd;

		err = bpf_btf_get_next_id(id, &id);
		if (err)
			return errno == ENOENT ? 0 : -errno;
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* unloaded meanwhile */
			return -errno;
		}
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.kernel_btf ||
		    !strcmp(name, "vmlinux") || !name[0]) {
			close(fd);
			continue;
		}
		m = &k->modules[k->nmodules];
		m->btf = btf__load_from_kernel_by_id_split(id, k->vmlinux);
		if (!m->btf) {
			close(fd);
			continue;
		}
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->fd = fd;
		k->nmodules++;
	}
	return 0;
}

int vt_kernel_open(struct vt_kernel **out, const char *const *symbols, char *why, size_t why_len)
{
	struct vt_kernel *k = calloc(1, sizeof(*k));
	int err;

	*out = NULL;
	if (!k) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	k->vmlinux = btf__load_vmlinux_btf();
	if (!k->vmlinux) {
		err = -errno;
		/* libbpf says ESRCH when neither /sys/kernel/btf/vmlinux nor a
		 * vmlinux in /boot is there: "No such process" would mislead. */
		snprintf(why, why_len,
			 "kernel has no BTF (/sys/kernel/btf/vmlinux: %s); "
			 "vfio-trace needs CONFIG_DEBUG_INFO_BTF=y",
			 err == -ESRCH ? "not found" : strerror(-err));
		goto fail;
	}
	err = load_module_btfs(k);
	if (err) {
		snprintf(why, why_len, "cannot read module BTF: %s", strerror(-err));
		goto fail;
	}
	k->ksym_wanted = symbols;
	err = symbols ? 0 : vt_kallsyms_load_proc(&k->ksyms, NULL);
	if (err) {
		snprintf(why, why_len, "cannot read /proc/kallsyms: %s", strerror(-err));
		goto fail;
	}
	*out = k;
	return 0;
fail:
	vt_kernel_close(k);
	return err;
}

void vt_kernel_close(struct vt_kernel *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nmodules; i++) {
		btf__free(k->modules[i].btf);
		close(k->modules[i].fd);
	}
	free(k->modules);
	vt_kallsyms_free(k->ksyms);
	vt_btf_func_index_free(k->vmlinux_funcs);
	btf__free(k->vmlinux);
	free(k);
}

/*
 * The id of the type @name of @kind among @btf's own types (those after
 * @base's, for a module's split BTF; all of them for vmlinux), or 0.
 * btf__find_by_name_kind() on split BTF walks the base's types first: every
 * lookup of a vfio function walked vmlinux's 100,000+ types again for each
 * module before it. (vmlinux's own functions are found through an index,
 * btf_func_index.h; this walk is for the rare struct and module lookups.)
 */
static int find_own(const struct btf *btf, const struct btf *base, const char *name, int kind)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = base ? btf__type_cnt(base) : 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *s;

		if (btf_kind(t) != kind)
			continue;
		s = btf__name_by_offset(btf, t->name_off);
		if (s && !strcmp(s, name))
			return (int)id;
	}
	return 0;
}

int vt_kernel_find_func(struct vt_kernel *k, const char *func, struct vt_btf_func *out)
{
	size_t i;
	int id;

	memset(out, 0, sizeof(*out));
	/* Without memory for the index, the walk still answers. */
	if (!k->vmlinux_funcs)
		vt_btf_func_index_build(&k->vmlinux_funcs, k->vmlinux, NULL);
	id = k->vmlinux_funcs ? vt_btf_func_index_find(k->vmlinux_funcs, func)
			      : find_own(k->vmlinux, NULL, func, BTF_KIND_FUNC);
	if (id) {
		snprintf(out->module, sizeof(out->module), "vmlinux");
		out->btf_id = id;
		return 1;
	}
	for (i = 0; i < k->nmodules; i++) {
		id = find_own(k->modules[i].btf, k->vmlinux, func, BTF_KIND_FUNC);
		if (id) {
			snprintf(out->module, sizeof(out->module), "%s", k->modules[i].name);
			out->btf_obj_fd = k->modules[i].fd;
			out->btf_id = id;
			return 1;
		}
	}
	return 0;
}

static bool btf_struct_has_member(const struct btf *btf, const struct btf *base, const char *type,
				  const char *member)
{
	int id = find_own(btf, base, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;
	int i;

	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (name && !strcmp(name, member))
			return true;
	}
	return false;
}

bool vt_kernel_has_member(struct vt_kernel *k, const char *type_dot_member)
{
	char type[128];
	const char *dot = strchr(type_dot_member, '.');
	size_t i;

	if (!dot || (size_t)(dot - type_dot_member) >= sizeof(type))
		return false;
	memcpy(type, type_dot_member, dot - type_dot_member);
	type[dot - type_dot_member] = '\0';
	if (btf_struct_has_member(k->vmlinux, NULL, type, dot + 1))
		return true;
	for (i = 0; i < k->nmodules; i++)
		if (btf_struct_has_member(k->modules[i].btf, k->vmlinux, type, dot + 1))
			return true;
	return false;
}

int vt_kernel_kallsyms_error(struct vt_kernel *k)
{
	if (!k->ksyms && !k->ksyms_err)
		k->ksyms_err = vt_kallsyms_load_proc(&k->ksyms, k->ksym_wanted);
	return k->ksyms_err;
}

const char *vt_kernel_ksym_module(struct vt_kernel *k, const char *sym)
{
	return vt_kernel_kallsyms_error(k) ? NULL : vt_kallsyms_module(k->ksyms, sym);
}

bool vt_kernel_has_tracepoint(struct vt_kernel *k, const char *tp)
{
	char name[128];

	/* Every tracepoint with BTF has a btf_trace_<name> typedef. */
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(k->vmlinux, name, BTF_KIND_TYPEDEF) > 0;
}

bool vt_kernel_is_preempt_rt(struct vt_kernel *k)
{
	/* PREEMPT_RT turns spinlock_t into an rt_mutex: struct spinlock then has
	 * a plain "lock" member where other kernels have "rlock". */
	return vt_kernel_has_member(k, "spinlock.lock");
}

static bool probe_current_task_btf(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_current_task_btf, NULL) ==
	       1;
}

bool vt_kernel_current_task_btf_usable(struct vt_kernel *k)
{
	return cached(&k->current_task_btf_usable, probe_current_task_btf);
}

static bool probe_task_storage(void)
{
	/* Checked for kprobe programs: fentry programs get every helper that
	 * kprobes get, so one answer serves both probe types. */
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1 &&
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_task_storage_get, NULL) == 1;
}

/* The storage is looked up from current's BTF pointer. */
bool vt_kernel_task_storage_usable(struct vt_kernel *k)
{
	return cached(&k->task_storage_usable, probe_task_storage) &&
	       vt_kernel_current_task_btf_usable(k);
}

bool vt_kernel_kprobes_supported(void)
{
	/* The kprobe PMU exists exactly when CONFIG_KPROBES does (4.17+). */
	return access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
}

/* The program every trial load below makes: return 0. */
static const struct bpf_insn empty_prog[] = {
	{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
	{ .code = 0x95 },			  /* exit */
};
#define EMPTY_PROG_LEN (sizeof(empty_prog) / sizeof(empty_prog[0]))

/*
 * kprobe.multi ("bpf: Add multi kprobe link", 5.18; lore.kernel.org/bpf/
 * 20220316122419.933957-1-jolsa@kernel.org) attaches
 * through fprobe, not a kprobe: no int3 or kprobe dispatch on entry, and no
 * perf event. It needs CONFIG_FPROBE, and a module's function needs a kernel
 * that resolves module symbols for it, so an empty program is attached to
 * the very function for a moment: whatever the kernel lacks, it says here.
 */
int vt_kernel_try_kprobe_multi(const char *func)
{
	LIBBPF_OPTS(bpf_prog_load_opts, load, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	LIBBPF_OPTS(bpf_link_create_opts, link, .kprobe_multi.syms = &func,
		    .kprobe_multi.cnt = 1);
	int fd, lfd, err = 0;

	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "vt_probe", "GPL", empty_prog, EMPTY_PROG_LEN,
			   &load);
	if (fd < 0)
		return -errno;
	lfd = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &link);
	if (lfd < 0)
		err = -errno;
	else
		close(lfd);
	close(fd);
	return err;
}

static int try_tracing_load(enum bpf_attach_type type, __u32 btf_id, int btf_obj_fd)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = type,
		.attach_btf_id = btf_id,
		.attach_btf_obj_fd = btf_obj_fd,
	);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vt_probe", "GPL", empty_prog, EMPTY_PROG_LEN,
			       &opts);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int vt_kernel_try_fentry(struct vt_kernel *k, const struct vt_btf_func *f)
{
	return try_tracing_load(BPF_TRACE_FENTRY, f->btf_id, f->btf_obj_fd);
}

int vt_kernel_try_tp_btf(struct vt_kernel *k, const char *tp)
{
	char name[128];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(k->vmlinux, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return -ENOENT;
	return try_tracing_load(BPF_TRACE_RAW_TP, id, 0);
}

int vt_kernel_ksym_address(struct vt_kernel *k, const char *name, __u64 *addr)
{
	int err = vt_kernel_kallsyms_error(k);

	return err ? err : vt_kallsyms_address(k->ksyms, name, addr);
}

int vt_kernel_func_size(struct vt_kernel *k, const char *func, __u64 *size)
{
	__u64 addr, next;
	int err = vt_kernel_kallsyms_error(k);

	if (!err)
		err = vt_kallsyms_size(k->ksyms, func, size);
	if (err != -ENODATA)
		return err;
	/* Last in its block: the next address is in another one. */
	err = vt_kallsyms_address(k->ksyms, func, &addr);
	if (!err)
		err = vt_kallsyms_next_address_proc(addr, &next);
	*size = err ? 0 : next - addr;
	return err;
}

long long vt_kernel_symbolize(struct vt_kernel *k, __u64 addr, char *buf, size_t len)
{
	vt_kernel_kallsyms_error(k); /* unreadable: a bare address */
	return vt_kallsyms_symbolize(k->ksyms, addr, buf, len);
}
