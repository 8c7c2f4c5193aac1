/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records kept per PCI address from one snapshot to the next: the attribution
 * step's caches (device_owners.h, reset_methods.h). Each record is a fixed
 * size and begins with its address (char bdf[VT_BDF_LEN]). A lookup hashes
 * the address, so a snapshot of n devices costs O(n), not O(n^2) as a list
 * searched from the start would at 256 devices; the records stay in the order
 * they were first asked for, for the callers that walk them all.
 */
#ifndef VT_BDF_TABLE_H
#define VT_BDF_TABLE_H

#include <stddef.h>
#include <linux/types.h>
#include "vfio_trace.h"

struct vt_bdf_table {
	unsigned char *rec; /* n records of size bytes */
	size_t size, n, cap;
	__u32 *index;  /* open addressing: 1 + a record's number, 0 free */
	size_t nindex; /* a power of two, at least twice cap */
};

/* An empty table of @size-byte records (@size >= VT_BDF_LEN). */
void vt_bdf_table_init(struct vt_bdf_table *t, size_t size);
void vt_bdf_table_release(struct vt_bdf_table *t);
/* The record of @bdf (VT_BDF_LEN bytes at most are read), added zeroed but
 * for its address when new; NULL when out of memory. A pointer stays good
 * until the next call that adds a record. */
void *vt_bdf_table_get(struct vt_bdf_table *t, const char *bdf);

static inline size_t vt_bdf_table_len(const struct vt_bdf_table *t)
{
	return t->n;
}

/* Record @i, in the order first asked for. */
static inline void *vt_bdf_table_at(const struct vt_bdf_table *t, size_t i)
{
	return t->rec + i * t->size;
}

#endif
