// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus output: a golden file for the fixture, plus the exposition rules
 * checked line by line, so a golden file updated in a hurry still cannot hide
 * a broken histogram. tests/unit/check-prom.sh runs promtool over the golden.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "hist.h"
#include "render_prom.h"

#define MAX_FAMILIES 64

struct family {
	char name[96];
	char type[256];
	int help, samples;
};

struct checker {
	struct family fam[MAX_FAMILIES];
	int nfam;
	struct family *cur;
	/* the histogram series being read: its labels but le (maybe none) */
	bool in_series;
	char series[512];
	double last_le;
	unsigned long long last_bucket, inf;
	int seen_inf, seen_sum;
};

static struct family *find_family(struct checker *c, const char *name)
{
	for (int i = 0; i < c->nfam; i++)
		if (!strcmp(c->fam[i].name, name))
			return &c->fam[i];
	return NULL;
}

static void check_comment(struct checker *c, const char *line)
{
	char name[96], rest[256];

	if (sscanf(line, "# HELP %95s %255[^\n]", name, rest) == 2) {
		/* HELP opens a family: once, and the samples of the one
		 * before are over */
		assert_null(find_family(c, name));
		assert_true(c->nfam < MAX_FAMILIES);
		/* The histogram series of the family before ended whole; the
		 * next family's may have the same labels. */
		if (c->in_series)
			assert_int_equal(c->seen_sum, 2);
		c->in_series = false;
		c->cur = &c->fam[c->nfam++];
		snprintf(c->cur->name, sizeof(c->cur->name), "%s", name);
		c->cur->help = 1;
		return;
	}
	assert_int_equal(sscanf(line, "# TYPE %95s %255s", name, rest), 2);
	assert_non_null(c->cur);
	assert_string_equal(c->cur->name, name); /* right after its HELP */
	assert_int_equal(c->cur->type[0], '\0');
	snprintf(c->cur->type, sizeof(c->cur->type), "%s", rest);
}

static int strip_suffix(char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n > s && !strcmp(name + n - s, suffix)) {
		name[n - s] = '\0';
		return 1;
	}
	return 0;
}

/* A histogram series: le strictly rising, counts never falling, +Inf last
 * and equal to _count. */
static void check_hist_sample(struct checker *c, const char *suffix, const char *labels,
			      unsigned long long v)
{
	char key[512];
	const char *le = strstr(labels, "le=\"");
	size_t keylen = le ? (size_t)(le - labels) : strlen(labels);

	if (le && keylen && labels[keylen - 1] == ',')
		keylen--;

	snprintf(key, sizeof(key), "%.*s", (int)keylen, labels);
	if (!strcmp(suffix, "_bucket")) {
		assert_non_null(le);
		if (!c->in_series || strcmp(key, c->series)) {
			/* a new series starts only after the last one ended */
			assert_true(!c->in_series || c->seen_sum == 2);
			c->in_series = true;
			snprintf(c->series, sizeof(c->series), "%s", key);
			c->last_le = -1;
			c->last_bucket = 0;
			c->seen_inf = c->seen_sum = 0;
		}
		assert_false(c->seen_inf);
		if (!strncmp(le + 4, "+Inf\"", 5)) {
			c->seen_inf = 1;
			c->inf = v;
		} else {
			double b = strtod(le + 4, NULL);

			assert_true(b > c->last_le);
			c->last_le = b;
		}
		assert_true(v >= c->last_bucket);
		c->last_bucket = v;
		return;
	}
	assert_true(c->in_series);
	assert_string_equal(key, c->series);
	assert_true(c->seen_inf);
	if (!strcmp(suffix, "_count")) {
		assert_true(v == c->inf);
		c->seen_sum++;
	} else {
		c->seen_sum++;
	}
}

static void check_sample(struct checker *c, const char *line)
{
	char name[128], labels[512] = "", value[64], extra[8];
	const char *suffix = "";
	int n;

	if (strchr(line, '{'))
		n = sscanf(line, "%127[^{]{%511[^}]} %63s %7s", name, labels, value, extra);
	else
		n = sscanf(line, "%127s %63s %7s", name, value, extra) + 1;
	assert_int_equal(n, 3); /* no timestamp after the value */

	assert_non_null(c->cur);
	assert_non_null(c->cur->type[0] ? c->cur : NULL);
	if (!strcmp(c->cur->type, "histogram")) {
		if (strip_suffix(name, "_bucket"))
			suffix = "_bucket";
		else if (strip_suffix(name, "_sum"))
			suffix = "_sum";
		else if (strip_suffix(name, "_count"))
			suffix = "_count";
		assert_string_not_equal(suffix, "");
	}
	/* samples of a family are contiguous and follow its TYPE */
	assert_string_equal(name, c->cur->name);
	c->cur->samples++;
	if (*suffix)
		check_hist_sample(c, suffix, labels, strtoull(value, NULL, 10));
}

