// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attach_targets.h"

/* More than the object's fentry and fexit programs together. */
#define VT_MAX_ATTACH_TARGETS 128

struct attach_target {
	const struct bpf_program *prog;
	int btf_obj_fd; /* our duplicate; 0 for vmlinux */
	int btf_id;
};

/* libbpf's handler registry is process-wide, so this table is too. A
 * handler that failed to register is tried again on the next call. */
static struct attach_target targets[VT_MAX_ATTACH_TARGETS];
static int ntargets;
static int handler_ids[2] = { -1, -1 };

static struct attach_target *find(const struct bpf_program *prog)
{
	for (int i = 0; i < ntargets; i++)
		if (targets[i].prog == prog)
			return &targets[i];
	return NULL;
}

int vt_attach_target_get(const struct bpf_program *prog, int *btf_obj_fd, int *btf_id)
{
	const struct attach_target *t = find(prog);

	if (!t)
		return -ENOENT;
	*btf_obj_fd = t->btf_obj_fd;
	*btf_id = t->btf_id;
	return 0;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	int fd, id;

	(void)cookie;
	if (vt_attach_target_get(prog, &fd, &id)) {
		/* every loaded program went through probe selection */
		fprintf(stderr, "vfio-trace: internal error: no attach target for %s\n",
			bpf_program__name(prog));
		return -ESRCH;
	}
	opts->attach_btf_id = id;
	opts->attach_btf_obj_fd = fd;
	return 0;
}

int vt_attach_targets_register(void)
{
	static const struct {
		const char *sec;
		enum bpf_attach_type type;
	} secs[] = { { "fentry+", BPF_TRACE_FENTRY }, { "fexit+", BPF_TRACE_FEXIT } };
	LIBBPF_OPTS(libbpf_prog_handler_opts, opts, .prog_prepare_load_fn = prepare_load);

	for (int i = 0; i < 2; i++) {
		if (handler_ids[i] >= 0)
			continue;
		handler_ids[i] = libbpf_register_prog_handler(secs[i].sec, BPF_PROG_TYPE_TRACING,
							      secs[i].type, &opts);
		if (handler_ids[i] < 0) {
			int err = handler_ids[i];

			handler_ids[i] = -1;
			return err;
		}
	}
	return 0;
}

void vt_attach_targets_clear(void)
{
	for (int i = 0; i < ntargets; i++)
		if (targets[i].btf_obj_fd > 0)
			close(targets[i].btf_obj_fd);
	ntargets = 0;
}

int vt_attach_target_set(const struct bpf_program *prog, int btf_obj_fd, int btf_id)
{
	struct attach_target *t = find(prog);
	int fd = 0;

	if (btf_obj_fd > 0) {
		fd = fcntl(btf_obj_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
	}
	if (!t) {
		if (ntargets == VT_MAX_ATTACH_TARGETS) {
			if (fd > 0)
				close(fd);
			return -E2BIG;
		}
		t = &targets[ntargets++];
	} else if (t->btf_obj_fd > 0) {
		close(t->btf_obj_fd);
	}
	*t = (struct attach_target){ .prog = prog, .btf_obj_fd = fd, .btf_id = btf_id };
	return 0;
}
