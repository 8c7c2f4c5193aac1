// SPDX-License-Identifier: GPL-2.0
/* The names of a kernel stack a BPF program took (stack_names.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfio_trace.h"
#include "stack_names.h"

/* Functions are never this long: an address this far past the last symbol is
 * not in kallsyms at all (the BPF program and its trampoline). */
#define VT_MAX_FUNC_OFFSET 0x10000

/* A frame of vfio-trace's own: a BPF program, a trampoline, or the runner of
 * a tracepoint's programs (bpf_trace_runN, for tp_btf, and the tracepoint's
 * __traceiter_<name>, through which it is called once more than one program
 * is attached). Without bpf_jit_kallsyms they are in no symbol's range (a
 * bare address, or one too far past the last symbol); with it, the kernel
 * lists them under [bpf] (bpf_prog_<tag>_<name>, bpf_trampoline_<id>).
 * @next_off is the offset of the frame after it (the caller), or -1: a return
 * address at a function's fentry call site (+0x5, +0x9 after an endbr64) is
 * mostly a trampoline's own call, so the frame before it is the trampoline
 * even when it seems to be in a module's symbol (6.1: "vfio_virqfd_exit+0x4cf0
 * [vfio_virqfd]" between "vfio_pci_mmap_fault+0x38" and
 * "vfio_pci_mmap_fault+0x5"). Only a module's symbol can be that: trampolines
 * and programs live in the module area, never in the kernel's own text. And
 * not one that is itself at an entry site: that is the traced function the
 * stack starts in, whose caller may be a function without an fentry call
 * (notrace) that calls it first thing. */
static bool entry_site(long long off)
{
	return off == 0x5 || off == 0x9;
}

static bool trampoline_before_entry(long long off, const char *sym, long long next_off)
{
	return entry_site(next_off) && !entry_site(off) && strstr(sym, " [");
}

static bool own_frame(long long off, const char *sym, long long next_off, const char *prev)
{
	return off < 0 || off >= VT_MAX_FUNC_OFFSET || !strncmp(sym, "bpf_prog_", 9) ||
	       !strncmp(sym, "bpf_trampoline_", 15) || strstr(sym, " [bpf]") ||
	       /* A kretprobe's program runs from the kernel's trampoline for
		* it: __kretprobe_trampoline since 5.15, kretprobe_trampoline
		* before. */
	       !strncmp(sym, "__kretprobe_trampoline", 22) ||
	       !strncmp(sym, "kretprobe_trampoline", 20) || !strncmp(sym, "bpf_trace_run", 13) ||
	       !strncmp(sym, "__traceiter_", 12) || trampoline_before_entry(off, sym, next_off) ||
	       /* The tracepoint's trace_<name>() where the compiler did not
		* inline it (6.12 with lockdep: trace_contention_begin+0x8a):
		* it calls the runner or the iterator, nothing else does. */
	       (prev && !strncmp(sym, "trace_", 6) &&
		(!strncmp(prev, "bpf_trace_run", 13) || !strncmp(prev, "__traceiter_", 12)));
}

/* Same function: "f+0x38 [m]" and "f+0x5 [m]". */
static bool same_function(const char *a, const char *b)
{
	size_t n = strcspn(a, "+");

	return n == strcspn(b, "+") && !strncmp(a, b, n);
}

static int add_frame(struct vt_frames *f, size_t *cap, const char *sym)
{
	size_t len = strlen(sym) + 1;

	if (f->len + len > *cap) {
		size_t ncap = *cap ? 2 * *cap : 1024;
		char *p = realloc(f->names, ncap);

		if (!p)
			return -ENOMEM;
		f->names = p;
		*cap = ncap;
	}
	memcpy(f->names + f->len, sym, len);
	f->len += len;
	f->n++;
	return 0;
}

/*
 * vfio-trace's own frames are left out: the program and trampoline it starts
 * in, and those of other traced functions further down, each with the traced
 * function's entry that its trampoline repeats ("f+0x5" after "f+0x38").
 * Where kallsyms hides every address, the bare addresses are shown instead.
 */
_Static_assert(VT_CONTENTION_STACK_DEPTH <= VT_STACK_NAMES_MAX, "room for a contention stack");
_Static_assert(VT_EDGE_STACK_DEPTH <= VT_STACK_NAMES_MAX, "room for an edge stack");
_Static_assert(VT_SLOW_STACK_DEPTH <= VT_STACK_NAMES_MAX, "room for a slow operation's stack");

int vt_name_stack(vt_symbolize_fn symbolize, void *arg, const __u64 *ips, int n,
		  struct vt_frames *f)
{
	char syms[VT_STACK_NAMES_MAX][256], sym[32];
	long long offs[VT_STACK_NAMES_MAX];
	const char *last = NULL;
	bool dropped = true, named = false;
	size_t cap = 0;
	int i, err;

	n = n < VT_STACK_NAMES_MAX ? n : VT_STACK_NAMES_MAX;
	for (i = 0; i < n; i++)
		offs[i] = symbolize(arg, ips[i], syms[i], sizeof(syms[i]));
	for (i = 0; i < n; i++) {
		named |= offs[i] >= 0;
		/* After a trampoline further down the stack, a traced
		 * function's entry (f+0x5, f+0x9) is the trampoline's doing:
		 * dropped even when f's body does not follow, as when f
		 * tail-called another traced function (6.18:
		 * vfio_pci_mmap_page_fault into vfio_pci_mmap_huge_fault). At
		 * the start of the stack it is the traced function itself (a
		 * lock function, for lockdep mode's edges): kept. */
		if (own_frame(offs[i], syms[i], i + 1 < n ? offs[i + 1] : -1,
			      i ? syms[i - 1] : NULL) ||
		    (dropped && last && same_function(syms[i], last)) ||
		    (dropped && last && entry_site(offs[i]))) {
			dropped = true;
			continue;
		}
		dropped = false;
		last = syms[i];
		err = add_frame(f, &cap, syms[i]);
		if (err)
			return err;
	}
	for (i = 0; !named && i < n; i++) {
		snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)ips[i]);
		err = add_frame(f, &cap, sym);
		if (err)
			return err;
	}
	return 0;
}