static void check_exposition(const char *text)
{
	struct checker *c = calloc(1, sizeof(*c));
	char *copy = strdup(text), *save = NULL;

	assert_non_null(c);
	assert_non_null(copy);
	assert_true(text[strlen(text) - 1] == '\n');
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			check_comment(c, l);
		else
			check_sample(c, l);
	}
	for (int i = 0; i < c->nfam; i++) {
		struct family *f = &c->fam[i];
		size_t n = strlen(f->name);

		assert_true(f->help);
		assert_true(f->type[0]);
		if (!strcmp(f->type, "counter"))
			assert_string_equal(f->name + n - 6, "_total");
		else
			assert_string_not_equal(f->name + n - 6, "_total");
	}
	if (c->in_series)
		assert_int_equal(c->seen_sum, 2);
	free(copy);
	free(c);
}

static char *render(struct vt_snapshot *s, bool with_probes, size_t *len)
{
	struct membuf m;

	if (with_probes && !s->probes)
		fixture_add_probes(s);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_prom(m.f, s), 0);
	membuf_close(&m);
	*len = m.len;
	return m.buf;
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_golden(void **state)
{
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	out = render(&s, true, &len);
	assert_golden("fixture.prom", out, len);
	free(out);
	snapshot_free(&s);
}

static void test_structure(void **state)
{
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	out = render(&s, true, &len);
	check_exposition(out);
	free(out);

	/* nothing traced yet, and no probe report: still well formed */
	s.ndevs = 0;
	s.nprocs = 0;
	free(s.probes->items);
	free(s.probes);
	s.probes = NULL;
	out = render(&s, false, &len);
	check_exposition(out);
	assert_int_equal(count_lines_with(out, "vfio_trace_events_lost_total{"), VT_LOST_MAX);
	assert_null(strstr(out, "probe_attached"));
	free(out);
	snapshot_free(&s);
}

static void test_known_samples(void **state)
{
	struct vt_snapshot s;
	size_t len;
	char *out;

	assert_int_equal(fixture_snapshot(&s), 0);
	out = render(&s, true, &len);

	/* every device x BAR x result exists, zeros included */
	assert_int_equal(count_lines_with(out, "vfio_trace_mmap_faults_total{"),
			 2 * VT_BAR_SLOTS * VT_FAULT_RESULT_MAX);
	assert_non_null(strstr(out, "vfio_trace_mmap_faults_total{device=\"0000:3b:00.0\","
				    "bar=\"0\",result=\"nopage\"} 120\n"));
	assert_non_null(strstr(out, "vfio_trace_mmap_faults_total{device=\"0000:3b:00.0\","
				    "bar=\"unknown\",result=\"other\"} 1\n"));
	assert_non_null(strstr(out, "vfio_trace_mmap_faults_total{device=\"0000:af:00.1\","
				    "bar=\"5\",result=\"oom\"} 0\n"));
	assert_non_null(strstr(out,
			       "vfio_trace_device_info{device=\"0000:3b:00.0\","
			       "vendor=\"10de\",device_id=\"2330\",reset_method=\"flr\"} 1\n"));
	/* a method the kernel does not name is no label, not an empty one */
	assert_null(strstr(out, "reset_method=\"\""));
	/* Each path holds the lock in one mode only: one series per path. */
	assert_int_equal(count_lines_with(out, "vfio_trace_memory_lock_hold_seconds_count{"),
			 2 * VT_PATH_MAX);
	assert_null(strstr(out, "mode=\"write\",path=\"fault\""));
	assert_non_null(strstr(out, "mode=\"read\",path=\"fault\""));
	assert_non_null(strstr(out, "mode=\"write\",path=\"config_write\""));

	/* 6 s is past the last finite bucket: counted only under +Inf */
	assert_non_null(strstr(out, "vfio_trace_bar_zap_duration_seconds_bucket{"
				    "device=\"0000:af:00.1\",le=\"4.294967296\"} 0\n"));
	assert_non_null(strstr(out, "vfio_trace_bar_zap_duration_seconds_bucket{"
				    "device=\"0000:af:00.1\",le=\"+Inf\"} 1\n"));
	assert_non_null(strstr(out, "vfio_trace_bar_zap_duration_seconds_sum{"
				    "device=\"0000:af:00.1\"} 6\n"));
	/* 1.9 us faults are under le 4.096 us, not under 1.024 us; 2.048 us
	 * is a log2 bound but not an exported one */
	assert_non_null(strstr(out, "vfio_trace_mmap_fault_duration_seconds_bucket{"
				    "device=\"0000:3b:00.0\",le=\"0.000001024\"} 3\n"));
	assert_non_null(strstr(out, "vfio_trace_mmap_fault_duration_seconds_bucket{"
				    "device=\"0000:3b:00.0\",le=\"0.000004096\"} 106\n"));
	assert_null(strstr(out, "le=\"0.000002048\""));

	assert_non_null(strstr(out, "vfio_trace_probe_attached{operation=\"pin\","
				    "function=\"vfio_pin_pages_remote\",mode=\"none\"} 0\n"));
	assert_non_null(strstr(out, "vfio_trace_events_lost_total{reason=\"nested\"} 0\n"));
	free(out);
	snapshot_free(&s);
}

