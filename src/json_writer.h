/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming writer for compact RFC 8259 JSON: it places the commas, escapes
 * strings and remembers the first error, so a renderer can write a whole
 * document and check once at the end.
 */
#ifndef VT_JSON_WRITER_H
#define VT_JSON_WRITER_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define JW_MAX_DEPTH 16

/* Bytes built before they go to the stream: a stdio call per comma, key and
 * number (each taking the stream's lock) was most of what a summary of
 * hundreds of devices cost (bench/frontend-scale). */
#define JW_BUFFER 8192

struct json_writer {
	FILE *f;
	int depth;
	int err; /* first error, 0 while all is well */
	unsigned char has_member[JW_MAX_DEPTH + 1];
	size_t len; /* of buf, not yet written to f */
	char buf[JW_BUFFER];
};

void jw_init(struct json_writer *w, FILE *f);

/* key is the member name inside an object, NULL inside an array or at top
 * level. Strings are read up to a NUL or maxlen bytes, whichever is first:
 * kernel buffers such as comm need not be terminated. */
void jw_begin_object(struct json_writer *w, const char *key);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w, const char *key);
void jw_end_array(struct json_writer *w);
void jw_u64(struct json_writer *w, const char *key, __u64 v);
void jw_i64(struct json_writer *w, const char *key, __s64 v);
void jw_bool(struct json_writer *w, const char *key, int v);
void jw_null(struct json_writer *w, const char *key);
/* decimals after the point; NaN and infinities become null (JSON has none). */
void jw_double(struct json_writer *w, const char *key, double v, int decimals);
void jw_string(struct json_writer *w, const char *key, const char *s);
void jw_string_n(struct json_writer *w, const char *key, const char *s, size_t maxlen);

/* Ends the document with a newline and writes out what is still buffered
 * (whatever the document's state: nothing is left unwritten). Returns 0,
 * -EINVAL if it is unbalanced, -E2BIG if nested too deep, or -EIO on a write
 * error. */
int jw_finish(struct json_writer *w);

/* The string as jw_string_n() writes it, quotes included, into @out, which
 * has room for JW_STRING_MAX(maxlen) bytes; returns the end. For a line that
 * is built in a buffer and written at once. Unlike jw_string_n(), it may
 * read all @maxlen bytes of @s, past a NUL too: for fixed-size buffers such
 * as comm, and C strings with their strlen(). */
#define JW_STRING_MAX(maxlen) (6 * (maxlen) + 2)
char *jw_put_string(char *out, const char *s, size_t maxlen);

#endif
