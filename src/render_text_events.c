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

/* Has a BAR and offset: an access, or a slow fault. */
static int has_bar(const struct vt_trace_event *ev)
{
	return is_access(ev->kind) || (ev->kind == VT_EV_SLOW && ev->bar < VT_MAX_BARS);
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

/* The columns every event has, TIME to COMM; returns the end. */
static char *put_head(char *line, const struct vt_trace_event *ev, __u64 start_ns)
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
	if (!has_bar(ev)) {
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
	return end_col(col, put_printable(p, ev->comm, sizeof(ev->comm)), 16);
}

/* " [vm NAME]" when the event's process is a VM's. */
static char *put_vm(char *p, const char *vm)
{
	if (!vm || !vm[0])
		return p;
	memcpy(p, " [vm ", 5);
	p = put_printable(p + 5, vm, strnlen(vm, VT_VM_NAME_LEN));
	*p++ = ']';
	return p;
}

size_t render_text_event_line(char *line, const struct vt_trace_event *ev, __u64 start_ns,
			      const char *vm)
{
	char *p = put_head(line, ev, start_ns);

	if (ev->kind == VT_EV_D3_ENTRY || ev->kind == VT_EV_D3_EXIT) {
		/* the power state it is in now: D0, D3hot (3), D3cold (4) */
		*p++ = 'D';
		p = put_dec(p, (__u64)ev->value & 0x7);
	} else if (!is_access(ev->kind)) {
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
		*p++ = ']';
		if (ev->disabled_cause != VT_OFF_COMMAND) {
			const char *cause = vt_off_cause_name((int)ev->disabled_cause);
			size_t n = strlen(cause);

			memcpy(p, ", ", 2);
			memcpy(p + 2, cause, n);
			p += 2 + n;
		}
		*p++ = ')';
	}
	p = put_vm(p, vm);
	*p++ = '\n';
	return (size_t)(p - line);
}

/* "<mode> <path>": a path name is lowercase ASCII (names.c). */
static char *put_mode_path(char *p, int mode, int path)
{
	const char *m = vt_lock_mode_name(mode), *pa = vt_lock_path_name(path);
	size_t n = strlen(m);

	memcpy(p, m, n);
	p += n;
	memcpy(p, " on ", 4);
	n = strlen(pa);
	memcpy(p + 4, pa, n);
	return p + 4 + n;
}

/* Longest: the head (under 100 bytes), two modes, paths and comms, a time,
 * a pid and reader count of 10 digits, a holder's device, with under 80
 * bytes of words. */
_Static_assert(100 + 2 * (5 + 13 + VT_COMM_LEN) + 20 + 2 * 10 + 4 + VT_BDF_LEN + 80 + 6 +
			       VT_VM_NAME_LEN <=
		       VT_EVENT_LINE_MAX,
	       "render_text.h promises room for a line");

size_t render_text_contention_line(char *line, const struct vt_contention_event *ce, __u64 start_ns,
				   const char *vm)
{
	const struct vt_contention_key *k = &ce->key;
	char *p = put_head(line, &ce->head, start_ns);

	if (ce->head.kind == VT_EV_TRYLOCK_FAILED) {
		/* Its value is the operation that gave up (names.c: lowercase). */
		const char *op = vt_trylock_op_name((int)ce->head.value);
		size_t n = strlen(op);

		memcpy(p, op, n);
		memcpy(p + n, " gave up on a trylock", 21);
		p += n + 21;
	} else {
		p = put_mode_path(p, k->waiter_mode, k->waiter_path);
		memcpy(p, ", waited ", 9);
		p = put_time(p + 9, (__u64)ce->head.value);
	}
	if (k->holder_mode == VT_MODE_WRITE || k->holder_mode == VT_MODE_READ) {
		memcpy(p, "; held ", 7);
		p = put_mode_path(p + 7, k->holder_mode, k->holder_path);
		memcpy(p, " by ", 4);
		p = put_printable(p + 4, ce->holder_comm, sizeof(ce->holder_comm));
		*p++ = '[';
		p = put_dec(p, ce->holder_pid);
		*p++ = ']';
		/* A hot reset's holder on another device of its set. */
		if (ce->holder_bdf[0]) {
			memcpy(p, " on ", 4);
			p = put_printable(p + 4, ce->holder_bdf, sizeof(ce->holder_bdf));
		}
		if (k->holder_mode == VT_MODE_READ) {
			memcpy(p, ", readers ", 10);
			p = put_dec(p + 10, ce->readers);
		}
	} else {
		memcpy(p, "; holder unknown", 16);
		p += 16;
	}
	p = put_vm(p, vm);
	*p++ = '\n';
	return (size_t)(p - line);
}

/* Before a frame: room for it, the tail (" <- ...", the VM, the newline). */
#define SLOW_TAIL (8 + 6 + VT_VM_NAME_LEN + 1)

size_t render_text_slow_line(char *line, const struct vt_slow_event *se,
			     const struct vt_frames *frames, __u64 start_ns, const char *vm)
{
	const char *op = vt_slow_kind_name((int)se->slow_kind), *name;
	char *p = put_head(line, &se->head, start_ns), *end = line + VT_SLOW_EVENT_LINE_MAX;
	size_t n = strlen(op);

	memcpy(p, op, n);
	*(p += n) = ' ';
	p = put_time(p + 1, (__u64)se->head.value);
	*p++ = ' ';
	name = vt_slow_detail_name((int)se->slow_kind, (int)se->detail);
	n = strlen(name);
	memcpy(p, name, n);
	p += n;
	if (se->slow_kind != VT_SLOW_ZAP) {
		memcpy(p, ", ret ", 6);
		p = put_sdec(p + 6, se->ret);
	}
	if (!frames || !frames->n) {
		memcpy(p, "; no stack", 10);
		p += 10;
	} else {
		name = frames->names;
		for (unsigned int i = 0; i < frames->n; i++, name += n + 1) {
			n = strlen(name);
			if (p + 4 + n + SLOW_TAIL > end) {
				memcpy(p, " <- ...", 7);
				p += 7;
				break;
			}
			memcpy(p, i ? " <- " : "; ", i ? 4 : 2);
			p = put_printable(p + (i ? 4 : 2), name, n);
		}
	}
	p = put_vm(p, vm);
	*p++ = '\n';
	return (size_t)(p - line);
}
