// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log's report parser (kmsg_report.h) on arbitrary records. The
 * first byte says how the rest is cut into what one vt_kmsg_feed() gets, and
 * whether each piece is wrapped as a /dev/kmsg record (sequence numbers that
 * jump, timestamps with quiet gaps, two printk callers) and flushed, and
 * whether the input also goes through the parser used for earlier ones. Every
 * report handed over must be well-formed: its strings NUL-terminated in their
 * arrays and printable ASCII as stored, its counts within the limits, a cut
 * one marked truncated, every class it names in its list of locks, its text
 * starting with its title. Every line fed is counted once; the parser
 * allocates nothing once made. And the reports of an input are the same from
 * a new parser and from one that read other inputs before: nothing of an
 * earlier report shows in a later one.
 *
 * Each report of a new parser also goes through what the flight recorder
 * does with it: its chain in vfio-trace's classes (splat_chain.c), checked
 * against an oracle of the class mapping and against a snapshot's edges, and
 * the dump file rendered from it (render_text_recorder.c): printable ASCII
 * and newlines only, every section there.
 */
#include <sanitizer/allocator_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmsg_report.h"
#include "lock_history.h"
#include "lock_order.h"
#include "render_text_recorder.h"
#include "splat_chain.h"

#define FUZZ_NAME "fuzz_kmsg"
#include "fuzz_fail.h"
#include "fuzz_input.h"

#define MAX_HASHES 4096

/* The reports of one parser over one input, as hashes of what they say. */
struct run {
	bool is_fresh;
	bool render; /* the dump too: a quarter of the inputs (it costs half the time) */
	size_t n;
	uint64_t hash[MAX_HASHES];
};

/* Allocations made while the parser runs, in this thread (libFuzzer's own
 * thread allocates at any time). */
static __thread bool in_parser;
static unsigned long parser_allocs;

static void on_malloc(const volatile void *ptr, size_t size)
{
	if (in_parser)
		parser_allocs++;
}

static void on_free(const volatile void *ptr)
{
}

FUZZ_NO_COVERAGE static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

/* A string field: NUL-terminated inside its array, printable ASCII before. */
FUZZ_NO_COVERAGE static uint64_t check_str(uint64_t h, const char *s, size_t size, const char *what)
{
	const char *nul = memchr(s, '\0', size);

	if (!nul)
		FAIL("%s: not terminated in its %zu bytes", what, size);
	for (const char *p = s; p < nul; p++)
		if (*p < 0x20 || *p > 0x7e)
			FAIL("%s: byte 0x%02x at %td is not printable", what, (unsigned char)*p,
			     p - s);
	return fnv(h, s, (size_t)(nul - s) + 1);
}

FUZZ_NO_COVERAGE static bool named(const struct vt_kmsg_report *r, const char *name)
{
	for (unsigned i = 0; i < r->nlocks; i++)
		if (!strcmp(r->locks[i], name))
			return true;
	return r->locks_dropped > 0;
}

FUZZ_NO_COVERAGE static uint64_t check_lock(uint64_t h, const struct vt_kmsg_report *r,
					    const struct vt_kmsg_lock *l, const char *what)
{
	h = check_str(h, l->name, sizeof(l->name), what);
	h = check_str(h, l->at, sizeof(l->at), what);
	h = check_str(h, l->addr, sizeof(l->addr), what);
	if (!l->name[0])
		FAIL("%s: no name", what);
	if (!named(r, l->name))
		FAIL("%s '%s' is not in the report's locks", what, l->name);
	return h;
}

FUZZ_NO_COVERAGE static uint64_t check_task(uint64_t h, const struct vt_kmsg_task *t,
					    const char *what)
{
	h = check_str(h, t->comm, sizeof(t->comm), what);
	if (t->pid < 0 || t->cpu < -1)
		FAIL("%s: pid %d, cpu %d", what, t->pid, t->cpu);
	return fnv(h, &t->pid, sizeof(t->pid)) ^ t->secs ^ (uint64_t)t->cpu << 40;
}

/* Oracle of vt_splat_class(): @name is @base and lockdep's decorations,
 * "#N" then "/N", each optional. */
