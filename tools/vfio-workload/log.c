// SPDX-License-Identifier: GPL-2.0
/*
 * What the workload says on stderr. A failure is one line naming the step, so
 * that a test log shows what broke without a rerun; an anomaly is also
 * counted, since the JSON must carry it and the exit status depends on it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "workload.h"

static bool quiet;

void log_quiet(bool q)
{
	quiet = q;
}

/* "vfio-workload: STEP: strerror(errno)"; errno is kept for the caller. */
int sys_fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	errno = err;
	return -1;
}

/* For failures that have no errno. */
int msg_fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* A pread/pwrite that did not move exactly @want bytes. */
int io_fail(const char *step, ssize_t n, size_t want)
{
	if (n < 0)
		return sys_fail("%s", step);
	return msg_fail("%s: short transfer (%zd of %zu bytes)", step, n, want);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The kernel did something the model did not predict. */
void anomaly(struct wl *w, const char *fmt, ...)
{
	va_list ap;

	w->t.anomalies++;
	fputs(PROG ": anomaly: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
