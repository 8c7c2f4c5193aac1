// SPDX-License-Identifier: GPL-2.0
/*
 * vt_cli_parse() on arbitrary command lines. The input is split into
 * arguments after argv[0] = "vfio-trace": on NUL bytes when it has any (so an
 * argument can hold a newline or any other byte), else on newlines (so a
 * corpus file is one argument per line); at most 23 arguments, each in its own
 * heap block so that ASan sees a read past any of them.
 *
 * vt_cli_parse must return 0 or -EINVAL. On -EINVAL the message is non-empty,
 * one line (no control character at all: it goes to a terminal), within
 * the buffer, and an "unknown option" names an option that was given. On 0 the options hold only what the parser promises: canonical
 * BDFs, in-range numbers, consistent combinations. Parsing twice gives the
 * same answer (getopt keeps global state that the parser must reset).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define MAX_ARGS 24
#define ERR_LEN 256

#define FUZZ_NAME "fuzz_cli"
#include "fuzz_fail.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* getopt would stop at the first positional */
	unsetenv("POSIXLY_CORRECT");
	return 0;
}

static int split(const uint8_t *data, size_t size, char **argv)
{
	char sep = memchr(data, '\0', size) ? '\0' : '\n';
	int argc = 0;
	size_t start = 0;

	argv[argc++] = strdup("vfio-trace");
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i < size && data[i] != sep)
			continue;
		/* a trailing separator ends the last argument, no empty one after */
		if (i == size && start == size && size)
			break;
		argv[argc] = malloc(i - start + 1);
		memcpy(argv[argc], data + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	if (size == 0) {
		free(argv[--argc]);
	}
	argv[argc] = NULL;
	return argc;
}

static void check_error(const char *err)
{
	size_t n = strnlen(err, ERR_LEN);

	if (n == ERR_LEN)
		FAIL("error message not terminated within %d bytes", ERR_LEN);
	if (!n)
		FAIL("-EINVAL with an empty message");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
			FAIL("error message has control byte 0x%02x at %zu: '%s'",
			     (unsigned char)err[i], i, err);
}

/* argv[i] as the error message shows it: control bytes become '?' */
static int shown_prefix(const char *arg, const char *shown, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)arg[i];

		if (!a || (a < 0x20 || a == 0x7f ? '?' : a) != (unsigned char)shown[i])
			return 0;
	}
	return 1;
}

/*
 * "unknown option 'X'" must name an option the user gave: the start of an
 * argument that begins with '-' (a long option or a cluster), or "-c" for a
 * character c inside such an argument (an unknown letter in a cluster).
 */
static void check_unknown_option(const char *err, char **argv, int argc)
{
	static const char head[] = "unknown option '", tail[] = "' (see --help)";
	size_t n = strlen(err), h = sizeof(head) - 1, t = sizeof(tail) - 1, q;

	if (n < h + t || memcmp(err, head, h) || strcmp(err + n - t, tail))
		return;
	q = n - h - t;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			continue;
		if (q && shown_prefix(argv[i], err + h, q))
			return;
		if (q == 2 && err[h] == '-' && strlen(argv[i]) > 1) {
			for (const char *c = argv[i] + 1; *c; c++)
				if (shown_prefix(c, err + h + 1, 1))
					return;
		}
	}
	FAIL("'%s' names no option that was given", err);
}

static int points_into(const char *p, char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

static void check_options(const struct vt_options *o, char **argv, int argc)
{
	if (o->unit > VT_UNIT_MS)
		FAIL("unit %d out of range", o->unit);
	if (o->nbdfs > VT_MAX_BDF_FILTERS)
		FAIL("%u BDF filters", o->nbdfs);
	for (unsigned i = 0; i < o->nbdfs; i++) {
		char again[VT_BDF_LEN];

		if (strnlen(o->bdfs[i], VT_BDF_LEN) != 12)
			FAIL("BDF %u is not 12 characters", i);
		if (vt_parse_bdf(o->bdfs[i], again) || strcmp(again, o->bdfs[i]))
			FAIL("BDF '%s' is not canonical", o->bdfs[i]);
	}
	if (o->pid > 4194304)
		FAIL("pid %u", o->pid);
	if (!isfinite(o->interval_s) || o->interval_s < 0 || o->interval_s > 86400 ||
	    !isfinite(o->duration_s) || o->duration_s < 0 || o->duration_s > 86400)
		FAIL("interval %g or duration %g out of range", o->interval_s, o->duration_s);
	if (o->count > 1000000000UL)
		FAIL("count %lu", o->count);
	if (o->textfile_dir && (!o->textfile_dir[0] || !points_into(o->textfile_dir, argv, argc)))
		FAIL("textfile_dir empty or not from argv");
	if (o->help || o->version)
		return;
	if (o->command == VT_CMD_EXPORT && (!o->textfile_dir || !(o->interval_s > 0)))
		FAIL("export without a directory or an interval");
	if (o->command != VT_CMD_EXPORT && o->textfile_dir)
		FAIL("--textfile-dir accepted outside export");
	if (o->count && !(o->interval_s > 0))
		FAIL("a count without an interval");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *err = malloc(ERR_LEN);
	struct vt_options o1, o2;
	int argc = split(data, size, argv), r1, r2;

	r1 = vt_cli_parse(argc, argv, &o1, err, ERR_LEN);
	if (r1 != 0 && r1 != -EINVAL)
		FAIL("returned %d", r1);
	if (r1) {
		check_error(err);
		check_unknown_option(err, argv, argc);
	} else
		check_options(&o1, argv, argc);

	/* getopt may have permuted argv; the answer must not change */
	r2 = vt_cli_parse(argc, argv, &o2, err, ERR_LEN);
	if (r1 != r2)
		FAIL("second parse returned %d, first %d", r2, r1);
	if (!r1 && (o1.command != o2.command || o1.nbdfs != o2.nbdfs ||
		    memcmp(o1.bdfs, o2.bdfs, sizeof(o1.bdfs)) || o1.pid != o2.pid ||
		    o1.interval_s != o2.interval_s || o1.count != o2.count ||
		    o1.duration_s != o2.duration_s || o1.unit != o2.unit || o1.json != o2.json ||
		    o1.help != o2.help))
		FAIL("second parse gave other options");

	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(err);
	return 0;
}
