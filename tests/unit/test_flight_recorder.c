// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder of `vfio-trace lockdep --watch-kmsg`: its ring of
 * recent lock events, the mapping of a kernel report's classes onto
 * vfio-trace's, the chain and the edges on it, the dump (a golden built from
 * the fixture report kmsg/circular-mmap-memory.txt and a snapshot built
 * here), the no-replace atomic write, the reader of /dev/kmsg (on a file)
 * and the checks the recorder makes at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests.h"
#include "fixtures.h"
#include "flight_recorder.h"
#include "kmsg_reader.h"
#include "lock_history.h"
#include "render_text_recorder.h"
#include "session.h"
#include "splat_chain.h"
#include "textfile.h"

#define NO VT_NO_SLOT
#define SEC 1000000000ULL

/* --- helpers -------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The first report of kmsg/NAME, copied out of the parser's callback. */
struct first_report {
	struct vt_kmsg_report *r;
	unsigned n;
};

static void keep_first(const struct vt_kmsg_report *r, void *ctx)
{
	struct first_report *got = ctx;

	if (!got->n++) {
		got->r = malloc(sizeof(*r));
		assert_non_null(got->r);
		memcpy(got->r, r, sizeof(*r));
	}
}

static struct vt_kmsg_report *parse_fixture(const char *name)
{
	struct first_report got = {};
	struct vt_kmsg_parser *p = vt_kmsg_new(keep_first, &got);
	char path[128];
	size_t len;
	char *buf;

	assert_non_null(p);
	snprintf(path, sizeof(path), "kmsg/%s", name);
	buf = slurp(path, &len);
	vt_kmsg_feed(p, buf, len);
	vt_kmsg_flush(p);
	vt_kmsg_free(p);
	free(buf);
	assert_int_equal(got.n, 1);
	return got.r;
}

struct edge_spec {
	int from, from_mode, to, to_mode;
	__u32 from_slot, to_slot;
	__u64 count;
	unsigned direct;
};

/* Edges first seen at 1 s, 2 s, ... by "task<i>" (pid 200 + i), with two
 * frames each. */
static void add_edges(struct vt_snapshot *s, const struct edge_spec *spec, size_t n)
{
	s->edges = calloc(n, sizeof(*s->edges));
	assert_non_null(s->edges);
	s->nedges = n;
	for (size_t i = 0; i < n; i++) {
		struct vt_lock_edge *e = &s->edges[i];
		char frames[64];
		int len;

		e->key.from_class = spec[i].from;
		e->key.from_mode = spec[i].from_mode;
		e->key.to_class = spec[i].to;
		e->key.to_mode = spec[i].to_mode;
		e->key.from_slot = spec[i].from_slot;
		e->key.to_slot = spec[i].to_slot;
		e->key.same_device =
			spec[i].from_slot != NO && spec[i].from_slot == spec[i].to_slot;
		e->key.direct = spec[i].direct;
		e->val.count = spec[i].count;
		e->val.first_ns = (i + 1) * SEC;
		e->val.pid = e->val.tid = 200 + i;
		snprintf(e->val.comm, sizeof(e->val.comm), "task%u", (unsigned)i);
		len = snprintf(frames, sizeof(frames), "down_read+0x5%cframe%zu+0x10", '\0', i);
		e->frames = malloc((size_t)len + 1);
		assert_non_null(e->frames);
		memcpy(e->frames, frames, (size_t)len + 1);
		e->frames_len = (size_t)len + 1;
		e->nframes = 2;
	}
	snapshot_sort(s);
}

/* A run on device slot 0 (0000:3b:00.0): the fault path's order, MSI setup's
 * allocation under memory_lock, and one thread holding mmap_lock and
 * memory_lock now. */
static const struct edge_spec run_edges[] = {
	{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 0, 744, 1 },
	{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 0, 12, 0 },
	{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_FS_RECLAIM, VT_MODE_WRITE, 0, NO, 3, 1 },
	{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_FS_RECLAIM, VT_MODE_WRITE, NO, NO, 90, 1 },
};

