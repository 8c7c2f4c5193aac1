// SPDX-License-Identifier: GPL-2.0
/* output_file.c: -o FILE. A snapshot replaces the file only when the command
 * ends well, and leaves no temporary file either way; a stream is in the file
 * as it comes; a path that cannot be written is one line of reason. stdout is
 * redirected for real, so each test keeps the test runner's and puts it back
 * before it asserts anything. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests.h"
#include "output_file.h"

struct fixture {
	char dir[64];
	char path[96];
	int saved_stdout;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vt-output-file.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/out.txt", f->dir);
	fflush(stdout);
	f->saved_stdout = dup(STDOUT_FILENO);
	*state = f;
	return f->saved_stdout < 0 ? -1 : 0;
}

/* The runner's stdout back: before any assert, so that cmocka's report is seen. */
static void restore_stdout(struct fixture *f)
{
	fflush(stdout);
	dup2(f->saved_stdout, STDOUT_FILENO);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *e;
	DIR *d;

	restore_stdout(f);
	close(f->saved_stdout);
	d = opendir(f->dir);
	while (d && (e = readdir(d))) {
		char p[384];

		if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* The file's text ("" when absent), in a static buffer. */
static const char *get(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

/* Names in the directory, the output file included. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_snapshot_replaced_when_kept(void **state)
{
	struct fixture *f = *state;
	struct vt_output_file out;
	char why[256], during[256];
	int open_err, close_err;

	put(f->path, "old\n");
	open_err = vt_output_open(&out, f->path, true, why, sizeof(why));
	printf("new\n");
	fflush(stdout);
	snprintf(during, sizeof(during), "%s", get(f->path));
	close_err = open_err ? 0 : vt_output_close(&out, true, why, sizeof(why));
	restore_stdout(f);

	assert_int_equal(open_err, 0);
	assert_string_equal(during, "old\n"); /* a reader never sees it half-written */
	assert_int_equal(close_err, 0);
	assert_string_equal(get(f->path), "new\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_snapshot_kept_old_on_failure(void **state)
{
	struct fixture *f = *state;
	struct vt_output_file out;
	char why[256];
	int open_err, close_err;

	put(f->path, "old\n");
	open_err = vt_output_open(&out, f->path, true, why, sizeof(why));
	printf("half a summary\n");
	close_err = open_err ? 0 : vt_output_close(&out, false, why, sizeof(why));
	restore_stdout(f);

	assert_int_equal(open_err, 0);
	assert_int_equal(close_err, 0);
	assert_string_equal(get(f->path), "old\n");
	assert_int_equal(entries(f->dir), 1); /* and no temporary file left */
}

static void test_stream_written_as_it_comes(void **state)
{
	struct fixture *f = *state;
	struct vt_output_file out;
	char why[256], during[256];
	int open_err, close_err;

	put(f->path, "an older, longer file\n");
	open_err = vt_output_open(&out, f->path, false, why, sizeof(why));
	printf("event 1\n");
	fflush(stdout);
	snprintf(during, sizeof(during), "%s", get(f->path));
	printf("event 2\n");
	close_err = open_err ? 0 : vt_output_close(&out, false, why, sizeof(why));
	restore_stdout(f);

	assert_int_equal(open_err, 0);
	assert_string_equal(during, "event 1\n");
	assert_int_equal(close_err, 0);
	/* A stream is what was written, even when the command then failed. */
	assert_string_equal(get(f->path), "event 1\nevent 2\n");
}

static void test_unwritable_path(void **state)
{
	struct fixture *f = *state;
	struct vt_output_file out;
	char why[256], path[160];

	for (int atomic = 0; atomic <= 1; atomic++) {
		snprintf(path, sizeof(path), "%s/no-such-dir/out.txt", f->dir);
		why[0] = '\0';
		assert_int_not_equal(vt_output_open(&out, path, atomic, why, sizeof(why)), 0);
		restore_stdout(f);
		assert_non_null(strstr(why, "cannot write -o "));
		assert_non_null(strstr(why, "No such file or directory"));
		assert_null(strchr(why, '\n'));
	}
	assert_int_equal(entries(f->dir), 0);
}

int run_output_file_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_replaced_when_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_kept_old_on_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_written_as_it_comes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
	};

	return cmocka_run_group_tests_name("output_file", tests, NULL, NULL);
}
