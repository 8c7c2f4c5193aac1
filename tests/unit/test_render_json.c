// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: golden files, and every document run through a small strict
 * RFC 8259 parser, because comm and bdf can hold any byte.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "json_writer.h"
#include "render_json.h"
#include "utf8.h"

/* --- a strict validator: returns the end of the value, or NULL ----------- */

static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		const unsigned char c = (unsigned char)*p;
		size_t len;

		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		len = utf8_seq_len((const unsigned char *)p, strlen(p));
		if (!len)
			return NULL;
		p += len;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	const char *start = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p > start ? p : NULL;
}

static const char *json_members(const char *p, char close, int depth)
{
	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = json_string(ws(p));
			if (!p || *(p = ws(p)) != ':')
				return NULL;
			p++;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = ws(p);
	switch (*p) {
	case '{': return json_members(p, '}', depth);
	case '[': return json_members(p, ']', depth);
	case '"': return json_string(p);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return json_number(p);
	}
}

/* One document, on one line, ending in a newline. */
static void assert_json_line(const char *text, size_t len)
{
	const char *end;

	assert_true(len > 0 && text[len - 1] == '\n');
	assert_true(strchr(text, '\n') == text + len - 1);
	end = json_value(text, 0);
	if (!end)
		fail_msg("not valid JSON: %s", text);
	assert_true(*ws(end) == '\0');
}

/* --- tests ---------------------------------------------------------------- */

static void test_validator_rejects(void **state)
{
	static const char *const bad[] = {
		"{\"a\":1,}\n", "{\"a\" 1}\n", "[1 2]\n", "\"\x01\"\n", "\"\\x\"\n",
		"01\n",		"1.\n",	       "NaN\n",	  "\"\xff\"\n", "{\"a\":1\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *end = json_value(bad[i], 0);

		assert_true(!end || *ws(end) != '\0');
	}
}

static void test_golden_cumulative(void **state)
{
	struct vt_snapshot s;
	struct membuf m;

	assert_int_equal(fixture_snapshot(&s), 0);
	fixture_add_probes(&s);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json(m.f, &s), 0);
	membuf_close(&m);
	assert_golden("fixture.json", m.buf, m.len);
	assert_json_line(m.buf, m.len);

	assert_non_null(strstr(m.buf, "{\"time\":1700000000.250000,\"interval_s\":null,"));
	assert_non_null(strstr(m.buf, "\"fault_latency_ns\":{\"count\":166,"));
	assert_non_null(strstr(m.buf, "\"by_bar\":{\"0\":{\"nopage\":120,"));
	/* device B never had PCI_COMMAND's memory bit cleared, but was put
	 * into D3hot and is still there */
	assert_non_null(strstr(m.buf, "\"memory_enables\":0,\"d3_entries\":1,\"d3_exits\":0,"
				      "\"low_power_entries\":0,\"low_power_exits\":0,"
				      "\"memory_off_ns\":{\"count\":0,\"sum_ns\":0,\"buckets\":[]},"
				      "\"last_disable\":{\"ts_ns\":98765432100,\"pid\":777,"
				      "\"tid\":777,\"comm\":\"dpdk-testpmd\",\"cause\":\"d3hot\","
				      "\"enabled_ts_ns\":null,\"via\":null},"
				      "\"trylock_failures\":{\"hot_reset\":2,\"ioeventfd\":0,"
				      "\"zap\":0},\"blackout_ns\":{\"count\":0,\"sum_ns\":0,"
				      "\"buckets\":[]},\"blackout_failed_accesses\":0,"
				      "\"blackout_open\":false}"));
	/* device A's memory was off twice, 40 us and 1.5 ms */
	assert_non_null(strstr(m.buf, "\"memory_off_ns\":{\"count\":2,\"sum_ns\":1540000,"));
	/* the 6 s zap is in the open-ended slot */
	assert_non_null(strstr(m.buf, "{\"le_ns\":null,\"count\":1}"));
	assert_non_null(strstr(m.buf, "\"comm\":\"we\\\"ird\\\\\\u0001\\u00ff\""));
	assert_non_null(strstr(m.buf, "\"attached\":false"));
	membuf_free(&m);
	snapshot_free(&s);
}

/* A hot reset's record names the device it was called on (the snapshot
 * resolves the slot), on every device of its set. */
static void test_last_disable_via(void **state)
{
	struct vt_snapshot s;
	struct membuf m;

	assert_int_equal(fixture_snapshot(&s), 0);
	s.devs[1].info.last_disable.cause = VT_OFF_HOT_RESET;
	s.devs[1].info.last_disable.enabled_ts_ns = 98765432200ULL;
	snprintf(s.devs[1].off_via, sizeof(s.devs[1].off_via), "%s", s.devs[0].info.bdf);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json(m.f, &s), 0);
	membuf_close(&m);
	assert_json_line(m.buf, m.len);
	assert_non_null(strstr(m.buf, "\"cause\":\"hot_reset\",\"enabled_ts_ns\":98765432200,"
				      "\"via\":\"" FIX_A_BDF "\"}"));
	membuf_free(&m);
	snapshot_free(&s);
}

static void test_golden_interval(void **state)
{
	struct vt_snapshot cur, prev, d;
	struct membuf m;

	assert_int_equal(fixture_snapshot(&cur), 0);
	assert_int_equal(fixture_snapshot(&prev), 0);
	prev.mono_ns -= 2500000000ULL;
	prev.devs[0].stats.faults[0][VT_FAULT_NOPAGE] -= 7;
	assert_int_equal(snapshot_diff(&d, &cur, &prev), 0);

	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json(m.f, &d), 0);
	membuf_close(&m);
	assert_golden("fixture-interval.json", m.buf, m.len);
	assert_json_line(m.buf, m.len);
	assert_non_null(strstr(m.buf, "\"interval_s\":2.500000,"));
	assert_non_null(strstr(m.buf, "\"by_result\":{\"nopage\":7,"));
	assert_non_null(strstr(m.buf, ",\"probes\":null}\n"));
	membuf_free(&m);
	snapshot_free(&cur);
	snapshot_free(&prev);
	snapshot_free(&d);
}

static void test_events_golden(void **state)
{
	struct vt_trace_event dis, bus;
	struct membuf m;
	char *first, *second;

	fixture_event_disable(&dis);
	fixture_event_sigbus(&bus);
	assert_non_null(membuf_open(&m));
	fixture_json_event(m.f, &dis);
	fixture_json_event(m.f, &bus);
	membuf_close(&m);
	assert_golden("events.ndjson", m.buf, m.len);

	second = strchr(m.buf, '\n') + 1;
	first = strndup(m.buf, (size_t)(second - m.buf));
	assert_json_line(first, strlen(first));
	free(first);
	assert_json_line(second, strlen(second));
	assert_non_null(strstr(m.buf, "\"kind\":\"memory_disable\""));
	assert_non_null(strstr(m.buf, "\"bar\":null"));
	assert_non_null(strstr(second, "\"disabled_by\":{\"pid\":4242,\"tid\":4243,"
				       "\"comm\":\"qemu-system-x86\",\"ns_before\":500000,"
				       "\"cause\":\"command\"}"));
	membuf_free(&m);
}

/* Every byte a kernel string can hold still gives valid JSON. */
static void test_event_escaping(void **state)
{
	struct vt_trace_event ev;
	struct membuf m;

	fixture_event_sigbus(&ev);
	memcpy(ev.comm, "\x01\x1f\"\\\x7f\xc3\xa9\xff\xe2\x82", 10);
	memset(ev.comm + 10, 'z', sizeof(ev.comm) - 10); /* no NUL */
	memcpy(ev.bdf, "\n\t/\xf0\x9f\x98\x80", 8);
	ev.bdf[8] = '\0';
	assert_non_null(membuf_open(&m));
	fixture_json_event(m.f, &ev);
	membuf_close(&m);
	assert_json_line(m.buf, m.len);
	assert_non_null(strstr(m.buf, "\"comm\":\"\\u0001\\u001f\\\"\\\\\\u007f\xc3\xa9"
				      "\\u00ff\\u00e2\\u0082zzzzzz\""));
	assert_non_null(strstr(m.buf, "\"bdf\":\"\\u000a\\u0009/\xf0\x9f\x98\x80\""));
	membuf_free(&m);
}