static void make_run(struct vt_snapshot *s, __u64 mono_ns, const __u64 *counts)
{
	size_t n = sizeof(run_edges) / sizeof(run_edges[0]);
	struct edge_spec spec[sizeof(run_edges) / sizeof(run_edges[0])];
	size_t kept = 0;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		spec[kept] = run_edges[i];
		spec[kept++].count = counts[i];
	}
	add_edges(s, spec, kept);
	s->devs = calloc(1, sizeof(*s->devs));
	assert_non_null(s->devs);
	s->ndevs = 1;
	snprintf(s->devs[0].info.bdf, sizeof(s->devs[0].info.bdf), "%s", FIX_A_BDF);
	s->devs[0].slot = 0;
	s->mono_ns = mono_ns;
	s->started_ns = 0;
	s->wall_time = FIX_WALL_TIME;
}

static void add_holder(struct vt_snapshot *s)
{
	struct vt_lock_holder *h;

	s->holders = calloc(2, sizeof(*s->holders));
	assert_non_null(s->holders);
	s->nholders = 2;
	h = &s->holders[0];
	h->tid = 312;
	snprintf(h->comm, sizeof(h->comm), "vfio-workload");
	h->held.depth = 2;
	h->held.class[0] = VT_LC_MMAP_LOCK;
	h->held.mode[0] = VT_MODE_READ;
	h->held.slot[0] = NO;
	h->held.class[1] = VT_LC_MEMORY_LOCK;
	h->held.mode[1] = VT_MODE_READ;
	h->held.slot[1] = 0;
	h = &s->holders[1];
	h->tid = 4000; /* exited since: no name */
	h->held.depth = 1;
	h->held.class[0] = VT_LC_IGATE;
	h->held.mode[0] = VT_MODE_WRITE;
	h->held.slot[0] = 7; /* a device no longer listed */
}

/* --- the ring -------------------------------------------------------------- */

static void test_history_bounded(void **state)
{
	struct vt_lock_history h;
	struct vt_lock_event ev = {};

	assert_int_equal(vt_lock_history_init(&h, 0, SEC), -EINVAL);
	assert_int_equal(vt_lock_history_init(&h, 4, 0), -EINVAL);
	assert_int_equal(vt_lock_history_init(&h, 4, 100 * SEC), 0);
	for (unsigned i = 0; i < 6; i++) {
		ev.at_ns = (i + 1) * SEC;
		ev.added = i;
		vt_lock_history_add(&h, &ev);
	}
	/* Room for four: the two oldest were overwritten, and counted. */
	assert_int_equal(h.n, 4);
	assert_int_equal(h.overflow, 2);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(vt_lock_history_at(&h, i)->added, i + 2);
	assert_null(vt_lock_history_at(&h, 4));
	vt_lock_history_free(&h);
}

static void test_history_window(void **state)
{
	struct vt_lock_history h;
	struct vt_lock_event ev = {};

	assert_int_equal(vt_lock_history_init(&h, 16, 10 * SEC), 0);
	for (unsigned i = 0; i < 6; i++) {
		ev.at_ns = (i + 1) * SEC;
		ev.added = i;
		vt_lock_history_add(&h, &ev);
	}
	/* At 13 s the window starts at 3 s: the events at 1 s and 2 s go,
	 * and going is not overflow. */
	vt_lock_history_trim(&h, 13 * SEC);
	assert_int_equal(h.n, 4);
	assert_int_equal(vt_lock_history_at(&h, 0)->at_ns, 3 * SEC);
	assert_int_equal(h.overflow, 0);
	/* Before the window has passed once, nothing goes. */
	vt_lock_history_trim(&h, 5 * SEC);
	assert_int_equal(h.n, 4);
	vt_lock_history_trim(&h, 100 * SEC);
	assert_int_equal(h.n, 0);
	assert_null(vt_lock_history_at(&h, 0));
	vt_lock_history_free(&h);
}

