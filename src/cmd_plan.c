// SPDX-License-Identifier: GPL-2.0
/* The one place where command-line options become a session plan: below the
 * commands, nothing sees struct vt_options. */
#include <string.h>
#include "commands.h"

void vt_plan_from_options(const struct vt_options *o, struct vt_session_plan *plan)
{
	struct vt_tracer_config *c = &plan->tracer;

	memset(plan, 0, sizeof(*plan));
	c->pid = o->pid;
	c->nbdfs = o->nbdfs;
	memcpy(c->bdfs, o->bdfs, sizeof(c->bdfs));
	c->force_kprobes = o->kprobes;
	c->kprobe_multi = o->kprobe_multi;
	c->verbose = o->verbose;
	c->stacks = o->stacks;
	c->note_pinned_modules = true;
	c->max_devices = o->max_devices;
	c->max_threads = o->max_threads;
	for (unsigned int i = 0; i < o->nlocks; i++)
		c->locks[i] = o->locks[i];
	c->nlocks = o->nlocks;
	memcpy(c->slow_ns, o->min_latency_ns, sizeof(c->slow_ns));
	plan->wait_for_vfio = o->wait;
	plan->interval_s = o->interval_s;
	plan->count = o->count;
	plan->duration_s = o->duration_s;
}
