// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "vfio_trace.h"
#include "vfio_trace.skel.h"
#include "kernel_features.h"
#include "privileges.h"
#include "tracer.h"

#define VT_EVENTS_RINGBUF_BYTES (8U << 20)

static bool libbpf_verbose;

/* libbpf's own messages are multi-line dumps; by default we say one line of
 * our own instead, and -v shows libbpf's. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void set_knobs(struct vfio_trace_bpf *skel, const struct vt_options *o, bool want_events)
{
	unsigned int i;

	skel->rodata->targ_tgid = o->pid;
	skel->rodata->targ_bdf_count = o->nbdfs;
	for (i = 0; i < o->nbdfs; i++)
		memcpy((char *)skel->rodata->targ_bdfs[i], o->bdfs[i], VT_BDF_LEN);
	skel->rodata->targ_emit_events = want_events;
	/* Only `events` reads the ring buffer: give it room for bursts (a SIGBUS
	 * storm is tens of thousands a second), and the others one page. */
	bpf_map__set_max_entries(skel->maps.events,
				 want_events ? VT_EVENTS_RINGBUF_BYTES : (__u32)sysconf(_SC_PAGESIZE));
}

int vt_tracer_start(struct vt_tracer *t, const struct vt_options *o, bool want_events)
{
	char why[256];
	int err;

	memset(t, 0, sizeof(*t));
	t->started_ns = now_ns();
	libbpf_verbose = o->verbose;
	libbpf_set_print(libbpf_print);

	err = vt_check_privileges(why, sizeof(why));
	if (err)
		goto fail_why;
	err = vt_kernel_open(&t->kernel, why, sizeof(why));
	if (err)
		goto fail_why;

	t->skel = vfio_trace_bpf__open();
	if (!t->skel) {
		err = -errno;
		snprintf(why, sizeof(why), "cannot open the BPF object: %s", strerror(-err));
		goto fail_why;
	}
	set_knobs(t->skel, o, want_events);

	err = vt_probes_select(&t->probes, t->skel->obj, t->kernel, o->kprobes,
			       o->command == VT_CMD_LOCKDEP);
	if (err) {
		snprintf(why, sizeof(why), "cannot choose probes: %s", strerror(-err));
		goto fail_why;
	}
	err = vfio_trace_bpf__load(t->skel);
	if (err) {
		snprintf(why, sizeof(why), "cannot load the BPF programs: %s%s", strerror(-err),
			 o->verbose ? "" : " (run with -v for the verifier log)");
		goto fail_why;
	}
	vt_probes_attach(t->probes);
	if (o->command != VT_CMD_PROBES && vt_probes_pinned_modules(t->probes, why, sizeof(why)))
		fprintf(stderr, "vfio-trace: note: while attached, %s cannot be unloaded (fentry holds "
			"them; --kprobes does not)\n", why);
	return 0;

fail_why:
	fprintf(stderr, "vfio-trace: %s\n", why);
	vt_tracer_stop(t);
	return err < 0 ? err : -EINVAL;
}

int vt_tracer_events_fd(const struct vt_tracer *t)
{
	return bpf_map__fd(t->skel->maps.events);
}

void vt_tracer_stop(struct vt_tracer *t)
{
	/* Links first, so nothing runs while the maps go away. */
	vt_probes_free(t->probes);
	t->probes = NULL;
	vfio_trace_bpf__destroy(t->skel);
	t->skel = NULL;
	vt_kernel_close(t->kernel);
	t->kernel = NULL;
}
