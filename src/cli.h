/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: parsed and checked here, with no side effects, so it can be
 * unit-tested and fuzzed. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "options.h"

/* 0 on success; otherwise -EINVAL with a one-line message (no newline, no
 * program name) in @err. */
int vt_cli_parse(int argc, char **argv, struct vt_options *o, char *err, size_t errlen);
/* The help: of every subcommand, or with @subcommand of @cmd alone. */
void vt_cli_usage(FILE *f, enum vt_command cmd, bool subcommand);

/* "0000:01:00.0" or "01:00.0" -> canonical lower-case "0000:01:00.0". 0 or -EINVAL. */
int vt_parse_bdf(const char *s, char out[VT_BDF_LEN]);
/* A plain decimal number of seconds from 0.001 to one day, e.g. "1", "0.5". */
int vt_parse_seconds(const char *s, double *out);
/* A duration: a plain decimal number with a unit, "500us", "2ms", "1.5s",
 * "100ns", or without one, milliseconds (bcc's -m MIN_MS); more than 0 and
 * at most a day. In ns; 0 or -EINVAL. */
int vt_parse_duration_ns(const char *s, __u64 *out);
/* A decimal integer in [min, max]. */
int vt_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);

#endif
