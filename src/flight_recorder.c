// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "flight_recorder.h"
#include "kmsg_reader.h"
#include "lock_history.h"
#include "lock_order.h"
#include "render_text_recorder.h"
#include "session.h"
#include "signals.h"
#include "splat_chain.h"
#include "textfile.h"

/* The tracer's requests (on-demand probes) want serving this often. */
#define VT_SERVE_NS 100000000ULL
/* Dumps written in one microsecond: the later ones get ".01", ".02", ...
 * after the "Z", which sorts them after the first ('.' > '-'). */
#define VT_DUMP_NAME_ATTEMPTS 100

struct vt_flight_recorder {
	char dir[PATH_MAX];
	struct vt_kmsg_reader kmsg;
	struct vt_lock_history history;
	struct vt_snapshot last; /* the latest sample; valid when sampled */
	bool sampled;
	struct vt_tracer *tracer; /* while in the session's wait */
	__u64 next_sample_ns;
	bool watched; /* it ran in a session's wait: a summary at the end is due */
	unsigned long reports, dumps;
	struct vt_recorder_losses losses;
};

/* One dump's content, for textfile_create()'s callback. */
struct dump_args {
	const struct vt_flight_recorder *rec;
	const struct vt_kmsg_report *report;
	const struct vt_snapshot *snap;
};

/* A directory we can create files in: tried for real, since root passes
 * access(2) on a read-only file system's permission bits. */
static int check_dir(const char *dir)
{
	char probe[64];
	struct stat st;
	int dfd, fd;

	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	snprintf(probe, sizeof(probe), ".vfio-trace-check.%d", (int)getpid());
	fd = openat(dfd, probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = -errno;

		close(dfd);
		return err;
	}
	close(fd);
	unlinkat(dfd, probe, 0);
	close(dfd);
	return 0;
}

/* A new sample of the tracer into the history; false when none could be
 * taken (the last one stands in). */
static bool sample(struct vt_flight_recorder *rec)
{
	struct vt_snapshot cur;

	if (!rec->tracer || vt_tracer_snapshot(rec->tracer, &cur))
		return false;
	vt_lock_history_record(&rec->history, &cur, rec->sampled ? &rec->last : NULL);
	snapshot_free(&rec->last);
	rec->last = cur;
	rec->sampled = true;
	return true;
}

static int render_dump(FILE *f, void *arg)
{
	const struct dump_args *a = arg;
	const struct vt_flight_recorder *rec = a->rec;
	struct vt_splat_chain chain;
	struct vt_lock_cycles cycles;
	struct vt_flight_dump d = {
		.report = a->report,
		.chain = &chain,
		.snap = a->snap,
		.cycles = &cycles,
		.history = &rec->history,
		.tick_s = VT_RECORDER_TICK_NS / 1e9,
		.losses = rec->losses,
	};

	vt_splat_chain_build(a->report, a->snap, &chain);
	vt_lock_cycles_find(a->snap, &cycles);
	return render_text_flight_dump(f, &d);
}

/* "lockdep", "hung-task" or "soft-lockup", for the line on stderr. */
static const char *report_family(enum vt_kmsg_kind kind)
{
	if (kind == VT_KMSG_HUNG_TASK)
		return "hung-task";
	if (kind == VT_KMSG_SOFT_LOCKUP)
		return "soft-lockup";
	return "lockdep";
}

static void losses_now(struct vt_flight_recorder *rec)
{
	const struct vt_kmsg_stats *st = vt_kmsg_stats(rec->kmsg.parser);

	rec->losses.kmsg_overruns = rec->kmsg.overruns;
	rec->losses.kmsg_read_errors = rec->kmsg.read_errors;
	rec->losses.kmsg_seq_gaps = st->seq_gaps;
	rec->losses.reports_cut = st->truncated;
}

/* The parser's callback: one report, one new file, named by the time it was
 * written (UTC), so that the files sort by time. */
