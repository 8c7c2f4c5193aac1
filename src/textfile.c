// SPDX-License-Identifier: GPL-2.0
/*
 * Write-to-temp, fsync, rename: the node_exporter textfile idiom (without the
 * fsync for a file rewritten every interval: textfile_replace()). The
 * temporary file lives in the target directory because rename() is only
 * atomic within one filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
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
static int open_tmp(int dfd, const char *name, char *tmp, size_t len, mode_t mode)
{
	for (unsigned n = 0; n < TMP_ATTEMPTS; n++) {
		int r = snprintf(tmp, len, ".%s.%d.%u.tmp", name, (int)getpid(), n);
		int fd;

		if (r < 0 || (size_t)r >= len)
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return neg_errno();
	}
	return -EEXIST;
}

/* Creates the temporary file for dir/name with @mode; see textfile.h. */
static int begin(struct textfile *t, const char *dir, const char *name, mode_t mode, bool replace,
		 bool sync)
{
	int err;

	t->dfd = t->fd = -1;
	t->replace = replace;
	t->sync = sync;
	if (!dir || !plain_name(name) || strlen(name) >= sizeof(t->name))
		return -EINVAL;
	strcpy(t->name, name);
	/* Everything below is relative to this fd, so a directory renamed or
	 * swapped mid-way cannot split the temp and the target. */
	t->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dfd < 0)
		return neg_errno();
	t->fd = open_tmp(t->dfd, name, t->tmp, sizeof(t->tmp), mode);
	if (t->fd < 0) {
		err = t->fd;
		close(t->dfd);
		t->dfd = t->fd = -1;
		return err;
	}
	/* The umask may have removed the read bits, and the collector usually
	 * runs as another user than vfio-trace. */
	if (fchmod(t->fd, mode)) {
		err = neg_errno();
		textfile_abort(t);
		return err;
	}
	return 0;
}

int textfile_begin(struct textfile *t, const char *dir, const char *name)
{
	return begin(t, dir, name, 0644, true, true);
}

void textfile_abort(struct textfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->dfd >= 0) {
		unlinkat(t->dfd, t->tmp, 0);
		close(t->dfd);
	}
	t->dfd = t->fd = -1;
}

/* Puts the finished temporary file at @name; without @replace, only where
 * nothing is, atomically: -EEXIST otherwise. */
static int put_in_place(int dfd, const char *tmp, const char *name, bool replace)
{
	if (replace)
		return renameat(dfd, tmp, dfd, name) ? neg_errno() : 0;
	if (!renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return neg_errno();
	/* A file system without RENAME_NOREPLACE: a hard link fails on an
	 * existing name just as atomically. */
	if (linkat(dfd, tmp, dfd, name, 0))
		return neg_errno();
	unlinkat(dfd, tmp, 0);
	return 0;
}

int textfile_commit(struct textfile *t)
{
	int err = 0;

	if (t->dfd < 0)
		return -EINVAL;
	/* Without fsync a crash after rename() can leave an empty file. */
	if (t->fd >= 0) {
		if (t->sync && fsync(t->fd))
			err = neg_errno();
		if (close(t->fd) && !err)
			err = neg_errno();
		t->fd = -1;
	}
	if (!err)
		err = put_in_place(t->dfd, t->tmp, t->name, t->replace);
	if (err) {
		textfile_abort(t);
		return err;
	}
	/* The rename itself is only durable once the directory is synced. */
	if (t->sync && fsync(t->dfd))
		err = neg_errno();
	close(t->dfd);
	t->dfd = -1;
	return err;
}

static int put_file(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg,
		    mode_t mode, bool replace, bool sync)
{
	struct textfile t;
	FILE *f;
	int err;

	if (!render)
		return -EINVAL;
	err = begin(&t, dir, name, mode, replace, sync);
	if (err)
		return err;
	f = fdopen(t.fd, "w");
	if (!f) {
		err = neg_errno();
		textfile_abort(&t);
		return err;
	}
	/* The stream is this thread's alone: no lock per call (the textfile is
	 * hundreds of thousands of fwrite()s at hundreds of devices), and a
	 * buffer of 64 KiB for fewer write()s. */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	setvbuf(f, NULL, _IOFBF, 1 << 16);
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
	if (!err && sync && fsync(fileno(f)))
		err = neg_errno();
	/* fclose() closes the temporary file's fd: commit and abort must not. */
	if (fclose(f) && !err)
		err = neg_errno();
	t.fd = -1;
	if (err) {
		textfile_abort(&t);
		return err;
	}
	return textfile_commit(&t);
}

int textfile_write(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg)
{
	return put_file(dir, name, render, arg, 0644, true, true);
}

/*
 * Why no fsync for the exporter's file: synced every interval, the whole
 * textfile went to the disk every interval (at 256 devices and 1 s, 6 MB a
 * second of writes, for a file nothing reads back after a crash), where
 * unsynced, the page cache holds it and each version is gone before
 * writeback would write it. node_exporter's own idiom (write, then mv) has no
 * fsync either. rename() alone is what keeps readers from a half-written
 * file, and a full disk still fails the write itself (delayed allocation
 * reserves the blocks at write()).
 */
int textfile_replace(const char *dir, const char *name, int (*render)(FILE *f, void *arg),
		     void *arg)
{
	return put_file(dir, name, render, arg, 0644, true, false);
}

int textfile_create(const char *dir, const char *name, int (*render)(FILE *f, void *arg), void *arg)
{
	/* A dump holds the kernel's log and addresses, which dmesg_restrict
	 * and kptr_restrict may keep from other users: its owner's only. */
	return put_file(dir, name, render, arg, 0600, false, true);
}
