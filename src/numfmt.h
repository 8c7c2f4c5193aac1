/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integers written into a caller's buffer, as printf's %llu and %llx would
 * write them. The per-event renderers build each line in a buffer and write
 * it with one fwrite: at a million events a second, vfprintf's parsing and
 * conversions were most of what an event cost, and a division by a variable
 * base was a real division per digit.
 *
 * Every put_*() writes at p, returns the end of what it wrote, and writes
 * nothing beyond it: the caller sizes p for 20 bytes.
 */
#ifndef VT_NUMFMT_H
#define VT_NUMFMT_H

#include <string.h>
#include <linux/types.h>

/* Two digits per step: half the steps of one at a time. */
static const char numfmt_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of v (1 for 0). bits * 1233 / 4096 is log10(2^bits), off by
 * at most one, which the table settles; [0] is 0 so that 0 has one digit. */
static inline int numfmt_dec_len(__u64 v)
{
	static const __u64 pow10[20] = {
		0,
		10ULL,
		100ULL,
		1000ULL,
		10000ULL,
		100000ULL,
		1000000ULL,
		10000000ULL,
		100000000ULL,
		1000000000ULL,
		10000000000ULL,
		100000000000ULL,
		1000000000000ULL,
		10000000000000ULL,
		100000000000000ULL,
		1000000000000000ULL,
		10000000000000000ULL,
		100000000000000000ULL,
		1000000000000000000ULL,
		10000000000000000000ULL,
	};
	int bits = 64 - __builtin_clzll(v | 1);
	int t = (bits * 1233) >> 12;

	return t + (v >= pow10[t]);
}

/*
 * x < 10^n, n from 1 to 8, in exactly n digits (zero-padded). With P pairs
 * of digits, x times ceil(2^47 / 100^(P-1)) is x / 100^(P-1) in 47-bit fixed
 * point: the leading pair above the point, the rest below, and each
 * multiplication of what is below by 100 brings up the next pair. It is a
 * hair over the true value, by less than 100^P / 2^47 of a unit, which the
 * P - 1 multiplications grow to less than 10^14 / 2^47 < 1 unit of the last
 * pair: it never carries into a digit. All of it is exact integer arithmetic,
 * one multiplication a pair instead of a division.
 */
static inline char *numfmt_put8(char *p, __u32 x, int n)
{
	static const __u64 scale[4] = {
		1ULL << 47,
		1407374883554ULL,
		14073748836ULL,
		140737489ULL,
	};
	const __u64 frac = (1ULL << 47) - 1;
	int pairs = (n + 1) / 2;
	__u64 y = (__u64)x * scale[pairs - 1];
	const char *d = &numfmt_pairs[2 * (y >> 47)];

	if (n & 1) {
		*p++ = d[1];
	} else {
		memcpy(p, d, 2);
		p += 2;
	}
	while (--pairs) {
		y = (y & frac) * 100;
		memcpy(p, &numfmt_pairs[2 * (y >> 47)], 2);
		p += 2;
	}
	return p;
}

/* "%llu" */
static inline char *put_dec(char *p, __u64 v)
{
	int n = numfmt_dec_len(v);

	if (n <= 8)
		return numfmt_put8(p, (__u32)v, n);
	if (n <= 16) {
		p = numfmt_put8(p, (__u32)(v / 100000000), n - 8);
	} else {
		p = numfmt_put8(p, (__u32)(v / 10000000000000000ULL), n - 16);
		p = numfmt_put8(p, (__u32)(v / 100000000 % 100000000), 8);
	}
	return numfmt_put8(p, (__u32)(v % 100000000), 8);
}

/* "%lld" */
static inline char *put_sdec(char *p, __s64 v)
{
	if (v < 0) {
		*p++ = '-';
		return put_dec(p, -(__u64)v);
	}
	return put_dec(p, (__u64)v);
}

/* "%0*llu" for v < 10^n, n up to 8 */
static inline char *put_dec_n(char *p, __u64 v, int n)
{
	return numfmt_put8(p, (__u32)v, n);
}

/* "%0*llx" with @width up to 16 */
static inline char *put_hex(char *p, __u64 v, int width)
{
	int n = (64 - __builtin_clzll(v | 1) + 3) / 4;
	char *q;

	if (n < width)
		n = width;
	for (q = p + n; q > p; v >>= 4)
		*--q = "0123456789abcdef"[v & 15];
	return p + n;
}

#endif
