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

/* Two digits per division: half the multiplications of one at a time. */
static const char numfmt_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of v (1 for 0). bits * 1233 / 4096 is log10(2^bits), off by
 * at most one, which the table settles; [0] is 0 so that 0 has one digit. */
static inline int numfmt_dec_len(__u64 v)
{
	static const __u64 pow10[20] = {
		0, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	int bits = 64 - __builtin_clzll(v | 1);
	int t = (bits * 1233) >> 12;

	return t + (v >= pow10[t]);
}

/* The low @n digits of v, zero-padded, ending at @end. Values that fit 32
 * bits go the cheaper 32-bit way: most are pids and small offsets. */
static inline void numfmt_dec_back(char *end, __u64 v, int n)
{
	unsigned w;

	for (; v > 0xffffffffULL; n -= 2) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		end -= 2;
		memcpy(end, &numfmt_pairs[2 * r], 2);
	}
	for (w = (unsigned)v; n >= 2; n -= 2) {
		unsigned r = w % 100;

		w /= 100;
		end -= 2;
		memcpy(end, &numfmt_pairs[2 * r], 2);
	}
	if (n)
		end[-1] = (char)('0' + w % 10);
}

/* "%llu" */
static inline char *put_dec(char *p, __u64 v)
{
	int n = numfmt_dec_len(v);

	numfmt_dec_back(p + n, v, n);
	return p + n;
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

/* Exactly @n digits, the low ones of v, zero-padded: "%0*llu" for a v
 * of at most n digits. */
static inline char *put_dec_n(char *p, __u64 v, int n)
{
	numfmt_dec_back(p + n, v, n);
	return p + n;
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
