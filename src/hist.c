// SPDX-License-Identifier: GPL-2.0
/*
 * log2 histogram helpers: slot arithmetic, Prometheus bucket bounds and the
 * bcc-style terminal histogram.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "hist.h"
#include "numfmt.h"

#define LAST_SLOT (VT_HIST_SLOTS - 1)
#define NSEC_PER_SEC 1000000000ULL

/* bcc draws 40 stars, 20 when the rows need the wide format. */
#define STARS_MAX 40

static int slot_valid(int s)
{
	return s >= 0 && s < VT_HIST_SLOTS;
}

int hist_slot_of_ns(__u64 ns)
{
	int s = 0;

	/* floor(log2(ns)), with 0 and 1 both in slot 0, as the BPF side does */
	while (ns > 1 && s < LAST_SLOT) {
		ns >>= 1;
		s++;
	}
	return s;
}

void hist_record(struct vt_hist *h, __u64 ns)
{
	h->slots[hist_slot_of_ns(ns)]++;
	h->count++;
	h->sum_ns += ns;
}

void hist_merge(struct vt_hist *dst, const struct vt_hist *src)
{
	for (int s = 0; s < VT_HIST_SLOTS; s++)
		dst->slots[s] += src->slots[s];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
}

__u64 hist_total(const struct vt_hist *h)
{
	__u64 total = 0;

	for (int s = 0; s < VT_HIST_SLOTS; s++)
		total += h->slots[s];
	return total;
}

int hist_last_slot(const struct vt_hist *h)
{
	for (int s = LAST_SLOT; s >= 0; s--)
		if (h->slots[s])
			return s;
	return -1;
}

int hist_slot_bounds(int s, __u64 *lo, __u64 *hi)
{
	if (!slot_valid(s))
		return -EINVAL;
	*lo = s == 0 ? 0 : 1ULL << s;
	*hi = s == LAST_SLOT ? UINT64_MAX : (1ULL << (s + 1)) - 1;
	return 0;
}

int hist_le_ns(int s, __u64 *le_ns)
{
	if (!slot_valid(s))
		return -EINVAL;
	/* Values above the last slot's nominal range are clamped into it, so
	 * any finite bound would be a lie: it only gets +Inf. */
	if (s == LAST_SLOT)
		return -ERANGE;
	/* The slot's largest integer value is 2^(s+1) - 1; 2^(s+1) is the
	 * nearest round bound that still covers it. */
	*le_ns = 1ULL << (s + 1);
	return 0;
}

__u64 hist_quantile_ns(const struct vt_hist *h, double q)
{
	__u64 total = hist_total(h), rank, cum = 0, lo, hi;

	if (!total)
		return 0;
	/* The rank of the value wanted, 1-based: ceil(q * total). */
	rank = (__u64)(q * (double)total);
	if ((double)rank < q * (double)total)
		rank++;
	if (rank < 1)
		rank = 1;
	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		cum += h->slots[s];
		if (cum < rank)
			continue;
		if (!hist_le_ns(s, &hi))
			return hi;
		hist_slot_bounds(s, &lo, &hi);
		return lo;
	}
	return 0;
}

int format_ns_as_seconds(char *buf, size_t len, __u64 ns)
{
	/* Integer arithmetic keeps the decimal exact: a double rounded to
	 * fewer digits could print a bound below values the bucket holds.
	 * Digits by hand, not snprintf(): the textfile has one per histogram,
	 * thousands with many devices. */
	char tmp[32], *p = put_dec(tmp, ns / NSEC_PER_SEC);
	__u32 frac = (__u32)(ns % NSEC_PER_SEC);
	size_t n;

	if (frac) {
		char digits[9];
		int last = 9;

		for (int i = 8; i >= 0; i--, frac /= 10)
			digits[i] = (char)('0' + frac % 10);
		while (digits[last - 1] == '0')
			last--;
		*p++ = '.';
		memcpy(p, digits, (size_t)last);
		p += last;
	}
	n = (size_t)(p - tmp);
	if (n >= len)
		return -ENOSPC;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return 0;
}

int hist_le_seconds(int s, char *buf, size_t len)
{
	__u64 le;
	int err = hist_le_ns(s, &le);

	if (err)
		return err;
	return format_ns_as_seconds(buf, len, le);
}

void hist_cumulative(const struct vt_hist *h, __u64 cum[VT_HIST_SLOTS])
{
	__u64 run = 0;

	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		run += h->slots[s];
		cum[s] = run;
	}
}

/*
 * Why the unit slots are whole ns slots: bcc takes log2 of the value already
 * divided into the unit, but we only have ns slots, and a decimal unit cuts
 * through them. Splitting a slot's count would invent data, so each ns slot
 * goes whole into one unit slot, shifting by ceil(log2(divisor)): a usec is
 * read as 1024 ns, a msec as 2^20 ns. The unit slot [2^u, 2^(u+1)) then holds
 * ns in [1.024 * 2^u, 1.024 * 2^(u+1)) us (1.049 for msecs): the labels are at
 * most 2.4% (4.9%) low, and everything under 1024 ns shows as "0 -> 1" usecs,
 * as bcc shows everything under 2000 ns.
 */
static unsigned unit_shift(unsigned divisor)
{
	unsigned k = 0;

	while (k < 63 && (1ULL << k) < divisor)
		k++;
	return k;
}

static int fold_slots(const struct vt_hist *h, unsigned divisor, __u64 out[VT_HIST_SLOTS])
{
	unsigned k = unit_shift(divisor);
	int last = -1;

	memset(out, 0, sizeof(__u64) * VT_HIST_SLOTS);
	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		int u = s > (int)k ? s - (int)k : 0;

		out[u] += h->slots[s];
		if (out[u])
			last = u > last ? u : last;
	}
	return last;
}

static void print_stars(FILE *f, __u64 val, __u64 max, unsigned width)
{
	unsigned stars, i;

	/* Scale both down until val * width cannot overflow: 64-bit counts
	 * are the one change from bcc's 32-bit ones. */
	while (max > UINT64_MAX / width) {
		max >>= 1;
		val >>= 1;
	}
	stars = max ? (unsigned)(val * width / max) : 0;
	for (i = 0; i < width; i++)
		fputc(i < stars ? '*' : ' ', f);
}

int print_log2_hist(FILE *f, const struct vt_hist *h, const char *unit_name, unsigned divisor)
{
	__u64 vals[VT_HIST_SLOTS], max = 0;
	int idx_max, wide, width;
	unsigned stars;

	if (!f || !h || !unit_name || !divisor)
		return -EINVAL;

	idx_max = fold_slots(h, divisor, vals);
	if (idx_max < 0)
		return 0;
	for (int u = 0; u <= idx_max; u++)
		max = vals[u] > max ? vals[u] : max;

	/* bcc widens the columns once slot 32 is in use, so the numbers fit */
	wide = idx_max > 32;
	width = wide ? 20 : 10;
	stars = wide ? STARS_MAX / 2 : STARS_MAX;
	fprintf(f, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19,
		unit_name);

	for (int u = 0; u <= idx_max; u++) {
		unsigned long long low = u ? 1ULL << u : 0;
		unsigned long long high = (1ULL << (u + 1)) - 1;

		fprintf(f, "%*llu -> %-*llu : %-8llu |", width, low, width, high,
			(unsigned long long)vals[u]);
		print_stars(f, vals[u], max, stars);
		fputs("|\n", f);
	}
	return ferror(f) ? -EIO : 0;
}
