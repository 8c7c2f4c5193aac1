// SPDX-License-Identifier: GPL-2.0
/*
 * The renderers on arbitrary snapshots and events: any counter value, any
 * bytes in the kernel strings (bdf, comm, disabled_comm), 0..3 devices,
 * 0..4 pinning processes, an optional probe report (more devices only repeat
 * the same code and cost speed). Each input renders the
 * snapshot as text, JSON or Prometheus, or all three (a selector, because one
 * device is ~60 KiB of Prometheus and rendering everything every time cut the
 * execution rate by three), and the event as text and NDJSON, into memory.
 * Every output must pass check_output.h: JSON parses strictly, Prometheus
 * label values are escaped and UTF-8, terminal text is printable ASCII.
 *
 * The same snapshot also goes through `top`'s rows and view, and the event,
 * as the head of a slow operation with up to VT_SLOW_STACK_DEPTH frames of
 * any bytes, through the slow-event lines, which must stay in their room.
 *
 * Input layout (fuzz_input.h reads it; running out gives zeros):
 *   byte    flags: bit0 interval JSON, bit1 probes present, bit2 -T,
 *           bit3 per-result histograms, bits 4-5 unit, bits 6-7 what to
 *           render: 0 text, 1 JSON, 2 Prometheus, 3 all three
 *   byte    top_procs
 *   ...     snapshot globals, device count (% 4), devices, process count
 *           (% 5), processes, probe report, one event, then the VM name,
 *           the text event's start, the slow operation and its frames, and
 *           top's view
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "check_output.h"
#include "fuzz_input.h"
#include "render_json.h"
#include "render_prom.h"
#include "render_text.h"

#define MAX_DEVS 3
#define MAX_PROCS 4
#define MAX_PROBES 4
/* One device is about 60 KiB of Prometheus; room for far more than 3. */
#define OUT_SIZE (4u << 20)

static char out_buf[OUT_SIZE];

static void die(const char *what, const char *why, size_t where, const char *text, size_t len)
{
	size_t from = where > 60 ? where - 60 : 0;

	fprintf(stderr, "fuzz_render: %s: %s at byte %zu of %zu, near:\n", what, why, where, len);
	fwrite(text + from, 1, (where + 60 < len ? where + 60 : len) - from, stderr);
	fputc('\n', stderr);
	abort();
}

/* Runs one renderer into out_buf; returns the length written. */
#define RENDER(what, call)                                                            \
	({                                                                            \
		FILE *f = fmemopen(out_buf, sizeof(out_buf), "w");                    \
		long len;                                                             \
		int ret;                                                              \
		if (!f)                                                               \
			abort();                                                      \
		ret = (call);                                                         \
		fflush(f);                                                            \
		len = ftell(f);                                                       \
		fclose(f);                                                            \
		if (ret != 0) {                                                       \
			fprintf(stderr, "fuzz_render: %s returned %d\n", what, ret);  \
			abort();                                                      \
		}                                                                     \
		if (len < 0 || (size_t)len >= sizeof(out_buf) - 1) {                  \
			fprintf(stderr, "fuzz_render: %s: output too large\n", what); \
			abort();                                                      \
		}                                                                     \
		(size_t) len;                                                         \
	})

static void check(const char *what, const char *(*checker)(const char *, size_t, size_t *),
		  size_t len)
{
	static int dump = -1;
	size_t where = 0;
	const char *why = checker(out_buf, len, &where);

	/* FUZZ_RENDER_DUMP=1 ./fuzz_render FILE shows what an input renders */
	if (dump < 0)
		dump = getenv("FUZZ_RENDER_DUMP") != NULL;
	if (dump) {
		printf("==== %s (%zu bytes)\n", what, len);
		fwrite(out_buf, 1, len, stdout);
	}

	if (why)
		die(what, why, where, out_buf, len);
}

static const char *one_line(const char *text, size_t n, size_t *where)
{
	const char *why = text_check(text, n, where);

	if (why)
		return why;
	if (!n || text[n - 1] != '\n' || memchr(text, '\n', n - 1)) {
		*where = n;
		return "event text: not exactly one line";
	}
	return NULL;
}

