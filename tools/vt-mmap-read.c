// SPDX-License-Identifier: GPL-2.0
/*
 * vt-mmap-read: read a file through a shared mapping, one byte a page, pass
 * after pass, until a stop file appears. A test bed helper for the busybox
 * guest, whose applets read files with read(2) only: under memory pressure,
 * reclaim then meets mapped file pages, and walks their reverse map under the
 * file's i_mmap_rwsem to see whether they were used and to unmap them
 * (tests/vm/scenarios/lockseed-basic.sh).
 *
 * Usage: vt-mmap-read FILE STOPFILE
 * Prints "passes N" when it stops; exits 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const volatile unsigned char *map;
	unsigned long passes = 0;
	unsigned char sum = 0;
	struct stat st;
	long page;
	off_t off;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: vt-mmap-read FILE STOPFILE\n");
		return 1;
	}
	page = sysconf(_SC_PAGESIZE);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vt-mmap-read: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (st.st_size == 0) {
		fprintf(stderr, "vt-mmap-read: %s is empty\n", argv[1]);
		return 1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "vt-mmap-read: mmap %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (access(argv[2], F_OK) != 0) {
		for (off = 0; off < st.st_size; off += page)
			sum += map[off];
		passes++;
	}
	/* sum only keeps the reads from being optimised away. */
	printf("passes %lu (sum %u)\n", passes, sum);
	return 0;
}