static void test_label_escaping(void **state)
{
	struct vt_dev_snapshot dev = { 0 };
	struct vt_probe_status item = {
		.operation = "op\"1", .function = "fn\\x\ny", .mode = VT_PROBE_KPROBE, .attached = 1
	};
	struct vt_probe_report probes = { .n = 1, .items = &item };
	struct vt_snapshot s = { .ndevs = 1, .devs = &dev, .probes = &probes };
	size_t len;
	char *out;

	/* all VT_BDF_LEN bytes used, no NUL, and a byte that is not UTF-8 */
	memcpy(dev.info.bdf,
	       "a\"b\\c\nd\xff"
	       "01234567",
	       VT_BDF_LEN);
	out = render(&s, false, &len);
	assert_non_null(strstr(out, "device=\"a\\\"b\\\\c\\nd\xef\xbf\xbd"
				    "01234567\""));
	assert_non_null(strstr(out, "operation=\"op\\\"1\",function=\"fn\\\\x\\ny\""));
	check_exposition(out);
	free(out);
}

/* The exported buckets, each bound against values on both sides of it: 4^k
 * ns from 256 ns to 2^32 ns and +Inf, with values under 256 ns in the first. */
static void test_bucket_layout(void **state)
{
	static const __u64 values[] = { 0,	   255,	 256,  1023,
					1024,	   4095, 4096, (1ULL << 32) - 1,
					1ULL << 32 };
	static const char *const want[] = {
		"le=\"0.000000256\"} 2\n", "le=\"0.000001024\"} 4\n", "le=\"0.000004096\"} 6\n",
		"le=\"0.000016384\"} 7\n", "le=\"0.000065536\"} 7\n", "le=\"0.000262144\"} 7\n",
		"le=\"0.001048576\"} 7\n", "le=\"0.004194304\"} 7\n", "le=\"0.016777216\"} 7\n",
		"le=\"0.067108864\"} 7\n", "le=\"0.268435456\"} 7\n", "le=\"1.073741824\"} 7\n",
		"le=\"4.294967296\"} 8\n", "le=\"+Inf\"} 9\n",
	};
	struct vt_dev_snapshot dev = { 0 };
	struct vt_snapshot s = { .ndevs = 1, .devs = &dev };
	const char *name = "vfio_trace_bar_zap_duration_seconds_bucket{device=\"0000:01:00.0\",";
	const char *p;
	size_t len;
	char *out;

	memcpy(dev.info.bdf, "0000:01:00.0", 13);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		hist_record(&dev.stats.zap_ns, values[i]);
	out = render(&s, false, &len);
	check_exposition(out);
	assert_int_equal(count_lines_with(out, name), 14);
	/* in this order, one line each */
	p = out;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char line[160];

		snprintf(line, sizeof(line), "%s%s", name, want[i]);
		p = strstr(p, line);
		assert_non_null(p);
		p++;
	}
	free(out);
}

/* The lines of @text that name @bdf, in order, with the BDF written as "@".
 * A malloc()ed string. */
static char *device_lines(const char *text, const char *bdf)
{
	char needle[64], *out = malloc(strlen(text) + 1), *o = out;

	assert_non_null(out);
	snprintf(needle, sizeof(needle), "device=\"%s\"", bdf);
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n'), *at;

		end = end ? end + 1 : line + strlen(line);
		/* within the line: strstr() would run on through the text */
		at = memmem(line, (size_t)(end - line), needle, strlen(needle));
		if (at) {
			memcpy(o, line, (size_t)(at - line));
			o += at - line;
			o += sprintf(o, "device=\"@\"");
			at += strlen(needle);
			memcpy(o, at, (size_t)(end - at));
			o += end - at;
		}
		line = end;
	}
	*o = '\0';
	return out;
}

