// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_diff() on two arbitrary snapshots, against an oracle written here:
 * every counter of the result is cur - prev when that does not wrap and 0
 * when prev is larger (a device instance went away), never a wrapped-around
 * 2^64 - x; devices and processes only in cur are kept as they are; nothing
 * only in prev appears; info, comm and instances come from cur. Unsorted or
 * duplicated input must be refused with -EINVAL, never misread.
 *
 * Input layout: a mode byte (bit0: sort cur's devices, bit1: sort prev's,
 * bit2: sort the processes; unsorted lists exercise the -EINVAL path), then
 * cur (globals, devices, processes), then prev; each device or process of
 * prev may reuse the key of one of cur, so that most of them match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_input.h"

#define MAX_DEVS 8
#define MAX_PROCS 8

#define FUZZ_NAME "fuzz_diff"
#include "fuzz_fail.h"

static __u64 expect(__u64 cur, __u64 prev)
{
	return cur >= prev ? cur - prev : 0;
}

static FUZZ_NO_COVERAGE void check_words(const char *what, const __u64 *out, const __u64 *cur,
					 const __u64 *prev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		__u64 want = prev ? expect(cur[i], prev[i]) : cur[i];

		if (out[i] != want)
			FAIL("%s word %zu: got %llu, want %llu (cur %llu, prev %llu)", what, i,
			     (unsigned long long)out[i], (unsigned long long)want,
			     (unsigned long long)cur[i], prev ? (unsigned long long)prev[i] : 0ULL);
		if (out[i] > cur[i])
			FAIL("%s word %zu: delta %llu above the counter %llu (wrapped)", what, i,
			     (unsigned long long)out[i], (unsigned long long)cur[i]);
	}
}

static FUZZ_NO_COVERAGE int strictly_sorted(const void *base, size_t n, size_t size,
					    int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		if (cmp((const char *)base + (i - 1) * size, (const char *)base + i * size) >= 0)
			return 0;
	return 1;
}

static FUZZ_NO_COVERAGE int valid(const struct vt_snapshot *s)
{
	return strictly_sorted(s->devs, s->ndevs, sizeof(*s->devs), fuzz_cmp_bdf) &&
	       strictly_sorted(s->procs, s->nprocs, sizeof(*s->procs), fuzz_cmp_proc);
}

/* Linear search: the oracle must not depend on bsearch or the sort order. */
static FUZZ_NO_COVERAGE const struct vt_dev_snapshot *find_dev(const struct vt_snapshot *s,
							       const struct vt_dev_snapshot *d)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (!fuzz_cmp_bdf(&s->devs[i], d))
			return &s->devs[i];
	return NULL;
}

static FUZZ_NO_COVERAGE const struct vt_proc_snapshot *find_proc(const struct vt_snapshot *s,
								 const struct vt_proc_snapshot *p)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (!fuzz_cmp_proc(&s->procs[i], p))
			return &s->procs[i];
	return NULL;
}

