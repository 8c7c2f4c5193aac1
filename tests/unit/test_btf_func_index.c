// SPDX-License-Identifier: GPL-2.0
/* The table of a BTF's functions by name: the same answers as libbpf's walk,
 * for every function, a repeated name, a name that is not a function, and a
 * module's split BTF, whose index holds its own functions only. */
#include <stdio.h>
#include <bpf/btf.h>
#include "tests.h"
#include "btf_func_index.h"

#define NFUNCS 3000

static int add_func(struct btf *btf, const char *name, int proto)
{
	int id = btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto);

	assert_true(id > 0);
	return id;
}

static void test_same_as_walk(void **state)
{
	struct btf *btf = btf__new_empty();
	struct vt_btf_func_index *ix;
	int proto, first_dup, id;
	char name[32];

	assert_non_null(btf);
	proto = btf__add_func_proto(btf, btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	first_dup = add_func(btf, "twice", proto);
	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "vfio_fn_%d", i);
		add_func(btf, name, proto);
	}
	add_func(btf, "twice", proto);
	assert_true(btf__add_struct(btf, "not_a_func", 4) > 0);

	assert_int_equal(vt_btf_func_index_build(&ix, btf, NULL), 0);
	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "vfio_fn_%d", i);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
		assert_true(id > 0);
		assert_int_equal(vt_btf_func_index_find(ix, name), id);
	}
	/* static functions of several files share a name: the first, as libbpf */
	assert_int_equal(vt_btf_func_index_find(ix, "twice"), first_dup);
	assert_int_equal(vt_btf_func_index_find(ix, "not_a_func"), 0);
	assert_int_equal(vt_btf_func_index_find(ix, "vfio_fn_"), 0);
	assert_int_equal(vt_btf_func_index_find(ix, "int"), 0);
	assert_int_equal(vt_btf_func_index_find(ix, ""), 0);
	assert_int_equal(vt_btf_func_index_find(NULL, "twice"), 0);
	vt_btf_func_index_free(ix);
	btf__free(btf);
}

static void test_split_own_only(void **state)
{
	struct btf *base = btf__new_empty(), *mod;
	struct vt_btf_func_index *ix;
	int proto, in_base, in_mod;

	assert_non_null(base);
	proto = btf__add_func_proto(base, btf__add_int(base, "int", 4, BTF_INT_SIGNED));
	in_base = add_func(base, "in_vmlinux", proto);
	mod = btf__new_empty_split(base);
	assert_non_null(mod);
	in_mod = add_func(mod, "in_module", proto);

	assert_int_equal(vt_btf_func_index_build(&ix, mod, base), 0);
	assert_int_equal(vt_btf_func_index_find(ix, "in_module"), in_mod);
	assert_int_equal(vt_btf_func_index_find(ix, "in_vmlinux"), 0);
	vt_btf_func_index_free(ix);
	assert_int_equal(vt_btf_func_index_build(&ix, base, NULL), 0);
	assert_int_equal(vt_btf_func_index_find(ix, "in_vmlinux"), in_base);
	assert_int_equal(vt_btf_func_index_find(ix, "in_module"), 0);
	vt_btf_func_index_free(ix);
	btf__free(mod);
	btf__free(base);
}

static void test_no_functions(void **state)
{
	struct btf *btf = btf__new_empty();
	struct vt_btf_func_index *ix;

	assert_non_null(btf);
	assert_int_equal(vt_btf_func_index_build(&ix, btf, NULL), 0);
	assert_int_equal(vt_btf_func_index_find(ix, "anything"), 0);
	vt_btf_func_index_free(ix);
	btf__free(btf);
}

int run_btf_func_index_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_walk),
		cmocka_unit_test(test_split_own_only),
		cmocka_unit_test(test_no_functions),
	};

	return cmocka_run_group_tests_name("btf_func_index", tests, NULL, NULL);
}