/* A dozen devices, several times the output buffer's size of text: every
 * device's lines are what one device alone gives, in the same order, and the
 * other lines are the same too. */
static void test_many_devices(void **state)
{
	enum {
		NDEVS = 40
	};
	struct vt_snapshot one, many;
	char *ref, *out, *ref_dev, bdf[16];
	size_t len;

	assert_int_equal(fixture_snapshot(&one), 0);
	one.ndevs = 1; /* device A */
	ref = render(&one, true, &len);
	ref_dev = device_lines(ref, FIX_A_BDF);
	assert_true(strlen(ref_dev) > 1000);

	assert_int_equal(fixture_snapshot(&many), 0);
	fixture_add_probes(&many);
	many.devs = realloc(many.devs, NDEVS * sizeof(*many.devs));
	assert_non_null(many.devs);
	for (size_t i = 1; i < NDEVS; i++)
		many.devs[i] = many.devs[0];
	for (size_t i = 0; i < NDEVS; i++) {
		snprintf(bdf, sizeof(bdf), "0000:%02zx:%02zx.0", i / 32, i % 32);
		memcpy(many.devs[i].info.bdf, bdf, sizeof(many.devs[i].info.bdf));
	}
	many.ndevs = NDEVS;
	out = render(&many, false, &len);
	assert_true(len > 4 * 64 * 1024); /* many times the output buffer */
	check_exposition(out);
	/* through buffers too small for a line or a bucket line's prefix, and
	 * odd sizes that put each flush somewhere else: the same bytes */
	for (size_t b = 0; b < 6; b++) {
		static const size_t sizes[] = { 1, 2, 61, 100, 257, 4093 };
		struct membuf m;
		struct prom_options opts = { .buffer = sizes[b] };

		assert_non_null(membuf_open(&m));
		assert_int_equal(render_prom_with(m.f, &many, &opts), 0);
		membuf_close(&m);
		assert_int_equal(m.len, len);
		assert_memory_equal(m.buf, out, len);
		free(m.buf);
	}
	for (size_t i = 0; i < NDEVS; i++) {
		char *got;

		snprintf(bdf, sizeof(bdf), "0000:%02zx:%02zx.0", i / 32, i % 32);
		got = device_lines(out, bdf);
		assert_string_equal(got, ref_dev);
		free(got);
	}
	/* and the lines of no device: headers, pins, losses, probes */
	assert_int_equal(count_lines_with(out, "# TYPE "), count_lines_with(ref, "# TYPE "));
	assert_int_equal(count_lines_with(out, "\n"),
			 count_lines_with(ref, "\n") +
				 (NDEVS - 1) * count_lines_with(ref_dev, "\n"));
	free(ref_dev);
	free(out);
	free(ref);
	snapshot_free(&many);
	one.ndevs = 2;
	snapshot_free(&one);
}

/* The label compact series drop from @line's series, summing over it: the
 * device from a histogram (every one vfio-trace exports is in seconds), the
 * BAR from a fault counter; NULL for a line they keep as it is. */
static const char *summed_label(const char *line)
{
	static const char *const suffixes[] = { "_seconds_bucket", "_seconds_sum",
						"_seconds_count" };
	size_t n = strcspn(line, "{ ");

	if (line[0] == '#')
		return NULL;
	if (!strncmp(line, "vfio_trace_mmap_faults_total{", 29))
		return "bar";
	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(suffixes[i]);

		if (n >= k && !strncmp(line + n - k, suffixes[i], k))
			return "device";
	}
	return NULL;
}

struct summed {
	char key[256]; /* the line up to its value, without the summed label */
	double value;
	int parts;
};

/* @line's series without its @label="..." (if it has one), and its value. */
static void series_key(const char *line, const char *label, char *key, size_t len, double *value)
{
	const char *sp = strrchr(line, ' ');
	char buf[256], pat[32], *at;

	assert_non_null(sp);
	assert_true((size_t)(sp - line) < sizeof(buf));
	memcpy(buf, line, (size_t)(sp - line));
	buf[sp - line] = '\0';
	snprintf(pat, sizeof(pat), "%s=\"", label);
	at = strstr(buf, pat);
	if (at && (at[-1] == '{' || at[-1] == ',')) {
		char *end = strchr(at + strlen(pat), '"');

		assert_non_null(end);
		end++;
		if (*end == ',')
			end++;
		else if (at[-1] == ',')
			at--;
		memmove(at, end, strlen(end) + 1);
	}
	at = strstr(buf, "{}");
	if (at)
		*at = '\0';
	snprintf(key, len, "%s", buf);
	*value = strtod(sp + 1, NULL);
}

