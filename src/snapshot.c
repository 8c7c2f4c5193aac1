// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot model: order, difference, copy, free. Interval output never
 * touches kernel state: the BPF maps only ever count up, and an interval is
 * the difference of two snapshots. Resetting the maps from user space instead
 * would race with the BPF side and lose updates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "snapshot.h"

#define MEMBER_SIZE(type, m) sizeof(((type *)0)->m)

/*
 * diff_device_stats() names every field. If vt_device_stats grows, this
 * fails to build until the new field is diffed too, rather than silently
 * reporting it as cumulative in interval output.
 */
_Static_assert(sizeof(struct vt_device_stats) ==
		       MEMBER_SIZE(struct vt_device_stats, faults) +
			       MEMBER_SIZE(struct vt_device_stats, fault_orders) +
			       MEMBER_SIZE(struct vt_device_stats, fault_ns) +
			       MEMBER_SIZE(struct vt_device_stats, contentions) +
			       MEMBER_SIZE(struct vt_device_stats, wait_ns) +
			       MEMBER_SIZE(struct vt_device_stats, hold_ns) +
			       MEMBER_SIZE(struct vt_device_stats, vma_lock_contentions) +
			       MEMBER_SIZE(struct vt_device_stats, vma_lock_wait_ns) +
			       MEMBER_SIZE(struct vt_device_stats, zaps) +
			       MEMBER_SIZE(struct vt_device_stats, zap_vmas) +
			       MEMBER_SIZE(struct vt_device_stats, zap_ns) +
			       MEMBER_SIZE(struct vt_device_stats, accesses) +
			       MEMBER_SIZE(struct vt_device_stats, memory_disables) +
			       MEMBER_SIZE(struct vt_device_stats, memory_enables) +
			       MEMBER_SIZE(struct vt_device_stats, d3_entries) +
			       MEMBER_SIZE(struct vt_device_stats, d3_exits) +
			       MEMBER_SIZE(struct vt_device_stats, low_power_entries) +
			       MEMBER_SIZE(struct vt_device_stats, low_power_exits) +
			       MEMBER_SIZE(struct vt_device_stats, contention_paths) +
			       MEMBER_SIZE(struct vt_device_stats, memory_off_ns) +
			       MEMBER_SIZE(struct vt_device_stats, trylock_failures) +
			       MEMBER_SIZE(struct vt_device_stats, blackout_ns) +
			       MEMBER_SIZE(struct vt_device_stats, blackout_failed_accesses),
	       "a vt_device_stats field is missing from diff_device_stats()");
_Static_assert(sizeof(struct vt_pin_stats) == 5 * sizeof(__u64) + sizeof(struct vt_hist),
	       "a vt_pin_stats field is missing from diff_pin_stats()");

/* A counter that went down belongs to a device instance that went away (an
 * unbind drops its map entry); the interval saw no events, not 2^64 of them. */
static __u64 delta(__u64 cur, __u64 prev)
{
	return cur >= prev ? cur - prev : 0;
}

static void diff_array(__u64 *out, const __u64 *cur, const __u64 *prev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = delta(cur[i], prev[i]);
}

static void diff_hist(struct vt_hist *out, const struct vt_hist *cur, const struct vt_hist *prev)
{
	diff_array(out->slots, cur->slots, prev->slots, VT_HIST_SLOTS);
	out->count = delta(cur->count, prev->count);
	out->sum_ns = delta(cur->sum_ns, prev->sum_ns);
}

static void diff_hists(struct vt_hist *out, const struct vt_hist *cur, const struct vt_hist *prev,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		diff_hist(&out[i], &cur[i], &prev[i]);
}