/* Between two snapshots: new edges and grown ones are events, an edge whose
 * count did not move is not. */
static void test_history_record(void **state)
{
	const __u64 before[] = { 700, 12, 0, 90 }, after[] = { 744, 12, 3, 90 };
	struct vt_snapshot a, b;
	struct vt_lock_history h;
	const struct vt_lock_event *ev;

	make_run(&a, 10 * SEC, before);
	make_run(&b, 11 * SEC, after);
	assert_int_equal(vt_lock_history_init(&h, 16, 30 * SEC), 0);
	vt_lock_history_record(&h, &a, NULL);
	assert_int_equal(h.n, 3); /* everything is new in the first sample */
	vt_lock_history_record(&h, &b, &a);
	assert_int_equal(h.n, 5);
	ev = vt_lock_history_at(&h, 3);
	assert_int_equal(ev->at_ns, 11 * SEC);
	assert_int_equal(ev->key.from_class, VT_LC_MMAP_LOCK);
	assert_int_equal(ev->key.to_class, VT_LC_MEMORY_LOCK);
	assert_true(ev->key.direct);
	assert_false(ev->first_seen);
	assert_int_equal(ev->added, 44);
	assert_int_equal(ev->count, 744);
	ev = vt_lock_history_at(&h, 4);
	assert_int_equal(ev->key.from_class, VT_LC_MEMORY_LOCK);
	assert_true(ev->first_seen);
	assert_int_equal(ev->added, 3);
	assert_string_equal(ev->comm, "task2"); /* the third edge of the run */
	/* 45 s: the first sample is out of the window, the second too. */
	vt_lock_history_trim(&h, 41 * SEC);
	assert_int_equal(h.n, 2);
	vt_lock_history_free(&h);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* --- the kernel's classes as vfio-trace's ---------------------------------- */

static void test_class_mapping(void **state)
{
	struct vt_snapshot s = {};

	s.nuser_locks = 1;
	snprintf(s.user_locks[0], sizeof(s.user_locks[0]), "vt_lockseed_lock");
	assert_int_equal(vt_splat_class(&s, "&mm->mmap_lock"), VT_LC_MMAP_LOCK);
	assert_int_equal(vt_splat_class(&s, "&mm->mmap_lock#2"), VT_LC_MMAP_LOCK);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_lock"), VT_LC_MEMORY_LOCK);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_lock/1"), VT_LC_MEMORY_LOCK);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_lock#3/1"), VT_LC_MEMORY_LOCK);
	assert_int_equal(vt_splat_class(&s, "&vdev->vma_lock"), VT_LC_VMA_LOCK);
	assert_int_equal(vt_splat_class(&s, "&mapping->i_mmap_rwsem"), VT_LC_I_MMAP_RWSEM);
	assert_int_equal(vt_splat_class(&s, "&vdev->igate"), VT_LC_IGATE);
	assert_int_equal(vt_splat_class(&s, "fs_reclaim"), VT_LC_FS_RECLAIM);
	assert_int_equal(vt_splat_class(&s, "vt_lockseed_lock"), VT_LC_MAX);
	/* Not ours, or not quite. */
	assert_int_equal(vt_splat_class(&s, "&rq->__lock"), -1);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_lock#"), -1);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_lock2"), -1);
	assert_int_equal(vt_splat_class(&s, "&vdev->memory_loc"), -1);
	assert_int_equal(vt_splat_class(&s, "#2"), -1);
	assert_int_equal(vt_splat_class(&s, ""), -1);
	/* A --lock class exists only when the run had that symbol. */
	s.nuser_locks = 0;
	assert_int_equal(vt_splat_class(&s, "vt_lockseed_lock"), -1);
}

/* --- the chain and the edges on it ----------------------------------------- */

