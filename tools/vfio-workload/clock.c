// SPDX-License-Identifier: GPL-2.0
/*
 * The monotonic clock: timings in the report, DMA and ioeventfd deadlines,
 * and the stress loop's toggle period must not jump with the wall clock.
 */
#include <errno.h>
#include <time.h>
#include "workload.h"

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* All of @us, whatever signal interrupts it. */
void sleep_us(unsigned long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}
