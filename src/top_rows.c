// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace top`'s rows: per device, per interval (top_rows.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "top_rows.h"

static const struct {
	char key;
	const char *name;
} sorts[VT_TOP_SORT_MAX] = {
	[VT_TOP_SORT_DEVICE] = { 'd', "device" },     [VT_TOP_SORT_FAULTS] = { 'f', "faults" },
	[VT_TOP_SORT_WAIT] = { 'w', "wait" },	      [VT_TOP_SORT_ZAPS] = { 'z', "zaps" },
	[VT_TOP_SORT_ACCESSES] = { 'a', "accesses" }, [VT_TOP_SORT_PINS] = { 'p', "pins" },
};

char vt_top_sort_key(enum vt_top_sort by)
{
	return by < VT_TOP_SORT_MAX ? sorts[by].key : '?';
}

const char *vt_top_sort_name(enum vt_top_sort by)
{
	return by < VT_TOP_SORT_MAX ? sorts[by].name : "?";
}

enum vt_top_sort vt_top_sort_of_key(int key)
{
	for (int i = 0; i < VT_TOP_SORT_MAX; i++)
		if (sorts[i].key == key)
			return (enum vt_top_sort)i;
	return VT_TOP_SORT_MAX;
}

enum vt_top_sort vt_top_sort_of_name(const char *name)
{
	for (int i = 0; i < VT_TOP_SORT_MAX; i++)
		if (!strcmp(sorts[i].name, name))
			return (enum vt_top_sort)i;
	return VT_TOP_SORT_MAX;
}

/* Pages pinned in the interval by process @pid, on every pin path. */
static __u64 pinned_by(const struct vt_snapshot *s, __u32 pid)
{
	__u64 pages = 0;

	for (size_t i = 0; pid && i < s->nprocs; i++)
		if (s->procs[i].key.tgid == pid)
			pages += s->procs[i].val.pages;
	return pages;
}

static void fill_row(struct vt_top_row *r, const struct vt_dev_snapshot *d,
		     const struct vt_snapshot *s, double interval_s, __u64 now_ns)
{
	const struct vt_device_stats *st = &d->stats;
	const struct vt_disable_record *off = &d->info.last_disable;
	struct vt_hist faults;
	__u64 nfaults;

	memset(r, 0, sizeof(*r));
	memcpy(r->bdf, d->info.bdf, sizeof(r->bdf));
	r->bdf[VT_BDF_LEN - 1] = '\0';
	r->bound = d->info.vdev != 0;
	r->owner = d->owner;
	nfaults = snapshot_faults_by_result(st, NULL);
	snapshot_fault_latency(st, &faults);
	r->faults_per_s = interval_s > 0 ? (double)nfaults / interval_s : 0;
	r->fault_p99_ns = hist_quantile_ns(&faults, 0.99);
	for (int m = 0; m < VT_MODE_MAX; m++) {
		r->wait_p99_ns[m] = hist_quantile_ns(&st->wait_ns[m], 0.99);
		r->contentions += st->contentions[m];
	}
	for (int z = 0; z < VT_ZAP_REASON_MAX; z++)
		r->zaps += st->zaps[z];
	for (int a = 0; a < VT_ACCESS_KIND_MAX; a++)
		r->accesses += st->accesses[a];
	r->pinned_pages = pinned_by(s, d->owner.pid);
	r->last_disable = *off;
	r->last_disable.comm[VT_COMM_LEN - 1] = '\0';
	if (off->ts_ns) {
		r->memory_off = !off->enabled_ts_ns;
		if (r->memory_off)
			r->off_ns = now_ns > off->ts_ns ? now_ns - off->ts_ns : 0;
		else if (off->enabled_ts_ns > off->ts_ns)
			r->off_ns = off->enabled_ts_ns - off->ts_ns;
	}
}

int vt_top_build(struct vt_top *out, const struct vt_snapshot *delta, __u64 now_ns)
{
	memset(out, 0, sizeof(*out));
	out->interval_s = (double)delta->mono_ns / 1e9;
	for (int r = 0; r < VT_LOST_MAX; r++)
		out->lost += delta->lost[r];
	if (!delta->ndevs)
		return 0;
	out->rows = calloc(delta->ndevs, sizeof(*out->rows));
	if (!out->rows)
		return -ENOMEM;
	for (size_t i = 0; i < delta->ndevs; i++) {
		const struct vt_dev_snapshot *d = &delta->devs[i];

		if (!d->info.traced)
			continue;
		fill_row(&out->rows[out->nrows++], d, delta, out->interval_s, now_ns);
	}
	return 0;
}

static __u64 wait_max(const struct vt_top_row *r)
{
	__u64 m = 0;

	for (int i = 0; i < VT_MODE_MAX; i++)
		if (r->wait_p99_ns[i] > m)
			m = r->wait_p99_ns[i];
	return m;
}

static int cmp_u64(__u64 a, __u64 b)
{
	return a < b ? -1 : a > b;
}

struct sort_order {
	enum vt_top_sort by;
	bool reverse;
};

static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct vt_top_row *a = pa, *b = pb;
	const struct sort_order *o = arg;
	int c = 0;

	switch (o->by) {
	case VT_TOP_SORT_FAULTS:
		c = (a->faults_per_s < b->faults_per_s) - (a->faults_per_s > b->faults_per_s);
		break;
	case VT_TOP_SORT_WAIT: c = cmp_u64(wait_max(b), wait_max(a)); break;
	case VT_TOP_SORT_ZAPS: c = cmp_u64(b->zaps, a->zaps); break;
	case VT_TOP_SORT_ACCESSES: c = cmp_u64(b->accesses, a->accesses); break;
	case VT_TOP_SORT_PINS: c = cmp_u64(b->pinned_pages, a->pinned_pages); break;
	case VT_TOP_SORT_DEVICE:
	default: break;
	}
	if (!c)
		c = strcmp(a->bdf, b->bdf);
	return o->reverse ? -c : c;
}

void vt_top_sort(struct vt_top *t, enum vt_top_sort by, bool reverse)
{
	struct sort_order o = { by, reverse };

	if (t->nrows > 1)
		qsort_r(t->rows, t->nrows, sizeof(*t->rows), row_cmp, &o);
}

void vt_top_free(struct vt_top *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
