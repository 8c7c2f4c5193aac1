// SPDX-License-Identifier: GPL-2.0
/*
 * The reports of the kernel's log, line by line: which line opens a report,
 * which belong to it (and what they say about its locks), where it ends. The
 * shapes of single lines are kmsg_lines.c's; kmsg_report.h gives the rules.
 */
#include <stdlib.h>
#include <string.h>
#include "kmsg_lines.h"
#include "kmsg_report.h"

/* Where in its report the parser is: what the next lines are expected to be. */
enum section {
	SEC_HEAD,      /* lockdep: the kernel's ident line, up to the dashes */
	SEC_DETAIL,    /* lockdep's other reports: their own words, up to a blank line */
	SEC_BODY,      /* lockdep: tasks, locks, lock lists, scenarios */
	SEC_CHAIN,     /* lockdep: "-> #N" entries and their frames */
	SEC_CHAIN_OF,  /* lockdep: the line after "Chain exists of:" */
	SEC_STACK,     /* the last stack dump: lockdep's "stack backtrace:", a soft lockup's */
	SEC_HUNG,      /* blocked tasks and their stacks */
	SEC_ALL_LOCKS, /* "Showing all locks held in the system:", up to its "=====" */
};

/* Which of the locks of a lockdep report the next print_lock() line is. */
enum want {
	WANT_NONE,
	WANT_ACQUIRE,
	WANT_HOLD,
};

/* What a line is to the open report. */
enum verdict {
	TAKE,	  /* one of its lines */
	TAKE_END, /* its last line */
	OTHERS,	  /* someone else's, printed in the middle of it */
	NOT_MINE, /* someone else's after its last stack dump: it is over */
};

struct vt_kmsg_parser {
	vt_kmsg_report_fn fn;
	void *ctx;
	struct vt_kmsg_decoder decoder;
	struct vt_kmsg_stats stats;

	bool open;   /* a report is being read */
	bool handed; /* ... and was handed over at its limits: its lines are dropped */
	enum section sec;
	enum want want;
	bool ident_seen;  /* SEC_HEAD: the kernel ident line */
	bool call_trace;  /* a "Call Trace:" of its last dump was seen */
	bool frames;	  /* ... and frames after it: a line of no dump's shape ends it */
	unsigned foreign; /* lines in a row that were someone else's */
	bool has_holder;
	struct vt_kmsg_task holder;	   /* of the lock list being read */
	struct vt_kmsg_chain_entry *entry; /* being filled, NULL if dropped */

	/* A "=====" not yet known to open a lockdep report: the next line says. */
	bool banner;
	bool banner_in_report; /* met inside the open report: its interleaved if not */
	struct vt_kmsg_line banner_line;
	char banner_text[VT_KMSG_LINE_MAX];

	bool has_last_seq;
	__u64 last_seq;

	struct vt_kmsg_report r;
};

/* clang-format off */
static const char *const kind_names[VT_KMSG_KIND_MAX] = {
	[VT_KMSG_CIRCULAR]	= "circular",
	[VT_KMSG_RECURSIVE]	= "recursive",
	[VT_KMSG_INCONSISTENT]	= "inconsistent",
	[VT_KMSG_IRQ_INVERSION]	= "irq_inversion",
	[VT_KMSG_LOCKDEP_OTHER]	= "lockdep_other",
	[VT_KMSG_HUNG_TASK]	= "hung_task",
	[VT_KMSG_SOFT_LOCKUP]	= "soft_lockup",
};

static const char *const end_names[VT_KMSG_END_MAX] = {
	[VT_KMSG_END_MARKER]	= "marker",
	[VT_KMSG_END_UNRELATED]	= "unrelated",
	[VT_KMSG_END_NEXT]	= "next",
	[VT_KMSG_END_QUIET]	= "quiet",
	[VT_KMSG_END_FLUSH]	= "flush",
	[VT_KMSG_END_LIMIT]	= "limit",
};

