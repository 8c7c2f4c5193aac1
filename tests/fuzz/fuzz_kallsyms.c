// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/kallsyms parser on arbitrary bytes. Each input is parsed twice,
 * whole and with a wanted-names filter (the names probe selection asks for,
 * plus the input's first word), and the two must agree: every wanted name
 * the whole table has is in the filtered one, with the same module, and the
 * filtered table holds nothing else. Symbolization of a few addresses taken
 * from the input must give "0x..." or "name+0x...", terminated, in bounds.
 * Loaded for those addresses only (vt_kallsyms_load_addrs, --stacks), the
 * table must name each of them exactly as the whole one does. A wanted
 * function's size, where the one pass knows it, must reach no nearer than
 * the next address a second pass finds (the same in a real table, whose
 * blocks do not interleave).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallsyms.h"

#define FUZZ_NAME "fuzz_kallsyms"
#include "fuzz_fail.h"

static struct vt_kallsyms *load(const uint8_t *data, size_t size, const char *const *wanted)
{
	struct vt_kallsyms *ks;
	FILE *f;

	/* fmemopen refuses an empty buffer. */
	f = size ? fmemopen((void *)data, size, "r") : fmemopen("\n", 1, "r");
	if (!f)
		FAIL("fmemopen failed");
	if (vt_kallsyms_load(&ks, f, wanted))
		FAIL("load failed (out of memory?)");
	fclose(f);
	return ks;
}

static void check_symbolize(struct vt_kallsyms *ks, uint64_t addr)
{
	char buf[64];
	long long off;

	memset(buf, 'X', sizeof(buf));
	off = vt_kallsyms_symbolize(ks, addr, buf, sizeof(buf));
	if (!memchr(buf, '\0', sizeof(buf)))
		FAIL("symbolize: unterminated");
	if (off < -1)
		FAIL("symbolize: offset %lld", off);
	/* A long name may fill the buffer before "+0x"; a short one may not. */
	if (off == -1 ? strncmp(buf, "0x", 2) != 0
		      : strlen(buf) < sizeof(buf) - 1 && !strstr(buf, "+0x"))
		FAIL("symbolize: '%s' for offset %lld", buf, off);
}

/* The table loaded for @addrs names each as @all does. */
static void check_by_addrs(struct vt_kallsyms *all, const uint8_t *data, size_t size,
			   const __u64 *addrs, size_t n)
{
	struct vt_kallsyms *ks;
	char want[128], got[128];
	FILE *f = size ? fmemopen((void *)data, size, "r") : fmemopen("\n", 1, "r");

	if (!f)
		FAIL("fmemopen failed");
	if (vt_kallsyms_load_addrs(&ks, f, addrs, n))
		FAIL("load by addresses failed (out of memory?)");
	fclose(f);
	if (vt_kallsyms_count(ks) > n)
		FAIL("%zu symbols kept for %zu addresses", vt_kallsyms_count(ks), n);
	for (size_t i = 0; i < n; i++) {
		long long w = vt_kallsyms_symbolize(all, addrs[i], want, sizeof(want));
		long long g = vt_kallsyms_symbolize(ks, addrs[i], got, sizeof(got));

		if (w != g || strcmp(want, got))
			FAIL("0x%llx: '%s' (%lld) from the whole table, '%s' (%lld) by address",
			     (unsigned long long)addrs[i], want, w, got, g);
	}
	vt_kallsyms_free(ks);
}

/* Where a function ends: a symbol above @addr, with nothing between. */
static void check_next_address(const uint8_t *data, size_t size, __u64 addr)
{
	FILE *f = size ? fmemopen((void *)data, size, "r") : fmemopen("\n", 1, "r");
	__u64 next;
	int err;

	if (!f)
		FAIL("fmemopen failed");
	err = vt_kallsyms_next_address(f, addr, &next);
	fclose(f);
	if (err && err != -ENOENT && err != -EACCES)
		FAIL("next address: unexpected error %d", err);
	if (!err && next <= addr)
		FAIL("next address %llx not above %llx", (unsigned long long)next,
		     (unsigned long long)addr);
}

/* A size from the filtered load against the next address of the stream. */
static void check_size(struct vt_kallsyms *some, const uint8_t *data, size_t size, const char *name)
{
	FILE *f;
	__u64 addr, len, next;
	int err = vt_kallsyms_size(some, name, &len);

	if (err == -ENOENT || err == -ENOTUNIQ || err == -EACCES || err == -ENODATA)
		return;
	if (err)
		FAIL("size of '%s': unexpected error %d", name, err);
	if (!len || vt_kallsyms_address(some, name, &addr))
		FAIL("size of '%s': %llu, or no address", name, (unsigned long long)len);
	f = size ? fmemopen((void *)data, size, "r") : fmemopen("\n", 1, "r");
	if (!f)
		FAIL("fmemopen failed");
	err = vt_kallsyms_next_address(f, addr, &next);
	fclose(f);
	if (err || next > addr + len)
		FAIL("size of '%s': ends at %llx, the next address is %llx (%d)", name,
		     (unsigned long long)(addr + len), (unsigned long long)next, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *wanted[] = {
		"vfio_pci_mmap_fault", "vfio_pci_bar_rw", "unmap_mapping_range", "a", NULL, NULL
	};
	char first[64] = "";
	struct vt_kallsyms *all, *some;
	size_t i, n, matched = 0, naddrs = 0;
	__u64 addrs[16];

	/* The input's first word (after the address and type) as a wanted name,
	 * so that the filter sees names that are really there. */
	if (size) {
		char line[256];
		size_t len = size < sizeof(line) - 1 ? size : sizeof(line) - 1;

		memcpy(line, data, len);
		line[len] = '\0';
		if (sscanf(line, "%*s %*s %63s", first) == 1)
			wanted[4] = first;
	}
	all = load(data, size, NULL);
	some = load(data, size, wanted);

	for (i = 0; wanted[i]; i++) {
		const char *m1 = vt_kallsyms_module(all, wanted[i]);
		const char *m2 = vt_kallsyms_module(some, wanted[i]);

		if (!m1 != !m2)
			FAIL("'%s' is %s the whole table but %s the filtered one", wanted[i],
			     m1 ? "in" : "not in", m2 ? "in" : "not in");
		/* Duplicated names may resolve to different entries; the module
		 * of each must still be a real string. */
		if (m1 && strlen(m1) + strlen(m2) > 2 * size)
			FAIL("module name longer than the input");
		matched += m2 != NULL;
		check_size(some, data, size, wanted[i]);
	}
	n = vt_kallsyms_count(some);
	if (n > vt_kallsyms_count(all))
		FAIL("the filtered table is larger than the whole one");
	if (!matched && n)
		FAIL("the filtered table holds %zu unwanted symbols", n);

	check_symbolize(all, 0);
	check_symbolize(all, UINT64_MAX);
	for (i = 0; i + 8 <= size && i < 64; i += 8) {
		uint64_t a;

		memcpy(&a, data + i, 8);
		addrs[naddrs++] = a;
		check_symbolize(all, a);
		check_symbolize(some, a);
	}
	/* Addresses near the input's own symbols too, where names are. */
	for (i = 0; i < vt_kallsyms_count(all) && naddrs < sizeof(addrs) / sizeof(addrs[0]); i++) {
		__u64 a;

		if (!vt_kallsyms_address(all, wanted[i % 4], &a))
			addrs[naddrs++] = a + i;
	}
	check_by_addrs(all, data, size, addrs, naddrs);
	for (i = 0; i < naddrs && i < 4; i++)
		check_next_address(data, size, addrs[i]);
	vt_kallsyms_free(all);
	vt_kallsyms_free(some);
	return 0;
}