FUZZ_NO_COVERAGE static bool decorated(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p = name + n;

	if (strncmp(name, base, n))
		return false;
	for (const char *mark = "#/"; *mark; mark++) {
		if (*p != *mark || !(p[1] >= '0' && p[1] <= '9'))
			continue;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	return !*p;
}

/* The flight recorder's snapshot: one edge per ordered pair of three
 * classes, and a --lock symbol of the user's. */
static struct vt_snapshot *recorder_snapshot(void)
{
	static const int classes[] = { VT_LC_MMAP_LOCK, VT_LC_MEMORY_LOCK, VT_LC_FS_RECLAIM,
				       VT_LC_MAX };
	static struct vt_lock_edge edges[16];
	static struct vt_snapshot s;
	size_t n = 0;

	if (s.nedges)
		return &s;
	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 4; j++) {
			if (i == j)
				continue;
			edges[n].key.from_class = classes[i];
			edges[n].key.to_class = classes[j];
			edges[n].key.from_slot = edges[n].key.to_slot = VT_NO_SLOT;
			edges[n].key.direct = 1;
			edges[n].val.count = n + 1;
			n++;
		}
	s.edges = edges;
	s.nedges = n;
	s.nuser_locks = 1;
	snprintf(s.user_locks[0], sizeof(s.user_locks[0]), "vt_lockseed_lock");
	snapshot_sort(&s);
	return &s;
}

FUZZ_NO_COVERAGE static void check_class(const struct vt_snapshot *s, const char *name, int class)
{
	int want = -1;

	for (int c = 0; c < VT_LC_MAX + (int)s->nuser_locks && want < 0; c++)
		if (decorated(name, snapshot_lock_name(s, c)))
			want = c;
	if (class != want)
		FAIL("class of '%s': %d, the oracle says %d", name, class, want);
}

FUZZ_NO_COVERAGE static void check_chain(const struct vt_kmsg_report *r,
					 const struct vt_snapshot *s,
					 const struct vt_splat_chain *c)
{
	if (c->n > VT_SPLAT_MAX_STEPS)
		FAIL("%u steps", c->n);
	for (unsigned i = 0; i < c->n; i++) {
		const struct vt_splat_step *st = &c->steps[i];

		check_str(0, st->from, sizeof(st->from), "step from");
		check_str(0, st->to, sizeof(st->to), "step to");
		if (!st->from[0] || !st->to[0])
			FAIL("step %u: an empty class", i);
		if (!named(r, st->from) || !named(r, st->to))
			FAIL("step %u: %s -> %s not among the report's locks", i, st->from, st->to);
		check_class(s, st->from, st->from_class);
		check_class(s, st->to, st->to_class);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(st->from, c->steps[j].from) && !strcmp(st->to, c->steps[j].to))
				FAIL("step %u repeats step %u", i, j);
	}
	/* An edge is on the first step of its classes, or on none. */
	for (size_t e = 0; e < s->nedges; e++) {
		const struct vt_edge_key *k = &s->edges[e].key;
		int got = vt_splat_edge_step(c, &s->edges[e]), want = -1;

		for (unsigned i = 0; i < c->n && want < 0; i++)
			if (c->steps[i].from_class == k->from_class &&
			    c->steps[i].to_class == k->to_class)
				want = (int)i;
		if (got != want)
			FAIL("edge %d -> %d: step %d, want %d", k->from_class, k->to_class, got,
			     want);
	}
}

FUZZ_NO_COVERAGE static void check_dump_text(const char *buf, size_t len)
{
	static const char *const sections[] = {
		"\n== The kernel's report ==\n",
		"\n== The lock chain parsed from it (B taken while A held) ==\n",
		"\n== vfio-trace's lock order (",
		"\n== Tasks holding tracked locks now (outermost first) ==\n",
		"\n== Lock events of the last 30 s,",
	};

	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\n' && (buf[i] < 0x20 || buf[i] > 0x7e))
			FAIL("dump: byte 0x%02x at %zu", (unsigned char)buf[i], i);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!memmem(buf, len, sections[i], strlen(sections[i])))
			FAIL("dump: no section '%s'", sections[i] + 1);
}

/* What the flight recorder does with a report: its chain, and the dump. */
FUZZ_NO_COVERAGE static void check_recorder(const struct vt_kmsg_report *r, bool render)
{
	static char out[VT_KMSG_MAX_TEXT + 64 * 1024];
	static struct vt_lock_history history;
	struct vt_snapshot *s = recorder_snapshot();
	struct vt_splat_chain chain;
	struct vt_lock_cycles cycles;
	struct vt_flight_dump d = {
		.report = r,
		.chain = &chain,
		.snap = s,
		.cycles = &cycles,
		.history = &history,
		.tick_s = 1,
	};
	FILE *f;
	long len;
	int err;

	if (!history.cap && vt_lock_history_init(&history, 8, 30000000000ULL))
		FAIL("vt_lock_history_init failed");
	if (!history.n)
		vt_lock_history_record(&history, s, NULL);
	vt_splat_chain_build(r, s, &chain);
	check_chain(r, s, &chain);
	if (!render)
		return;
	vt_lock_cycles_find(s, &cycles);
	f = fmemopen(out, sizeof(out), "w");
	if (!f)
		FAIL("fmemopen failed");
	err = render_text_flight_dump(f, &d);
	len = ftell(f);
	if (err || len < 0 || (size_t)len >= sizeof(out))
		FAIL("dump: error %d after %ld bytes", err, len);
	fclose(f);
	check_dump_text(out, (size_t)len);
}