static void fin_event(struct fin *in, struct vt_trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = fin_value(in);
	ev->pid = (__u32)fin_le(in, 4);
	ev->tid = (__u32)fin_le(in, 4);
	ev->kind = fin_u8(in) < 0xf0 ? fin_u8(in) % (VT_EV_KIND_MAX + 1) : (__u32)fin_le(in, 4);
	ev->bar = fin_u8(in) < 0xf0 ? fin_u8(in) % (VT_MAX_BARS + 2) : (__u32)fin_le(in, 4);
	ev->offset = fin_value(in);
	ev->value = (__s64)fin_value(in);
	fin_kstr(in, ev->comm, sizeof(ev->comm));
	fin_kstr(in, ev->bdf, sizeof(ev->bdf));
	ev->disabled_ts_ns = fin_value(in);
	ev->disabled_pid = (__u32)fin_le(in, 4);
	ev->disabled_tid = (__u32)fin_le(in, 4);
	fin_kstr(in, ev->disabled_comm, sizeof(ev->disabled_comm));
}

/* Probe names are C strings in the program, but test them with any bytes. */
static char probe_names[MAX_PROBES][2][48];

static void fin_probes(struct fin *in, struct vt_probe_report *r, struct vt_probe_status *items)
{
	memset(r, 0, sizeof(*r));
	r->n = fin_u8(in) % (MAX_PROBES + 1);
	r->items = items;
	r->task_storage = fin_u8(in) & 1;
	for (size_t i = 0; i < r->n; i++) {
		struct vt_probe_status *p = &items[i];

		memset(p, 0, sizeof(*p));
		for (int k = 0; k < 2; k++) {
			fin_kstr(in, probe_names[i][k], sizeof(probe_names[i][k]) - 1);
			probe_names[i][k][sizeof(probe_names[i][k]) - 1] = '\0';
		}
		p->operation = fin_u8(in) == 0xff ? NULL : probe_names[i][0];
		p->function = fin_u8(in) == 0xff ? NULL : probe_names[i][1];
		p->mode = (enum vt_probe_mode)(fin_u8(in) % 6);
		p->attached = (int)fin_le(in, 1);
		fin_kstr(in, p->reason, 16);
		if (fin_u8(in) & 1)
			fin_raw(in, p->reason, sizeof(p->reason));
	}
}

/* The event lines as `vfio-trace events` writes them: built in a buffer. */
static int text_event(FILE *f, const struct vt_trace_event *ev, __u64 start_ns, const char *vm)
{
	char line[VT_EVENT_LINE_MAX];

	fwrite(line, 1, render_text_event_line(line, ev, start_ns, vm), f);
	return ferror(f) ? -EIO : 0;
}

static int json_event(FILE *f, const struct vt_trace_event *ev, const char *vm)
{
	char line[VT_EVENT_JSON_MAX];

	fwrite(line, 1, render_json_event_line(line, ev, vm), f);
	return ferror(f) ? -EIO : 0;
}

/* A slow operation around @ev, with frames of any bytes (names are C strings:
 * no NUL inside). */
static char frame_names[VT_SLOW_STACK_DEPTH * 256];

static void fin_slow(struct fin *in, const struct vt_trace_event *ev, struct vt_slow_event *se,
		     struct vt_frames *f)
{
	memset(se, 0, sizeof(*se));
	se->head = *ev;
	se->head.kind = VT_EV_SLOW;
	se->slow_kind =
		fin_u8(in) < 0xf0 ? fin_u8(in) % (VT_SLOW_KIND_MAX + 1) : (__u32)fin_le(in, 4);
	se->detail = fin_u8(in) < 0xf0 ? fin_u8(in) % 8 : (__u32)fin_le(in, 4);
	se->ret = (__s64)fin_value(in);
	memset(f, 0, sizeof(*f));
	f->names = frame_names;
	f->n = fin_u8(in) % (VT_SLOW_STACK_DEPTH + 1);
	for (unsigned int i = 0; i < f->n; i++) {
		char *name = frame_names + f->len;
		size_t len = fin_u8(in) & 1 ? 255 : fin_u8(in) % 64;

		fin_kstr(in, name, len + 1);
		name[len] = '\0';
		f->len += strlen(name) + 1;
	}
}

/* A line in a buffer with a guard past its room: the renderer must stay in
 * the room its header promises. */
#define GUARD 64

static int slow_line(FILE *f, const struct vt_slow_event *se, const struct vt_frames *frames,
		     __u64 start_ns, const char *vm, bool json)
{
	static char line[VT_SLOW_EVENT_LINE_MAX + VT_SLOW_EVENT_JSON_MAX + GUARD];
	size_t room = json ? VT_SLOW_EVENT_JSON_MAX : VT_SLOW_EVENT_LINE_MAX, n;

	memset(line + room, 0x5a, GUARD);
	n = json ? render_json_slow_line(line, se, frames, vm)
		 : render_text_slow_line(line, se, frames, start_ns, vm);
	for (size_t i = 0; i < GUARD; i++)
		if (n > room || line[room + i] != 0x5a) {
			fprintf(stderr, "fuzz_render: slow line past its room of %zu\n", room);
			abort();
		}
	fwrite(line, 1, n, f);
	return ferror(f) ? -EIO : 0;
}

