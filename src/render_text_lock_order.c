// SPDX-License-Identifier: GPL-2.0
/* The text of `vfio-trace lockdep`: each edge "B acquired while A held" with
 * its first stack, then the cycles and what was lost. */
#include <errno.h>
#include <stdbool.h>
#include "render_text.h"
#include "render_text_fmt.h"

/* Frames shown per edge; JSON has them all. */
#define VT_STACK_SHOWN 12

static const char *mode_word(int class, int mode)
{
	/* vma_lock and igate are mutexes: no read side to speak of. */
	if (class == VT_LC_VMA_LOCK || class == VT_LC_IGATE)
		return "";
	return mode == VT_MODE_READ ? " (read)" : " (write)";
}

static void lock_name(const struct vt_snapshot *snap, char *buf, size_t len, int class, int mode)
{
	snprintf(buf, len, "%s%s", snapshot_lock_name(snap, class), mode_word(class, mode));
}

const char *render_text_lock_label(char *buf, size_t len, const struct vt_snapshot *snap, int class,
				   int mode)
{
	lock_name(snap, buf, len, class, mode);
	return buf;
}

static const char *first_by(char *buf, size_t len, const struct vt_edge *e)
{
	char comm[VT_COMM_LEN + 1];

	snprintf(buf, len, "%s[%u]", printable(comm, sizeof(comm), e->comm, sizeof(e->comm)),
		 e->pid);
	return buf;
}

static void print_stack(FILE *f, const struct vt_lock_edge *le)
{
	const char *frame = NULL;

	for (int j = 0; j < VT_STACK_SHOWN && (frame = snapshot_edge_frame(le, frame)); j++)
		fprintf(f, "        %s\n", frame);
}

static void print_edge(FILE *f, const struct vt_snapshot *snap, const struct vt_lock_edge *le,
		       const char *mark)
{
	const struct vt_edge_key *k = &le->key;
	char from[64], to[64], by[48];

	lock_name(snap, from, sizeof(from), k->from_class, k->from_mode);
	lock_name(snap, to, sizeof(to), k->to_class, k->to_mode);
	fprintf(f, "%-34s -> %-34s %9llu %6s  %s%s%s\n", from, to,
		(unsigned long long)le->val.count, vt_edge_device_name(k),
		first_by(by, sizeof(by), &le->val),
		k->direct ? "" : " (through another tracked lock)", mark ? mark : "");
	print_stack(f, le);
}

/* Where a cycle closes: on one device's locks, on global locks only, or
 * only between classes. */
static void print_where(FILE *f, const struct vt_snapshot *snap, const struct vt_lock_cycle *c)
{
	const struct vt_dev_snapshot *d = snapshot_device_at_slot(snap, c->slot);
	char bdf[VT_BDF_LEN + 1];

	if (!c->instances)
		fputs("  class level only: the locks it joins belong to different devices, so it "
		      "cannot deadlock as seen (lockdep would report it)\n",
		      f);
	else if (d)
		fprintf(f, "  on the locks of %s\n",
			printable(bdf, sizeof(bdf), d->info.bdf, sizeof(d->info.bdf)));
	else if (c->slot != VT_NO_SLOT)
		fputs("  on the locks of one device (no longer listed)\n", f);
}

/* lockdep's report of a cycle: the chain, then each step with the task,
 * time and stack of its first sighting. */
static void print_cycle(FILE *f, const struct vt_snapshot *snap, const struct vt_lock_cycle *c)
{
	fprintf(f, "Cycle (%s): ", c->instances ? "possible deadlock" : "class level only");
	for (int m = 0; m <= c->len; m++)
		fprintf(f, "%s%s", m ? " -> " : "", snapshot_lock_name(snap, c->classes[m]));
	fputc('\n', f);
	print_where(f, snap, c);
	for (int k = 0; k < c->len; k++) {
		const struct vt_lock_edge *le = &snap->edges[c->edges[k]];
		__u64 at = le->val.first_ns > snap->started_ns ? le->val.first_ns - snap->started_ns
							       : 0;
		char from[64], to[64], by[48];

		lock_name(snap, from, sizeof(from), le->key.from_class, le->key.from_mode);
		lock_name(snap, to, sizeof(to), le->key.to_class, le->key.to_mode);
		fprintf(f, "  %s -> %s: first by %s at %llu.%06llu s\n", from, to,
			first_by(by, sizeof(by), &le->val),
			(unsigned long long)(at / 1000000000ULL),
			(unsigned long long)(at % 1000000000ULL / 1000));
		print_stack(f, le);
	}
}

int render_text_lock_order_marked(FILE *f, const struct vt_snapshot *snap,
				  const struct vt_lock_cycles *cycles, double seconds,
				  const char *const *marks)
{
	const __u64 *lost;

	if (!f || !snap || !cycles || (snap->nedges && !snap->edges) ||
	    !vt_lock_cycles_valid(snap, cycles))
		return -EINVAL;
	lost = snap->lost;
	fprintf(f, "Lock order seen in %.1f s: %zu edges (B acquired while A held)\n\n", seconds,
		snap->nedges);
	if (snap->nedges)
		fprintf(f, "%-34s    %-34s %9s %6s  %s\n", "A (held)", "B (acquired)", "COUNT",
			"DEVICE", "FIRST BY");
	for (size_t i = 0; i < snap->nedges; i++)
		print_edge(f, snap, &snap->edges[i], marks ? marks[i] : NULL);
	fputc('\n', f);
	if (!cycles->n)
		fputs("No cycle among the tracked lock classes.\n", f);
	for (int j = 0; j < cycles->n; j++)
		print_cycle(f, snap, &cycles->items[j]);
	if (lost[VT_LOST_LOCK_DEPTH] || lost[VT_LOST_EDGE_MAP_FULL] ||
	    lost[VT_LOST_TASK_MAP_FULL] || lost[VT_LOST_PROG_MISSED] || lost[VT_LOST_EDGE_STACK])
		fprintf(f,
			"Lost: %llu acquisitions deeper than %d tracked locks, %llu edges (map "
			"full), %llu first stacks, %llu threads (map full), %llu probe runs the "
			"kernel skipped\n",
			(unsigned long long)lost[VT_LOST_LOCK_DEPTH], VT_LOCK_DEPTH,
			(unsigned long long)lost[VT_LOST_EDGE_MAP_FULL],
			(unsigned long long)lost[VT_LOST_EDGE_STACK],
			(unsigned long long)lost[VT_LOST_TASK_MAP_FULL],
			(unsigned long long)lost[VT_LOST_PROG_MISSED]);
	return ferror(f) ? -EIO : 0;
}

int render_text_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds)
{
	return render_text_lock_order_marked(f, snap, cycles, seconds, NULL);
}
