/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What libbpf says while it loads the BPF object, read for the one fact the
 * tracer needs when the load fails: which program the kernel refused, and the
 * verifier's last word on it. libbpf loads every program of an object or none,
 * and has no API that names the culprit; its messages do, in a form stable
 * across libbpf 1.x (we link Debian's 1.1 statically):
 *
 *   prog 'NAME': BPF program load failed: Permission denied
 *   prog 'NAME': -- BEGIN PROG LOAD LOG --\n<verifier log>-- END PROG LOAD LOG --\n
 *   prog 'NAME': failed to load: -13
 *
 * With that name the tracer falls back for that program's operation alone
 * (probes.h), so one program a kernel refuses costs one probe, not the tool.
 */
#ifndef VT_LOAD_LOG_H
#define VT_LOAD_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define VT_PROG_NAME_MAX 64
#define VT_REFUSAL_REASON_MAX 128

struct vt_load_log {
	char prog[VT_PROG_NAME_MAX];	    /* the program "failed to load" named */
	char reason[VT_REFUSAL_REASON_MAX]; /* its last error line, or "" */
	/* The last program an error line named, and that line: the reason
	 * comes before the verdict. */
	char last_prog[VT_PROG_NAME_MAX];
	char last_reason[VT_REFUSAL_REASON_MAX];
};

void vt_load_log_reset(struct vt_load_log *log);
/* One formatted libbpf message (it may span lines). */
void vt_load_log_feed(struct vt_load_log *log, const char *msg);
/* True when a message named a refused program; @prog and @reason point into
 * @log. @reason is never empty. */
bool vt_load_log_refused(const struct vt_load_log *log, const char **prog, const char **reason);

#endif