static void on_report(const struct vt_kmsg_report *r, void *ctx)
{
	struct vt_flight_recorder *rec = ctx;
	struct dump_args args = { rec, r, NULL };
	struct vt_snapshot empty = {};
	char stamp[40], name[NAME_MAX + 1];
	time_t secs;
	struct tm tm;
	int err = -EEXIST;

	rec->reports++;
	if (!sample(rec))
		rec->losses.snapshot_errors++;
	args.snap = rec->sampled ? &rec->last : &empty;
	if (!rec->sampled)
		empty.mono_ns = vt_monotonic_ns();
	losses_now(rec);
	secs = (time_t)args.snap->wall_time;
	if (!gmtime_r(&secs, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)secs);
	for (int n = 0; n < VT_DUMP_NAME_ATTEMPTS && err == -EEXIST; n++) {
		char suffix[8] = "";

		if (n)
			snprintf(suffix, sizeof(suffix), ".%02d", n);
		snprintf(name, sizeof(name), "kernel-report-%s.%06dZ%s-%s.txt", stamp,
			 (int)((args.snap->wall_time - (double)secs) * 1e6), suffix,
			 vt_kmsg_kind_name(r->kind));
		err = textfile_create(rec->dir, name, render_dump, &args);
	}
	stamp[0] = '\0';
	if (gmtime_r(&secs, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (err) {
		rec->losses.dumps_failed++;
		fprintf(stderr, "vfio-trace: kernel %s report at %s: cannot write %s/%s: %s\n",
			report_family(r->kind), stamp, rec->dir, name, strerror(-err));
		return;
	}
	rec->dumps++;
	fprintf(stderr, "vfio-trace: kernel %s report at %s: wrote %s/%s\n", report_family(r->kind),
		stamp, rec->dir, name);
}

int vt_flight_recorder_open(struct vt_flight_recorder **out, const char *dir, double keep_s,
			    const char *kmsg_path)
{
	struct vt_flight_recorder *rec;
	int err;

	*out = NULL;
	err = check_dir(dir);
	if (err) {
		fprintf(stderr, "vfio-trace: --watch-kmsg: cannot write files in %.200s: %s\n", dir,
			strerror(-err));
		return VT_EXIT_USAGE;
	}
	rec = calloc(1, sizeof(*rec));
	if (!rec || strlen(dir) >= sizeof(rec->dir)) {
		free(rec);
		fprintf(stderr, "vfio-trace: --watch-kmsg: %s\n",
			rec ? "directory name too long" : strerror(ENOMEM));
		return rec ? VT_EXIT_USAGE : VT_EXIT_ERROR;
	}
	snprintf(rec->dir, sizeof(rec->dir), "%s", dir);
	err = vt_lock_history_init(&rec->history, VT_RECORDER_MAX_EVENTS, (__u64)(keep_s * 1e9));
	if (err) {
		fprintf(stderr, "vfio-trace: --watch-kmsg: %s\n", strerror(-err));
		free(rec);
		return VT_EXIT_ERROR;
	}
	err = vt_kmsg_reader_open(&rec->kmsg, kmsg_path, on_report, rec);
	if (err) {
		fprintf(stderr, "vfio-trace: --watch-kmsg: cannot read %s: %s\n",
			kmsg_path ? kmsg_path : "/dev/kmsg", strerror(-err));
		vt_lock_history_free(&rec->history);
		free(rec);
		return VT_EXIT_ERROR;
	}
	*out = rec;
	return VT_EXIT_OK;
}

static __u64 min_ns(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

int vt_flight_recorder_wait(struct vt_flight_recorder *rec, struct vt_tracer *t, __u64 deadline_ns)
{
	rec->tracer = t;
	rec->watched = true;
	while (!vt_exiting) {
		__u64 now = vt_monotonic_ns(), until;
		struct pollfd p = { .fd = rec->kmsg.fd, .events = POLLIN };
		int n;

		if (now >= rec->next_sample_ns) {
			sample(rec);
			rec->next_sample_ns = now + VT_RECORDER_TICK_NS;
		}
		if (now >= deadline_ns)
			break;
		until = min_ns(min_ns(deadline_ns, rec->next_sample_ns), now + VT_SERVE_NS);
		/* Rounded up: a timeout of 0 ms would spin until the deadline. */
		n = poll(&p, 1, (int)((until - now + 999999) / 1000000));
		vt_tracer_serve(t);
		now = vt_monotonic_ns();
		/* POLLERR: records were overwritten; the read says EPIPE, counted. */
		if (n > 0)
			vt_kmsg_reader_drain(&rec->kmsg, now);
		vt_kmsg_reader_idle(&rec->kmsg, now);
	}
	rec->tracer = NULL;
	return VT_EXIT_OK;
}

void vt_flight_recorder_close(struct vt_flight_recorder *rec)
{
	const struct vt_recorder_losses *l;

	if (!rec)
		return;
	/* A report still open is written from the last sample. */
	if (rec->kmsg.parser) {
		vt_kmsg_flush(rec->kmsg.parser);
		losses_now(rec);
	}
	vt_kmsg_reader_close(&rec->kmsg);
	l = &rec->losses;
	/* A session that never started (no vfio-pci, no privileges) said why
	 * already; a summary of nothing would only bury that. */
	if (rec->watched || rec->reports)
		fprintf(stderr,
			"vfio-trace: flight recorder: %lu kernel report%s, %lu dump%s written to %s; "
			"lost: %llu /dev/kmsg overruns, %llu sequence gaps, %llu read errors, %llu reports "
			"cut, %llu lock events (ring full), %llu samples, %llu dumps\n",
			rec->reports, rec->reports == 1 ? "" : "s", rec->dumps,
			rec->dumps == 1 ? "" : "s", rec->dir, (unsigned long long)l->kmsg_overruns,
			(unsigned long long)l->kmsg_seq_gaps,
			(unsigned long long)l->kmsg_read_errors, (unsigned long long)l->reports_cut,
			(unsigned long long)rec->history.overflow,
			(unsigned long long)l->snapshot_errors,
			(unsigned long long)l->dumps_failed);
	vt_lock_history_free(&rec->history);
	snapshot_free(&rec->last);
	free(rec);
}
