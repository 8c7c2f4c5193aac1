// SPDX-License-Identifier: GPL-2.0
/* --min-latency's slow-operation lines, text and JSON: goldens of each kind,
 * a stack too long for the line, a stack the kernel could not walk, and the
 * durations --min-latency takes. */
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "cli.h"
#include "render_json.h"
#include "render_text.h"

static char frame_names[] = "__do_fault+0x36\0do_fault+0x1d3\0__handle_mm_fault+0x5c2\0"
			    "handle_mm_fault+0xe2\0do_user_addr_fault+0x1b8\0"
			    "exc_page_fault+0x70\0asm_exc_page_fault+0x26";

static void slow_fault(struct vt_slow_event *se, struct vt_frames *f)
{
	memset(se, 0, sizeof(*se));
	fixture_event_sigbus(&se->head);
	se->head.kind = VT_EV_SLOW;
	se->head.value = 12345678; /* 12.3 ms */
	se->head.disabled_ts_ns = 0;
	se->slow_kind = VT_SLOW_FAULT;
	se->detail = VT_ORDER_PAGE;
	se->ret = 0x100; /* VM_FAULT_NOPAGE */
	se->nframes = 7;
	f->names = frame_names;
	f->len = sizeof(frame_names);
	f->n = 7;
}

/* One line of each kind, text then JSON, into @m. */
static void render_kinds(struct membuf *m, bool json)
{
	static char line[VT_SLOW_EVENT_LINE_MAX > VT_SLOW_EVENT_JSON_MAX ? VT_SLOW_EVENT_LINE_MAX
									 : VT_SLOW_EVENT_JSON_MAX];
	struct vt_slow_event se;
	struct vt_frames f, none = { 0 };
	size_t n;

	for (int k = 0; k < VT_SLOW_KIND_MAX; k++) {
		slow_fault(&se, &f);
		se.slow_kind = (__u32)k;
		if (k == VT_SLOW_ZAP) {
			se.detail = VT_ZAP_CONFIG_WRITE;
			se.head.bar = VT_MAX_BARS;
		} else if (k == VT_SLOW_RESET) {
			se.detail = VT_PATH_HOT_RESET;
			se.ret = -16; /* -EBUSY */
			se.head.bar = VT_MAX_BARS;
		} else if (k == VT_SLOW_PIN) {
			se.detail = VT_PIN_TYPE1;
			se.ret = 512;
			se.head.bar = VT_MAX_BARS;
			memset(se.head.bdf, 0, sizeof(se.head.bdf));
		}
		n = json ? render_json_slow_line(line, &se, k == VT_SLOW_PIN ? &none : &f,
						 k ? NULL : "web1")
			 : render_text_slow_line(line, &se, k == VT_SLOW_PIN ? &none : &f,
						 1000000000ULL, k ? NULL : "web1");
		fwrite(line, 1, n, m->f);
	}
}

static void test_golden_text(void **state)
{
	struct membuf m;

	(void)state;
	assert_non_null(membuf_open(&m));
	render_kinds(&m, false);
	membuf_close(&m);
	assert_golden("slow-events.txt", m.buf, m.len);
	membuf_free(&m);
}

static void test_golden_json(void **state)
{
	struct membuf m;

	(void)state;
	assert_non_null(membuf_open(&m));
	render_kinds(&m, true);
	membuf_close(&m);
	assert_golden("slow-events.ndjson", m.buf, m.len);
	membuf_free(&m);
}

/* 32 frames of 250 characters, each needing escapes in JSON: the lines stay
 * in their room, end with what was left out, and stay one line. */
static void test_long_stack(void **state)
{
	static char line[VT_SLOW_EVENT_LINE_MAX + VT_SLOW_EVENT_JSON_MAX];
	struct vt_frames f = { 0 };
	struct vt_slow_event se;
	char *names = malloc(VT_SLOW_STACK_DEPTH * 251);
	size_t n;

	(void)state;
	assert_non_null(names);
	for (int i = 0; i < VT_SLOW_STACK_DEPTH; i++) {
		memset(names + i * 251, '"', 250);
		names[i * 251 + 250] = '\0';
	}
	slow_fault(&se, &f);
	f.names = names;
	f.n = VT_SLOW_STACK_DEPTH;
	f.len = VT_SLOW_STACK_DEPTH * 251;
	memset(line, 'x', sizeof(line));
	n = render_text_slow_line(line, &se, &f, 0, "web1");
	assert_true(n <= VT_SLOW_EVENT_LINE_MAX);
	assert_int_equal(line[VT_SLOW_EVENT_LINE_MAX], 'x');
	assert_int_equal(line[n - 1], '\n');
	assert_ptr_equal(memchr(line, '\n', n), line + n - 1);
	assert_non_null(strstr(line, " <- ... [vm web1]\n"));
	memset(line, 'x', sizeof(line));
	n = render_json_slow_line(line, &se, &f, "web1");
	assert_true(n <= VT_SLOW_EVENT_JSON_MAX);
	assert_int_equal(line[VT_SLOW_EVENT_JSON_MAX], 'x');
	assert_ptr_equal(memchr(line, '\n', n), line + n - 1);
	line[n] = '\0';
	assert_non_null(strstr(line, "],\"stack_truncated\":true}}\n"));
	free(names);
}

static void expect_ns(const char *s, __u64 want)
{
	__u64 got = 0;

	if (vt_parse_duration_ns(s, &got) || got != want)
		fail_msg("'%s': %llu, want %llu", s, (unsigned long long)got,
			 (unsigned long long)want);
}

static void test_durations(void **state)
{
	static const char *const bad[] = { "",	   "0",	   "0.0001ns", "ms", "1.2.3ms", "1e3ms",
					   "-1ms", "1 ms", "1msx",     "2h", "86401s",	NULL };
	__u64 ns;

	(void)state;
	expect_ns("1ns", 1);
	expect_ns("500us", 500000);
	expect_ns("2ms", 2000000);
	expect_ns("2", 2000000); /* plain: milliseconds, as bcc's -m */
	expect_ns("1.5s", 1500000000);
	expect_ns("0.25ms", 250000);
	expect_ns("86400s", 86400000000000ULL);
	for (int i = 0; bad[i]; i++)
		if (!vt_parse_duration_ns(bad[i], &ns))
			fail_msg("'%s' taken", bad[i]);
}

int run_slow_events_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_text),
		cmocka_unit_test(test_golden_json),
		cmocka_unit_test(test_long_stack),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests_name("slow_events", tests, NULL, NULL);
}