static void assert_step(const struct vt_splat_step *st, const char *from, int from_class,
			const char *to, int to_class, bool reported)
{
	assert_string_equal(st->from, from);
	assert_string_equal(st->to, to);
	assert_int_equal(st->from_class, from_class);
	assert_int_equal(st->to_class, to_class);
	assert_int_equal(st->reported, reported);
}

static void test_chain_two_classes(void **state)
{
	struct vt_kmsg_report *r = parse_fixture("circular-mmap-memory.txt");
	const __u64 counts[] = { 744, 12, 3, 90 };
	struct vt_splat_chain c;
	struct vt_snapshot s;

	make_run(&s, 11 * SEC, counts);
	vt_splat_chain_build(r, &s, &c);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.dropped, 0);
	assert_step(&c.steps[0], "&mm->mmap_lock", VT_LC_MMAP_LOCK, "&vdev->memory_lock",
		    VT_LC_MEMORY_LOCK, false);
	assert_step(&c.steps[1], "&vdev->memory_lock", VT_LC_MEMORY_LOCK, "&mm->mmap_lock",
		    VT_LC_MMAP_LOCK, true);
	/* Both mmap_lock -> memory_lock edges (direct or not) are step 0; the
	 * allocations are on no step. */
	for (size_t i = 0; i < s.nedges; i++) {
		const struct vt_lock_edge *e = &s.edges[i];
		int want =
			e->key.from_class == VT_LC_MMAP_LOCK && e->key.to_class == VT_LC_MEMORY_LOCK
				? 0
				: -1;

		assert_int_equal(vt_splat_edge_step(&c, e), want);
	}
	snapshot_free(&s);
	free(r);
}

/* Three classes: #0 -> #1 -> #2 as lockdep saw them, closed by the reported
 * #2 -> #0. fs_reclaim is ours; an untracked class matches no edge. */
static void test_chain_three_classes(void **state)
{
	struct vt_kmsg_report *r = parse_fixture("circular-chain3.txt");
	const __u64 counts[] = { 1, 0, 3, 0 };
	struct vt_splat_chain c;
	struct vt_snapshot s;

	make_run(&s, SEC, counts);
	vt_splat_chain_build(r, &s, &c);
	assert_int_equal(c.n, 3);
	assert_step(&c.steps[0], "&vdev->memory_lock", VT_LC_MEMORY_LOCK, "fs_reclaim",
		    VT_LC_FS_RECLAIM, false);
	assert_step(&c.steps[1], "fs_reclaim", VT_LC_FS_RECLAIM, "&mapping->i_mmap_rwsem",
		    VT_LC_I_MMAP_RWSEM, false);
	assert_step(&c.steps[2], "&mapping->i_mmap_rwsem", VT_LC_I_MMAP_RWSEM, "&vdev->memory_lock",
		    VT_LC_MEMORY_LOCK, true);
	for (size_t i = 0; i < s.nedges; i++)
		assert_int_equal(vt_splat_edge_step(&c, &s.edges[i]),
				 s.edges[i].key.from_class == VT_LC_MEMORY_LOCK ? 0 : -1);
	snapshot_free(&s);
	free(r);
}

/* A hung task's lock lists: each task's locks in the order taken; and a
 * report without any lock pair. */