static char *render_series(const struct vt_snapshot *s, enum prom_series series)
{
	struct prom_options opts = { .series = series };
	struct membuf m;

	assert_non_null(membuf_open(&m));
	assert_int_equal(render_prom_with(m.f, s, &opts), 0);
	membuf_close(&m);
	return m.buf;
}

/* The next line of the full text that compact series keep as it is. */
static char *next_kept(char *line, char **save)
{
	while (line && summed_label(line))
		line = strtok_r(NULL, "\n", save);
	return line;
}

/* --series compact: each histogram series is the sum over the devices of
 * the full output's, bucket by bucket, without a device label; each fault
 * counter the sum over the device's BARs; every other line is the full
 * output's, in its order. */
static void test_compact_series(void **state)
{
	enum {
		MAX_SUMS = 512
	};
	struct summed *sums = calloc(MAX_SUMS, sizeof(*sums));
	char *full, *compact, *fsave, *csave, *f, *c, key[256];
	struct vt_snapshot s;
	int nsums = 0, ncompact = 0, i;
	double v;

	assert_non_null(sums);
	assert_int_equal(fixture_snapshot(&s), 0);
	fixture_add_probes(&s);
	assert_true(s.ndevs >= 2);
	full = render_series(&s, PROM_SERIES_FULL);
	compact = render_series(&s, PROM_SERIES_COMPACT);
	check_exposition(compact);
	for (f = strtok_r(full, "\n", &fsave); f; f = strtok_r(NULL, "\n", &fsave)) {
		const char *label = summed_label(f);

		if (!label)
			continue;
		series_key(f, label, key, sizeof(key), &v);
		for (i = 0; i < nsums && strcmp(sums[i].key, key); i++)
			;
		if (i == nsums) {
			assert_true(nsums < MAX_SUMS);
			snprintf(sums[nsums++].key, sizeof(sums[0].key), "%s", key);
		}
		sums[i].value += v;
		sums[i].parts++;
	}
	assert_true(nsums > 100);

	free(full);
	full = render_series(&s, PROM_SERIES_FULL);
	f = next_kept(strtok_r(full, "\n", &fsave), &fsave);
	for (c = strtok_r(compact, "\n", &csave); c; c = strtok_r(NULL, "\n", &csave)) {
		const char *label = summed_label(c);

		if (label) {
			/* the summed label is gone */
			snprintf(key, sizeof(key), "%s=\"", label);
			assert_null(strstr(c, key));
			series_key(c, label, key, sizeof(key), &v);
			for (i = 0; i < nsums && strcmp(sums[i].key, key); i++)
				;
			assert_true(i < nsums);
			/* sums of seconds in decimal: equal to the last digit
			 * printed, not in binary */
			assert_true(v - sums[i].value < 1e-9 && sums[i].value - v < 1e-9);
			ncompact++;
			continue;
		}
		assert_non_null(f);
		if (!strncmp(c, "# HELP vfio_trace_mmap_faults_total ", 36))
			assert_string_equal(c + 36,
					    "Page faults on mmap()ed BARs, by fault result.");
		else
			assert_string_equal(c, f);
		f = next_kept(strtok_r(NULL, "\n", &fsave), &fsave);
	}
	assert_null(f);
	/* every summed series once */
	assert_int_equal(ncompact, nsums);
	free(full);
	free(compact);
	free(sums);
	snapshot_free(&s);
}

static void test_errors(void **state)
{
	struct vt_snapshot s;
	FILE *full;

	assert_int_equal(fixture_snapshot(&s), 0);
	assert_int_equal(render_prom(NULL, &s), -EINVAL);
	assert_int_equal(render_prom(stdout, NULL), -EINVAL);
	assert_int_equal(render_prom_cb(stdout, NULL), -EINVAL);
	assert_int_equal(render_prom_with(stdout, &s, &(struct prom_options){ .series = 7 }),
			 -EINVAL);

	/* a full disk shows up as such (the export says "No space left on
	 * device"), not as a short file reported good */
	full = fopen("/dev/full", "w");
	if (full) {
		assert_int_equal(render_prom(full, &s), -ENOSPC);
		fclose(full);
	}
	snapshot_free(&s);
}

int run_render_prom_tests(void)
{
	const struct CMUnitTest prom[] = {
		cmocka_unit_test(test_golden),	      cmocka_unit_test(test_structure),
		cmocka_unit_test(test_known_samples), cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_bucket_layout), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_many_devices),  cmocka_unit_test(test_compact_series),
	};

	return cmocka_run_group_tests(prom, NULL, NULL);
}
