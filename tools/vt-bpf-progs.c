// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bpf-progs: list the BPF programs loaded in the kernel, one "ID TYPE NAME"
 * line each, like `bpftool prog` but static, for the busybox guest of the test
 * bed: after vfio-trace is killed, none of its programs may remain.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(void)
{
	__u32 id = 0;
	int n = 0;

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