FUZZ_NO_COVERAGE static void on_report(const struct vt_kmsg_report *r, void *ctx)
{
	struct run *run = ctx;
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *first;
	size_t newlines = 0;
	bool dropped;

	if ((unsigned)r->kind >= VT_KMSG_KIND_MAX || (unsigned)r->end >= VT_KMSG_END_MAX)
		FAIL("kind %d, end %d", r->kind, r->end);
	h = fnv(h, &r->kind, sizeof(r->kind));
	h = fnv(h, &r->end, sizeof(r->end));
	h = check_str(h, r->title, sizeof(r->title), "title");
	h = check_str(h, r->caller, sizeof(r->caller), "caller");
	if (!r->title[0])
		FAIL("no title");
	if (r->ntasks > VT_KMSG_MAX_TASKS || r->nchain > VT_KMSG_MAX_CHAIN ||
	    r->nclasses > VT_KMSG_MAX_CLASSES || r->nlocks > VT_KMSG_MAX_LOCKS ||
	    r->nheld > VT_KMSG_MAX_HELD || r->nlines > VT_KMSG_MAX_LINES)
		FAIL("counts beyond the limits: %u tasks, %u chain, %u classes, %u locks, %u held, "
		     "%u lines",
		     r->ntasks, r->nchain, r->nclasses, r->nlocks, r->nheld, r->nlines);

	for (unsigned i = 0; i < r->nlocks; i++) {
		h = check_str(h, r->locks[i], sizeof(r->locks[i]), "lock");
		if (!r->locks[i][0])
			FAIL("an empty lock name");
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(r->locks[i], r->locks[j]))
				FAIL("lock '%s' listed twice", r->locks[i]);
	}
	for (unsigned i = 0; i < r->ntasks; i++)
		h = check_task(h, &r->tasks[i], "task");
	if (r->has_acquire)
		h = check_lock(h, r, &r->acquire, "acquire");
	if (r->has_hold)
		h = check_lock(h, r, &r->hold, "hold");
	dropped = r->tasks_dropped || r->chain_dropped || r->classes_dropped || r->locks_dropped ||
		  r->held_dropped || r->lines_dropped;
	for (unsigned i = 0; i < r->nchain; i++) {
		const struct vt_kmsg_chain_entry *e = &r->chain[i];

		h = check_str(h, e->name, sizeof(e->name), "chain entry");
		if (!named(r, e->name))
			FAIL("chain entry '%s' is not in the report's locks", e->name);
		if (e->nframes > VT_KMSG_MAX_FRAMES)
			FAIL("%u frames", e->nframes);
		dropped |= e->frames_dropped > 0;
		h = fnv(h, &e->depth, sizeof(e->depth));
		for (unsigned f = 0; f < e->nframes; f++)
			h = check_str(h, e->frames[f], sizeof(e->frames[f]), "frame");
	}
	for (unsigned i = 0; i < r->nclasses; i++) {
		h = check_str(h, r->classes[i], sizeof(r->classes[i]), "class");
		if (!r->classes[i][0] || !named(r, r->classes[i]))
			FAIL("class '%s' empty or not in the report's locks", r->classes[i]);
	}
	for (unsigned i = 0; i < r->nheld; i++) {
		const struct vt_kmsg_held *hl = &r->held[i];

		h = check_str(h, hl->comm, sizeof(hl->comm), "holder");
		h = check_lock(h, r, &hl->lock, "held lock");
		h = fnv(h, &hl->pid, sizeof(hl->pid));
		h = fnv(h, &hl->depth, sizeof(hl->depth));
	}
	if (dropped && !r->truncated)
		FAIL("something dropped, not marked truncated");
	if (r->end == VT_KMSG_END_LIMIT && (!r->truncated || !r->lines_dropped))
		FAIL("handed over at the limits, not marked cut");

	/* The text: its lines, each ending in a newline, nothing else. */
	if (r->text_len >= sizeof(r->text) || r->text[r->text_len] != '\0')
		FAIL("text of %zu bytes not terminated there", r->text_len);
	for (size_t i = 0; i < r->text_len; i++) {
		if (r->text[i] == '\n')
			newlines++;
		else if (r->text[i] < 0x20 || r->text[i] > 0x7e)
			FAIL("text: byte 0x%02x at %zu", (unsigned char)r->text[i], i);
	}
	if (newlines != r->nlines || (r->text_len && r->text[r->text_len - 1] != '\n'))
		FAIL("text of %zu lines for %u counted", newlines, r->nlines);
	/* It opens with its title, after lockdep's banner. */
	first = r->text;
	if (r->text[0] == '=')
		first = strchr(r->text, '\n') + 1;
	if (strncmp(first, r->title, strlen(r->title)))
		FAIL("the text does not start with the title '%s'", r->title);
	h = fnv(h, r->text, r->text_len);

	if (run->n < MAX_HASHES)
		run->hash[run->n] = h;
	run->n++;
	/* Once per report: only the new parser's. Not the parser's own
	 * allocations, so not counted as such. */
	if (run->is_fresh) {
		bool was = in_parser;

		in_parser = false;
		check_recorder(r, run->render);
		in_parser = was;
	}
}

/* The pieces of the input, as the mode byte says. */
struct pieces {
	uint8_t mode;
	const uint8_t *p;
	size_t n;
};

static bool next_piece(struct pieces *in, const uint8_t **piece, size_t *len)
{
	const uint8_t *end;

	if (!in->n)
		return false;
	switch (in->mode & 3) {
	case 0: /* all of it */
		*piece = in->p;
		*len = in->n;
		break;
	case 1: /* a line, with its newline */
		end = memchr(in->p, '\n', in->n);
		*piece = in->p;
		*len = end ? (size_t)(end - in->p) + 1 : in->n;
		break;
	case 2: /* up to a NUL, without it: records may hold newlines */
		end = memchr(in->p, '\0', in->n);
		*piece = in->p;
		*len = end ? (size_t)(end - in->p) : in->n;
		in->p += end ? 1 : 0;
		in->n -= end ? 1 : 0;
		break;
	default: /* a length byte, then that many */
		*len = in->p[0] < in->n - 1 ? in->p[0] : in->n - 1;
		*piece = in->p + 1;
		in->p++;
		in->n--;
		break;
	}
	in->p += *len;
	in->n -= *len;
	return true;
}

/* The header of a /dev/kmsg record around a piece: the sequence number jumps
 * after a piece starting with '#', the clock jumps six seconds after one
 * starting with '~', a piece starting with '!' is another caller's and one
 * starting with '^' a process's. */