/* Lockdep's section headers, not indented; the first prefix that matches. */
static const struct {
	const char *prefix;
	enum section sec;
	enum want want;
} lockdep_headers[] = {
	{ "but task is already holding lock:",			SEC_BODY,	WANT_HOLD },
	{ "and this task is already holding:",			SEC_BODY,	WANT_HOLD },
	{ "the existing dependency chain (in reverse order) is:", SEC_CHAIN,	WANT_NONE },
	{ "Chain exists of:",					SEC_CHAIN_OF,	WANT_NONE },
	{ "stack backtrace:",					SEC_STACK,	WANT_NONE },
	{ "which lock already depends on the new lock.",	SEC_BODY,	WANT_NONE },
	{ "other info that might help us debug this:",		SEC_BODY,	WANT_NONE },
	{ "which would create a new lock dependency:",		SEC_BODY,	WANT_NONE },
	{ "but this new dependency connects a ",		SEC_BODY,	WANT_NONE },
	{ "...",						SEC_BODY,	WANT_NONE },
	{ "to a ",						SEC_BODY,	WANT_NONE },
	{ "the dependencies between ",				SEC_BODY,	WANT_NONE },
	{ "but this lock took another, ",			SEC_BODY,	WANT_NONE },
	{ "but this lock was taken by another, ",		SEC_BODY,	WANT_NONE },
	{ "and interrupts could create inverse lock ordering",	SEC_BODY,	WANT_NONE },
	{ "the shortest dependencies between ",			SEC_BODY,	WANT_NONE },
	{ "inconsistent {",					SEC_BODY,	WANT_NONE },
	{ "{",							SEC_BODY,	WANT_NONE },
	{ "irq event stamp:",					SEC_BODY,	WANT_NONE },
	{ "hardirqs last",					SEC_BODY,	WANT_NONE },
	{ "softirqs last",					SEC_BODY,	WANT_NONE },
	{ "but there are no more locks to release!",		SEC_BODY,	WANT_NONE },
	{ "and the lock comparison function returns",		SEC_BODY,	WANT_NONE },
	{ "rcu_scheduler_active = ",				SEC_BODY,	WANT_NONE },
	{ "RCU used illegally from ",				SEC_BODY,	WANT_NONE },
	{ "context-{",						SEC_BODY,	WANT_NONE },
	{ "-> (",						SEC_BODY,	WANT_NONE },
};
/* clang-format on */

const char *vt_kmsg_kind_name(enum vt_kmsg_kind kind)
{
	return (unsigned)kind < VT_KMSG_KIND_MAX ? kind_names[kind] : "?";
}

