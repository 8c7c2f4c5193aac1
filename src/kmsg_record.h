/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel log records as lines of text. The input is either a /dev/kmsg record
 * as read(2) returns it, "PRIO,SEQ,TS_USEC,FLAGS[,...];MESSAGE\n" followed by
 * " KEY=VALUE\n" lines (Documentation/ABI/testing/dev-kmsg), or a line of
 * dmesg text, "[   12.345678] message", optionally with the "<PRIO>" of
 * `dmesg -r` and the "[  T123]" caller of CONFIG_PRINTK_CALLER.
 *
 * One printk() may hold several lines: lockdep prints "\n-> #1 (...)" and
 * "Chain exists of:\n  A --> B --> C" as one record each, which /dev/kmsg
 * gives with the newlines escaped as \x0a and dmesg as several lines. Both
 * come out here as the same logical lines, and in one stored form whatever
 * the source, so that what is parsed and kept is printable: printable ASCII
 * stays as it is, a tab becomes a space, and every other byte, and the
 * backslash, is written \xNN as /dev/kmsg itself writes it.
 */
#ifndef VT_KMSG_RECORD_H
#define VT_KMSG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* A stored line with its NUL. printk() keeps about 1 KiB of text per record,
 * and lockdep's lines are far shorter; only escaped bytes (four for one) or a
 * text log could make a longer line. The rest of it is lost, and the line is
 * marked cut. */
#define VT_KMSG_LINE_MAX 1024
#define VT_KMSG_CALLER_LEN 16

struct vt_kmsg_line {
	const char *text; /* stored form, NUL-terminated */
	size_t len;
	__u64 seq;   /* /dev/kmsg sequence number, when has_seq */
	__u64 ts_us; /* kernel timestamp, microseconds since boot, when has_ts */
	bool has_seq;
	bool has_ts;
	/* Facility 0: printed by the kernel. A process writing to /dev/kmsg
	 * always gets another facility (LOG_USER unless it names one), so a
	 * splat it fakes is never taken for the kernel's. Text without a
	 * "<PRIO>" counts as the kernel's. */
	bool kernel;
	bool cut;			 /* longer than VT_KMSG_LINE_MAX - 1 bytes stored */
	char caller[VT_KMSG_CALLER_LEN]; /* "T<pid>" or "C<cpu>", "" when not printed */
};

/* Counted, never silent: what the decoder met that was not plain. */
struct vt_kmsg_decode_stats {
	__u64 records;	   /* /dev/kmsg records */
	__u64 text_lines;  /* lines of dmesg text (malformed records included) */
	__u64 malformed;   /* started like a /dev/kmsg header but was not one: taken as text */
	__u64 bad_escapes; /* a "\x" in a record without two hex digits: kept as text */
	__u64 lines_cut;   /* lines longer than VT_KMSG_LINE_MAX - 1 */
	__u64 dict_lines;  /* " KEY=VALUE" lines of records, skipped */
	__u64 continued;   /* unstamped lines given to the stamped record above them */
};

/* What the decoder keeps from one call to the next. */
struct vt_kmsg_decoder {
	struct vt_kmsg_decode_stats stats;
	/* util-linux dmesg prints the later lines of a record without a stamp,
	 * indented as wide as the first line's prefix: such a line is that
	 * record's. 0 when the last line was not a stamped text line. */
	size_t cont_indent;
	struct vt_kmsg_line cont; /* the record's metadata, text unused */
	/* The last line was a /dev/kmsg record's (or its KEY=VALUE lines):
	 * " KEY=VALUE" is the record's too, even fed on its own. */
	bool after_record;
};

typedef void (*vt_kmsg_line_fn)(const struct vt_kmsg_line *line, void *ctx);

/*
 * Calls @fn once per logical line of @buf: one /dev/kmsg record (or several,
 * one after another, as a saved `cat /dev/kmsg` holds them), or one or more
 * lines of dmesg text. Any bytes are accepted; nothing is allocated. @d
 * starts zeroed.
 */
void vt_kmsg_decode(struct vt_kmsg_decoder *d, const char *buf, size_t len, vt_kmsg_line_fn fn,
		    void *ctx);

#endif