/* As test_events_odd() in test_render_text.c: a golden from the renderer
 * that used the stream writer, and every line valid JSON. */
static void test_events_odd(void **state)
{
	struct vt_trace_event ev;
	struct membuf m;
	char *line, *nl;

	assert_non_null(membuf_open(&m));
	for (int i = 0; fixture_event_odd(i, &ev) == 0; i++)
		fixture_json_event(m.f, &ev);
	membuf_close(&m);
	assert_golden("events-odd.ndjson", m.buf, m.len);
	for (char *p = m.buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		line = strndup(p, (size_t)(nl + 1 - p));
		assert_json_line(line, strlen(line));
		free(line);
	}
	membuf_free(&m);
}

static void test_utf8_seq_len(void **state)
{
	static const struct {
		const char *s;
		size_t n, want;
	} v[] = {
		{ "a", 1, 1 },
		{ "\xc3\xa9", 2, 2 },
		{ "\xe2\x82\xac", 3, 3 },
		{ "\xf0\x9f\x98\x80", 4, 4 },
		{ "\xc0\x80", 2, 0 },
		{ "\xe0\x80\x80", 3, 0 },
		{ "\xed\xa0\x80", 3, 0 },
		{ "\xf4\x90\x80\x80", 4, 0 },
		{ "\xe2\x82", 2, 0 },
		{ "\x80", 1, 0 },
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xc3\x28", 2, 0 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(utf8_seq_len((const unsigned char *)v[i].s, v[i].n), v[i].want);
}

static void test_writer_misuse(void **state)
{
	struct json_writer w;
	struct membuf m;

	assert_non_null(membuf_open(&m));
	jw_init(&w, m.f);
	jw_begin_object(&w, NULL);
	assert_int_equal(jw_finish(&w), -EINVAL); /* unclosed */

	jw_init(&w, m.f);
	for (int i = 0; i <= JW_MAX_DEPTH; i++)
		jw_begin_array(&w, NULL);
	assert_int_equal(jw_finish(&w), -E2BIG);

	jw_init(&w, m.f);
	jw_end_array(&w);
	assert_int_equal(jw_finish(&w), -EINVAL);
	membuf_free(&m);

	assert_non_null(membuf_open(&m));
	jw_init(&w, m.f);
	jw_begin_array(&w, NULL);
	jw_double(&w, NULL, NAN, 3);
	jw_double(&w, NULL, INFINITY, 3);
	jw_string(&w, NULL, NULL);
	jw_i64(&w, NULL, -5);
	jw_end_array(&w);
	assert_int_equal(jw_finish(&w), 0);
	membuf_close(&m);
	assert_string_equal(m.buf, "[null,null,null,-5]\n");
	membuf_free(&m);

	jw_init(&w, NULL);
	assert_int_equal(jw_finish(&w), -EINVAL);
}

static void test_bad_args(void **state)
{
	struct vt_snapshot s = { .nprocs = 1, .procs = NULL };
	struct vt_probe_report r = { .n = 2, .items = NULL };
	struct vt_snapshot ok = { 0 }, bad_probes = { .probes = &r };

	assert_int_equal(render_json(NULL, &ok), -EINVAL);
	assert_int_equal(render_json(stdout, NULL), -EINVAL);
	assert_int_equal(render_json(stdout, &s), -EINVAL);
	assert_int_equal(render_json(stdout, &bad_probes), -EINVAL);
	assert_int_equal(render_json_probes(stdout, &ok), -EINVAL);
	assert_int_equal(render_json_probes(stdout, &bad_probes), -EINVAL);
}

int run_render_json_tests(void)
{
	const struct CMUnitTest json[] = {
		cmocka_unit_test(test_validator_rejects), cmocka_unit_test(test_golden_cumulative),
		cmocka_unit_test(test_golden_interval),	  cmocka_unit_test(test_last_disable_via),
		cmocka_unit_test(test_events_golden),	  cmocka_unit_test(test_event_escaping),
		cmocka_unit_test(test_events_odd),	  cmocka_unit_test(test_utf8_seq_len),
		cmocka_unit_test(test_writer_misuse),	  cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(json, NULL, NULL);
}