static void test_chain_hung_task_and_none(void **state)
{
	struct vt_kmsg_report *r = parse_fixture("hung-task.txt");
	struct vt_splat_chain c;
	struct vt_snapshot s = {};

	vt_splat_chain_build(r, &s, &c);
	/* Two vCPU threads took mmap_lock and memory_lock in both orders: the
	 * deadlock the hung tasks are in; a worker's pair of untracked ones. */
	assert_int_equal(c.n, 3);
	assert_step(&c.steps[0], "&mm->mmap_lock", VT_LC_MMAP_LOCK, "&vdev->memory_lock",
		    VT_LC_MEMORY_LOCK, false);
	assert_step(&c.steps[1], "&vdev->memory_lock", VT_LC_MEMORY_LOCK, "&mm->mmap_lock",
		    VT_LC_MMAP_LOCK, false);
	assert_step(&c.steps[2], "(wq_completion)events", -1,
		    "(work_completion)(&(&kfence_timer)->work)", -1, false);
	free(r);
	r = parse_fixture("soft-lockup.txt");
	vt_splat_chain_build(r, &s, &c);
	assert_int_equal(c.n, 0);
	free(r);
	r = parse_fixture("recursive.txt");
	vt_splat_chain_build(r, &s, &c);
	assert_int_equal(c.n, 1);
	assert_true(c.steps[0].reported);
	assert_int_equal(c.steps[0].from_class, VT_LC_MEMORY_LOCK);
	assert_int_equal(c.steps[0].to_class, VT_LC_MEMORY_LOCK);
	free(r);
}

/* --- the dump --------------------------------------------------------------- */

static int render_to(struct membuf *m, const struct vt_flight_dump *d)
{
	int err;

	assert_non_null(membuf_open(m));
	err = render_text_flight_dump(m->f, d);
	membuf_close(m);
	return err;
}

static void test_dump_golden(void **state)
{
	struct vt_kmsg_report *r = parse_fixture("circular-mmap-memory.txt");
	const __u64 before[] = { 700, 12, 0, 90 }, after[] = { 744, 12, 3, 90 };
	struct vt_snapshot a, b;
	struct vt_lock_history h;
	struct vt_splat_chain chain;
	struct vt_lock_cycles cycles;
	struct vt_flight_dump d = {};
	struct membuf m;

	make_run(&a, 10 * SEC, before);
	make_run(&b, 11 * SEC + 250000000ULL, after);
	add_holder(&b);
	assert_int_equal(vt_lock_history_init(&h, 16, 30 * SEC), 0);
	vt_lock_history_record(&h, &a, NULL);
	vt_lock_history_record(&h, &b, &a);
	vt_splat_chain_build(r, &b, &chain);
	vt_lock_cycles_find(&b, &cycles);
	d.report = r;
	d.chain = &chain;
	d.snap = &b;
	d.cycles = &cycles;
	d.history = &h;
	d.tick_s = 1;
	d.losses.kmsg_overruns = 2;
	d.losses.dumps_failed = 1;
	assert_int_equal(render_to(&m, &d), 0);
	assert_golden("flight-dump.txt", m.buf, m.len);
	membuf_free(&m);

	d.history = NULL;
	assert_int_equal(render_to(&m, &d), -EINVAL);
	membuf_free(&m);
	vt_lock_history_free(&h);
	snapshot_free(&a);
	snapshot_free(&b);
	free(r);
}

/* --- writing it, and the checks at start ----------------------------------- */

static int render_str(FILE *f, void *arg)
{
	return fputs(arg, f) < 0 ? -EIO : 0;
}

static unsigned count_entries(const char *dir)
{
	char cmd[256];
	unsigned n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%u", &n), 1);
	pclose(p);
	return n;
}

/* A dump never replaces a file: the second write of one name fails with
 * EEXIST, leaving the first whole and no temporary file behind. */
