// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "load_log.h"

void vt_load_log_reset(struct vt_load_log *log)
{
	memset(log, 0, sizeof(*log));
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* Lines of a verifier log that say nothing about why it refused: the program
 * as it walked it ("12: (79) r1 = ..."), its source (";"), branch states and
 * the closing statistics. */
static bool log_line_is_noise(const char *s, size_t len)
{
	size_t i = 0;

	if (!len)
		return true;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i && i < len && s[i] == ':')
		return true;
	return s[0] == ';' || starts_with(s, len, "from ") || starts_with(s, len, "processed ") ||
	       starts_with(s, len, "verification time") || starts_with(s, len, "stack depth") ||
	       starts_with(s, len, "-- END");
}

static void copy_text(char *dst, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;

	/* One line of printable text: a log is the kernel's words, shown as is. */
	for (i = 0; i < len && n + 1 < size; i++)
		dst[n++] = isprint((unsigned char)s[i]) ? s[i] : ' ';
	dst[n] = '\0';
}

/* The reason of a verifier log: its last line that is not noise, and the one
 * before it when the two are adjacent (the verifier often says what it saw,
 * then what it refuses: "func 'f' arg3 type INT is not a struct" and then
 * "invalid bpf_context access off=24 size=8"). */
static void log_reason(char *dst, size_t size, const char *log)
{
	const char *line = log, *last = NULL, *prev = NULL;
	size_t last_len = 0, prev_len = 0;
	bool prev_adjacent = false, adjacent = false;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (log_line_is_noise(line, len)) {
			adjacent = false;
		} else {
			prev = last;
			prev_len = last_len;
			prev_adjacent = adjacent;
			last = line;
			last_len = len;
			adjacent = true;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (!last)
		return;
	if (prev && prev_adjacent) {
		size_t n;

		copy_text(dst, size, prev, prev_len);
		n = strlen(dst);
		if (n + 2 < size) {
			memcpy(dst + n, "; ", 2);
			copy_text(dst + n + 2, size - n - 2, last, last_len);
		}
		return;
	}
	copy_text(dst, size, last, last_len);
}

void vt_load_log_feed(struct vt_load_log *log, const char *msg)
{
	const char *name, *end, *rest;
	size_t name_len, rest_len;

	if (!strncmp(msg, "libbpf: ", 8))
		msg += 8;
	if (strncmp(msg, "prog '", 6))
		return;
	name = msg + 6;
	end = strstr(name, "': ");
	if (!end)
		return;
	name_len = (size_t)(end - name);
	if (!name_len || name_len >= VT_PROG_NAME_MAX || memchr(name, '\n', name_len))
		return;
	rest = end + 3;
	rest_len = strcspn(rest, "\n");

	if (!strncmp(rest, "-- BEGIN PROG LOAD LOG --", 25)) {
		const char *body = strchr(rest, '\n');
		char reason[VT_REFUSAL_REASON_MAX] = "";

		if (body)
			log_reason(reason, sizeof(reason), body + 1);
		if (!reason[0])
			return;
		memcpy(log->last_prog, name, name_len);
		log->last_prog[name_len] = '\0';
		snprintf(log->last_reason, sizeof(log->last_reason), "%s", reason);
		return;
	}
	if (!strncmp(rest, "failed to load", 14)) {
		memcpy(log->prog, name, name_len);
		log->prog[name_len] = '\0';
		if (!strcmp(log->last_prog, log->prog))
			snprintf(log->reason, sizeof(log->reason), "%s", log->last_reason);
		else
			copy_text(log->reason, sizeof(log->reason), rest, rest_len);
		return;
	}
	/* Any other error about a program ("BPF program load failed: ...",
	 * "failed to find kernel BTF type ID of ..."): a reason, unless the
	 * verifier log, which comes after it, says more. */
	if (!rest_len)
		return;
	if (!strncmp(rest, "BPF program load failed: ", 25) &&
	    !strncmp(log->last_prog, name, name_len) && !log->last_prog[name_len])
		return;
	memcpy(log->last_prog, name, name_len);
	log->last_prog[name_len] = '\0';
	copy_text(log->last_reason, sizeof(log->last_reason), rest, rest_len);
}

bool vt_load_log_refused(const struct vt_load_log *log, const char **prog, const char **reason)
{
	if (!log->prog[0])
		return false;
	*prog = log->prog;
	*reason = log->reason[0] ? log->reason : "refused";
	return true;
}
