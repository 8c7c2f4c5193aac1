// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace [INTERVAL [COUNT]]`: bcc-style periodic summaries. */
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "render.h"
#include "signals.h"
#include "tracer.h"

void vt_explain_no_vfio(void)
{
	fprintf(stderr, "vfio-trace: nothing to trace: no vfio-pci function is in this kernel's "
		"BTF or kallsyms (is vfio-pci loaded?); `vfio-trace probes` lists what is missing\n");
}

/* vfio_pci_core since 5.15; vfio_pci alone before. */
static bool vfio_module_loaded(void)
{
	return !access("/sys/module/vfio_pci_core", F_OK) || !access("/sys/module/vfio_pci", F_OK);
}

int vt_start_tracing(struct vt_tracer *t, const struct vt_options *o, bool want_events)
{
	bool said = false;

	for (;;) {
		if (vt_tracer_start(t, o, want_events))
			return VT_EXIT_ERROR;
		if (!vt_probes_no_vfio(t->probes))
			return VT_EXIT_OK;
		vt_tracer_stop(t);
		if (!o->wait) {
			vt_explain_no_vfio();
			return VT_EXIT_NOTHING;
		}
		if (!said) {
			fprintf(stderr, "vfio-trace: vfio-pci is not loaded; waiting for it (--wait)\n");
			said = true;
		}
		while (!vt_exiting && !vfio_module_loaded())
			vt_sleep_until(vt_monotonic_ns() + 1000000000ULL);
		if (vt_exiting)
			return VT_START_INTERRUPTED;
		/* The module is listed before its init has registered everything,
		 * and vfio_iommu_type1 often follows it: give both a moment. */
		vt_sleep_until(vt_monotonic_ns() + 2000000000ULL);
	}
}

static int print_summary(const struct vt_options *o, const struct vt_tracer *t,
			 const struct vt_snapshot *cur, const struct vt_snapshot *prev)
{
	struct vt_render_opts ropts = { .unit = o->unit, .timestamp = o->timestamp };
	struct vt_snapshot delta;
	int err;

	err = snapshot_diff(&delta, cur, prev);
	if (err)
		return err;
	if (o->json)
		err = render_json(stdout, &delta, vt_probes_report(t->probes), 1);
	else
		err = render_text(stdout, &delta, &ropts);
	snapshot_free(&delta);
	if (!err && fflush(stdout))
		err = -errno;
	return err;
}

int vt_cmd_summary(const struct vt_options *o)
{
	struct vt_snapshot prev = {}, cur = {};
	unsigned long printed = 0;
	struct vt_tracer t;
	__u64 end = 0, next;
	int rc = VT_EXIT_ERROR, err;

	rc = vt_start_tracing(&t, o, false);
	if (rc != VT_EXIT_OK)
		return rc == VT_START_INTERRUPTED ? VT_EXIT_OK : rc;
	rc = VT_EXIT_ERROR;
	if (vt_tracer_snapshot(&t, &prev))
		goto cleanup;
	fprintf(o->json ? stderr : stdout,
		"Tracing vfio-pci memory_lock, faults, zaps and pins on %d functions... "
		"Hit Ctrl-C to end.\n", vt_probes_vfio_attached(t.probes));
	fflush(stdout);

	if (o->duration_s)
		end = vt_monotonic_ns() + (__u64)(o->duration_s * 1e9);
	next = vt_monotonic_ns();
	for (;;) {
		if (o->interval_s)
			next += (__u64)(o->interval_s * 1e9);
		else
			next = end ? end : ~0ULL;
		if (end && next > end)
			next = end;
		vt_tracer_wait_until(&t, next);

		err = vt_tracer_snapshot(&t, &cur);
		if (err) {
			fprintf(stderr, "vfio-trace: cannot read the BPF maps: %s\n", strerror(-err));
			goto cleanup;
		}
		err = print_summary(o, &t, &cur, &prev);
		if (err) {
			fprintf(stderr, "vfio-trace: cannot write the summary: %s\n", strerror(-err));
			goto cleanup;
		}
		snapshot_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		printed++;
		if (vt_exiting || (o->count && printed >= o->count) ||
		    (end && vt_monotonic_ns() >= end) || !o->interval_s)
			break;
	}
	rc = VT_EXIT_OK;
cleanup:
	snapshot_free(&prev);
	snapshot_free(&cur);
	vt_tracer_stop(&t);
	return rc;
}
