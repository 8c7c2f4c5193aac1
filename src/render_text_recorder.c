// SPDX-License-Identifier: GPL-2.0
/* The flight recorder's dump: the kernel's report, the chain parsed from it,
 * vfio-trace's lock order with the chain's edges marked, the holders now and
 * the recent lock events. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "render_text.h"
#include "render_text_fmt.h"
#include "render_text_recorder.h"

#define MARK_LEN 40

static __u64 since_start(const struct vt_snapshot *s, __u64 ns)
{
	return ns > s->started_ns ? ns - s->started_ns : 0;
}

static void print_seconds(FILE *f, __u64 ns)
{
	fprintf(f, "%llu.%06llu", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL / 1000));
}

static void print_header(FILE *f, const struct vt_flight_dump *d)
{
	const struct vt_kmsg_report *r = d->report;
	const struct vt_recorder_losses *l = &d->losses;
	time_t secs = (time_t)d->snap->wall_time;
	char stamp[32] = "?";
	struct tm tm;

	if (gmtime_r(&secs, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "vfio-trace flight recorder: kernel %s report\n", vt_kmsg_kind_name(r->kind));
	fprintf(f, "Title:       %s\n", r->title);
	fprintf(f, "Written at:  %s.%06dZ, ", stamp,
		(int)((d->snap->wall_time - (double)secs) * 1e6));
	print_seconds(f, since_start(d->snap, d->snap->mono_ns));
	fputs(" s after tracing began\n", f);
	if (r->has_ts) {
		fputs("Kernel time: ", f);
		print_seconds(f, r->ts_first_us * 1000ULL);
		fputs(" s to ", f);
		print_seconds(f, r->ts_last_us * 1000ULL);
		fputs(" s", f);
		if (r->has_seq)
			fprintf(f, " (/dev/kmsg records %llu to %llu)",
				(unsigned long long)r->seq_first, (unsigned long long)r->seq_last);
		fputc('\n', f);
	}
	fprintf(f,
		"Report:      %u lines, ended by %s; %u lines beyond its limits, %u other "
		"messages left out%s%s\n",
		r->nlines, vt_kmsg_end_name(r->end), r->lines_dropped, r->interleaved,
		r->truncated ? "; TRUNCATED" : "",
		r->gap ? "; kernel records were lost inside it" : "");
	fprintf(f,
		"Lost so far: %llu /dev/kmsg overruns (records overwritten before read), %llu "
		"sequence gaps, %llu read errors, %llu reports cut, %llu lock events "
		"overwritten in the ring, %llu dumps without a fresh snapshot, %llu dumps not "
		"written\n",
		(unsigned long long)l->kmsg_overruns, (unsigned long long)l->kmsg_seq_gaps,
		(unsigned long long)l->kmsg_read_errors, (unsigned long long)l->reports_cut,
		(unsigned long long)d->history->overflow, (unsigned long long)l->snapshot_errors,
		(unsigned long long)l->dumps_failed);
}

static unsigned step_edges(const struct vt_flight_dump *d, int step)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->snap->nedges; i++)
		n += vt_splat_edge_step(d->chain, &d->snap->edges[i]) == step;
	return n;
}

static void print_chain(FILE *f, const struct vt_flight_dump *d)
{
	const struct vt_splat_chain *c = d->chain;

	fputs("\n== The lock chain parsed from it (B taken while A held) ==\n", f);
	if (!c->n)
		fputs("  (no lock pair in this report)\n", f);
	for (unsigned i = 0; i < c->n; i++) {
		const struct vt_splat_step *st = &c->steps[i];
		unsigned n;

		fprintf(f, "  step %u: %s -> %s%s\n", i, st->from, st->to,
			st->reported ? "  (the acquisition reported)" : "");
		if (st->from_class < 0 || st->to_class < 0) {
			fprintf(f, "          vfio-trace does not track %s\n",
				st->from_class < 0 ? st->from : st->to);
			continue;
		}
		n = step_edges(d, (int)i);
		if (n)
			fprintf(f, "          vfio-trace saw it: %u edge%s, marked below\n", n,
				n == 1 ? "" : "s");
		else
			fputs("          vfio-trace has not seen it\n", f);
	}
	if (c->dropped)
		fprintf(f, "  (%u more pairs not kept)\n", c->dropped);
}

static int print_lock_order(FILE *f, const struct vt_flight_dump *d)
{
	const struct vt_snapshot *s = d->snap;
	char(*text)[MARK_LEN] = NULL;
	const char **marks = NULL;
	int err;

	fputs("\n== vfio-trace's lock order (\"<== kernel chain step N\": the edge is a step "
	      "of the chain above) ==\n",
	      f);
	if (s->nedges) {
		text = calloc(s->nedges, sizeof(*text));
		marks = calloc(s->nedges, sizeof(*marks));
		if (!text || !marks) {
			free(text);
			free(marks);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < s->nedges; i++) {
		int step = vt_splat_edge_step(d->chain, &s->edges[i]);

		if (step < 0)
			continue;
		snprintf(text[i], MARK_LEN, "  <== kernel chain step %d", step);
		marks[i] = text[i];
	}
	err = render_text_lock_order_marked(f, s, d->cycles, since_start(s, s->mono_ns) / 1e9,
					    marks);
	free(text);
	free(marks);
	return err;
}

static void print_holders(FILE *f, const struct vt_snapshot *s)
{
	fputs("\n== Tasks holding tracked locks now (outermost first) ==\n", f);
	if (!s->nholders) {
		fputs("  (none)\n", f);
		return;
	}
	fprintf(f, "%8s %-16s %s\n", "TID", "COMM", "LOCKS");
	for (size_t i = 0; i < s->nholders; i++) {
		const struct vt_lock_holder *h = &s->holders[i];
		char comm[VT_COMM_LEN + 1];

		fprintf(f, "%8u %-16s ", h->tid,
			h->comm[0] ? printable(comm, sizeof(comm), h->comm, sizeof(h->comm))
				   : "(exited)");
		for (__u32 j = 0; j < h->held.depth && j < VT_LOCK_DEPTH; j++) {
			const struct vt_dev_snapshot *dev =
				snapshot_device_at_slot(s, h->held.slot[j]);
			char label[64], bdf[VT_BDF_LEN + 1];

			fprintf(f, "%s%s", j ? ", " : "",
				render_text_lock_label(label, sizeof(label), s, h->held.class[j],
						       h -> held.mode[j]));
			if (dev)
				fprintf(f, " [%s]",
					printable(bdf, sizeof(bdf), dev->info.bdf,
						  sizeof(dev->info.bdf)));
		}
		fputc('\n', f);
	}
}

static void print_events(FILE *f, const struct vt_flight_dump *d)
{
	const struct vt_lock_history *h = d->history;
	const struct vt_snapshot *s = d->snap;

	fprintf(f,
		"\n== Lock events of the last %.0f s, oldest first (edges first seen or taken "
		"again, sampled every %.0f s) ==\n",
		h->window_ns / 1e9, d->tick_s);
	if (!h->n) {
		fputs("  (none)\n", f);
		return;
	}
	fprintf(f, "%12s  %-5s %9s  %s\n", "AT (s)", "EVENT", "ADDED", "EDGE");
	for (size_t i = 0; i < h->n; i++) {
		const struct vt_lock_event *ev = vt_lock_history_at(h, i);
		__u64 at = since_start(s, ev->at_ns);
		char from[64], to[64], comm[VT_COMM_LEN + 1], when[32];

		snprintf(when, sizeof(when), "%llu.%03llu",
			 (unsigned long long)(at / 1000000000ULL),
			 (unsigned long long)(at % 1000000000ULL / 1000000));
		fprintf(f, "%12s  %-5s %+9lld  %s -> %s", when, ev->first_seen ? "new" : "again",
			(long long)ev->added,
			render_text_lock_label(from, sizeof(from), s, ev->key.from_class,
					       ev->key.from_mode),
			render_text_lock_label(to, sizeof(to), s, ev->key.to_class,
					       ev->key.to_mode));
		/* The same class pair can be several edges: tell them apart as the
		 * lock order's table does. */
		fprintf(f, " (device %s%s)", vt_edge_device_name(&ev->key),
			ev->key.direct ? "" : ", through another tracked lock");
		if (ev->first_seen)
			fprintf(f, ", first by %s[%u]",
				printable(comm, sizeof(comm), ev->comm, sizeof(ev->comm)), ev->pid);
		fputc('\n', f);
	}
}

int render_text_flight_dump(FILE *f, const struct vt_flight_dump *d)
{
	const struct vt_kmsg_report *r;
	int err;

	if (!f || !d || !d->report || !d->chain || !d->snap || !d->cycles || !d->history)
		return -EINVAL;
	r = d->report;
	print_header(f, d);
	fputs("\n== The kernel's report ==\n", f);
	fwrite(r->text, 1, r->text_len < sizeof(r->text) ? r->text_len : sizeof(r->text), f);
	print_chain(f, d);
	err = print_lock_order(f, d);
	if (err)
		return err;
	print_holders(f, d->snap);
	print_events(f, d);
	return ferror(f) ? -EIO : 0;
}
