// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "kmsg_reader.h"

int vt_kmsg_reader_open(struct vt_kmsg_reader *r, const char *path, vt_kmsg_report_fn fn, void *ctx)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = open(path ? path : "/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	/* /dev/kmsg: SEEK_END moves past every record there is, so only
	 * reports printed from now on count. A fifo cannot seek, and needs not. */
	if (lseek(r->fd, 0, SEEK_END) < 0 && errno != ESPIPE) {
		err = -errno;
		goto fail;
	}
	r->parser = vt_kmsg_new(fn, ctx);
	if (!r->parser) {
		err = -ENOMEM;
		goto fail;
	}
	r->flushed = true;
	return 0;
fail:
	close(r->fd);
	r->fd = -1;
	return err;
}

unsigned vt_kmsg_reader_drain(struct vt_kmsg_reader *r, __u64 now_ns)
{
	unsigned n = 0;

	for (;;) {
		ssize_t len = read(r->fd, r->buf, sizeof(r->buf));

		if (len > 0) {
			vt_kmsg_feed(r->parser, r->buf, (size_t)len);
			n++;
			continue;
		}
		if (len < 0 && errno == EINTR)
			continue;
		/* The next read gives the oldest record still there. */
		if (len < 0 && errno == EPIPE) {
			r->overruns++;
			continue;
		}
		if (len < 0 && errno != EAGAIN)
			r->read_errors++;
		break;
	}
	if (n) {
		r->last_record_ns = now_ns;
		r->flushed = false;
	}
	return n;
}

void vt_kmsg_reader_idle(struct vt_kmsg_reader *r, __u64 now_ns)
{
	if (!r->flushed && now_ns - r->last_record_ns >= VT_KMSG_IDLE_FLUSH_NS) {
		vt_kmsg_flush(r->parser);
		r->flushed = true;
	}
}

void vt_kmsg_reader_close(struct vt_kmsg_reader *r)
{
	if (r->parser) {
		vt_kmsg_flush(r->parser);
		vt_kmsg_free(r->parser);
	}
	if (r->fd >= 0)
		close(r->fd);
	r->parser = NULL;
	r->fd = -1;
}
