// SPDX-License-Identifier: GPL-2.0
/*
 * The output checkers of check_output.h. Built without the fuzzer's coverage
 * instrumentation: they are the test, not the code under test, and
 * instrumented they took most of fuzz_render's time.
 */
#include "check_output.h"
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. Written from
 * the Unicode tables, not shared with json_writer.c. */
static size_t chk_utf8(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0; /* overlong */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

struct chk {
	const unsigned char *s;
	size_t n, i;
	const char *err;
};

static int chk_fail(struct chk *c, const char *why)
{
	if (!c->err)
		c->err = why;
	return -1;
}

static int chk_hex4(struct chk *c, uint32_t *out)
{
	*out = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char h;

		if (c->i >= c->n)
			return chk_fail(c, "json: truncated \\u escape");
		h = c->s[c->i++];
		if (h >= '0' && h <= '9')
			*out = *out * 16 + (h - '0');
		else if (h >= 'a' && h <= 'f')
			*out = *out * 16 + (h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*out = *out * 16 + (h - 'A' + 10);
		else
			return chk_fail(c, "json: bad hex digit in \\u escape");
	}
	return 0;
}

/* A string starting at the opening quote; start and len give its raw body. */
static int chk_json_string(struct chk *c, size_t *start, size_t *len)
{
	c->i++; /* the quote */
	*start = c->i;
	while (c->i < c->n) {
		unsigned char ch = c->s[c->i];
		size_t l;

		if (ch == '"') {
			*len = c->i - *start;
			c->i++;
			return 0;
		}
		if (ch < 0x20)
			return chk_fail(c, "json: raw control character in a string");
		if (ch == '\\') {
			uint32_t u, lo;

			if (++c->i >= c->n)
				return chk_fail(c, "json: truncated escape");
			switch (c->s[c->i++]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't': continue;
			case 'u':
				if (chk_hex4(c, &u))
					return -1;
				if (u >= 0xdc00 && u <= 0xdfff)
					return chk_fail(c, "json: lone low surrogate");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (c->i + 2 > c->n || c->s[c->i] != '\\' ||
					    c->s[c->i + 1] != 'u')
						return chk_fail(c, "json: lone high surrogate");
					c->i += 2;
					if (chk_hex4(c, &lo))
						return -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return chk_fail(c, "json: bad surrogate pair");
				}
				continue;
			default: return chk_fail(c, "json: unknown escape");
			}
		}
		l = chk_utf8(c->s + c->i, c->n - c->i);
		if (!l)
			return chk_fail(c, "json: invalid UTF-8 in a string");
		c->i += l;
	}
	return chk_fail(c, "json: unterminated string");
}

static void chk_ws(struct chk *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
			       c->s[c->i] == '\r'))
		c->i++;
}

static int chk_digits(struct chk *c)
{
	size_t from = c->i;

	while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	return c->i > from ? 0 : chk_fail(c, "json: digit expected");
}

static int chk_json_number(struct chk *c)
{
	if (c->s[c->i] == '-')
		c->i++;
	if (c->i < c->n && c->s[c->i] == '0')
		c->i++;
	else if (chk_digits(c))
		return -1;
	if (c->i < c->n && c->s[c->i] == '.') {
		c->i++;
		if (chk_digits(c))
			return -1;
	}
	if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (chk_digits(c))
			return -1;
	}
	return 0;
}

static int chk_literal(struct chk *c, const char *lit)
{
	size_t l = strlen(lit);

	if (c->n - c->i < l || memcmp(c->s + c->i, lit, l))
		return chk_fail(c, "json: unexpected character");
	c->i += l;
	return 0;
}

#define CHK_MAX_DEPTH 64
#define CHK_MAX_KEYS 64

static int chk_json_value(struct chk *c, int depth);

static int chk_json_object(struct chk *c, int depth)
{
	size_t kstart[CHK_MAX_KEYS], klen[CHK_MAX_KEYS];
	int nkeys = 0;

	c->i++; /* { */
	chk_ws(c);
	if (c->i < c->n && c->s[c->i] == '}') {
		c->i++;
		return 0;
	}
	for (;;) {
		size_t ks, kl;

		chk_ws(c);
		if (c->i >= c->n || c->s[c->i] != '"')
			return chk_fail(c, "json: object key expected");
		if (chk_json_string(c, &ks, &kl))
			return -1;
		for (int k = 0; k < nkeys; k++)
			if (klen[k] == kl && !memcmp(c->s + kstart[k], c->s + ks, kl))
				return chk_fail(c, "json: duplicate key in an object");
		if (nkeys == CHK_MAX_KEYS)
			return chk_fail(c, "json: object with too many keys to check");
		kstart[nkeys] = ks;
		klen[nkeys++] = kl;
		chk_ws(c);
		if (c->i >= c->n || c->s[c->i] != ':')
			return chk_fail(c, "json: ':' expected");
		c->i++;
		if (chk_json_value(c, depth + 1))
			return -1;
		chk_ws(c);
		if (c->i < c->n && c->s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->i < c->n && c->s[c->i] == '}') {
			c->i++;
			return 0;
		}
		return chk_fail(c, "json: ',' or '}' expected");
	}
}

