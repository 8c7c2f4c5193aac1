// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "kallsyms.h"

struct vt_ksym {
	char *name;
	char *module; /* "" for vmlinux */
	__u64 addr;   /* 0 where kptr_restrict hides addresses */
	bool text;    /* a function: only these name stack frames */
	__u64 end;    /* the next address above it in its block, 0 unknown */
};

struct vt_kallsyms {
	struct vt_ksym *syms; /* sorted by name */
	size_t n;
	struct vt_ksym **by_addr; /* text symbols sorted by address, built on demand */
	size_t nby_addr;
};

static int ksym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vt_ksym *)a)->name, ((const struct vt_ksym *)b)->name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int add_sym(struct vt_kallsyms *ks, size_t *cap, const char *name, const char *module,
		   __u64 addr, bool text)
{
	struct vt_ksym *s;

	if (ks->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct vt_ksym *grown = realloc(ks->syms, ncap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		ks->syms = grown;
		*cap = ncap;
	}
	s = &ks->syms[ks->n];
	s->name = strdup(name);
	s->module = strdup(module);
	s->addr = addr;
	s->text = text;
	s->end = 0;
	if (!s->name || !s->module) {
		free(s->name);
		free(s->module);
		return -ENOMEM;
	}
	ks->n++;
	return 0;
}

static int parse(struct vt_kallsyms *ks, FILE *f, const char **wanted, size_t nwanted);

int vt_kallsyms_load(struct vt_kallsyms **out, FILE *f, const char *const *wanted)
{
	struct vt_kallsyms *ks = calloc(1, sizeof(*ks));
	const char **sorted = NULL;
	size_t nwanted = 0;
	int err = -ENOMEM;

	*out = NULL;
	if (!ks)
		return -ENOMEM;
	if (wanted) {
		while (wanted[nwanted])
			nwanted++;
		sorted = malloc((nwanted + 1) * sizeof(*sorted));
		if (!sorted)
			goto fail;
		memcpy(sorted, wanted, nwanted * sizeof(*sorted));
		if (nwanted)
			qsort(sorted, nwanted, sizeof(*sorted), name_cmp);
	}
	err = parse(ks, f, sorted, nwanted);
	free(sorted);
	if (err)
		goto fail;
	*out = ks;
	return 0;
fail:
	vt_kallsyms_free(ks);
	return err;
}

/* Of two names at one address (aliases), the one that sorts last by name,
 * then module, names it: the same whichever way the table was loaded. */
static int alias_cmp(const struct vt_ksym *x, const struct vt_ksym *y)
{
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->module, y->module);
}

static int u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* One parsed line of the stream: address, whether a function, name, module. */
static bool parse_line(char *line, __u64 *addr, bool *text, char **name, char **module)
{
	char *save = NULL, *a, *type;

	a = strtok_r(line, " \t\n", &save);
	type = strtok_r(NULL, " \t\n", &save);
	*name = type ? strtok_r(NULL, " \t\n", &save) : NULL;
	if (!*name)
		return false;
	*module = strtok_r(NULL, " \t\n", &save);
	if (*module && (*module)[0] == '[') {
		(*module)++;
		(*module)[strcspn(*module, "]")] = '\0';
	} else {
		*module = "";
	}
	*addr = strtoull(a, NULL, 16);
	*text = type[0] == 't' || type[0] == 'T';
	return true;
}

/*
 * The addresses of the block of lines being read (vmlinux's, or one
 * module's), so that where a wanted function ends (the lowest address above
 * it, of any type) is known from the one pass that finds it: vmlinux's lines
 * are sorted by address, a module's are not, and no other block's symbol lies
 * inside a module's text. A function last in its block stays unknown (0).
 */
struct block {
	char module[64];
	size_t first; /* the first of its symbols kept in the table */
	__u64 *addrs; /* a module's every address so far; vmlinux's are sorted */
	size_t n, cap;
};

static int block_line(struct block *b, struct vt_kallsyms *ks, __u64 addr, const char *module)
{
	size_t i;

	if (strncmp(b->module, module, sizeof(b->module))) {
		snprintf(b->module, sizeof(b->module), "%s", module);
		b->first = ks->n;
		b->n = 0;
	}
	for (i = b->first; i < ks->n; i++)
		if (addr > ks->syms[i].addr && (!ks->syms[i].end || addr < ks->syms[i].end))
			ks->syms[i].end = addr;
	if (!module[0])
		return 0;
	if (b->n == b->cap) {
		size_t ncap = b->cap ? 2 * b->cap : 1024;
		__u64 *grown = realloc(b->addrs, ncap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		b->addrs = grown;
		b->cap = ncap;
	}
	b->addrs[b->n++] = addr;
	return 0;
}

/* A symbol just kept: its end among the block's addresses read before it. */
static void block_kept(const struct block *b, struct vt_ksym *s)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->addrs[i] > s->addr && (!s->end || b->addrs[i] < s->end))
			s->end = b->addrs[i];
}

/* The whole table is about 150,000 symbols, most of the process's peak
 * memory when kept; probe selection needs a few dozen of them, and their
 * ends (a wrapper's size). */
