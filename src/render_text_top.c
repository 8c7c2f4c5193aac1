// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-trace top` as text: the same lines on a full screen, redrawn each
 * interval, and in batch mode (stdout not a terminal), one block per interval
 * like `top -b`. Every line is built whole, then cut to the screen's width.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "render_text.h"
#include "render_text_fmt.h"

#define LINE_LEN 256
#define OWNER_COLS 18 /* HEADER_FMT's second column */

/* The columns: the header and the rows share their widths. */
#define HEADER_FMT "%-12s %-18s %8s %8s %8s %8s %6s %9s %7s  %s"
#define ROW_FMT "%-12.12s %-18.18s %8.1f %8s %8s %8s %6llu %9llu %7llu  %s"

static int put_line(FILE *f, const char *line, unsigned width)
{
	size_t n = strlen(line);

	if (width && n > width)
		n = width;
	return fprintf(f, "%.*s\n", (int)n, line) < 0 ? -EIO : 0;
}

/* "web1" for a VM, else "comm[pid]", "-" for nobody; "(unbound)" when no
 * driver instance is bound. */
static const char *owner_label(char *buf, size_t len, const struct vt_top_row *r)
{
	char comm[VT_COMM_LEN];

	if (!r->bound)
		snprintf(buf, len, "(unbound)");
	else if (r->owner.vm[0])
		printable(buf, len, r->owner.vm, strnlen(r->owner.vm, sizeof(r->owner.vm)));
	else if (r->owner.pid)
		snprintf(buf, len, "%s[%u]",
			 printable(comm, sizeof(comm), r->owner.comm, sizeof(r->owner.comm)),
			 r->owner.pid);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* A p99 or "-" when there was nothing to measure. */
static const char *p99(char buf[VT_TIME_LEN], __u64 ns)
{
	return ns ? fmt_time(buf, ns) : "-";
}

/* "OFF 1.2 s by comm[pid]" while memory is off (for so long), "last 1.5 ms
 * by comm[pid]" once it came back (the window's length), "-" when nothing
 * turned it off; the cause ("d3hot", "low_power") in place of "OFF" or after
 * "last" when a power state did, not a config write. */
static const char *off_label(char *buf, size_t len, const struct vt_top_row *r)
{
	char t[VT_TIME_LEN], comm[VT_COMM_LEN];

	if (!r->last_disable.ts_ns) {
		snprintf(buf, len, "-");
		return buf;
	}
	printable(comm, sizeof(comm), r->last_disable.comm, sizeof(r->last_disable.comm));
	if (r->last_disable.cause != VT_OFF_COMMAND)
		snprintf(buf, len, "%s%s %s by %s[%u]", r->memory_off ? "" : "last ",
			 vt_off_cause_name((int)r->last_disable.cause), fmt_time(t, r->off_ns),
			 comm, r->last_disable.pid);
	else
		snprintf(buf, len, "%s %s by %s[%u]", r->memory_off ? "OFF" : "last",
			 fmt_time(t, r->off_ns), comm, r->last_disable.pid);
	return buf;
}

static int put_row(FILE *f, const struct vt_top_row *r, unsigned width)
{
	char line[LINE_LEN], owner[OWNER_COLS + 1], off[96], bdf[VT_BDF_LEN];
	char fault[VT_TIME_LEN], rwait[VT_TIME_LEN], wwait[VT_TIME_LEN];

	/* The address is the kernel's dev_name(): printable, as every kernel
	 * string that reaches the terminal. */
	printable(bdf, sizeof(bdf), r->bdf, sizeof(r->bdf));
	snprintf(line, sizeof(line), ROW_FMT, bdf, owner_label(owner, sizeof(owner), r),
		 r->faults_per_s, p99(fault, r->fault_p99_ns),
		 p99(rwait, r->wait_p99_ns[VT_MODE_READ]),
		 p99(wwait, r->wait_p99_ns[VT_MODE_WRITE]), (unsigned long long)r->zaps,
		 (unsigned long long)r->accesses, (unsigned long long)r->pinned_pages,
		 off_label(off, sizeof(off), r));
	return put_line(f, line, width);
}

int render_text_top(FILE *f, const struct vt_top *t, const struct vt_top_view *v)
{
	char line[LINE_LEN], clock[16] = "";
	time_t secs = (time_t)v->wall_time;
	size_t shown;
	struct tm tm;
	int err;

	if (!f || !t || !v || v->by >= VT_TOP_SORT_MAX)
		return -EINVAL;
	if (localtime_r(&secs, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line),
		 "vfio-trace top - %s  interval %.1f s  %zu device%s  sorted by %s (%c)%s  "
		 "lost %llu",
		 clock, t->interval_s, t->nrows, t->nrows == 1 ? "" : "s", vt_top_sort_name(v->by),
		 vt_top_sort_key(v->by), v->reverse ? " reversed" : "",
		 (unsigned long long)t->lost);
	err = put_line(f, line, v->width);
	if (!err && v->keys)
		err = put_line(f,
			       "keys: q quit  d device  f faults  w wait  z zaps  a disabled "
			       "accesses  p pins  r reverse",
			       v->width);
	if (!err)
		err = put_line(f, "", v->width);
	snprintf(line, sizeof(line), HEADER_FMT, "DEVICE", "VM/OWNER", "FAULT/s", "FLT.P99",
		 "RWAIT99", "WWAIT99", "ZAPS", "DISABLED", "PINNED", "MEMORY OFF");
	if (!err)
		err = put_line(f, line, v->width);
	if (!err && !t->nrows)
		err = put_line(f, "(no vfio-pci device seen yet)", v->width);
	shown = v->max_rows && v->max_rows < t->nrows ? v->max_rows : t->nrows;
	for (size_t i = 0; !err && i < shown; i++)
		err = put_row(f, &t->rows[i], v->width);
	if (!err && shown < t->nrows) {
		snprintf(line, sizeof(line), "... %zu more devices", t->nrows - shown);
		err = put_line(f, line, v->width);
	}
	return err;
}
