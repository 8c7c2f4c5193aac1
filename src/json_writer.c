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
#include "numfmt.h"

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

/* Bytes that stand for themselves in a JSON string: printable ASCII but the
 * quote (0x22) and the backslash (0x5c). A table, because this test runs for
 * every byte of every comm in an event storm. */
static const unsigned char plain_ascii[256] = {
	[0x20 ... 0x21] = 1,
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/* The end of the run from @i that needs no escape: plain ASCII and whole
 * valid UTF-8 sequences. */
static size_t plain_run(const unsigned char *p, size_t i, size_t n)
{
	while (i < n) {
		size_t len;

		if (plain_ascii[p[i]]) {
			i++;
			continue;
		}
		if (p[i] < 0x80 || !(len = utf8_seq_len(p + i, n - i)))
			break;
		i += len;
	}
	return i;
}

/* The escape of a byte plain_run() stopped at, into @out; returns its length. */
static size_t escape_byte(char *out, unsigned char c)
{
	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	/* A control byte, or not UTF-8: written as the code point of the same
	 * value, which keeps the document valid and the byte recoverable (a
	 * comm cut mid-character ends so). */
	memcpy(out, "\\u00", 4);
	out[4] = "0123456789abcdef"[c >> 4];
	out[5] = "0123456789abcdef"[c & 15];
	return 6;
}

static void emit_string(struct json_writer *w, const char *s, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, maxlen), i = 0;
	char esc[6];

	/* Runs that need no escape are written with one fwrite each: a stdio
	 * call per byte was most of the cost of an event line. */
	fputc('"', w->f);
	while (i < n) {
		size_t end = plain_run(p, i, n);

		if (end > i)
			fwrite(p + i, 1, end - i, w->f);
		if (end == n)
			break;
		fwrite(esc, 1, escape_byte(esc, p[end]), w->f);
		i = end + 1;
	}
	fputc('"', w->f);
}

/* Bits 7 of the bytes of x that are not plain_ascii[]. Bytes are masked to
 * 7 bits before each sum, so none carries into the next; a byte equal to the
 * quote or backslash may also flag the byte above it, never one below, so
 * the lowest flag is always right. */
static __u64 not_plain_bytes(__u64 x)
{
	const __u64 ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	__u64 y = x & ~high, q = x ^ ('"' * ones), b = x ^ ('\\' * ones);

	return (x | ~(y + 0x60 * ones) | (y + ones) |
		((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

char *jw_put_string(char *out, const char *s, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	*out++ = '"';
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* A word at a time while it is plain ASCII, as a comm most often is
	 * up to its NUL; the bytes copied past the NUL are overwritten. */
	for (; i + 8 <= maxlen; i += 8) {
		__u64 x, bad;

		memcpy(&x, p + i, 8);
		memcpy(out + i, &x, 8);
		bad = not_plain_bytes(x);
		if (bad) {
			size_t k = (size_t)__builtin_ctzll(bad) / 8;

			if (!p[i + k]) {
				out[i + k] = '"';
				return out + i + k + 1;
			}
			break;
		}
	}
	out += i;
#endif
	n = i + strnlen(s + i, maxlen - i);
	while (i < n) {
		size_t end = plain_run(p, i, n);

		memcpy(out, p + i, end - i);
		out += end - i;
		if (end == n)
			break;
		out += escape_byte(out, p[end]);
		i = end + 1;
	}
	*out++ = '"';
	return out;
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

/* numfmt rather than fprintf: a snapshot document has thousands of numbers. */
void jw_u64(struct json_writer *w, const char *key, __u64 v)
{
	char buf[20];

	if (w->err)
		return;
	start_value(w, key);
	fwrite(buf, 1, (size_t)(put_dec(buf, v) - buf), w->f);
}

void jw_i64(struct json_writer *w, const char *key, __s64 v)
{
	char buf[21];

	if (w->err)
		return;
	start_value(w, key);
	fwrite(buf, 1, (size_t)(put_sdec(buf, v) - buf), w->f);
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
