// SPDX-License-Identifier: GPL-2.0
/*
 * The reader of libbpf's load messages (load_log.c) on arbitrary bytes. The
 * input is split at NUL bytes into messages, each fed as libbpf would hand it
 * over. When a refusal is found, the program name must be one a message
 * really carried between "prog '" and "': " (non-empty, no newline, shorter
 * than the room for it), and the reason non-empty, terminated, printable and
 * in bounds; a tracer retries on that name, so a wrong one would be a bug.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "load_log.h"

#define FUZZ_NAME "fuzz_loadlog"
#include "fuzz_fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	struct vt_load_log log;
	const char *prog, *reason;
	char needle[VT_PROG_NAME_MAX + 16];
	size_t i, at = 0;
	int found = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	vt_load_log_reset(&log);
	for (i = 0; i <= size; i++) {
		if (copy[i])
			continue;
		vt_load_log_feed(&log, copy + at);
		at = i + 1;
	}
	if (vt_load_log_refused(&log, &prog, &reason)) {
		size_t n = strnlen(prog, VT_PROG_NAME_MAX);

		if (!n || n == VT_PROG_NAME_MAX || strchr(prog, '\n'))
			FAIL("bad program name");
		/* The name must come from the input, framed as libbpf frames it. */
		snprintf(needle, sizeof(needle), "prog '%s': failed to load", prog);
		for (at = 0; at < size && !found; at += strlen(copy + at) + 1)
			found = strstr(copy + at, needle) != NULL;
		if (!found)
			FAIL("program '%s' named by no message", prog);
		n = strnlen(reason, VT_REFUSAL_REASON_MAX);
		if (!n || n == VT_REFUSAL_REASON_MAX)
			FAIL("bad reason length %zu", n);
		for (i = 0; i < n; i++)
			if (!isprint((unsigned char)reason[i]))
				FAIL("unprintable reason byte 0x%02x", (unsigned char)reason[i]);
	}
	free(copy);
	return 0;
}
