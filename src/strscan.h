/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The word-at-a-time copy that the per-event renderers start each kernel
 * string with (comm, bdf). Such a string is most often plain text up to its
 * NUL, and testing eight bytes at once instead of one was a large part of
 * what the event lines gained (bench/render-cost). Each format says which
 * bytes it cannot copy as they are; the copy stops at the first word that
 * holds one, and the format's own byte loop goes on from there.
 */
#ifndef VT_STRSCAN_H
#define VT_STRSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#define STRSCAN_ONES 0x0101010101010101ULL
#define STRSCAN_HIGH 0x8080808080808080ULL

/* Bit 7 of each byte of x below 0x20 (NUL too) or from 0x7f up: the bytes
 * that are not printable ASCII. Bytes are masked to 7 bits first, so no sum
 * carries into the next byte. */
static inline __u64 strscan_unprintable(__u64 x)
{
	__u64 y = x & ~STRSCAN_HIGH;

	return (x | ~(y + 0x60 * STRSCAN_ONES) | (y + STRSCAN_ONES)) & STRSCAN_HIGH;
}

/* Bit 7 of each byte of x equal to c. It may also flag the byte above a
 * flagged one, never one below, so the lowest flag is always right. */
static inline __u64 strscan_equal(__u64 x, unsigned char c)
{
	__u64 d = x ^ (c * STRSCAN_ONES);

	return (d - STRSCAN_ONES) & ~d & STRSCAN_HIGH;
}

/*
 * Copies whole words of @src to @dst while @flagged() finds no byte in them,
 * up to @n bytes; @flagged must flag NUL. Returns how many bytes were copied
 * that need no more care: when *at_nul is set the string ended there, else
 * the caller's byte loop goes on from there. It copies up to a word past
 * that point, which the caller overwrites. Word loads are little-endian
 * here; elsewhere it copies nothing and the byte loop does it all.
 */
static inline size_t strscan_copy(char *dst, const char *src, size_t n, __u64 (*flagged)(__u64),
				  bool *at_nul)
{
	size_t i = 0;

	*at_nul = false;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= n; i += 8) {
		__u64 x, bad;

		memcpy(&x, src + i, 8);
		memcpy(dst + i, &x, 8);
		bad = flagged(x);
		if (bad) {
			size_t k = (size_t)__builtin_ctzll(bad) / 8;

			if (!src[i + k]) {
				*at_nul = true;
				return i + k;
			}
			break;
		}
	}
#endif
	return i;
}

#endif
