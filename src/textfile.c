// SPDX-License-Identifier: GPL-2.0
/*
 * Write-to-temp, fsync, rename: the node_exporter textfile idiom. The
 * temporary file lives in the target directory because rename() is only
 * atomic within one filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "textfile.h"

/* A stale temp from a crashed run with a recycled pid, or one planted by
 * someone else, only costs a retry under the next number. */
#define TMP_ATTEMPTS 16

static int plain_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/*
 * O_EXCL makes open() fail on anything already at the name, a symlink
 * included, so a link planted in a shared directory can never redirect the
 * write; O_NOFOLLOW says the same again should O_EXCL ever be dropped.
 */
static int open_tmp(int dfd, const char *name, char *tmp, size_t len)
{
	for (unsigned n = 0; n < TMP_ATTEMPTS; n++) {
		int r = snprintf(tmp, len, ".%s.%d.%u.tmp", name, (int)getpid(), n);
		int fd;

		if (r < 0 || (size_t)r >= len)
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return neg_errno();
	}
	return -EEXIST;
}

/* Renders into fd and makes it durable; always closes fd. */
static int write_tmp(int fd, int (*render)(FILE *, void *), void *arg)
{
	FILE *f;
	int err;

	/* The umask may have removed the read bits, and the collector usually
	 * runs as another user than vfio-trace. */
	if (fchmod(fd, 0644)) {
		err = neg_errno();
		close(fd);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = neg_errno();
		close(fd);
		return err;
	}

	err = render(f, arg);
	if (err > 0)
		err = -EIO;
	if (err == -EIO || (!err && ferror(f))) {
		/* The stream only remembers that a write failed; flushing again
		 * tells why (ENOSPC, EDQUOT, EIO), which is what the operator
		 * needs to read. */
		clearerr(f);
		err = fflush(f) ? neg_errno() : -EIO;
	}
	if (!err && fflush(f))
		err = neg_errno();
	/* Without fsync a crash after rename() can leave an empty file. */
	if (!err && fsync(fileno(f)))
		err = neg_errno();
	if (fclose(f) && !err)
		err = neg_errno();
	return err;
}

int textfile_write(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg)
{
	char tmp[NAME_MAX + 1];
	int dfd, fd, err;

	if (!dir || !plain_name(name) || !render)
		return -EINVAL;

	/* Everything below is relative to this fd, so a directory renamed or
	 * swapped mid-way cannot split the temp and the target. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return neg_errno();

	fd = open_tmp(dfd, name, tmp, sizeof(tmp));
	if (fd < 0) {
		close(dfd);
		return fd;
	}

	err = write_tmp(fd, render, arg);
	if (!err && renameat(dfd, tmp, dfd, name))
		err = neg_errno();
	if (err) {
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return err;
	}

	/* The rename itself is only durable once the directory is synced. */
	if (fsync(dfd))
		err = neg_errno();
	close(dfd);
	return err;
}
