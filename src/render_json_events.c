// SPDX-License-Identifier: GPL-2.0
/* The NDJSON event line of `vfio-trace events -j`, built in a buffer without
 * stdio. */
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
#define EVENT_JSON_MAX (3 * JW_STRING_MAX(VT_COMM_LEN) + 9 * 20 + 256)

/* A literal without its NUL; returns the end. */
#define PUT_LIT(p, lit) ((char *)memcpy((p), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)

static char *put_disabled_by(char *p, const struct vt_trace_event *ev)
{
	if (!ev->disabled_ts_ns)
		return PUT_LIT(p, "null");
	p = PUT_LIT(p, "{\"pid\":");
	p = put_dec(p, ev->disabled_pid);
	p = PUT_LIT(p, ",\"tid\":");
	p = put_dec(p, ev->disabled_tid);
	p = PUT_LIT(p, ",\"comm\":");
	p = jw_put_string(p, ev->disabled_comm, sizeof(ev->disabled_comm));
	p = PUT_LIT(p, ",\"ns_before\":");
	/* Timestamps from different CPUs can be a hair out of order. */
	p = put_dec(p, ev->ts_ns >= ev->disabled_ts_ns ? ev->ts_ns - ev->disabled_ts_ns : 0);
	return PUT_LIT(p, "}");
}

_Static_assert(VT_BDF_LEN <= VT_COMM_LEN, "EVENT_JSON_MAX counts comm-sized strings");
_Static_assert(EVENT_JSON_MAX <= VT_EVENT_JSON_MAX, "render_json.h promises room for a line");

size_t render_json_event_line(char *line, const struct vt_trace_event *ev)
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