static void diff_device_stats(struct vt_device_stats *o, const struct vt_device_stats *c,
			      const struct vt_device_stats *p)
{
	diff_array(&o->faults[0][0], &c->faults[0][0], &p->faults[0][0],
		   VT_BAR_SLOTS * VT_FAULT_RESULT_MAX);
	diff_array(o->fault_orders, c->fault_orders, p->fault_orders, VT_ORDER_MAX);
	diff_hists(o->fault_ns, c->fault_ns, p->fault_ns, VT_FAULT_RESULT_MAX);

	diff_array(o->contentions, c->contentions, p->contentions, VT_MODE_MAX);
	diff_hists(o->wait_ns, c->wait_ns, p->wait_ns, VT_MODE_MAX);
	diff_hists(&o->hold_ns[0][0], &c->hold_ns[0][0], &p->hold_ns[0][0],
		   VT_MODE_MAX * VT_PATH_MAX);

	o->vma_lock_contentions = delta(c->vma_lock_contentions, p->vma_lock_contentions);
	diff_hist(&o->vma_lock_wait_ns, &c->vma_lock_wait_ns, &p->vma_lock_wait_ns);

	diff_array(o->zaps, c->zaps, p->zaps, VT_ZAP_REASON_MAX);
	o->zap_vmas = delta(c->zap_vmas, p->zap_vmas);
	diff_hist(&o->zap_ns, &c->zap_ns, &p->zap_ns);

	diff_array(o->accesses, c->accesses, p->accesses, VT_ACCESS_KIND_MAX);
	o->memory_disables = delta(c->memory_disables, p->memory_disables);
	o->memory_enables = delta(c->memory_enables, p->memory_enables);
	o->d3_entries = delta(c->d3_entries, p->d3_entries);
	o->d3_exits = delta(c->d3_exits, p->d3_exits);
	o->low_power_entries = delta(c->low_power_entries, p->low_power_entries);
	o->low_power_exits = delta(c->low_power_exits, p->low_power_exits);
	diff_array(o->contention_paths, c->contention_paths, p->contention_paths, VT_PATH_MAX + 1);
	diff_hist(&o->memory_off_ns, &c->memory_off_ns, &p->memory_off_ns);
	diff_array(o->trylock_failures, c->trylock_failures, p->trylock_failures,
		   VT_TRYLOCK_OP_MAX);
	diff_hist(&o->blackout_ns, &c->blackout_ns, &p->blackout_ns);
	o->blackout_failed_accesses =
		delta(c->blackout_failed_accesses, p->blackout_failed_accesses);
}

static void diff_pin_stats(struct vt_pin_stats *o, const struct vt_pin_stats *c,
			   const struct vt_pin_stats *p)
{
	o->calls = delta(c->calls, p->calls);
	o->pages = delta(c->pages, p->pages);
	o->errors = delta(c->errors, p->errors);
	o->unpin_calls = delta(c->unpin_calls, p->unpin_calls);
	o->unpinned_pages = delta(c->unpinned_pages, p->unpinned_pages);
	diff_hist(&o->pin_ns, &c->pin_ns, &p->pin_ns);
}

static void diff_pin_proc(struct vt_pin_proc *o, const struct vt_pin_proc *c,
			  const struct vt_pin_proc *p)
{
	/* o is c when diffing in place: memcpy onto itself is undefined. */
	memmove(o->comm, c->comm, sizeof(o->comm));
	o->calls = delta(c->calls, p->calls);
	o->pages = delta(c->pages, p->pages);
	o->errors = delta(c->errors, p->errors);
	o->sum_ns = delta(c->sum_ns, p->sum_ns);
}

int snapshot_dev_cmp(const void *a, const void *b)
{
	const struct vt_dev_snapshot *x = a, *y = b;

	/* bdf may fill all VT_BDF_LEN bytes without a NUL */
	return strncmp(x->info.bdf, y->info.bdf, VT_BDF_LEN);
}

int snapshot_proc_cmp(const void *a, const void *b)
{
	const struct vt_proc_snapshot *x = a, *y = b;

	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	if (x->key.path != y->key.path)
		return x->key.path < y->key.path ? -1 : 1;
	return 0;
}