static size_t wrap(char *hdr, size_t size, const uint8_t *piece, size_t len, uint64_t *seq,
		   uint64_t *ts, uint8_t mode)
{
	uint8_t c = len ? piece[0] : 0;
	int n;

	*seq += c == '#' ? 3 : 1;
	*ts += c == '~' ? 6000000 : 150;
	n = snprintf(hdr, size, "%d,%llu,%llu,-%s;", c == '^' ? 12 : 4, (unsigned long long)*seq,
		     (unsigned long long)*ts,
		     !(mode & 8) ? ""
		     : c == '!'	 ? ",caller=T2"
				 : ",caller=T1");
	return (size_t)n;
}

static void feed_all(struct vt_kmsg_parser *p, const uint8_t *data, size_t size)
{
	struct pieces in = { .mode = data[0], .p = data + 1, .n = size - 1 };
	static char buf[1 << 17];
	uint64_t seq = 100, ts = 1000000;
	const uint8_t *piece;
	size_t len;

	while (next_piece(&in, &piece, &len)) {
		in_parser = true;
		if (in.mode & 4) {
			size_t h = wrap(buf, 64, piece, len, &seq, &ts, in.mode);

			len = len < sizeof(buf) - h ? len : sizeof(buf) - h;
			memcpy(buf + h, piece, len);
			vt_kmsg_feed(p, buf, h + len);
		} else {
			vt_kmsg_feed(p, (const char *)piece, len);
		}
		if ((in.mode & 0x40) && len % 5 == 0)
			vt_kmsg_flush(p);
		in_parser = false;
	}
	in_parser = true;
	vt_kmsg_flush(p);
	in_parser = false;
}

FUZZ_NO_COVERAGE static void check_stats(const struct vt_kmsg_parser *p, size_t reports)
{
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	uint64_t sum = 0;

	if (st->lines != st->in_reports + st->interleaved + st->unrelated + st->dropped)
		FAIL("%llu lines but %llu in reports + %llu interleaved + %llu unrelated + %llu "
		     "dropped",
		     (unsigned long long)st->lines, (unsigned long long)st->in_reports,
		     (unsigned long long)st->interleaved, (unsigned long long)st->unrelated,
		     (unsigned long long)st->dropped);
	for (int k = 0; k < VT_KMSG_KIND_MAX; k++)
		sum += st->reports[k];
	if (sum != reports)
		FAIL("%zu reports handed over, %llu counted", reports, (unsigned long long)sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One parser for the whole run: what earlier inputs left in it must not
	 * show in the reports of this one. */
	static struct vt_kmsg_parser *used;
	static struct run fresh_run = { .is_fresh = true }, used_run;
	struct vt_kmsg_parser *fresh;

	if (!size)
		return 0;
	if (!used) {
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
		used = vt_kmsg_new(on_report, &used_run);
		if (!used)
			FAIL("vt_kmsg_new failed");
	}
	fresh = vt_kmsg_new(on_report, &fresh_run);
	if (!fresh)
		FAIL("vt_kmsg_new failed");
	fresh_run.n = 0;
	fresh_run.render = (data[0] & 0x30) == 0x30;
	used_run.n = 0;
	parser_allocs = 0;

	feed_all(fresh, data, size);
	check_stats(fresh, fresh_run.n);
	if (parser_allocs)
		FAIL("the parser allocated %lu times", parser_allocs);
	vt_kmsg_free(fresh);
	/* Half the inputs only: it doubles the time of one. */
	if (!(data[0] & 0x80))
		return 0;
	/* A line of plain text first, as a new parser's decoder state is: not
	 * after a record, not under a stamped line. */
	vt_kmsg_feed(used, "x\n", 2);
	feed_all(used, data, size);
	if (fresh_run.n != used_run.n)
		FAIL("%zu reports from a new parser, %zu from a used one", fresh_run.n, used_run.n);
	for (size_t i = 0; i < fresh_run.n && i < MAX_HASHES; i++)
		if (fresh_run.hash[i] != used_run.hash[i])
			FAIL("report %zu differs between a new parser and a used one", i);
	return 0;
}