/* `top`'s rows of the snapshot as an interval, in a view of any size. */
static int top_view(FILE *f, const struct vt_snapshot *snap, struct fin *in)
{
	struct vt_top_view v = { 0 };
	struct vt_top t;
	int err;

	if (vt_top_build(&t, snap, fin_value(in)))
		return -ENOMEM;
	v.by = (enum vt_top_sort)(fin_u8(in) % VT_TOP_SORT_MAX);
	v.reverse = fin_u8(in) & 1;
	v.width = fin_u8(in);
	v.max_rows = fin_u8(in) % 4;
	v.keys = fin_u8(in) & 1;
	v.wall_time = (double)(fin_le(in, 4));
	vt_top_sort(&t, v.by, v.reverse);
	err = render_text_top(f, &t, &v);
	vt_top_free(&t);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vt_dev_snapshot devs[MAX_DEVS];
	static struct vt_proc_snapshot procs[MAX_PROCS];
	struct vt_probe_status items[MAX_PROBES];
	struct vt_probe_report probes;
	struct vt_render_opts opts = { 0 };
	struct vt_snapshot snap = { 0 };
	struct vt_trace_event ev;
	char vm[VT_VM_NAME_LEN];
	struct fin in = { data, size };
	uint8_t flags = fin_u8(&in), what = flags >> 6;
	size_t len;

	opts.unit = (enum vt_unit)((flags >> 4) & 3);
	opts.timestamp = flags & 4;
	opts.per_result = flags & 8;
	opts.top_procs = fin_u8(&in);

	fin_snapshot_globals(&in, &snap);
	snap.ndevs = fin_u8(&in) % (MAX_DEVS + 1);
	snap.devs = snap.ndevs ? devs : NULL;
	for (size_t i = 0; i < snap.ndevs; i++)
		fin_device(&in, &devs[i]);
	snap.nprocs = fin_u8(&in) % (MAX_PROCS + 1);
	snap.procs = snap.nprocs ? procs : NULL;
	for (size_t i = 0; i < snap.nprocs; i++)
		fin_proc(&in, &procs[i]);
	fin_probes(&in, &probes, items);
	fin_event(&in, &ev);
	snap.interval = flags & 1;
	snap.probes = flags & 2 ? &probes : NULL;

	if (what == 0 || what == 3) {
		len = RENDER("render_text", render_text(f, &snap, &opts));
		check("render_text", text_check, len);
		if (snap.probes) {
			len = RENDER("render_text_probes", render_text_probes(f, &snap));
			check("render_text_probes", text_check, len);
		}
	}
	if (what == 1 || what == 3) {
		len = RENDER("render_json", render_json(f, &snap));
		check("render_json", json_check_line, len);
		if (snap.probes) {
			len = RENDER("render_json_probes", render_json_probes(f, &snap));
			check("render_json_probes", json_check_line, len);
		}
	}
	if (what == 2 || what == 3) {
		const struct prom_options compact = { .series = PROM_SERIES_COMPACT };

		len = RENDER("render_prom", render_prom(f, &snap));
		check("render_prom", prom_check, len);
		len = RENDER("render_prom_compact", render_prom_with(f, &snap, &compact));
		check("render_prom_compact", prom_check, len);
	}

	/* A VM name as the cache hands it over: NUL-terminated, any bytes. */
	fin_kstr(&in, vm, sizeof(vm));
	len = RENDER("render_json_event_line", json_event(f, &ev, vm));
	check("render_json_event_line", json_check_line, len);

	len = RENDER("render_text_event_line", text_event(f, &ev, fin_value(&in), vm));
	check("render_text_event_line", one_line, len);

	len = RENDER("render_text_event_header", render_text_event_header(f));
	check("render_text_event_header", one_line, len);

	{
		struct vt_slow_event se;
		struct vt_frames frames;
		__u64 start = fin_value(&in);

		fin_slow(&in, &ev, &se, &frames);
		len = RENDER("render_text_slow_line", slow_line(f, &se, &frames, start, vm, false));
		check("render_text_slow_line", one_line, len);
		len = RENDER("render_json_slow_line", slow_line(f, &se, &frames, start, vm, true));
		check("render_json_slow_line", json_check_line, len);
	}

	len = RENDER("render_text_top", top_view(f, &snap, &in));
	check("render_text_top", text_check, len);
	return 0;
}