/* The key is bytes with explicit padding: memcmp orders it. */
int snapshot_edge_cmp(const void *a, const void *b)
{
	const struct vt_lock_edge *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

/* The key is bytes with no padding (abi_check.c): memcmp orders it. */
int snapshot_contention_cmp(const void *a, const void *b)
{
	const struct vt_contention_pair *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

int snapshot_holder_cmp(const void *a, const void *b)
{
	const struct vt_lock_holder *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

void snapshot_sort(struct vt_snapshot *s)
{
	/* qsort takes no NULL array, even empty */
	if (s->ndevs)
		qsort(s->devs, s->ndevs, sizeof(*s->devs), snapshot_dev_cmp);
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), snapshot_proc_cmp);
	if (s->nedges)
		qsort(s->edges, s->nedges, sizeof(*s->edges), snapshot_edge_cmp);
	if (s->ncontentions)
		qsort(s->contentions, s->ncontentions, sizeof(*s->contentions),
		      snapshot_contention_cmp);
	if (s->nholders)
		qsort(s->holders, s->nholders, sizeof(*s->holders), snapshot_holder_cmp);
}

/* bsearch needs the order snapshot.h promises; a violation would silently
 * report some devices as new, so it is an error instead. */
static int strictly_sorted(const void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	const char *p = base;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) >= 0)
			return 0;
	return 1;
}

static int snapshot_valid(const struct vt_snapshot *s)
{
	if ((s->ndevs && !s->devs) || (s->nprocs && !s->procs) || (s->nedges && !s->edges) ||
	    (s->ncontentions && !s->contentions) || (s->nholders && !s->holders) ||
	    (s->probes && s->probes->n && !s->probes->items))
		return 0;
	return strictly_sorted(s->devs, s->ndevs, sizeof(*s->devs), snapshot_dev_cmp) &&
	       strictly_sorted(s->procs, s->nprocs, sizeof(*s->procs), snapshot_proc_cmp) &&
	       strictly_sorted(s->edges, s->nedges, sizeof(*s->edges), snapshot_edge_cmp) &&
	       strictly_sorted(s->contentions, s->ncontentions, sizeof(*s->contentions),
			       snapshot_contention_cmp);
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p;

	if (!n)
		return NULL;
	p = calloc(n, size);
	if (p)
		memcpy(p, src, n * size);
	return p;
}

/* For each entry of @cur (sorted by @cmp) that @prev has too: @diff(entry,
 * its match in prev). Entries only in cur stay as they are. */
static void diff_matching(void *cur, size_t n, const void *prev, size_t pn, size_t size,
			  int (*cmp)(const void *, const void *),
			  void (*diff)(void *entry, const void *before))
{
	for (size_t i = 0; i < n; i++) {
		void *c = (char *)cur + i * size;
		/* bsearch's base must not be NULL, even for 0 elements */
		const void *p = pn ? bsearch(c, prev, pn, size, cmp) : NULL;

		if (p)
			diff(c, p);
	}
}

static void diff_device(void *entry, const void *before)
{
	struct vt_dev_snapshot *d = entry;

	diff_device_stats(&d->stats, &d->stats, &((const struct vt_dev_snapshot *)before)->stats);
}

static void diff_proc(void *entry, const void *before)
{
	struct vt_proc_snapshot *c = entry;

	diff_pin_proc(&c->val, &c->val, &((const struct vt_proc_snapshot *)before)->val);
}

/* An edge's first sighting stays what it was; only its count is per interval. */
static void diff_edge(void *entry, const void *before)
{
	struct vt_lock_edge *e = entry;

	e->val.count = delta(e->val.count, ((const struct vt_lock_edge *)before)->val.count);
}

/* A pair's count and wait are per interval; its last waiter and holder, and
 * the most readers seen, stay what they are. */
static void diff_contention(void *entry, const void *before)
{
	struct vt_contention_pair *c = entry;
	const struct vt_contention_pair *p = before;

	c->val.count = delta(c->val.count, p->val.count);
	c->val.wait_ns = delta(c->val.wait_ns, p->val.wait_ns);
}

