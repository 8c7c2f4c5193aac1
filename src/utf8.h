/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 validation, for the formats that must stay valid UTF-8 whatever bytes
 * a kernel string holds (JSON, Prometheus). */
#ifndef VT_UTF8_H
#define VT_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s, or 0 if s starts with a
 * byte that is not one: a continuation byte, an overlong form, a UTF-16
 * surrogate, a code point above U+10FFFF, or a sequence cut by n. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif
