// SPDX-License-Identifier: GPL-2.0
/*
 * The value parsers behind -d, -p, --count, --interval, --duration and the
 * positionals: vt_parse_bdf(), vt_parse_ulong(), vt_parse_seconds(). The first
 * byte selects the parser (% 3); for vt_parse_ulong the next two bytes pick
 * the range; the rest, up to its first NUL, is the string.
 *
 * vt_parse_bdf and vt_parse_ulong are checked against oracles written here
 * from their specification (the set of strings accepted, and the value);
 * vt_parse_seconds against its promises: a finite number in [0.001, 86400], from a
 * string starting with a digit or a point.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define FUZZ_NAME "fuzz_values"
#include "fuzz_fail.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1..max hex digits then the separator; advances *s past the separator. */
static int hex_then(const char **s, int max, char sep, unsigned long *v)
{
	int n = 0;

	*v = 0;
	while (hexval(**s) >= 0) {
		if (++n > max)
			return 0;
		*v = *v * 16 + hexval(**s);
		(*s)++;
	}
	if (!n || **s != sep)
		return 0;
	if (sep)
		(*s)++;
	return 1;
}

/* [DDDD:]BB:DD.F, hex, domain 1-4 digits, bus and device 1-2, device <= 0x1f,
 * function 0-7; into the kernel's dev_name() form. */
static int oracle_bdf(const char *s, char out[VT_BDF_LEN])
{
	unsigned long dom = 0, bus, dev, fn;
	const char *p = s;

	/* the domain is there when two colons are */
	if (strchr(s, ':') && strchr(strchr(s, ':') + 1, ':')) {
		if (!hex_then(&p, 4, ':', &dom))
			return 0;
	}
	if (!hex_then(&p, 2, ':', &bus) || !hex_then(&p, 2, '.', &dev) || dev > 0x1f)
		return 0;
	if (p[0] < '0' || p[0] > '7' || p[1])
		return 0;
	fn = p[0] - '0';
	snprintf(out, VT_BDF_LEN, "%04lx:%02lx:%02lx.%lu", dom, bus, dev, fn);
	return 1;
}

static void check_bdf(const char *s)
{
	char got[VT_BDF_LEN], want[VT_BDF_LEN];
	int r = vt_parse_bdf(s, got), ok = oracle_bdf(s, want);

	if (r != 0 && r != -EINVAL)
		FAIL("vt_parse_bdf('%s') returned %d", s, r);
	if ((r == 0) != ok)
		FAIL("vt_parse_bdf('%s') %s, the oracle %s", s, r ? "refused" : "accepted",
		     ok ? "accepts" : "refuses");
	if (ok && strcmp(got, want))
		FAIL("vt_parse_bdf('%s') = '%s', want '%s'", s, got, want);
}

static void check_ulong(const char *s, unsigned long min, unsigned long max)
{
	unsigned long got = 12345, want = 0;
	int r = vt_parse_ulong(s, min, max, &got), ok = s[0] != '\0';

	for (const char *p = s; *p && ok; p++) {
		if (!isdigit((unsigned char)*p) || want > (~0UL - (unsigned long)(*p - '0')) / 10)
			ok = 0; /* not a digit, or too large for unsigned long */
		else
			want = want * 10 + (unsigned long)(*p - '0');
	}
	ok = ok && want >= min && want <= max;
	if (r != 0 && r != -EINVAL)
		FAIL("vt_parse_ulong('%s') returned %d", s, r);
	if ((r == 0) != ok)
		FAIL("vt_parse_ulong('%s', %lu, %lu) %s, the oracle %s", s, min, max,
		     r ? "refused" : "accepted", ok ? "accepts" : "refuses");
	if (ok && got != want)
		FAIL("vt_parse_ulong('%s') = %lu, want %lu", s, got, want);
	if (!ok && got != 12345)
		FAIL("vt_parse_ulong('%s') wrote its output on failure", s);
}

static void check_seconds(const char *s)
{
	double v = -1;
	int r = vt_parse_seconds(s, &v);

	if (r != 0 && r != -EINVAL)
		FAIL("vt_parse_seconds('%s') returned %d", s, r);
	if (r) {
		if (v != -1)
			FAIL("vt_parse_seconds('%s') wrote its output on failure", s);
		return;
	}
	if (!isfinite(v) || v < 0.001 || v > 86400)
		FAIL("vt_parse_seconds('%s') = %g", s, v);
	/* Plain decimals only: no sign, exponent, hex or word. */
	if (strspn(s, "0123456789.") != strlen(s))
		FAIL("vt_parse_seconds('%s') accepted more than a plain decimal", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long ranges[][2] = {
		{ 1, 4194304 },
		{ 1, 1000000000UL },
		{ 0, ~0UL },
		{ 5, 5 },
	};
	unsigned long min, max;
	uint8_t sel;
	char *s;

	if (size < 3)
		return 0;
	sel = data[0] % 3;
	min = ranges[data[1] % 4][0];
	max = ranges[data[2] % 4][1];
	data += 3;
	size -= 3;
	/* each string in a block of its exact size, so ASan sees overreads */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	switch (sel) {
	case 0: check_bdf(s); break;
	case 1: check_seconds(s); break;
	default: check_ulong(s, min, max); break;
	}
	free(s);
	return 0;
}
