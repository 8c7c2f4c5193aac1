// SPDX-License-Identifier: GPL-2.0
/* The NDJSON event line of `vfio-trace events -j`, built in a buffer without
 * stdio. */
#include <stdbool.h>
#include <string.h>
#include "json_writer.h"
#include "numfmt.h"
#include "render_json.h"

/*
 * The event line is built in one buffer and written with one fwrite, with
 * its fixed parts as literals: at a million events a second the writer's
 * stdio calls and printf conversions per member were most of an event's
 * cost (bench/render-cost). The kernel's strings still go through the writer's
 * escaping. The longest line: the three kernel strings at their longest
 * escape, nine numbers of 20 characters, and under 256 bytes of keys,
 * punctuation and the event kind's name (at most 14 plain characters).
 */
#define EVENT_JSON_MAX \
	(3 * JW_STRING_MAX(VT_COMM_LEN) + JW_STRING_MAX(VT_VM_NAME_LEN) + 9 * 20 + 256)

/* A literal without its NUL; returns the end. */
#define PUT_LIT(p, lit) ((char *)memcpy((p), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)

/* "pid":N,"tid":N,"comm":"..." of a task: the disabler's and a holder's. */
static char *put_task(char *p, __u32 pid, __u32 tid, const char *comm, size_t comm_len)
{
	p = PUT_LIT(p, "\"pid\":");
	p = put_dec(p, pid);
	p = PUT_LIT(p, ",\"tid\":");
	p = put_dec(p, tid);
	p = PUT_LIT(p, ",\"comm\":");
	return jw_put_string(p, comm, comm_len);
}

static char *put_disabled_by(char *p, const struct vt_trace_event *ev)
{
	if (!ev->disabled_ts_ns)
		return PUT_LIT(p, "null");
	p = PUT_LIT(p, "{");
	p = put_task(p, ev->disabled_pid, ev->disabled_tid, ev->disabled_comm,
		     sizeof(ev->disabled_comm));
	p = PUT_LIT(p, ",\"ns_before\":");
	/* Timestamps from different CPUs can be a hair out of order. */
	p = put_dec(p, ev->ts_ns >= ev->disabled_ts_ns ? ev->ts_ns - ev->disabled_ts_ns : 0);
	p = PUT_LIT(p, ",\"cause\":\"");
	/* lowercase ASCII (names.c): nothing to escape */
	p = stpcpy(p, vt_off_cause_name((int)ev->disabled_cause));
	return PUT_LIT(p, "\"}");
}

_Static_assert(VT_BDF_LEN <= VT_COMM_LEN, "EVENT_JSON_MAX counts comm-sized strings");
_Static_assert(EVENT_JSON_MAX <= VT_EVENT_JSON_MAX, "render_json.h promises room for a line");

size_t render_json_event_line(char *line, const struct vt_trace_event *ev, const char *vm)
{
	char *p = line;
	const char *kind;
	size_t n;

	kind = vt_event_kind_name((int)ev->kind);
	p = PUT_LIT(p, "{\"time_ns\":");
	p = put_dec(p, ev->ts_ns);
	p = PUT_LIT(p, ",\"kind\":\"");
	/* Names are lowercase ASCII (names.c, pinned by test_names): nothing
	 * to escape. */
	n = strlen(kind);
	memcpy(p, kind, n);
	p = PUT_LIT(p + n, "\"");
	p = PUT_LIT(p, ",\"pid\":");
	p = put_dec(p, ev->pid);
	p = PUT_LIT(p, ",\"tid\":");
	p = put_dec(p, ev->tid);
	p = PUT_LIT(p, ",\"comm\":");
	p = jw_put_string(p, ev->comm, sizeof(ev->comm));
	p = PUT_LIT(p, ",\"vm\":");
	/* A C string of any length up to VT_VM_NAME_LEN: the copy may read
	 * all of maxlen, so maxlen is its length, never past its NUL. */
	if (vm && vm[0])
		p = jw_put_string(p, vm, strnlen(vm, VT_VM_NAME_LEN));
	else
		p = PUT_LIT(p, "null");
	p = PUT_LIT(p, ",\"bdf\":");
	p = jw_put_string(p, ev->bdf, sizeof(ev->bdf));
	p = PUT_LIT(p, ",\"bar\":");
	if (ev->bar < VT_MAX_BARS)
		p = put_dec(p, ev->bar);
	else
		p = PUT_LIT(p, "null");
	p = PUT_LIT(p, ",\"offset\":");
	p = put_dec(p, ev->offset);
	p = PUT_LIT(p, ",\"value\":");
	p = put_sdec(p, ev->value);
	p = PUT_LIT(p, ",\"disabled_by\":");
	p = put_disabled_by(p, ev);
	p = PUT_LIT(p, "}\n");
	return (size_t)(p - line);
}

