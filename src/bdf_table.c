// SPDX-License-Identifier: GPL-2.0
/* Records per PCI address, found by a hash of it: bdf_table.h says why. */
#include <stdlib.h>
#include <string.h>
#include "bdf_table.h"

void vt_bdf_table_init(struct vt_bdf_table *t, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
}

void vt_bdf_table_release(struct vt_bdf_table *t)
{
	free(t->rec);
	free(t->index);
	vt_bdf_table_init(t, t->size);
}

/* FNV-1a over the address up to its NUL. */
static __u32 bdf_hash(const char *bdf)
{
	__u32 h = 2166136261u;

	for (size_t i = 0; i < VT_BDF_LEN && bdf[i]; i++)
		h = (h ^ (unsigned char)bdf[i]) * 16777619u;
	return h;
}

static const char *rec_bdf(const struct vt_bdf_table *t, __u32 i)
{
	return (const char *)vt_bdf_table_at(t, i);
}

/* The index slot of @bdf: the one that holds it, or the free one where it
 * would go. The index always has free slots (at most half full). */
static size_t slot_of(const struct vt_bdf_table *t, const char *bdf)
{
	size_t mask = t->nindex - 1, s = bdf_hash(bdf) & mask;

	while (t->index[s] && strncmp(rec_bdf(t, t->index[s] - 1), bdf, VT_BDF_LEN))
		s = (s + 1) & mask;
	return s;
}

/* Room for one more record: the records doubled and the index rebuilt. */
static int grow(struct vt_bdf_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 16, nindex = 2 * cap;
	unsigned char *rec = realloc(t->rec, cap * t->size);
	__u32 *index;

	if (!rec)
		return -1;
	t->rec = rec;
	index = calloc(nindex, sizeof(*index));
	if (!index)
		return -1;
	free(t->index);
	t->index = index;
	t->nindex = nindex;
	t->cap = cap;
	for (size_t i = 0; i < t->n; i++)
		t->index[slot_of(t, rec_bdf(t, (__u32)i))] = (__u32)i + 1;
	return 0;
}

void *vt_bdf_table_get(struct vt_bdf_table *t, const char *bdf)
{
	char key[VT_BDF_LEN] = { 0 };
	unsigned char *r;
	size_t s;

	/* The address as stored: at most VT_BDF_LEN - 1 bytes and a NUL. */
	memcpy(key, bdf, strnlen(bdf, VT_BDF_LEN - 1));
	if (t->nindex) {
		s = slot_of(t, key);
		if (t->index[s])
			return vt_bdf_table_at(t, t->index[s] - 1);
	}
	if (t->n == t->cap && grow(t))
		return NULL;
	r = vt_bdf_table_at(t, t->n);
	memset(r, 0, t->size);
	memcpy(r, key, VT_BDF_LEN);
	t->index[slot_of(t, key)] = (__u32)++t->n;
	return r;
}