static void test_create_never_replaces(void **state)
{
	char dir[] = "/tmp/vt-recorder-XXXXXX", path[128], *text;
	struct stat st;
	size_t len;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(textfile_create(dir, "dump.txt", render_str, "first\n"), 0);
	assert_int_equal(textfile_create(dir, "dump.txt", render_str, "second\n"), -EEXIST);
	snprintf(path, sizeof(path), "%s/dump.txt", dir);
	/* The kernel's log may be kept from other users: so is the dump. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = slurp(path, &len);
	assert_string_equal(text, "first\n");
	free(text);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(textfile_create(dir, "../escape", render_str, "x"), -EINVAL);
	unlink(path);
	rmdir(dir);
}

static void test_recorder_open_checks(void **state)
{
	char dir[] = "/tmp/vt-recorder-XXXXXX", file[128], kmsg[128];
	struct vt_flight_recorder *rec = (void *)1;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/plain", dir);
	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	fd = open(kmsg, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* The directory: missing, or not one: a usage error, nothing open. */
	assert_int_equal(vt_flight_recorder_open(&rec, "/nonexistent/dumps", 30, kmsg),
			 VT_EXIT_USAGE);
	assert_null(rec);
	assert_int_equal(vt_flight_recorder_open(&rec, file, 30, kmsg), VT_EXIT_USAGE);
	assert_null(rec);
	/* The log it cannot open: an error of the run, not of the command line. */
	assert_int_equal(vt_flight_recorder_open(&rec, dir, 30, "/nonexistent/kmsg"),
			 VT_EXIT_ERROR);
	assert_null(rec);
	assert_int_equal(vt_flight_recorder_open(&rec, dir, 30, kmsg), VT_EXIT_OK);
	assert_non_null(rec);
	vt_flight_recorder_close(rec);
	vt_flight_recorder_close(NULL);
	/* The check left nothing behind: the two files of the test only. */
	assert_int_equal(count_entries(dir), 2);
	unlink(file);
	unlink(kmsg);
	rmdir(dir);
}

/* The reader starts at the end: a report already in the log is not one of
 * this run's; one appended later is, whole, at its end marker. */
static void count_reports(const struct vt_kmsg_report *r, void *ctx)
{
	(*(unsigned *)ctx)++;
}

static void test_reader_from_the_end(void **state)
{
	char path[] = "/tmp/vt-kmsg-XXXXXX", *old;
	struct vt_kmsg_reader rd;
	unsigned reports = 0;
	size_t len;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	old = slurp("kmsg/circular-chain3.kmsg", &len);
	assert_int_equal(write(fd, old, len), (ssize_t)len);
	assert_int_equal(vt_kmsg_reader_open(&rd, path, count_reports, &reports), 0);
	assert_int_equal(vt_kmsg_reader_drain(&rd, SEC), 0);
	assert_int_equal(reports, 0);
	assert_int_equal(write(fd, old, len), (ssize_t)len);
	assert_true(vt_kmsg_reader_drain(&rd, 2 * SEC) > 0);
	assert_int_equal(reports, 1);
	/* Quiet for less than the idle time, then for more: nothing open. */
	vt_kmsg_reader_idle(&rd, 2 * SEC + VT_KMSG_IDLE_FLUSH_NS - 1);
	vt_kmsg_reader_idle(&rd, 2 * SEC + VT_KMSG_IDLE_FLUSH_NS);
	assert_int_equal(reports, 1);
	assert_int_equal(rd.overruns, 0);
	assert_int_equal(rd.read_errors, 0);
	vt_kmsg_reader_close(&rd);
	assert_int_equal(reports, 1);
	assert_int_equal(vt_kmsg_reader_open(&rd, "/nonexistent/kmsg", count_reports, &reports),
			 -ENOENT);
	assert_int_equal(rd.fd, -1);
	close(fd);
	unlink(path);
	free(old);
}

int run_flight_recorder_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_bounded),
		cmocka_unit_test(test_history_window),
		cmocka_unit_test(test_history_record),
		cmocka_unit_test(test_class_mapping),
		cmocka_unit_test(test_chain_two_classes),
		cmocka_unit_test(test_chain_three_classes),
		cmocka_unit_test(test_chain_hung_task_and_none),
		cmocka_unit_test(test_dump_golden),
		cmocka_unit_test(test_create_never_replaces),
		cmocka_unit_test(test_recorder_open_checks),
		cmocka_unit_test(test_reader_from_the_end),
	};

	return cmocka_run_group_tests_name("flight_recorder", tests, NULL, NULL);
}