static void fin_snapshot(struct fin *in, struct vt_snapshot *s, struct vt_dev_snapshot *devs,
			 struct vt_proc_snapshot *procs, const struct vt_snapshot *other,
			 int sort_devs, int sort_procs)
{
	memset(s, 0, sizeof(*s));
	fin_snapshot_globals(in, s);
	s->ndevs = fin_u8(in) % (MAX_DEVS + 1);
	s->devs = s->ndevs ? devs : NULL;
	for (size_t i = 0; i < s->ndevs; i++) {
		uint8_t reuse = fin_u8(in);

		fin_device(in, &devs[i]);
		/* most of prev's devices are cur's, with other counters */
		if (other && other->ndevs && reuse < 0xc0)
			memcpy(devs[i].info.bdf, other->devs[reuse % other->ndevs].info.bdf,
			       VT_BDF_LEN);
	}
	s->nprocs = fin_u8(in) % (MAX_PROCS + 1);
	s->procs = s->nprocs ? procs : NULL;
	for (size_t i = 0; i < s->nprocs; i++) {
		uint8_t reuse = fin_u8(in);

		fin_proc(in, &procs[i]);
		if (other && other->nprocs && reuse < 0xc0)
			procs[i].key = other->procs[reuse % other->nprocs].key;
	}
	if (sort_devs)
		s->ndevs = fuzz_sort_unique(s->devs, s->ndevs, sizeof(*devs), fuzz_cmp_bdf);
	if (sort_procs)
		s->nprocs = fuzz_sort_unique(s->procs, s->nprocs, sizeof(*procs), fuzz_cmp_proc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vt_dev_snapshot cdevs[MAX_DEVS], pdevs[MAX_DEVS];
	static struct vt_proc_snapshot cprocs[MAX_PROCS], pprocs[MAX_PROCS];
	struct vt_snapshot cur, prev, out, copy;
	struct fin in = { data, size };
	uint8_t mode = fin_u8(&in);
	int ret;

	fin_snapshot(&in, &cur, cdevs, cprocs, NULL, mode & 1, mode & 4);
	fin_snapshot(&in, &prev, pdevs, pprocs, &cur, mode & 2, mode & 4);

	ret = snapshot_diff(&out, &cur, &prev);
	if (!valid(&cur) || !valid(&prev)) {
		if (ret != -EINVAL)
			FAIL("unsorted or duplicated input: got %d, want -EINVAL", ret);
		return 0;
	}
	if (ret)
		FAIL("snapshot_diff returned %d on valid input", ret);

	if (out.ndevs != cur.ndevs || out.nprocs != cur.nprocs)
		FAIL("result has %zu devices and %zu processes, cur %zu and %zu", out.ndevs,
		     out.nprocs, cur.ndevs, cur.nprocs);
	if (out.mono_ns != expect(cur.mono_ns, prev.mono_ns))
		FAIL("mono_ns %llu", (unsigned long long)out.mono_ns);
	if (out.wall_time != cur.wall_time)
		FAIL("wall_time not cur's");
	for (size_t i = 0; i < out.ndevs; i++) {
		const struct vt_dev_snapshot *d = &out.devs[i], *c = &cur.devs[i];
		const struct vt_dev_snapshot *p = find_dev(&prev, c);

		if (memcmp(&d->info, &c->info, sizeof(d->info)) || d->instances != c->instances)
			FAIL("device %zu: info or instances not cur's", i);
		check_words("device stats", (const __u64 *)&d->stats, (const __u64 *)&c->stats,
			    p ? (const __u64 *)&p->stats : NULL, FUZZ_STATS_WORDS);
	}
	for (int k = 0; k < VT_PIN_PATH_MAX; k++)
		check_words("pins", (const __u64 *)&out.pins[k], (const __u64 *)&cur.pins[k],
			    (const __u64 *)&prev.pins[k], sizeof(out.pins[k]) / sizeof(__u64));
	for (size_t i = 0; i < out.nprocs; i++) {
		const struct vt_proc_snapshot *o = &out.procs[i], *c = &cur.procs[i];
		const struct vt_proc_snapshot *p = find_proc(&prev, c);
		__u64 ow[4] = { o->val.calls, o->val.pages, o->val.errors, o->val.sum_ns };
		__u64 cw[4] = { c->val.calls, c->val.pages, c->val.errors, c->val.sum_ns };
		__u64 pw[4];

		if (memcmp(&o->key, &c->key, sizeof(o->key)) ||
		    memcmp(o->val.comm, c->val.comm, sizeof(o->val.comm)))
			FAIL("process %zu: key or comm not cur's", i);
		if (p) {
			pw[0] = p->val.calls;
			pw[1] = p->val.pages;
			pw[2] = p->val.errors;
			pw[3] = p->val.sum_ns;
		}
		check_words("process", ow, cw, p ? pw : NULL, 4);
	}
	check_words("lost", out.lost, cur.lost, prev.lost, VT_LOST_MAX);
	check_words("map_read_errors", &out.map_read_errors, &cur.map_read_errors,
		    &prev.map_read_errors, 1);

	/* The result is owned: a copy of it and both frees must be clean. */
	if (snapshot_copy(&copy, &out))
		FAIL("snapshot_copy failed");
	if (copy.ndevs != out.ndevs ||
	    (out.ndevs && memcmp(copy.devs, out.devs, out.ndevs * sizeof(*out.devs))))
		FAIL("snapshot_copy differs");
	snapshot_free(&copy);
	snapshot_free(&out);
	if (out.devs || out.ndevs)
		FAIL("snapshot_free left the snapshot set");
	return 0;
}
