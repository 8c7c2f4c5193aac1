// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "kmsg_record.h"
#include "strscan.h"

/* The line being built: the stored form, cut at VT_KMSG_LINE_MAX - 1. */
struct line_buf {
	struct vt_kmsg_line line;
	char text[VT_KMSG_LINE_MAX];
	size_t len;
	vt_kmsg_line_fn fn;
	void *ctx;
	struct vt_kmsg_decode_stats *st;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits at *p (at most 20, as many as a __u64 has) into *out. False, with
 * *p unmoved, when there is none or the value does not fit. */
static bool parse_u64(const char **p, const char *end, __u64 *out)
{
	const char *s = *p;
	__u64 v = 0;

	if (s == end || !is_digit(*s))
		return false;
	for (; s < end && is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return true;
}

static void put_byte(struct line_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
	size_t n = 1;
	const char *s = (const char *)&c;

	if (c == '\t')
		c = ' ';
	if (c < 0x20 || c > 0x7e || c == '\\') {
		s = esc;
		n = sizeof(esc);
	}
	/* An escape is never split: the line is cut before it. */
	if (b->len + n > sizeof(b->text) - 1) {
		b->line.cut = true;
		return;
	}
	memcpy(b->text + b->len, s, n);
	b->len += n;
}

/* The bytes stored as they are: printable ASCII but the backslash. */
static __u64 escaped_bytes(__u64 x)
{
	return strscan_unprintable(x) | strscan_equal(x, '\\');
}

/* s[0..n): whole words of plain text at once (most of a log is), the rest
 * byte by byte. Returns how many bytes of s were plain and copied. */
static size_t put_plain(struct line_buf *b, const char *s, size_t n)
{
	size_t room = sizeof(b->text) - 1 - b->len, k;
	bool at_nul;

	k = strscan_copy(b->text + b->len, s, n < room ? n : room, escaped_bytes, &at_nul);
	b->len += k;
	return k;
}

static void emit(struct line_buf *b)
{
	b->text[b->len] = '\0';
	b->line.text = b->text;
	b->line.len = b->len;
	if (b->line.cut)
		b->st->lines_cut++;
	b->fn(&b->line, b->ctx);
	b->len = 0;
	b->line.cut = false;
}

static void reset_meta(struct line_buf *b)
{
	memset(&b->line, 0, sizeof(b->line));
	b->len = 0;
}

/* A caller id is 'T' (a task's pid) or 'C' (a CPU, outside task context)
 * and digits; anything else is no caller id and is not kept. */
static void set_caller(char *caller, const char *id, size_t n)
{
	if (n < 2 || n >= VT_KMSG_CALLER_LEN || (id[0] != 'T' && id[0] != 'C'))
		return;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(id[i]))
			return;
	memcpy(caller, id, n);
	caller[n] = '\0';
}

/* "PRIO,SEQ,TS_USEC,FLAGS[,KEY=VALUE...];" at the start of raw. Returns the
 * offset of the message, or 0 when raw does not start with such a header. */
static size_t parse_kmsg_header(const char *raw, size_t n, struct vt_kmsg_line *l)
{
	const char *p = raw, *end = raw + n, *semi, *field;
	__u64 prio;

	if (!parse_u64(&p, end, &prio) || p == end || *p++ != ',')
		return 0;
	if (!parse_u64(&p, end, &l->seq) || p == end || *p++ != ',')
		return 0;
	if (!parse_u64(&p, end, &l->ts_us) || p == end || *p++ != ',')
		return 0;
	semi = memchr(p, ';', (size_t)(end - p));
	if (!semi)
		return 0;
	/* The flags, then fields this decoder knows only one of. */
	for (field = p; field < semi;) {
		const char *comma = memchr(field, ',', (size_t)(semi - field));
		const char *fend = comma ? comma : semi;
		size_t flen = (size_t)(fend - field);

		if (flen > 7 && !memcmp(field, "caller=", 7))
			set_caller(l->caller, field + 7, flen - 7);
		field = fend + 1;
	}
	l->has_seq = true;
	l->has_ts = true;
	l->kernel = (prio >> 3) == 0;
	return (size_t)(semi + 1 - raw);
}

/* A /dev/kmsg message: \xNN escapes decoded, cut at decoded newlines. */
static void decode_kmsg_message(struct line_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c;

		i += put_plain(b, s + i, n - i);
		if (i == n)
			break;
		c = (unsigned char)s[i];
		if (c == '\\' && i + 1 < n && s[i + 1] == 'x') {
			int hi = i + 2 < n ? hex_value(s[i + 2]) : -1;
			int lo = i + 3 < n ? hex_value(s[i + 3]) : -1;

			if (hi >= 0 && lo >= 0) {
				c = (unsigned char)(hi << 4 | lo);
				i += 3;
			} else {
				b->st->bad_escapes++;
			}
		}
		if (c == '\n')
			emit(b);
		else
			put_byte(b, c);
	}
	emit(b);
}

