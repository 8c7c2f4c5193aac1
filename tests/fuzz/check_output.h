/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict checkers of what the renderers write, independent of the code under
 * test (no json_writer.c helper is used here, so a shared bug cannot hide):
 *
 *  - json_check_line(): RFC 8259 JSON, one value, valid UTF-8 (no overlong form,
 *    no surrogate, nothing above U+10FFFF), control characters escaped, no
 *    duplicate key in an object, nesting bounded.
 *  - prom_check(): Prometheus text exposition 0.0.4 as the textfile collector
 *    reads it: "# HELP", "# TYPE", samples "name{l="v",...} value" without a
 *    timestamp; label values use only the escapes \\ \" \n and are UTF-8.
 *  - text_check(): terminal output is printable ASCII and newlines only, so
 *    no escape sequence from a comm or bdf reaches a terminal.
 *
 * Each returns NULL when the text is fine, or a static description of the
 * first problem (and sets *where to its offset).
 */
#ifndef VT_FUZZ_CHECK_OUTPUT_H
#define VT_FUZZ_CHECK_OUTPUT_H

#include <stddef.h>

/* One JSON object on exactly one line: "{...}\n" and nothing else. */
const char *json_check_line(const char *text, size_t n, size_t *where);
/* A whole Prometheus text exposition. */
const char *prom_check(const char *text, size_t n, size_t *where);
/* Printable ASCII and newlines only. */
const char *text_check(const char *text, size_t n, size_t *where);

#endif