static int parse(struct vt_kallsyms *ks, FILE *f, const char **wanted, size_t nwanted)
{
	struct block b = { .module = "\001" };
	size_t cap = 0;
	char line[512];
	int err = 0;

	while (!err && fgets(line, sizeof(line), f)) {
		char *name, *module;
		__u64 addr;
		bool text;

		if (!parse_line(line, &addr, &text, &name, &module))
			continue;
		/* Ends only for a chosen few: for every symbol this would be
		 * quadratic in a module's size. */
		if (wanted && block_line(&b, ks, addr, module)) {
			err = -ENOMEM;
			break;
		}
		if (wanted &&
		    (!nwanted || !bsearch(&name, wanted, nwanted, sizeof(*wanted), name_cmp)))
			continue;
		if (add_sym(ks, &cap, name, module, addr, text))
			err = -ENOMEM;
		else if (wanted)
			block_kept(&b, &ks->syms[ks->n - 1]);
	}
	free(b.addrs);
	if (!err && ks->n) /* qsort and bsearch take no NULL array, even empty */
		qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return err;
}

/*
 * One pass over the stream. The file is not sorted by address as a whole
 * (modules follow vmlinux), so each function is offered to the first wanted
 * address at or above it (best[j]: the highest such function); a wanted
 * address with none between it and the one before has the same function as
 * that one, carried forward at the end.
 */
static int parse_addrs(struct vt_kallsyms *ks, FILE *f, const __u64 *want, size_t n)
{
	struct vt_ksym *best = calloc(n, sizeof(*best));
	size_t cap = 0, j;
	char line[512];
	int err = 0;

	if (!best)
		return -ENOMEM;
	while (!err && fgets(line, sizeof(line), f)) {
		char *name, *module;
		size_t lo = 0, hi = n;
		__u64 addr;
		bool text;

		if (!parse_line(line, &addr, &text, &name, &module) || !text || !addr)
			continue;
		while (lo < hi) { /* the first wanted address >= addr */
			size_t mid = lo + (hi - lo) / 2;

			if (want[mid] < addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || (best[lo].name && best[lo].addr > addr))
			continue;
		if (best[lo].name && best[lo].addr == addr &&
		    alias_cmp(&(struct vt_ksym){ .name = name, .module = module }, &best[lo]) <= 0)
			continue;
		free(best[lo].name);
		free(best[lo].module);
		best[lo].name = strdup(name);
		best[lo].module = strdup(module);
		best[lo].addr = addr;
		if (!best[lo].name || !best[lo].module)
			err = -ENOMEM;
	}
	for (j = 0; !err && j < n; j++) {
		if (!best[j].name && j && best[j - 1].name)
			best[j] = (struct vt_ksym){ strdup(best[j - 1].name),
						    strdup(best[j - 1].module), best[j - 1].addr,
						    true };
		if (best[j].name && (!j || best[j].addr != best[j - 1].addr))
			err = add_sym(ks, &cap, best[j].name, best[j].module, best[j].addr, true);
	}
	for (j = 0; j < n; j++) {
		free(best[j].name);
		free(best[j].module);
	}
	free(best);
	if (!err && ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return err;
}

int vt_kallsyms_load_addrs(struct vt_kallsyms **out, FILE *f, const __u64 *addrs, size_t n)
{
	struct vt_kallsyms *ks = calloc(1, sizeof(*ks));
	__u64 *want = NULL;
	size_t i, m = 0;
	int err = -ENOMEM;

	*out = NULL;
	if (!ks)
		return -ENOMEM;
	if (n) {
		want = malloc(n * sizeof(*want));
		if (!want)
			goto fail;
		memcpy(want, addrs, n * sizeof(*want));
		qsort(want, n, sizeof(*want), u64_cmp);
		for (i = 0; i < n; i++) /* without repeats */
			if (!m || want[i] != want[m - 1])
				want[m++] = want[i];
	}
	err = m ? parse_addrs(ks, f, want, m) : 0;
	free(want);
	if (err)
		goto fail;
	*out = ks;
	return 0;
fail:
	vt_kallsyms_free(ks);
	return err;
}

int vt_kallsyms_next_address(FILE *f, __u64 addr, __u64 *next)
{
	bool any = false;
	char line[512];

	*next = 0;
	while (fgets(line, sizeof(line), f)) {
		char *name, *module;
		bool text;
		__u64 a;

		if (!parse_line(line, &a, &text, &name, &module))
			continue;
		any |= a != 0;
		if (a > addr && (!*next || a < *next))
			*next = a;
	}
	if (!any || !addr)
		return -EACCES;
	return *next ? 0 : -ENOENT;
}

/*
 * procfs reports 1 KiB blocks, so stdio's default buffer reads kallsyms'
 * several MB a KiB at a time: 7,000 read() calls on 6.18. With a larger
 * buffer seq_file fills more of each, and it takes fewer than half as many.
 * (glibc ignores setvbuf's size without a buffer of the caller's.)
 */
#define PROC_READ_BUFFER (256 * 1024)

struct proc_load {
	enum {
		LOAD_NAMES,
		LOAD_ADDRS,
		NEXT_ADDRESS
	} what;
	const char *const *wanted; /* LOAD_NAMES */
	const __u64 *addrs;	   /* LOAD_ADDRS: n of them; NEXT_ADDRESS: one */
	size_t n;
	__u64 *next; /* NEXT_ADDRESS */
};

static int load_proc(struct vt_kallsyms **out, const struct proc_load *what)
{
	char *buf = malloc(PROC_READ_BUFFER);
	FILE *f;
	int err;

	if (!buf)
		return -ENOMEM;
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		err = -errno;
		free(buf);
		return err;
	}
	setvbuf(f, buf, _IOFBF, PROC_READ_BUFFER);
	switch (what->what) {
	case LOAD_NAMES: err = vt_kallsyms_load(out, f, what->wanted); break;
	case LOAD_ADDRS: err = vt_kallsyms_load_addrs(out, f, what->addrs, what->n); break;
	default: err = vt_kallsyms_next_address(f, what->addrs[0], what->next); break;
	}
	fclose(f);
	free(buf);
	return err;
}

int vt_kallsyms_load_proc(struct vt_kallsyms **out, const char *const *wanted)
{
	return load_proc(out, &(struct proc_load){ .what = LOAD_NAMES, .wanted = wanted });
}

int vt_kallsyms_load_proc_addrs(struct vt_kallsyms **out, const __u64 *addrs, size_t n)
{
	return load_proc(out, &(struct proc_load){ .what = LOAD_ADDRS, .addrs = addrs, .n = n });
}

int vt_kallsyms_next_address_proc(__u64 addr, __u64 *next)
{
	return load_proc(NULL,
			 &(struct proc_load){ .what = NEXT_ADDRESS, .addrs = &addr, .next = next });
}

void vt_kallsyms_free(struct vt_kallsyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++) {
		free(ks->syms[i].name);
		free(ks->syms[i].module);
	}
	free(ks->syms);
	free(ks->by_addr);
	free(ks);
}