/* "[   12.345678]": seconds and up to six digits of fraction. */
static bool parse_text_ts(const char **pp, const char *end, __u64 *ts_us)
{
	const char *p = *pp + 1;
	__u64 secs, frac = 0;
	int digits = 0;

	while (p < end && *p == ' ')
		p++;
	if (!parse_u64(&p, end, &secs) || p == end || *p++ != '.')
		return false;
	for (; p < end && is_digit(*p); p++) {
		if (digits < 6) {
			frac = frac * 10 + (__u64)(*p - '0');
			digits++;
		}
	}
	if (!digits || p == end || *p != ']')
		return false;
	for (; digits < 6; digits++)
		frac *= 10;
	/* No boot lasts 584,000 years: a larger value is no timestamp. */
	if (secs > (~0ULL - frac) / 1000000)
		return false;
	*ts_us = secs * 1000000 + frac;
	*pp = p + 1;
	return true;
}

/* "[  T123]" or "[    C1]" (CONFIG_PRINTK_CALLER). */
static void parse_text_caller(const char **pp, const char *end, char *caller)
{
	const char *p = *pp + 1, *id;

	while (p < end && *p == ' ')
		p++;
	id = p;
	if (p < end && (*p == 'T' || *p == 'C'))
		p++;
	while (p < end && is_digit(*p))
		p++;
	if (p == end || *p != ']')
		return;
	set_caller(caller, id, (size_t)(p - id));
	if (caller[0])
		*pp = p + 1;
}

/* True when s[0..n) holds a byte other than c. */
static bool memchr_not(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != c)
			return true;
	return false;
}

/* One line of dmesg text: "<PRIO>", "[ts]" and "[caller]" are optional; the
 * one space after them is the separator, the message's own indentation is
 * kept (stack frames and held locks are indented). */
static void decode_text_line(struct vt_kmsg_decoder *d, struct line_buf *b, const char *raw,
			     size_t n)
{
	const char *p = raw, *end = raw + n;
	size_t indent = d->cont_indent;

	d->cont_indent = 0;
	if (indent && n >= indent && !memchr_not(raw, ' ', indent)) {
		b->line = d->cont;
		b->line.text = NULL;
		b->line.len = 0;
		b->line.cut = false;
		d->stats.continued++;
		d->cont_indent = indent;
		p += indent;
		goto message;
	}
	b->line.kernel = true;
	if (p < end && *p == '<') {
		const char *q = p + 1;
		__u64 prio;

		if (parse_u64(&q, end, &prio) && q < end && *q == '>') {
			b->line.kernel = (prio >> 3) == 0;
			p = q + 1;
		}
	}
	if (p < end && *p == '[' && parse_text_ts(&p, end, &b->line.ts_us)) {
		b->line.has_ts = true;
		if (p < end && *p == '[')
			parse_text_caller(&p, end, b->line.caller);
		if (p < end && *p == ' ')
			p++;
		d->cont_indent = (size_t)(p - raw);
		d->cont = b->line;
	}
message:
	if (end > p && end[-1] == '\r')
		end--;
	while (p < end) {
		p += put_plain(b, p, (size_t)(end - p));
		if (p < end)
			put_byte(b, (unsigned char)*p++);
	}
	emit(b);
}

/* " KEY=VALUE" after a record: an upper-case key, as the kernel writes them
 * (SUBSYSTEM, DEVICE). */
static bool is_dict_line(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] != ' ')
		return false;
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) || s[i] == '_'))
		i++;
	return i > 1 && i < n && s[i] == '=';
}

void vt_kmsg_decode(struct vt_kmsg_decoder *d, const char *buf, size_t len, vt_kmsg_line_fn fn,
		    void *ctx)
{
	struct vt_kmsg_decode_stats *st = &d->stats;
	struct line_buf b = { .fn = fn, .ctx = ctx, .st = st };
	size_t pos = 0;

	while (pos < len) {
		const char *raw = buf + pos;
		const char *nl = memchr(raw, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - raw) : len - pos;
		size_t msg;

		pos += n + (nl != NULL);
		if (d->after_record && is_dict_line(raw, n)) {
			st->dict_lines++;
			continue;
		}
		reset_meta(&b);
		msg = parse_kmsg_header(raw, n, &b.line);
		if (msg) {
			st->records++;
			d->after_record = true;
			d->cont_indent = 0;
			decode_kmsg_message(&b, raw + msg, n - msg);
			continue;
		}
		/* A header it is not: whatever was parsed of it is dropped. */
		reset_meta(&b);
		if (n && is_digit(raw[0]) && memchr(raw, ',', n < 24 ? n : 24))
			st->malformed++;
		st->text_lines++;
		d->after_record = false;
		decode_text_line(d, &b, raw, n);
	}
}
