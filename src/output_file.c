// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output_file.h"

/* stdout becomes @fd; the old descriptor goes. */
static int redirect_stdout(int fd)
{
	int err = 0;

	if (fflush(stdout) || dup2(fd, STDOUT_FILENO) < 0)
		err = errno ? -errno : -EIO;
	return err;
}

int vt_output_open(struct vt_output_file *out, const char *path, bool atomic, char *why, size_t len)
{
	char *d = strdup(path), *b = strdup(path);
	int err, fd;

	out->atomic = atomic;
	out->t.dfd = out->t.fd = -1;
	if (!d || !b) {
		err = -ENOMEM;
		goto done;
	}
	if (atomic) {
		/* dirname() and basename() may modify their argument: a copy each. */
		err = textfile_begin(&out->t, dirname(d), basename(b));
		if (!err) {
			err = redirect_stdout(out->t.fd);
			if (err)
				textfile_abort(&out->t);
		}
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		err = fd < 0 ? -errno : redirect_stdout(fd);
		if (fd >= 0)
			close(fd);
	}
done:
	if (err)
		snprintf(why, len, "cannot write -o %.100s: %s", path, strerror(-err));
	free(d);
	free(b);
	return err;
}

int vt_output_close(struct vt_output_file *out, bool keep, char *why, size_t len)
{
	int err = fflush(stdout) ? (errno ? -errno : -EIO) : 0;

	if (!out->atomic)
		goto done;
	if (!keep || err) {
		textfile_abort(&out->t);
		goto done;
	}
	/* The temporary file is stdout now, and its own fd: commit syncs
	 * that one, and both name the same file. */
	err = textfile_commit(&out->t);
done:
	if (err)
		snprintf(why, len, "cannot write -o: %s", strerror(-err));
	return err;
}
