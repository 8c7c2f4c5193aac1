// SPDX-License-Identifier: GPL-2.0
/*
 * textfile_write: the collector must only ever see the old file or the whole
 * new one, and a link planted in the directory must not redirect the write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests.h"
#include "fixtures.h"
#include "render_prom.h"
#include "textfile.h"

#define NAME "vfio_trace.prom"

/* The last file slurp() read, kept until the next call or teardown. */
static char *slurped;

struct tmpdir {
	char path[64];
	char victim[96]; /* a file outside the directory */
};

static int setup(void **state)
{
	static struct tmpdir t;

	snprintf(t.path, sizeof(t.path), "/tmp/vt-textfile-XXXXXX");
	if (!mkdtemp(t.path))
		return -1;
	snprintf(t.victim, sizeof(t.victim), "%s.victim", t.path);
	*state = &t;
	return 0;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[512];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR)
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	struct tmpdir *t = *state;

	free(slurped);
	slurped = NULL;
	chmod(t->path, 0700);
	remove_tree(t->path);
	unlink(t->victim);
	return 0;
}

static int render_str(FILE *f, void *arg)
{
	return fputs(arg, f) < 0 ? -EIO : 0;
}

/* Writes half a file, then fails, as a renderer hitting an error would. */
static int render_fail(FILE *f, void *arg)
{
	fputs("vfio_trace_partial", f);
	return -ENOSPC;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, n = 0, got;

	free(slurped);
	slurped = NULL;
	if (!f)
		return NULL;
	slurped = malloc(cap);
	while (slurped && (got = fread(slurped + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			slurped = realloc(slurped, cap *= 2);
	}
	fclose(f);
	if (slurped)
		slurped[n] = '\0';
	return slurped;
}

static char *target(const struct tmpdir *t, const char *name)
{
	static char p[160];

	snprintf(p, sizeof(p), "%s/%s", t->path, name);
	return p;
}

/* Only the target may be left: no temp file survives, success or failure. */
static void assert_only_target(const struct tmpdir *t)
{
	DIR *d = opendir(t->path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strcmp(e->d_name, NAME))
			fail_msg("left behind: %s", e->d_name);
		n++;
	}
	closedir(d);
	assert_true(n <= 1);
}

typedef int (*writer_fn)(const char *dir, const char *name, int (*render)(FILE *f, void *arg),
			 void *arg);

/* textfile_write() and textfile_replace() (the same but for the fsyncs): what
 * a reader can see of them is the same. */
static const writer_fn writers[] = { textfile_write, textfile_replace };

static void test_atomic_replace(void **state)
{
	struct tmpdir *t = *state;

	for (size_t w = 0; w < 2; w++) {
		struct stat st;
		mode_t old_umask = umask(077);

		assert_int_equal(writers[w](t->path, NAME, render_str, "old 1\n"), 0);
		assert_string_equal(slurp(target(t, NAME)), "old 1\n");
		assert_int_equal(writers[w](t->path, NAME, render_str, "new 2\n"), 0);
		umask(old_umask);
		assert_string_equal(slurp(target(t, NAME)), "new 2\n");

		/* readable by a collector running as another user, whatever the umask */
		assert_int_equal(stat(target(t, NAME), &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
		assert_only_target(t);
		assert_int_equal(unlink(target(t, NAME)), 0);
	}
}

static void test_render_failure_keeps_old(void **state)
{
	struct tmpdir *t = *state;

	for (size_t w = 0; w < 2; w++) {
		assert_int_equal(writers[w](t->path, NAME, render_str, "good\n"), 0);
		assert_int_equal(writers[w](t->path, NAME, render_fail, NULL), -ENOSPC);
		assert_string_equal(slurp(target(t, NAME)), "good\n");
		assert_only_target(t);
	}
}

static void test_missing_or_bad_dir(void **state)
{
	struct tmpdir *t = *state;
	char missing[128];

	snprintf(missing, sizeof(missing), "%s/nope", t->path);
	assert_int_equal(textfile_write(missing, NAME, render_str, "x"), -ENOENT);

	/* a file where the directory should be */
	assert_int_equal(textfile_write(t->path, NAME, render_str, "good\n"), 0);
	assert_int_equal(textfile_write(target(t, NAME), NAME, render_str, "x"), -ENOTDIR);
	assert_string_equal(slurp(target(t, NAME)), "good\n");
}

/* Root writes through mode bits, so as root the write is tried by a child
 * that has dropped to nobody. Returns what textfile_write returned, or 1
 * if privileges could not be dropped. */
static int write_as_nobody(const char *dir)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(1);
		_exit(-textfile_write(dir, NAME, render_str, "new\n"));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	return -WEXITSTATUS(status);
}

static void test_unwritable_dir(void **state)
{
	struct tmpdir *t = *state;
	int ret;

	assert_int_equal(textfile_write(t->path, NAME, render_str, "good\n"), 0);
	if (geteuid() == 0) {
		assert_int_equal(chmod(t->path, 0755), 0);
		ret = write_as_nobody(t->path);
		if (ret == 1)
			skip();
	} else {
		assert_int_equal(chmod(t->path, 0555), 0);
		ret = textfile_write(t->path, NAME, render_str, "new\n");
	}
	assert_int_equal(ret, -EACCES);
	assert_int_equal(chmod(t->path, 0700), 0);
	assert_string_equal(slurp(target(t, NAME)), "good\n");
	assert_only_target(t);
}

/* rename() itself fails (a non-empty directory sits at the name): the temp
 * file must go and the error come back. */
static void test_rename_failure(void **state)
{
	struct tmpdir *t = *state;
	char inner[200];
	struct stat st;

	assert_int_equal(mkdir(target(t, NAME), 0755), 0);
	snprintf(inner, sizeof(inner), "%s/keep", target(t, NAME));
	assert_int_equal(close(open(inner, O_CREAT | O_WRONLY, 0644)), 0);
	assert_true(textfile_write(t->path, NAME, render_str, "x") < 0);
	assert_int_equal(stat(target(t, NAME), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_only_target(t);
}

static void plant_links(const struct tmpdir *t, unsigned from, unsigned to)
{
	char link[160];

	for (unsigned n = from; n < to; n++) {
		snprintf(link, sizeof(link), "%s/." NAME ".%d.%u.tmp", t->path, (int)getpid(), n);
		assert_int_equal(symlink(t->victim, link), 0);
	}
}

static void test_planted_symlink_not_followed(void **state)
{
	struct tmpdir *t = *state;
	char first[160];
	struct stat st;
	FILE *v = fopen(t->victim, "w");

	assert_non_null(v);
	fputs("victim\n", v);
	fclose(v);

	/* links at the first few temp names: written under a later one */
	plant_links(t, 0, 3);
	assert_int_equal(textfile_write(t->path, NAME, render_str, "safe\n"), 0);
	assert_string_equal(slurp(target(t, NAME)), "safe\n");
	assert_string_equal(slurp(t->victim), "victim\n");
	snprintf(first, sizeof(first), "%s/." NAME ".%d.0.tmp", t->path, (int)getpid());
	assert_int_equal(lstat(first, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	/* links at every name it would try: it gives up, victim untouched */
	plant_links(t, 3, 16);
	assert_int_equal(textfile_write(t->path, NAME, render_str, "evil\n"), -EEXIST);
	assert_string_equal(slurp(t->victim), "victim\n");
	assert_string_equal(slurp(target(t, NAME)), "safe\n");
}

static void test_bad_args(void **state)
{
	struct tmpdir *t = *state;

	assert_int_equal(textfile_write(NULL, NAME, render_str, ""), -EINVAL);
	assert_int_equal(textfile_write(t->path, NULL, render_str, ""), -EINVAL);
	assert_int_equal(textfile_write(t->path, "", render_str, ""), -EINVAL);
	assert_int_equal(textfile_write(t->path, "..", render_str, ""), -EINVAL);
	assert_int_equal(textfile_write(t->path, "a/b.prom", render_str, ""), -EINVAL);
	assert_int_equal(textfile_write(t->path, NAME, NULL, NULL), -EINVAL);
	assert_only_target(t);
}

/* The real renderer through the real writer gives the golden bytes. */
static void test_with_render_prom(void **state)
{
	struct tmpdir *t = *state;
	struct vt_snapshot s;
	struct prom_job job = { &s, NULL };
	struct membuf m;

	assert_int_equal(fixture_snapshot(&s), 0);
	fixture_add_probes(&s);
	assert_int_equal(textfile_write(t->path, NAME, render_prom_cb, &job), 0);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_prom(m.f, &s), 0);
	membuf_close(&m);
	assert_string_equal(slurp(target(t, NAME)), m.buf);
	membuf_free(&m);
	snapshot_free(&s);
}

int run_textfile_tests(void)
{
	const struct CMUnitTest textfile[] = {
		cmocka_unit_test_setup_teardown(test_atomic_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_failure_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_or_bad_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlink_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_with_render_prom, setup, teardown),
	};

	return cmocka_run_group_tests(textfile, NULL, NULL);
}
