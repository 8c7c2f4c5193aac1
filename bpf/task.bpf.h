/* SPDX-License-Identifier: GPL-2.0 */
/* This thread's state in task local storage, where the kernel allows it. */
#ifndef VT_TASK_BPF_H
#define VT_TASK_BPF_H

#include "maps.bpf.h"

/* NULL without task storage (the verifier drops the branch: the knob is
 * read-only data), or when the kernel could not allocate or is already inside
 * task storage on this CPU. */
static __always_inline struct vt_task *vt_task_state(bool create)
{
	if (!targ_task_storage)
		return NULL;
	return bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

#endif /* VT_TASK_BPF_H */
