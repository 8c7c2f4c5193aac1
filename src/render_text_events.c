// SPDX-License-Identifier: GPL-2.0
/*
 * The text event line of `vfio-trace events`: one aligned line per access to
 * disabled memory or memory toggle, built in a buffer without stdio.
 */
#include <errno.h>
#include <string.h>
#include "render_text.h"
#include "render_text_fmt.h"

int render_text_event_header(FILE *f)
{
	if (!f)
		return -EINVAL;
	fprintf(f, "%-11s %-12s %-14s %-3s %-10s %-7s %-16s %s\n", "TIME(s)", "BDF", "EVENT", "BAR",
		"OFFSET", "PID", "COMM", "VALUE");
	return ferror(f) ? -EIO : 0;
}

static int is_access(__u32 kind)
{
	return kind < VT_ACCESS_KIND_MAX;
}

/*
 * An event line is built in one buffer and written with one fwrite: in an
 * event storm the consumer's time is the formatting (bench/render-cost), and
 * vfprintf's padding and conversions were most of it. The longest line is
 * 182 bytes (every field at its widest, "5124095.6 h " for 2^64 - 1 ns); the
 * helpers below may also write up to 17 bytes past where they end, padding
 * and whole-word copies that the next field overwrites.
 */
#define EVENT_LINE_MAX 256

/* Ends a column begun at @col whose text ends at @p: spaces to @width, then
 * one, like "%-*s ". Writing 17 spaces always is cheaper than counting. */
static char *end_col(char *col, char *p, size_t width)
{
	memset(p, ' ', 17);
	if (p < col + width)
		p = col + width;
	return p + 1;
}

_Static_assert(EVENT_LINE_MAX <= VT_EVENT_LINE_MAX, "render_text.h promises room for a line");

size_t render_text_event_line(char *line, const struct vt_trace_event *ev, __u64 start_ns)
{
	char *p = line, *col;
	const char *kind;
	__u64 rel, us;
	size_t n;

	/* Seconds with 6 decimals, rounded. */
	rel = ev->ts_ns > start_ns ? ev->ts_ns - start_ns : 0;
	us = (rel + 500) / 1000;
	col = p;
	p = put_dec(p, us / 1000000);
	*p++ = '.';
	p = put_dec_n(p, us % 1000000, 6);
	p = end_col(col, p, 11);

	col = p;
	p = end_col(col, put_printable(p, ev->bdf, sizeof(ev->bdf)), 12);
	kind = vt_event_kind_name((int)ev->kind);
	n = strlen(kind);
	col = p;
	memcpy(p, kind, n);
	p = end_col(col, p + n, 14);
	/* A state change has no BAR access; its value is PCI_COMMAND. */
	if (!is_access(ev->kind)) {
		memcpy(p, "-   -          ", 15);
		p += 15;
	} else {
		col = p;
		*p++ = ev->bar < VT_MAX_BARS ? (char)('0' + ev->bar) : '?';
		p = end_col(col, p, 3);
		memcpy(p, "0x", 2);
		col = p + 2;
		p = end_col(col, put_hex(col, ev->offset, 1), 8);
	}
	col = p;
	p = end_col(col, put_dec(p, ev->pid), 7);
	col = p;
	p = end_col(col, put_printable(p, ev->comm, sizeof(ev->comm)), 16);
	if (!is_access(ev->kind)) {
		memcpy(p, "0x", 2);
		p = put_hex(p + 2, (__u64)ev->value & 0xffff, 4);
	} else {
		p = put_sdec(p, ev->value);
	}
	if (ev->disabled_ts_ns) {
		__u64 before = ev->ts_ns >= ev->disabled_ts_ns ? ev->ts_ns - ev->disabled_ts_ns : 0;

		memcpy(p, " (memory off ", 13);
		p = put_time(p + 13, before);
		memcpy(p, ", by ", 5);
		p = put_printable(p + 5, ev->disabled_comm, sizeof(ev->disabled_comm));
		*p++ = '[';
		p = put_dec(p, ev->disabled_pid);
		memcpy(p, "])", 2);
		p += 2;
	}
	*p++ = '\n';
	return (size_t)(p - line);
}
