/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lookup table of a BTF's functions by name. vmlinux has over 100,000
 * types, and libbpf finds a type by name by walking them all; probe selection
 * looks up every candidate of every operation, a few dozen functions, most
 * of them absent from any one kernel, and each absence walks to the end. One
 * walk builds this table instead.
 */
#ifndef VT_BTF_FUNC_INDEX_H
#define VT_BTF_FUNC_INDEX_H

struct btf;
struct vt_btf_func_index;

/* Indexes the FUNC types of @btf that are its own (after @base's, for a
 * module's split BTF; @base NULL for vmlinux). @btf must outlive the index.
 * 0 or -ENOMEM. */
int vt_btf_func_index_build(struct vt_btf_func_index **out, const struct btf *btf,
			    const struct btf *base);
/* The id of the FUNC named @name, the lowest when several have it (as
 * btf__find_by_name_kind() answers), or 0. */
int vt_btf_func_index_find(const struct vt_btf_func_index *ix, const char *name);
void vt_btf_func_index_free(struct vt_btf_func_index *ix);

#endif
