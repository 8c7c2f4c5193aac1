// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bench-bpfstats: the kernel's own run-time statistics of every loaded BPF
 * program, one line each:
 *
 *   ID RUN_CNT RUN_TIME_NS RECURSION_MISSES TYPE NAME
 *
 * The kernel counts RUN_CNT and RUN_TIME_NS only while kernel.bpf_stats_enabled
 * is 1 (or someone holds a BPF_ENABLE_STATS fd); the benchmark takes one listing
 * before a workload and one after, and divides the differences by the number of
 * traced events. Needs CAP_SYS_ADMIN. Exit 1 when no program could be read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(void)
{
	__u32 id = 0;
	int fd, err, read = 0, failed = 0;

	while (!(err = bpf_prog_get_next_id(id, &id))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0) {
			/* Unloaded between the two calls, or not ours to see. */
			if (errno != ENOENT)
				failed++;
			continue;
		}
		/* libbpf 1.1 has no bpf_prog_get_info_by_fd() yet; this is what it wraps. */
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			failed++;
			close(fd);
			continue;
		}
		close(fd);
		printf("%u %llu %llu %llu %u %s\n", info.id, (unsigned long long)info.run_cnt,
		       (unsigned long long)info.run_time_ns,
		       (unsigned long long)info.recursion_misses, info.type,
		       info.name[0] ? info.name : "-");
		read++;
	}
	if (err != -ENOENT) {
		fprintf(stderr, "vt-bench-bpfstats: cannot list BPF programs: %s\n",
			strerror(-err));
		return 1;
	}
	if (failed && !read) {
		fprintf(stderr,
			"vt-bench-bpfstats: %d programs could not be read (CAP_SYS_ADMIN?)\n",
			failed);
		return 1;
	}
	return 0;
}
