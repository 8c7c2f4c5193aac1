// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "privileges.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int effective_caps(__u64 *caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*caps = (__u64)data[1].effective << 32 | data[0].effective;
	return 0;
}

int vt_check_privileges(char *why, size_t why_len)
{
	__u64 caps = 0;
	int err = effective_caps(&caps);

	if (err) {
		snprintf(why, why_len, "cannot read capabilities: %s", strerror(-err));
		return err;
	}
	/* CAP_SYS_ADMIN: reading module BTF goes through BPF_BTF_GET_FD_BY_ID, which
	 * needs it on every kernel, and without module BTF nothing in vfio can be
	 * traced with fentry or read with CO-RE. It also covers CAP_BPF and
	 * CAP_PERFMON on kernels older than 5.8 that lack them. */
	if (!(caps & (1ULL << CAP_SYS_ADMIN))) {
		snprintf(why, why_len,
			 "missing capability CAP_SYS_ADMIN (needed to read vfio's "
			 "module BTF); run as root");
		return -EPERM;
	}
	return 0;
}
