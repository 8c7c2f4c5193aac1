/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/kallsyms: which functions exist, in which module, and the names of
 * text addresses. Parsed from any stream, so that the parser can be fuzzed.
 */
#ifndef VT_KALLSYMS_H
#define VT_KALLSYMS_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct vt_kallsyms;

/* Reads "addr type name [module]" lines from @f: only the names in the
 * NULL-terminated @wanted, or every symbol when @wanted is NULL. Lines that do
 * not parse are skipped. 0 or -ENOMEM. */
int vt_kallsyms_load(struct vt_kallsyms **out, FILE *f, const char *const *wanted);
/* Reads only what names the @n text addresses @addrs (any order, repeats
 * allowed): for each, the function at or below it, so that
 * vt_kallsyms_symbolize() names exactly those addresses as with every symbol
 * loaded, in a table of at most @n entries rather than the whole one (most of
 * the process's peak memory). 0 or -ENOMEM. */
int vt_kallsyms_load_addrs(struct vt_kallsyms **out, FILE *f, const __u64 *addrs, size_t n);
/* Both loads from the running kernel's /proc/kallsyms: as above, or the
 * negative errno of opening it. */
int vt_kallsyms_load_proc(struct vt_kallsyms **out, const char *const *wanted);
int vt_kallsyms_load_proc_addrs(struct vt_kallsyms **out, const __u64 *addrs, size_t n);
/* The lowest symbol address above @addr in @f, of any type (the next
 * function, its padding, data): where a function at @addr ends. 0, -ENOENT
 * when no symbol lies above it, or -EACCES when kptr_restrict hides the
 * addresses (every one reads 0). */
int vt_kallsyms_next_address(FILE *f, __u64 addr, __u64 *next);
int vt_kallsyms_next_address_proc(__u64 addr, __u64 *next);
void vt_kallsyms_free(struct vt_kallsyms *ks);
size_t vt_kallsyms_count(const struct vt_kallsyms *ks);
/* The module that defines @name, "" for vmlinux, NULL if absent. */
const char *vt_kallsyms_module(const struct vt_kallsyms *ks, const char *name);
/* The address of the symbol @name (any type: a lock is data). 0, -ENOENT,
 * -ENOTUNIQ when several symbols have that name (static ones in different
 * files or modules), or -EACCES when kptr_restrict hides the addresses. */
int vt_kallsyms_address(const struct vt_kallsyms *ks, const char *name, __u64 *addr);
/* How far @name reaches: to the lowest address above it in its block of the
 * stream (vmlinux, or its module), of any type. Known only for the symbols of
 * a @wanted load; -ENODATA for the rest, and for one last in its block (then
 * vt_kallsyms_next_address() reads the whole stream again). Otherwise as
 * vt_kallsyms_address(). */
int vt_kallsyms_size(const struct vt_kallsyms *ks, const char *name, __u64 *size);
/* "function+0xoff [module]" for a text address, or the bare address when no
 * text symbol is at or below it (or kptr_restrict hid the addresses).
 * Returns the offset, or -1 for a bare address. */
long long vt_kallsyms_symbolize(struct vt_kallsyms *ks, __u64 addr, char *buf, size_t len);

#endif
