// SPDX-License-Identifier: GPL-2.0
/* Each device's reset method, from sysfs, cached per PCI address. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bdf_table.h"
#include "reset_methods.h"

struct method_entry {
	char bdf[VT_BDF_LEN];
	char method[VT_RESET_METHOD_LEN];
	__u64 read_ns;
	bool read;
};

struct vt_reset_methods {
	char sys[PATH_MAX];
	struct vt_bdf_table methods; /* of struct method_entry */
};

struct vt_reset_methods *vt_reset_methods_new(const char *sys_root)
{
	struct vt_reset_methods *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	snprintf(m->sys, sizeof(m->sys), "%s", sys_root);
	vt_bdf_table_init(&m->methods, sizeof(struct method_entry));
	return m;
}

void vt_reset_methods_free(struct vt_reset_methods *m)
{
	if (!m)
		return;
	vt_bdf_table_release(&m->methods);
	free(m);
}

void vt_reset_method_first(const char *text, char *out, size_t outlen)
{
	size_t n;

	text += strspn(text, " \t\n");
	n = strcspn(text, " \t\n");
	if (n >= outlen)
		n = 0; /* no method name is this long: not a reset_method file */
	memcpy(out, text, n);
	out[n] = '\0';
}

static void read_method(const struct vt_reset_methods *m, struct method_entry *e)
{
	char path[PATH_MAX], text[128];
	ssize_t n = -1;
	int fd;

	if (snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/reset_method", m->sys, e->bdf) >=
	    (int)sizeof(path))
		fd = -1; /* a sys_root this long has no such file */
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	text[n > 0 ? n : 0] = '\0';
	vt_reset_method_first(text, e->method, sizeof(e->method));
}

int vt_reset_methods_fill(struct vt_reset_methods *m, struct vt_snapshot *s, __u64 now_ns)
{
	int reads = 0;

	for (size_t i = 0; i < s->ndevs; i++) {
		struct vt_dev_snapshot *d = &s->devs[i];
		struct method_entry *e = vt_bdf_table_get(&m->methods, d->info.bdf);

		if (!e) {
			d->reset_method[0] = '\0'; /* out of memory: unknown */
			continue;
		}
		if (!e->read || now_ns - e->read_ns >= VT_RESET_METHOD_TTL_NS) {
			read_method(m, e);
			e->read = true;
			e->read_ns = now_ns;
			reads++;
		}
		memcpy(d->reset_method, e->method, sizeof(d->reset_method));
	}
	return reads;
}
