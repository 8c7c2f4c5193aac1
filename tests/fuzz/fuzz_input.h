/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning fuzzer bytes into the structures the renderers and snapshot_diff()
 * take. Input is read front to back; past its end every read gives zeros, so
 * any input, even an empty one, makes a well-formed structure.
 *
 * Counters are set sparsely (a list of "field index, value" pairs over the
 * __u64 array that struct vt_device_stats is), so a short input can reach any
 * counter with any value, UINT64_MAX included, instead of needing ~6 KiB per
 * device. Strings from the kernel (bdf, comm) are raw bytes, any of 256, and
 * need not be NUL-terminated, as with bpf_probe_read_kernel_str() gone wrong.
 */
#ifndef VT_FUZZ_INPUT_H
#define VT_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snapshot.h"

/* For the harnesses' own checking code: coverage of the oracle is no
 * guide to new behaviour of the code under test, and costs speed. */
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

struct fin {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fin_u8(struct fin *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* k bytes, little-endian */
static inline uint64_t fin_le(struct fin *in, int k)
{
	uint64_t v = 0;

	for (int i = 0; i < k; i++)
		v |= (uint64_t)fin_u8(in) << (8 * i);
	return v;
}

/* len bytes as they are; zeros past the end of the input */
static inline void fin_raw(struct fin *in, void *dst, size_t len)
{
	size_t k = len < in->n ? len : in->n;

	memcpy(dst, in->p, k);
	memset((char *)dst + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

/* A counter: one tag byte picks the shape, so edge values are one byte away. */
static inline uint64_t fin_value(struct fin *in)
{
	uint8_t tag = fin_u8(in);

	switch (tag & 7) {
	case 0: return 0;
	case 1: return fin_u8(in);
	case 2: return fin_le(in, 2);
	case 3: return fin_le(in, 4);
	case 4: return fin_le(in, 8);
	case 5: return UINT64_MAX - fin_u8(in);
	case 6: return 1ULL << (fin_u8(in) & 63);
	default: return (1ULL << 63) + fin_u8(in) - 128;
	}
}

/*
 * A kernel string of len bytes. Mode 0: raw bytes, maybe without a NUL.
 * Mode 1: a well-formed PCI address. Mode 2: a NUL-terminated prefix of raw
 * bytes. Mode 3: printable text, as a real comm mostly is.
 */
static inline void fin_kstr(struct fin *in, char *dst, size_t len)
{
	uint8_t mode = fin_u8(in);
	size_t k;

	switch (mode & 3) {
	case 0: fin_raw(in, dst, len); break;
	case 1: {
		unsigned dom = (unsigned)fin_le(in, 2), bus = fin_u8(in);
		unsigned dev = fin_u8(in) & 0x1f, fn = fin_u8(in) & 7;

		snprintf(dst, len, "%04x:%02x:%02x.%u", dom, bus, dev, fn);
		break;
	}
	case 2:
		k = fin_u8(in) % len;
		memset(dst, 0, len);
		fin_raw(in, dst, k);
		break;
	default:
		k = fin_u8(in) % len;
		memset(dst, 0, len);
		for (size_t i = 0; i < k; i++)
			dst[i] = (char)(0x20 + fin_u8(in) % 0x5f);
		break;
	}
}

#define FUZZ_STATS_WORDS (sizeof(struct vt_device_stats) / sizeof(__u64))
_Static_assert(sizeof(struct vt_device_stats) % sizeof(__u64) == 0,
	       "vt_device_stats is not an array of __u64");

/* A count byte, then that many (index, value) pairs over the __u64 words. */
static inline void fin_sparse(struct fin *in, __u64 *words, size_t nwords)
{
	unsigned n = fin_u8(in);

	while (n-- && in->n) {
		size_t i = fin_le(in, 2) % nwords;

		words[i] = fin_value(in);
	}
}

static inline void fin_hist(struct fin *in, struct vt_hist *h)
{
	fin_sparse(in, (__u64 *)h, sizeof(*h) / sizeof(__u64));
}

static inline void fin_device(struct fin *in, struct vt_dev_snapshot *d)
{
	struct vt_disable_record *r = &d->info.last_disable;

	memset(d, 0, sizeof(*d));
	fin_kstr(in, d->info.bdf, sizeof(d->info.bdf));
	d->info.vendor = (__u32)fin_le(in, 4);
	d->info.device_id = (__u32)fin_le(in, 4);
	d->info.memory_lock = fin_value(in);
	d->info.first_seen_ns = fin_value(in);
	d->info.traced = fin_u8(in);
	d->instances = fin_u8(in) ? (unsigned)fin_le(in, 4) : 1;
	r->ts_ns = fin_value(in);
	r->pid = (__u32)fin_le(in, 4);
	r->tid = (__u32)fin_le(in, 4);
	fin_kstr(in, r->comm, sizeof(r->comm));
	fin_sparse(in, (__u64 *)&d->stats, FUZZ_STATS_WORDS);
}

static inline void fin_proc(struct fin *in, struct vt_proc_snapshot *p)
{
	memset(p, 0, sizeof(*p));
	p->key.tgid = (__u32)fin_le(in, 4);
	p->key.path = fin_u8(in) < 0xf0 ? fin_u8(in) % VT_PIN_PATH_MAX : (__u32)fin_le(in, 4);
	fin_kstr(in, p->val.comm, sizeof(p->val.comm));
	p->val.calls = fin_value(in);
	p->val.pages = fin_value(in);
	p->val.errors = fin_value(in);
	p->val.sum_ns = fin_value(in);
}

static inline int fuzz_cmp_bdf(const void *a, const void *b)
{
	return strncmp(((const struct vt_dev_snapshot *)a)->info.bdf,
		       ((const struct vt_dev_snapshot *)b)->info.bdf, VT_BDF_LEN);
}

static inline int fuzz_cmp_proc(const void *a, const void *b)
{
	const struct vt_pin_proc_key *x = &((const struct vt_proc_snapshot *)a)->key;
	const struct vt_pin_proc_key *y = &((const struct vt_proc_snapshot *)b)->key;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (x->path != y->path)
		return x->path < y->path ? -1 : 1;
	return 0;
}

/* Sorts and drops duplicates, as snapshot.c hands snapshots out. */
static inline size_t fuzz_sort_unique(void *base, size_t n, size_t size,
				      int (*cmp)(const void *, const void *))
{
	char *p = base;
	size_t out = 0;

	if (!n)
		return 0;
	qsort(base, n, size, cmp);
	for (size_t i = 1; i < n; i++)
		if (cmp(p + out * size, p + i * size) != 0)
			memmove(p + ++out * size, p + i * size, size);
	return out + 1;
}

/*
 * The snapshot-wide fields. wall_time comes from CLOCK_REALTIME, so it is a
 * plausible time (up to year ~2500), never NaN or 1e300: the renderers may
 * convert it to time_t.
 */
static inline void fin_snapshot_globals(struct fin *in, struct vt_snapshot *s)
{
	s->wall_time =
		(double)(fin_le(in, 5) & ((1ULL << 34) - 1)) + (double)fin_le(in, 3) / (1 << 24);
	s->mono_ns = fin_value(in);
	for (int p = 0; p < VT_PIN_PATH_MAX; p++)
		fin_sparse(in, (__u64 *)&s->pins[p], sizeof(s->pins[p]) / sizeof(__u64));
	fin_sparse(in, s->lost, VT_LOST_MAX);
	s->map_read_errors = fin_value(in);
}

#endif