/*
 * out starts as a copy of cur, so entries missing from prev stay as they are
 * and entries only in prev never appear. In the result, mono_ns is the length
 * of the interval (cur - prev) rather than a point in time.
 */
int snapshot_diff(struct vt_snapshot *out, const struct vt_snapshot *cur,
		  const struct vt_snapshot *prev)
{
	int err;

	if (!out || !cur || !prev || out == cur || out == prev)
		return -EINVAL;
	if (!snapshot_valid(cur) || !snapshot_valid(prev))
		return -EINVAL;
	err = snapshot_copy(out, cur);
	if (err)
		return err;

	out->mono_ns = delta(cur->mono_ns, prev->mono_ns);
	out->interval = true;
	diff_matching(out->devs, out->ndevs, prev->devs, prev->ndevs, sizeof(*out->devs),
		      snapshot_dev_cmp, diff_device);
	for (int i = 0; i < VT_PIN_PATH_MAX; i++)
		diff_pin_stats(&out->pins[i], &cur->pins[i], &prev->pins[i]);
	diff_matching(out->procs, out->nprocs, prev->procs, prev->nprocs, sizeof(*out->procs),
		      snapshot_proc_cmp, diff_proc);
	diff_matching(out->edges, out->nedges, prev->edges, prev->nedges, sizeof(*out->edges),
		      snapshot_edge_cmp, diff_edge);
	diff_matching(out->contentions, out->ncontentions, prev->contentions, prev->ncontentions,
		      sizeof(*out->contentions), snapshot_contention_cmp, diff_contention);
	diff_array(out->lost, cur->lost, prev->lost, VT_LOST_MAX);
	out->map_read_errors = delta(cur->map_read_errors, prev->map_read_errors);
	return 0;
}

static struct vt_probe_report *copy_probes(const struct vt_probe_report *in)
{
	struct vt_probe_report *r = malloc(sizeof(*r));

	if (!r)
		return NULL;
	*r = *in;
	r->items = dup_array(in->items, in->n, sizeof(*in->items));
	if (in->n && !r->items) {
		free(r);
		return NULL;
	}
	return r;
}

static void free_probes(struct vt_probe_report *r)
{
	if (r)
		free(r->items);
	free(r);
}

static void free_edges(struct vt_lock_edge *edges, size_t n)
{
	for (size_t i = 0; i < n && edges; i++)
		free(edges[i].frames);
	free(edges);
}

static struct vt_lock_edge *copy_edges(const struct vt_lock_edge *in, size_t n)
{
	struct vt_lock_edge *e = dup_array(in, n, sizeof(*in));

	for (size_t i = 0; e && i < n; i++) {
		e[i].frames = dup_array(in[i].frames, in[i].frames_len, 1);
		if (in[i].frames_len && !e[i].frames) {
			e[i].frames_len = 0;
			free_edges(e, n);
			return NULL;
		}
	}
	return e;
}

static void free_contentions(struct vt_contention_pair *c, size_t n)
{
	for (size_t i = 0; i < n && c; i++) {
		free(c[i].waiter.names);
		free(c[i].holder.names);
	}
	free(c);
}

static int copy_frames(struct vt_frames *f)
{
	char *names = dup_array(f->names, f->len, 1);

	if (f->len && !names) {
		f->names = NULL;
		f->len = 0;
		return -ENOMEM;
	}
	f->names = names;
	return 0;
}

static struct vt_contention_pair *copy_contentions(const struct vt_contention_pair *in, size_t n)
{
	struct vt_contention_pair *c = dup_array(in, n, sizeof(*in));
	int err = 0;

	for (size_t i = 0; c && i < n; i++) {
		/* Each copy either owns its names or has none, for the free. */
		if (err) {
			c[i].waiter.names = c[i].holder.names = NULL;
			continue;
		}
		err = copy_frames(&c[i].waiter);
		if (err)
			c[i].holder.names = NULL;
		else
			err = copy_frames(&c[i].holder);
	}
	if (err) {
		free_contentions(c, n);
		return NULL;
	}
	return c;
}