const char *vt_kmsg_end_name(enum vt_kmsg_end end)
{
	return (unsigned)end < VT_KMSG_END_MAX ? end_names[end] : "?";
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* ---- what a report collects ---------------------------------------------- */

static void add_lock(struct vt_kmsg_report *r, const char *name)
{
	if (!name[0])
		return;
	for (unsigned i = 0; i < r->nlocks; i++)
		if (!strcmp(r->locks[i], name))
			return;
	if (r->nlocks == VT_KMSG_MAX_LOCKS) {
		r->locks_dropped++;
		r->truncated = true;
		return;
	}
	strcpy(r->locks[r->nlocks++], name);
}

/* Every "(NAME){usage}" of a line, in order. */
static void add_locks_of(struct vt_kmsg_report *r, const char *s)
{
	char name[VT_KMSG_NAME_LEN];
	const char *p = s;
	bool cut = false;

	while ((p = kline_lock_name(p, name, sizeof(name), &cut)) != NULL)
		add_lock(r, name);
	if (cut)
		r->truncated = true;
}

static void add_task(struct vt_kmsg_report *r, const struct vt_kmsg_task *t)
{
	if (r->ntasks == VT_KMSG_MAX_TASKS) {
		r->tasks_dropped++;
		r->truncated = true;
		return;
	}
	r->tasks[r->ntasks++] = *t;
}

static void add_held(struct vt_kmsg_parser *p, int depth, const struct vt_kmsg_lock *l)
{
	struct vt_kmsg_report *r = &p->r;
	struct vt_kmsg_held *h;

	add_lock(r, l->name);
	if (r->nheld == VT_KMSG_MAX_HELD) {
		r->held_dropped++;
		r->truncated = true;
		return;
	}
	h = &r->held[r->nheld++];
	memset(h, 0, sizeof(*h));
	if (p->has_holder) {
		strcpy(h->comm, p->holder.comm);
		h->pid = p->holder.pid;
	}
	h->depth = depth;
	h->lock = *l;
}

static void add_chain_entry(struct vt_kmsg_parser *p, int depth, const char *name)
{
	struct vt_kmsg_report *r = &p->r;
	struct vt_kmsg_chain_entry *e;

	add_lock(r, name);
	if (r->nchain == VT_KMSG_MAX_CHAIN) {
		r->chain_dropped++;
		r->truncated = true;
		p->entry = NULL;
		return;
	}
	e = &r->chain[r->nchain++];
	e->depth = depth;
	strcpy(e->name, name);
	e->nframes = 0;
	e->frames_dropped = 0;
	p->entry = e;
}

static void add_frame(struct vt_kmsg_parser *p, const char *s)
{
	struct vt_kmsg_chain_entry *e = p->entry;
	bool cut = false;

	if (e->nframes == VT_KMSG_MAX_FRAMES) {
		e->frames_dropped++;
		p->r.truncated = true;
		return;
	}
	kline_copy(e->frames[e->nframes++], VT_KMSG_NAME_LEN, s, strlen(s), &cut);
	if (cut)
		p->r.truncated = true;
}

/* "  A --> B --> C" */
static void add_classes(struct vt_kmsg_report *r, const char *s)
{
	static const char arrow[] = " --> ";
	bool cut = false;

	for (const char *p = s;;) {
		const char *next = strstr(p, arrow);
		size_t n = next ? (size_t)(next - p) : strlen(p);
		char name[VT_KMSG_NAME_LEN];

		kline_copy(name, sizeof(name), p, n, &cut);
		if (name[0]) {
			add_lock(r, name);
			if (r->nclasses < VT_KMSG_MAX_CLASSES) {
				strcpy(r->classes[r->nclasses++], name);
			} else {
				r->classes_dropped++;
				r->truncated = true;
			}
		}
		if (!next)
			break;
		p = next + strlen(arrow);
	}
	if (cut)
		r->truncated = true;
}

/* print_lockdep_cache() names a lock without its usage: "NAME/PID is trying
 * to release lock (NAME) at:". */
static void add_released_lock(struct vt_kmsg_report *r, const char *s)
{
	static const char mark[] = " is trying to release lock (";
	const char *open = strstr(s, mark), *close;
	char name[VT_KMSG_NAME_LEN];
	bool cut = false;

	if (!open)
		return;
	open += strlen(mark);
	close = strstr(open, ") at:");
	if (!close || close[5] != '\0')
		return;
	kline_copy(name, sizeof(name), open, (size_t)(close - open), &cut);
	add_lock(r, name);
	if (cut)
		r->truncated = true;
}

/* ---- which lines are the report's ---------------------------------------- */

/* A line of a stack dump, the last part of a report: "</TASK>" ends it
 * (x86); once frames were seen, a line of no dump's shape ends it too. */
static enum verdict stack_line(struct vt_kmsg_parser *p, const char *s)
{
	if (kline_is_task_end(s))
		return TAKE_END;
	if (kline_is_blank(s))
		return TAKE;
	if (!kline_is_stack(s))
		return p->frames ? NOT_MINE : OTHERS;
	/* The report named no task (suspicious RCU usage, say): the dump's
	 * header does. */
	if (!p->r.ntasks && starts(s, "CPU: ")) {
		struct vt_kmsg_task task;
		bool cut = false;

		if (kline_dump_task(s, &task, &cut))
			add_task(&p->r, &task);
		if (cut)
			p->r.truncated = true;
	}
	if (starts(s, "Call Trace:") || starts(s, "Call trace:"))
		p->call_trace = true;
	else if (p->call_trace && kline_is_indented(s))
		p->frames = true;
	return TAKE;
}

static enum verdict lockdep_line(struct vt_kmsg_parser *p, const char *s)
{
	struct vt_kmsg_report *r = &p->r;
	char name[VT_KMSG_NAME_LEN];
	struct vt_kmsg_lock lock;
	struct vt_kmsg_task task;
	bool cut = false;
	int depth;

	if (p->sec == SEC_STACK)
		return stack_line(p, s);
	if (kline_is_blank(s)) {
		if (p->sec == SEC_DETAIL)
			p->sec = SEC_BODY;
		p->entry = NULL;
		return TAKE;
	}
	if (p->sec == SEC_HEAD) {
		if (kline_is_dashes(s)) {
			p->sec = r->kind == VT_KMSG_LOCKDEP_OTHER ? SEC_DETAIL : SEC_BODY;
			return TAKE;
		}
		if (!p->ident_seen) {
			p->ident_seen = true;
			return TAKE;
		}
	}
	if (kline_is_indented(s)) {
		if (p->sec == SEC_CHAIN_OF && strstr(s, " --> ")) {
			add_classes(r, s);
			p->sec = SEC_BODY;
		} else if (kline_held(s, &depth, &lock, &cut)) {
			add_held(p, depth, &lock);
		} else if (kline_scenario_lock(s, name, sizeof(name), &cut)) {
			add_lock(r, name);
		} else if (p->sec == SEC_CHAIN && p->entry) {
			add_frame(p, s);
		} else {
			add_locks_of(r, s);
		}
		if (cut)
			r->truncated = true;
		return TAKE;
	}
	if (kline_chain_entry(s, &depth, name, sizeof(name), &cut)) {
		if (p->sec == SEC_CHAIN)
			add_chain_entry(p, depth, name);
		else
			add_lock(r, name);
		if (cut)
			r->truncated = true;
		return TAKE;
	}
	for (size_t i = 0; i < sizeof(lockdep_headers) / sizeof(lockdep_headers[0]); i++) {
		if (starts(s, lockdep_headers[i].prefix)) {
			p->sec = lockdep_headers[i].sec;
			p->want = lockdep_headers[i].want;
			p->entry = NULL;
			add_locks_of(r, s);
			return TAKE;
		}
	}
	if (kline_task(s, &task, &cut)) {
		if (!r->ntasks)
			add_task(r, &task);
		add_released_lock(r, s);
		p->want = WANT_ACQUIRE;
		if (cut)
			r->truncated = true;
		return TAKE;
	}
	if (kline_held_by(s, &task, &cut)) {
		p->holder = task;
		p->has_holder = true;
		p->sec = SEC_BODY;
		if (cut)
			r->truncated = true;
		return TAKE;
	}
	if (kline_lock(s, &lock, &cut)) {
		if (p->want == WANT_ACQUIRE && !r->has_acquire) {
			r->acquire = lock;
			r->has_acquire = true;
		} else if (p->want == WANT_HOLD && !r->has_hold) {
			r->hold = lock;
			r->has_hold = true;
		}
		p->want = WANT_NONE;
		add_lock(r, lock.name);
		if (cut)
			r->truncated = true;
		return TAKE;
	}
	/* A lockdep report of another kind says what it is in its own words
	 * ("kernel/foo.c:12 suspicious rcu_dereference_check() usage!"). */
	if (p->sec == SEC_DETAIL)
		return TAKE;
	return OTHERS;
}

static enum verdict hung_line(struct vt_kmsg_parser *p, const char *s)
{
	struct vt_kmsg_lock lock;
	struct vt_kmsg_task task;
	bool cut = false;
	int depth;

	if (p->sec == SEC_ALL_LOCKS) {
		if (kline_is_banner(s))
			return TAKE_END;
		if (kline_held_by(s, &task, &cut)) {
			p->holder = task;
			p->has_holder = true;
		} else if (kline_held(s, &depth, &lock, &cut)) {
			add_held(p, depth, &lock);
		} else if (!kline_is_blank(s) && !kline_is_indented(s)) {
			return OTHERS;
		}
		if (cut)
			p->r.truncated = true;
		return TAKE;
	}
	if (starts(s, "Showing all locks held in the system:")) {
		p->sec = SEC_ALL_LOCKS;
		p->has_holder = false;
		return TAKE;
	}
	/* check_hung_task() and sched_show_task(), then the stack dump. */
	if (starts(s, "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\"") ||
	    starts(s, "task:") || starts(s, "INFO: task ") ||
	    starts(s, "Future hung task reports are suppressed"))
		return TAKE;
	/* A blocked task's stack ends here, not the report: more tasks or the
	 * lock list may follow. */
	if (kline_is_task_end(s)) {
		p->frames = true;
		return TAKE;
	}
	return stack_line(p, s);
}

static enum verdict lockup_line(struct vt_kmsg_parser *p, const char *s)
{
	/* "CPU#1 Utilization every 4s during lockup:" and its indented lines
	 * come before the registers (6.10 and later). */
	if (starts(s, "CPU#") && strstr(s, " Utilization every "))
		return TAKE;
	return stack_line(p, s);
}

static enum verdict report_line(struct vt_kmsg_parser *p, const char *s)
{
	switch (p->r.kind) {
	case VT_KMSG_HUNG_TASK: return hung_line(p, s);
	case VT_KMSG_SOFT_LOCKUP: return lockup_line(p, s);
	default: return lockdep_line(p, s);
	}
}

/* ---- a report's life ----------------------------------------------------- */

static void hand_over(struct vt_kmsg_parser *p, enum vt_kmsg_end end)
{
	struct vt_kmsg_report *r = &p->r;

	r->end = end;
	p->stats.reports[r->kind]++;
	if (r->truncated)
		p->stats.truncated++;
	p->fn(r, p->ctx);
}

static void end_report(struct vt_kmsg_parser *p, enum vt_kmsg_end end)
{
	if (!p->open)
		return;
	if (!p->handed)
		hand_over(p, end);
	p->open = false;
	p->handed = false;
}

/* The line joins the report's text; the report is handed over cut when it
 * would not fit, and its lines dropped from then on. */
static void take_line(struct vt_kmsg_parser *p, const struct vt_kmsg_line *l)
{
	struct vt_kmsg_report *r = &p->r;

	p->foreign = 0;
	if (p->handed) {
		p->stats.dropped++;
		return;
	}
	if (r->nlines == VT_KMSG_MAX_LINES || r->text_len + l->len + 2 > sizeof(r->text)) {
		p->stats.dropped++;
		r->lines_dropped++;
		r->truncated = true;
		hand_over(p, VT_KMSG_END_LIMIT);
		p->handed = true;
		return;
	}
	p->stats.in_reports++;
	memcpy(r->text + r->text_len, l->text, l->len);
	r->text_len += l->len;
	r->text[r->text_len++] = '\n';
	r->text[r->text_len] = '\0';
	r->nlines++;
	if (l->cut)
		r->truncated = true;
	if (l->has_seq) {
		if (!r->has_seq)
			r->seq_first = l->seq;
		r->has_seq = true;
		r->seq_last = l->seq;
	}
	if (l->has_ts) {
		if (!r->has_ts)
			r->ts_first_us = l->ts_us;
		r->has_ts = true;
		r->ts_last_us = l->ts_us;
	}
}

static void interleave(struct vt_kmsg_parser *p)
{
	p->stats.interleaved++;
	if (!p->handed)
		p->r.interleaved++;
	if (++p->foreign == VT_KMSG_MAX_FOREIGN)
		end_report(p, VT_KMSG_END_UNRELATED);
}

/* The pending banner opened no report: it was someone else's. */
static void drop_banner(struct vt_kmsg_parser *p)
{
	if (!p->banner)
		return;
	p->banner = false;
	if (p->banner_in_report && p->open)
		interleave(p);
	else
		p->stats.unrelated++;
}

static void keep_banner(struct vt_kmsg_parser *p, const struct vt_kmsg_line *l)
{
	drop_banner(p);
	p->banner = true;
	p->banner_in_report = p->open;
	p->banner_line = *l;
	memcpy(p->banner_text, l->text, l->len + 1);
	p->banner_line.text = p->banner_text;
}

static void begin_report(struct vt_kmsg_parser *p, enum vt_kmsg_kind kind,
			 const struct vt_kmsg_line *l)
{
	struct vt_kmsg_report *r = &p->r;
	struct vt_kmsg_task task;
	bool cut = false;

	/* Only what a report fills as it goes is cleared: the text and the
	 * arrays are written before they are counted. */
	memset(r, 0, offsetof(struct vt_kmsg_report, tasks));
	r->kind = kind;
	r->ntasks = r->tasks_dropped = 0;
	r->has_acquire = r->has_hold = false;
	memset(&r->acquire, 0, sizeof(r->acquire));
	memset(&r->hold, 0, sizeof(r->hold));
	r->nchain = r->chain_dropped = 0;
	r->nclasses = r->classes_dropped = 0;
	r->nlocks = r->locks_dropped = 0;
	r->nheld = r->held_dropped = 0;
	r->nlines = r->lines_dropped = r->interleaved = 0;
	r->text_len = 0;
	r->text[0] = '\0';

	kline_copy(r->title, sizeof(r->title), l->text, l->len, &cut);
	strcpy(r->caller, l->caller);
	p->open = true;
	p->handed = false;
	p->want = WANT_NONE;
	p->ident_seen = false;
	p->foreign = 0;
	p->call_trace = false;
	p->frames = false;
	p->has_holder = false;
	p->entry = NULL;
	switch (kind) {
	case VT_KMSG_HUNG_TASK:
		p->sec = SEC_HUNG;
		if (kline_hung_task(l->text, &task, &cut))
			add_task(r, &task);
		break;
	case VT_KMSG_SOFT_LOCKUP:
		p->sec = SEC_STACK;
		if (kline_soft_lockup(l->text, &task, &cut))
			add_task(r, &task);
		break;
	default: p->sec = SEC_HEAD; break;
	}
	if (cut)
		r->truncated = true;
	if (p->banner) {
		p->banner = false;
		take_line(p, &p->banner_line);
	}
	take_line(p, l);
}

/* A line outside any report. */
static void idle_line(struct vt_kmsg_parser *p, const struct vt_kmsg_line *l)
{
	if (l->kernel && kline_is_banner(l->text))
		keep_banner(p, l);
	else
		p->stats.unrelated++;
}

static void on_line(const struct vt_kmsg_line *l, void *ctx)
{
	struct vt_kmsg_parser *p = ctx;
	struct vt_kmsg_report *r = &p->r;
	enum vt_kmsg_kind kind = VT_KMSG_KIND_MAX;
	enum verdict v;
	bool gap = false;

	p->stats.lines++;
	/* The lines of one record share its number. */
	if (l->has_seq) {
		if (p->has_last_seq && l->seq != p->last_seq && l->seq != p->last_seq + 1) {
			p->stats.seq_gaps++;
			gap = true;
		}
		p->has_last_seq = true;
		p->last_seq = l->seq;
	}
	if (l->kernel)
		kind = kline_title(l->text, p->banner);
	if (kind == VT_KMSG_KIND_MAX)
		drop_banner(p);
	if (p->open && l->has_ts && r->has_ts && l->ts_us >= r->ts_last_us &&
	    l->ts_us - r->ts_last_us >= VT_KMSG_QUIET_US)
		end_report(p, VT_KMSG_END_QUIET);

	if (kind != VT_KMSG_KIND_MAX) {
		struct vt_kmsg_task task;
		bool cut = false;

		/* khungtaskd reports every blocked task of one check, then the
		 * locks of all once. */
		if (p->open && kind == VT_KMSG_HUNG_TASK && r->kind == VT_KMSG_HUNG_TASK &&
		    p->sec == SEC_HUNG && !strcmp(l->caller, r->caller)) {
			if (kline_hung_task(l->text, &task, &cut))
				add_task(r, &task);
			if (cut)
				r->truncated = true;
			p->call_trace = false;
			p->frames = false;
			if (gap && !p->handed)
				r->gap = true;
			take_line(p, l);
			return;
		}
		end_report(p, VT_KMSG_END_NEXT);
		begin_report(p, kind, l);
		return;
	}
	if (!p->open) {
		idle_line(p, l);
		return;
	}
	if (gap && !p->handed)
		r->gap = true;
	v = OTHERS;
	if (l->kernel && !(l->caller[0] && r->caller[0] && strcmp(l->caller, r->caller)))
		v = report_line(p, l->text);
	switch (v) {
	case TAKE: take_line(p, l); break;
	case TAKE_END:
		take_line(p, l);
		end_report(p, VT_KMSG_END_MARKER);
		break;
	case OTHERS:
		if (l->kernel && kline_is_banner(l->text))
			keep_banner(p, l);
		else
			interleave(p);
		break;
	case NOT_MINE:
		end_report(p, VT_KMSG_END_UNRELATED);
		idle_line(p, l);
		break;
	}
}

/* ---- the interface ------------------------------------------------------- */

struct vt_kmsg_parser *vt_kmsg_new(vt_kmsg_report_fn fn, void *ctx)
{
	struct vt_kmsg_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->fn = fn;
	p->ctx = ctx;
	return p;
}

void vt_kmsg_free(struct vt_kmsg_parser *p)
{
	free(p);
}

void vt_kmsg_feed(struct vt_kmsg_parser *p, const char *buf, size_t len)
{
	vt_kmsg_decode(&p->decoder, buf, len, on_line, p);
	p->stats.decode = p->decoder.stats;
}

void vt_kmsg_flush(struct vt_kmsg_parser *p)
{
	drop_banner(p);
	end_report(p, VT_KMSG_END_FLUSH);
}

const struct vt_kmsg_stats *vt_kmsg_stats(const struct vt_kmsg_parser *p)
{
	return &p->stats;
}
