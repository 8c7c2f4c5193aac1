// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "btf_func_index.h"

/* Open addressing, linear probing: a slot holds a type id, 0 when empty. */
struct vt_btf_func_index {
	const struct btf *btf;
	__u32 *slots;
	__u32 mask;
};

/* FNV-1a: the names are short, and this is one multiply a byte. */
static __u32 name_hash(const char *s)
{
	__u32 h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const char *func_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return t ? btf__name_by_offset(btf, t->name_off) : NULL;
}

static bool is_named_func(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *s;

	if (!t || btf_kind(t) != BTF_KIND_FUNC)
		return false;
	s = btf__name_by_offset(btf, t->name_off);
	return s && *s;
}

/* The slot that holds @name, or the empty slot where it would go. */
static __u32 *slot_of(const struct vt_btf_func_index *ix, const char *name)
{
	for (__u32 i = name_hash(name) & ix->mask;; i = (i + 1) & ix->mask) {
		const char *s;

		if (!ix->slots[i])
			return &ix->slots[i];
		s = func_name(ix->btf, ix->slots[i]);
		if (s && !strcmp(s, name))
			return &ix->slots[i];
	}
}

int vt_btf_func_index_build(struct vt_btf_func_index **out, const struct btf *btf,
			    const struct btf *base)
{
	__u32 first = base ? btf__type_cnt(base) : 1, end = btf__type_cnt(btf), nfuncs = 0, size;
	struct vt_btf_func_index *ix;

	*out = NULL;
	for (__u32 id = first; id < end; id++)
		nfuncs += is_named_func(btf, id);
	/* at most half full, so that probes stay short; a power of two */
	for (size = 16; size < 2 * nfuncs; size *= 2)
		;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	ix->slots = calloc(size, sizeof(*ix->slots));
	if (!ix->slots) {
		free(ix);
		return -ENOMEM;
	}
	ix->btf = btf;
	ix->mask = size - 1;
	/* In id order, and only where the name has no slot yet: the lowest id
	 * of a name is the one kept. */
	for (__u32 id = first; id < end; id++) {
		__u32 *slot;

		if (!is_named_func(btf, id))
			continue;
		slot = slot_of(ix, func_name(btf, id));
		if (!*slot)
			*slot = id;
	}
	*out = ix;
	return 0;
}

int vt_btf_func_index_find(const struct vt_btf_func_index *ix, const char *name)
{
	return ix && name && *name ? (int)*slot_of(ix, name) : 0;
}

void vt_btf_func_index_free(struct vt_btf_func_index *ix)
{
	if (!ix)
		return;
	free(ix->slots);
	free(ix);
}
