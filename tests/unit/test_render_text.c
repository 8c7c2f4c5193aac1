// SPDX-License-Identifier: GPL-2.0
/* The terminal summary and event lines: golden files plus the 80-column rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "render_text.h"

static char *render(const struct vt_snapshot *s, const struct vt_render_opts *o, size_t *len)
{
	struct membuf m;

	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text(m.f, s, o), 0);
	membuf_close(&m);
	*len = m.len;
	return m.buf;
}

static void assert_narrow(const char *text)
{
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");

		if (n >= 80)
			fail_msg("line wider than 79 columns: %.*s", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static void test_golden_default(void **state)
{
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	out = render(&s, NULL, &len);
	assert_golden("fixture.txt", out, len);
	assert_narrow(out);
	assert_non_null(strstr(out, "lost: ringbuf_full 3, missed_start 1\n"));
	/* kernel strings cannot put control bytes on the terminal */
	assert_non_null(strstr(out, " we\"ird\\?? "));
	free(out);
	snapshot_free(&s);
}

/* A quiet device is one line; per-result histograms; msecs; -T. */
static void test_golden_quiet_ms(void **state)
{
	struct vt_render_opts o = {
		.unit = VT_UNIT_MS, .timestamp = 1, .per_result = 1, .top_procs = 1
	};
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	memset(&s.devs[1].stats, 0, sizeof(s.devs[1].stats));
	memset(s.lost, 0, sizeof(s.lost));
	out = render(&s, &o, &len);
	assert_golden("fixture-quiet-ms.txt", out, len);
	assert_narrow(out);
	assert_non_null(strstr(out, "\n22:13:20\n"));
	assert_non_null(strstr(out, "\n" FIX_B_BDF ": no activity\n"));
	assert_null(strstr(out, "lost"));
	assert_null(strstr(out, "5001")); /* top_procs = 1 */
	free(out);
	snapshot_free(&s);
}

/* A reset as the last cause names the device's reset method when the
 * kernel gave one, and says nothing of it when it did not. */
static void test_reset_cause_method(void **state)
{
	struct vt_disable_record *last;
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	last = &s.devs[0].info.last_disable;
	last->cause = VT_OFF_RESET;
	s.devs[0].stats.zaps[VT_ZAP_RESET] = 1;
	out = render(&s, NULL, &len);
	assert_non_null(
		strstr(out, "  memory last off by qemu-system-x86[4242], reset (flr), for "));
	free(out);
	s.devs[0].reset_method[0] = '\0';
	out = render(&s, NULL, &len);
	assert_non_null(strstr(out, "  memory last off by qemu-system-x86[4242], reset, for "));
	free(out);
	/* A config write is no reset: no method beside it. */
	snprintf(s.devs[0].reset_method, sizeof(s.devs[0].reset_method), "flr");
	last->cause = VT_OFF_COMMAND;
	out = render(&s, NULL, &len);
	assert_non_null(strstr(out, "  memory last off by qemu-system-x86[4242], command, for "));
	free(out);
	snapshot_free(&s);
}

/* A hot reset called on another device of its set names that device; one
 * called on this device says nothing more. */
static void test_hot_reset_via(void **state)
{
	struct vt_disable_record *last;
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	last = &s.devs[0].info.last_disable;
	last->cause = VT_OFF_HOT_RESET;
	s.devs[0].stats.zaps[VT_ZAP_HOT_RESET] = 1;
	snprintf(s.devs[0].off_via, sizeof(s.devs[0].off_via), "0000:3b:00.1");
	out = render(&s, NULL, &len);
	assert_non_null(strstr(
		out,
		"  memory last off by qemu-system-x86[4242], hot_reset via 0000:3b:00.1, for "));
	free(out);
	snprintf(s.devs[0].off_via, sizeof(s.devs[0].off_via), "%s", s.devs[0].info.bdf);
	out = render(&s, NULL, &len);
	assert_non_null(strstr(out, "  memory last off by qemu-system-x86[4242], hot_reset, for "));
	free(out);
	snapshot_free(&s);
}

