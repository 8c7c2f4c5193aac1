// SPDX-License-Identifier: GPL-2.0
/*
 * render-cost: what `vfio-trace events` spends formatting, without a kernel.
 *
 *   render-cost text|json N
 *
 * Renders N events to /dev/null as cmd_events.c does: lines built into one
 * 64 KiB buffer, written whenever it is nearly full. The events are a fixed mix of what an EIO storm
 * produces: memory_disable, EIO reads and writes, SIGBUS faults and dropped
 * ioeventfd writes while memory is off (most with the disabling task, some
 * from before the tracer started, without), then memory_enable. The mix is
 * built once, whatever N, so two runs that differ only in N differ only in
 * rendering: bench/render-cost runs it under callgrind that way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render_json.h"
#include "render_text.h"

#define MIX 1024

#define LINE_ROOM (VT_EVENT_LINE_MAX > VT_EVENT_JSON_MAX ? VT_EVENT_LINE_MAX : VT_EVENT_JSON_MAX)

static struct vt_trace_event mix[MIX];
static char batch[1 << 16];

/* Deterministic, so every run renders the same lines. */
static __u64 next_rand(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void set_str(char *dst, size_t len, const char *s)
{
	memset(dst, 0, len);
	strncpy(dst, s, len);
}

static void build_mix(__u64 start_ns)
{
	static const char *const comms[] = { "qemu-system-x86", "CPU 0/KVM", "CPU 1/KVM" };
	static const char *const bdfs[] = { "0000:3b:00.0", "0000:af:00.1" };
	__u64 seed = 0x2545f4914f6cdd1dULL, ts = start_ns + 1234567;
	__u64 disabled_ts = 0;
	__u32 disabled_pid = 0;

	for (int i = 0; i < MIX; i++) {
		struct vt_trace_event *ev = &mix[i];
		__u64 r = next_rand(&seed);
		int step = i % 16;

		memset(ev, 0, sizeof(*ev));
		ts += 1000 + r % 50000;
		ev->ts_ns = ts;
		ev->pid = 4000 + (r >> 8) % 3000;
		ev->tid = ev->pid + (r >> 20) % 8;
		set_str(ev->comm, sizeof(ev->comm), comms[(r >> 24) % 3]);
		set_str(ev->bdf, sizeof(ev->bdf), bdfs[(r >> 28) % 2]);
		if (step == 0) {
			ev->kind = VT_EV_MEMORY_DISABLE;
			ev->bar = VT_MAX_BARS;
			ev->value = 0x0400;
			disabled_ts = ts;
			disabled_pid = ev->pid;
		} else if (step == 15) {
			ev->kind = VT_EV_MEMORY_ENABLE;
			ev->bar = VT_MAX_BARS;
			ev->value = 0x0406;
		} else {
			int k = (r >> 32) % 8;

			ev->kind = k < 5 ? VT_EV_EIO : k < 7 ? VT_EV_SIGBUS : VT_EV_IOEVENTFD_DROP;
			ev->bar = (r >> 36) % 6;
			ev->offset = ((r >> 40) % (16 << 20)) & ~3ULL;
			ev->value = ev->kind == VT_EV_EIO      ? -5
				    : ev->kind == VT_EV_SIGBUS ? 2
							       : (__s64)(r >> 48);
		}
		/* The BPF side copies the device's last disable into every
		 * event; one stream in eight began with memory already off. */
		if (i % 128 >= 16 && disabled_ts) {
			ev->disabled_ts_ns = disabled_ts;
			ev->disabled_pid = disabled_pid;
			ev->disabled_tid = disabled_pid + 1;
			set_str(ev->disabled_comm, sizeof(ev->disabled_comm), comms[0]);
		}
	}
}

int main(int argc, char **argv)
{
	__u64 start_ns = 5000000000ULL;
	size_t len = 0;
	long n;
	FILE *f;
	int json;

	if (argc != 3 || (strcmp(argv[1], "text") && strcmp(argv[1], "json"))) {
		fprintf(stderr, "usage: render-cost text|json N\n");
		return 2;
	}
	json = !strcmp(argv[1], "json");
	n = atol(argv[2]);
	f = fopen("/dev/null", "w");
	if (!f) {
		perror("/dev/null");
		return 1;
	}
	build_mix(start_ns);
	for (long i = 0; i < n; i++) {
		const struct vt_trace_event *ev = &mix[i % MIX];

		/* As `vfio-trace events` does: lines into one buffer, written
		 * when it is nearly full. */
		if (sizeof(batch) - len < LINE_ROOM) {
			fwrite(batch, 1, len, f);
			len = 0;
		}
		len += json ? render_json_event_line(batch + len, ev, NULL)
			    : render_text_event_line(batch + len, ev, start_ns, NULL);
	}
	fwrite(batch, 1, len, f);
	return ferror(f) | fclose(f) ? 1 : 0;
}