size_t vt_kallsyms_count(const struct vt_kallsyms *ks)
{
	return ks ? ks->n : 0;
}

const char *vt_kallsyms_module(const struct vt_kallsyms *ks, const char *name)
{
	struct vt_ksym key = { .name = (char *)name };
	const struct vt_ksym *s;

	if (!ks || !name || !ks->n)
		return NULL;
	s = bsearch(&key, ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return s ? s->module : NULL;
}

int vt_kallsyms_address(const struct vt_kallsyms *ks, const char *name, __u64 *addr)
{
	struct vt_ksym key = { .name = (char *)name };
	const struct vt_ksym *s;

	if (!ks || !name || !ks->n)
		return -ENOENT;
	s = bsearch(&key, ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	if (!s)
		return -ENOENT;
	/* bsearch finds any of equal names: they sit side by side. */
	if ((s > ks->syms && !strcmp(s[-1].name, name)) ||
	    (s + 1 < ks->syms + ks->n && !strcmp(s[1].name, name)))
		return -ENOTUNIQ;
	if (!s->addr)
		return -EACCES;
	*addr = s->addr;
	return 0;
}

int vt_kallsyms_size(const struct vt_kallsyms *ks, const char *name, __u64 *size)
{
	const struct vt_ksym *s;
	__u64 addr;
	int err = vt_kallsyms_address(ks, name, &addr);

	*size = 0;
	if (err)
		return err;
	s = bsearch(&(struct vt_ksym){ .name = (char *)name }, ks->syms, ks->n, sizeof(*ks->syms),
		    ksym_cmp);
	if (!s || !s->end)
		return -ENODATA;
	*size = s->end - addr;
	return 0;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct vt_ksym *x = *(struct vt_ksym *const *)a, *y = *(struct vt_ksym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return alias_cmp(x, y);
}

static int build_addr_index(struct vt_kallsyms *ks)
{
	size_t i;

	ks->by_addr = calloc(ks->n ? ks->n : 1, sizeof(*ks->by_addr));
	if (!ks->by_addr)
		return -ENOMEM;
	for (i = 0; i < ks->n; i++)
		if (ks->syms[i].addr && ks->syms[i].text)
			ks->by_addr[ks->nby_addr++] = &ks->syms[i];
	qsort(ks->by_addr, ks->nby_addr, sizeof(*ks->by_addr), addr_cmp);
	return 0;
}

long long vt_kallsyms_symbolize(struct vt_kallsyms *ks, __u64 addr, char *buf, size_t len)
{
	size_t lo = 0, hi;
	const struct vt_ksym *s;

	if (!ks || (!ks->by_addr && build_addr_index(ks)))
		goto raw;
	hi = ks->nby_addr;
	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->by_addr[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		goto raw;
	s = ks->by_addr[lo - 1];
	/* No function is 2^63 bytes long: that is no symbol's address. */
	if (addr - s->addr > (__u64)LLONG_MAX)
		goto raw;
	if (s->module[0])
		snprintf(buf, len, "%s+0x%llx [%s]", s->name, (unsigned long long)(addr - s->addr),
			 s->module);
	else
		snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
	return addr - s->addr;
raw:
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return -1;
}
