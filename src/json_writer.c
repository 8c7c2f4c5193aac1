// SPDX-License-Identifier: GPL-2.0
/*
 * Compact JSON writer. Strings here often come straight from the kernel (comm,
 * dev_name()), where any byte can appear, so escaping is strict: the output
 * is valid JSON and valid UTF-8 whatever the input.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "json_writer.h"
#include "numfmt.h"
#include "strscan.h"
#include "utf8.h"

void jw_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	if (!f)
		w->err = -EINVAL;
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

/* Bits 7 of the bytes of x that are not plain_ascii[]. */
static __u64 not_plain_bytes(__u64 x)
{
	return strscan_unprintable(x) | strscan_equal(x, '"') | strscan_equal(x, '\\');
}

char *jw_put_string(char *out, const char *s, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;
	bool at_nul;

	*out++ = '"';
	/* A word at a time while it is plain ASCII, as a comm most often is
	 * up to its NUL; the bytes copied past the NUL are overwritten. */
	i = strscan_copy(out, s, maxlen, not_plain_bytes, &at_nul);
	out += i;
	if (at_nul) {
		*out++ = '"';
		return out;
	}
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

/* Strings go through jw_put_string(), in a buffer on the stack when they are
 * short (keys, comm, names) and one of their size otherwise. */
static void emit_string(struct json_writer *w, const char *s, size_t maxlen)
{
	size_t n = strnlen(s, maxlen);
	char small[JW_STRING_MAX(64)], *buf = small, *end;

	if (JW_STRING_MAX(n) > sizeof(small)) {
		buf = malloc(JW_STRING_MAX(n));
		if (!buf) {
			w->err = -ENOMEM;
			return;
		}
	}
	end = jw_put_string(buf, s, n);
	fwrite(buf, 1, (size_t)(end - buf), w->f);
	if (buf != small)
		free(buf);
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

void jw_string_n(struct json_writer *w, const char *key, const char *s, size_t maxlen)
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
