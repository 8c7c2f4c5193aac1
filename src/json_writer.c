// SPDX-License-Identifier: GPL-2.0
/*
 * Compact JSON writer. Strings here often come straight from the kernel (comm,
 * dev_name()), where any byte can appear, so escaping is strict: the output
 * is valid JSON and valid UTF-8 whatever the input.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "json_writer.h"
#include "numfmt.h"
#include "strscan.h"
#include "utf8.h"

void jw_init(struct json_writer *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->err = f ? 0 : -EINVAL;
	memset(w->has_member, 0, sizeof(w->has_member));
	w->len = 0;
}

/* A write error shows in ferror() at jw_finish(). */
static void flush(struct json_writer *w)
{
	if (w->len && w->f)
		fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

/* Room for @n more bytes at w->buf + w->len, flushing first if need be;
 * false when @n is more than the buffer holds. */
static bool room(struct json_writer *w, size_t n)
{
	if (w->len + n <= sizeof(w->buf))
		return true;
	flush(w);
	return n <= sizeof(w->buf);
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (!room(w, n)) {
		fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_char(struct json_writer *w, char c)
{
	room(w, 1);
	w->buf[w->len++] = c;
}

/* Bytes that stand for themselves in a JSON string: printable ASCII but the
 * quote (0x22) and the backslash (0x5c). A table, because this test runs for
 * every byte of every comm in an event storm. */
static const unsigned char plain_ascii[256] = {
	[0x20 ... 0x21] = 1,
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/* Keys copied byte by byte while they are plain: longer ones take the
 * general path. */
#define KEY_FAST_MAX 48

/* Before every value: the comma after a previous sibling, then the key. */
static void emit_string(struct json_writer *w, const char *s, size_t maxlen);

static void start_value(struct json_writer *w, const char *key)
{
	if (w->has_member[w->depth])
		put_char(w, ',');
	w->has_member[w->depth] = 1;
	if (!key)
		return;
	/* A key is nearly always one of vfio-trace's own names, short and
	 * plain: copied as it is checked, where the general path measured its
	 * length, then scanned and copied it (most of a summary's time). */
	if (room(w, KEY_FAST_MAX + 3)) {
		const unsigned char *k = (const unsigned char *)key;
		char *o = w->buf + w->len;
		size_t i = 0;

		*o++ = '"';
		while (i < KEY_FAST_MAX && plain_ascii[k[i]])
			*o++ = (char)k[i++];
		if (!k[i]) {
			*o++ = '"';
			*o++ = ':';
			w->len += i + 3;
			return;
		}
	}
	emit_string(w, key, strlen(key));
	put_char(w, ':');
}

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

/* Strings go through jw_put_string(), into the writer's buffer when they fit
 * (keys, comm, names) and into one of their size otherwise. */
static void emit_string(struct json_writer *w, const char *s, size_t maxlen)
{
	size_t n = strnlen(s, maxlen);
	char *buf, *end;

	if (room(w, JW_STRING_MAX(n))) {
		end = jw_put_string(w->buf + w->len, s, n);
		w->len = (size_t)(end - w->buf);
		return;
	}
	buf = malloc(JW_STRING_MAX(n));
	if (!buf) {
		w->err = -ENOMEM;
		return;
	}
	end = jw_put_string(buf, s, n);
	fwrite(buf, 1, (size_t)(end - buf), w->f);
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
	put_char(w, c);
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
	put_char(w, c);
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
	if (w->err)
		return;
	start_value(w, key);
	room(w, 20);
	w->len = (size_t)(put_dec(w->buf + w->len, v) - w->buf);
}

void jw_i64(struct json_writer *w, const char *key, __s64 v)
{
	if (w->err)
		return;
	start_value(w, key);
	room(w, 21);
	w->len = (size_t)(put_sdec(w->buf + w->len, v) - w->buf);
}

void jw_bool(struct json_writer *w, const char *key, int v)
{
	if (w->err)
		return;
	start_value(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct json_writer *w, const char *key)
{
	if (w->err)
		return;
	start_value(w, key);
	put(w, "null", 4);
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
	/* %.17f of a double under 1e308 is at most 309 + 1 + 17 bytes */
	room(w, 330);
	w->len += (size_t)snprintf(w->buf + w->len, sizeof(w->buf) - w->len, "%.*f", decimals, v);
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
	if (w->err) {
		flush(w);
		return w->err;
	}
	if (w->depth != 0) {
		flush(w);
		return -EINVAL;
	}
	put_char(w, '\n');
	flush(w);
	return ferror(w->f) ? -EIO : 0;
}
