/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe selection: for each traced operation an ordered list of candidate kernel
 * functions, newest kernel first. The first candidate the running kernel has
 * wins, attached with fentry/fexit when it has BTF and fentry loads, else with
 * kprobe/kretprobe when it is in kallsyms, else the operation is reported
 * unavailable with the reason. The lock contention operation is a pair of
 * tracepoints instead, attached with tp_btf.
 */
#ifndef VT_PROBES_H
#define VT_PROBES_H

#include <stdbool.h>
#include <bpf/libbpf.h>
#include "kernel_features.h"
#include "load_log.h"
#include "snapshot.h"

struct vt_probe_set;

/* Every kernel function a probe may attach to, NULL-terminated: the kallsyms
 * entries probe selection looks up. */
const char *const *vt_probes_functions(void);
/* Programs the kernel refused in an earlier load of the object, and why: a
 * candidate using one is passed over in that mode, as if the kernel lacked
 * it, and the next mode or candidate is tried. */
#define VT_MAX_REFUSALS 16
struct vt_refusal {
	char prog[VT_PROG_NAME_MAX];
	char reason[VT_REFUSAL_REASON_MAX];
};
struct vt_refusals {
	unsigned int n;
	struct vt_refusal r[VT_MAX_REFUSALS];
};

/* Decides every operation's probe and sets the programs' autoload; call after
 * open and before load. @force_kprobes is --kprobes; @kprobe_multi is
 * --kprobe-multi (a kprobe chosen goes through fprobe where the kernel takes
 * it); @lockdep adds the generic lock hooks of `vfio-trace lockdep`; @refused
 * may be NULL. 0 or -errno. */
int vt_probes_select(struct vt_probe_set **out, struct bpf_object *obj, struct vt_kernel *k,
		     bool force_kprobes, bool kprobe_multi, bool lockdep,
		     const struct vt_refusals *refused);
/* Attaches what was selected but the on-demand probes, which become pending;
 * a failure is no error but an "attach failed" reason in its report line. */
void vt_probes_attach(struct vt_probe_set *set);
/* True after vt_probes_attach() while an on-demand probe is selected and
 * neither attached nor declined yet. */
bool vt_probes_pending(const struct vt_probe_set *set);
/* Attaches the pending on-demand probes: how many, or -EIO if one failed (its
 * report line says why). */
int vt_probes_attach_on_demand(struct vt_probe_set *set);
/* They will not be attached; @why goes into their report lines. */
void vt_probes_decline_on_demand(struct vt_probe_set *set, const char *why);
/* The coverage report; valid until vt_probes_free. */
const struct vt_probe_report *vt_probes_report(const struct vt_probe_set *set);
/* How many operations on the core vfio-pci functions, those whose absence
 * means no vfio-pci, are attached; the others (zaps, pins, the lock
 * tracepoints, ...) are not counted. */
int vt_probes_vfio_attached(const struct vt_probe_set *set);
/* True when none of the core vfio-pci functions could be selected: vfio-pci
 * is not loaded, or cannot be probed at all (the report says why). */
bool vt_probes_no_vfio(const struct vt_probe_set *set);
/* The modules that attached fentry programs keep loaded (a trampoline holds a
 * reference, so rmmod says "in use"), as "a, b" in @buf; returns how many. */
int vt_probes_pinned_modules(const struct vt_probe_set *set, char *buf, size_t len);
/* Detaches every link and frees @set. Safe on NULL. */
void vt_probes_free(struct vt_probe_set *set);

#endif
