/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text format's rules, written once for the summaries, the lock order
 * and the event lines: how a duration reads, and which bytes of a kernel
 * string reach the terminal. Inline, because the event lines call them at a
 * million events a second.
 */
#ifndef VT_RENDER_TEXT_FMT_H
#define VT_RENDER_TEXT_FMT_H

#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#include "numfmt.h"
#include "strscan.h"

/* Room for put_time()'s longest output ("5124095.6 h " for 2^64 - 1 ns)
 * and a NUL. */
#define VT_TIME_LEN 16

/* ns / tenth, rounded half up, as "%llu.%u <unit>". */
static inline char *put_tenths(char *p, __u64 ns, __u64 tenth, const char *unit)
{
	__u64 q = ns / tenth + (ns % tenth * 2 >= tenth);

	p = put_dec(p, q / 10);
	*p++ = '.';
	*p++ = (char)('0' + q % 10);
	*p++ = ' ';
	memcpy(p, unit, 2);
	return p + 2;
}

/*
 * klockstat's print_time() look: one decimal in the largest unit that fits,
 * "ns" as an integer. The one-letter units are padded ("s ", "m ", "h ") so
 * numbers line up in right-aligned columns. In integers only: exact, and
 * cheap enough for an event line.
 */
static inline char *put_time(char *p, __u64 ns)
{
	if (ns < 1000ULL) {
		p = put_dec(p, ns);
		memcpy(p, " ns", 3);
		return p + 3;
	}
	if (ns < 1000000ULL)
		return put_tenths(p, ns, 100ULL, "us");
	if (ns < 1000000000ULL)
		return put_tenths(p, ns, 100000ULL, "ms");
	if (ns < 60000000000ULL)
		return put_tenths(p, ns, 100000000ULL, "s ");
	if (ns < 3600000000000ULL)
		return put_tenths(p, ns, 6000000000ULL, "m ");
	return put_tenths(p, ns, 360000000000ULL, "h ");
}

/* put_time() as a C string in @buf. */
static inline const char *fmt_time(char buf[VT_TIME_LEN], __u64 ns)
{
	*put_time(buf, ns) = '\0';
	return buf;
}

/* The printable form of @src, up to its NUL or @n bytes, at @p; returns its
 * end (no NUL). It may read all @n bytes of @src, past a NUL too: for
 * fixed-size kernel buffers (comm, bdf), and C strings with their strlen(). comm and bdf come from the kernel: a terminal escape in a task
 * name must not reach the user's terminal, so every byte that is not
 * printable ASCII becomes '?'. */
static inline char *put_printable(char *p, const char *src, size_t n)
{
	bool at_nul;
	size_t i = strscan_copy(p, src, n, strscan_unprintable, &at_nul);

	if (at_nul)
		return p + i;
	for (; i < n && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		p[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	return p + i;
}

/* put_printable() as a C string in @dst, cut to fit. */
static inline const char *printable(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	*put_printable(dst, src, srclen < dstlen - 1 ? srclen : dstlen - 1) = '\0';
	return dst;
}

#endif