int snapshot_copy(struct vt_snapshot *out, const struct vt_snapshot *in)
{
	struct vt_snapshot tmp;

	if (!out || !in || out == in)
		return -EINVAL;
	if ((in->ndevs && !in->devs) || (in->nprocs && !in->procs) || (in->nedges && !in->edges) ||
	    (in->ncontentions && !in->contentions) || (in->nholders && !in->holders) ||
	    (in->probes && in->probes->n && !in->probes->items))
		return -EINVAL;

	tmp = *in;
	tmp.devs = dup_array(in->devs, in->ndevs, sizeof(*in->devs));
	tmp.procs = dup_array(in->procs, in->nprocs, sizeof(*in->procs));
	tmp.probes = in->probes ? copy_probes(in->probes) : NULL;
	tmp.edges = copy_edges(in->edges, in->nedges);
	tmp.contentions = copy_contentions(in->contentions, in->ncontentions);
	tmp.holders = dup_array(in->holders, in->nholders, sizeof(*in->holders));
	if ((in->ndevs && !tmp.devs) || (in->nprocs && !tmp.procs) || (in->probes && !tmp.probes) ||
	    (in->nedges && !tmp.edges) || (in->ncontentions && !tmp.contentions) ||
	    (in->nholders && !tmp.holders)) {
		snapshot_free(&tmp);
		return -ENOMEM;
	}
	*out = tmp;
	return 0;
}

void snapshot_free(struct vt_snapshot *s)
{
	if (!s)
		return;
	free(s->devs);
	free(s->procs);
	free_probes(s->probes);
	free_edges(s->edges, s->nedges);
	free_contentions(s->contentions, s->ncontentions);
	free(s->holders);
	memset(s, 0, sizeof(*s));
}

const char *snapshot_edge_frame(const struct vt_lock_edge *e, const char *frame)
{
	const char *end;

	/* An edge whose stack was lost has no frames: NULL + 0 is undefined. */
	if (!e->frames || !e->nframes)
		return NULL;
	end = e->frames + e->frames_len;
	if (!frame)
		return e->frames;
	frame += strnlen(frame, (size_t)(end - frame)) + 1;
	return frame < end ? frame : NULL;
}

const char *snapshot_frame(const struct vt_frames *f, const char *frame)
{
	const char *end = f->names + f->len;

	if (!f->names || !f->n)
		return NULL;
	if (!frame)
		return f->names;
	frame += strnlen(frame, (size_t)(end - frame)) + 1;
	return frame < end ? frame : NULL;
}

const struct vt_dev_snapshot *snapshot_device_at_slot(const struct vt_snapshot *s, __u32 slot)
{
	for (size_t i = 0; slot != VT_NO_SLOT && i < s->ndevs; i++)
		if (s->devs[i].slot == slot)
			return &s->devs[i];
	return NULL;
}

const char *snapshot_lock_name(const struct vt_snapshot *s, int class)
{
	if (class >= VT_LC_MAX && (unsigned int)(class - VT_LC_MAX) < s->nuser_locks &&
	    class < VT_LC_ALL)
		return s->user_locks[class - VT_LC_MAX];
	return vt_lock_class_name(class);
}

__u64 snapshot_faults_by_result(const struct vt_device_stats *st,
				__u64 by_result[VT_FAULT_RESULT_MAX])
{
	__u64 total = 0;

	if (by_result)
		memset(by_result, 0, sizeof(__u64) * VT_FAULT_RESULT_MAX);
	for (int b = 0; b < VT_BAR_SLOTS; b++)
		for (int r = 0; r < VT_FAULT_RESULT_MAX; r++) {
			total += st->faults[b][r];
			if (by_result)
				by_result[r] += st->faults[b][r];
		}
	return total;
}

void snapshot_fault_latency(const struct vt_device_stats *st, struct vt_hist *all)
{
	memset(all, 0, sizeof(*all));
	for (int r = 0; r < VT_FAULT_RESULT_MAX; r++)
		hist_merge(all, &st->fault_ns[r]);
}
