// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bpf-progs: list the BPF programs loaded in the kernel, one "ID TYPE NAME"
 * line each, like `bpftool prog` but static, for the busybox guest of the test
 * bed: after vfio-trace is killed, none of its programs may remain.
 *
 * vt-bpf-progs --maps: list the maps instead, one "ID TYPE NAME MAX_ENTRIES
 * ENTRIES" line each, ENTRIES counted by walking the keys ("-" for a map that
 * has no keys to walk: ring buffers, task storage): a map whose entries do not
 * go when what they describe goes (a device hot-unplugged) grows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

/* Entries of @fd by BPF_MAP_GET_NEXT_KEY, or -1 when it has no key walk. */
static long map_entries(int fd, const struct bpf_map_info *info)
{
	void *key = NULL, *next;
	long n = 0;

	if (!info->key_size)
		return -1;
	next = malloc(info->key_size);
	if (!next)
		return -1;
	while (!bpf_map_get_next_key(fd, key, next)) {
		if (!key) {
			key = malloc(info->key_size);
			if (!key)
				break;
		}
		memcpy(key, next, info->key_size);
		if (++n > 100000000)
			break;
	}
	if (errno != ENOENT)
		n = -1;
	free(key);
	free(next);
	return n;
}

static int list_maps(void)
{
	__u32 id = 0;
	int n = 0;

	for (;;) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		long entries;
		int fd;

		if (bpf_map_get_next_id(id, &id)) {
			if (errno == ENOENT)
				break;
			fprintf(stderr, "vt-bpf-progs: BPF_MAP_GET_NEXT_ID: %s\n", strerror(errno));
			return 1;
		}
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue; /* freed meanwhile */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			entries = map_entries(fd, &info);
			if (entries < 0)
				printf("%u %u %s %u -\n", id, info.type, info.name,
				       info.max_entries);
			else
				printf("%u %u %s %u %ld\n", id, info.type, info.name,
				       info.max_entries, entries);
			n++;
		}
		close(fd);
	}
	fprintf(stderr, "vt-bpf-progs: %d maps\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	__u32 id = 0;
	int n = 0;

	if (argc == 2 && !strcmp(argv[1], "--maps"))
		return list_maps();
	if (argc > 1) {
		fprintf(stderr, "usage: vt-bpf-progs [--maps]\n");
		return 2;
	}
	for (;;) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (bpf_prog_get_next_id(id, &id)) {
			if (errno == ENOENT)
				break;
			fprintf(stderr, "vt-bpf-progs: BPF_PROG_GET_NEXT_ID: %s\n",
				strerror(errno));
			return 1;
		}
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* freed meanwhile */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			printf("%u %u %s\n", id, info.type, info.name);
			n++;
		}
		close(fd);
	}
	fprintf(stderr, "vt-bpf-progs: %d programs\n", n);
	return 0;
}