static void test_nsecs_and_empty(void **state)
{
	struct vt_render_opts o = { .unit = VT_UNIT_NS };
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	out = render(&s, &o, &len);
	assert_narrow(out);
	assert_non_null(strstr(out, "     nsecs               : count    distribution\n"));
	free(out);
	snapshot_free(&s);

	memset(&s, 0, sizeof(s));
	out = render(&s, NULL, &len);
	assert_string_equal(out, "\nno vfio-pci devices seen\n");
	free(out);
}

static void test_events_golden(void **state)
{
	struct vt_trace_event dis, bus;
	struct membuf m;

	fixture_event_disable(&dis);
	fixture_event_sigbus(&bus);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text_event_header(m.f), 0);
	fixture_text_event(m.f, &dis, 1000000000ULL);
	fixture_text_event(m.f, &bus, 1000000000ULL);
	/* an event older than the start prints as time 0, not as 2^64 ns */
	fixture_text_event(m.f, &bus, 3000000000ULL);
	membuf_close(&m);
	assert_golden("events.txt", m.buf, m.len);
	membuf_free(&m);
}

/* Odd values in every field; the golden was made by the renderer that
 * formatted with printf, before the line was built by hand. */
static void test_events_odd(void **state)
{
	struct vt_trace_event ev;
	struct membuf m;

	assert_non_null(membuf_open(&m));
	for (int i = 0; fixture_event_odd(i, &ev) == 0; i++)
		fixture_text_event(m.f, &ev, 0);
	membuf_close(&m);
	assert_golden("events-odd.txt", m.buf, m.len);
	membuf_free(&m);
}

/* The probe report: one aligned row per probe (the first column as wide as
 * the longest operation name), then the per-thread state.
 * The names are string literals, as in probes.c: under ASan (make san) this
 * also checks that nothing reads past them. */
static void test_probes(void **state)
{
	struct vt_snapshot s = { 0 };
	struct membuf m;

	fixture_add_probes(&s);
	s.probes->task_storage = true;
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text_probes(m.f, &s), 0);
	membuf_close(&m);
	assert_string_equal(
		m.buf,
		"OPERATION        FUNCTION                             MODE         STATUS       REASON\n"
		"fault            vfio_pci_mmap_huge_fault             fentry       attached     "
		"fentry: module BTF for vfio_pci_core\n"
		"memory_lock_wait contention_begin                     tracepoint   attached     "
		"tp_btf with a lock address filter\n"
		"pin              vfio_pin_pages_remote                none         unavailable  "
		"not in kallsyms (vfio_iommu_type1 not loaded?)\n"
		"\nper-thread state: task local storage\n");
	membuf_free(&m);
	snapshot_free(&s);
}

static void test_bad_args(void **state)
{
	struct vt_snapshot s = { .ndevs = 1, .devs = NULL };
	assert_int_equal(render_text(NULL, &s, NULL), -EINVAL);
	assert_int_equal(render_text(stdout, NULL, NULL), -EINVAL);
	assert_int_equal(render_text(stdout, &s, NULL), -EINVAL);
	assert_int_equal(render_text_event_header(NULL), -EINVAL);
	assert_int_equal(render_text_probes(stdout, &s), -EINVAL);
}

int run_render_text_tests(void)
{
	const struct CMUnitTest text[] = {
		cmocka_unit_test(test_golden_default),	cmocka_unit_test(test_golden_quiet_ms),
		cmocka_unit_test(test_nsecs_and_empty), cmocka_unit_test(test_events_golden),
		cmocka_unit_test(test_events_odd),	cmocka_unit_test(test_probes),
		cmocka_unit_test(test_bad_args),	cmocka_unit_test(test_reset_cause_method),
		cmocka_unit_test(test_hot_reset_via),
	};

	return cmocka_run_group_tests(text, NULL, NULL);
}
