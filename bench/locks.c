// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bench-locks: work heavy in rwsem and mutex operations that have nothing
 * to do with vfio, to measure what tracing memory_lock costs everyone else.
 *
 *   vt-bench-locks [-t THREADS] [-p PAGES] ITERATIONS
 *
 * THREADS threads (default 2) of one process, each ITERATIONS times: mmap
 * PAGES (default 16) anonymous pages (mmap_lock for write), write one byte to
 * each (PAGES page faults, each taking mmap_lock for read), munmap them
 * (mmap_lock for write), and pass one byte through a pipe of its own
 * (pipe->mutex on the write and on the read). The threads share one mm, so
 * their mmap_lock operations contend with each other when there is more than
 * one CPU, and contended locks are what vfio-trace's memory_lock wait probes
 * see (lock:contention_begin/end).
 *
 * Prints "threads=T iterations=I pages=P ns=ELAPSED per_iter_ns=X" and exits 0;
 * 1 when a system call fails; 2 on a bad command line.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096

struct worker {
	pthread_t tid;
	unsigned long iterations, pages;
	pthread_barrier_t *start;
	int err;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned long i, p;
	int fds[2];
	char c = 0;

	if (pipe(fds))
		w->err = errno;
	pthread_barrier_wait(w->start); /* even on error: main waits for everyone */
	if (w->err)
		return NULL;
	for (i = 0; i < w->iterations; i++) {
		volatile char *mem = mmap(NULL, w->pages * PAGE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem == MAP_FAILED) {
			w->err = errno;
			break;
		}
		for (p = 0; p < w->pages; p++)
			mem[p * PAGE] = 1;
		if (munmap((void *)mem, w->pages * PAGE) || write(fds[1], &c, 1) != 1 ||
		    read(fds[0], &c, 1) != 1) {
			w->err = errno;
			break;
		}
	}
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: vt-bench-locks [-t THREADS] [-p PAGES] ITERATIONS\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long threads = 2, pages = 16, iterations, i;
	struct worker w[64] = {};
	pthread_barrier_t start;
	uint64_t t0, t1;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "t:p:")) != -1) {
		switch (opt) {
		case 't': threads = strtoul(optarg, NULL, 10); break;
		case 'p': pages = strtoul(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (optind != argc - 1 || !threads || threads > 64 || !pages)
		return usage();
	iterations = strtoul(argv[optind], NULL, 10);
	if (!iterations)
		return usage();

	/* The clock starts when every thread is ready: thread creation is not timed. */
	pthread_barrier_init(&start, NULL, (unsigned int)threads + 1);
	for (i = 0; i < threads; i++) {
		w[i].iterations = iterations;
		w[i].pages = pages;
		w[i].start = &start;
		if (pthread_create(&w[i].tid, NULL, work, &w[i])) {
			fprintf(stderr, "vt-bench-locks: pthread_create failed\n");
			return 1;
		}
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	for (i = 0; i < threads; i++)
		pthread_join(w[i].tid, NULL);
	t1 = now_ns();
	for (i = 0; i < threads; i++) {
		if (w[i].err) {
			fprintf(stderr, "vt-bench-locks: thread %lu: %s\n", i, strerror(w[i].err));
			rc = 1;
		}
	}
	printf("threads=%lu iterations=%lu pages=%lu ns=%" PRIu64 " per_iter_ns=%.1f\n", threads,
	       iterations, pages, t1 - t0, (double)(t1 - t0) / (double)(iterations * threads));
	return rc;
}
