// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "session.h"
#include "signals.h"

#define VT_START_INTERRUPTED (-1)

static void explain_no_vfio(void)
{
	fprintf(stderr,
		"vfio-trace: nothing to trace: no vfio-pci function is in this kernel's "
		"BTF or kallsyms (is vfio-pci loaded?); `vfio-trace probes` lists what is missing\n");
}

/* vfio_pci_core since 5.15; vfio_pci alone before. */
static bool vfio_module_loaded(void)
{
	return !access("/sys/module/vfio_pci_core", F_OK) || !access("/sys/module/vfio_pci", F_OK);
}

/* VT_EXIT_OK when running. Without vfio-pci it explains and gives
 * VT_EXIT_NOTHING, or with --wait waits for the module and tries again; a
 * signal while waiting gives VT_START_INTERRUPTED. On anything but VT_EXIT_OK
 * nothing is left to clean up. */
static int start(struct vt_tracer *t, const struct vt_session_plan *plan)
{
	bool said = false;

	for (;;) {
		if (vt_tracer_start(t, &plan->tracer))
			return VT_EXIT_ERROR;
		if (plan->report_only || !vt_tracer_no_vfio(t))
			return VT_EXIT_OK;
		vt_tracer_stop(t);
		if (!plan->wait_for_vfio) {
			explain_no_vfio();
			return VT_EXIT_NOTHING;
		}
		if (!said) {
			fprintf(stderr,
				"vfio-trace: vfio-pci is not loaded; waiting for it (--wait)\n");
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

/* What the kernel counted, then who did it. */
static int take(struct vt_tracer *t, struct vt_attribution *who, struct vt_snapshot *s)
{
	int err = vt_tracer_snapshot(t, s);

	if (err) {
		fprintf(stderr, "vfio-trace: cannot read the BPF maps: %s\n", strerror(-err));
		return VT_EXIT_ERROR;
	}
	vt_attribution_fill(who, s);
	return VT_EXIT_OK;
}

static bool done(const struct vt_session_plan *plan, unsigned long ticks, __u64 end)
{
	return vt_exiting || (plan->count && ticks >= plan->count) ||
	       (end && vt_monotonic_ns() >= end) || !plan->interval_s;
}

static int wait_until(const struct vt_session_ops *ops, void *ctx, struct vt_tracer *t,
		      struct vt_attribution *who, __u64 deadline_ns)
{
	if (ops->wait)
		return ops->wait(ctx, t, who, deadline_ns);
	vt_tracer_wait_until(t, deadline_ns);
	return VT_EXIT_OK;
}

int vt_session_run(const struct vt_session_plan *plan, const struct vt_session_ops *ops, void *ctx)
{
	struct vt_snapshot prev = {}, cur = {};
	struct vt_attribution who;
	unsigned long ticks = 0;
	struct vt_tracer t;
	__u64 end = 0, next;
	int rc;

	if (vt_attribution_init(&who, "/proc", "/sys")) {
		fprintf(stderr, "vfio-trace: out of memory\n");
		return VT_EXIT_ERROR;
	}
	rc = start(&t, plan);
	if (rc != VT_EXIT_OK) {
		vt_attribution_free(&who);
		return rc == VT_START_INTERRUPTED ? VT_EXIT_OK : rc;
	}
	rc = take(&t, &who, &prev);
	if (rc)
		goto out;
	if (plan->report_only) {
		rc = ops->tick(ctx, &prev, NULL);
		if (!rc && prev.probes->no_vfio) {
			explain_no_vfio();
			rc = VT_EXIT_NOTHING;
		}
		goto out;
	}
	if (ops->begin) {
		rc = ops->begin(ctx, &prev);
		if (rc)
			goto out;
	}
	if (plan->duration_s)
		end = vt_monotonic_ns() + (__u64)(plan->duration_s * 1e9);
	next = vt_monotonic_ns();
	if (plan->tick_at_start) {
		rc = ops->tick(ctx, &prev, NULL);
		ticks++;
		if (rc)
			goto out;
	}
	while (!ticks || !done(plan, ticks, end)) {
		if (plan->interval_s)
			next += (__u64)(plan->interval_s * 1e9);
		else
			next = end ? end : ~0ULL;
		if (end && next > end)
			next = end;
		rc = wait_until(ops, ctx, &t, &who, next);
		if (!rc)
			rc = take(&t, &who, &cur);
		if (rc)
			goto out;
		rc = ops->tick(ctx, &cur, &prev);
		snapshot_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		ticks++;
		if (rc)
			goto out;
	}
out:
	snapshot_free(&prev);
	snapshot_free(&cur);
	vt_tracer_stop(&t);
	vt_attribution_free(&who);
	return rc;
}
