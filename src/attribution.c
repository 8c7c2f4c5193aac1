// SPDX-License-Identifier: GPL-2.0
/* Who, from /proc and /sys: devices' owners and reset methods and processes'
 * VMs joined to a snapshot. */
#include <errno.h>
#include <stdio.h>
#include "attribution.h"
#include "device_owners.h"
#include "reset_methods.h"

int vt_attribution_init(struct vt_attribution *a, const char *proc_root, const char *sys_root)
{
	a->owners = vt_owner_finder_new(proc_root, sys_root);
	a->vms = vt_vm_cache_new(proc_root);
	a->reset_methods = vt_reset_methods_new(sys_root);
	if (!a->owners || !a->vms || !a->reset_methods) {
		vt_attribution_free(a);
		return -ENOMEM;
	}
	return 0;
}

void vt_attribution_free(struct vt_attribution *a)
{
	vt_owner_finder_free(a->owners);
	a->owners = NULL;
	vt_vm_cache_free(a->vms);
	a->vms = NULL;
	vt_reset_methods_free(a->reset_methods);
	a->reset_methods = NULL;
}

void vt_attribution_fill(struct vt_attribution *a, struct vt_snapshot *s)
{
	vt_owner_finder_fill(a->owners, s, s->mono_ns);
	vt_reset_methods_fill(a->reset_methods, s, s->mono_ns);
	/* Pins per VM: the pinning process is QEMU, its -name the VM. */
	for (size_t i = 0; i < s->nprocs; i++)
		snprintf(s->procs[i].vm, sizeof(s->procs[i].vm), "%s",
			 vt_vm_cache_name(a->vms, s->procs[i].key.tgid, s->mono_ns));
}

const char *vt_attribution_vm(struct vt_attribution *a, __u32 tgid, __u64 now_ns)
{
	return vt_vm_cache_name(a->vms, tgid, now_ns);
}
