// SPDX-License-Identifier: GPL-2.0
/*
 * Compact JSON writer. Strings here often come straight from the kernel (comm,
 * dev_name()), where any byte can appear, so escaping is strict: the output
 * is valid JSON and valid UTF-8 whatever the input.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "json_writer.h"

void jw_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	if (!f)
		w->err = -EINVAL;
}

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;	/* allowed range of byte 2 */
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;	/* continuation byte, overlong lead, or > U+10FFFF */

	/* Narrowed second bytes rule out overlong forms, UTF-16 surrogates
	 * (U+D800..DFFF) and code points above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;

	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!is_cont(s[i]))
			return 0;
	return len;
}

/* Before every value: the comma after a previous sibling, then the key. */
static void emit_string(struct json_writer *w, const char *s, size_t maxlen);

static void start_value(struct json_writer *w, const char *key)
{
	if (w->has_member[w->depth])
		fputc(',', w->f);
	w->has_member[w->depth] = 1;
	if (key) {
		emit_string(w, key, strlen(key));
		fputc(':', w->f);
	}
}

static void emit_escaped_byte(FILE *f, unsigned char c)
{
	fprintf(f, "\\u%04x", c);
}

static void emit_string(struct json_writer *w, const char *s, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, maxlen);
	size_t i = 0, run = 0;

	/* Bytes that need no escape are written in runs, one fwrite each: a
	 * stdio call per byte was most of the cost of an event line. */
	fputc('"', w->f);
	while (i < n) {
		unsigned char c = p[i];
		size_t len;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (len = utf8_seq_len(p + i, n - i))) {
			i += len;
			continue;
		}
		if (i > run)
			fwrite(p + run, 1, i - run, w->f);
		if (c == '"' || c == '\\') {
			fputc('\\', w->f);
			fputc(c, w->f);
		} else {
			/* A control byte, or not UTF-8: written as the code
			 * point of the same value, which keeps the document
			 * valid and the byte recoverable (a comm cut
			 * mid-character ends so). */
			emit_escaped_byte(w->f, c);
		}
		run = ++i;
	}
	if (i > run)
		fwrite(p + run, 1, i - run, w->f);
	fputc('"', w->f);
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	if (w->err)
		return;
	if (w->depth >= JW_MAX_DEPTH) {
		w->err = -E2BIG;
		return;
	}
	start_value(w, key);
	fputc(c, w->f);
	w->has_member[++w->depth] = 0;
}

static void close_container(struct json_writer *w, char c)
{
	if (w->err)
		return;
	if (w->depth <= 0) {
		w->err = -EINVAL;
		return;
	}
	w->depth--;
	fputc(c, w->f);
}

void jw_begin_object(struct json_writer *w, const char *key)
{
	open_container(w, key, '{');
}

void jw_end_object(struct json_writer *w)
{
	close_container(w, '}');
}

void jw_begin_array(struct json_writer *w, const char *key)
{
	open_container(w, key, '[');
}

void jw_end_array(struct json_writer *w)
{
	close_container(w, ']');
}

void jw_u64(struct json_writer *w, const char *key, __u64 v)
{
	if (w->err)
		return;
	start_value(w, key);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_i64(struct json_writer *w, const char *key, __s64 v)
{
	if (w->err)
		return;
	start_value(w, key);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_bool(struct json_writer *w, const char *key, int v)
{
	if (w->err)
		return;
	start_value(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct json_writer *w, const char *key)
{
	if (w->err)
		return;
	start_value(w, key);
	fputs("null", w->f);
}

void jw_double(struct json_writer *w, const char *key, double v, int decimals)
{
	if (w->err)
		return;
	if (!isfinite(v)) {
		jw_null(w, key);
		return;
	}
	if (decimals < 0 || decimals > 17)
		decimals = 6;
	start_value(w, key);
	fprintf(w->f, "%.*f", decimals, v);
}

void jw_string_n(struct json_writer *w, const char *key, const char *s,
		 size_t maxlen)
{
	if (w->err)
		return;
	if (!s) {
		jw_null(w, key);
		return;
	}
	start_value(w, key);
	emit_string(w, s, maxlen);
}

void jw_string(struct json_writer *w, const char *key, const char *s)
{
	jw_string_n(w, key, s, s ? strlen(s) : 0);
}

int jw_finish(struct json_writer *w)
{
	if (w->err)
		return w->err;
	if (w->depth != 0)
		return -EINVAL;
	fputc('\n', w->f);
	return ferror(w->f) ? -EIO : 0;
}