static int chk_json_array(struct chk *c, int depth)
{
	c->i++; /* [ */
	chk_ws(c);
	if (c->i < c->n && c->s[c->i] == ']') {
		c->i++;
		return 0;
	}
	for (;;) {
		if (chk_json_value(c, depth + 1))
			return -1;
		chk_ws(c);
		if (c->i < c->n && c->s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->i < c->n && c->s[c->i] == ']') {
			c->i++;
			return 0;
		}
		return chk_fail(c, "json: ',' or ']' expected");
	}
}

static int chk_json_value(struct chk *c, int depth)
{
	size_t s, l;

	if (depth > CHK_MAX_DEPTH)
		return chk_fail(c, "json: nested too deep");
	chk_ws(c);
	if (c->i >= c->n)
		return chk_fail(c, "json: value expected");
	switch (c->s[c->i]) {
	case '{': return chk_json_object(c, depth);
	case '[': return chk_json_array(c, depth);
	case '"': return chk_json_string(c, &s, &l);
	case 't': return chk_literal(c, "true");
	case 'f': return chk_literal(c, "false");
	case 'n': return chk_literal(c, "null");
	default:
		if (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9'))
			return chk_json_number(c);
		return chk_fail(c, "json: unexpected character");
	}
}

/* One JSON object on exactly one line: "{...}\n" and nothing else. */
const char *json_check_line(const char *text, size_t n, size_t *where)
{
	struct chk c = { (const unsigned char *)text, n, 0, NULL };

	if (!n || text[n - 1] != '\n')
		c.err = "json: document does not end with a newline";
	else if (memchr(text, '\n', n - 1))
		c.err = "json: a raw newline inside the document";
	else if (text[0] != '{')
		c.err = "json: document is not an object";
	else if (!chk_json_value(&c, 0) && c.i != n - 1)
		c.err = "json: trailing bytes after the document";
	*where = c.i;
	return c.err;
}

/* ---- Prometheus ---- */

static int prom_name_start(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':';
}

static int prom_name_char(unsigned char ch)
{
	return prom_name_start(ch) || (ch >= '0' && ch <= '9');
}

/* A metric or label name at c->i; its length, 0 if none. */
static size_t prom_name(struct chk *c, int label)
{
	size_t from = c->i;

	if (c->i >= c->n || !prom_name_start(c->s[c->i]) || (label && c->s[c->i] == ':'))
		return 0;
	while (c->i < c->n && prom_name_char(c->s[c->i]) && !(label && c->s[c->i] == ':'))
		c->i++;
	return c->i - from;
}

/* UTF-8 text up to the end of the line; in HELP only \\ and \n escapes. */
static int prom_help_text(struct chk *c, size_t eol)
{
	while (c->i < eol) {
		size_t l;

		if (c->s[c->i] == '\\') {
			if (c->i + 1 >= eol || (c->s[c->i + 1] != '\\' && c->s[c->i + 1] != 'n'))
				return chk_fail(c, "prom: bad escape in HELP");
			c->i += 2;
			continue;
		}
		l = chk_utf8(c->s + c->i, eol - c->i);
		if (!l)
			return chk_fail(c, "prom: invalid UTF-8 in HELP");
		c->i += l;
	}
	return 0;
}

static int prom_label_value(struct chk *c, size_t eol)
{
	if (c->i >= eol || c->s[c->i] != '"')
		return chk_fail(c, "prom: label value must be quoted");
	c->i++;
	while (c->i < eol) {
		unsigned char ch = c->s[c->i];
		size_t l;

		if (ch == '"') {
			c->i++;
			return 0;
		}
		if (ch == '\\') {
			if (c->i + 1 >= eol || !strchr("\\\"n", c->s[c->i + 1]) || !c->s[c->i + 1])
				return chk_fail(c, "prom: bad escape in a label value");
			c->i += 2;
			continue;
		}
		l = chk_utf8(c->s + c->i, eol - c->i);
		if (!l)
			return chk_fail(c, "prom: invalid UTF-8 in a label value");
		c->i += l;
	}
	return chk_fail(c, "prom: unterminated label value");
}

/* A Go ParseFloat-able sample value: integer, decimal, +Inf, -Inf, NaN. */
static int prom_value(struct chk *c, size_t eol)
{
	size_t len = eol - c->i;
	const unsigned char *v = c->s + c->i;
	size_t k = 0, digits = 0;

	if ((len == 4 && (!memcmp(v, "+Inf", 4) || !memcmp(v, "-Inf", 4))) ||
	    (len == 3 && !memcmp(v, "NaN", 3))) {
		c->i = eol;
		return 0;
	}
	if (k < len && v[k] == '-')
		k++;
	while (k < len && v[k] >= '0' && v[k] <= '9')
		k++, digits++;
	if (k < len && v[k] == '.') {
		k++;
		while (k < len && v[k] >= '0' && v[k] <= '9')
			k++, digits++;
	}
	if (!digits || k != len)
		return chk_fail(c, "prom: bad sample value (or a timestamp)");
	c->i = eol;
	return 0;
}

static int prom_comment(struct chk *c, size_t eol, char *family, size_t famlen, int *family_is_hist)
{
	size_t nstart, nlen;
	int help;

	if (eol - c->i >= 7 && !memcmp(c->s + c->i, "# HELP ", 7)) {
		help = 1;
		c->i += 7;
	} else if (eol - c->i >= 7 && !memcmp(c->s + c->i, "# TYPE ", 7)) {
		help = 0;
		c->i += 7;
	} else {
		return chk_fail(c, "prom: comment that is neither HELP nor TYPE");
	}
	nstart = c->i;
	nlen = prom_name(c, 0);
	if (!nlen || c->i >= eol || c->s[c->i] != ' ')
		return chk_fail(c, "prom: bad metric name in a comment");
	c->i++;
	if (help)
		return prom_help_text(c, eol);
	if (!((eol - c->i == 7 && !memcmp(c->s + c->i, "counter", 7)) ||
	      (eol - c->i == 5 && !memcmp(c->s + c->i, "gauge", 5)) ||
	      (eol - c->i == 9 && !memcmp(c->s + c->i, "histogram", 9)) ||
	      (eol - c->i == 7 && !memcmp(c->s + c->i, "summary", 7)) ||
	      (eol - c->i == 7 && !memcmp(c->s + c->i, "untyped", 7))))
		return chk_fail(c, "prom: unknown TYPE");
	*family_is_hist = eol - c->i == 9;
	if (nlen >= famlen)
		return chk_fail(c, "prom: metric name too long for the checker");
	memcpy(family, c->s + nstart, nlen);
	family[nlen] = '\0';
	c->i = eol;
	return 0;
}

/* The sample name belongs to the family of the last TYPE line. */
static int prom_in_family(const unsigned char *name, size_t len, const char *family, int hist)
{
	size_t fl = strlen(family);
	static const char *const suffixes[] = { "_bucket", "_sum", "_count" };

	if (!fl || len < fl || memcmp(name, family, fl))
		return 0;
	if (len == fl)
		return !hist;
	if (!hist)
		return 0;
	for (size_t k = 0; k < 3; k++)
		if (len - fl == strlen(suffixes[k]) && !memcmp(name + fl, suffixes[k], len - fl))
			return 1;
	return 0;
}

static int prom_sample(struct chk *c, size_t eol, const char *family, int family_is_hist)
{
	size_t nstart = c->i, nlen = prom_name(c, 0);

	if (!nlen)
		return chk_fail(c, "prom: bad metric name");
	if (!prom_in_family(c->s + nstart, nlen, family, family_is_hist))
		return chk_fail(c, "prom: sample outside the family of its TYPE line");
	if (c->i < eol && c->s[c->i] == '{') {
		c->i++;
		for (;;) {
			if (!prom_name(c, 1))
				return chk_fail(c, "prom: bad label name");
			if (c->i >= eol || c->s[c->i] != '=')
				return chk_fail(c, "prom: '=' expected after a label name");
			c->i++;
			if (prom_label_value(c, eol))
				return -1;
			if (c->i < eol && c->s[c->i] == ',') {
				c->i++;
				continue;
			}
			if (c->i < eol && c->s[c->i] == '}') {
				c->i++;
				break;
			}
			return chk_fail(c, "prom: ',' or '}' expected in labels");
		}
	}
	if (c->i >= eol || c->s[c->i] != ' ')
		return chk_fail(c, "prom: one space before the value expected");
	c->i++;
	return prom_value(c, eol);
}

const char *prom_check(const char *text, size_t n, size_t *where)
{
	struct chk c = { (const unsigned char *)text, n, 0, NULL };
	char family[128] = "";
	int hist = 0;

	if (n && text[n - 1] != '\n')
		c.err = "prom: last line without a newline";
	while (!c.err && c.i < n) {
		const unsigned char *nl = memchr(c.s + c.i, '\n', n - c.i);
		size_t eol = (size_t)(nl - c.s);

		if (eol == c.i)
			chk_fail(&c, "prom: empty line");
		else if (c.s[c.i] == '#')
			prom_comment(&c, eol, family, sizeof(family), &hist);
		else
			prom_sample(&c, eol, family, hist);
		if (!c.err)
			c.i = eol + 1;
	}
	*where = c.i;
	return c.err;
}

/* ---- terminal text ---- */

const char *text_check(const char *text, size_t n, size_t *where)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch != '\n' && (ch < 0x20 || ch > 0x7e)) {
			*where = i;
			return "text: a byte that is not printable ASCII reaches the terminal";
		}
	}
	*where = n;
	return NULL;
}