/* "name": lowercase ASCII (names.c): nothing to escape. */
static char *put_name(char *p, const char *name)
{
	size_t n = strlen(name);

	*p++ = '"';
	memcpy(p, name, n);
	p += n;
	*p++ = '"';
	return p;
}

/* The head's line, a trylock's operation, then two objects: five names (at
 * most 13 plain characters each), a comm and a bdf at their longest escape,
 * three numbers, and under 150 bytes of keys and punctuation. */
_Static_assert(EVENT_JSON_MAX + 5 * 15 + 2 * JW_STRING_MAX(VT_COMM_LEN) + 3 * 20 + 150 <=
		       VT_EVENT_JSON_MAX,
	       "render_json.h promises room for a contention line");

size_t render_json_contention_line(char *line, const struct vt_contention_event *ce, const char *vm)
{
	const struct vt_contention_key *k = &ce->key;
	bool known = k->holder_mode == VT_MODE_WRITE || k->holder_mode == VT_MODE_READ;
	/* The head's line without its "}\n": the same members as every event. */
	char *p = line + render_json_event_line(line, &ce->head, vm) - 2;

	if (ce->head.kind == VT_EV_TRYLOCK_FAILED) {
		p = PUT_LIT(p, ",\"trylock\":");
		p = put_name(p, vt_trylock_op_name((int)ce->head.value));
	}
	p = PUT_LIT(p, ",\"waiter\":{\"mode\":");
	p = put_name(p, vt_lock_mode_name(k->waiter_mode));
	p = PUT_LIT(p, ",\"path\":");
	p = put_name(p, vt_lock_path_name(k->waiter_path));
	p = PUT_LIT(p, "},\"holder\":");
	if (!known)
		return (size_t)(PUT_LIT(p, "null}\n") - line);
	p = PUT_LIT(p, "{\"mode\":");
	p = put_name(p, vt_lock_mode_name(k->holder_mode));
	p = PUT_LIT(p, ",\"path\":");
	p = put_name(p, vt_lock_path_name(k->holder_path));
	p = PUT_LIT(p, ",");
	p = put_task(p, ce->holder_pid, ce->holder_tid, ce->holder_comm, sizeof(ce->holder_comm));
	p = PUT_LIT(p, ",\"readers\":");
	if (k->holder_mode == VT_MODE_READ)
		p = put_dec(p, ce->readers);
	else
		p = PUT_LIT(p, "null");
	/* Only a hot reset's holder on another device of its set. */
	if (ce->holder_bdf[0]) {
		p = PUT_LIT(p, ",\"bdf\":");
		p = jw_put_string(p, ce->holder_bdf, sizeof(ce->holder_bdf));
	}
	return (size_t)(PUT_LIT(p, "}}\n") - line);
}

/* Before a frame: room for it at its longest escape, and the tail. */
#define SLOW_JSON_TAIL 64

size_t render_json_slow_line(char *line, const struct vt_slow_event *se,
			     const struct vt_frames *frames, const char *vm)
{
	char *p = line + render_json_event_line(line, &se->head, vm) - 2;
	char *end = line + VT_SLOW_EVENT_JSON_MAX;
	bool truncated = false;
	const char *name;
	size_t n;

	p = PUT_LIT(p, ",\"slow\":{\"op\":");
	p = put_name(p, vt_slow_kind_name((int)se->slow_kind));
	p = PUT_LIT(p, ",\"detail\":");
	p = put_name(p, vt_slow_detail_name((int)se->slow_kind, (int)se->detail));
	p = PUT_LIT(p, ",\"duration_ns\":");
	p = put_dec(p, (__u64)se->head.value);
	p = PUT_LIT(p, ",\"ret\":");
	p = put_sdec(p, se->ret);
	p = PUT_LIT(p, ",\"stack\":[");
	name = frames ? frames->names : NULL;
	for (unsigned int i = 0; frames && i < frames->n; i++, name += n + 1) {
		n = strlen(name);
		if (p + 1 + JW_STRING_MAX(n) + SLOW_JSON_TAIL > end) {
			truncated = true;
			break;
		}
		if (i)
			*p++ = ',';
		p = jw_put_string(p, name, n);
	}
	p = PUT_LIT(p, "],\"stack_truncated\":");
	p = truncated ? PUT_LIT(p, "true") : PUT_LIT(p, "false");
	return (size_t)(PUT_LIT(p, "}}\n") - line);
}
